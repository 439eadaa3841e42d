// Family Planner: families and roles, shared todo lists and chores, the family calendar with
// recurring events, reminders as notifications, on family_db.
//
// ## Role matrix
//
// Everything in a family is visible only to its members: anyone else gets 404 for the family
// and for every list, item, event and member in it, as if it did not exist. Inside the
// family, what a member may do depends on their role (service/roles.ts holds the same table;
// routes/roles.test.ts checks it through the API). A member without the right gets 403
// FAMILY_ROLE_FORBIDDEN.
//
// | action                                                        | child | parent | admin |
// |---------------------------------------------------------------|:-----:|:------:|:-----:|
// | see the family, its members, shared/chores lists, items, calendar |  ✓  |   ✓    |   ✓   |
// | read and write the family chat; edit and delete own messages   |   ✓   |   ✓    |   ✓   |
// | delete anyone's chat message                                  |   ✗   |   ✗    |   ✓   |
// | move an item assigned to them between todo, in_progress, done |   ✓   |   ✓    |   ✓   |
// | keep personal lists (private to their owner) and their items  |   ✓   |   ✓    |   ✓   |
// | leave the family (DELETE their own member_id)                 |   ✓   |   ✓    |  ✓¹   |
// | create, rename, delete shared and chores lists                |   ✗   |   ✓    |   ✓   |
// | create, edit, assign, complete, delete any item of those lists |  ✗   |   ✓    |   ✓   |
// | create, edit, delete calendar events                          |   ✗   |   ✓    |   ✓   |
// | make events repeat; skip or change one occurrence             |   ✗   |   ✓    |   ✓   |
// | set up chores (rule, rotation, points); any item's reminders  |   ✗   |   ✓    |   ✓   |
// | mark a chore assigned to them done (its points are theirs)    |   ✓   |   ✓    |   ✓   |
// | see chores' history and points; their own notifications       |   ✓   |   ✓    |   ✓   |
// | invite (login or link), see and revoke invitations            |   ✗   |   ✗    |   ✓   |
// | remove members, change roles                                  |   ✗   |   ✗    |   ✓   |
// | approve a child of theirs joining another family as a child   |   ✗   |   ✓²   |   ✓²  |
// | rename or delete the family                                   |   ✗   |   ✗    |   ✓   |
//
// ¹ The last admin cannot leave or step down (409 LAST_ADMIN): they make someone else admin
//   first, or delete the family.
//
// ² A parent or admin of a family in which the person is a child: someone who is a child in any
//   family and accepts a child invitation (or uses a child link) joins only once one of them
//   approves (service/invitations.ts); someone who is a child nowhere joins at once.
//
// Nobody is added without consent: an admin invites by username or email (the same answer
// whether or not the login has an account) or makes a link, and the person accepts. A family holds at most the member cap of its creator's plan (free: 6,
// family plan: unlimited; 409 FAMILY_MEMBER_CAP_REACHED); once the creator's account is
// deleted, the free plan's cap applies. A member who leaves or is removed takes their
// personal lists of that family with them; their assignments there are cleared and they are
// taken off its events.
//
// ## user.deleted (identity's outbox, applied at least once, idempotently)
//
// - Each membership of the deleted user is removed. A family with other members keeps
//   existing: if the user was its last admin, the longest-standing parent becomes admin, or,
//   without a parent, the longest-standing member. A family left with no members is deleted
//   with its lists, items and events.
// - Their personal lists (in every family) are deleted: nobody else could see them.
// - Items assigned to them become unassigned (assigned_to NULL); they are removed from
//   event attendees.
// - What they created or completed stays for the family, anonymised: created_by of
//   families, lists, items and events and completed_by of items become NULL (a done item
//   stays done, with its completed_at). The same goes for shopping lists: who made a list or an
//   item, who ticked it and who made each change become NULL (a ticked item stays ticked).
// - They leave every chore rotation; their chore completions stay, anonymised; their
//   notifications and Web Push subscriptions are deleted (a member who leaves loses the
//   notifications of that family).
// - Their chat messages stay, anonymised (author_id NULL); their read markers are deleted;
//   invitations addressed to them are deleted, those they sent or approved anonymised.
// - Their iCal subscriptions are revoked and their meal plans leave the family calendars. (A
//   member who leaves or is removed loses theirs in that family the same way; a feed answers
//   only while its creator is a member.)
//
// `calos doctor` asks the same questions through FamilyClient.integrity (service/integrity.ts).
import { affiliateFor } from '../affiliate/index.ts';
import { type IdentityClient, reapplyUserDeleted } from '../identity/client.ts';
import { cachedStaffRoles } from '../platform/auth/staff.ts';
import { createNotifyHub } from '../platform/db/notify-hub.ts';
import { createHousekeeping } from '../platform/housekeeping.ts';
import type { ServiceContext, ServiceDefinition, ServiceInstance } from '../platform/http/service.ts';
import { createOutboxConsumer, type OutboxConsumer } from '../platform/outbox-consumer.ts';
import { createLimiter } from '../platform/rate-limit.ts';
import { registerRpcDoor } from '../platform/rpc.ts';
import { FAMILY_RPC_METHODS, type FamilyClient } from './client.ts';
import type { FamilyDeps } from './deps.ts';
import type { DayEntrySource, FamilyLinks } from './links.ts';
import { registerFamilyConsoleRoutes } from './routes/admin.ts';
import { registerFamilyPlannerRoutes } from './routes/index.ts';
import { createCalendarService } from './service/calendar.ts';
import { createCalendarLinkService } from './service/calendar-links.ts';
import { createFamilyClient } from './service/client.ts';
import { createPlanEventHandler } from './service/entitlements.ts';
import { createFamilyService } from './service/families.ts';
import { type CalendarSource, createIcalService } from './service/ical.ts';
import { createInvitationService } from './service/invitations.ts';
import { createMessageService, MESSAGES_PER_MINUTE } from './service/messages.ts';
import {
  createNotificationPruning,
  createNotificationService,
  createReminderJob,
} from './service/notifications.ts';
import { createPushService } from './service/push.ts';
import { createShoppingListService } from './service/shopping-lists.ts';
import { createTodoService } from './service/todos.ts';
import { createIdentityEventHandler } from './service/user-deleted.ts';

/** NOTIFY channel of shopping-list changes (one LISTEN per process, fanned out by list). */
const SHOPPING_CHANNEL = 'family_shopping';
/** NOTIFY channel of membership changes, by family (see migrations/family/010). */
const FAMILY_ACCESS_CHANNEL = 'calos_family_access';
/** NOTIFY channel of chat messages, by family. */
const CHAT_CHANNEL = 'family_chat';
/** NOTIFY channel of new notifications, by user. */
export const NOTIFICATION_CHANNEL = 'family_notifications';
/** How often the reminder job looks for reminders whose time has come. */
const REMINDER_INTERVAL_MS = 30_000;

/** The consumer's name in identity's outbox cursors. */
export const OUTBOX_CONSUMER = 'family';

function createFamilyPlanner(context: ServiceContext, links: FamilyLinks): ServiceInstance {
  const deps: FamilyDeps = {
    db: context.databases.get('family'),
    identity: () => context.clients.get<IdentityClient>('identity'),
    logger: context.logger.child({ service: 'family' }),
    now: () => context.clock.now(),
    upgradeUrl: `${context.config.mail.accountUrl ?? '/account/'}plan`,
  };
  const hub = createNotifyHub(deps.db, SHOPPING_CHANNEL);
  // Members changed (migration 010's trigger): live streams of the family re-check who follows them.
  const familyAccess = createNotifyHub(deps.db, FAMILY_ACCESS_CHANNEL);
  const chat = createNotifyHub(deps.db, CHAT_CHANNEL);
  const notificationHub = createNotifyHub(deps.db, NOTIFICATION_CHANNEL);
  const push = createPushService(deps, {
    config: context.config.webPush,
    production: context.config.nodeEnv === 'production',
  });
  const reminders = createHousekeeping(
    [
      { name: 'reminders fired', run: createReminderJob(deps, notificationHub, push) },
      { name: 'old notifications pruned', run: createNotificationPruning(deps) },
    ],
    {
      intervalMs: REMINDER_INTERVAL_MS,
      logger: deps.logger,
    },
  );
  const chatLimiter = createLimiter(context.config, {
    keyPrefix: 'family:chat',
    points: MESSAGES_PER_MINUTE,
    duration: 60,
  });
  // Other apps' entries for the family calendar, added as those apps expose them.
  const calendarLinks = createCalendarLinkService(deps, () => links.mealPlans());
  const calendarSources: CalendarSource[] = [
    ...links.dayEntries.map(dayEntriesSource),
    calendarLinks.mealPlanSource,
  ];
  const families = createFamilyService(deps);
  const services = {
    families,
    invitations: createInvitationService(deps, families),
    messages: createMessageService(deps, families, chat, familyAccess, chatLimiter, links),
    todos: createTodoService(deps),
    calendar: createCalendarService(deps, () => calendarSources),
    shoppingLists: createShoppingListService(deps, hub, familyAccess),
    ical: createIcalService(deps, () => calendarSources),
    calendarLinks,
    notifications: createNotificationService(deps, notificationHub),
    affiliate: affiliateFor(context, 'family', {
      db: deps.db,
      logger: deps.logger,
      identity: () =>
        context.clients.has('identity') ? context.clients.get<IdentityClient>('identity') : undefined,
    }),
    push,
  };
  let consumer: OutboxConsumer | undefined;
  // Without identity in reach nobody is staff here (403, not 500).
  const staffRoles = cachedStaffRoles(
    async (userId) => (context.clients.has('identity') ? deps.identity().staffRolesOf(userId) : []),
    { nowMs: () => deps.now().getTime() },
  );
  const userEvents = createIdentityEventHandler(deps);
  const planEvents = createPlanEventHandler(deps);
  const identityEvents = (): OutboxConsumer => {
    consumer ??= createOutboxConsumer({
      name: OUTBOX_CONSUMER,
      source: context.events?.source('identity') ?? deps.identity().outbox,
      handle: async (event) => {
        // plan.changed: the planner's copy of the plans (which plans include shared calendars).
        await planEvents(event);
        // staff.changed: the console's cached staff roles of that account go at once.
        await staffRoles.handle(event);
        await userEvents(event);
      },
      logger: deps.logger,
      reapplyAfterMs: reapplyUserDeleted,
    });
    return consumer;
  };
  const client: FamilyClient = {
    ...createFamilyClient(deps, () => identityEvents().drain()),
    saveGeneratedList: (input) => services.shoppingLists.saveGenerated(input),
    discardGeneratedList: (input) => services.shoppingLists.discardGenerated(input),
    shoppingListSummary: (listId) => services.shoppingLists.summary(listId),
  };
  return {
    routes: async (app) => {
      await registerFamilyPlannerRoutes(app, context, services);
      registerFamilyConsoleRoutes(app, deps, staffRoles);
      registerRpcDoor(app, {
        client,
        methods: FAMILY_RPC_METHODS,
        serviceToken: context.config.serviceToken,
      });
    },
    client,
    start() {
      reminders.start();
      if (!context.clients.has('identity')) {
        deps.logger.warn('no identity client in this process: user.deleted events are not applied');
        return;
      }
      identityEvents().start();
    },
    async stop() {
      await consumer?.stop();
      await reminders.stop();
      await push.close();
      await notificationHub.close();
      await hub.close();
      await familyAccess.close();
      await chat.close();
    },
  };
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** Another app's whole-day entries (e.g. Halloween events planned with the family) on its calendar. */
function dayEntriesSource(source: DayEntrySource): CalendarSource {
  return async (familyId, from, to) =>
    (await source(familyId, day(from), day(to))).map((entry) => ({
      uid: `${entry.id}@${entry.domain}.calos`,
      start: new Date(`${entry.day}T00:00:00Z`),
      end: null,
      allDay: true,
      summary: entry.summary,
      location: entry.location,
      lastModified: entry.updatedAt,
      categories: entry.categories,
      source: { domain: entry.domain, id: entry.id },
    }));
}

/** Family Planner, linked to the other apps by `links` (src/cross-app gives them; NO_LINKS alone). */
export function defineFamily(links: (context: ServiceContext) => FamilyLinks): ServiceDefinition {
  return {
    name: 'family',
    prefix: '/family',
    title: 'Family Planner',
    description: 'Families and roles, shared todo lists and the family calendar.',
    database: 'family',
    create: (context) => createFamilyPlanner(context, links(context)),
  };
}

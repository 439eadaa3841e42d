// Hollowtown: Halloween recipes, party events, costumes and haunted-house plans, on hollowtown_db.
//
// Who sees what:
// - Spooky recipes are private to their owner until published (is_published); a published one
//   is readable by every signed-in user, and by anyone on its public page (/r/:id, no sign-in).
//   Only the owner changes or deletes a recipe.
// - Events and haunted-house plans are private to their owner.
// - Costume ideas are a shared gallery: every signed-in user sees every idea and may upvote it
//   once, and anyone sees it on its public page (/c/:id); only the author changes or deletes it.
// Anything a user may not see or change answers 404, exactly like something that does not exist.
//
// When identity deletes an account (user.deleted, consumed at least once from identity's
// outbox), everything Hollowtown holds of that user is deleted, not anonymised: recipes
// (published ones too), events, plans, costume ideas (with the upvotes others gave them), and
// their upvotes on other people's ideas (those counters go down by one), and the recipes they
// added to other members' family events (read with their access, which is gone). What someone wrote is
// theirs; an anonymous copy would keep it public with no one left who could change or remove it.
// Applying the same event again finds nothing left and changes nothing.
//
// Sharing ("Share to My Recipes", service/sharing.ts): the owner hands a recipe to
// HowToCookAtHome through its client; from then on every edit or deletion of that recipe writes
// recipe.updated / recipe.deleted into Hollowtown's own outbox (hollowtown_db, in the edit's
// transaction, with a NOTIFY), which HowToCookAtHome consumes to keep its copy in step. Deleting
// an account's recipes (user.deleted) writes no events: the copies belong to the same account
// and go with it there.
import { type Affiliate, affiliateFor } from '../affiliate/index.ts';
import type { AiClient } from '../ai/client.ts';
import { createCommunityConsumer } from '../community/consumer.ts';
import { type IdentityClient, type OutboxEvent, reapplyUserDeleted } from '../identity/client.ts';
import type { CachedStaffRoles } from '../platform/auth/staff.ts';
import type { EventBus } from '../platform/events/nats-bus.ts';
import {
  ClientRegistry,
  type ServiceContext,
  type ServiceDefinition,
  type ServiceInstance,
} from '../platform/http/service.ts';
import { createOutboxConsumer, type OutboxConsumer } from '../platform/outbox-consumer.ts';
import { registerRpcDoor } from '../platform/rpc.ts';
import { publicPageUrl } from '../platform/seasons.ts';
import { registerPublicPages } from '../public-pages/index.ts';
import { type FamilyEvent, HOLLOWTOWN_RPC_METHODS, type HollowtownClient } from './client.ts';
import type { HollowtownDeps } from './deps.ts';
import { HollowtownErrors } from './errors.ts';
import { type HollowtownLinks, NO_LINKS } from './links.ts';
import { registerHollowtownConsoleRoutes } from './routes/admin.ts';
import { registerHollowtownRoutes } from './routes/index.ts';
import { createCollectionService } from './service/collection.ts';
import { isUuid } from './service/common.ts';
import { createHollowtownCommunity, type HollowtownCommunity } from './service/community.ts';
import { type CostumeService, createCostumeService } from './service/costumes.ts';
import { createDataPortabilityService } from './service/data-portability.ts';
import { createEventFamilyService, type EventFamilyService } from './service/event-family.ts';
import { createEventService, type EventService } from './service/events.ts';
import { createGenerationService, type GenerationService } from './service/generate.ts';
import { createHollowtownHousekeeping } from './service/housekeeping.ts';
import { createIntegrityClient, createOutboxClient } from './service/integrity.ts';
import { createMarketService, type MarketService } from './service/market.ts';
import { createMoreFromRecipesService, type MoreFromRecipesService } from './service/more-from-recipes.ts';
import { createPlanService, type PlanService } from './service/plans.ts';
import { hollowtownPublicKinds } from './service/public-pages.ts';
import { createRecipeService, type RecipeService } from './service/recipes.ts';
import { createSharingService, type SharingService } from './service/sharing.ts';
import { createStarterService, readHollowtownStarterPack, type StarterService } from './service/starter.ts';
import { applyIdentityEvent } from './service/user-deletion.ts';
import { familyEventsBetween, familyEventsByIds, type LinkedEventRow } from './store/event-links.ts';
import { ackEvent, OUTBOX_CHANNEL, pullEvents } from './store/outbox.ts';
import { recipeNamesOf } from './store/recipe-names.ts';

export interface HollowtownServices {
  recipes: RecipeService;
  sharing: SharingService;
  generation: GenerationService;
  events: EventService;
  eventFamily: EventFamilyService;
  costumes: CostumeService;
  plans: PlanService;
  starter: StarterService;
  moreFromRecipes: MoreFromRecipesService;
  /** Votes, reports and moderation of published items (src/community). */
  community: HollowtownCommunity;
  /** Listings and purchases paid with identity's credit transfers. */
  market: MarketService;
  /** "Buy at …" links on costume materials (src/affiliate); undefined: none. */
  affiliate?: Affiliate;
}

const toFamilyEvent = (e: LinkedEventRow): FamilyEvent => ({
  event_id: e.event_id,
  event_name: e.event_name,
  event_type: e.event_type,
  event_date: e.event_date,
  location: e.location,
  updated_at: e.updated_at,
});

const filterAsync = async <T>(items: T[], keep: (item: T) => Promise<boolean>) => {
  const kept = await Promise.all(items.map(keep));
  return items.filter((_, i) => kept[i]);
};

export function createHollowtownServices(deps: HollowtownDeps): HollowtownServices {
  // The gateway is built after Hollowtown: look it up when a generation asks for it.
  const ai = () => {
    if (!deps.clients.has('ai')) throw HollowtownErrors.aiUnavailable();
    return deps.clients.get<AiClient>('ai');
  };
  const community = createHollowtownCommunity(deps);
  const recipes = createRecipeService(deps, community);
  const eventFamily = createEventFamilyService(deps, recipes);
  return {
    recipes,
    sharing: createSharingService(deps),
    generation: createGenerationService(deps, ai),
    events: createEventService(deps, eventFamily),
    eventFamily,
    costumes: createCostumeService(deps, community),
    plans: createPlanService(deps, community),
    community,
    starter: createStarterService(deps),
    moreFromRecipes: createMoreFromRecipesService(deps),
    market: createMarketService(deps),
    affiliate: deps.affiliate,
  };
}

function createIdentityEventConsumer(
  deps: HollowtownDeps,
  events: EventBus | undefined,
  staffRoles: CachedStaffRoles,
): OutboxConsumer {
  const outbox = () => deps.clients.get<IdentityClient>('identity').outbox;
  return createOutboxConsumer<OutboxEvent>({
    name: 'hollowtown',
    // Through NATS when configured, else identity's outbox (in process or over its client).
    source: events?.source('identity') ?? {
      pull: (consumer, limit) => outbox().pull(consumer, limit),
      ack: (consumer, eventId) => outbox().ack(consumer, eventId),
    },
    handle: async (event) => {
      // staff.changed: the console's cached staff roles of that account go at once.
      await staffRoles.handle(event);
      await applyIdentityEvent(deps, event);
    },
    logger: deps.logger,
    reapplyAfterMs: reapplyUserDeleted,
  });
}

async function createHollowtown(context: ServiceContext, links: HollowtownLinks): Promise<ServiceInstance> {
  const deps: HollowtownDeps = {
    db: context.databases.get('hollowtown'),
    logger: context.logger.child({ service: 'hollowtown' }),
    clients: context.clients,
    links,
    now: () => context.clock.now(),
    recipesRecipeUrl: (recipeId) => publicPageUrl(context.config, 'recipes', `/r/${recipeId}`),
    reportsToHide: context.config.community.reportsToHide,
    marketPendingGraceMs: context.config.marketPendingGraceMs,
  };
  deps.affiliate = affiliateFor(context, 'hollowtown', {
    db: deps.db,
    logger: deps.logger,
    identity: () =>
      context.clients.has('identity') ? context.clients.get<IdentityClient>('identity') : undefined,
  });
  const services = createHollowtownServices(deps);
  const consumer = createIdentityEventConsumer(deps, context.events, services.market.staffRoles);
  // Votes and moderation decisions reach identity (karma, rewards, notices) from our own outbox.
  const communityConsumer = createCommunityConsumer({
    source: {
      pull: (name, limit) => pullEvents(deps.db, name, limit),
      ack: (name, id) => ackEvent(deps.db, name, id),
    },
    sink: () => deps.clients.get<IdentityClient>('identity'),
    logger: deps.logger,
    now: deps.now,
  });
  let unlistenCommunity: (() => Promise<void>) | undefined;
  const relay = context.events?.relay({
    service: 'hollowtown',
    outbox: {
      pull: (name, limit) => pullEvents(deps.db, name, limit),
      ack: (name, id) => ackEvent(deps.db, name, id),
    },
    db: deps.db,
    channel: OUTBOX_CHANNEL,
    logger: deps.logger,
  });
  const portability = createDataPortabilityService(deps);
  const client: HollowtownClient = {
    getRecipeForUser: (userId, recipeId) => services.recipes.findForUser(userId, recipeId),
    syncIdentityEvents: () => consumer.drain(),
    syncCommunityEvents: () => communityConsumer.drain(),
    recipeNames: async (userId) => (isUuid(userId) ? recipeNamesOf(deps.db, userId) : []),
    outbox: createOutboxClient(deps),
    integrity: createIntegrityClient(deps),
    dataExport: {
      collections: () => portability.collections(),
      page: (userId, collection, after, limit) => portability.page(userId, collection, after, limit),
    },
    dataImport: { apply: (userId, data, references) => portability.importData(userId, data, references) },
    collection: createCollectionService(deps),
    starter: {
      load: async (ownerId, options) =>
        services.starter.load(ownerId, await readHollowtownStarterPack(), { restore: options.restore }),
    },
    // Only events whose planner is still a member of the family (the others' links go).
    familyEvents: async (familyId, fromDay, toDay) =>
      (
        await filterAsync(await familyEventsBetween(deps.db, familyId, fromDay, toDay), (e) =>
          services.eventFamily.linkHolds(e),
        )
      ).map(toFamilyEvent),
    familyEventsById: async (familyId, eventIds) =>
      isUuid(familyId) && eventIds.length <= 500 && eventIds.every(isUuid)
        ? (
            await filterAsync(await familyEventsByIds(deps.db, familyId, eventIds), (e) =>
              services.eventFamily.linkHolds(e),
            )
          ).map(toFamilyEvent)
        : [],
  };
  const housekeeping = createHollowtownHousekeeping(deps, services.market);
  return {
    routes: async (app) => {
      await registerHollowtownRoutes(app, context.verifier, services);
      registerHollowtownConsoleRoutes(app, deps, services);
      registerPublicPages(app, {
        service: 'hollowtown',
        prefix: '/hollowtown',
        siteName: 'Hollowtown',
        theme: 'hollowtown',
        config: context.config,
        kinds: hollowtownPublicKinds(deps),
        users: () =>
          deps.clients.has('identity') ? deps.clients.get<IdentityClient>('identity') : undefined,
        logger: deps.logger,
      });
      registerRpcDoor(app, {
        client,
        methods: HOLLOWTOWN_RPC_METHODS,
        serviceToken: context.config.serviceToken,
      });
    },
    client,
    async start() {
      relay?.start();
      if (context.clients.has('identity') || context.events) consumer.start();
      else deps.logger.warn('no identity client in this process: user.deleted events are not applied');
      if (context.clients.has('identity')) {
        communityConsumer.start();
        unlistenCommunity = await deps.db
          .listen(OUTBOX_CHANNEL, () => communityConsumer.wake())
          .catch(() => undefined);
      }
      housekeeping.start();
    },
    async stop() {
      await relay?.stop();
      await unlistenCommunity?.().catch(() => undefined);
      await communityConsumer.stop();
      await consumer.stop();
      await housekeeping.stop();
    },
  };
}

/**
 * Hollowtown, linked to the other apps by `links` (src/cross-app gives them; NO_LINKS in
 * links.ts for Hollowtown alone).
 */
export function defineHollowtown(links: (context: ServiceContext) => HollowtownLinks): ServiceDefinition {
  return {
    name: 'hollowtown',
    prefix: '/hollowtown',
    title: 'Hollowtown',
    description:
      'Your AI Halloween assistant: spooky recipes, events, costume ideas and haunted-house plans.',
    database: 'hollowtown',
    create: (context) => createHollowtown(context, links(context)),
  };
}

/**
 * Moderation of Hollowtown's published items on its database, for the operator's `calos
 * moderation` (src/cli): the same rules the service applies.
 */
export function createHollowtownModeration(options: {
  db: HollowtownDeps['db'];
  config: ServiceContext['config'];
  now: () => Date;
  logger: HollowtownDeps['logger'];
}) {
  return createHollowtownCommunity({
    db: options.db,
    logger: options.logger,
    clients: new ClientRegistry(),
    links: NO_LINKS,
    now: options.now,
    reportsToHide: options.config.community.reportsToHide,
  });
}

// Every HTTP route of the Family Planner service, under /family.
import type { Affiliate } from '../../affiliate/index.ts';
import { registerAffiliateRoutes } from '../../affiliate/routes.ts';
import { authenticationHook } from '../../platform/auth/guard.ts';
import type { App, ServiceContext } from '../../platform/http/service.ts';
import type { CalendarService } from '../service/calendar.ts';
import type { CalendarLinkService } from '../service/calendar-links.ts';
import type { FamilyService } from '../service/families.ts';
import type { IcalService } from '../service/ical.ts';
import type { InvitationService } from '../service/invitations.ts';
import type { MessageService } from '../service/messages.ts';
import type { NotificationService } from '../service/notifications.ts';
import type { PushService } from '../service/push.ts';
import type { ShoppingListService } from '../service/shopping-lists.ts';
import type { TodoService } from '../service/todos.ts';
import { registerCalendarRoutes } from './calendar.ts';
import { registerCalendarLinkRoutes } from './calendar-links.ts';
import { registerFamilyRoutes } from './families.ts';
import { registerIcalRoutes } from './ical.ts';
import { registerInvitationRoutes } from './invitations.ts';
import { registerMessageRoutes } from './messages.ts';
import { registerNotificationRoutes } from './notifications.ts';
import { registerPushRoutes } from './push.ts';
import { registerShoppingListRoutes } from './shopping-lists.ts';
import { registerTodoItemRoutes } from './todo-items.ts';
import { registerTodoRoutes } from './todos.ts';

export interface FamilyServices {
  families: FamilyService;
  todos: TodoService;
  calendar: CalendarService;
  shoppingLists: ShoppingListService;
  ical: IcalService;
  calendarLinks: CalendarLinkService;
  invitations: InvitationService;
  messages: MessageService;
  notifications: NotificationService;
  push: PushService;
  /** "Buy at …" links on shopping-list items (src/affiliate); undefined: none. */
  affiliate?: Affiliate;
}

export function registerFamilyPlannerRoutes(
  app: App,
  context: Pick<ServiceContext, 'verifier'>,
  services: FamilyServices,
): void {
  app.addHook('onRequest', authenticationHook(context.verifier));
  registerFamilyRoutes(app, services.families);
  registerInvitationRoutes(app, services.invitations);
  registerMessageRoutes(app, services.messages, services.affiliate);
  registerTodoRoutes(app, services.todos);
  registerTodoItemRoutes(app, services.todos);
  registerCalendarRoutes(app, services.calendar);
  registerShoppingListRoutes(app, services.shoppingLists, services.affiliate);
  if (services.affiliate) registerAffiliateRoutes(app, services.affiliate);
  registerIcalRoutes(app, services.ical);
  registerCalendarLinkRoutes(app, services.calendarLinks);
  registerNotificationRoutes(app, services.notifications);
  registerPushRoutes(app, services.push);
}

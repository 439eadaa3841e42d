// Error codes of the Family Planner service; clients switch on `code`.
import { AppError, PlatformErrors } from '../platform/errors.ts';

export const FamilyErrors = {
  familyNotFound: () => new AppError(404, 'FAMILY_NOT_FOUND', 'No such family'),
  memberNotFound: () => new AppError(404, 'MEMBER_NOT_FOUND', 'No such member in this family'),
  listNotFound: () => new AppError(404, 'TODO_LIST_NOT_FOUND', 'No such todo list'),
  itemNotFound: () => new AppError(404, 'TODO_ITEM_NOT_FOUND', 'No such todo item'),
  eventNotFound: () => new AppError(404, 'EVENT_NOT_FOUND', 'No such calendar event'),
  alreadyMember: () => new AppError(409, 'ALREADY_MEMBER', 'That user is already a member of this family'),
  memberCapReached: (cap: number) =>
    new AppError(
      409,
      'FAMILY_MEMBER_CAP_REACHED',
      `This family has reached its ${cap} members; the family plan of its creator removes the limit`,
      { cap },
    ),
  lastAdmin: () =>
    new AppError(
      409,
      'LAST_ADMIN',
      'The last admin cannot leave or step down: make another member admin first (or delete the family)',
    ),
  forbidden: (role: string, action: string) =>
    new AppError(403, 'FAMILY_ROLE_FORBIDDEN', `A ${role} cannot ${action} in this family`, { role, action }),
  assigneeNotMember: () =>
    new AppError(400, 'ASSIGNEE_NOT_MEMBER', 'assigned_to must be a member of the family'),
  personalListAssignee: () =>
    new AppError(400, 'PERSONAL_LIST_ASSIGNEE', 'Items of a personal list can only be assigned to its owner'),
  attendeeNotMember: (userIds: string[]) =>
    new AppError(400, 'ATTENDEE_NOT_MEMBER', 'Every attendee must be a member of the family', {
      user_ids: userIds,
    }),
  listTypeFixed: () =>
    new AppError(
      400,
      'LIST_TYPE_FIXED',
      'A personal list stays personal, and a shared or chores list cannot become personal',
    ),
  invalidTimeRange: (message: string) => new AppError(400, 'INVALID_TIME_RANGE', message),
  invalidCalendarRange: (message: string) => new AppError(400, 'INVALID_CALENDAR_RANGE', message),
  membersByInvitation: () =>
    new AppError(
      410,
      'MEMBERS_JOIN_BY_INVITATION',
      'Members are no longer added directly: invite them with POST /family/api/families/:id/invitations ' +
        'and they accept with POST /family/api/invitations/:id/accept',
    ),
  messageNotFound: () => new AppError(404, 'MESSAGE_NOT_FOUND', 'No such message'),
  messageNotYours: () =>
    new AppError(403, 'MESSAGE_NOT_YOURS', 'Only its author can change a message; admins can delete any'),
  emptyMessage: () => new AppError(400, 'VALIDATION_FAILED', 'A message needs some text'),
  replyNotFound: () =>
    new AppError(400, 'REPLY_NOT_FOUND', 'reply_to must be a message of this conversation'),
  linkNotFound: () =>
    new AppError(
      400,
      'LINK_NOT_FOUND',
      'link must name a todo of a shared or chores list, a shopping-list item, a calendar event or a Hollowtown event of this family',
    ),
  invalidSeq: () => new AppError(400, 'VALIDATION_FAILED', 'seq is a message position (digits)'),
  chatRateLimited: (retryAfterSeconds: number) =>
    new AppError(429, 'RATE_LIMITED', 'Too many messages at once: wait a moment', {
      retry_after_seconds: retryAfterSeconds,
    }),
  assigneeNotInRotation: () =>
    new AppError(400, 'ASSIGNEE_NOT_IN_ROTATION', 'assigned_to must be one of the rotation'),
  notificationNotFound: () => new AppError(404, 'NOTIFICATION_NOT_FOUND', 'No such notification'),
  pushNotConfigured: () =>
    new AppError(
      409,
      'PUSH_NOT_CONFIGURED',
      'Web Push is off on this server: its operator has not set the VAPID keys (CALOS_VAPID_*)',
    ),
  pushSubscriptionInvalid: (message: string) => new AppError(400, 'PUSH_SUBSCRIPTION_INVALID', message),
  pushSubscriptionLimit: (limit: number) =>
    new AppError(
      409,
      'PUSH_SUBSCRIPTION_LIMIT',
      `At most ${limit} devices can get your notifications: turn them off on one you no longer use`,
      { limit },
    ),
  pushSubscriptionNotFound: () =>
    new AppError(404, 'PUSH_SUBSCRIPTION_NOT_FOUND', 'This device is not getting your notifications'),
  invalidRecurrence: (message: string) => new AppError(400, 'INVALID_RECURRENCE', message),
  invalidTimeZone: (field: string, name: string) =>
    new AppError(
      400,
      'INVALID_TIME_ZONE',
      `${field}: ${JSON.stringify(name.slice(0, 64))} is not an IANA time zone (e.g. Europe/Berlin)`,
      {
        field,
      },
    ),
  occurrenceNotFound: () =>
    new AppError(404, 'OCCURRENCE_NOT_FOUND', 'That time is not an occurrence of this recurring event'),
  notRecurring: () =>
    new AppError(400, 'EVENT_NOT_RECURRING', 'Only a recurring event has occurrences to change'),
  recurringLimit: (limit: number) =>
    new AppError(409, 'RECURRING_EVENT_LIMIT', `A family can have at most ${limit} recurring events`, {
      limit,
    }),
  overrideLimit: (limit: number) =>
    new AppError(
      409,
      'OCCURRENCE_OVERRIDE_LIMIT',
      `A recurring event can have at most ${limit} changed or removed occurrences`,
      { limit },
    ),
  invitationInput: (message: string) => new AppError(400, 'VALIDATION_FAILED', message),
  invitationNotFound: () => new AppError(404, 'INVITATION_NOT_FOUND', 'No such invitation'),
  invitationExpired: () => new AppError(410, 'INVITATION_EXPIRED', 'This invitation has expired'),
  invitationRevoked: () => new AppError(410, 'INVITATION_REVOKED', 'This invitation was withdrawn'),
  invitationUsedUp: () =>
    new AppError(410, 'INVITATION_USED_UP', 'This invitation link has been used as often as it may'),
  invitationAnswered: () =>
    new AppError(409, 'INVITATION_ANSWERED', 'This invitation has already been answered'),
  invitationOpen: () =>
    new AppError(
      409,
      'INVITATION_ALREADY_OPEN',
      'An invitation to this login is already open: revoke it first',
    ),
  invitationLimit: (limit: number) =>
    new AppError(
      409,
      'INVITATION_LIMIT_REACHED',
      `A family can have at most ${limit} open invitations: revoke some first`,
      { limit },
    ),
};

/** Shopping lists shared live (service/shopping-lists.ts). */
export const ShoppingErrors = {
  listNotFound: () => new AppError(404, 'SHOPPING_LIST_NOT_FOUND', 'No such shopping list'),
  itemNotFound: () => new AppError(404, 'SHOPPING_ITEM_NOT_FOUND', 'No such item on this list'),
  keyRequired: () =>
    new AppError(
      400,
      'IDEMPOTENCY_KEY_REQUIRED',
      'Send an Idempotency-Key header (1 to 200 visible characters)',
    ),
  keyReused: () =>
    new AppError(
      409,
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used for a different change',
    ),
  versionConflict: (current: number) =>
    new AppError(409, 'VERSION_CONFLICT', 'The item changed since you read it; reload and try again', {
      current_version: current,
    }),
  tooManyItems: (max: number) => new AppError(409, 'SHOPPING_LIST_FULL', `A list holds at most ${max} items`),
  aisleRepeated: () =>
    new AppError(400, 'SHOPPING_AISLE_REPEATED', 'aisle_order names each aisle at most once', {
      field: 'body.aisle_order',
    }),
  mergedTooLarge: () =>
    new AppError(
      409,
      'SHOPPING_ITEM_TOO_LARGE',
      'The item is on the list already, and with this amount or cost it would be more than an item may hold',
    ),
};

/** Private iCal feeds and other apps' entries on the family calendar. */
export const CalendarFeedErrors = {
  feedNotFound: () => new AppError(404, 'ICAL_FEED_NOT_FOUND', 'No such calendar feed'),
  mealPlanNotFound: () => new AppError(404, 'MEAL_PLAN_NOT_FOUND', 'No such meal plan among yours'),
  linkNotFound: () => new AppError(404, 'CALENDAR_LINK_NOT_FOUND', 'No such meal plan on this calendar'),
  /** 402 PLAN_REQUIRED: the family creator's plan has no shared calendars. */
  planRequired: PlatformErrors.planRequired,
};

// Error codes of the Family Planner service; clients switch on `code`.
import { AppError } from '../platform/errors.ts';

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
  invalidCursor: () =>
    new AppError(400, 'VALIDATION_FAILED', 'before and seq are message positions (digits)'),
  chatRateLimited: (retryAfterSeconds: number) =>
    new AppError(429, 'RATE_LIMITED', 'Too many messages at once: wait a moment', {
      retry_after_seconds: retryAfterSeconds,
    }),
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

// Error codes of the Family Planner service; clients switch on `code`.
import { AppError } from '../platform/errors.ts';

export const FamilyErrors = {
  familyNotFound: () => new AppError(404, 'FAMILY_NOT_FOUND', 'No such family'),
  memberNotFound: () => new AppError(404, 'MEMBER_NOT_FOUND', 'No such member in this family'),
  userNotFound: () => new AppError(404, 'USER_NOT_FOUND', 'No CALOS account has that username or email'),
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
};

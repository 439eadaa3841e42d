// Schemas the family routes share: the rows as the API shows them, pages, and path ids.
import type { FastifyRequest } from 'fastify';
import { type TSchema, Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import type { AppError } from '../../platform/errors.ts';
import { NullableTimestamp, Timestamp } from '../../platform/http/schemas.ts';
import { FAMILY_ROLES } from '../client.ts';
import { isUuid } from '../service/pages.ts';
import { EVENT_TYPES } from '../store/events.ts';
import { ITEM_STATUSES, LIST_TYPES, PRIORITIES } from '../store/todos.ts';

export { bearer, ErrorResponse, NoContent } from '../../platform/http/schemas.ts';

export const Uuid = (description: string) => Type.String({ format: 'uuid', description });
const NullableUuid = (description: string) =>
  Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description });
const NullableString = (description?: string) =>
  Type.Union([Type.String(), Type.Null()], description ? { description } : {});

export const Role = Type.Enum(FAMILY_ROLES, {
  description: 'admin: everything; parent: lists, items and events; child: sees all, progresses own items',
});
export const ListType = Type.Enum(LIST_TYPES, {
  description: 'personal lists are visible to their creator only; shared and chores lists to the family',
});
export const ItemStatus = Type.Enum(ITEM_STATUSES);
export const Priority = Type.Enum(PRIORITIES);
export const EventType = Type.Enum(EVENT_TYPES);

export const FamilyName = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
export const ListName = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
export const Title = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
export const Description = Type.String({ maxLength: 5000 });
export const Location = Type.String({ maxLength: 300 });
export const DateTime = Type.String({
  format: 'date-time',
  maxLength: 40,
  examples: ['2025-10-31T18:00:00Z'],
});

export const NullableDescription = Type.Union([Description, Type.Null()]);
export const NullableLocation = Type.Union([Location, Type.Null()]);
export const NullableDateTime = Type.Union([DateTime, Type.Null()]);
/** A todo is due on a day (all day) or at an instant. */
export const NullableDueDate = Type.Union(
  [
    Type.String({ format: 'date', maxLength: 10, description: 'Due that day, all day' }),
    DateTime,
    Type.Null(),
  ],
  {
    description:
      'A calendar date "YYYY-MM-DD" (all day) or a date-time with its offset (due at that instant); null clears it',
    examples: ['2025-10-30', '2025-10-30T18:00:00Z'],
  },
);

export const MAX_ATTENDEES = 200;
export const MAX_REMINDERS = 10;
/** Four weeks. */
export const MAX_REMINDER_MINUTES = 40_320;

export const Reminder = Type.Object(
  {
    minutes_before: Type.Integer({
      minimum: 0,
      maximum: MAX_REMINDER_MINUTES,
      description: 'Minutes before start_time (at most four weeks)',
    }),
  },
  { additionalProperties: false },
);
export const Reminders = Type.Array(Reminder, {
  maxItems: MAX_REMINDERS,
  uniqueItems: true,
  description: `At most ${MAX_REMINDERS}, each once`,
});
export const Attendees = Type.Array(Type.String({ format: 'uuid' }), {
  maxItems: MAX_ATTENDEES,
  uniqueItems: true,
  description: 'user_ids of family members',
});

export const TimeZone = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'An IANA time zone name (Europe/Berlin, America/New_York, UTC)',
  examples: ['Europe/Berlin'],
});

export const Family = Type.Object(
  {
    family_id: Uuid('The family'),
    family_name: Type.String(),
    default_time_zone: Type.String({
      description: 'The IANA time zone new calendar events take unless they name one (admins set it)',
    }),
    created_by: NullableUuid("The creator's user_id; null once their account is deleted"),
    my_role: Role,
    my_member_id: Uuid('Your own membership: DELETE /api/families/:id/members/:my_member_id leaves'),
    member_count: Type.Integer({ minimum: 0 }),
    member_cap: Type.Optional(
      Type.Union([Type.Integer(), Type.Null()], {
        description: "Members allowed by the creator's plan (free: 6); null is unlimited",
      }),
    ),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  {
    examples: [
      {
        family_id: '7d0c5a9e-8f1b-4c3e-9a57-2d9e4f7a1012',
        family_name: 'The Addams',
        created_by: '0b6f9a9e-3c1d-4f3e-9a57-2d9e4f7a1012',
        my_role: 'admin',
        my_member_id: '3c2e1f00-5d4b-4a1e-8f3c-9b8a7d6e5f40',
        member_count: 4,
        member_cap: 6,
        created_at: '2025-10-01T12:00:00.000Z',
        updated_at: '2025-10-01T12:00:00.000Z',
      },
    ],
  },
);

export const Member = Type.Object(
  {
    member_id: Uuid('The membership (use it in /members/:memberId)'),
    family_id: Uuid('The family'),
    user_id: Uuid('The CALOS account'),
    username: NullableString('null when the account is gone'),
    display_name: NullableString(),
    role: Role,
    joined_at: Timestamp,
  },
  {
    examples: [
      {
        member_id: '3c2e1f00-5d4b-4a1e-8f3c-9b8a7d6e5f40',
        family_id: '7d0c5a9e-8f1b-4c3e-9a57-2d9e4f7a1012',
        user_id: '0b6f9a9e-3c1d-4f3e-9a57-2d9e4f7a1012',
        username: 'morticia',
        display_name: 'Morticia',
        role: 'parent',
        joined_at: '2025-10-01T12:00:00.000Z',
      },
    ],
  },
);

export const TodoList = Type.Object({
  list_id: Uuid('The list'),
  family_id: Uuid('The family'),
  list_name: Type.String(),
  list_type: ListType,
  created_by: NullableUuid('null once the creator’s account is deleted'),
  item_count: Type.Integer({ minimum: 0 }),
  open_item_count: Type.Integer({ minimum: 0, description: 'Items not done' }),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const TodoItem = Type.Object({
  item_id: Uuid('The item'),
  list_id: Uuid('Its list'),
  title: Type.String(),
  description: NullableString(),
  assigned_to: NullableUuid('A member’s user_id'),
  due_date: Type.Union([Type.String(), Type.Null()], {
    description: '"YYYY-MM-DD" when due all day, an ISO 8601 instant when due at a time, or null',
    examples: ['2025-10-30', '2025-10-30T18:00:00.000Z'],
  }),
  due_all_day: Type.Boolean({ description: 'true when due_date is a day rather than an instant' }),
  priority: Priority,
  status: ItemStatus,
  completed_at: Type.Unsafe<Date | string | null>({
    anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }],
    description: 'Set by the server when the status becomes done, cleared when it leaves done',
  }),
  completed_by: NullableUuid('Who marked it done (set by the server); null when not done or anonymised'),
  recurrence_rule: Type.Union([Type.String(), Type.Null()], {
    description: 'A chore: its RRULE value; once done it comes back at the next occurrence',
  }),
  recurrence_time_zone: Type.Union([Type.String(), Type.Null()], {
    description:
      'The IANA time zone a chore due at a time recurs in (the family’s default_time_zone when its rule was set), ' +
      'keeping its wall-clock time across summer-time changes; null: UTC (chores due on a day, one-off items)',
  }),
  rotation: Type.Array(Type.String({ format: 'uuid' }), { description: 'Members taking turns, in order' }),
  rotation_index: Type.Integer({
    minimum: 0,
    description: 'Turns taken so far: the assignee is rotation[rotation_index % rotation.length]',
  }),
  points: Type.Union([Type.Integer(), Type.Null()], {
    description: 'What each completion earns whoever did it',
  }),
  created_by: NullableUuid('null once the creator’s account is deleted'),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const CalendarEvent = Type.Object({
  event_id: Uuid('The event'),
  family_id: Uuid('The family'),
  event_name: Type.String(),
  event_type: EventType,
  description: NullableString(),
  start_time: Timestamp,
  end_time: Type.Unsafe<Date | string | null>({
    anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }],
    description: 'null for a point in time',
  }),
  location: NullableString(),
  attendees: Type.Array(Type.String({ format: 'uuid' })),
  reminders: Type.Array(Reminder),
  time_zone: Type.String({
    description:
      'The IANA time zone of the event: a recurring event repeats in its wall-clock time (start_time and ' +
      'end_time are still instants, ISO 8601 with Z)',
    examples: ['Europe/Berlin'],
  }),
  recurrence_rule: Type.Union([Type.String(), Type.Null()], {
    description:
      "A recurring event: its RFC 5545 RRULE value (recurring in time_zone's wall-clock time from the first start_time)",
  }),
  recurrence_exdates: Type.Array(Timestamp, { description: 'Occurrences removed from the series' }),
  recurrence_id: Type.Unsafe<Date | string | null>({
    anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }],
    description: 'For one occurrence of a recurring event: where its rule puts it (RECURRENCE-ID)',
  }),
  created_by: NullableUuid('null once the creator’s account is deleted'),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const Rotation = Type.Array(Type.String({ format: 'uuid' }), {
  maxItems: 50,
  uniqueItems: true,
  description: 'user_ids of the members who take turns, in order (needs recurrence_rule)',
});
export const Points = Type.Union([Type.Integer({ minimum: 0, maximum: 1000 }), Type.Null()], {
  description: 'What each completion earns the member who did it (null: no points)',
});

export const Completion = Type.Object({
  completion_id: Uuid('The completion'),
  due_at: NullableTimestamp,
  assigned_to: NullableUuid('Whose turn it was'),
  completed_by: NullableUuid('Who did it; null once their account is deleted'),
  completed_at: Timestamp,
  points: Type.Integer({ minimum: 0 }),
});

export const RecurrenceRule = Type.Union(
  [
    Type.String({
      minLength: 1,
      maxLength: 300,
      examples: ['FREQ=WEEKLY;BYDAY=MO,WE', 'FREQ=MONTHLY;BYDAY=1SA;COUNT=10', 'FREQ=YEARLY'],
      description:
        'An RFC 5545 RRULE value: FREQ DAILY, WEEKLY, MONTHLY or YEARLY with INTERVAL, COUNT (at most 1000) or ' +
        'UNTIL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, BYYEARDAY, BYWEEKNO, WKST. start_time must be an occurrence. ' +
        'null: a single event',
    }),
    Type.Null(),
  ],
  { description: 'How the event recurs (in UTC); birthdays recur yearly unless null is sent' },
);

export const Invitation = Type.Object({
  invitation_id: Uuid('The invitation'),
  family_id: Uuid('The family'),
  kind: Type.Enum(['login', 'link'], {
    description: 'login: to one account by username or email; link: to whoever holds the code',
  }),
  role: Role,
  login: NullableString('The username or email invited, as typed (kind login)'),
  status: Type.Enum(['pending', 'awaiting_approval', 'accepted', 'declined']),
  max_uses: Type.Union([Type.Integer(), Type.Null()], { description: 'How often a link may be used' }),
  use_count: Type.Integer({ minimum: 0 }),
  created_by: NullableUuid('The admin who invited; null once their account is deleted'),
  created_at: Timestamp,
  expires_at: Timestamp,
  code: Type.Optional(
    Type.String({
      description:
        'Only when a link is created, shown once: the secret to share (as /family/join#CODE); only its hash is kept',
    }),
  ),
});

export const ReceivedInvitation = Type.Object({
  invitation_id: Uuid('The invitation'),
  family_id: Uuid('The family'),
  family_name: Type.String(),
  role: Role,
  status: Type.Enum(['pending', 'awaiting_approval', 'accepted', 'declined']),
  invited_by: NullableString('Username of the admin who invited'),
  invitee: Type.Union(
    [Type.Object({ user_id: Type.String({ format: 'uuid' }), username: NullableString() }), Type.Null()],
    { description: 'Who answered (in approvals: the child waiting)' },
  ),
  created_at: Timestamp,
  expires_at: Timestamp,
});

export const InvitationAnswer = Type.Object({
  status: Type.Enum(['accepted', 'awaiting_approval', 'declined'], {
    description: 'awaiting_approval: a parent or admin of the child has to approve first',
  }),
  family_id: Uuid('The family'),
  member: Type.Union([Member, Type.Null()], { description: 'Your membership once accepted' }),
});

export const PageOf = <T extends TSchema>(item: T, description: string) =>
  Type.Object(
    {
      items: Type.Array(item),
      next_cursor: Type.Union([Type.String(), Type.Null()], {
        description: 'Pass as cursor for the next page; null on the last page',
      }),
    },
    { description },
  );

/**
 * A preValidation hook for routes with ids in the path: after the sign-in check (401 comes
 * first), an id that is not a UUID answers the same 404 as an id that names nothing.
 */
export function idsOrNotFound(notFound: Record<string, () => AppError>) {
  return async (request: FastifyRequest) => {
    requireUser(request);
    const params = request.params as Record<string, unknown>;
    for (const [name, error] of Object.entries(notFound)) {
      if (!isUuid(params[name])) throw error();
    }
  };
}

// The family calendar (family_events) in family_db.
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import {
  type Columns,
  cursorTime,
  type KeysetPosition,
  keysetSql,
  Params,
  setClause,
} from '../../platform/db/sql.ts';
import type { FamilyRole } from '../client.ts';
import type { Tables } from './tables.ts';

export const EVENT_TYPES = ['appointment', 'birthday', 'school', 'vacation', 'other'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** How long one event may last (a CHECK in migration 005 holds the same bound). */
export const MAX_EVENT_DAYS = 366;

export interface Reminder {
  minutes_before: number;
}

export type EventRow = Refine<
  Pick<
    Tables['family_events'],
    | 'event_id'
    | 'family_id'
    | 'event_name'
    | 'event_type'
    | 'description'
    | 'start_time'
    | 'end_time'
    | 'location'
    | 'attendees'
    | 'reminders'
    | 'time_zone'
    | 'recurrence_rule'
    | 'recurrence_exdates'
    | 'recurrence_last_start'
    | 'created_by'
    | 'created_at'
    | 'updated_at'
  >,
  {
    event_type: EventType;
    reminders: Reminder[];
    /** The IANA time zone whose wall-clock time the event's rule recurs in (and the feed writes). */
    time_zone: string;
    /** The RRULE value of a recurring event (a series), null for a single event. */
    recurrence_rule: string | null;
    /** Occurrences removed from the series (their original starts). */
    recurrence_exdates: Date[];
  }
> & {
  cursor_at: string;
};

export interface AccessibleEventRow extends EventRow {
  my_role: FamilyRole;
}

const COLUMNS = `e.event_id, e.family_id, e.event_name, e.event_type, e.description, e.start_time, e.end_time,
  e.location, e.attendees, e.reminders, e.time_zone, e.recurrence_rule, e.recurrence_exdates, e.recurrence_last_start,
  e.created_by, e.created_at, e.updated_at, ${cursorTime('e.start_time')} AS cursor_at`;

export interface EventInput {
  familyId: string;
  name: string;
  type: EventType;
  description: string | null;
  startTime: string;
  endTime: string | null;
  location: string | null;
  attendees: string[];
  reminders: Reminder[];
  timeZone: string;
  recurrenceRule: string | null;
  recurrenceLastStart: Date | null;
  createdBy: string;
}

export async function insertEvent(db: Queryable, input: EventInput): Promise<EventRow> {
  const { rows } = await db.query<EventRow>(
    `INSERT INTO family_events AS e (family_id, event_name, event_type, description, start_time, end_time,
                                     location, attendees, reminders, created_by, recurrence_rule,
                                     recurrence_last_start, time_zone)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid[], $9::jsonb, $10, $11, $12, $13)
     RETURNING ${COLUMNS}`,
    [
      input.familyId,
      input.name,
      input.type,
      input.description,
      input.startTime,
      input.endTime,
      input.location,
      input.attendees,
      JSON.stringify(input.reminders),
      input.createdBy,
      input.recurrenceRule,
      input.recurrenceLastStart,
      input.timeZone,
    ],
  );
  return rows[0] as EventRow;
}

/** The event if the user is a member of its family, with their role. */
export async function findAccessibleEvent(
  db: Queryable,
  eventId: string,
  userId: string,
  options: { lock?: boolean } = {},
): Promise<AccessibleEventRow | undefined> {
  const { rows } = await db.query<AccessibleEventRow>(
    `SELECT ${COLUMNS}, m.role AS my_role
     FROM family_events e JOIN family_members m ON m.family_id = e.family_id AND m.user_id = $2
     WHERE e.event_id = $1 ${options.lock ? 'FOR UPDATE OF e' : ''}`,
    [eventId, userId],
  );
  return rows[0];
}

const BY_START = keysetSql('asc', [
  ['e.start_time', 'timestamptz'],
  ['e.event_id', 'uuid'],
]);

/**
 * Events that overlap [from, to), soonest first, of one family or of all the user's
 * families. An event without an end is a point in time.
 */
export async function listEventsInRange(
  db: Queryable,
  query: {
    userId: string;
    familyId?: string;
    from: string;
    to: string;
    attendee?: string;
    limit: number;
    after?: KeysetPosition;
  },
): Promise<EventRow[]> {
  const params = new Params([query.userId, query.limit + 1, query.from, query.to]);
  const where = [
    // Series are expanded by the service (listSeriesInRange).
    'e.recurrence_rule IS NULL',
    'e.start_time < $4::timestamptz',
    '(e.end_time > $3::timestamptz OR e.start_time >= $3::timestamptz)',
    // No event lasts longer than MAX_EVENT_DAYS: this bounds the index scan on start_time.
    `e.start_time > $3::timestamptz - interval '${MAX_EVENT_DAYS} days'`,
  ];
  if (query.familyId) {
    where.push(`e.family_id = ${params.add(query.familyId)}`);
  }
  if (query.attendee) {
    where.push(`e.attendees @> ARRAY[${params.add(query.attendee)}::uuid]`);
  }
  if (query.after) where.push(BY_START.after([query.after.at, query.after.id], params));
  const { rows } = await db.query<EventRow>(
    `SELECT ${COLUMNS}
     FROM family_events e JOIN family_members m ON m.family_id = e.family_id AND m.user_id = $1
     WHERE ${where.join(' AND ')}
     ORDER BY ${BY_START.orderBy}
     LIMIT $2`,
    params.values,
  );
  return rows;
}

export interface EventChanges {
  event_name?: string;
  event_type?: EventType;
  description?: string | null;
  start_time?: string;
  end_time?: string | null;
  location?: string | null;
  attendees?: string[];
  reminders?: Reminder[];
  time_zone?: string;
}

/** What changes a series: a new rule, start or time zone drops its EXDATEs and changed occurrences. */
export interface SeriesChanges {
  recurrence_rule: string | null;
  recurrence_last_start: Date | null;
}

/** What updateEvent sets from a change (attendees go as a uuid[] of their own). */
const EVENT_COLUMNS: Columns = {
  event_name: 'plain',
  event_type: 'plain',
  description: 'plain',
  start_time: 'plain',
  end_time: 'plain',
  location: 'plain',
  reminders: 'jsonb',
  time_zone: 'plain',
  recurrence_rule: 'plain',
  recurrence_last_start: 'plain',
};

export async function updateEvent(
  db: Queryable,
  eventId: string,
  changes: EventChanges,
  series?: SeriesChanges,
): Promise<EventRow> {
  const { attendees, ...columns } = changes;
  const params = new Params([eventId]);
  const set = setClause({ ...columns, ...series }, EVENT_COLUMNS, params);
  const assignments = set ? [set] : [];
  if (attendees !== undefined) assignments.push(`attendees = ${params.add(attendees)}::uuid[]`);
  if (series) {
    assignments.push(`recurrence_exdates = '{}'`);
    await db.query('DELETE FROM family_event_overrides WHERE event_id = $1', [eventId]);
  }
  if (assignments.length > 0) {
    await db.query(`UPDATE family_events SET ${assignments.join(', ')} WHERE event_id = $1`, params.values);
  }
  const { rows } = await db.query<EventRow>(`SELECT ${COLUMNS} FROM family_events e WHERE e.event_id = $1`, [
    eventId,
  ]);
  return rows[0] as EventRow;
}

/**
 * Recurring events that may have occurrences overlapping [from, to): started before `to`
 * (widened by how far a changed occurrence may move) and not ended before `from`.
 */
export async function listSeriesInRange(
  db: Queryable,
  query: { userId: string; familyId?: string; from: string; to: string; attendee?: string; limit: number },
): Promise<EventRow[]> {
  const params: unknown[] = [query.userId, query.from, query.to, query.limit];
  const where = [
    'e.recurrence_rule IS NOT NULL',
    `e.start_time < $3::timestamptz + interval '${MAX_EVENT_DAYS} days'`,
    `(e.recurrence_last_start IS NULL OR e.recurrence_last_start > $2::timestamptz - interval '${2 * MAX_EVENT_DAYS} days')`,
  ];
  if (query.familyId) {
    params.push(query.familyId);
    where.push(`e.family_id = $${params.length}`);
  }
  if (query.attendee) {
    params.push(query.attendee);
    where.push(`e.attendees @> ARRAY[$${params.length}::uuid]`);
  }
  const { rows } = await db.query<EventRow>(
    `SELECT ${COLUMNS}
     FROM family_events e JOIN family_members m ON m.family_id = e.family_id AND m.user_id = $1
     WHERE ${where.join(' AND ')}
     ORDER BY e.start_time, e.event_id
     LIMIT $4`,
    params,
  );
  return rows;
}

export async function countSeries(db: Queryable, familyId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM family_events WHERE family_id = $1 AND recurrence_rule IS NOT NULL',
    [familyId],
  );
  return rows[0]?.n ?? 0;
}

/** One occurrence of a series as changed (RECURRENCE-ID: its original start). */
export type OverrideRow = Pick<
  Tables['family_event_overrides'],
  | 'event_id'
  | 'recurrence_id'
  | 'event_name'
  | 'description'
  | 'start_time'
  | 'end_time'
  | 'location'
  | 'updated_at'
>;

const OVERRIDE_COLUMNS =
  'event_id, recurrence_id, event_name, description, start_time, end_time, location, updated_at';

export async function listOverrides(db: Queryable, eventIds: string[]): Promise<OverrideRow[]> {
  if (eventIds.length === 0) return [];
  const { rows } = await db.query<OverrideRow>(
    `SELECT ${OVERRIDE_COLUMNS} FROM family_event_overrides WHERE event_id = ANY($1::uuid[])
     ORDER BY event_id, recurrence_id`,
    [eventIds],
  );
  return rows;
}

export async function countOccurrenceChanges(db: Queryable, eventId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM family_event_overrides WHERE event_id = $1)::int
          + (SELECT cardinality(recurrence_exdates) FROM family_events WHERE event_id = $1) AS n`,
    [eventId],
  );
  return rows[0]?.n ?? 0;
}

export async function upsertOverride(db: Queryable, row: OverrideRow): Promise<OverrideRow> {
  const { rows } = await db.query<OverrideRow>(
    `INSERT INTO family_event_overrides (${OVERRIDE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (event_id, recurrence_id) DO UPDATE SET event_name = EXCLUDED.event_name,
       description = EXCLUDED.description, start_time = EXCLUDED.start_time, end_time = EXCLUDED.end_time,
       location = EXCLUDED.location, updated_at = EXCLUDED.updated_at
     RETURNING ${OVERRIDE_COLUMNS}`,
    [
      row.event_id,
      row.recurrence_id,
      row.event_name,
      row.description,
      row.start_time,
      row.end_time,
      row.location,
      row.updated_at,
    ],
  );
  await touchEvent(db, row.event_id);
  return rows[0] as OverrideRow;
}

/** Removes one occurrence: an EXDATE, and its changes if it had any. */
export async function excludeOccurrence(db: Queryable, eventId: string, recurrenceId: Date): Promise<void> {
  await db.query('DELETE FROM family_event_overrides WHERE event_id = $1 AND recurrence_id = $2', [
    eventId,
    recurrenceId,
  ]);
  await db.query(
    `UPDATE family_events SET recurrence_exdates = array_append(recurrence_exdates, $2::timestamptz)
     WHERE event_id = $1 AND NOT ($2::timestamptz = ANY(recurrence_exdates))`,
    [eventId, recurrenceId],
  );
  await touchEvent(db, eventId);
}

/** The series changed with one of its occurrences (updated_at follows through the trigger). */
async function touchEvent(db: Queryable, eventId: string): Promise<void> {
  await db.query('UPDATE family_events SET event_name = event_name WHERE event_id = $1', [eventId]);
}

export async function deleteEvent(db: Queryable, eventId: string): Promise<void> {
  await db.query('DELETE FROM family_events WHERE event_id = $1', [eventId]);
}

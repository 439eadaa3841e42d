// The family calendar (family_events) in family_db.
import type { Queryable } from '../../platform/db/database.ts';
import type { FamilyRole } from '../client.ts';
import { type KeysetPosition, setClause } from './sql.ts';

export const EVENT_TYPES = ['appointment', 'birthday', 'school', 'vacation', 'other'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** How long one event may last (a CHECK in migration 005 holds the same bound). */
export const MAX_EVENT_DAYS = 366;

export interface Reminder {
  minutes_before: number;
}

export interface EventRow {
  event_id: string;
  family_id: string;
  event_name: string;
  event_type: EventType;
  description: string | null;
  start_time: Date;
  end_time: Date | null;
  location: string | null;
  attendees: string[];
  reminders: Reminder[];
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  cursor_at: string;
}

export interface AccessibleEventRow extends EventRow {
  my_role: FamilyRole;
}

const COLUMNS = `e.event_id, e.family_id, e.event_name, e.event_type, e.description, e.start_time, e.end_time,
  e.location, e.attendees, e.reminders, e.created_by, e.created_at, e.updated_at, e.start_time::text AS cursor_at`;

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
  createdBy: string;
}

export async function insertEvent(db: Queryable, input: EventInput): Promise<EventRow> {
  const { rows } = await db.query<EventRow>(
    `INSERT INTO family_events AS e (family_id, event_name, event_type, description, start_time, end_time,
                                     location, attendees, reminders, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid[], $9::jsonb, $10)
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
  const params: unknown[] = [query.userId, query.limit + 1, query.from, query.to];
  const where = [
    'e.start_time < $4::timestamptz',
    '(e.end_time > $3::timestamptz OR e.start_time >= $3::timestamptz)',
    // No event lasts longer than MAX_EVENT_DAYS: this bounds the index scan on start_time.
    `e.start_time > $3::timestamptz - interval '${MAX_EVENT_DAYS} days'`,
  ];
  if (query.familyId) {
    params.push(query.familyId);
    where.push(`e.family_id = $${params.length}`);
  }
  if (query.attendee) {
    params.push(query.attendee);
    where.push(`e.attendees @> ARRAY[$${params.length}::uuid]`);
  }
  if (query.after) {
    params.push(query.after.at, query.after.id);
    where.push(`(e.start_time, e.event_id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  const { rows } = await db.query<EventRow>(
    `SELECT ${COLUMNS}
     FROM family_events e JOIN family_members m ON m.family_id = e.family_id AND m.user_id = $1
     WHERE ${where.join(' AND ')}
     ORDER BY e.start_time, e.event_id
     LIMIT $2`,
    params,
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
}

export async function updateEvent(db: Queryable, eventId: string, changes: EventChanges): Promise<EventRow> {
  const { attendees, reminders, ...plain } = changes;
  const set = setClause(
    { ...plain, reminders: reminders === undefined ? undefined : JSON.stringify(reminders) },
    2,
  );
  const assignments = set.sql ? [set.sql] : [];
  const params: unknown[] = [eventId, ...set.params];
  if (attendees !== undefined) {
    params.push(attendees);
    assignments.push(`attendees = $${params.length}::uuid[]`);
  }
  if (assignments.length > 0) {
    await db.query(`UPDATE family_events SET ${assignments.join(', ')} WHERE event_id = $1`, params);
  }
  const { rows } = await db.query<EventRow>(`SELECT ${COLUMNS} FROM family_events e WHERE e.event_id = $1`, [
    eventId,
  ]);
  return rows[0] as EventRow;
}

export async function deleteEvent(db: Queryable, eventId: string): Promise<void> {
  await db.query('DELETE FROM family_events WHERE event_id = $1', [eventId]);
}

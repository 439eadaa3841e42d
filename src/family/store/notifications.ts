// Reminders due and the notifications they become (family_notifications) in family_db.
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import { keysetSql, Params } from '../../platform/db/sql.ts';
import type { EventRow } from './events.ts';
import type { Tables } from './tables.ts';

export interface ReminderEventRow
  extends Pick<
    EventRow,
    | 'event_id'
    | 'family_id'
    | 'event_name'
    | 'start_time'
    | 'end_time'
    | 'attendees'
    | 'reminders'
    | 'time_zone'
    | 'recurrence_rule'
    | 'recurrence_exdates'
  > {}

const EVENT_COLUMNS =
  'event_id, family_id, event_name, start_time, end_time, attendees, reminders, time_zone, recurrence_rule, recurrence_exdates';

/** Single events with reminders that start in (from, to]. */
export async function eventsWithRemindersBetween(
  db: Queryable,
  from: Date,
  to: Date,
): Promise<ReminderEventRow[]> {
  const { rows } = await db.query<ReminderEventRow>(
    `SELECT ${EVENT_COLUMNS} FROM family_events
     WHERE recurrence_rule IS NULL AND reminders <> '[]'::jsonb AND start_time > $1 AND start_time <= $2
     ORDER BY start_time LIMIT 5000`,
    [from, to],
  );
  return rows;
}

/**
 * Recurring events with reminders whose schedule says look now: none computed yet (new or
 * changed), its next reminder has come, or computed at a later clock time than `now`. Series that
 * ended over a year before `from` are left out.
 */
export async function seriesDueForReminders(
  db: Queryable,
  now: Date,
  from: Date,
): Promise<ReminderEventRow[]> {
  const columns = EVENT_COLUMNS.split(', ')
    .map((column) => `e.${column}`)
    .join(', ');
  const { rows } = await db.query<ReminderEventRow>(
    `SELECT ${columns} FROM family_events e
       LEFT JOIN family_event_reminder_schedule s ON s.event_id = e.event_id
     WHERE e.recurrence_rule IS NOT NULL AND e.reminders <> '[]'::jsonb
       AND (s.event_id IS NULL OR s.next_at <= $1 OR s.computed_at > $1)
       AND (e.recurrence_last_start IS NULL OR e.recurrence_last_start > $2::timestamptz - interval '366 days')
     ORDER BY e.start_time LIMIT 5000`,
    [now, from],
  );
  return rows;
}

/** When each series' next reminder fires, as computed at `computedAt`. */
export async function saveReminderSchedule(
  db: Queryable,
  entries: { eventId: string; nextAt: Date }[],
  computedAt: Date,
): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO family_event_reminder_schedule (event_id, next_at, computed_at)
     SELECT e.event_id, e.next_at, $3 FROM unnest($1::uuid[], $2::timestamptz[]) AS e (event_id, next_at)
       JOIN family_events f ON f.event_id = e.event_id
     ON CONFLICT (event_id) DO UPDATE SET next_at = EXCLUDED.next_at, computed_at = EXCLUDED.computed_at`,
    [entries.map((e) => e.eventId), entries.map((e) => e.nextAt), computedAt],
  );
}

/** Deletes notifications made before `before`, at most `limit`; resolves with how many. */
export async function pruneNotifications(db: Queryable, before: Date, limit: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM family_notifications WHERE notification_id IN (
       SELECT notification_id FROM family_notifications WHERE created_at < $1 ORDER BY created_at LIMIT $2)`,
    [before, limit],
  );
  return rowCount;
}

export type ReminderItemRow = Refine<
  Pick<Tables['todo_items'], 'item_id' | 'title' | 'assigned_to' | 'due_date' | 'due_on' | 'reminders'>,
  {
    reminders: { minutes_before: number }[];
  }
> & {
  family_id: string;
  list_type: string;
  list_owner: string | null;
};

/** Open items with reminders due in (from, to] (an all-day item at the start of its day, UTC). */
export async function itemsWithRemindersBetween(
  db: Queryable,
  from: Date,
  to: Date,
): Promise<ReminderItemRow[]> {
  const { rows } = await db.query<ReminderItemRow>(
    `SELECT i.item_id, l.family_id, i.title, i.assigned_to, l.list_type, l.created_by AS list_owner,
            i.due_date, i.due_on::text AS due_on, i.reminders
     FROM todo_items i JOIN todo_lists l ON l.list_id = i.list_id
     WHERE i.reminders <> '[]'::jsonb AND i.status <> 'done'
       AND ((i.due_date > $1 AND i.due_date <= $2)
         OR ((i.due_on::timestamp AT TIME ZONE 'UTC') > $1 AND (i.due_on::timestamp AT TIME ZONE 'UTC') <= $2))
     LIMIT 5000`,
    [from, to],
  );
  return rows;
}

/** The members of each family, by family. */
export async function membersOfFamilies(db: Queryable, familyIds: string[]): Promise<Map<string, string[]>> {
  const members = new Map<string, string[]>();
  if (familyIds.length === 0) return members;
  const { rows } = await db.query<{ family_id: string; user_id: string }>(
    'SELECT family_id, user_id FROM family_members WHERE family_id = ANY($1::uuid[]) ORDER BY joined_at',
    [familyIds],
  );
  for (const row of rows) members.set(row.family_id, [...(members.get(row.family_id) ?? []), row.user_id]);
  return members;
}

export type NotificationRow = Pick<
  Tables['family_notifications'],
  | 'notification_id'
  | 'user_id'
  | 'family_id'
  | 'kind'
  | 'subject_id'
  | 'occurrence_at'
  | 'minutes_before'
  | 'title'
  | 'fire_at'
  | 'created_at'
  | 'read_at'
> & {
  /** `seq::text`: the bigint as a string, exact beyond 2^53. */
  seq: string;
};

export type NewNotification = Omit<NotificationRow, 'notification_id' | 'seq' | 'read_at'>;

const COLUMNS = `n.notification_id, n.seq::text AS seq, n.user_id, n.family_id, n.kind, n.subject_id, n.occurrence_at,
  n.minutes_before, n.title, n.fire_at, n.created_at, n.read_at`;

/** Inserts what is new; a reminder already fired for that user and occurrence is left alone. */
export async function insertNotifications(
  db: Queryable,
  rows: NewNotification[],
): Promise<NotificationRow[]> {
  if (rows.length === 0) return [];
  const { rows: inserted } = await db.query<NotificationRow>(
    `INSERT INTO family_notifications AS n (user_id, family_id, kind, subject_id, occurrence_at, minutes_before, title,
                                           fire_at, created_at)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(user_id uuid, family_id uuid, kind text, subject_id uuid,
       occurrence_at timestamptz, minutes_before int, title text, fire_at timestamptz, created_at timestamptz)
     ON CONFLICT (user_id, subject_id, occurrence_at, minutes_before) DO NOTHING
     RETURNING ${COLUMNS}`,
    [JSON.stringify(rows)],
  );
  return inserted;
}

const NEWEST_NOTIFICATIONS = keysetSql('desc', [['n.seq', 'bigint']]);

/**
 * A member's notifications from the families they still belong to, newest first, below the seq
 * `before` when given; limit + 1 rows, to tell whether more follow.
 */
export async function listNotifications(
  db: Queryable,
  userId: string,
  query: { limit: number; before?: number; unreadOnly?: boolean },
): Promise<NotificationRow[]> {
  const params = new Params([userId, query.limit + 1]);
  const where = ['n.user_id = $1'];
  if (query.before !== undefined) where.push(NEWEST_NOTIFICATIONS.after([query.before], params));
  if (query.unreadOnly) where.push('n.read_at IS NULL');
  const { rows } = await db.query<NotificationRow>(
    `SELECT ${COLUMNS} FROM family_notifications n
     JOIN family_members m ON m.family_id = n.family_id AND m.user_id = n.user_id
     WHERE ${where.join(' AND ')} ORDER BY ${NEWEST_NOTIFICATIONS.orderBy} LIMIT $2`,
    params.values,
  );
  return rows;
}

export async function findNotification(
  db: Queryable,
  userId: string,
  notificationId: string,
): Promise<NotificationRow | undefined> {
  const { rows } = await db.query<NotificationRow>(
    `SELECT ${COLUMNS} FROM family_notifications n
     JOIN family_members m ON m.family_id = n.family_id AND m.user_id = n.user_id
     WHERE n.user_id = $1 AND n.notification_id = $2`,
    [userId, notificationId],
  );
  return rows[0];
}

export async function countUnread(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM family_notifications n
     JOIN family_members m ON m.family_id = n.family_id AND m.user_id = n.user_id
     WHERE n.user_id = $1 AND n.read_at IS NULL`,
    [userId],
  );
  return rows[0]?.n ?? 0;
}

/** Marks one notification read (or all, without an id); returns how many changed. */
export async function markRead(
  db: Queryable,
  userId: string,
  at: Date,
  notificationId?: string,
): Promise<number> {
  const result = await db.query(
    `UPDATE family_notifications SET read_at = $2
     WHERE user_id = $1 AND read_at IS NULL ${notificationId ? 'AND notification_id = $3' : ''}`,
    notificationId ? [userId, at, notificationId] : [userId, at],
  );
  return result.rowCount;
}

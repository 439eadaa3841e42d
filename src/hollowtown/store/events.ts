// halloween_events in hollowtown_db.
import type { Queryable } from '../../platform/db/database.ts';
import { type ColumnKind, type DayPosition, keysetSql, Params, setClause } from '../../platform/db/sql.ts';

export const EVENT_TYPES = ['party', 'haunted-house', 'trick-or-treat', 'other'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface ShoppingItem {
  name: string;
  quantity: number | null;
  unit: string | null;
  note: string | null;
  checked: boolean;
  estimated_cost_cents: number | null;
}

export interface EventFields {
  event_name: string;
  event_type: EventType;
  /** A calendar day, YYYY-MM-DD. */
  event_date: string;
  location: string | null;
  guest_count: number;
  budget_cents: number | null;
  shopping_list: ShoppingItem[];
}

export interface EventRow extends EventFields {
  event_id: string;
  user_id: string;
  family_id: string | null;
  /** family_db.family_shopping_lists(list_id) made from the event's recipes, not a foreign key. */
  family_list_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `event_id, user_id, family_id, family_list_id, event_name, event_type, event_date, location,
  guest_count, budget_cents, shopping_list, created_at, updated_at`;

const EDITABLE: Readonly<Record<keyof EventFields, ColumnKind>> = {
  event_name: 'plain',
  event_type: 'plain',
  event_date: 'plain',
  location: 'plain',
  guest_count: 'plain',
  budget_cents: 'plain',
  shopping_list: 'jsonb',
};

export async function insertEvent(db: Queryable, userId: string, fields: EventFields): Promise<EventRow> {
  const { rows } = await db.query<EventRow>(
    `INSERT INTO halloween_events (user_id, event_name, event_type, event_date, location, guest_count,
       budget_cents, shopping_list)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
     RETURNING ${COLUMNS}`,
    [
      userId,
      fields.event_name,
      fields.event_type,
      fields.event_date,
      fields.location,
      fields.guest_count,
      fields.budget_cents,
      JSON.stringify(fields.shopping_list),
    ],
  );
  return rows[0] as EventRow;
}

export async function findEvent(
  db: Queryable,
  userId: string,
  eventId: string,
): Promise<EventRow | undefined> {
  const { rows } = await db.query<EventRow>(
    `SELECT ${COLUMNS} FROM halloween_events WHERE event_id = $1 AND user_id = $2`,
    [eventId, userId],
  );
  return rows[0];
}

export async function updateEvent(
  db: Queryable,
  userId: string,
  eventId: string,
  patch: Partial<EventFields>,
): Promise<EventRow | undefined> {
  const params = new Params();
  const set = setClause(patch, EDITABLE, params);
  if (!set) return findEvent(db, userId, eventId);
  const { rows } = await db.query<EventRow>(
    `UPDATE halloween_events SET ${set}
     WHERE event_id = ${params.add(eventId)} AND user_id = ${params.add(userId)}
     RETURNING ${COLUMNS}`,
    params.values,
  );
  return rows[0];
}

export async function deleteEvent(db: Queryable, userId: string, eventId: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM halloween_events WHERE event_id = $1 AND user_id = $2', [
    eventId,
    userId,
  ]);
  return rowCount > 0;
}

export interface EventFilter {
  userId: string;
  /** Also the events planned with these families (the user's own). */
  familyIds: readonly string[];
  types: EventType[];
  from?: string;
  to?: string;
  after?: DayPosition;
  limit: number;
}

const BY_DATE = keysetSql('asc', [
  ['event_date', 'date'],
  ['event_id', 'uuid'],
]);

/** Soonest first, keyset-paged on (event_date, event_id). */
export async function listEvents(db: Queryable, filter: EventFilter): Promise<EventRow[]> {
  const params = new Params();
  const mine = `user_id = ${params.add(filter.userId)}`;
  const where = [
    filter.familyIds.length > 0
      ? `(${mine} OR family_id = ANY(${params.add(filter.familyIds)}::uuid[]))`
      : mine,
  ];
  if (filter.types.length > 0) where.push(`event_type = ANY(${params.add(filter.types)}::text[])`);
  if (filter.from !== undefined) where.push(`event_date >= ${params.add(filter.from)}::date`);
  if (filter.to !== undefined) where.push(`event_date <= ${params.add(filter.to)}::date`);
  if (filter.after) where.push(BY_DATE.after([filter.after.day, filter.after.id], params));
  const { rows } = await db.query<EventRow>(
    `SELECT ${COLUMNS} FROM halloween_events WHERE ${where.join(' AND ')}
     ORDER BY ${BY_DATE.orderBy} LIMIT ${params.add(filter.limit)}`,
    params.values,
  );
  return rows;
}

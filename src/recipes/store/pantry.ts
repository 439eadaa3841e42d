// Pantry items in recipes_db: what a user has at home, where, and until when. "Today" is the
// caller's (the service's clock, in UTC), never the database server's.
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import {
  type Columns,
  CURSOR_AT,
  type DayPosition,
  escapeLike,
  insertClause,
  type KeysetPosition,
  keysetSql,
  Params,
  setClause,
} from '../../platform/db/sql.ts';
import type { Tables } from './tables.ts';

export type PantryLocation = 'fridge' | 'freezer' | 'pantry';

export type PantryItemRow = Refine<
  Pick<
    Tables['pantry_items'],
    | 'item_id'
    | 'user_id'
    | 'item_name'
    | 'quantity'
    | 'unit'
    | 'category'
    | 'expiration_date'
    | 'location'
    | 'created_at'
    | 'updated_at'
  >,
  {
    /** YYYY-MM-DD */
    expiration_date: string | null;
    location: PantryLocation;
  }
>;

export interface PantryItemFields {
  item_name: string;
  quantity: number;
  unit: string;
  category: string | null;
  expiration_date: string | null;
  location: PantryLocation;
}

const COLUMNS =
  'item_id, user_id, item_name, quantity, unit, category, expiration_date, location, created_at, updated_at';
const WRITABLE: Columns = {
  item_name: 'plain',
  quantity: 'plain',
  unit: 'plain',
  category: 'plain',
  expiration_date: 'plain',
  location: 'plain',
};

export async function insertPantryItem(
  db: Queryable,
  userId: string,
  fields: PantryItemFields,
): Promise<PantryItemRow> {
  const params = new Params([userId]);
  const insert = insertClause({ ...fields }, WRITABLE, params);
  const { rows } = await db.query<PantryItemRow>(
    `INSERT INTO pantry_items (user_id, ${insert.columns.join(', ')})
     VALUES ($1, ${insert.placeholders.join(', ')})
     RETURNING ${COLUMNS}`,
    params.values,
  );
  return rows[0] as PantryItemRow;
}

export async function findPantryItem(
  db: Queryable,
  userId: string,
  itemId: string,
): Promise<PantryItemRow | undefined> {
  const { rows } = await db.query<PantryItemRow>(
    `SELECT ${COLUMNS} FROM pantry_items WHERE item_id = $1 AND user_id = $2`,
    [itemId, userId],
  );
  return rows[0];
}

export async function updatePantryItem(
  db: Queryable,
  userId: string,
  itemId: string,
  changes: Partial<PantryItemFields>,
): Promise<PantryItemRow | undefined> {
  const params = new Params([itemId, userId]);
  const set = setClause({ ...changes }, WRITABLE, params);
  if (!set) return findPantryItem(db, userId, itemId);
  const { rows } = await db.query<PantryItemRow>(
    `UPDATE pantry_items SET ${set}
     WHERE item_id = $1 AND user_id = $2
     RETURNING ${COLUMNS}`,
    params.values,
  );
  return rows[0];
}

export async function deletePantryItem(db: Queryable, userId: string, itemId: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM pantry_items WHERE item_id = $1 AND user_id = $2', [
    itemId,
    userId,
  ]);
  return rowCount > 0;
}

export interface PantryFilters {
  location?: PantryLocation;
  category?: string;
  /** Items that expire within this many days from `today` (expired ones included). */
  expiringWithinDays?: number;
  /** YYYY-MM-DD */
  today: string;
  q?: string;
}

const BY_NEWEST = keysetSql('desc', [
  ['created_at', 'timestamptz'],
  ['item_id', 'uuid'],
]);

export async function listPantryItems(
  db: Queryable,
  userId: string,
  filters: PantryFilters,
  limit: number,
  cursor?: KeysetPosition,
): Promise<(PantryItemRow & { cursor_at: string })[]> {
  const params = new Params([userId]);
  const param = (value: unknown) => params.add(value);
  const where = ['user_id = $1'];
  if (filters.location !== undefined) where.push(`location = ${param(filters.location)}`);
  if (filters.category !== undefined)
    where.push(`lower(category) = ${param(filters.category.toLowerCase())}`);
  if (filters.expiringWithinDays !== undefined) {
    where.push(
      `expiration_date <= ${param(filters.today)}::date + ${param(filters.expiringWithinDays)}::integer`,
    );
  }
  if (filters.q !== undefined) where.push(`item_name ILIKE ${param(`%${escapeLike(filters.q)}%`)}`);
  if (cursor) where.push(BY_NEWEST.after([cursor.at, cursor.id], params));
  const { rows } = await db.query<PantryItemRow & { cursor_at: string }>(
    `SELECT ${COLUMNS}, ${CURSOR_AT} FROM pantry_items WHERE ${where.join(' AND ')}
     ORDER BY ${BY_NEWEST.orderBy} LIMIT ${param(limit)}`,
    params.values,
  );
  return rows;
}

const BY_EXPIRY = keysetSql('asc', [
  ['expiration_date', 'date'],
  ['item_id', 'uuid'],
]);

/** Items with an expiration date up to today + days, soonest (or longest expired) first. */
export async function listExpiringItems(
  db: Queryable,
  userId: string,
  today: string,
  days: number,
  includeExpired: boolean,
  limit: number,
  cursor?: DayPosition,
): Promise<PantryItemRow[]> {
  const params = new Params([userId, days, limit, today]);
  const where = ['user_id = $1', 'expiration_date IS NOT NULL', 'expiration_date <= $4::date + $2::integer'];
  if (!includeExpired) where.push('expiration_date >= $4::date');
  if (cursor) where.push(BY_EXPIRY.after([cursor.day, cursor.id], params));
  const { rows } = await db.query<PantryItemRow>(
    `SELECT ${COLUMNS} FROM pantry_items WHERE ${where.join(' AND ')}
     ORDER BY ${BY_EXPIRY.orderBy} LIMIT $3`,
    params.values,
  );
  return rows;
}

/** Everything in a user's pantry that could count against a shopping list. */
export async function listPantryStock(
  db: Queryable,
  userId: string,
): Promise<{ item_name: string; quantity: number; unit: string }[]> {
  const { rows } = await db.query<{ item_name: string; quantity: number; unit: string }>(
    'SELECT item_name, quantity, unit FROM pantry_items WHERE user_id = $1 AND quantity > 0',
    [userId],
  );
  return rows;
}

// Shopping lists in recipes_db. total_cost_cents is always the sum of the items' costs,
// written in the same statement as the items.
import type { Aisle } from '../../ingredients/aisles.ts';
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import {
  type Columns,
  CURSOR_AT,
  insertClause,
  type KeysetPosition,
  keysetSql,
  Params,
  setClause,
} from '../../platform/db/sql.ts';
import type { Tables } from './tables.ts';

export interface ShoppingItemRow {
  name: string;
  quantity: number | null;
  unit: string | null;
  checked: boolean;
  cost_cents: number | null;
  note: string | null;
  /** Absent on items stored before aisles (migration 100): read as the name's guess. */
  aisle?: Aisle;
}

export type ShoppingListRow = Refine<
  Pick<
    Tables['shopping_lists'],
    | 'list_id'
    | 'user_id'
    | 'list_name'
    | 'store'
    | 'aisle_order'
    | 'items'
    | 'purchased_at'
    | 'plan_id'
    | 'created_at'
    | 'updated_at'
  >,
  {
    aisle_order: Aisle[];
    items: ShoppingItemRow[];
  }
> & {
  /** COALESCE(total_cost_cents, 0). */
  total_cost_cents: number;
};

export interface ShoppingListFields {
  list_name: string;
  store: string | null;
  items: ShoppingItemRow[];
  total_cost_cents: number;
  purchased_at: string | null;
  plan_id: string | null;
  aisle_order?: Aisle[];
}

const COLUMNS = `list_id, user_id, list_name, store, aisle_order, items, COALESCE(total_cost_cents, 0) AS total_cost_cents,
  purchased_at, plan_id, created_at, updated_at`;
const WRITABLE: Columns = {
  list_name: 'plain',
  store: 'plain',
  aisle_order: 'plain',
  items: 'jsonb',
  total_cost_cents: 'plain',
  purchased_at: 'plain',
  plan_id: 'plain',
};

export async function insertShoppingList(
  db: Queryable,
  userId: string,
  fields: ShoppingListFields,
): Promise<ShoppingListRow> {
  const params = new Params([userId]);
  const insert = insertClause({ ...fields }, WRITABLE, params);
  const { rows } = await db.query<ShoppingListRow>(
    `INSERT INTO shopping_lists (user_id, ${insert.columns.join(', ')})
     VALUES ($1, ${insert.placeholders.join(', ')})
     RETURNING ${COLUMNS}`,
    params.values,
  );
  return rows[0] as ShoppingListRow;
}

export async function findShoppingList(
  db: Queryable,
  userId: string,
  listId: string,
  options: { forUpdate?: boolean } = {},
): Promise<ShoppingListRow | undefined> {
  const { rows } = await db.query<ShoppingListRow>(
    `SELECT ${COLUMNS} FROM shopping_lists WHERE list_id = $1 AND user_id = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [listId, userId],
  );
  return rows[0];
}

export async function updateShoppingList(
  db: Queryable,
  userId: string,
  listId: string,
  changes: Partial<Omit<ShoppingListFields, 'plan_id'>>,
): Promise<ShoppingListRow | undefined> {
  const params = new Params([listId, userId]);
  const set = setClause({ ...changes }, WRITABLE, params);
  if (!set) return findShoppingList(db, userId, listId);
  const { rows } = await db.query<ShoppingListRow>(
    `UPDATE shopping_lists SET ${set}
     WHERE list_id = $1 AND user_id = $2
     RETURNING ${COLUMNS}`,
    params.values,
  );
  return rows[0];
}

export async function deleteShoppingList(db: Queryable, userId: string, listId: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM shopping_lists WHERE list_id = $1 AND user_id = $2', [
    listId,
    userId,
  ]);
  return rowCount > 0;
}

export interface ShoppingListFilters {
  status?: 'open' | 'purchased';
  planId?: string;
}

const BY_NEWEST = keysetSql('desc', [
  ['created_at', 'timestamptz'],
  ['list_id', 'uuid'],
]);

export async function listShoppingLists(
  db: Queryable,
  userId: string,
  filters: ShoppingListFilters,
  limit: number,
  cursor?: KeysetPosition,
): Promise<(ShoppingListRow & { cursor_at: string })[]> {
  const params = new Params([userId]);
  const param = (value: unknown) => params.add(value);
  const where = ['user_id = $1'];
  if (filters.status === 'open') where.push('purchased_at IS NULL');
  if (filters.status === 'purchased') where.push('purchased_at IS NOT NULL');
  if (filters.planId !== undefined) where.push(`plan_id = ${param(filters.planId)}::uuid`);
  if (cursor) where.push(BY_NEWEST.after([cursor.at, cursor.id], params));
  const { rows } = await db.query<ShoppingListRow & { cursor_at: string }>(
    `SELECT ${COLUMNS}, ${CURSOR_AT} FROM shopping_lists WHERE ${where.join(' AND ')}
     ORDER BY ${BY_NEWEST.orderBy} LIMIT ${param(limit)}`,
    params.values,
  );
  return rows;
}

/** The newest shopping list generated from this plan of the user's, if any. */
export async function latestListOfPlan(
  db: Queryable,
  userId: string,
  planId: string,
): Promise<ShoppingListRow | undefined> {
  const { rows } = await db.query<ShoppingListRow>(
    `SELECT ${COLUMNS} FROM shopping_lists WHERE user_id = $1 AND plan_id = $2
     ORDER BY created_at DESC, list_id DESC LIMIT 1`,
    [userId, planId],
  );
  return rows[0];
}

/** What an Idempotency-Key was first used for on a list, and what it came to. */
export type ListRequestRow = Pick<Tables['shopping_list_requests'], 'request_hash' | 'status'>;

export async function findListRequest(
  db: Queryable,
  listId: string,
  key: string,
): Promise<ListRequestRow | undefined> {
  const { rows } = await db.query<ListRequestRow>(
    'SELECT request_hash, status FROM shopping_list_requests WHERE list_id = $1 AND idempotency_key = $2',
    [listId, key],
  );
  return rows[0];
}

export async function saveListRequest(
  db: Queryable,
  request: { listId: string; key: string; hash: string; status: 200 | 201; at: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO shopping_list_requests (list_id, idempotency_key, request_hash, status, created_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [request.listId, request.key, request.hash, request.status, request.at],
  );
}

/** Keys older than `before` are forgotten: a resend comes within minutes or days, not weeks. */
export async function pruneListRequests(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM shopping_list_requests WHERE created_at < $1', [before]);
  return rowCount;
}

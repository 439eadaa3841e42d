// Family shopping lists: the list, its items, its change feed and its idempotency record.

import type { Aisle } from '../../ingredients/aisles.ts';
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import type { Tables } from './tables.ts';

export type ShoppingListRow = Refine<
  Pick<
    Tables['family_shopping_lists'],
    | 'list_id'
    | 'family_id'
    | 'list_name'
    | 'source_domain'
    | 'source_id'
    | 'version'
    | 'store_name'
    | 'aisle_order'
    | 'created_by'
    | 'created_at'
    | 'updated_at'
  >,
  {
    /** The store the list is for, and the order its aisles are walked in (see service/aisles.ts). */
    store_name: string | null;
    aisle_order: Aisle[];
  }
>;

export type ShoppingItemRow = Refine<
  Pick<
    Tables['family_shopping_items'],
    | 'item_id'
    | 'name'
    | 'quantity'
    | 'unit'
    | 'note'
    | 'cost_cents'
    | 'aisle'
    | 'origin'
    | 'checked'
    | 'checked_by'
    | 'checked_at'
    | 'version'
    | 'position'
  >,
  {
    aisle: Aisle;
  }
>;

export type ShoppingEventRow = Refine<
  Pick<Tables['family_shopping_events'], 'seq' | 'kind' | 'item_id' | 'data' | 'actor' | 'created_at'>,
  {
    data: Record<string, unknown>;
  }
>;

const LIST_COLUMNS =
  'list_id, family_id, list_name, source_domain, source_id, version, store_name, aisle_order, created_by, created_at, updated_at';
const ITEM_COLUMNS =
  'item_id, name, quantity, unit, note, cost_cents, aisle, origin, checked, checked_by, checked_at, version, position';

/** The list, if the user is a member of its family. */
export async function findListForMember(
  db: Queryable,
  listId: string,
  userId: string,
): Promise<ShoppingListRow | undefined> {
  const { rows } = await db.query<ShoppingListRow>(
    `SELECT ${LIST_COLUMNS.split(', ')
      .map((c) => `l.${c}`)
      .join(', ')} FROM family_shopping_lists l
     JOIN family_members m ON m.family_id = l.family_id AND m.user_id = $2
     WHERE l.list_id = $1`,
    [listId, userId],
  );
  return rows[0];
}

export async function findList(db: Queryable, listId: string): Promise<ShoppingListRow | undefined> {
  const { rows } = await db.query<ShoppingListRow>(
    `SELECT ${LIST_COLUMNS} FROM family_shopping_lists WHERE list_id = $1`,
    [listId],
  );
  return rows[0];
}

/** Locks the list row: changes to one list run one at a time, so versions are a total order. */
export async function lockList(tx: Queryable, listId: string): Promise<ShoppingListRow | undefined> {
  const { rows } = await tx.query<ShoppingListRow>(
    `SELECT ${LIST_COLUMNS} FROM family_shopping_lists WHERE list_id = $1 FOR UPDATE`,
    [listId],
  );
  return rows[0];
}

export async function findListBySource(
  tx: Queryable,
  sourceDomain: string,
  sourceId: string,
): Promise<ShoppingListRow | undefined> {
  const { rows } = await tx.query<ShoppingListRow>(
    `SELECT ${LIST_COLUMNS} FROM family_shopping_lists WHERE source_domain = $1 AND source_id = $2 FOR UPDATE`,
    [sourceDomain, sourceId],
  );
  return rows[0];
}

export async function insertList(
  tx: Queryable,
  input: { familyId: string; name: string; sourceDomain?: string; sourceId?: string; createdBy: string },
): Promise<ShoppingListRow> {
  const { rows } = await tx.query<ShoppingListRow>(
    `INSERT INTO family_shopping_lists (family_id, list_name, source_domain, source_id, created_by)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${LIST_COLUMNS}`,
    [input.familyId, input.name, input.sourceDomain ?? null, input.sourceId ?? null, input.createdBy],
  );
  return rows[0] as ShoppingListRow;
}

export async function setListVersion(
  tx: Queryable,
  listId: string,
  version: number,
  name?: string,
): Promise<void> {
  await tx.query(
    'UPDATE family_shopping_lists SET version = $2, list_name = COALESCE($3, list_name) WHERE list_id = $1',
    [listId, version, name ?? null],
  );
}

/** Sets the store a list is for and its aisle order (each only when given). */
export async function setListStore(
  tx: Queryable,
  listId: string,
  settings: { store_name?: string | null; aisle_order?: readonly Aisle[] },
): Promise<void> {
  await tx.query(
    `UPDATE family_shopping_lists SET
       store_name = CASE WHEN $2 THEN $3 ELSE store_name END,
       aisle_order = COALESCE($4::text[], aisle_order)
     WHERE list_id = $1`,
    [listId, 'store_name' in settings, settings.store_name ?? null, settings.aisle_order ?? null],
  );
}

export async function deleteList(tx: Queryable, listId: string): Promise<void> {
  await tx.query('DELETE FROM family_shopping_lists WHERE list_id = $1', [listId]);
}

export async function listListsOfFamily(
  db: Queryable,
  familyId: string,
  limit: number,
): Promise<ShoppingListRow[]> {
  const { rows } = await db.query<ShoppingListRow>(
    `SELECT ${LIST_COLUMNS} FROM family_shopping_lists WHERE family_id = $1 ORDER BY created_at DESC, list_id DESC LIMIT $2`,
    [familyId, limit],
  );
  return rows;
}

export async function listItems(db: Queryable, listId: string): Promise<ShoppingItemRow[]> {
  const { rows } = await db.query<ShoppingItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM family_shopping_items WHERE list_id = $1 ORDER BY position, created_at, item_id`,
    [listId],
  );
  return rows;
}

export async function countItems(db: Queryable, listId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*) AS n FROM family_shopping_items WHERE list_id = $1',
    [listId],
  );
  return rows[0]?.n ?? 0;
}

export async function findItem(
  tx: Queryable,
  listId: string,
  itemId: string,
): Promise<ShoppingItemRow | undefined> {
  const { rows } = await tx.query<ShoppingItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM family_shopping_items WHERE list_id = $1 AND item_id = $2`,
    [listId, itemId],
  );
  return rows[0];
}

/**
 * An item still to buy that a member added by hand under the same name (any case, spaces
 * trimmed) and unit: where a second add of the same thing joins in (see addItem).
 */
export async function findOpenManualItem(
  tx: Queryable,
  listId: string,
  name: string,
  unit: string | null,
): Promise<ShoppingItemRow | undefined> {
  const { rows } = await tx.query<ShoppingItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM family_shopping_items
     WHERE list_id = $1 AND origin = 'manual' AND NOT checked
       AND lower(btrim(name)) = lower(btrim($2)) AND unit IS NOT DISTINCT FROM $3
     ORDER BY position, created_at, item_id LIMIT 1`,
    [listId, name, unit],
  );
  return rows[0];
}

export interface NewShoppingItem {
  name: string;
  quantity: number | null;
  unit: string | null;
  note?: string | null;
  costCents?: number | null;
  aisle: Aisle;
  origin: 'generated' | 'manual';
  position: number;
}

export async function insertItem(
  tx: Queryable,
  listId: string,
  item: NewShoppingItem,
  version: number,
  createdBy: string,
): Promise<ShoppingItemRow> {
  const { rows } = await tx.query<ShoppingItemRow>(
    `INSERT INTO family_shopping_items (list_id, name, quantity, unit, note, cost_cents, origin, version, position, created_by, aisle)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${ITEM_COLUMNS}`,
    [
      listId,
      item.name,
      item.quantity,
      item.unit,
      item.note ?? null,
      item.costCents ?? null,
      item.origin,
      version,
      item.position,
      createdBy,
      item.aisle,
    ],
  );
  return rows[0] as ShoppingItemRow;
}

export async function setItemChecked(
  tx: Queryable,
  itemId: string,
  checked: boolean,
  userId: string,
  version: number,
  at: Date,
): Promise<ShoppingItemRow> {
  const { rows } = await tx.query<ShoppingItemRow>(
    `UPDATE family_shopping_items
     SET checked = $2, checked_by = CASE WHEN $2 THEN $3::uuid END, checked_at = CASE WHEN $2 THEN $5::timestamptz END,
         version = $4
     WHERE item_id = $1 RETURNING ${ITEM_COLUMNS}`,
    [itemId, checked, userId, version, at],
  );
  return rows[0] as ShoppingItemRow;
}

export async function updateItemFields(
  tx: Queryable,
  itemId: string,
  fields: {
    name?: string;
    quantity?: number | null;
    unit?: string | null;
    note?: string | null;
    cost_cents?: number | null;
    aisle?: Aisle;
  },
  version: number,
): Promise<ShoppingItemRow> {
  const { rows } = await tx.query<ShoppingItemRow>(
    `UPDATE family_shopping_items SET
       name = COALESCE($2, name),
       quantity = CASE WHEN $3 THEN $4 ELSE quantity END,
       unit = CASE WHEN $5 THEN $6 ELSE unit END,
       note = CASE WHEN $7 THEN $8 ELSE note END,
       version = $9,
       cost_cents = CASE WHEN $10 THEN $11 ELSE cost_cents END,
       aisle = COALESCE($12, aisle)
     WHERE item_id = $1 RETURNING ${ITEM_COLUMNS}`,
    [
      itemId,
      fields.name ?? null,
      'quantity' in fields,
      fields.quantity ?? null,
      'unit' in fields,
      fields.unit ?? null,
      'note' in fields,
      fields.note ?? null,
      version,
      'cost_cents' in fields,
      fields.cost_cents ?? null,
      fields.aisle ?? null,
    ],
  );
  return rows[0] as ShoppingItemRow;
}

export async function deleteItem(tx: Queryable, itemId: string): Promise<void> {
  await tx.query('DELETE FROM family_shopping_items WHERE item_id = $1', [itemId]);
}

/** Drops the generated items nobody checked (regeneration replaces them), and returns them. */
export async function deleteUncheckedGenerated(tx: Queryable, listId: string): Promise<ShoppingItemRow[]> {
  const { rows } = await tx.query<ShoppingItemRow>(
    `DELETE FROM family_shopping_items WHERE list_id = $1 AND origin = 'generated' AND NOT checked
     RETURNING ${ITEM_COLUMNS}`,
    [listId],
  );
  return rows;
}

export async function insertEvent(
  tx: Queryable,
  listId: string,
  event: Omit<ShoppingEventRow, 'created_at'>,
): Promise<void> {
  await tx.query(
    'INSERT INTO family_shopping_events (list_id, seq, kind, item_id, data, actor) VALUES ($1, $2, $3, $4, $5, $6)',
    [listId, event.seq, event.kind, event.item_id, JSON.stringify(event.data), event.actor],
  );
}

export async function eventsAfter(
  db: Queryable,
  listId: string,
  afterSeq: number,
  limit = 1000,
): Promise<ShoppingEventRow[]> {
  const { rows } = await db.query<ShoppingEventRow>(
    `SELECT seq, kind, item_id, data, actor, created_at FROM family_shopping_events
     WHERE list_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [listId, afterSeq, limit],
  );
  return rows;
}

export async function findIdempotentResponse(
  tx: Queryable,
  listId: string,
  key: string,
): Promise<{ request_hash: string; response: unknown; actor: string } | undefined> {
  const { rows } = await tx.query<{ request_hash: string; response: unknown; actor: string }>(
    'SELECT request_hash, response, actor FROM family_shopping_idempotency WHERE list_id = $1 AND idempotency_key = $2',
    [listId, key],
  );
  return rows[0];
}

export async function saveIdempotentResponse(
  tx: Queryable,
  input: { listId: string; key: string; actor: string; requestHash: string; response: unknown },
): Promise<void> {
  await tx.query(
    `INSERT INTO family_shopping_idempotency (list_id, idempotency_key, actor, request_hash, response)
     VALUES ($1, $2, $3, $4, $5)`,
    [input.listId, input.key, input.actor, input.requestHash, JSON.stringify(input.response)],
  );
}

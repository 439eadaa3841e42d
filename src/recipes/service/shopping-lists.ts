// Shopping lists: items with an amount, a checkbox, a cost and an aisle; the list's total is
// always the sum of its items' costs, written together with the items. Items are added one at a
// time with an Idempotency-Key (an offline outbox's resend adds nothing more), joining an item of
// the same name and unit still to buy, and a list is walked in its store's aisle order.
import { AISLES, type Aisle, guessAisle } from '../../ingredients/aisles.ts';
import { amountToBuy, readIngredients } from '../../ingredients/ingredient-input.ts';
import { isIdempotencyKey, requestHash } from '../../platform/http/idempotency.ts';
import { keyset, pageFilters, TIME_KEY } from '../../platform/http/pagination.ts';
import type { RecipesDeps } from '../deps.ts';
import { RecipesErrors } from '../errors.ts';
import {
  deleteShoppingList,
  findListRequest,
  findShoppingList,
  insertShoppingList,
  listShoppingLists,
  type ShoppingItemRow,
  type ShoppingListFields,
  type ShoppingListRow,
  saveListRequest,
  updateShoppingList,
} from '../store/shopping-lists.ts';
import { isUuid } from './ids.ts';
import { INGREDIENT_LIMITS, LIMITS } from './limits.ts';

export const MAX_SHOPPING_ITEMS = LIMITS.shoppingItems;
/** How long a list remembers an Idempotency-Key (housekeeping forgets older ones). */
export const LIST_REQUEST_RETENTION_MS = 7 * 24 * 60 * 60_000;

export interface ShoppingItemInput {
  name: string;
  quantity?: number | null;
  unit?: string | null;
  checked?: boolean;
  cost_cents?: number | null;
  note?: string | null;
  /** The aisle it is in; guessed from the name when not given. */
  aisle?: Aisle;
}

export interface ShoppingListInput {
  list_name: string;
  store?: string | null;
  /** The aisles in the order the store is walked; those left out come after, as in AISLES. */
  aisle_order?: Aisle[];
  /** Items, or lines read as recipe ingredients are ("2-3 apples": buy 3). */
  items?: (ShoppingItemInput | string)[];
  purchased_at?: string | null;
}

export type ShoppingListPatch = Partial<ShoppingListInput>;

export interface ShoppingList {
  list_id: string;
  list_name: string;
  store: string | null;
  aisle_order: Aisle[];
  items: (ShoppingItemRow & { aisle: Aisle })[];
  total_cost_cents: number;
  /** How many items are not checked off yet. */
  open_items: number;
  purchased_at: Date | null;
  /** The meal plan it was generated from, if any. */
  plan_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export function toShoppingList(row: ShoppingListRow): ShoppingList {
  return {
    list_id: row.list_id,
    list_name: row.list_name,
    store: row.store,
    aisle_order: row.aisle_order,
    items: row.items.map((item) => ({ ...item, aisle: item.aisle ?? guessAisle(item.name) })),
    total_cost_cents: row.total_cost_cents,
    open_items: row.items.filter((i) => !i.checked).length,
    purchased_at: row.purchased_at,
    plan_id: row.plan_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

const blankToNull = (text: string | null | undefined) => text?.trim() || null;

function requiredText(field: string, text: string): string {
  const trimmed = text.trim();
  if (!trimmed)
    throw RecipesErrors.invalidInput(`body.${field} must not be blank`, [{ field: `body.${field}` }]);
  return trimmed;
}

function tidyItems(items: readonly (ShoppingItemInput | string)[]): {
  items: ShoppingItemRow[];
  total: number;
} {
  const read = readIngredients(
    items.map((item) =>
      typeof item === 'string'
        ? item
        : { name: item.name, quantity: item.quantity, unit: item.unit, note: item.note },
    ),
    'body.items',
    INGREDIENT_LIMITS,
  );
  const tidy = items.map((item, index) => {
    const ingredient = read[index] as (typeof read)[number];
    const fields: ShoppingItemInput | undefined = typeof item === 'string' ? undefined : item;
    return {
      name: ingredient.name,
      quantity: amountToBuy(ingredient),
      unit: ingredient.unit,
      checked: fields?.checked ?? false,
      cost_cents: fields?.cost_cents ?? null,
      note: ingredient.note,
      aisle: fields?.aisle ?? guessAisle(ingredient.name),
    };
  });
  return { items: tidy, total: tidy.reduce((sum, item) => sum + (item.cost_cents ?? 0), 0) };
}

function tidyAisleOrder(order: readonly Aisle[]): Aisle[] {
  if (new Set(order).size !== order.length) throw RecipesErrors.shoppingAisleRepeated();
  return order.filter((aisle) => AISLES.includes(aisle));
}

const sameItem = (a: ShoppingItemRow, b: ShoppingItemRow) =>
  a.name.trim().toLowerCase() === b.name.trim().toLowerCase() && (a.unit ?? null) === (b.unit ?? null);
const sum = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : a + b);
const costOf = (items: readonly ShoppingItemRow[]) =>
  items.reduce((total, i) => total + (i.cost_cents ?? 0), 0);

/** The list with `item` on it: joined to an item of the same name and unit still to buy, or added. */
function withItemAdded(items: readonly ShoppingItemRow[], item: ShoppingItemRow) {
  const same = items.findIndex((existing) => !existing.checked && sameItem(existing, item));
  if (same < 0) {
    if (items.length >= MAX_SHOPPING_ITEMS) throw RecipesErrors.shoppingListFull(MAX_SHOPPING_ITEMS);
    return { items: [...items, item], added: true };
  }
  const before = items[same] as ShoppingItemRow;
  const joined: ShoppingItemRow = {
    ...before,
    quantity: sum(before.quantity, item.quantity),
    cost_cents: sum(before.cost_cents, item.cost_cents),
    note: before.note ?? item.note,
  };
  if ((joined.quantity ?? 0) > LIMITS.quantity || (joined.cost_cents ?? 0) > LIMITS.costCents)
    throw RecipesErrors.shoppingItemTooLarge();
  return { items: items.map((existing, index) => (index === same ? joined : existing)), added: false };
}

/** Newest first. */
const SHOPPING_LISTS = keyset('recipes.shopping-lists', TIME_KEY);

export function createShoppingListService(deps: RecipesDeps) {
  const { db } = deps;
  return {
    async create(userId: string, input: ShoppingListInput): Promise<ShoppingList> {
      const { items, total } = tidyItems(input.items ?? []);
      const fields: ShoppingListFields = {
        list_name: requiredText('list_name', input.list_name),
        store: blankToNull(input.store),
        aisle_order: tidyAisleOrder(input.aisle_order ?? []),
        items,
        total_cost_cents: total,
        purchased_at: input.purchased_at ?? null,
        plan_id: null,
      };
      return toShoppingList(await insertShoppingList(db, userId, fields));
    },

    async get(userId: string, listId: string): Promise<ShoppingList> {
      const row = isUuid(listId) ? await findShoppingList(db, userId, listId) : undefined;
      if (!row) throw RecipesErrors.shoppingListNotFound();
      return toShoppingList(row);
    },

    async update(userId: string, listId: string, patch: ShoppingListPatch): Promise<ShoppingList> {
      if (!isUuid(listId)) throw RecipesErrors.shoppingListNotFound();
      const changes: Partial<Omit<ShoppingListFields, 'plan_id'>> = {};
      if (patch.list_name !== undefined) changes.list_name = requiredText('list_name', patch.list_name);
      if (patch.store !== undefined) changes.store = blankToNull(patch.store);
      if (patch.aisle_order !== undefined) changes.aisle_order = tidyAisleOrder(patch.aisle_order);
      if (patch.purchased_at !== undefined) changes.purchased_at = patch.purchased_at;
      if (patch.items !== undefined) {
        const { items, total } = tidyItems(patch.items);
        changes.items = items;
        changes.total_cost_cents = total;
      }
      const row = await updateShoppingList(db, userId, listId, changes);
      if (!row) throw RecipesErrors.shoppingListNotFound();
      return toShoppingList(row);
    },

    /**
     * Adds one item (an item, or a line read as a recipe's ingredient is) under an
     * Idempotency-Key. An item of the same name (any case) and unit still to buy is not listed
     * twice: the amounts and costs add up (`added` false). A checked item is bought already, so
     * the same name then starts a new line. The same key again changes nothing and answers the
     * list as it is now; the same key with another item is 409 IDEMPOTENCY_KEY_REUSED.
     */
    async addItem(
      userId: string,
      listId: string,
      idempotencyKey: string | undefined,
      input: ShoppingItemInput | string,
    ): Promise<{ list: ShoppingList; added: boolean }> {
      // Whose list it is is answered before what the request lacks: a stranger gets 404.
      if (!isUuid(listId) || !(await findShoppingList(db, userId, listId)))
        throw RecipesErrors.shoppingListNotFound();
      if (!isIdempotencyKey(idempotencyKey)) throw RecipesErrors.idempotencyKeyRequired();
      const [item] = tidyItems([input]).items as [ShoppingItemRow];
      const hash = requestHash(input);
      return db.transaction(async (tx) => {
        const row = await findShoppingList(tx, userId, listId, { forUpdate: true });
        if (!row) throw RecipesErrors.shoppingListNotFound();
        const previous = await findListRequest(tx, listId, idempotencyKey);
        if (previous) {
          if (previous.request_hash !== hash) throw RecipesErrors.idempotencyKeyReused();
          return { list: toShoppingList(row), added: previous.status === 201 };
        }
        const { items, added } = withItemAdded(row.items, item);
        const updated = await updateShoppingList(tx, userId, listId, {
          items,
          total_cost_cents: costOf(items),
        });
        if (!updated) throw RecipesErrors.shoppingListNotFound();
        await saveListRequest(tx, {
          listId,
          key: idempotencyKey,
          hash,
          status: added ? 201 : 200,
          at: deps.now(),
        });
        return { list: toShoppingList(updated), added };
      });
    },

    /**
     * Ticks (or unticks) the items of this name (any case) and unit: a setting, not a toggle,
     * so the same request sent twice (an outbox resending after a lost answer) changes nothing
     * more, and only these items change whatever another device did to the rest of the list.
     */
    async setChecked(
      userId: string,
      listId: string,
      input: { name: string; unit: string | null; checked: boolean },
    ): Promise<ShoppingList> {
      if (!isUuid(listId)) throw RecipesErrors.shoppingListNotFound();
      return db.transaction(async (tx) => {
        const row = await findShoppingList(tx, userId, listId, { forUpdate: true });
        if (!row) throw RecipesErrors.shoppingListNotFound();
        const name = input.name.trim().toLowerCase();
        const unit = input.unit?.trim() || null;
        const matches = (item: ShoppingItemRow) => item.name.toLowerCase() === name && item.unit === unit;
        if (!row.items.some(matches)) throw RecipesErrors.shoppingItemNotFound();
        const items = row.items.map((item) => (matches(item) ? { ...item, checked: input.checked } : item));
        const updated = await updateShoppingList(tx, userId, listId, { items });
        if (!updated) throw RecipesErrors.shoppingListNotFound();
        return toShoppingList(updated);
      });
    },

    async remove(userId: string, listId: string): Promise<void> {
      if (!isUuid(listId) || !(await deleteShoppingList(db, userId, listId))) {
        throw RecipesErrors.shoppingListNotFound();
      }
    },

    async list(
      userId: string,
      query: { limit: number; cursor?: string; status?: 'open' | 'purchased'; plan_id?: string },
    ) {
      const filters = pageFilters(query);
      const cursor = SHOPPING_LISTS.decode(query.cursor, filters);
      if (query.plan_id !== undefined && !isUuid(query.plan_id)) return { items: [], next_cursor: null };
      const rows = await listShoppingLists(
        db,
        userId,
        { status: query.status, planId: query.plan_id },
        query.limit + 1,
        cursor,
      );
      return SHOPPING_LISTS.page(
        rows,
        query.limit,
        toShoppingList,
        (row) => ({ at: row.cursor_at, id: row.list_id }),
        filters,
      );
    },
  };
}

export type ShoppingListService = ReturnType<typeof createShoppingListService>;

// Shopping lists: items with an amount, a checkbox and a cost; the list's total is always the
// sum of its items' costs, written together with the items.
import { amountToBuy, readIngredients } from '../../ingredients/ingredient-input.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import type { RecipesDeps } from '../deps.ts';
import { RecipesErrors } from '../errors.ts';
import {
  deleteShoppingList,
  findShoppingList,
  insertShoppingList,
  listShoppingLists,
  type ShoppingItemRow,
  type ShoppingListFields,
  type ShoppingListRow,
  updateShoppingList,
} from '../store/shopping-lists.ts';
import { isCreatedCursor, isUuid } from './ids.ts';
import { INGREDIENT_LIMITS } from './limits.ts';

export const MAX_SHOPPING_ITEMS = 500;

export interface ShoppingItemInput {
  name: string;
  quantity?: number | null;
  unit?: string | null;
  checked?: boolean;
  cost_cents?: number | null;
  note?: string | null;
}

export interface ShoppingListInput {
  list_name: string;
  store?: string | null;
  /** Items, or lines read as recipe ingredients are ("2-3 apples": buy 3). */
  items?: (ShoppingItemInput | string)[];
  purchased_at?: string | null;
}

export type ShoppingListPatch = Partial<ShoppingListInput>;

export interface ShoppingList {
  list_id: string;
  list_name: string;
  store: string | null;
  items: ShoppingItemRow[];
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
    items: row.items,
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
    };
  });
  return { items: tidy, total: tidy.reduce((sum, item) => sum + (item.cost_cents ?? 0), 0) };
}

export function createShoppingListService(deps: RecipesDeps) {
  const { db } = deps;
  return {
    async create(userId: string, input: ShoppingListInput): Promise<ShoppingList> {
      const { items, total } = tidyItems(input.items ?? []);
      const fields: ShoppingListFields = {
        list_name: requiredText('list_name', input.list_name),
        store: blankToNull(input.store),
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
      const cursor = decodeCursor(query.cursor, isCreatedCursor);
      if (query.plan_id !== undefined && !isUuid(query.plan_id)) return { items: [], next_cursor: null };
      const rows = await listShoppingLists(
        db,
        userId,
        { status: query.status, planId: query.plan_id },
        query.limit + 1,
        cursor,
      );
      return toPage(rows, query.limit, toShoppingList, (row) => ({ at: row.cursor_at, id: row.list_id }));
    },
  };
}

export type ShoppingListService = ReturnType<typeof createShoppingListService>;

// The pantry: what a user has at home (amount, unit, category, where, until when), and the
// "expiring soon" view ordered by expiry. Expiry counts in days from today's date in UTC.
import { isoDay } from '../../platform/clock.ts';
import { DAY_KEY, keyset, pageFilters, TIME_KEY } from '../../platform/http/pagination.ts';
import type { RecipesDeps } from '../deps.ts';
import { RecipesErrors } from '../errors.ts';
import {
  deletePantryItem,
  findPantryItem,
  insertPantryItem,
  listExpiringItems,
  listPantryItems,
  type PantryItemFields,
  type PantryItemRow,
  type PantryLocation,
  updatePantryItem,
} from '../store/pantry.ts';
import { isCalendarDate } from './dates.ts';
import { isUuid } from './ids.ts';

export interface PantryItemInput {
  item_name: string;
  quantity?: number;
  unit?: string;
  category?: string | null;
  expiration_date?: string | null;
  location?: PantryLocation;
}

export type PantryItemPatch = Partial<PantryItemInput>;

export interface PantryItem {
  item_id: string;
  item_name: string;
  quantity: number;
  unit: string;
  category: string | null;
  expiration_date: string | null;
  location: PantryLocation;
  days_until_expiry: number | null;
  is_expired: boolean;
  created_at: Date;
  updated_at: Date;
}

/** Days from `today` to the item's expiration date: negative once expired, null without one. */
const daysUntil = (date: string | null, today: string) =>
  date === null
    ? null
    : Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);

export function toPantryItem(row: PantryItemRow, today: string): PantryItem {
  const days = daysUntil(row.expiration_date, today);
  return {
    item_id: row.item_id,
    item_name: row.item_name,
    quantity: row.quantity,
    unit: row.unit,
    category: row.category,
    expiration_date: row.expiration_date,
    location: row.location,
    days_until_expiry: days,
    is_expired: days !== null && days < 0,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function requiredText(field: string, text: string): string {
  const trimmed = text.trim();
  if (!trimmed)
    throw RecipesErrors.invalidInput(`body.${field} must not be blank`, [{ field: `body.${field}` }]);
  return trimmed;
}

function checkDate(date: string | null | undefined): string | null | undefined {
  if (date && !isCalendarDate(date)) {
    throw RecipesErrors.invalidInput('body.expiration_date is not a calendar date', [
      { field: 'body.expiration_date' },
    ]);
  }
  return date;
}

/** Newest first; and soonest to expire first. */
const PANTRY = keyset('recipes.pantry', TIME_KEY);
const EXPIRING = keyset('recipes.pantry:expiring', DAY_KEY);

export function createPantryService(deps: RecipesDeps) {
  const { db } = deps;
  const today = () => isoDay(deps.now());
  const shape = (row: PantryItemRow) => toPantryItem(row, today());
  return {
    async create(userId: string, input: PantryItemInput): Promise<PantryItem> {
      const fields: PantryItemFields = {
        item_name: requiredText('item_name', input.item_name),
        quantity: input.quantity ?? 1,
        unit: input.unit === undefined ? 'count' : requiredText('unit', input.unit),
        category: input.category?.trim() || null,
        expiration_date: checkDate(input.expiration_date) ?? null,
        location: input.location ?? 'pantry',
      };
      return shape(await insertPantryItem(db, userId, fields));
    },

    async get(userId: string, itemId: string): Promise<PantryItem> {
      const row = isUuid(itemId) ? await findPantryItem(db, userId, itemId) : undefined;
      if (!row) throw RecipesErrors.pantryItemNotFound();
      return shape(row);
    },

    async update(userId: string, itemId: string, patch: PantryItemPatch): Promise<PantryItem> {
      if (!isUuid(itemId)) throw RecipesErrors.pantryItemNotFound();
      const changes: Partial<PantryItemFields> = {};
      if (patch.item_name !== undefined) changes.item_name = requiredText('item_name', patch.item_name);
      if (patch.quantity !== undefined) changes.quantity = patch.quantity;
      if (patch.unit !== undefined) changes.unit = requiredText('unit', patch.unit);
      if (patch.category !== undefined) changes.category = patch.category?.trim() || null;
      if (patch.expiration_date !== undefined)
        changes.expiration_date = checkDate(patch.expiration_date) ?? null;
      if (patch.location !== undefined) changes.location = patch.location;
      const row = await updatePantryItem(db, userId, itemId, changes);
      if (!row) throw RecipesErrors.pantryItemNotFound();
      return shape(row);
    },

    async remove(userId: string, itemId: string): Promise<void> {
      if (!isUuid(itemId) || !(await deletePantryItem(db, userId, itemId))) {
        throw RecipesErrors.pantryItemNotFound();
      }
    },

    async list(
      userId: string,
      query: {
        limit: number;
        cursor?: string;
        location?: PantryLocation;
        category?: string;
        expiring_within_days?: number;
        q?: string;
      },
    ) {
      const filters = pageFilters(query);
      const cursor = PANTRY.decode(query.cursor, filters);
      const rows = await listPantryItems(
        db,
        userId,
        {
          location: query.location,
          category: query.category?.trim() || undefined,
          expiringWithinDays: query.expiring_within_days,
          q: query.q?.trim() || undefined,
          today: today(),
        },
        query.limit + 1,
        cursor,
      );
      return PANTRY.page(
        rows,
        query.limit,
        shape,
        (row) => ({ at: row.cursor_at, id: row.item_id }),
        filters,
      );
    },

    async expiring(
      userId: string,
      query: { limit: number; cursor?: string; days: number; include_expired: boolean },
    ) {
      const filters = pageFilters(query);
      const cursor = EXPIRING.decode(query.cursor, filters);
      const rows = await listExpiringItems(
        db,
        userId,
        today(),
        query.days,
        query.include_expired,
        query.limit + 1,
        cursor,
      );
      return EXPIRING.page(
        rows,
        query.limit,
        shape,
        // Only items with an expiration date are listed.
        (row) => ({ day: row.expiration_date as string, id: row.item_id }),
        filters,
      );
    },
  };
}

export type PantryService = ReturnType<typeof createPantryService>;

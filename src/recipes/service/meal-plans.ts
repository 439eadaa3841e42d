// Meal plans: recipes per date and slot over a run of days, every date inside the plan and
// every recipe one the user may read; and the shopping list a plan needs, merged across its
// meals, minus what the pantry holds.
import { guessAisle } from '../../ingredients/aisles.ts';
import { amountToBuy } from '../../ingredients/ingredient-input.ts';
import { type QuantityLine, subtractQuantities } from '../../ingredients/quantities.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { keyset, pageFilters, TIME_KEY } from '../../platform/http/pagination.ts';
import type { RecipesDeps } from '../deps.ts';
import { RecipesErrors } from '../errors.ts';
import {
  deleteMealPlan,
  findMealPlan,
  insertMealPlan,
  listMealPlans,
  type MealPlanFields,
  type MealPlanRow,
  type MealSlot,
  type Meals,
  updateMealPlan,
} from '../store/meal-plans.ts';
import { listPantryStock } from '../store/pantry.ts';
import { findReadableRecipes } from '../store/recipes.ts';
import { insertShoppingList } from '../store/shopping-lists.ts';
import { addDays, isCalendarDate } from './dates.ts';
import { isUuid } from './ids.ts';
import { MAX_SHOPPING_ITEMS, type ShoppingList, toShoppingList } from './shopping-lists.ts';

export const MEAL_SLOTS: readonly MealSlot[] = ['breakfast', 'lunch', 'dinner', 'snack'];

export interface MealPlanInput {
  plan_name: string;
  start_date: string;
  duration_days?: number;
  meals?: Meals;
  total_cost_cents?: number | null;
}

export type MealPlanPatch = Partial<MealPlanInput>;

export interface MealPlan {
  plan_id: string;
  plan_name: string;
  start_date: string;
  /** The plan's last day. */
  end_date: string;
  duration_days: number;
  meals: Meals;
  /** What the last generated shopping list asked for (before it was edited). */
  shopping_list: QuantityLine[];
  total_cost_cents: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface ShoppingListRequest {
  list_name?: string;
  store?: string | null;
  /** Cook every recipe for this many people (recipes that do not say how many they serve stay as written). */
  servings?: number;
  /** Leave out what the pantry holds (default true). */
  subtract_pantry?: boolean;
}

export function toMealPlan(row: MealPlanRow): MealPlan {
  return {
    plan_id: row.plan_id,
    plan_name: row.plan_name,
    start_date: row.start_date,
    end_date: addDays(row.start_date, row.duration_days - 1),
    duration_days: row.duration_days,
    meals: row.meals,
    shopping_list: row.shopping_list,
    total_cost_cents: row.total_cost_cents,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function requiredName(text: string): string {
  const trimmed = text.trim();
  if (!trimmed)
    throw RecipesErrors.invalidInput('body.plan_name must not be blank', [{ field: 'body.plan_name' }]);
  return trimmed;
}

/** Drops empty days, and checks that every day is a real date inside the plan. */
function tidyMeals(meals: Meals, startDate: string, durationDays: number): Meals {
  if (!isCalendarDate(startDate)) {
    throw RecipesErrors.invalidInput('body.start_date is not a calendar date', [
      { field: 'body.start_date' },
    ]);
  }
  const last = addDays(startDate, durationDays - 1);
  if (!isCalendarDate(last)) {
    throw RecipesErrors.invalidInput('body.duration_days: the plan would end after 9999-12-31', [
      { field: 'body.duration_days' },
    ]);
  }
  const outside: string[] = [];
  const tidy: Meals = {};
  for (const date of Object.keys(meals).sort()) {
    const slots = meals[date] ?? {};
    if (Object.keys(slots).length === 0) continue;
    if (!isCalendarDate(date) || date < startDate || date > last) outside.push(date);
    tidy[date] = Object.fromEntries(
      MEAL_SLOTS.filter((s) => slots[s]).map((s) => [s, slots[s]?.toLowerCase()]),
    );
  }
  if (outside.length > 0) throw RecipesErrors.mealDateOutOfRange(outside, startDate, last);
  return tidy;
}

/** Every recipe id in the meals, once per time it is served. */
function servedRecipeIds(meals: Meals): string[] {
  return Object.values(meals).flatMap((slots) =>
    MEAL_SLOTS.flatMap((slot) => (slots[slot] ? [slots[slot] as string] : [])),
  );
}

/** Newest first. */
const MEAL_PLANS = keyset('recipes.meal-plans', TIME_KEY);

export function createMealPlanService(deps: RecipesDeps) {
  const { db } = deps;

  /** 404 RECIPE_NOT_FOUND (naming them) when the meals name a recipe this user may not read. */
  async function assertRecipesReadable(tx: Queryable, userId: string, meals: Meals) {
    const ids = [...new Set(servedRecipeIds(meals))];
    const malformed = ids.filter((id) => !isUuid(id));
    const readable = new Set(
      (await findReadableRecipes(tx, userId, ids.filter(isUuid))).map((r) => r.recipe_id.toLowerCase()),
    );
    const missing = [...malformed, ...ids.filter((id) => isUuid(id) && !readable.has(id))];
    if (missing.length > 0) throw RecipesErrors.recipeNotFound({ recipe_ids: missing });
  }

  return {
    async create(userId: string, input: MealPlanInput): Promise<MealPlan> {
      const fields: MealPlanFields = {
        plan_name: requiredName(input.plan_name),
        start_date: input.start_date,
        duration_days: input.duration_days ?? 7,
        meals: {},
        total_cost_cents: input.total_cost_cents ?? null,
      };
      fields.meals = tidyMeals(input.meals ?? {}, fields.start_date, fields.duration_days);
      await assertRecipesReadable(db, userId, fields.meals);
      return toMealPlan(await insertMealPlan(db, userId, fields));
    },

    async get(userId: string, planId: string): Promise<MealPlan> {
      const row = isUuid(planId) ? await findMealPlan(db, userId, planId) : undefined;
      if (!row) throw RecipesErrors.mealPlanNotFound();
      return toMealPlan(row);
    },

    async update(userId: string, planId: string, patch: MealPlanPatch): Promise<MealPlan> {
      if (!isUuid(planId)) throw RecipesErrors.mealPlanNotFound();
      return db.transaction(async (tx) => {
        // Locked: the dates and meals are checked together, against the plan as it stands.
        const current = await findMealPlan(tx, userId, planId, { lock: true });
        if (!current) throw RecipesErrors.mealPlanNotFound();
        const changes: Partial<MealPlanFields> = {};
        if (patch.plan_name !== undefined) changes.plan_name = requiredName(patch.plan_name);
        if (patch.start_date !== undefined) changes.start_date = patch.start_date;
        if (patch.duration_days !== undefined) changes.duration_days = patch.duration_days;
        if (patch.total_cost_cents !== undefined) changes.total_cost_cents = patch.total_cost_cents;
        if (
          patch.meals !== undefined ||
          patch.start_date !== undefined ||
          patch.duration_days !== undefined
        ) {
          const meals = tidyMeals(
            patch.meals ?? current.meals,
            changes.start_date ?? current.start_date,
            changes.duration_days ?? current.duration_days,
          );
          if (patch.meals !== undefined) {
            await assertRecipesReadable(tx, userId, meals);
            changes.meals = meals;
          }
        }
        const row = await updateMealPlan(tx, userId, planId, changes);
        if (!row) throw RecipesErrors.mealPlanNotFound();
        return toMealPlan(row);
      });
    },

    async remove(userId: string, planId: string): Promise<void> {
      if (!isUuid(planId) || !(await deleteMealPlan(db, userId, planId)))
        throw RecipesErrors.mealPlanNotFound();
    },

    async list(userId: string, query: { limit: number; cursor?: string; from?: string; to?: string }) {
      const filters = pageFilters(query);
      const cursor = MEAL_PLANS.decode(query.cursor, filters);
      const rows = await listMealPlans(
        db,
        userId,
        { from: query.from, to: query.to },
        query.limit + 1,
        cursor,
      );
      return MEAL_PLANS.page(
        rows,
        query.limit,
        toMealPlan,
        (row) => ({ at: row.cursor_at, id: row.plan_id }),
        filters,
      );
    },

    /**
     * Stores the shopping list a plan needs: every served recipe's ingredients (scaled to
     * `servings` when asked), like ones merged, what the pantry holds subtracted. Recipes the
     * user can no longer read are left out and named in skipped_recipe_ids.
     */
    async generateShoppingList(
      userId: string,
      planId: string,
      request: ShoppingListRequest,
    ): Promise<ShoppingList & { skipped_recipe_ids: string[] }> {
      if (!isUuid(planId)) throw RecipesErrors.mealPlanNotFound();
      return db.transaction(async (tx) => {
        const plan = await findMealPlan(tx, userId, planId, { lock: true });
        if (!plan) throw RecipesErrors.mealPlanNotFound();
        const served = servedRecipeIds(plan.meals).filter(isUuid);
        const recipes = new Map(
          (await findReadableRecipes(tx, userId, served)).map((r) => [r.recipe_id.toLowerCase(), r]),
        );
        const needs: QuantityLine[] = [];
        for (const id of served) {
          const recipe = recipes.get(id.toLowerCase());
          if (!recipe) continue;
          const factor = request.servings && recipe.serves ? request.servings / recipe.serves : 1;
          for (const ingredient of recipe.ingredients) {
            const amount = amountToBuy(ingredient);
            needs.push({
              name: ingredient.name,
              quantity: amount === null ? null : amount * factor,
              unit: ingredient.unit,
            });
          }
        }
        const stock =
          request.subtract_pantry === false
            ? []
            : (await listPantryStock(tx, userId)).map((p) => ({
                name: p.item_name,
                quantity: p.quantity,
                unit: p.unit,
              }));
        const lines = subtractQuantities(needs, stock);
        if (lines.length > MAX_SHOPPING_ITEMS) {
          throw RecipesErrors.invalidInput(
            `This plan needs ${lines.length} different items; a shopping list holds at most ${MAX_SHOPPING_ITEMS}`,
          );
        }
        const list = await insertShoppingList(tx, userId, {
          list_name: (request.list_name?.trim() || `Shopping for ${plan.plan_name}`).slice(0, 200),
          store: request.store?.trim() || null,
          items: lines.map((l) => ({
            ...l,
            checked: false,
            cost_cents: null,
            note: null,
            aisle: guessAisle(l.name),
          })),
          total_cost_cents: 0,
          purchased_at: null,
          plan_id: plan.plan_id,
        });
        await updateMealPlan(tx, userId, planId, { shopping_list: lines });
        const skipped = [...new Set(served.filter((id) => !recipes.has(id.toLowerCase())))];
        return { ...toShoppingList(list), skipped_recipe_ids: skipped };
      });
    },
  };
}

export type MealPlanService = ReturnType<typeof createMealPlanService>;

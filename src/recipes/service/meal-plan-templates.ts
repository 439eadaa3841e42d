// Meal plans made from templates (content/starter/meal-plan-templates/*.json, one file each:
// Halloween week, and any season that follows the same path). A template names Hollowtown's
// starter recipes by key per day and slot; making a plan copies each into the user's recipes
// the way "Share to My Recipes" does (a copy that follows its original, through Hollowtown's
// client), lays them out from the start date, and makes the plan's shopping list. The same
// template on the same start date is one plan per user: asking again answers that plan.

import path from 'node:path';
import { Type } from 'typebox';
import { ContentError, contentFiles, readContentObject, STARTER_DIR } from '../../platform/content-files.ts';
import type { RecipesDeps } from '../deps.ts';
import { RecipesErrors } from '../errors.ts';
import type { HalloweenOriginal } from '../links.ts';
import {
  countTemplatePlans,
  findTemplatePlan,
  insertTemplatePlan,
  type MealSlot,
  type Meals,
} from '../store/meal-plans.ts';
import { latestListOfPlan } from '../store/shopping-lists.ts';
import { addDays, isCalendarDate } from './dates.ts';
import { MEAL_SLOTS, type MealPlan, type MealPlanService, toMealPlan } from './meal-plans.ts';
import { isSourceRecipe, type SharedRecipeService } from './shared-recipes.ts';
import { type ShoppingList, toShoppingList } from './shopping-lists.ts';

export const TEMPLATES_DIR = path.join(STARTER_DIR, 'meal-plan-templates');
/** Plans from templates one account keeps at most. */
export const MAX_TEMPLATE_PLANS = 100;
const RecipeKey = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,99}$' });

const TemplateSchema = Type.Object(
  {
    key: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }),
    name: Type.String({ minLength: 1, maxLength: 150 }),
    description: Type.String({ minLength: 1, maxLength: 500 }),
    season: Type.String({ pattern: '^[a-z][a-z0-9-]{0,39}$' }),
    days: Type.Array(
      Type.Object(
        {
          breakfast: Type.Optional(RecipeKey),
          lunch: Type.Optional(RecipeKey),
          dinner: Type.Optional(RecipeKey),
          snack: Type.Optional(RecipeKey),
        },
        { additionalProperties: false, minProperties: 1 },
      ),
      { minItems: 1, maxItems: 31 },
    ),
  },
  { additionalProperties: false },
);

export interface MealPlanTemplate {
  key: string;
  name: string;
  description: string;
  season: string;
  days: Partial<Record<MealSlot, string>>[];
}

/** A template as the API lists it. */
export interface TemplateSummary {
  template: string;
  name: string;
  description: string;
  season: string;
  duration_days: number;
  meals: number;
}

export interface TemplatePlanAnswer {
  /** false: this plan existed already (same template, same start date). */
  created: boolean;
  plan: MealPlan;
  shopping_list: ShoppingList | null;
  /** Recipes the template names that are not published in Hollowtown now: their slots stay empty. */
  skipped_recipes: string[];
}

/** Every template in the folder, checked; the file name must be the template's key. */
export async function readTemplates(dir = TEMPLATES_DIR): Promise<Map<string, MealPlanTemplate>> {
  const templates = new Map<string, MealPlanTemplate>();
  for (const file of await contentFiles(dir)) {
    const template = await readContentObject<MealPlanTemplate>(file, TemplateSchema);
    if (`${template.key}.json` !== path.basename(file))
      throw new ContentError(`${file}: the key "${template.key}" must match the file name`);
    templates.set(template.key, template);
  }
  return templates;
}

const summary = (t: MealPlanTemplate): TemplateSummary => ({
  template: t.key,
  name: t.name,
  description: t.description,
  season: t.season,
  duration_days: t.days.length,
  meals: t.days.reduce((n, day) => n + Object.keys(day).length, 0),
});

export function createMealPlanTemplateService(
  deps: RecipesDeps,
  parts: { mealPlans: MealPlanService; shared: SharedRecipeService },
  templatesDir = TEMPLATES_DIR,
) {
  const { db } = deps;
  let cached: Promise<Map<string, MealPlanTemplate>> | undefined;
  const templates = () => {
    cached ??= readTemplates(templatesDir).catch((error) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };

  async function existing(userId: string, templateKey: string, startDate: string) {
    const row = await findTemplatePlan(db, userId, templateKey, startDate);
    if (!row) return undefined;
    const list = await latestListOfPlan(db, userId, row.plan_id);
    return { plan: toMealPlan(row), shopping_list: list ? toShoppingList(list) : null };
  }

  return {
    async list(): Promise<TemplateSummary[]> {
      return [...(await templates()).values()].map(summary);
    },

    async create(
      userId: string,
      input: { template: string; start_date: string },
    ): Promise<TemplatePlanAnswer> {
      const template = (await templates()).get(input.template);
      if (!template) throw RecipesErrors.templateNotFound(input.template);
      if (
        !isCalendarDate(input.start_date) ||
        !isCalendarDate(addDays(input.start_date, template.days.length - 1))
      )
        throw RecipesErrors.invalidInput('body.start_date is not a calendar date', [
          { field: 'body.start_date' },
        ]);
      const before = await existing(userId, template.key, input.start_date);
      if (before) return { created: false, ...before, skipped_recipes: [] };
      if ((await countTemplatePlans(db, userId)) >= MAX_TEMPLATE_PLANS)
        throw RecipesErrors.templatePlanLimit(MAX_TEMPLATE_PLANS);

      const hollowtown = deps.hollowtown();
      if (!hollowtown) throw RecipesErrors.hollowtownUnavailable();
      const keys = [...new Set(template.days.flatMap((day) => Object.values(day)))];
      let originals: HalloweenOriginal[];
      try {
        originals = await hollowtown.starterOriginals(keys);
      } catch (error) {
        deps.logger.warn({ err: error }, 'Hollowtown did not answer for a meal plan template');
        throw RecipesErrors.hollowtownUnavailable();
      }
      if (originals.length === 0) throw RecipesErrors.templateRecipesMissing(template.key);
      // The user's copy of each (made once; asking again finds it).
      const copies = new Map<string, string>();
      for (const { key, sourceRecipeId, version, recipe } of originals) {
        if (!isSourceRecipe(recipe)) continue;
        const copy = await parts.shared.share({
          userId,
          domain: 'hollowtown',
          sourceRecipeId,
          version,
          recipe,
        });
        copies.set(key, copy.recipe_id);
      }
      const meals: Meals = {};
      template.days.forEach((day, index) => {
        const slots: Partial<Record<MealSlot, string>> = {};
        for (const slot of MEAL_SLOTS) {
          const id = day[slot] && copies.get(day[slot]);
          if (id) slots[slot] = id;
        }
        if (Object.keys(slots).length > 0) meals[addDays(input.start_date, index)] = slots;
      });
      const row = await insertTemplatePlan(db, userId, template.key, {
        plan_name: `${template.name} from ${input.start_date}`,
        start_date: input.start_date,
        duration_days: template.days.length,
        meals,
        total_cost_cents: null,
      });
      // Made meanwhile by the same request sent twice: answer that one.
      if (!row) {
        const raced = await existing(userId, template.key, input.start_date);
        if (raced) return { created: false, ...raced, skipped_recipes: [] };
        throw RecipesErrors.mealPlanNotFound();
      }
      const { skipped_recipe_ids: _none, ...list } = await parts.mealPlans.generateShoppingList(
        userId,
        row.plan_id,
        { list_name: `Shopping for ${template.name}` },
      );
      return {
        created: true,
        plan: await parts.mealPlans.get(userId, row.plan_id),
        shopping_list: list,
        skipped_recipes: keys.filter((k) => !copies.has(k)),
      };
    },
  };
}

export type MealPlanTemplateService = ReturnType<typeof createMealPlanTemplateService>;

// HowToCookAtHome's part of "Download my data" and its import into another CALOS: the user's
// rows a page at a time, and an archive's recipes, meal plans, pantry, shopping lists and
// cookbooks taken in with new ids (a meal plan's and a cookbook's recipes and a list's meal plan
// follow them), once per source row.
import {
  exportPage,
  type ImportAnswer,
  type ImportCounts,
  importRows,
  listShapeProblem,
} from '../../platform/data-portability.ts';
import type { RecipesDeps } from '../deps.ts';
import { addImportedEntries } from '../store/cookbooks.ts';
import { RECIPES_EXPORT, RECIPES_IMPORT } from '../store/data-export.ts';
import { LIMITS } from './limits.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The meal plan's days with its recipes' new ids; a recipe not in the archive leaves its slot empty. */
export function remapMeals(
  meals: unknown,
  recipeIds: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const remapped: Record<string, Record<string, string>> = {};
  if (!isObject(meals)) return remapped;
  for (const [date, slots] of Object.entries(meals)) {
    if (!isObject(slots)) continue;
    const day: Record<string, string> = {};
    for (const [slot, recipeId] of Object.entries(slots)) {
      const mapped = typeof recipeId === 'string' ? recipeIds[recipeId] : undefined;
      if (mapped) day[slot] = mapped;
    }
    remapped[date] = day;
  }
  return remapped;
}

export function createDataPortabilityService(deps: RecipesDeps) {
  return {
    collections: async () => Object.keys(RECIPES_EXPORT),
    page: (userId: string, collection: string, after: string | null, limit: number) =>
      exportPage(deps.db, RECIPES_EXPORT, userId, collection, after, limit),
    /** Rows of an archive's recipes.json (its collections), in the order references need. */
    async importData(userId: string, data: Record<string, unknown[]>): Promise<ImportAnswer> {
      const counts: Record<string, ImportCounts> = {};
      const ids: Record<string, Record<string, string>> = {};
      const run = async (
        collection: keyof typeof RECIPES_IMPORT,
        prepare?: (row: Record<string, unknown>) => Record<string, unknown> | string,
      ) => {
        const done = await importRows(deps.db, {
          userId,
          now: deps.now(),
          collection,
          spec: RECIPES_IMPORT[collection],
          rows: data[collection] ?? [],
          prepare,
        });
        counts[collection] = done.counts;
        ids[collection] = done.ids;
        return done.ids;
      };
      // A recipe arrives private and as written; a copy that followed another app's original
      // arrives as imported (the link does not cross deployments).
      const recipeIds = await run(
        'recipes',
        (row) =>
          listShapeProblem(row, { named: ['ingredients'], texts: ['instructions', 'allergens', 'tags'] }) ?? {
            ...row,
            source: row.source === 'shared' ? 'imported' : row.source,
          },
      );
      const planIds = await run('meal_plans', (row) => ({ ...row, meals: remapMeals(row.meals, recipeIds) }));
      await run('shopping_lists', (row) => ({
        ...row,
        plan_id: typeof row.plan_id === 'string' ? (planIds[row.plan_id] ?? null) : null,
      }));
      await run('pantry_items');
      // A cookbook arrives with the recipes of the archive it named, in its order; one shared
      // with a family there is private here (the family is another deployment's).
      let entries: string[] = [];
      const cookbooks = await importRows(deps.db, {
        userId,
        now: deps.now(),
        collection: 'cookbooks',
        spec: RECIPES_IMPORT.cookbooks,
        rows: data.cookbooks ?? [],
        prepare: (row) => {
          if (row.recipe_ids !== undefined && !Array.isArray(row.recipe_ids))
            return 'recipe_ids is not a list';
          entries = ((row.recipe_ids ?? []) as unknown[])
            .map((id) => (typeof id === 'string' ? recipeIds[id] : undefined))
            .filter((id): id is string => id !== undefined)
            .slice(0, LIMITS.cookbookRecipes);
          const shared = row.visibility === 'family';
          return {
            ...row,
            visibility: shared ? 'private' : row.visibility,
            family_id: null,
            updated_at: row.updated_at ?? row.created_at,
          };
        },
        afterInsert: (tx, cookbookId) => addImportedEntries(tx, cookbookId, entries, deps.now()),
      });
      counts.cookbooks = cookbooks.counts;
      ids.cookbooks = cookbooks.ids;
      return { counts, ids };
    },
  };
}

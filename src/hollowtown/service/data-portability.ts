// Hollowtown's part of "Download my data" and its import into another CALOS: the user's rows a
// page at a time, and an archive's recipes, events (with their recipes, ours or HowToCookAtHome's
// by the new ids it gave them), costumes and haunted-house plans taken in once per source row.
import {
  exportPage,
  type ImportAnswer,
  type ImportCounts,
  importRows,
  listShapeProblem,
} from '../../platform/data-portability.ts';
import type { HollowtownDeps } from '../deps.ts';
import { HOLLOWTOWN_EXPORT, HOLLOWTOWN_IMPORT, linkImportedEventRecipe } from '../store/data-export.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function createDataPortabilityService(deps: HollowtownDeps) {
  return {
    collections: async () => Object.keys(HOLLOWTOWN_EXPORT),
    page: (userId: string, collection: string, after: string | null, limit: number) =>
      exportPage(deps.db, HOLLOWTOWN_EXPORT, userId, collection, after, limit),
    /**
     * Rows of an archive's hollowtown.json; `references.recipes` maps the archive's
     * HowToCookAtHome recipe ids to the ones imported there, for the events' recipes.
     */
    async importData(
      userId: string,
      data: Record<string, unknown[]>,
      references: Record<string, Record<string, string>> = {},
    ): Promise<ImportAnswer> {
      const counts: Record<string, ImportCounts> = {};
      const ids: Record<string, Record<string, string>> = {};
      const run = async (
        collection: keyof typeof HOLLOWTOWN_IMPORT,
        prepare?: (row: Record<string, unknown>) => Record<string, unknown> | string,
      ) => {
        const done = await importRows(deps.db, {
          userId,
          now: deps.now(),
          collection,
          spec: HOLLOWTOWN_IMPORT[collection],
          rows: data[collection] ?? [],
          prepare,
        });
        counts[collection] = done.counts;
        ids[collection] = done.ids;
        return done.ids;
      };
      // Arrives private; the source is kept as written (manual or ai).
      const recipeIds = await run(
        'spooky_recipes',
        (row) => listShapeProblem(row, { named: ['ingredients'], texts: ['instructions', 'tags'] }) ?? row,
      );
      // The family it was planned with is another deployment's: the event arrives unlinked.
      const eventIds = await run('halloween_events');
      await run(
        'costume_ideas',
        (row) => listShapeProblem(row, { named: ['materials'], texts: ['tags'] }) ?? row,
      );
      await run(
        'haunted_house_plans',
        (row) => listShapeProblem(row, { named: ['props_needed'], texts: ['setup_instructions'] }) ?? row,
      );
      const links: ImportCounts = { created: 0, existing: 0, skipped: [] };
      for (const row of data.event_recipes ?? []) {
        if (!isObject(row)) continue;
        const { event_id: eventId, domain, recipe_id: recipeId } = row;
        const event = typeof eventId === 'string' ? eventIds[eventId] : undefined;
        const known =
          domain === 'hollowtown' ? recipeIds : domain === 'recipes' ? references.recipes : undefined;
        const recipe = typeof recipeId === 'string' ? known?.[recipeId] : undefined;
        if (!event || !recipe || (domain !== 'hollowtown' && domain !== 'recipes')) {
          links.skipped.push({
            id: typeof recipeId === 'string' ? recipeId : null,
            reason: 'the event or the recipe is not in the archive',
          });
          continue;
        }
        const created = await linkImportedEventRecipe(deps.db, {
          eventId: event,
          domain,
          recipeId: recipe,
          userId,
        });
        if (created) links.created += 1;
        else links.existing += 1;
      }
      counts.event_recipes = links;
      return { counts, ids };
    },
  };
}

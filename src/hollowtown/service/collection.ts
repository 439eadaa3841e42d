// What Hollowtown offers other apps to feature: every user's published recipes (HowToCookAtHome's
// Halloween collection), and the starter pack's recipes by key (its meal plan templates).
import { keyset, TIME_KEY } from '../../platform/http/pagination.ts';
import type { CollectionRecipe, HollowtownCollectionClient } from '../client.ts';
import type { HollowtownDeps } from '../deps.ts';
import { listRecipes, markRecipeShared, type RecipeRow } from '../store/recipes.ts';
import { publishedStarterRecipeIds } from '../store/starter.ts';
import { recipeEventPayload } from './recipes.ts';

/** Nobody: a published-only list needs no viewer. */
const NO_VIEWER = '00000000-0000-0000-0000-000000000000';
const MAX_PAGE = 100;
const MAX_KEYS = 100;

const toCollectionRecipe = (row: RecipeRow): CollectionRecipe => ({
  recipe_id: row.recipe_id,
  recipe_name: row.recipe_name,
  description: row.description,
  spookiness_level: row.spookiness_level,
  difficulty: row.difficulty,
  prep_time_minutes: row.prep_time_minutes,
  serves: row.serves,
  tags: row.tags,
  image_url: row.image_url,
});

const COLLECTION = keyset('hollowtown.collection', TIME_KEY);

export function createCollectionService(deps: HollowtownDeps): HollowtownCollectionClient {
  const { db } = deps;
  return {
    async recipes({ limit, cursor }) {
      const size = Math.min(Math.max(Math.trunc(limit) || 1, 1), MAX_PAGE);
      // A cursor that is not ours is 400 INVALID_CURSOR, which the asking app passes on.
      const after = COLLECTION.decode(cursor);
      const rows = await listRecipes(db, {
        userId: NO_VIEWER,
        scope: 'published',
        tags: [],
        difficulties: [],
        after,
        limit: size + 1,
      });
      return COLLECTION.page(rows, size, toCollectionRecipe, (row) => ({
        at: row.cursor_at,
        id: row.recipe_id,
      }));
    },

    async starterRecipes(keys) {
      const wanted = [...new Set(keys)].slice(0, MAX_KEYS);
      const ids = await publishedStarterRecipeIds(db, wanted);
      const answers = [];
      for (const key of wanted) {
        const found = ids.get(key);
        if (!found) continue;
        // Marked shared: from now on the pack's edits of it go to the outbox, to the copies.
        const row = await markRecipeShared(db, found.ownerId, found.recipeId, deps.now());
        if (row?.is_published) answers.push({ key, payload: recipeEventPayload(row) });
      }
      return answers;
    },
  };
}

// Votes, reports and moderation (src/community) on HowToCookAtHome's published recipes.
import { createCommunity } from '../../community/service.ts';
import type { RecipesDeps } from '../deps.ts';
import { RecipesErrors } from '../errors.ts';
import { enqueueEvent } from '../store/outbox.ts';
import { findRecipeForCommunity } from '../store/recipes.ts';

export function createRecipesCommunity(deps: RecipesDeps) {
  return createCommunity({
    app: 'recipes',
    db: deps.db,
    now: () => deps.now(),
    enqueue: enqueueEvent,
    reportsToHide: deps.reportsToHide ?? 3,
    kinds: {
      recipe: {
        async find(db, id) {
          const row = await findRecipeForCommunity(db, id);
          return row && { authorId: row.user_id, title: row.recipe_name, isPublic: row.is_published };
        },
        notFound: () => RecipesErrors.recipeNotFound(),
      },
    },
  });
}

export type RecipesCommunity = ReturnType<typeof createRecipesCommunity>;

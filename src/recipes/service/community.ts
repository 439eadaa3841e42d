// Votes, reports and moderation (src/community) on HowToCookAtHome's published recipes, and
// reports and moderation of the comments on them.
import { createCommunity } from '../../community/service.ts';
import type { RecipesDeps } from '../deps.ts';
import { RecipesErrors } from '../errors.ts';
import { findCommentForCommunity } from '../store/comments.ts';
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
      // Comments on published recipes: public while their recipe is.
      comment: {
        async find(db, id) {
          const row = await findCommentForCommunity(db, id);
          return (
            row && {
              authorId: row.user_id,
              title: `Comment on “${row.recipe_name}”: ${row.body}`.slice(0, 200),
              isPublic: row.recipe_is_public,
            }
          );
        },
        notFound: () => RecipesErrors.commentNotFound(),
      },
    },
  });
}

export type RecipesCommunity = ReturnType<typeof createRecipesCommunity>;

// Ratings 1–5, one per user per recipe, on any recipe the user may read. rating_avg and
// rating_count are recomputed from the ratings in the same transaction, with the recipe row
// locked, so concurrent raters never lose an update and the figures are always exact.
import type { RecipesDeps } from '../deps.ts';
import { RecipesErrors } from '../errors.ts';
import { deleteRating, lockReadableRecipe, refreshRatingStats, upsertRating } from '../store/ratings.ts';
import { isUuid } from './ids.ts';

export interface RatingResult {
  recipe_id: string;
  my_rating: number | null;
  rating_avg: number;
  rating_count: number;
}

export function createRatingService(deps: RecipesDeps) {
  const { db } = deps;

  const change = async (userId: string, recipeId: string, rating: number | null): Promise<RatingResult> => {
    if (!isUuid(recipeId)) throw RecipesErrors.recipeNotFound();
    return db.transaction(async (tx) => {
      if (!(await lockReadableRecipe(tx, userId, recipeId))) throw RecipesErrors.recipeNotFound();
      if (rating === null) await deleteRating(tx, recipeId, userId);
      else await upsertRating(tx, recipeId, userId, rating);
      const [stats] = await refreshRatingStats(tx, [recipeId]);
      return {
        recipe_id: recipeId,
        my_rating: rating,
        rating_avg: stats?.rating_avg ?? 0,
        rating_count: stats?.rating_count ?? 0,
      };
    });
  };

  return {
    rate: (userId: string, recipeId: string, rating: number) => change(userId, recipeId, rating),
    /** Removing a rating that was never given is fine: the answer is the same. */
    unrate: (userId: string, recipeId: string) => change(userId, recipeId, null),
  };
}

export type RatingService = ReturnType<typeof createRatingService>;

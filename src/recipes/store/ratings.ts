// Ratings of recipes (recipe_ratings), one per user per recipe, and the recipe's denormalised
// rating_avg / rating_count, recomputed from the ratings while the recipe row is locked.
import type { Queryable } from '../../platform/db/database.ts';

export interface RatingStats {
  rating_avg: number;
  rating_count: number;
}

/**
 * Locks a recipe this user may read (theirs or published) and answers whether it exists. Every
 * rating change takes this lock first, so changes to one recipe's ratings run one at a time.
 */
export async function lockReadableRecipe(tx: Queryable, userId: string, recipeId: string): Promise<boolean> {
  const { rows } = await tx.query(
    'SELECT recipe_id FROM recipes WHERE recipe_id = $1 AND (user_id = $2 OR is_published) FOR UPDATE',
    [recipeId, userId],
  );
  return rows.length > 0;
}

export async function upsertRating(
  tx: Queryable,
  recipeId: string,
  userId: string,
  rating: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO recipe_ratings (recipe_id, user_id, rating) VALUES ($1, $2, $3)
     ON CONFLICT (recipe_id, user_id) DO UPDATE SET rating = EXCLUDED.rating`,
    [recipeId, userId, rating],
  );
}

export async function deleteRating(tx: Queryable, recipeId: string, userId: string): Promise<boolean> {
  const { rowCount } = await tx.query('DELETE FROM recipe_ratings WHERE recipe_id = $1 AND user_id = $2', [
    recipeId,
    userId,
  ]);
  return rowCount > 0;
}

/** Recomputes rating_avg and rating_count of these recipes from their ratings (call with them locked). */
export async function refreshRatingStats(
  tx: Queryable,
  recipeIds: readonly string[],
): Promise<RatingStats[]> {
  if (recipeIds.length === 0) return [];
  const { rows } = await tx.query<RatingStats>(
    `UPDATE recipes r SET
       rating_count = (SELECT count(*) FROM recipe_ratings rr WHERE rr.recipe_id = r.recipe_id),
       rating_avg = COALESCE(
         (SELECT round(avg(rr.rating), 2) FROM recipe_ratings rr WHERE rr.recipe_id = r.recipe_id), 0)
     WHERE r.recipe_id = ANY($1::uuid[])
     RETURNING rating_avg, rating_count`,
    [[...recipeIds]],
  );
  return rows;
}

// recipe_favourites: one mark per person per recipe.
import type { Queryable } from '../../platform/db/database.ts';

/** Marks the recipe; false when it was marked already. */
export async function insertFavourite(
  db: Queryable,
  userId: string,
  recipeId: string,
  at: Date,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO recipe_favourites (user_id, recipe_id, created_at) VALUES ($1, $2, $3)
     ON CONFLICT (user_id, recipe_id) DO NOTHING`,
    [userId, recipeId, at],
  );
  return rowCount > 0;
}

export async function deleteFavourite(db: Queryable, userId: string, recipeId: string): Promise<void> {
  await db.query('DELETE FROM recipe_favourites WHERE user_id = $1 AND recipe_id = $2', [userId, recipeId]);
}

export async function hasFavourite(db: Queryable, userId: string, recipeId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM recipe_favourites WHERE user_id = $1 AND recipe_id = $2', [
    userId,
    recipeId,
  ]);
  return rows.length > 0;
}

export async function countFavourites(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM recipe_favourites WHERE user_id = $1',
    [userId],
  );
  return rows[0]?.n ?? 0;
}

/** SQL true when `userParam`'s favourites hold the row of `recipes` in scope. */
export const favouriteSql = (userParam: string) =>
  `EXISTS (SELECT 1 FROM recipe_favourites f WHERE f.recipe_id = recipes.recipe_id AND f.user_id = ${userParam})`;

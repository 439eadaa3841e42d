// The names of one user's spooky recipes, for `calos seed hollowtown` (resume and duplicates).
import type { Queryable } from '../../platform/db/database.ts';

export interface RecipeName {
  recipe_name: string;
  source: 'manual' | 'ai';
}

/** Every recipe name of this user (private and published), oldest first. */
export async function recipeNamesOf(db: Queryable, userId: string): Promise<RecipeName[]> {
  const { rows } = await db.query<RecipeName>(
    `SELECT recipe_name, source FROM spooky_recipes WHERE user_id = $1
     ORDER BY created_at, recipe_id`,
    [userId],
  );
  return rows;
}

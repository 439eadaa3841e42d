// Removing one user's data from recipes_db when identity deletes the account.
import type { Queryable } from '../../platform/db/database.ts';

/** Owner of published recipes whose author deleted their account: no token ever names it. */
export const DELETED_USER_ID = '00000000-0000-0000-0000-000000000000';

export interface RemovedCounts {
  recipesDeleted: number;
  recipesAnonymised: number;
  ratingsDeleted: number;
  mealPlansDeleted: number;
  pantryItemsDeleted: number;
  shoppingListsDeleted: number;
  referencesDeleted: number;
}

/** Locks, in id order, every recipe this user rated (their averages change). */
export async function lockRecipesRatedBy(tx: Queryable, userId: string): Promise<string[]> {
  const { rows } = await tx.query<{ recipe_id: string }>(
    `SELECT recipe_id FROM recipes
     WHERE recipe_id IN (SELECT recipe_id FROM recipe_ratings WHERE user_id = $1)
     ORDER BY recipe_id FOR UPDATE`,
    [userId],
  );
  return rows.map((r) => r.recipe_id);
}

export async function deleteRatingsBy(tx: Queryable, userId: string): Promise<number> {
  const { rowCount } = await tx.query('DELETE FROM recipe_ratings WHERE user_id = $1', [userId]);
  return rowCount;
}

export async function deletePrivateRecipesOf(tx: Queryable, userId: string): Promise<number> {
  const { rowCount } = await tx.query('DELETE FROM recipes WHERE user_id = $1 AND NOT is_published', [
    userId,
  ]);
  return rowCount;
}

export async function anonymisePublishedRecipesOf(tx: Queryable, userId: string): Promise<number> {
  const { rowCount } = await tx.query('UPDATE recipes SET user_id = $2 WHERE user_id = $1 AND is_published', [
    userId,
    DELETED_USER_ID,
  ]);
  return rowCount;
}

export async function deleteOwnedRows(
  tx: Queryable,
  table: 'meal_plans' | 'pantry_items' | 'shopping_lists' | 'recipe_references',
  userId: string,
): Promise<number> {
  const { rowCount } = await tx.query(`DELETE FROM ${table} WHERE user_id = $1`, [userId]);
  return rowCount;
}

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
  cookbooksDeleted: number;
  commentsDeleted: number;
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
  table:
    | 'meal_plans'
    | 'pantry_items'
    | 'shopping_lists'
    | 'recipe_references'
    | 'recipe_favourites'
    | 'cookbooks'
    | 'recipe_comments'
    | 'data_imports'
    | 'market_purchases',
  userId: string,
): Promise<number> {
  // A purchase is its buyer's.
  const column = table === 'market_purchases' ? 'buyer_id' : 'user_id';
  const { rowCount } = await tx.query(`DELETE FROM ${table} WHERE ${column} = $1`, [userId]);
  return rowCount;
}

/**
 * The user ids recipes_db holds rows of (the rows removeUserData deletes or anonymises),
 * ascending, after `after`; the nil UUID of anonymised recipes names nobody and is left out.
 */
export async function referencedUserIds(
  db: Queryable,
  after: string | null,
  limit: number,
): Promise<string[]> {
  const tables = [
    'recipes',
    'recipe_ratings',
    'meal_plans',
    'pantry_items',
    'shopping_lists',
    'recipe_references',
    'recipe_favourites',
    'cookbooks',
    'recipe_comments',
    // Clicks of deleted accounts are kept under DELETED_USER_ID (the nil UUID), excluded below.
    'affiliate_clicks',
  ];
  const { rows } = await db.query<{ user_id: string }>(
    `SELECT user_id FROM (
       ${tables.map((table) => `SELECT user_id FROM ${table} WHERE $1::uuid IS NULL OR user_id > $1::uuid`).join(' UNION ')}
       UNION SELECT voter_id FROM votes WHERE $1::uuid IS NULL OR voter_id > $1::uuid
       UNION SELECT reporter_id FROM reports WHERE $1::uuid IS NULL OR reporter_id > $1::uuid
       UNION SELECT buyer_id FROM market_purchases WHERE $1::uuid IS NULL OR buyer_id > $1::uuid
     ) AS referenced WHERE user_id <> $3::uuid ORDER BY user_id LIMIT $2`,
    [after, limit, DELETED_USER_ID],
  );
  return rows.map((r) => r.user_id);
}

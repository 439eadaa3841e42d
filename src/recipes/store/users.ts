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
  cookbooksKeptForBuyers: number;
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

/**
 * A seller's recipe books that people bought (a purchase not refunded) stay readable by their
 * buyers when the seller's account goes: the books and their recipes pass to DELETED_USER_ID,
 * as published recipes do, private and off sale; the seller's sales name nobody. What the
 * seller had of their own elsewhere is removed as usual. A pending purchase keeps its seller
 * until its transfer settles. Returns how many books were kept.
 */
export async function keepSoldCookbooksOf(tx: Queryable, userId: string): Promise<number> {
  const { rows } = await tx.query<{ cookbook_id: string }>(
    `SELECT DISTINCT l.cookbook_id FROM market_listings l
       JOIN market_purchases p ON p.listing_id = l.listing_id
      WHERE l.seller_id = $1 AND p.status <> 'refunded'
      ORDER BY l.cookbook_id`,
    [userId],
  );
  const sold = rows.map((r) => r.cookbook_id);
  if (sold.length > 0) {
    await tx.query(
      `UPDATE recipes SET user_id = $2 WHERE user_id = $1
          AND recipe_id IN (SELECT recipe_id FROM cookbook_recipes WHERE cookbook_id = ANY($3::uuid[]))`,
      [userId, DELETED_USER_ID, sold],
    );
    await tx.query(
      `UPDATE cookbooks SET user_id = $2, visibility = 'private', family_id = NULL
        WHERE user_id = $1 AND cookbook_id = ANY($3::uuid[])`,
      [userId, DELETED_USER_ID, sold],
    );
    await tx.query(
      'UPDATE market_listings SET seller_id = $2, is_listed = false WHERE seller_id = $1 AND cookbook_id = ANY($3::uuid[])',
      [userId, DELETED_USER_ID, sold],
    );
  }
  await tx.query("UPDATE market_purchases SET seller_id = $2 WHERE seller_id = $1 AND status <> 'pending'", [
    userId,
    DELETED_USER_ID,
  ]);
  return sold.length;
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

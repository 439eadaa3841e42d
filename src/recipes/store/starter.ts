// starter_items in recipes_db: which recipe each starter pack key became (see migration 050).
import type { Queryable } from '../../platform/db/database.ts';
import type { Tables } from './tables.ts';

export type StarterItemRow = Pick<Tables['starter_items'], 'starter_key' | 'item_id' | 'content_hash'> & {
  /** Whether the recipe still exists (an operator may have deleted it). */
  exists: boolean;
};

export async function starterRecipes(db: Queryable): Promise<StarterItemRow[]> {
  const { rows } = await db.query<StarterItemRow>(
    `SELECT s.starter_key, s.item_id, s.content_hash,
       EXISTS (SELECT 1 FROM recipes r WHERE r.recipe_id = s.item_id) AS exists
     FROM starter_items s WHERE s.kind = 'recipe'`,
  );
  return rows;
}

export async function recordStarterRecipe(
  db: Queryable,
  key: string,
  recipeId: string,
  contentHash: string,
  at: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO starter_items (kind, starter_key, item_id, content_hash, loaded_at, updated_at)
     VALUES ('recipe', $1, $2, $3, $4, $4)
     ON CONFLICT (kind, starter_key)
     DO UPDATE SET item_id = EXCLUDED.item_id, content_hash = EXCLUDED.content_hash, updated_at = EXCLUDED.updated_at`,
    [key, recipeId, contentHash, at],
  );
}

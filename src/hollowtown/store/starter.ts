// starter_items in hollowtown_db: which item each starter pack key became (see migration 030).
import type { Queryable } from '../../platform/db/database.ts';
import type { Tables } from './tables.ts';

export type StarterKind = 'recipe' | 'costume' | 'room';

export type StarterItemRow = Pick<Tables['starter_items'], 'starter_key' | 'item_id' | 'content_hash'> & {
  /** Whether the item still exists (an operator may have deleted it). */
  exists: boolean;
};

const TABLE_OF: Record<StarterKind, { table: string; id: string }> = {
  recipe: { table: 'spooky_recipes', id: 'recipe_id' },
  costume: { table: 'costume_ideas', id: 'costume_id' },
  room: { table: 'haunted_house_plans', id: 'plan_id' },
};

/** Every loaded key of a kind, and whether its item is still there. */
export async function starterItems(db: Queryable, kind: StarterKind): Promise<StarterItemRow[]> {
  const { table, id } = TABLE_OF[kind];
  const { rows } = await db.query<StarterItemRow>(
    `SELECT s.starter_key, s.item_id, s.content_hash,
       EXISTS (SELECT 1 FROM ${table} t WHERE t.${id} = s.item_id) AS exists
     FROM starter_items s WHERE s.kind = $1`,
    [kind],
  );
  return rows;
}

export async function recordStarterItem(
  db: Queryable,
  kind: StarterKind,
  key: string,
  itemId: string,
  contentHash: string,
  at: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO starter_items (kind, starter_key, item_id, content_hash, loaded_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (kind, starter_key)
     DO UPDATE SET item_id = EXCLUDED.item_id, content_hash = EXCLUDED.content_hash, updated_at = EXCLUDED.updated_at`,
    [kind, key, itemId, contentHash, at],
  );
}

/** The published recipes loaded under these keys, by key (deleted or unpublished ones left out). */
export async function publishedStarterRecipeIds(
  db: Queryable,
  keys: readonly string[],
): Promise<Map<string, { recipeId: string; ownerId: string }>> {
  if (keys.length === 0) return new Map();
  const { rows } = await db.query<{ starter_key: string; item_id: string; user_id: string }>(
    `SELECT s.starter_key, s.item_id, r.user_id FROM starter_items s
     JOIN spooky_recipes r ON r.recipe_id = s.item_id AND r.is_published
     WHERE s.kind = 'recipe' AND s.starter_key = ANY($1::text[])`,
    [[...keys]],
  );
  return new Map(rows.map((r) => [r.starter_key, { recipeId: r.item_id, ownerId: r.user_id }]));
}

/** Publishes (or withdraws) the owner's room. */
export async function setRoomPublished(
  db: Queryable,
  userId: string,
  planId: string,
  published: boolean,
): Promise<void> {
  await db.query('UPDATE haunted_house_plans SET is_published = $3 WHERE plan_id = $1 AND user_id = $2', [
    planId,
    userId,
    published,
  ]);
}

// Shared copies in recipes_db: a recipes row of the sharer with source 'shared', linked to its
// original in another domain by a recipe_references row that keeps the last snapshot received,
// its version, and whether the original was deleted.
import type { Queryable } from '../../platform/db/database.ts';
import { type Columns, Params, setClause } from '../../platform/db/sql.ts';
import type { RecipeFields } from './recipes.ts';
import type { Tables } from './tables.ts';

export type ReferenceRow = Pick<
  Tables['recipe_references'],
  | 'reference_id'
  | 'user_id'
  | 'source_domain'
  | 'source_recipe_id'
  | 'recipe_id'
  | 'snapshot_version'
  | 'synced_at'
  | 'source_deleted_at'
>;

const REFERENCE_COLUMNS =
  'reference_id, user_id, source_domain, source_recipe_id, recipe_id, snapshot_version, synced_at, source_deleted_at';

/** What the sync rewrites in a copy: everything the original describes (ratings and publishing stay). */
const SYNCED: Columns = {
  recipe_name: 'plain',
  description: 'plain',
  cuisine: 'plain',
  difficulty: 'plain',
  prep_time_minutes: 'plain',
  cook_time_minutes: 'plain',
  serves: 'plain',
  calories: 'plain',
  ingredients: 'jsonb',
  instructions: 'plain',
  nutrition: 'jsonb',
  allergens: 'plain',
  tags: 'plain',
  image_url: 'plain',
};

export type SyncedFields = Omit<RecipeFields, 'is_published'>;

export async function findReference(
  db: Queryable,
  userId: string,
  domain: string,
  sourceRecipeId: string,
): Promise<ReferenceRow | undefined> {
  const { rows } = await db.query<ReferenceRow>(
    `SELECT ${REFERENCE_COLUMNS} FROM recipe_references
     WHERE user_id = $1 AND source_domain = $2 AND source_recipe_id = $3`,
    [userId, domain, sourceRecipeId],
  );
  return rows[0];
}

/**
 * Links a new copy to its original. Undefined when this user's reference to it exists already
 * (a concurrent share won: the caller rolls back and reads that one).
 */
export async function insertReference(
  tx: Queryable,
  reference: {
    userId: string;
    domain: string;
    sourceRecipeId: string;
    recipeId: string;
    snapshot: object;
    version: number;
  },
  at: Date,
): Promise<string | undefined> {
  const { rows } = await tx.query<{ reference_id: string }>(
    `INSERT INTO recipe_references (user_id, source_domain, source_recipe_id, recipe_id, snapshot, snapshot_version, synced_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
     ON CONFLICT (user_id, source_domain, source_recipe_id) DO NOTHING
     RETURNING reference_id`,
    [
      reference.userId,
      reference.domain,
      reference.sourceRecipeId,
      reference.recipeId,
      JSON.stringify(reference.snapshot),
      reference.version,
      at,
    ],
  );
  return rows[0]?.reference_id;
}

/** Gives a reference made before copies existed (recipe_id NULL) its copy. */
export async function attachCopy(
  tx: Queryable,
  referenceId: string,
  recipeId: string,
  snapshot: object,
  version: number,
  at: Date,
): Promise<void> {
  await tx.query(
    `UPDATE recipe_references SET recipe_id = $2, snapshot = $3::jsonb, snapshot_version = $4, synced_at = $5
     WHERE reference_id = $1`,
    [referenceId, recipeId, JSON.stringify(snapshot), version, at],
  );
}

/**
 * Stores a newer snapshot in the live references to an original (all of them, or one user's),
 * and answers the copies to rewrite. An older or equal version changes nothing: events may come
 * twice or out of order.
 */
export async function takeSnapshot(
  tx: Queryable,
  source: { domain: string; sourceRecipeId: string; userId?: string },
  snapshot: object,
  version: number,
  at: Date,
): Promise<string[]> {
  const { rows } = await tx.query<{ recipe_id: string }>(
    `UPDATE recipe_references SET snapshot = $3::jsonb, snapshot_version = $4, synced_at = $6
     WHERE source_domain = $1 AND source_recipe_id = $2 AND ($5::uuid IS NULL OR user_id = $5::uuid)
       AND snapshot_version < $4 AND source_deleted_at IS NULL AND recipe_id IS NOT NULL
     RETURNING recipe_id`,
    [source.domain, source.sourceRecipeId, JSON.stringify(snapshot), version, source.userId ?? null, at],
  );
  return rows.map((r) => r.recipe_id);
}

/** Rewrites shared copies from their original's fields. */
export async function rewriteCopies(tx: Queryable, recipeIds: readonly string[], fields: SyncedFields) {
  if (recipeIds.length === 0) return;
  const params = new Params([[...recipeIds]]);
  const set = setClause({ ...fields }, SYNCED, params);
  if (!set) return;
  await tx.query(
    `UPDATE recipes SET ${set}
     WHERE recipe_id = ANY($1::uuid[]) AND source = 'shared'`,
    params.values,
  );
}

/** The original is gone: the references say so and keep their snapshot. Answers how many changed. */
export async function markSourcesDeleted(
  db: Queryable,
  domain: string,
  sourceRecipeIds: readonly string[],
  at: Date,
): Promise<number> {
  if (sourceRecipeIds.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE recipe_references SET source_deleted_at = $3
     WHERE source_domain = $1 AND source_recipe_id = ANY($2::uuid[]) AND source_deleted_at IS NULL`,
    [domain, [...sourceRecipeIds], at],
  );
  return rowCount;
}

/** Locks the owner's recipe and its reference, for detaching. */
export async function lockOwnCopy(
  tx: Queryable,
  userId: string,
  recipeId: string,
): Promise<{ source: string } | undefined> {
  const { rows } = await tx.query<{ source: string }>(
    'SELECT source FROM recipes WHERE recipe_id = $1 AND user_id = $2 FOR UPDATE',
    [recipeId, userId],
  );
  return rows[0];
}

/** Ends the link: the copy becomes an ordinary recipe of its owner. */
export async function detachCopy(tx: Queryable, recipeId: string): Promise<void> {
  await tx.query('DELETE FROM recipe_references WHERE recipe_id = $1', [recipeId]);
  await tx.query("UPDATE recipes SET source = 'manual' WHERE recipe_id = $1 AND source = 'shared'", [
    recipeId,
  ]);
}

/** References whose original is not known to be deleted, ascending by reference_id. */
export async function liveReferences(
  db: Queryable,
  domain: string,
  after: string | null,
  limit: number,
): Promise<{ reference_id: string; source_recipe_id: string }[]> {
  const { rows } = await db.query<{ reference_id: string; source_recipe_id: string }>(
    `SELECT reference_id, source_recipe_id FROM recipe_references
     WHERE source_domain = $1 AND source_deleted_at IS NULL AND ($2::uuid IS NULL OR reference_id > $2::uuid)
     ORDER BY reference_id LIMIT $3`,
    [domain, after, limit],
  );
  return rows;
}

export async function existingRecipeIds(db: Queryable, recipeIds: readonly string[]): Promise<Set<string>> {
  if (recipeIds.length === 0) return new Set();
  const { rows } = await db.query<{ recipe_id: string }>(
    'SELECT recipe_id FROM recipes WHERE recipe_id = ANY($1::uuid[])',
    [[...recipeIds]],
  );
  return new Set(rows.map((r) => r.recipe_id));
}

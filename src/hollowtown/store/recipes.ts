// spooky_recipes in hollowtown_db.
import { tallySql, withheldSql } from '../../community/store.ts';
import type { Queryable } from '../../platform/db/database.ts';
import {
  type ColumnKind,
  containsPattern,
  cursorTime,
  type KeysetPosition,
  keysetSql,
  Params,
  type RankPosition,
  rankOf,
  searchWords,
  setClause,
} from '../../platform/db/sql.ts';
import type { Difficulty, Ingredient, SpookyRecipe } from '../client.ts';

export type RecipeRow = SpookyRecipe & {
  cursor_at: string;
  /** Counts edits: shared copies elsewhere apply an update only over an older version. */
  version: number;
  /** Set once the owner shared it to another app: its edits then go to the outbox. */
  shared_at: Date | null;
};

const COLUMNS = `recipe_id, user_id, recipe_name, description, spookiness_level, difficulty, ingredients,
  instructions, prep_time_minutes, serves, tags, image_url, is_published, source, ai_model, created_at,
  updated_at, version, shared_at, ${cursorTime('created_at')} AS cursor_at`;

export interface RecipeFields {
  recipe_name: string;
  description: string | null;
  spookiness_level: number;
  difficulty: Difficulty;
  ingredients: Ingredient[];
  instructions: string[];
  prep_time_minutes: number | null;
  serves: number | null;
  tags: string[];
  image_url: string | null;
  is_published: boolean;
}

const EDITABLE: Readonly<Record<keyof RecipeFields, ColumnKind>> = {
  recipe_name: 'plain',
  description: 'plain',
  spookiness_level: 'plain',
  difficulty: 'plain',
  ingredients: 'jsonb',
  instructions: 'text[]',
  prep_time_minutes: 'plain',
  serves: 'plain',
  tags: 'text[]',
  image_url: 'plain',
  is_published: 'plain',
};

export async function insertRecipe(
  db: Queryable,
  userId: string,
  fields: RecipeFields,
  origin: { source: 'manual' | 'ai'; aiModel: string | null } = { source: 'manual', aiModel: null },
): Promise<RecipeRow> {
  const { rows } = await db.query<RecipeRow>(
    `INSERT INTO spooky_recipes (user_id, recipe_name, description, spookiness_level, difficulty, ingredients,
       instructions, prep_time_minutes, serves, tags, image_url, is_published, source, ai_model)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::text[], $8, $9, $10::text[], $11, $12, $13, $14)
     RETURNING ${COLUMNS}`,
    [
      userId,
      fields.recipe_name,
      fields.description,
      fields.spookiness_level,
      fields.difficulty,
      JSON.stringify(fields.ingredients),
      fields.instructions,
      fields.prep_time_minutes,
      fields.serves,
      fields.tags,
      fields.image_url,
      fields.is_published,
      origin.source,
      origin.aiModel,
    ],
  );
  return rows[0] as RecipeRow;
}

/** The recipe if this user may read it: their own, or a published one. */
export async function findVisibleRecipe(
  db: Queryable,
  userId: string,
  recipeId: string,
): Promise<RecipeRow | undefined> {
  const { rows } = await db.query<RecipeRow>(
    `SELECT ${COLUMNS} FROM spooky_recipes
     WHERE recipe_id = $1 AND (user_id = $2 OR (is_published AND NOT ${withheldSql('recipe', 'recipe_id')}))`,
    [recipeId, userId],
  );
  return rows[0];
}

/** Changes the owner's recipe; undefined when it is not theirs (or does not exist). */
export async function updateRecipe(
  db: Queryable,
  userId: string,
  recipeId: string,
  patch: Partial<RecipeFields>,
): Promise<RecipeRow | undefined> {
  const params = new Params();
  const set = setClause(patch, EDITABLE, params);
  if (!set) return findOwnRecipe(db, userId, recipeId);
  const { rows } = await db.query<RecipeRow>(
    `UPDATE spooky_recipes SET ${set}, version = version + 1
     WHERE recipe_id = ${params.add(recipeId)} AND user_id = ${params.add(userId)}
     RETURNING ${COLUMNS}`,
    params.values,
  );
  return rows[0];
}

/** Deletes the owner's recipe; what it was (for the outbox), or undefined when it was not theirs. */
export async function deleteRecipe(
  db: Queryable,
  userId: string,
  recipeId: string,
): Promise<{ recipe_id: string; user_id: string; version: number; shared_at: Date | null } | undefined> {
  const { rows } = await db.query<{
    recipe_id: string;
    user_id: string;
    version: number;
    shared_at: Date | null;
  }>(
    `DELETE FROM spooky_recipes WHERE recipe_id = $1 AND user_id = $2
     RETURNING recipe_id, user_id, version, shared_at`,
    [recipeId, userId],
  );
  return rows[0];
}

/** Marks the owner's recipe shared (once) and answers it; undefined when it is not theirs. */
export async function markRecipeShared(
  db: Queryable,
  userId: string,
  recipeId: string,
  at: Date,
): Promise<RecipeRow | undefined> {
  const { rows } = await db.query<RecipeRow>(
    `UPDATE spooky_recipes SET shared_at = COALESCE(shared_at, $3)
     WHERE recipe_id = $1 AND user_id = $2
     RETURNING ${COLUMNS}`,
    [recipeId, userId, at],
  );
  return rows[0];
}

export async function findOwnRecipe(
  db: Queryable,
  userId: string,
  recipeId: string,
): Promise<RecipeRow | undefined> {
  const { rows } = await db.query<RecipeRow>(
    `SELECT ${COLUMNS} FROM spooky_recipes WHERE recipe_id = $1 AND user_id = $2`,
    [recipeId, userId],
  );
  return rows[0];
}

/** Of these ids, the recipes that exist (whoever owns them). */
export async function existingRecipeIds(db: Queryable, recipeIds: readonly string[]): Promise<Set<string>> {
  if (recipeIds.length === 0) return new Set();
  const { rows } = await db.query<{ recipe_id: string }>(
    'SELECT recipe_id FROM spooky_recipes WHERE recipe_id = ANY($1::uuid[])',
    [[...recipeIds]],
  );
  return new Set(rows.map((r) => r.recipe_id));
}

export interface RecipeFilter {
  userId: string;
  /** mine: the user's own; published: everyone's published; all: both. */
  scope: 'mine' | 'published' | 'all';
  tags: string[];
  difficulties: Difficulty[];
  spookinessMin?: number;
  spookinessMax?: number;
  maxPrepMinutes?: number;
  q?: string;
  /** new (default): newest first, after a KeysetPosition; top: most upvoted first, after a RankPosition. */
  sort?: 'new' | 'top';
  after?: KeysetPosition | RankPosition;
  /** Only recipes created since then. */
  createdSince?: Date;
  limit: number;
}

const BY_NEW = keysetSql('desc', [
  ['created_at', 'timestamptz'],
  ['recipe_id', 'uuid'],
]);

/**
 * Newest first, keyset-paged on (created_at, recipe_id); by top, on (votes, created_at,
 * recipe_id). Others' recipes held back by moderation are left out.
 */
export async function listRecipes(
  db: Queryable,
  filter: RecipeFilter,
): Promise<(RecipeRow & { tally: number })[]> {
  const params = new Params();
  const where: string[] = [];
  const published = `(is_published AND NOT ${withheldSql('recipe', 'recipe_id')})`;
  if (filter.scope === 'mine') where.push(`user_id = ${params.add(filter.userId)}`);
  else if (filter.scope === 'published') where.push(published);
  else where.push(`(user_id = ${params.add(filter.userId)} OR ${published})`);
  if (filter.createdSince) where.push(`created_at >= ${params.add(filter.createdSince)}::timestamptz`);
  if (filter.tags.length > 0) where.push(`tags @> ${params.add(filter.tags)}::text[]`);
  if (filter.difficulties.length > 0)
    where.push(`difficulty = ANY(${params.add(filter.difficulties)}::text[])`);
  if (filter.spookinessMin !== undefined)
    where.push(`spookiness_level >= ${params.add(filter.spookinessMin)}`);
  if (filter.spookinessMax !== undefined)
    where.push(`spookiness_level <= ${params.add(filter.spookinessMax)}`);
  if (filter.maxPrepMinutes !== undefined)
    where.push(`prep_time_minutes <= ${params.add(filter.maxPrepMinutes)}`);
  for (const word of searchWords(filter.q)) {
    const pattern = params.add(containsPattern(word));
    where.push(
      `(recipe_name ILIKE ${pattern} OR description ILIKE ${pattern}
        OR EXISTS (SELECT 1 FROM jsonb_array_elements(ingredients) AS i WHERE i->>'name' ILIKE ${pattern}))`,
    );
  }
  const tally = tallySql('recipe', 'recipe_id');
  const byTop = filter.sort === 'top';
  const keys = byTop
    ? keysetSql('desc', [
        [tally, 'integer', 'tally'],
        ['created_at', 'timestamptz'],
        ['recipe_id', 'uuid'],
      ])
    : BY_NEW;
  if (filter.after) {
    const { after } = filter;
    where.push(keys.after(byTop ? [rankOf(after), after.at, after.id] : [after.at, after.id], params));
  }
  const { rows } = await db.query<RecipeRow & { tally: number }>(
    `SELECT ${COLUMNS}, ${tally} AS tally FROM spooky_recipes WHERE ${where.join(' AND ')}
     ORDER BY ${keys.orderBy} LIMIT ${params.add(filter.limit)}`,
    params.values,
  );
  return rows;
}

/** A published recipe, for the public page (no viewer: only published ones exist there). */
export async function findPublishedRecipe(
  db: Queryable,
  recipeId: string,
): Promise<(RecipeRow & { tally: number }) | undefined> {
  const { rows } = await db.query<RecipeRow & { tally: number }>(
    `SELECT ${COLUMNS}, ${tallySql('recipe', 'recipe_id')} AS tally FROM spooky_recipes WHERE recipe_id = $1 AND is_published AND NOT ${withheldSql('recipe', 'recipe_id')}`,
    [recipeId],
  );
  return rows[0];
}

/** Who wrote the recipe, its name and whether it is published (votes and reports). */
export async function findRecipeForCommunity(
  db: Queryable,
  recipeId: string,
): Promise<{ user_id: string; recipe_name: string; is_published: boolean } | undefined> {
  const { rows } = await db.query<{ user_id: string; recipe_name: string; is_published: boolean }>(
    'SELECT user_id, recipe_name, is_published FROM spooky_recipes WHERE recipe_id = $1',
    [recipeId],
  );
  return rows[0];
}

/** An author's published recipes, newest first. */
export async function listPublishedRecipesBy(
  db: Queryable,
  userId: string,
  limit: number,
): Promise<(RecipeRow & { tally: number })[]> {
  const { rows } = await db.query<RecipeRow & { tally: number }>(
    `SELECT ${COLUMNS}, ${tallySql('recipe', 'recipe_id')} AS tally FROM spooky_recipes WHERE user_id = $1 AND is_published AND NOT ${withheldSql('recipe', 'recipe_id')}
     ORDER BY created_at DESC, recipe_id DESC LIMIT $2`,
    [userId, limit],
  );
  return rows;
}

/** Published recipes' ids and last changes, most recently changed first (the sitemap). */
export async function publishedRecipeVersions(
  db: Queryable,
  limit: number,
): Promise<{ id: string; updatedAt: Date }[]> {
  const { rows } = await db.query<{ id: string; updated_at: Date }>(
    `SELECT recipe_id AS id, updated_at FROM spooky_recipes WHERE is_published AND NOT ${withheldSql('recipe', 'recipe_id')}
     ORDER BY updated_at DESC, recipe_id DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ id: r.id, updatedAt: r.updated_at }));
}

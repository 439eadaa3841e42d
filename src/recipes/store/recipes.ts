// Recipes in recipes_db. A recipe is readable by its owner, and by every signed-in user once
// it is published; only its owner changes or deletes it.
import { tallySql, withheldSql } from '../../community/store.ts';
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import {
  type Columns,
  CURSOR_AT,
  escapeLike,
  insertClause,
  type KeysetPosition,
  keysetSql,
  Params,
  type RankPosition,
  setClause,
} from '../../platform/db/sql.ts';
import { favouriteSql } from './favourites.ts';
import type { Tables } from './tables.ts';

export type Difficulty = 'easy' | 'medium' | 'hard';
/** shared: a copy of another app's recipe, kept in step with it (see shared-recipes.ts). */
export type RecipeSource = 'manual' | 'ai' | 'shared' | 'imported';

/** The link of a shared copy to its original, as the recipe queries return it. */
export interface SharedSourceRow {
  domain: 'hollowtown';
  recipe_id: string;
  reference_id: string;
  deleted: boolean;
  /** JSON text of a timestamp. */
  synced_at: string | null;
}

export interface IngredientRow {
  name: string;
  quantity: number | null;
  /** Only on a range. */
  quantity_max?: number;
  unit: string | null;
  note: string | null;
}

export type RecipeRow = Refine<
  Pick<
    Tables['recipes'],
    | 'recipe_id'
    | 'user_id'
    | 'recipe_name'
    | 'description'
    | 'cuisine'
    | 'difficulty'
    | 'prep_time_minutes'
    | 'cook_time_minutes'
    | 'serves'
    | 'calories'
    | 'ingredients'
    | 'instructions'
    | 'nutrition'
    | 'allergens'
    | 'tags'
    | 'image_url'
    | 'rating_avg'
    | 'rating_count'
    | 'is_published'
    | 'source'
    | 'source_url'
    | 'created_at'
    | 'updated_at'
  >,
  {
    difficulty: Difficulty;
    ingredients: IngredientRow[];
    nutrition: Record<string, number>;
    source: RecipeSource;
    /** The page an imported recipe came from. */
    source_url: string | null;
  }
> & {
  /** Only for source 'shared'. */
  shared_source: SharedSourceRow | null;
};

/** The columns a recipe's owner writes. */
export interface RecipeFields {
  recipe_name: string;
  description: string | null;
  cuisine: string | null;
  difficulty: Difficulty;
  prep_time_minutes: number | null;
  cook_time_minutes: number | null;
  serves: number | null;
  calories: number | null;
  ingredients: IngredientRow[];
  instructions: string[];
  nutrition: Record<string, number>;
  allergens: string[];
  tags: string[];
  image_url: string | null;
  is_published: boolean;
}

const COLUMNS = `recipe_id, user_id, recipe_name, description, cuisine, difficulty, prep_time_minutes,
  cook_time_minutes, serves, calories, ingredients, instructions, nutrition, allergens, tags, image_url,
  rating_avg, rating_count, is_published, source, source_url, created_at, updated_at,
  CASE WHEN source = 'shared' THEN (
    SELECT json_build_object('domain', rr.source_domain, 'recipe_id', rr.source_recipe_id,
      'reference_id', rr.reference_id, 'deleted', rr.source_deleted_at IS NOT NULL, 'synced_at', rr.synced_at)
    FROM recipe_references rr WHERE rr.recipe_id = recipes.recipe_id
  ) END AS shared_source`;

/** The columns a RecipeRow is read from, for other stores that join recipes (FROM recipes). */
export const RECIPE_COLUMNS = COLUMNS;

const WRITABLE: Columns = {
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
  is_published: 'plain',
};

export async function insertRecipe(
  db: Queryable,
  userId: string,
  fields: RecipeFields,
  source: RecipeSource = 'manual',
  sourceUrl: string | null = null,
): Promise<RecipeRow> {
  const params = new Params([userId, source, sourceUrl]);
  const insert = insertClause({ ...fields }, WRITABLE, params);
  const { rows } = await db.query<RecipeRow>(
    `INSERT INTO recipes (user_id, source, source_url, ${insert.columns.join(', ')})
     VALUES ($1, $2, $3, ${insert.placeholders.join(', ')})
     RETURNING ${COLUMNS}`,
    params.values,
  );
  return rows[0] as RecipeRow;
}

/** A recipe this user may read (theirs, or published), with their own rating of it. */
export async function findReadableRecipe(
  db: Queryable,
  userId: string,
  recipeId: string,
): Promise<(RecipeRow & { my_rating: number | null; is_favourite: boolean }) | undefined> {
  const { rows } = await db.query<RecipeRow & { my_rating: number | null; is_favourite: boolean }>(
    `SELECT ${COLUMNS},
       (SELECT rating FROM recipe_ratings rr WHERE rr.recipe_id = recipes.recipe_id AND rr.user_id = $1) AS my_rating,
       ${favouriteSql('$1')} AS is_favourite
     FROM recipes WHERE recipe_id = $2 AND (user_id = $1 OR (is_published AND NOT ${withheldSql('recipe', 'recipe_id')}))`,
    [userId, recipeId],
  );
  return rows[0];
}

/** Locks a recipe this user owns, for a read-modify-write. */
export async function lockOwnRecipe(
  db: Queryable,
  userId: string,
  recipeId: string,
): Promise<RecipeRow | undefined> {
  const { rows } = await db.query<RecipeRow>(
    `SELECT ${COLUMNS} FROM recipes WHERE recipe_id = $1 AND user_id = $2 FOR UPDATE`,
    [recipeId, userId],
  );
  return rows[0];
}

export async function updateRecipe(
  db: Queryable,
  userId: string,
  recipeId: string,
  changes: Partial<RecipeFields>,
): Promise<RecipeRow | undefined> {
  const params = new Params([recipeId, userId]);
  const set = setClause({ ...changes }, WRITABLE, params);
  if (!set) {
    const { rows } = await db.query<RecipeRow>(
      `SELECT ${COLUMNS} FROM recipes WHERE recipe_id = $1 AND user_id = $2`,
      [recipeId, userId],
    );
    return rows[0];
  }
  // A shared copy follows its original: it changes through the sync (shared-recipes.ts) or once detached.
  const { rows } = await db.query<RecipeRow>(
    `UPDATE recipes SET ${set}
     WHERE recipe_id = $1 AND user_id = $2 AND source <> 'shared'
     RETURNING ${COLUMNS}`,
    params.values,
  );
  return rows[0];
}

export async function deleteRecipe(db: Queryable, userId: string, recipeId: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM recipes WHERE recipe_id = $1 AND user_id = $2', [
    recipeId,
    userId,
  ]);
  return rowCount > 0;
}

export type RecipeScope = 'all' | 'mine' | 'published';
/** newest (new is the same), top_rated (stars), top (upvotes). */
export type RecipeSort = 'newest' | 'top_rated' | 'top';

export interface RecipeFilters {
  scope: RecipeScope;
  sort: RecipeSort;
  cuisine?: string;
  difficulty?: Difficulty;
  maxTotalMinutes?: number;
  maxCalories?: number;
  excludeAllergens: string[];
  tags: string[];
  /** Words that must each appear in the name, description, cuisine, an ingredient or a tag. */
  words: string[];
  /** Only recipes created since then. */
  createdSince?: Date;
  /** Only the user's favourites. */
  favourites?: boolean;
}

/** Where a page of the top rated recipes ended: the average rating, the number of ratings, the id. */
export interface RatingPosition {
  avg: number;
  n: number;
  id: string;
}

/** Where a page of recipes ended, in the list's sort order (filters.sort). */
export type RecipePosition = KeysetPosition | RankPosition | RatingPosition;

const BY_NEWEST = keysetSql('desc', [
  ['created_at', 'timestamptz'],
  ['recipe_id', 'uuid'],
]);
const BY_RATING = keysetSql('desc', [
  ['rating_avg', 'numeric'],
  ['rating_count', 'integer'],
  ['recipe_id', 'uuid'],
]);

/** The values of a position in the order of its sort's columns. */
function positionValues(sort: RecipeFilters['sort'], position: RecipePosition): unknown[] {
  if (sort === 'top_rated' && 'avg' in position) return [position.avg, position.n, position.id];
  if (sort === 'top' && 'rank' in position) return [position.rank, position.at, position.id];
  if (sort !== 'top' && sort !== 'top_rated' && 'at' in position) return [position.at, position.id];
  throw new Error(`a position of another sort order than ${sort}`);
}

export type RecipeListRow = RecipeRow & { cursor_at: string; tally: number };

export async function listRecipes(
  db: Queryable,
  userId: string,
  filters: RecipeFilters,
  limit: number,
  after?: RecipePosition,
): Promise<RecipeListRow[]> {
  const params = new Params();
  const param = (value: unknown) => params.add(value);
  // The scope goes last, per branch: everything else is shared by both branches of 'all'.
  const where: string[] = [];
  if (filters.cuisine !== undefined) where.push(`lower(cuisine) = ${param(filters.cuisine.toLowerCase())}`);
  if (filters.difficulty !== undefined) where.push(`difficulty = ${param(filters.difficulty)}`);
  if (filters.maxTotalMinutes !== undefined) {
    // A recipe that gives neither time does not match a time limit.
    where.push(
      `(prep_time_minutes IS NOT NULL OR cook_time_minutes IS NOT NULL)
       AND COALESCE(prep_time_minutes, 0) + COALESCE(cook_time_minutes, 0) <= ${param(filters.maxTotalMinutes)}`,
    );
  }
  if (filters.maxCalories !== undefined) {
    where.push(`calories IS NOT NULL AND calories <= ${param(filters.maxCalories)}`);
  }
  if (filters.excludeAllergens.length > 0) {
    where.push(`NOT (allergens && ${param(filters.excludeAllergens)}::text[])`);
  }
  if (filters.tags.length > 0) where.push(`tags @> ${param(filters.tags)}::text[]`);
  for (const word of filters.words) {
    const pattern = param(`%${escapeLike(word)}%`);
    const exact = param(word.toLowerCase());
    where.push(`(recipe_name ILIKE ${pattern} OR description ILIKE ${pattern} OR cuisine ILIKE ${pattern}
      OR ${exact} = ANY(tags)
      OR EXISTS (SELECT 1 FROM jsonb_array_elements(ingredients) AS i WHERE i->>'name' ILIKE ${pattern}))`);
  }

  if (filters.createdSince) where.push(`created_at >= ${param(filters.createdSince)}::timestamptz`);
  if (filters.favourites) where.push(favouriteSql(`${param(userId)}::uuid`));
  const tally = tallySql('recipe', 'recipe_id');
  const keys =
    filters.sort === 'top'
      ? keysetSql('desc', [
          [tally, 'integer', 'tally'],
          ['created_at', 'timestamptz'],
          ['recipe_id', 'uuid'],
        ])
      : filters.sort === 'top_rated'
        ? BY_RATING
        : BY_NEWEST;
  if (after) where.push(keys.after(positionValues(filters.sort, after), params));
  const order = keys.orderBy;
  const take = param(limit);
  const branch = (scope: string) =>
    `SELECT ${COLUMNS}, ${CURSOR_AT}, ${tally} AS tally FROM recipes
     WHERE ${[scope, ...where].join(' AND ')}
     ORDER BY ${order}
     LIMIT ${take}`;
  if (filters.scope === 'mine') {
    return (await db.query<RecipeListRow>(branch(`user_id = ${param(userId)}`), params.values)).rows;
  }
  // Others' recipes that moderation holds back are left out.
  const published = `is_published AND NOT ${withheldSql('recipe', 'recipe_id')}`;
  if (filters.scope === 'published')
    return (await db.query<RecipeListRow>(branch(published), params.values)).rows;
  // Own recipes and everyone else's published ones, each the first page of its own index, then
  // merged: one `user_id = $1 OR is_published` would read and sort every published recipe.
  const user = param(userId);
  const { rows } = await db.query<RecipeListRow>(
    `SELECT * FROM (
       (${branch(`user_id = ${user}`)})
       UNION ALL
       (${branch(`${published} AND user_id <> ${user}`)})
     ) AS readable
     ORDER BY ${order}
     LIMIT ${take}`,
    params.values,
  );
  return rows;
}

/** Of these recipes, the ones this user may read (for meal plans and shopping lists). */
export async function findReadableRecipes(
  db: Queryable,
  userId: string,
  recipeIds: readonly string[],
): Promise<RecipeRow[]> {
  if (recipeIds.length === 0) return [];
  const { rows } = await db.query<RecipeRow>(
    `SELECT ${COLUMNS} FROM recipes WHERE recipe_id = ANY($2::uuid[])
       AND (user_id = $1 OR (is_published AND NOT ${withheldSql('recipe', 'recipe_id')}))`,
    [userId, [...new Set(recipeIds)]],
  );
  return rows;
}

/** A published recipe, for its public page. */
export async function findPublishedRecipe(
  db: Queryable,
  recipeId: string,
): Promise<(RecipeRow & { tally: number }) | undefined> {
  const { rows } = await db.query<RecipeRow & { tally: number }>(
    `SELECT ${COLUMNS}, ${tallySql('recipe', 'recipe_id')} AS tally FROM recipes WHERE recipe_id = $1 AND is_published AND NOT ${withheldSql('recipe', 'recipe_id')}`,
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
    'SELECT user_id, recipe_name, is_published FROM recipes WHERE recipe_id = $1',
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
    `SELECT ${COLUMNS}, ${tallySql('recipe', 'recipe_id')} AS tally FROM recipes WHERE user_id = $1 AND is_published AND NOT ${withheldSql('recipe', 'recipe_id')}
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
    `SELECT recipe_id AS id, updated_at FROM recipes WHERE is_published AND NOT ${withheldSql('recipe', 'recipe_id')}
     ORDER BY updated_at DESC, recipe_id DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ id: r.id, updatedAt: r.updated_at }));
}

// cookbooks and cookbook_recipes: a person's ordered collections of recipes. Who may see a
// cookbook is the service's decision (it asks Family Planner); which of its recipes a viewer sees
// is decided here, when they are read, so that a recipe that stops being readable (unpublished,
// held back by moderation) leaves every cookbook of others at once, with nothing stored to undo.
import { withheldSql } from '../../community/store.ts';
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import {
  type Columns,
  cursorTime,
  type KeysetPosition,
  keysetSql,
  Params,
  setClause,
} from '../../platform/db/sql.ts';
import { RECIPE_COLUMNS, type RecipeRow } from './recipes.ts';
import type { Tables } from './tables.ts';

export type CookbookVisibility = 'private' | 'family' | 'public';

export type CookbookRow = Refine<
  Pick<
    Tables['cookbooks'],
    | 'cookbook_id'
    | 'user_id'
    | 'title'
    | 'description'
    | 'visibility'
    | 'family_id'
    | 'created_at'
    | 'updated_at'
  >,
  {
    visibility: CookbookVisibility;
  }
>;

export type CookbookListRow = CookbookRow & { cursor_at: string; recipe_count: number; has_recipe: boolean };

export interface CookbookFields {
  title: string;
  description: string | null;
  visibility: CookbookVisibility;
  family_id: string | null;
}

const COLUMNS = 'cookbook_id, user_id, title, description, visibility, family_id, created_at, updated_at';
const WRITABLE: Columns = { title: 'plain', description: 'plain', visibility: 'plain', family_id: 'plain' };

/**
 * SQL true when the viewer (`viewer`, a parameter) sees the recipe `recipes` of the cookbook `c`:
 * their own; a published one moderation does not hold back; or, when `shares` (a boolean
 * parameter: the cookbook shares its owner's recipes with this viewer, as a family cookbook does
 * with its family), one of the cookbook owner's own that moderation does not hold back.
 */
export const entryVisibleSql = (viewer: string, shares: string) =>
  `(recipes.user_id = ${viewer}
    OR (NOT ${withheldSql('recipe', 'recipes.recipe_id')}
        AND (recipes.is_published OR (${shares} AND recipes.user_id = c.user_id))))`;

const countSql = (viewer: string, shares: string) =>
  `(SELECT count(*)::int FROM cookbook_recipes e JOIN recipes ON recipes.recipe_id = e.recipe_id
    WHERE e.cookbook_id = c.cookbook_id AND ${entryVisibleSql(viewer, shares)})`;

/** Serialises a person's cookbook changes that count (their cookbooks, one cookbook's recipes). */
export async function lockCookbooksOf(tx: Queryable, userId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`calos.recipes.cookbooks.${userId}`]);
}

export async function countCookbooks(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM cookbooks WHERE user_id = $1',
    [userId],
  );
  return rows[0]?.n ?? 0;
}

export async function insertCookbook(
  db: Queryable,
  userId: string,
  fields: CookbookFields,
  at: Date,
): Promise<CookbookRow> {
  const { rows } = await db.query<CookbookRow>(
    `INSERT INTO cookbooks (user_id, title, description, visibility, family_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ${COLUMNS}`,
    [userId, fields.title, fields.description, fields.visibility, fields.family_id, at],
  );
  return rows[0] as CookbookRow;
}

export async function findCookbook(db: Queryable, cookbookId: string): Promise<CookbookRow | undefined> {
  const { rows } = await db.query<CookbookRow>(`SELECT ${COLUMNS} FROM cookbooks WHERE cookbook_id = $1`, [
    cookbookId,
  ]);
  return rows[0];
}

/** Locks a cookbook of this owner, for changes to it or its recipes. */
export async function lockOwnCookbook(
  db: Queryable,
  userId: string,
  cookbookId: string,
): Promise<CookbookRow | undefined> {
  const { rows } = await db.query<CookbookRow>(
    `SELECT ${COLUMNS} FROM cookbooks WHERE cookbook_id = $1 AND user_id = $2 FOR UPDATE`,
    [cookbookId, userId],
  );
  return rows[0];
}

export async function updateCookbook(
  db: Queryable,
  cookbookId: string,
  changes: Partial<CookbookFields>,
  at: Date,
): Promise<CookbookRow> {
  const params = new Params([cookbookId, at]);
  const set = setClause({ ...changes }, WRITABLE, params);
  const { rows } = await db.query<CookbookRow>(
    `UPDATE cookbooks SET ${[set, 'updated_at = $2'].filter(Boolean).join(', ')}
     WHERE cookbook_id = $1 RETURNING ${COLUMNS}`,
    params.values,
  );
  return rows[0] as CookbookRow;
}

/** Marks the cookbook changed (its recipes or their order). */
export async function touchCookbook(db: Queryable, cookbookId: string, at: Date): Promise<void> {
  await db.query('UPDATE cookbooks SET updated_at = $2 WHERE cookbook_id = $1', [cookbookId, at]);
}

export async function deleteCookbook(db: Queryable, userId: string, cookbookId: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM cookbooks WHERE cookbook_id = $1 AND user_id = $2', [
    cookbookId,
    userId,
  ]);
  return rowCount > 0;
}

/** Which cookbooks a list shows: the owner's, every public one, or those shared with families. */
export type CookbookListScope =
  | { kind: 'mine'; userId: string }
  | { kind: 'public' }
  /** Shared with one of these families by an owner who is still its member: pairs of family and member ids. */
  | { kind: 'family'; familyIds: string[]; memberIds: string[] };

const BY_NEWEST = keysetSql('desc', [
  ['c.created_at', 'timestamptz'],
  ['c.cookbook_id', 'uuid'],
]);

export async function listCookbooks(
  db: Queryable,
  viewerId: string,
  scope: CookbookListScope,
  limit: number,
  cursor: KeysetPosition | undefined,
  recipeId: string | null,
): Promise<CookbookListRow[]> {
  const params = new Params([viewerId, recipeId]);
  const param = (value: unknown) => params.add(value);
  const where: string[] = [];
  let shares = 'false';
  if (scope.kind === 'mine') {
    where.push(`c.user_id = ${param(scope.userId)}`);
    shares = 'true';
  } else if (scope.kind === 'public') {
    where.push(`c.visibility = 'public'`);
  } else {
    where.push(`c.visibility = 'family' AND c.user_id <> $1 AND EXISTS (
      SELECT 1 FROM unnest(${param(scope.familyIds)}::uuid[], ${param(scope.memberIds)}::uuid[]) AS m(family_id, user_id)
      WHERE m.family_id = c.family_id AND m.user_id = c.user_id)`);
    shares = 'true';
  }
  if (cursor) where.push(BY_NEWEST.after([cursor.at, cursor.id], params));
  const { rows } = await db.query<CookbookListRow>(
    `SELECT ${COLUMNS.split(', ')
      .map((column) => `c.${column}`)
      .join(', ')}, ${cursorTime('c.created_at')} AS cursor_at,
       ${countSql('$1::uuid', shares)} AS recipe_count,
       ($2::uuid IS NOT NULL AND EXISTS (SELECT 1 FROM cookbook_recipes e
         WHERE e.cookbook_id = c.cookbook_id AND e.recipe_id = $2::uuid)) AS has_recipe
     FROM cookbooks c WHERE ${where.join(' AND ')}
     ORDER BY ${BY_NEWEST.orderBy} LIMIT ${param(limit)}`,
    params.values,
  );
  return rows;
}

/** How many of the cookbook's recipes this viewer sees. */
export async function countVisibleEntries(
  db: Queryable,
  cookbookId: string,
  viewerId: string,
  shares: boolean,
): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT ${countSql('$2::uuid', '$3::boolean')} AS n FROM cookbooks c WHERE c.cookbook_id = $1`,
    [cookbookId, viewerId, shares],
  );
  return rows[0]?.n ?? 0;
}

export type EntryRow = RecipeRow & { position: number };

/**
 * The recipes rows of cookbook $1 that pass `condition`, with their position, under the name
 * recipes (RECIPE_COLUMNS reads them unqualified).
 */
const entriesSql = (condition: string) =>
  `SELECT recipes.*, e.position FROM cookbook_recipes e
   JOIN cookbooks c ON c.cookbook_id = e.cookbook_id
   JOIN recipes ON recipes.recipe_id = e.recipe_id
   WHERE e.cookbook_id = $1 AND ${condition}`;

/** Where a page of a cookbook's recipes ended: the entry's position and the recipe id. */
export interface EntryPosition {
  position: number;
  id: string;
}

// The continuation is on the entry's columns; the outer query orders by their output names.
const ENTRY_KEYS = keysetSql('asc', [
  ['e.position', 'integer'],
  ['e.recipe_id', 'uuid'],
]);
const BY_POSITION = keysetSql('asc', [
  ['position', 'integer'],
  ['recipe_id', 'uuid'],
]);

/** The cookbook's recipes this viewer sees, in the cookbook's order, after (position, id). */
export async function listVisibleEntries(
  db: Queryable,
  cookbookId: string,
  viewerId: string,
  shares: boolean,
  limit: number,
  after?: EntryPosition,
): Promise<EntryRow[]> {
  const params = new Params([cookbookId, viewerId, shares, limit]);
  const condition = entryVisibleSql('$2::uuid', '$3::boolean');
  const { rows } = await db.query<EntryRow>(
    `SELECT ${RECIPE_COLUMNS}, position FROM (${entriesSql(
      after ? `${condition} AND ${ENTRY_KEYS.after([after.position, after.id], params)}` : condition,
    )}) AS recipes
     ORDER BY ${BY_POSITION.orderBy} LIMIT $4`,
    params.values,
  );
  return rows;
}

/** One recipe of the cookbook, if this viewer sees it there. */
export async function findVisibleEntry(
  db: Queryable,
  cookbookId: string,
  recipeId: string,
  viewerId: string,
  shares: boolean,
): Promise<EntryRow | undefined> {
  const { rows } = await db.query<EntryRow>(
    `SELECT ${RECIPE_COLUMNS}, position FROM (${entriesSql(`e.recipe_id = $2 AND ${entryVisibleSql('$3::uuid', '$4::boolean')}`)}) AS recipes`,
    [cookbookId, recipeId, viewerId, shares],
  );
  return rows[0];
}

export async function countEntries(db: Queryable, cookbookId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM cookbook_recipes WHERE cookbook_id = $1',
    [cookbookId],
  );
  return rows[0]?.n ?? 0;
}

export async function findEntryPosition(
  db: Queryable,
  cookbookId: string,
  recipeId: string,
): Promise<number | undefined> {
  const { rows } = await db.query<{ position: number }>(
    'SELECT position FROM cookbook_recipes WHERE cookbook_id = $1 AND recipe_id = $2',
    [cookbookId, recipeId],
  );
  return rows[0]?.position;
}

/** Adds the recipe at the end; answers its position. */
export async function appendEntry(
  db: Queryable,
  cookbookId: string,
  recipeId: string,
  at: Date,
): Promise<number> {
  const { rows } = await db.query<{ position: number }>(
    `INSERT INTO cookbook_recipes (cookbook_id, recipe_id, position, added_at)
     VALUES ($1, $2, (SELECT COALESCE(max(position) + 1, 0) FROM cookbook_recipes WHERE cookbook_id = $1), $3)
     RETURNING position`,
    [cookbookId, recipeId, at],
  );
  return rows[0]?.position as number;
}

export async function deleteEntry(db: Queryable, cookbookId: string, recipeId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'DELETE FROM cookbook_recipes WHERE cookbook_id = $1 AND recipe_id = $2',
    [cookbookId, recipeId],
  );
  return rowCount > 0;
}

export async function entryRecipeIds(db: Queryable, cookbookId: string): Promise<string[]> {
  const { rows } = await db.query<{ recipe_id: string }>(
    'SELECT recipe_id FROM cookbook_recipes WHERE cookbook_id = $1 ORDER BY position, recipe_id',
    [cookbookId],
  );
  return rows.map((r) => r.recipe_id);
}

/** Positions 0, 1, … in the order given (every entry of the cookbook, each once). */
export async function setEntryOrder(
  db: Queryable,
  cookbookId: string,
  recipeIds: readonly string[],
): Promise<void> {
  await db.query(
    `UPDATE cookbook_recipes e SET position = o.ord - 1
     FROM unnest($2::uuid[]) WITH ORDINALITY AS o(recipe_id, ord)
     WHERE e.cookbook_id = $1 AND e.recipe_id = o.recipe_id`,
    [cookbookId, recipeIds],
  );
}

/** An imported cookbook's recipes (already the user's here), in the archive's order. */
export async function addImportedEntries(
  tx: Queryable,
  cookbookId: string,
  recipeIds: readonly string[],
  at: Date,
): Promise<void> {
  if (recipeIds.length === 0) return;
  await tx.query(
    `INSERT INTO cookbook_recipes (cookbook_id, recipe_id, position, added_at)
     SELECT $1, entry.recipe_id, entry.ord - 1, $3
       FROM unnest($2::uuid[]) WITH ORDINALITY AS entry (recipe_id, ord)
     ON CONFLICT DO NOTHING`,
    [cookbookId, recipeIds, at],
  );
}

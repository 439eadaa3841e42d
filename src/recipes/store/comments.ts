// recipe_comments: what people write under published recipes. Comments moderation holds back
// (src/community, kind 'comment') are left out of lists for everyone but their author.
import { withheldSql } from '../../community/store.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { cursorTime, type KeysetPosition, keysetSql, Params } from '../../platform/db/sql.ts';
import type { Tables } from './tables.ts';

export type CommentRow = Pick<
  Tables['recipe_comments'],
  'comment_id' | 'recipe_id' | 'user_id' | 'body' | 'created_at' | 'updated_at' | 'edited_at'
>;

export type CommentListRow = CommentRow & {
  cursor_at: string;
  moderation_state: 'hidden' | 'removed' | null;
  moderation_reason: string | null;
};

const COLUMNS = 'comment_id, recipe_id, user_id, body, created_at, updated_at, edited_at';

export async function insertComment(
  db: Queryable,
  input: { recipeId: string; userId: string; body: string; at: Date },
): Promise<CommentRow> {
  const { rows } = await db.query<CommentRow>(
    `INSERT INTO recipe_comments (recipe_id, user_id, body, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $4) RETURNING ${COLUMNS}`,
    [input.recipeId, input.userId, input.body, input.at],
  );
  return rows[0] as CommentRow;
}

/** Serialises one person's comments, so the rate limit counts each once. */
export async function lockCommentsOf(tx: Queryable, userId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`calos.recipes.comments.${userId}`]);
}

/** How many comments the person posted since then, and when the oldest of them was posted. */
export async function recentComments(
  db: Queryable,
  userId: string,
  since: Date,
): Promise<{ n: number; oldest: Date | null }> {
  const { rows } = await db.query<{ n: number; oldest: Date | null }>(
    'SELECT count(*)::int AS n, min(created_at) AS oldest FROM recipe_comments WHERE user_id = $1 AND created_at > $2',
    [userId, since],
  );
  return rows[0] ?? { n: 0, oldest: null };
}

export async function findComment(db: Queryable, commentId: string): Promise<CommentRow | undefined> {
  const { rows } = await db.query<CommentRow>(
    `SELECT ${COLUMNS} FROM recipe_comments WHERE comment_id = $1`,
    [commentId],
  );
  return rows[0];
}

/** The comment with its recipe's name and whether that recipe is public (published, not held back). */
export async function findCommentForCommunity(
  db: Queryable,
  commentId: string,
): Promise<(CommentRow & { recipe_name: string; recipe_is_public: boolean }) | undefined> {
  const { rows } = await db.query<CommentRow & { recipe_name: string; recipe_is_public: boolean }>(
    `SELECT c.comment_id, c.recipe_id, c.user_id, c.body, c.created_at, c.updated_at, c.edited_at,
       r.recipe_name, (r.is_published AND NOT ${withheldSql('recipe', 'r.recipe_id')}) AS recipe_is_public
     FROM recipe_comments c JOIN recipes r ON r.recipe_id = c.recipe_id WHERE c.comment_id = $1`,
    [commentId],
  );
  return rows[0];
}

const BY_NEWEST = keysetSql('desc', [
  ['c.created_at', 'timestamptz'],
  ['c.comment_id', 'uuid'],
]);

/** A recipe's comments, newest first; held-back ones only for their author, marked. */
export async function listComments(
  db: Queryable,
  recipeId: string,
  viewerId: string,
  limit: number,
  cursor?: KeysetPosition,
): Promise<CommentListRow[]> {
  const params = new Params([recipeId, viewerId, limit]);
  const { rows } = await db.query<CommentListRow>(
    `SELECT c.comment_id, c.recipe_id, c.user_id, c.body, c.created_at, c.updated_at, c.edited_at,
       ${cursorTime('c.created_at')} AS cursor_at,
       mi.state AS moderation_state, mi.reason AS moderation_reason
     FROM recipe_comments c
     LEFT JOIN moderation_items mi ON mi.item_kind = 'comment' AND mi.item_id = c.comment_id
       AND mi.state IN ('hidden', 'removed')
     WHERE c.recipe_id = $1 AND (mi.item_id IS NULL OR c.user_id = $2)
       ${cursor ? `AND ${BY_NEWEST.after([cursor.at, cursor.id], params)}` : ''}
     ORDER BY ${BY_NEWEST.orderBy} LIMIT $3`,
    params.values,
  );
  return rows;
}

export async function updateCommentBody(
  db: Queryable,
  commentId: string,
  body: string,
  at: Date,
): Promise<CommentRow> {
  const { rows } = await db.query<CommentRow>(
    `UPDATE recipe_comments SET body = $2, updated_at = $3, edited_at = $3 WHERE comment_id = $1 RETURNING ${COLUMNS}`,
    [commentId, body, at],
  );
  return rows[0] as CommentRow;
}

export async function deleteComment(db: Queryable, commentId: string, userId: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM recipe_comments WHERE comment_id = $1 AND user_id = $2', [
    commentId,
    userId,
  ]);
  return rowCount > 0;
}

// Comments on published recipes: anyone signed in posts on a recipe the public may see, lists
// them (the recipe's author too, even once unpublished), edits and deletes their own. Reports and
// moderation are the community's (kind 'comment'): reported enough, a comment leaves the list for
// everyone but its author until a reviewer restores or removes it. A recipe others may not see is
// a 404, as is another person's comment to edit. Posting is limited per person and time window.
import type { Community } from '../../community/service.ts';
import { keyset, TIME_KEY } from '../../platform/http/pagination.ts';
import type { RecipesDeps } from '../deps.ts';
import { RecipesErrors } from '../errors.ts';
import {
  type CommentListRow,
  type CommentRow,
  deleteComment,
  findComment,
  insertComment,
  listComments,
  lockCommentsOf,
  recentComments,
  updateCommentBody,
} from '../store/comments.ts';
import { findPublishedRecipe, findReadableRecipe } from '../store/recipes.ts';
import { isUuid } from './ids.ts';
import { LIMITS } from './limits.ts';

export interface RecipeComment {
  comment_id: string;
  recipe_id: string;
  user_id: string;
  body: string;
  is_mine: boolean;
  created_at: Date;
  updated_at: Date;
  edited_at: Date | null;
  /** Only its author sees a comment moderation holds back, marked so. */
  moderation: { state: 'hidden' | 'removed'; reason: string | null } | null;
}

function cleanBody(body: string): string {
  const trimmed = body.trim();
  if (!trimmed) throw RecipesErrors.invalidInput('body.body must not be blank', [{ field: 'body.body' }]);
  if (trimmed.length > LIMITS.commentBody)
    throw RecipesErrors.invalidInput(`body.body may have at most ${LIMITS.commentBody} characters`, [
      { field: 'body.body' },
    ]);
  return trimmed;
}

const toComment = (
  row: CommentRow & Partial<Pick<CommentListRow, 'moderation_state' | 'moderation_reason'>>,
  viewerId: string,
): RecipeComment => ({
  comment_id: row.comment_id,
  recipe_id: row.recipe_id,
  user_id: row.user_id,
  body: row.body,
  is_mine: row.user_id === viewerId,
  created_at: row.created_at,
  updated_at: row.updated_at,
  edited_at: row.edited_at,
  moderation: row.moderation_state
    ? { state: row.moderation_state, reason: row.moderation_reason ?? null }
    : null,
});

/** A recipe's comments, newest first (a cursor is bound to its recipe). */
const COMMENTS = keyset('recipes.comments', TIME_KEY);

export function createCommentService(deps: RecipesDeps, community: Community) {
  const { db } = deps;

  /** The viewer's own comment, or the 404 of one that does not exist. */
  const ownComment = async (userId: string, commentId: string) => {
    if (!isUuid(commentId)) throw RecipesErrors.commentNotFound();
    const row = await findComment(db, commentId);
    if (!row || row.user_id !== userId) throw RecipesErrors.commentNotFound();
    return row;
  };

  return {
    async post(userId: string, recipeId: string, rawBody: string): Promise<RecipeComment> {
      if (!isUuid(recipeId)) throw RecipesErrors.recipeNotFound();
      const body = cleanBody(rawBody);
      const at = deps.now();
      return db.transaction(async (tx) => {
        if (!(await findPublishedRecipe(tx, recipeId))) throw RecipesErrors.recipeNotFound();
        await lockCommentsOf(tx, userId);
        const windowMs = LIMITS.commentWindowSeconds * 1000;
        const recent = await recentComments(tx, userId, new Date(at.getTime() - windowMs));
        if (recent.n >= LIMITS.commentsPerWindow) {
          const freeAt = (recent.oldest?.getTime() ?? at.getTime()) + windowMs;
          throw RecipesErrors.commentRateLimited(
            LIMITS.commentsPerWindow,
            LIMITS.commentWindowSeconds,
            Math.max(1, Math.ceil((freeAt - at.getTime()) / 1000)),
          );
        }
        return toComment(await insertComment(tx, { recipeId, userId, body, at }), userId);
      });
    },

    async list(viewerId: string, recipeId: string, query: { limit: number; cursor?: string }) {
      const cursor = COMMENTS.decode(query.cursor, { recipeId });
      if (!isUuid(recipeId) || !(await findReadableRecipe(db, viewerId, recipeId)))
        throw RecipesErrors.recipeNotFound();
      const rows = await listComments(db, recipeId, viewerId, query.limit + 1, cursor);
      return COMMENTS.page(
        rows,
        query.limit,
        (row) => toComment(row, viewerId),
        (row) => ({ at: row.cursor_at, id: row.comment_id }),
        { recipeId },
      );
    },

    async edit(userId: string, commentId: string, rawBody: string): Promise<RecipeComment> {
      const body = cleanBody(rawBody);
      const row = await ownComment(userId, commentId);
      if (!(await findReadableRecipe(db, userId, row.recipe_id))) throw RecipesErrors.commentNotFound();
      if (await community.isWithheld('comment', commentId)) throw RecipesErrors.commentModerated();
      return toComment(await updateCommentBody(db, commentId, body, deps.now()), userId);
    },

    async remove(userId: string, commentId: string): Promise<void> {
      if (!isUuid(commentId) || !(await deleteComment(db, commentId, userId)))
        throw RecipesErrors.commentNotFound();
    },

    /** Reports a comment others may see (published recipe, not held back). */
    report: (userId: string, commentId: string, reason: string) =>
      community.report('comment', commentId, userId, reason),
  };
}

export type CommentService = ReturnType<typeof createCommentService>;

// /api/recipes/:id/comments and /api/comments/:id: comments on published recipes, their edits,
// and reports that send them to the moderation queue (src/community, kind 'comment').
import { Type } from 'typebox';
import { MAX_REPORT_REASON } from '../../community/service.ts';
import { requireUser } from '../../platform/auth/guard.ts';
import { DEFAULT_PAGE_SIZE } from '../../platform/http/pagination.ts';
import type { App } from '../../platform/http/service.ts';
import type { RecipesServices } from '../index.ts';
import {
  bearer,
  ErrorResponse,
  IdParams,
  LIMITS,
  NoContent,
  Nullable,
  NullableTimestamp,
  Page,
  pageQuery,
  Timestamp,
  Uuid,
} from './schemas.ts';

const tags = ['Comments'];

const Comment = Type.Object(
  {
    comment_id: Uuid,
    recipe_id: Uuid,
    user_id: Type.String({ format: 'uuid', description: 'Who wrote it' }),
    body: Type.String(),
    is_mine: Type.Boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
    edited_at: NullableTimestamp,
    moderation: Nullable(
      Type.Object(
        { state: Type.Enum(['hidden', 'removed'] as const), reason: Nullable(Type.String()) },
        { description: 'Only its author sees a comment moderation holds back' },
      ),
    ),
  },
  { description: 'A comment on a published recipe' },
);

const CommentBody = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: LIMITS.commentBody, pattern: '\\S' }) },
  {
    additionalProperties: false,
    examples: [{ body: 'Made this tonight: a pinch of nutmeg works wonders.' }],
  },
);

export function registerCommentRoutes(app: App, services: RecipesServices): void {
  const { comments } = services;

  app.get(
    '/api/recipes/:id/comments',
    {
      schema: {
        tags,
        summary: 'A recipe’s comments, newest first',
        description:
          'On a published recipe, or your own. Comments moderation holds back are shown only to their author, ' +
          'marked. Anything else is 404 RECIPE_NOT_FOUND.',
        security: bearer,
        params: IdParams,
        querystring: Type.Object(pageQuery, { additionalProperties: false }),
        response: {
          200: Page(Comment, 'Comments, newest first'),
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) =>
      comments.list(requireUser(request).userId, request.params.id, {
        ...request.query,
        limit: request.query.limit ?? DEFAULT_PAGE_SIZE,
      }),
  );

  app.post(
    '/api/recipes/:id/comments',
    {
      schema: {
        tags,
        summary: 'Comment on a published recipe',
        description:
          `Up to ${LIMITS.commentBody} characters. At most ${LIMITS.commentsPerWindow} comments every ` +
          `${LIMITS.commentWindowSeconds / 60} minutes per person (429 COMMENT_RATE_LIMITED, with Retry-After). ` +
          'A recipe that is not published (or that moderation holds back) is 404 RECIPE_NOT_FOUND.',
        security: bearer,
        params: IdParams,
        body: CommentBody,
        response: {
          201: Comment,
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
          429: ErrorResponse,
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await comments.post(requireUser(request).userId, request.params.id, request.body.body)),
  );

  app.patch(
    '/api/comments/:id',
    {
      schema: {
        tags,
        summary: 'Edit your comment',
        description:
          'Only its author (anyone else: 404 COMMENT_NOT_FOUND); not while moderation holds it back (409 ' +
          'COMMENT_MODERATED).',
        security: bearer,
        params: IdParams,
        body: CommentBody,
        response: {
          200: Comment,
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => comments.edit(requireUser(request).userId, request.params.id, request.body.body),
  );

  app.delete(
    '/api/comments/:id',
    {
      schema: {
        tags,
        summary: 'Delete your comment',
        security: bearer,
        params: IdParams,
        response: { 204: NoContent, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await comments.remove(requireUser(request).userId, request.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/comments/:id/report',
    {
      schema: {
        tags,
        summary: 'Report a comment',
        description:
          'One report per person and comment (again: 409 ALREADY_REPORTED). Once enough different people ' +
          'reported it (CALOS_MODERATION_REPORTS_TO_HIDE) it leaves the list until a moderator restores or ' +
          'removes it; its author still sees it, marked hidden. A comment others may not see is 404.',
        security: bearer,
        params: IdParams,
        body: Type.Object(
          { reason: Type.String({ minLength: 3, maxLength: MAX_REPORT_REASON, pattern: '\\S' }) },
          { additionalProperties: false, examples: [{ reason: 'Spam' }] },
        ),
        response: {
          201: Type.Object({ reported: Type.Literal(true), hidden: Type.Boolean() }),
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await comments.report(requireUser(request).userId, request.params.id, request.body.reason)),
  );
}

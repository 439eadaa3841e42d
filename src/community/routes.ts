// POST/DELETE <collection>/:id/vote and POST <collection>/:id/report, for one kind of item.
import { Type } from 'typebox';
import { requireUser } from '../platform/auth/guard.ts';
import { bearer, ErrorResponse, Nullable } from '../platform/http/schemas.ts';
import type { App } from '../platform/http/service.ts';
import { type Community, type ItemKind, MAX_REPORT_REASON, PERIODS } from './service.ts';

export const VoteState = Type.Object(
  {
    votes: Type.Integer({ minimum: 0, description: 'Upvotes now' }),
    has_voted: Type.Boolean({ description: 'Whether you have upvoted it' }),
  },
  { examples: [{ votes: 12, has_voted: true }] },
);

/** The vote and moderation fields every view of a votable item carries. */
export const communityFields = {
  votes: Type.Integer({ minimum: 0, description: 'Upvotes from signed-in users' }),
  has_voted: Type.Boolean({ description: 'Whether you have upvoted it' }),
  moderation: Nullable(
    Type.Object(
      {
        state: Type.Enum(['hidden', 'removed'] as const, {
          description: 'hidden: reported, pending review; removed: taken off the public pages after review',
        }),
        reason: Nullable(Type.String()),
      },
      { description: 'Only its author sees an item moderation holds back' },
    ),
  ),
};

/** sort and period of the public lists. */
export const listOrderProperties = {
  sort: Type.Optional(
    Type.Enum(['new', 'top'] as const, {
      description: 'new (default): newest first; top: most upvoted first',
    }),
  ),
  period: Type.Optional(
    Type.Enum(PERIODS, {
      description:
        'Only items created in the last day, week (7 days), month (30 days), year (365 days); all (default)',
    }),
  ),
};

const ReportBody = Type.Object(
  {
    reason: Type.String({
      minLength: 3,
      maxLength: MAX_REPORT_REASON,
      pattern: '\\S',
      description: 'What is wrong with it',
    }),
  },
  { additionalProperties: false, examples: [{ reason: 'Copied from a cookbook without credit' }] },
);

export function registerCommunityRoutes(
  app: App,
  options: { community: Community; kind: ItemKind; path: string; tags: string[]; noun: string },
): void {
  const { community, kind, path, tags, noun } = options;
  // Anything that is not a UUID is simply not found (404), like someone else's private item.
  const params = Type.Object(
    {
      id: Type.String({
        maxLength: 100,
        description: 'A UUID',
        examples: ['6f1c2a8e-1f5b-4c1e-9d7a-2b8f0e6c4a11'],
      }),
    },
    { additionalProperties: false },
  );

  app.post(
    `${path}/:id/vote`,
    {
      schema: {
        tags,
        summary: `Upvote a published ${noun}`,
        description:
          'Idempotent: voting again changes nothing. Only published items can be voted on; anything else ' +
          "answers 404, like an id that does not exist. The author's karma and rewards follow within seconds.",
        security: bearer,
        params,
        response: { 200: VoteState, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => community.vote(kind, request.params.id, requireUser(request).userId),
  );

  app.delete(
    `${path}/:id/vote`,
    {
      schema: {
        tags,
        summary: `Take back your upvote of a ${noun}`,
        description: 'Idempotent: without an upvote of yours, nothing changes. The karma it gave goes again.',
        security: bearer,
        params,
        response: { 200: VoteState, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => community.withdraw(kind, request.params.id, requireUser(request).userId),
  );

  app.post(
    `${path}/:id/report`,
    {
      schema: {
        tags,
        summary: `Report a published ${noun}`,
        description:
          'One report per person and item (again: 409 ALREADY_REPORTED). Once enough different people ' +
          'reported it (CALOS_MODERATION_REPORTS_TO_HIDE), it leaves the public lists until reviewed; its ' +
          'author still sees it, marked hidden.',
        security: bearer,
        params,
        body: ReportBody,
        response: {
          201: Type.Object(
            {
              reported: Type.Literal(true),
              hidden: Type.Boolean({ description: 'Whether this report hid it pending review' }),
            },
            { examples: [{ reported: true, hidden: false }] },
          ),
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const result = await community.report(
        kind,
        request.params.id,
        requireUser(request).userId,
        request.body.reason,
      );
      return reply.status(201).send(result);
    },
  );
}

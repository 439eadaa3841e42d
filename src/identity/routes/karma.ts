// /api/karma: the signed-in user's karma with its latest changes, and anyone's karma by username
// (for public profiles).
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { Timestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import type { IdentityDeps } from '../deps.ts';
import { createKarmaService, MAX_RECENT } from '../service/karma.ts';
import { bearer, ErrorResponse } from './schemas.ts';

const tags = ['Karma'];

const KarmaEntry = Type.Object({
  delta: Type.Integer({ description: '+1 for an upvote from another account, −1 when it was taken back' }),
  app: Type.String({ examples: ['hollowtown'] }),
  item_kind: Type.Enum(['recipe', 'costume', 'plan'] as const),
  item_id: Type.String({ format: 'uuid' }),
  item_title: Type.String(),
  reason: Type.String({ examples: ['Upvote'] }),
  created_at: Timestamp,
});

export function registerKarmaRoutes(app: App, deps: IdentityDeps): void {
  const karma = createKarmaService(deps);

  app.get(
    '/api/karma',
    {
      schema: {
        tags,
        summary: 'Your karma and its latest changes',
        description:
          'Karma is what upvotes from other accounts on your published items (recipes, costume ideas, ' +
          'haunted-house plans, in every app) add up to; your own votes give none, and a withdrawn ' +
          'upvote takes its point back.',
        security: bearer,
        querystring: Type.Object(
          {
            limit: Type.Optional(
              Type.Integer({ minimum: 1, maximum: MAX_RECENT, description: 'Default 20' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            { karma: Type.Integer(), recent: Type.Array(KarmaEntry, { description: 'Newest first' }) },
            {
              examples: [
                {
                  karma: 12,
                  recent: [
                    {
                      delta: 1,
                      app: 'hollowtown',
                      item_kind: 'recipe',
                      item_id: '6f1c2a8e-1f5b-4c1e-9d7a-2b8f0e6c4a11',
                      item_title: 'Graveyard dirt cups',
                      reason: 'Upvote',
                      created_at: '2025-10-01T12:00:00.000Z',
                    },
                  ],
                },
              ],
            },
          ),
          400: ErrorResponse,
          401: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      const [{ karma: total }, recent] = await Promise.all([
        karma.ofUser(userId),
        karma.recent(userId, request.query.limit ?? 20),
      ]);
      return { karma: total, recent };
    },
  );

  app.get(
    '/api/users/:username/karma',
    {
      schema: {
        tags,
        summary: "A user's karma, by username (public)",
        description: 'For public profiles: needs no sign-in. An unknown username answers 404 USER_NOT_FOUND.',
        security: [],
        params: Type.Object({ username: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: {
          200: Type.Object(
            { username: Type.String(), karma: Type.Integer() },
            { examples: [{ username: 'vlad', karma: 12 }] },
          ),
          400: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) => karma.ofUsername(request.params.username),
  );
}

// /api/recipes/spooky/:id/share: "Share to My Recipes" (HowToCookAtHome keeps the copy in step),
// and where the copy is and whether it has caught up.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import type { App } from '../../platform/http/service.ts';
import type { SharingService } from '../service/sharing.ts';
import { bearer, ErrorResponse, IdParams } from './schemas.ts';

const ShareBody = Type.Object(
  { to: Type.Enum(['recipes'] as const, { description: 'recipes: HowToCookAtHome ("My Recipes")' }) },
  { additionalProperties: false, examples: [{ to: 'recipes' }] },
);

const Shared = Type.Object(
  {
    recipe_id: Type.String({ format: 'uuid', description: 'The id the recipe has in HowToCookAtHome' }),
    reference_id: Type.String({ format: 'uuid', description: 'The link between the copy and this recipe' }),
    shared: Type.Literal(true),
  },
  {
    description: 'Where the recipe now lives in HowToCookAtHome',
    examples: [
      {
        recipe_id: '0b7c1c62-8d0e-4f5e-9f77-6f5d3c1e2a10',
        reference_id: '5e2d9a41-3c7b-4a8e-b1f0-9d6c2e7a4b33',
        shared: true,
      },
    ],
  },
);

const ShareStatus = Type.Union(
  [
    Type.Object({ shared: Type.Literal(false) }, { description: 'No copy in HowToCookAtHome' }),
    Type.Object(
      {
        shared: Type.Literal(true),
        recipe_id: Type.String({ format: 'uuid', description: 'The copy’s id in HowToCookAtHome' }),
        reference_id: Type.String({ format: 'uuid' }),
        version: Type.Integer({ minimum: 1, description: 'This recipe’s edit count' }),
        synced_version: Type.Integer({ minimum: 0, description: 'The edit count the copy holds' }),
        synced_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
          description: 'When the copy last took this recipe’s changes',
        }),
        in_sync: Type.Boolean({ description: 'The copy holds this recipe’s latest edit' }),
      },
      { description: 'The copy, and whether it has caught up' },
    ),
  ],
  {
    examples: [
      { shared: false },
      {
        shared: true,
        recipe_id: '0b7c1c62-8d0e-4f5e-9f77-6f5d3c1e2a10',
        reference_id: '5e2d9a41-3c7b-4a8e-b1f0-9d6c2e7a4b33',
        version: 3,
        synced_version: 3,
        synced_at: '2025-10-30T18:00:00.000Z',
        in_sync: true,
      },
    ],
  },
);

export function registerSharingRoutes(app: App, sharing: SharingService): void {
  app.get(
    '/api/recipes/spooky/:id/share',
    {
      schema: {
        tags: ['Spooky recipes'],
        summary: 'Where your shared recipe lives in HowToCookAtHome, and whether the copy is up to date',
        description:
          'Only the owner; anyone else gets 404 RECIPE_NOT_FOUND. shared is false until you share it, and again ' +
          'after the copy was deleted or detached in HowToCookAtHome (sharing again makes a new copy). in_sync is ' +
          'false for the moment an edit takes to reach the copy.',
        security: bearer,
        params: IdParams,
        response: { 200: ShareStatus, 401: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request) => sharing.status(requireUser(request).userId, request.params.id),
  );

  app.post(
    '/api/recipes/spooky/:id/share',
    {
      schema: {
        tags: ['Spooky recipes'],
        summary: 'Share your recipe to another app (Share to My Recipes)',
        description:
          'Only the owner; anyone else gets 404 RECIPE_NOT_FOUND. Creates a copy in your HowToCookAtHome recipes, ' +
          'marked with source {domain: "hollowtown", recipe_id}, that follows your edits here (usually within a ' +
          'fraction of a second, at most about 2 s while both apps are up) and says so when you delete the original. ' +
          'Sharing again changes nothing and answers the same ids with 200 (201 the first time).',
        security: bearer,
        params: IdParams,
        body: ShareBody,
        response: {
          200: Shared,
          201: Shared,
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { created, ...answer } = await sharing.share(
        requireUser(request).userId,
        request.params.id,
        request.body.to,
      );
      return reply.status(created ? 201 : 200).send(answer);
    },
  );
}

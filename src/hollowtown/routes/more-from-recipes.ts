// /api/more-from-recipes: a few published HowToCookAtHome recipes to cross-promote.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import type { App } from '../../platform/http/service.ts';
import type { MoreFromRecipesService } from '../service/more-from-recipes.ts';
import { bearer, ErrorResponse, Nullable } from './schemas.ts';

const Featured = Type.Object({
  recipe_id: Type.String({ format: 'uuid', description: 'The recipe’s id in HowToCookAtHome' }),
  recipe_name: Type.String(),
  description: Nullable(Type.String()),
  cuisine: Nullable(Type.String()),
  difficulty: Type.String(),
  total_time_minutes: Nullable(Type.Integer()),
  serves: Nullable(Type.Integer()),
  tags: Type.Array(Type.String()),
  image_url: Nullable(Type.String()),
  url: Type.String({ description: 'The recipe’s page on HowToCookAtHome' }),
  source: Type.Literal('recipes'),
});

export function registerMoreFromRecipesRoutes(app: App, more: MoreFromRecipesService): void {
  app.get(
    '/api/more-from-recipes',
    {
      schema: {
        tags: ['Spooky recipes'],
        summary: 'More from HowToCookAtHome: a few published everyday recipes',
        description:
          'Read through HowToCookAtHome’s client; when it does not answer the list is empty with degraded: true.',
        security: bearer,
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 12, default: 4 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            title: Type.String(),
            degraded: Type.Boolean(),
            degraded_reason: Nullable(Type.String()),
            items: Type.Array(Featured),
          }),
          400: ErrorResponse,
          401: ErrorResponse,
        },
      },
    },
    async (request) => {
      requireUser(request);
      return more.list(request.query.limit ?? 4);
    },
  );
}

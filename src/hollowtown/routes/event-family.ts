// An event planned with a family: recipes from either app on the event, and the family
// shopping list made from them (POST …/shopping-list), which members check off in Family Planner.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import type { App } from '../../platform/http/service.ts';
import type { EventFamilyService } from '../service/event-family.ts';
import { bearer, ErrorResponse, IdParams, NoContent, Nullable, Timestamp } from './schemas.ts';

const tags = ['Halloween events'];
const Domain = Type.Union([Type.Literal('hollowtown'), Type.Literal('recipes')], {
  description: 'hollowtown: a spooky recipe; recipes: a HowToCookAtHome recipe',
});

export function registerEventFamilyRoutes(app: App, links: EventFamilyService): void {
  app.post(
    '/api/events/:id/recipes',
    {
      schema: {
        tags,
        summary: 'Add a recipe (from Hollowtown or HowToCookAtHome) to the event',
        description:
          'The owner or any member of the event’s family may add a recipe they can read. Adding it again changes nothing.',
        security: bearer,
        params: IdParams,
        body: Type.Object(
          { domain: Domain, recipe_id: Type.String({ maxLength: 64 }) },
          {
            additionalProperties: false,
            examples: [{ domain: 'recipes', recipe_id: '6a1f0c2e-8d4b-4c8f-9f4e-2b3c4d5e6f70' }],
          },
        ),
        response: {
          201: Type.Object({
            event_id: Type.String(),
            domain: Domain,
            recipe_id: Type.String(),
            added: Type.Boolean(),
          }),
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await links.addRecipe(requireUser(request).userId, request.params.id, request.body)),
  );

  app.get(
    '/api/events/:id/recipes',
    {
      schema: {
        tags,
        summary: 'The recipes on the event',
        security: bearer,
        params: IdParams,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                domain: Domain,
                recipe_id: Type.String(),
                added_by: Type.String(),
                added_at: Timestamp,
                recipe_name: Nullable(Type.String()),
                serves: Nullable(Type.Integer()),
                available: Type.Boolean({
                  description: 'false when the recipe was deleted or is no longer shared',
                }),
              }),
            ),
          }),
          404: ErrorResponse,
        },
      },
    },
    async (request) => ({ items: await links.listRecipes(requireUser(request).userId, request.params.id) }),
  );

  app.delete(
    '/api/events/:id/recipes/:domain/:recipeId',
    {
      schema: {
        tags,
        summary: 'Take a recipe off the event',
        security: bearer,
        params: Type.Object({
          id: Type.String({ maxLength: 64 }),
          domain: Domain,
          recipeId: Type.String({ maxLength: 64 }),
        }),
        response: { 204: NoContent, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await links.removeRecipe(
        requireUser(request).userId,
        request.params.id,
        request.params.domain,
        request.params.recipeId,
      );
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/events/:id/shopping-list',
    {
      schema: {
        tags,
        summary: 'Make (or remake) the family shopping list from the event’s recipes',
        description:
          'Scales every recipe to the guest count, merges like ingredients (g/kg/oz/lb and ml/l/cup/tbsp/tsp converted, ' +
          'other units kept apart) and stores the list in Family Planner, where every member reads and checks it off at ' +
          'GET /family/api/shopping-lists/{list_id}. Remaking it keeps what members already checked.',
        security: bearer,
        params: IdParams,
        response: {
          201: Type.Object({
            list_id: Type.String({ format: 'uuid' }),
            family_id: Type.String({ format: 'uuid' }),
            version: Type.Integer(),
            items: Type.Integer(),
            skipped_recipes: Type.Array(Type.Object({ domain: Type.String(), recipe_id: Type.String() })),
            estimated_cost_cents: Type.Integer(),
            budget_cents: Nullable(Type.Integer()),
            budget_remaining_cents: Nullable(Type.Integer()),
          }),
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await links.generateShoppingList(requireUser(request).userId, request.params.id)),
  );
}

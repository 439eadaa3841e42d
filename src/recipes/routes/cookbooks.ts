// /api/cookbooks: a person's ordered collections of recipes (private, shared with a family, or
// public), their recipes as each viewer may see them, and adding, removing and ordering them.
import { Type } from 'typebox';
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
  Page,
  pageQuery,
  recipeAnswerFields,
  Timestamp,
  Uuid,
} from './schemas.ts';

const tags = ['Cookbooks'];

const Visibility = Type.Enum(['private', 'family', 'public'] as const, {
  description:
    'private: only you; family: the members of family_id (while you and they belong to it); public: everyone signed in',
});

export const Cookbook = Type.Object(
  {
    cookbook_id: Uuid,
    user_id: Type.String({ format: 'uuid', description: 'Its owner' }),
    title: Type.String(),
    description: Nullable(Type.String()),
    visibility: Visibility,
    family_id: Nullable(Type.String({ format: 'uuid', description: 'With visibility family: the family' })),
    is_mine: Type.Boolean(),
    recipe_count: Type.Integer({ minimum: 0, description: 'Its recipes you may see' }),
    has_recipe: Type.Boolean({ description: 'With ?recipe_id: whether that recipe is in it (else false)' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { description: 'A cookbook' },
);

const CookbookRecipe = Type.Object(
  { ...recipeAnswerFields, position: Type.Integer({ minimum: 0, description: 'Its place in the cookbook' }) },
  { description: 'A recipe of the cookbook' },
);

const title = Type.String({ minLength: 1, maxLength: LIMITS.cookbookTitle, examples: ['Sunday dinners'] });
const description = Nullable(Type.String({ maxLength: LIMITS.cookbookDescription }));
const familyId = Nullable(
  Type.String({ maxLength: 100, description: 'One of your families (visibility family only)' }),
);

const CookbookBody = Type.Object(
  {
    title,
    description: Type.Optional(description),
    visibility: Type.Optional(Visibility),
    family_id: Type.Optional(familyId),
  },
  {
    additionalProperties: false,
    examples: [
      { title: 'Sunday dinners', description: 'What we cook when everyone is home', visibility: 'private' },
    ],
  },
);

const CookbookPatch = Type.Object(
  {
    title: Type.Optional(title),
    description: Type.Optional(description),
    visibility: Type.Optional(Visibility),
    family_id: Type.Optional(familyId),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ visibility: 'public' }] },
);

const EntryParams = Type.Object({
  id: Type.String({ maxLength: 100, description: 'The cookbook (a UUID)' }),
  recipeId: Type.String({ maxLength: 100, description: 'The recipe (a UUID)' }),
});

const notFoundNote =
  'A cookbook you may not see (another person’s private one, a family one when you or its owner are not in ' +
  'the family, an unknown or malformed id) answers 404 COOKBOOK_NOT_FOUND.';

export function registerCookbookRoutes(app: App, services: RecipesServices): void {
  const { cookbooks } = services;

  app.get(
    '/api/cookbooks',
    {
      schema: {
        tags,
        summary: 'Cookbooks: yours, those shared with your families, or the public ones, newest first',
        description:
          'scope=family asks Family Planner who is in your families (503 FAMILY_UNAVAILABLE when it does not ' +
          'answer). recipe_id marks the cookbooks holding that recipe (has_recipe), for “add to cookbook”.',
        security: bearer,
        querystring: Type.Object(
          {
            ...pageQuery,
            scope: Type.Optional(
              Type.Enum(['mine', 'family', 'public'] as const, {
                description:
                  'mine (default), family (shared with a family of yours by another member), public',
              }),
            ),
            recipe_id: Type.Optional(Type.String({ maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Page(Cookbook, 'Cookbooks, newest first'),
          400: ErrorResponse,
          401: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request) =>
      cookbooks.list(requireUser(request).userId, {
        ...request.query,
        limit: request.query.limit ?? DEFAULT_PAGE_SIZE,
      }),
  );

  app.get(
    '/api/cookbooks/families',
    {
      schema: {
        tags,
        summary: 'The families you may share a cookbook with',
        description:
          'Asked of Family Planner: none where it is not served; 503 FAMILY_UNAVAILABLE when it does not answer.',
        security: bearer,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ family_id: Uuid, family_name: Type.String() })),
          }),
          401: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request) => cookbooks.families(requireUser(request).userId),
  );

  app.post(
    '/api/cookbooks',
    {
      schema: {
        tags,
        summary: 'Make a cookbook',
        description:
          `At most ${LIMITS.cookbooks} per account (409 COOKBOOK_LIMIT_REACHED). visibility family needs ` +
          'family_id, one of your families (404 FAMILY_NOT_FOUND otherwise; 503 FAMILY_UNAVAILABLE when Family ' +
          'Planner does not answer).',
        security: bearer,
        body: CookbookBody,
        response: {
          201: Cookbook,
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await cookbooks.create(requireUser(request).userId, request.body)),
  );

  app.get(
    '/api/cookbooks/:id',
    {
      schema: {
        tags,
        summary: 'One cookbook',
        description: notFoundNote,
        security: bearer,
        params: IdParams,
        response: { 200: Cookbook, 401: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request) => cookbooks.get(requireUser(request).userId, request.params.id),
  );

  app.patch(
    '/api/cookbooks/:id',
    {
      schema: {
        tags,
        summary: 'Change your cookbook: title, description, visibility',
        description: `Only its owner; anyone else’s is 404 COOKBOOK_NOT_FOUND.`,
        security: bearer,
        params: IdParams,
        body: CookbookPatch,
        response: {
          200: Cookbook,
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request) => cookbooks.update(requireUser(request).userId, request.params.id, request.body),
  );

  app.delete(
    '/api/cookbooks/:id',
    {
      schema: {
        tags,
        summary: 'Delete your cookbook (its recipes stay)',
        security: bearer,
        params: IdParams,
        response: { 204: NoContent, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await cookbooks.remove(requireUser(request).userId, request.params.id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/cookbooks/:id/recipes',
    {
      schema: {
        tags,
        summary: 'The cookbook’s recipes you may see, in its order',
        description:
          'Yours, published ones, and in a family cookbook its owner’s own. A recipe unpublished by its author ' +
          `or held back by moderation leaves the list at once. ${notFoundNote}`,
        security: bearer,
        params: IdParams,
        querystring: Type.Object(pageQuery, { additionalProperties: false }),
        response: {
          200: Page(CookbookRecipe, 'Recipes in the cookbook’s order'),
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request) =>
      cookbooks.recipes(requireUser(request).userId, request.params.id, {
        ...request.query,
        limit: request.query.limit ?? DEFAULT_PAGE_SIZE,
      }),
  );

  app.get(
    '/api/cookbooks/:id/recipes/:recipeId',
    {
      schema: {
        tags,
        summary: 'One recipe, read through the cookbook',
        description: `A recipe not in it, or not one you may see there, is 404 RECIPE_NOT_FOUND. ${notFoundNote}`,
        security: bearer,
        params: EntryParams,
        response: { 200: CookbookRecipe, 401: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request) =>
      cookbooks.recipe(requireUser(request).userId, request.params.id, request.params.recipeId),
  );

  app.put(
    '/api/cookbooks/:id/recipes/:recipeId',
    {
      schema: {
        tags,
        summary: 'Add a recipe to your cookbook, at the end (again changes nothing)',
        description:
          `Any recipe you may read: yours, or published (else 404 RECIPE_NOT_FOUND). At most ` +
          `${LIMITS.cookbookRecipes} per cookbook (409 COOKBOOK_FULL).`,
        security: bearer,
        params: EntryParams,
        response: {
          200: Type.Object({
            cookbook_id: Uuid,
            recipe_id: Uuid,
            position: Type.Integer({ minimum: 0 }),
            recipe_count: Type.Integer({ minimum: 0 }),
          }),
          401: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => cookbooks.add(requireUser(request).userId, request.params.id, request.params.recipeId),
  );

  app.delete(
    '/api/cookbooks/:id/recipes/:recipeId',
    {
      schema: {
        tags,
        summary: 'Take a recipe out of your cookbook (one not in it answers the same)',
        security: bearer,
        params: EntryParams,
        response: { 204: NoContent, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await cookbooks.removeRecipe(requireUser(request).userId, request.params.id, request.params.recipeId);
      return reply.status(204).send();
    },
  );

  app.put(
    '/api/cookbooks/:id/order',
    {
      schema: {
        tags,
        summary: 'Put your cookbook’s recipes in this order',
        description:
          'Name every recipe of it you see, each once (400 COOKBOOK_ORDER_MISMATCH otherwise). Recipes you no ' +
          'longer see (unpublished by their author) keep their order after these.',
        security: bearer,
        params: IdParams,
        body: Type.Object(
          {
            recipe_ids: Type.Array(Type.String({ format: 'uuid' }), { maxItems: LIMITS.cookbookRecipes }),
          },
          {
            additionalProperties: false,
            examples: [
              {
                recipe_ids: ['6f1c2a8e-1f5b-4c1e-9d7a-2b8f0e6c4a11', '0b7e4c7a-3c1d-4f4e-8a57-9d3c5a2e1f00'],
              },
            ],
          },
        ),
        response: {
          200: Type.Object({ cookbook_id: Uuid, recipe_ids: Type.Array(Uuid) }),
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) =>
      cookbooks.reorder(requireUser(request).userId, request.params.id, request.body.recipe_ids),
  );
}

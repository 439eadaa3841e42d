// /api/recipes/spooky: the user's spooky recipes, and everyone's published ones (read-only).
import { Type } from 'typebox';
import { communityFields, listOrderProperties } from '../../community/routes.ts';
import { requireUser } from '../../platform/auth/guard.ts';
import type { App } from '../../platform/http/service.ts';
import { LIMITS } from '../service/limits.ts';
import type { RecipeService } from '../service/recipes.ts';
import {
  bearer,
  Description,
  Difficulty,
  ErrorResponse,
  IdParams,
  ImageUrl,
  Ingredient,
  Name,
  NoContent,
  Nullable,
  Page,
  pageProperties,
  QueryDifficulty,
  QueryTags,
  RecipeIngredientInput,
  SearchText,
  Steps,
  Tags,
  Timestamp,
} from './schemas.ts';

const tags = ['Spooky recipes'];

export const Recipe = Type.Object(
  {
    recipe_id: Type.String({ format: 'uuid' }),
    recipe_name: Type.String(),
    description: Nullable(Type.String()),
    spookiness_level: Type.Integer({ minimum: 1, maximum: 10 }),
    difficulty: Difficulty,
    ingredients: Type.Array(Ingredient),
    instructions: Type.Array(Type.String()),
    prep_time_minutes: Nullable(Type.Integer()),
    serves: Nullable(Type.Integer()),
    tags: Type.Array(Type.String()),
    image_url: Nullable(Type.String()),
    is_published: Type.Boolean({
      description:
        'Published recipes are readable by every signed-in user, and by anyone on their public page (/r/{id})',
    }),
    is_mine: Type.Boolean({ description: 'Whether the user asking owns it (only the owner can change it)' }),
    ...communityFields,
    source: Type.Enum(['manual', 'ai'] as const, { description: 'ai: generated through the AI gateway' }),
    ai_model: Nullable(Type.String({ description: 'The model that generated it' })),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  {
    description: 'A spooky recipe',
    examples: [
      {
        recipe_id: '6f1c2a8e-1f5b-4c1e-9d7a-2b8f0e6c4a11',
        recipe_name: 'Graveyard dirt cups',
        description: 'Chocolate pudding under cookie-crumb soil, with gummy worms crawling out.',
        spookiness_level: 6,
        difficulty: 'easy',
        ingredients: [
          { name: 'chocolate pudding', quantity: 500, unit: 'g', note: null },
          { name: 'gummy worms', quantity: 12, unit: null, note: 'one per cup' },
          { name: 'crushed chocolate cookies', quantity: 2, quantity_max: 3, unit: 'cup', note: null },
        ],
        instructions: ['Spoon the pudding into cups.', 'Cover with crushed cookies.', 'Add the worms.'],
        prep_time_minutes: 20,
        serves: 6,
        tags: ['kids-friendly', 'no-bake'],
        image_url: null,
        is_published: false,
        is_mine: true,
        votes: 0,
        has_voted: false,
        moderation: null,
        source: 'manual',
        ai_model: null,
        created_at: '2025-10-01T12:00:00.000Z',
        updated_at: '2025-10-01T12:00:00.000Z',
      },
    ],
  },
);

const recipeProperties = {
  recipe_name: Name,
  description: Type.Optional(Nullable(Description)),
  spookiness_level: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'Default 5' })),
  difficulty: Type.Optional(
    Type.Enum(['easy', 'medium', 'hard', 'nightmare'] as const, { description: 'Default medium' }),
  ),
  ingredients: Type.Optional(Type.Array(RecipeIngredientInput, { maxItems: LIMITS.ingredients })),
  instructions: Type.Optional(Steps),
  prep_time_minutes: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: LIMITS.prepMinutes }))),
  serves: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: LIMITS.serves }))),
  tags: Type.Optional(Tags),
  image_url: Type.Optional(Nullable(ImageUrl)),
  is_published: Type.Optional(Type.Boolean({ description: 'Default false: only you can see it' })),
};

const example = {
  recipe_name: 'Graveyard dirt cups',
  description: 'Chocolate pudding under cookie-crumb soil, with gummy worms crawling out.',
  spookiness_level: 6,
  difficulty: 'easy',
  ingredients: [
    '500 g chocolate pudding',
    '12 gummy worms, one per cup',
    { name: 'crushed chocolate cookies', quantity: 2, quantity_max: 3, unit: 'cup' },
  ],
  instructions: ['Spoon the pudding into cups.', 'Cover with crushed cookies.', 'Add the worms.'],
  prep_time_minutes: 20,
  serves: 6,
  tags: ['kids-friendly', 'no-bake'],
};

const CreateRecipe = Type.Object(recipeProperties, { additionalProperties: false, examples: [example] });
const PatchRecipe = Type.Partial(CreateRecipe, {
  additionalProperties: false,
  minProperties: 1,
  description: 'Only the fields sent change; null clears an optional field',
  examples: [
    { is_published: true },
    { spookiness_level: 9, tags: ['kids-friendly', 'no-bake', 'chocolate'] },
  ],
});

const ListQuery = Type.Object(
  {
    ...pageProperties,
    scope: Type.Optional(
      Type.Enum(['mine', 'published', 'all'] as const, {
        description: "mine (default): your recipes; published: everyone's published ones; all: both",
      }),
    ),
    ...listOrderProperties,
    tags: Type.Optional(QueryTags),
    difficulty: Type.Optional(QueryDifficulty),
    spookiness_min: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    spookiness_max: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    max_prep_minutes: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: LIMITS.prepMinutes,
        description: 'Recipes without a prep time are left out',
      }),
    ),
    q: Type.Optional(SearchText),
  },
  { additionalProperties: false },
);

export function registerRecipeRoutes(app: App, recipes: RecipeService): void {
  app.get(
    '/api/recipes/spooky',
    {
      schema: {
        tags,
        summary: 'List spooky recipes, newest first',
        description:
          'Filters combine: tags (all of them), difficulty (any of them), spookiness range, maximum prep time, ' +
          'and q, words searched in the name, description and ingredient names. Page on with next_cursor.',
        security: bearer,
        querystring: ListQuery,
        response: { 200: Page(Recipe, 'One page of recipes'), 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => recipes.list(requireUser(request).userId, request.query),
  );

  app.post(
    '/api/recipes/spooky',
    {
      schema: {
        tags,
        summary: 'Create a spooky recipe',
        description: 'Private to you until you publish it (is_published).',
        security: bearer,
        body: CreateRecipe,
        response: { 201: Recipe, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await recipes.create(requireUser(request).userId, request.body)),
  );

  app.get(
    '/api/recipes/spooky/:id',
    {
      schema: {
        tags,
        summary: 'One recipe: yours, or a published one',
        description: "Another user's private recipe answers 404 RECIPE_NOT_FOUND, like a missing one.",
        security: bearer,
        params: IdParams,
        response: { 200: Recipe, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => recipes.get(requireUser(request).userId, request.params.id),
  );

  app.patch(
    '/api/recipes/spooky/:id',
    {
      schema: {
        tags,
        summary: 'Change your recipe',
        description: 'Only the owner; anyone else (even for a published recipe) gets 404 RECIPE_NOT_FOUND.',
        security: bearer,
        params: IdParams,
        body: PatchRecipe,
        response: { 200: Recipe, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => recipes.update(requireUser(request).userId, request.params.id, request.body),
  );

  app.delete(
    '/api/recipes/spooky/:id',
    {
      schema: {
        tags,
        summary: 'Delete your recipe',
        description: 'Only the owner; anyone else gets 404 RECIPE_NOT_FOUND.',
        security: bearer,
        params: IdParams,
        response: { 204: NoContent, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await recipes.remove(requireUser(request).userId, request.params.id);
      return reply.status(204).send();
    },
  );
}

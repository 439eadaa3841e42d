// /api/recipes: recipes with filters and cursor pages, scaled reading, ratings, AI generation.
import { Type } from 'typebox';
import { listOrderProperties } from '../../community/routes.ts';
import { requireUser, signedInCheck } from '../../platform/auth/guard.ts';
import { AiModelName } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import type { RecipesServices } from '../index.ts';
import {
  bearer,
  Difficulty,
  ErrorResponse,
  GeneratedRecipeAnswer,
  IdParams,
  LIMITS,
  NoContent,
  Page,
  pageQuery,
  Recipe,
  RecipeBody,
  RecipeDetail,
  RecipePatchBody,
} from './schemas.ts';

const tags = ['Recipes'];
const LabelList = (description: string) =>
  Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
      maxItems: 20,
      description: `${description}; repeat the parameter or separate with commas`,
    }),
  );

const ListQuery = Type.Object(
  {
    ...pageQuery,
    scope: Type.Optional(
      Type.Enum(['all', 'mine', 'published'], {
        description:
          'all (default): yours and every published one; mine: only yours; published: only published ones',
      }),
    ),
    sort: Type.Optional(
      Type.Enum(['newest', 'new', 'top_rated', 'top'], {
        description: 'newest (default; new is the same), top_rated (stars) or top (most upvoted)',
      }),
    ),
    period: listOrderProperties.period,
    cuisine: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.label, examples: ['italian'] })),
    difficulty: Type.Optional(Difficulty),
    max_total_minutes: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: LIMITS.minutes,
        description: 'prep + cook at most this many minutes',
      }),
    ),
    max_calories: Type.Optional(
      Type.Integer({ minimum: 0, maximum: LIMITS.calories, description: 'Calories per serving at most' }),
    ),
    exclude_allergens: LabelList('None of these allergens'),
    tags: LabelList('All of these tags'),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'Words that must each appear in the name, description, cuisine, an ingredient or a tag',
      }),
    ),
    favourites: Type.Optional(Type.Boolean({ description: 'true: only the recipes you marked a favourite' })),
  },
  { additionalProperties: false },
);

const RatingAnswer = Type.Object(
  {
    recipe_id: Type.String({ format: 'uuid' }),
    my_rating: Type.Union([Type.Integer({ minimum: 1, maximum: 5 }), Type.Null()]),
    rating_avg: Type.Number({ minimum: 0, maximum: 5 }),
    rating_count: Type.Integer({ minimum: 0 }),
  },
  { description: 'Your rating and the recipe’s figures right after it' },
);

const GenerateBody = Type.Object(
  {
    theme: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'What to cook; send a theme or a cuisine (or both)',
      }),
    ),
    cuisine: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.label })),
    difficulty: Type.Optional(Difficulty),
    serves: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 })),
    dietary_tags: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: LIMITS.label }), {
        maxItems: 10,
        description: 'e.g. vegetarian, vegan, gluten-free; become tags of the recipe',
      }),
    ),
    avoid_allergens: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: LIMITS.label }), {
        maxItems: 14,
        description: 'An answer containing any of these is refused and asked again',
      }),
    ),
    max_total_minutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 1440 })),
    model: Type.Optional(AiModelName),
  },
  {
    additionalProperties: false,
    examples: [
      {
        theme: 'a cosy weeknight dinner with autumn vegetables',
        cuisine: 'italian',
        difficulty: 'easy',
        serves: 2,
        dietary_tags: ['vegetarian'],
        avoid_allergens: ['peanuts', 'tree nuts'],
        max_total_minutes: 45,
      },
    ],
  },
);

export function registerRecipeRoutes(app: App, services: RecipesServices): void {
  const { recipes, ratings, favourites, generation, shared } = services;

  app.get(
    '/api/recipes',
    {
      schema: {
        tags,
        summary: 'Recipes you may read, newest (or top rated) first, with filters',
        description:
          'Yours (with copies shared to you from other apps, marked by source) and every published recipe ' +
          '(scope=mine or scope=published narrows it). Filters combine: cuisine, ' +
          'difficulty, max_total_minutes (prep + cook), max_calories (per serving), exclude_allergens (none of), ' +
          'tags (all of) and q (text search). Page on with next_cursor.',
        security: bearer,
        querystring: ListQuery,
        response: { 200: Page(Recipe, 'One page of recipes'), 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      return recipes.list(userId, { ...request.query, limit: request.query.limit ?? 20 });
    },
  );

  app.post(
    '/api/recipes',
    {
      schema: {
        tags,
        summary: 'Add a recipe',
        description:
          'Private to you until is_published is true. Tags, allergens and cuisine are stored in lower case.',
        security: bearer,
        body: RecipeBody,
        response: { 201: Recipe, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { userId } = requireUser(request);
      return reply.status(201).send(await recipes.create(userId, request.body));
    },
  );

  app.post(
    '/api/recipes/generate',
    {
      schema: {
        tags,
        summary: 'Have the AI create a recipe and keep it',
        description:
          'Asks the AI gateway for a recipe in a JSON schema, checks the answer (shape, limits, nothing in ' +
          'avoid_allergens, time limit), asks again up to twice when it is unusable, then stores it as your ' +
          `private recipe. Each answer counts against your AI rate limit and credits like any AI call. ` +
          'Errors: 502 AI_ANSWER_INVALID after three unusable answers; the gateway’s 429 AI_RATE_LIMITED, ' +
          '402 INSUFFICIENT_CREDITS and 503 pass through unchanged.',
        security: bearer,
        body: GenerateBody,
        response: {
          201: GeneratedRecipeAnswer,
          400: ErrorResponse,
          401: ErrorResponse,
          402: ErrorResponse,
          429: ErrorResponse,
          502: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { userId, plan, token } = requireUser(request);
      return reply
        .status(201)
        .send(
          await generation.generate(
            { userId, plan, accessToken: token, assertSignedIn: signedInCheck(request) },
            request.body,
          ),
        );
    },
  );

  app.get(
    '/api/recipes/:id',
    {
      schema: {
        tags,
        summary: 'One recipe, optionally scaled to another number of servings',
        description:
          'With ?servings=N the ingredients are scaled to N servings and rounded the way a cook measures ' +
          '(grams to whole or 5 g, spoons and cups to kitchen fractions, counts to halves); calories and ' +
          'nutrition stay per serving. A recipe without serves answers 400 RECIPE_SERVINGS_UNKNOWN.',
        security: bearer,
        params: IdParams,
        querystring: Type.Object(
          { servings: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
          { additionalProperties: false },
        ),
        response: { 200: RecipeDetail, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      return recipes.get(userId, request.params.id, request.query.servings);
    },
  );

  app.patch(
    '/api/recipes/:id',
    {
      schema: {
        tags,
        summary: 'Change your recipe',
        description:
          'Send only the fields to change; null clears a field. Only the author may change a recipe. A shared ' +
          'copy follows its original: 409 RECIPE_IS_SHARED_COPY until you detach it.',
        security: bearer,
        params: IdParams,
        body: RecipePatchBody,
        response: {
          200: Recipe,
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      return recipes.update(userId, request.params.id, request.body);
    },
  );

  app.delete(
    '/api/recipes/:id',
    {
      schema: {
        tags,
        summary: 'Delete your recipe',
        description: 'Its ratings go with it. Meal plans that named it leave it out of their shopping lists.',
        security: bearer,
        params: IdParams,
        response: { 204: NoContent, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { userId } = requireUser(request);
      await recipes.remove(userId, request.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/recipes/:id/detach',
    {
      schema: {
        tags,
        summary: 'Detach a shared copy: make it your own, independent recipe',
        description:
          'A recipe shared from another app (source {domain, recipe_id}) follows its original and cannot be ' +
          'changed here. Detached, it stops following (also after the original was deleted), keeps its current ' +
          'content, and becomes an ordinary recipe of yours (source manual). 409 RECIPE_NOT_SHARED for a recipe ' +
          'that is not a shared copy; 404 for anyone else’s.',
        security: bearer,
        params: IdParams,
        response: { 200: RecipeDetail, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      await shared.detach(userId, request.params.id);
      return recipes.get(userId, request.params.id);
    },
  );

  app.put(
    '/api/recipes/:id/rating',
    {
      schema: {
        tags,
        summary: 'Rate a recipe 1–5 (again to change your rating)',
        description:
          'Any recipe you may read. rating_avg and rating_count stay exact under concurrent raters.',
        security: bearer,
        params: IdParams,
        body: Type.Object(
          { rating: Type.Integer({ minimum: 1, maximum: 5 }) },
          { additionalProperties: false, examples: [{ rating: 5 }] },
        ),
        response: { 200: RatingAnswer, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      return ratings.rate(userId, request.params.id, request.body.rating);
    },
  );

  app.delete(
    '/api/recipes/:id/rating',
    {
      schema: {
        tags,
        summary: 'Take back your rating',
        description:
          'rating_avg and rating_count are recomputed at once. Also 204 when you had not rated it.',
        security: bearer,
        params: IdParams,
        response: { 204: NoContent, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { userId } = requireUser(request);
      await ratings.unrate(userId, request.params.id);
      return reply.status(204).send();
    },
  );

  const FavouriteAnswer = Type.Object(
    { recipe_id: Type.String({ format: 'uuid' }), is_favourite: Type.Boolean() },
    { description: 'Whether the recipe is now one of your favourites' },
  );
  app.put(
    '/api/recipes/:id/favourite',
    {
      schema: {
        tags,
        summary: 'Mark a recipe a favourite (again changes nothing)',
        description:
          `Any recipe you may read: yours, or published. Find them with GET /api/recipes?favourites=true. ` +
          `At most ${LIMITS.favourites} per account.`,
        security: bearer,
        params: IdParams,
        response: { 200: FavouriteAnswer, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => favourites.mark(requireUser(request).userId, request.params.id),
  );
  app.delete(
    '/api/recipes/:id/favourite',
    {
      schema: {
        tags,
        summary: 'Take a recipe off your favourites',
        description: 'The same answer when it was not one.',
        security: bearer,
        params: IdParams,
        response: { 200: FavouriteAnswer, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => favourites.unmark(requireUser(request).userId, request.params.id),
  );
}

// /api/collections/halloween: the seasonal Halloween collection (published Hollowtown recipes,
// read through Hollowtown's client), and /api/meal-plans/templates + from-template: week-long
// plans made from templates of that collection, each with its shopping list.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { CursorParam } from '../../platform/http/pagination.ts';
import type { App } from '../../platform/http/service.ts';
import type { RecipesServices } from '../index.ts';
import { MealPlan } from './meal-plans.ts';
import { bearer, CalendarDate, ErrorResponse, Nullable } from './schemas.ts';
import { ShoppingList } from './shopping-lists.ts';

const CollectionItem = Type.Object({
  recipe_id: Type.String({ format: 'uuid', description: 'The recipe’s id in Hollowtown' }),
  recipe_name: Type.String(),
  description: Nullable(Type.String()),
  spookiness_level: Type.Integer({ minimum: 1, maximum: 10 }),
  difficulty: Type.String(),
  prep_time_minutes: Nullable(Type.Integer()),
  serves: Nullable(Type.Integer()),
  tags: Type.Array(Type.String()),
  image_url: Nullable(Type.String()),
  url: Type.String({ description: 'The recipe’s page on Hollowtown' }),
  source: Type.Literal('hollowtown'),
});

const HalloweenCollection = Type.Object(
  {
    collection: Type.Literal('halloween'),
    title: Type.String(),
    season: Type.Object({
      from: Type.String({ description: 'MM-DD (CALOS_HALLOWEEN_SEASON)' }),
      to: Type.String({ description: 'MM-DD' }),
      in_season: Type.Boolean(),
    }),
    banner: Nullable(Type.Object({ title: Type.String(), text: Type.String() })),
    degraded: Type.Boolean({ description: 'true when Hollowtown did not answer: empty for now' }),
    degraded_reason: Nullable(Type.String()),
    items: Type.Array(CollectionItem),
    next_cursor: Nullable(Type.String()),
  },
  { description: 'Published Hollowtown recipes, newest first, with the season’s banner' },
);

const CollectionQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 24 })),
    cursor: Type.Optional(CursorParam),
  },
  { additionalProperties: false },
);

const TemplateSummary = Type.Object({
  template: Type.String({ description: 'Its key, as from-template takes it' }),
  name: Type.String(),
  description: Type.String(),
  season: Type.String(),
  duration_days: Type.Integer(),
  meals: Type.Integer({ description: 'Meals it lays out' }),
});

const FromTemplate = Type.Object(
  {
    template: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$' }),
    start_date: CalendarDate,
  },
  { additionalProperties: false, examples: [{ template: 'halloween-week', start_date: '2026-10-25' }] },
);

const TemplatePlan = Type.Object({
  created: Type.Boolean({ description: 'false: you had this plan already (same template and start date)' }),
  plan: MealPlan,
  shopping_list: Nullable(ShoppingList),
  skipped_recipes: Type.Array(Type.String(), {
    description: 'Recipes the template names that Hollowtown does not publish now: their slots stay empty',
  }),
});

export function registerCollectionRoutes(app: App, services: RecipesServices): void {
  app.get(
    '/api/collections/halloween',
    {
      schema: {
        tags: ['Collections'],
        summary: 'The Halloween collection: published Hollowtown recipes, with a banner in season',
        description:
          'Read through Hollowtown’s client; each item links to its page on Hollowtown. When Hollowtown does ' +
          'not answer, the collection is empty with degraded: true (never an error). The banner shows between ' +
          'the days of CALOS_HALLOWEEN_SEASON.',
        security: bearer,
        querystring: CollectionQuery,
        response: { 200: HalloweenCollection, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => services.collections.halloween(request.query),
  );

  app.get(
    '/api/meal-plans/templates',
    {
      schema: {
        tags: ['Meal plans'],
        summary: 'Meal plan templates (Halloween week, …)',
        security: bearer,
        response: {
          200: Type.Object({ items: Type.Array(TemplateSummary) }),
          401: ErrorResponse,
        },
      },
    },
    async () => ({ items: await services.mealPlanTemplates.list() }),
  );

  app.post(
    '/api/meal-plans/from-template',
    {
      schema: {
        tags: ['Meal plans'],
        summary: 'Make a meal plan from a template, with its shopping list',
        description:
          'Copies the template’s Hollowtown recipes into your recipes (copies that follow their originals), lays ' +
          'them out from start_date and makes the shopping list. The same template and start date again answers ' +
          'the plan made before (200, created: false). Unknown template: 404 MEAL_PLAN_TEMPLATE_NOT_FOUND; ' +
          'Hollowtown unreachable: 503 HOLLOWTOWN_UNAVAILABLE; at most 100 such plans: 409 ' +
          'MEAL_PLAN_TEMPLATE_LIMIT_REACHED.',
        security: bearer,
        body: FromTemplate,
        response: {
          200: TemplatePlan,
          201: TemplatePlan,
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const answer = await services.mealPlanTemplates.create(requireUser(request).userId, request.body);
      return reply.status(answer.created ? 201 : 200).send(answer);
    },
  );
}

// /api/meal-plans: recipes per date and slot, and the shopping list a plan needs.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import type { App } from '../../platform/http/service.ts';
import type { RecipesServices } from '../index.ts';
import {
  bearer,
  CalendarDate,
  ErrorResponse,
  IdParams,
  LIMITS,
  NoContent,
  Nullable,
  Page,
  pageQuery,
  QuantityLine,
  Timestamp,
  Uuid,
} from './schemas.ts';
import { ShoppingList, withBuyLinks } from './shopping-lists.ts';

const tags = ['Meal plans'];

const Slots = Type.Object(
  {
    breakfast: Type.Optional(Uuid),
    lunch: Type.Optional(Uuid),
    dinner: Type.Optional(Uuid),
    snack: Type.Optional(Uuid),
  },
  { additionalProperties: false, description: 'A recipe_id per slot' },
);

const Meals = Type.Record(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), Slots, {
  additionalProperties: false,
  maxProperties: 366,
  description:
    '{date: {breakfast, lunch, dinner, snack: recipe_id}}; every date within the plan, every recipe one you may read',
});

const mealsExample = {
  '2025-10-27': {
    breakfast: '6f1c2d8e-0b7a-4c1e-9a55-3f0e2b7c9d10',
    dinner: '0b6f9a9e-3c1d-4f3e-9a57-2d9e4f7a1012',
  },
  '2025-10-28': { lunch: '0b6f9a9e-3c1d-4f3e-9a57-2d9e4f7a1012' },
};

export const MealPlan = Type.Object(
  {
    plan_id: Uuid,
    plan_name: Type.String(),
    start_date: Type.String({ format: 'date' }),
    end_date: Type.String({ format: 'date', description: 'The plan’s last day' }),
    duration_days: Type.Integer(),
    meals: Type.Record(Type.String(), Type.Record(Type.String(), Type.String())),
    shopping_list: Type.Array(QuantityLine, {
      description: 'What the last generated shopping list asked for',
    }),
    total_cost_cents: Nullable(Type.Integer()),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { description: 'A meal plan' },
);

const planFields = {
  duration_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, description: 'Default 7' })),
  meals: Type.Optional(Meals),
  total_cost_cents: Type.Optional(
    Nullable(Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'Your budget or estimate' })),
  ),
};

const PlanBody = Type.Object(
  {
    plan_name: Type.String({ minLength: 1, maxLength: LIMITS.name }),
    start_date: CalendarDate,
    ...planFields,
  },
  {
    additionalProperties: false,
    examples: [
      { plan_name: 'Halloween week', start_date: '2025-10-27', duration_days: 7, meals: mealsExample },
    ],
  },
);

const PlanPatchBody = Type.Object(
  {
    plan_name: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.name })),
    start_date: Type.Optional(CalendarDate),
    ...planFields,
  },
  { additionalProperties: false, minProperties: 1, examples: [{ meals: mealsExample }] },
);

const ShoppingListBody = Type.Object(
  {
    list_name: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: LIMITS.name,
        description: 'Default: "Shopping for <plan name>"',
      }),
    ),
    store: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
    servings: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: LIMITS.serves,
        description: 'Cook every recipe for this many (recipes without serves stay as written)',
      }),
    ),
    subtract_pantry: Type.Optional(
      Type.Boolean({ description: 'Leave out what the pantry holds (default true)' }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ list_name: 'Big Saturday shop', store: 'Market', servings: 4 }],
  },
);

export function registerMealPlanRoutes(app: App, services: RecipesServices): void {
  const { mealPlans } = services;
  app.get(
    '/api/meal-plans',
    {
      schema: {
        tags,
        summary: 'Your meal plans, newest first',
        description: 'from / to keep the plans that overlap those days.',
        security: bearer,
        querystring: Type.Object(
          { ...pageQuery, from: Type.Optional(CalendarDate), to: Type.Optional(CalendarDate) },
          { additionalProperties: false },
        ),
        response: { 200: Page(MealPlan, 'One page of meal plans'), 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      return mealPlans.list(userId, { ...request.query, limit: request.query.limit ?? 20 });
    },
  );

  app.post(
    '/api/meal-plans',
    {
      schema: {
        tags,
        summary: 'Plan meals',
        description:
          'Dates outside the plan answer 400 MEAL_DATE_OUT_OF_RANGE; a recipe you may not read answers 404 ' +
          'RECIPE_NOT_FOUND with details.recipe_ids.',
        security: bearer,
        body: PlanBody,
        response: { 201: MealPlan, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { userId } = requireUser(request);
      return reply.status(201).send(await mealPlans.create(userId, request.body));
    },
  );

  app.get(
    '/api/meal-plans/:id',
    {
      schema: {
        tags,
        summary: 'One meal plan',
        security: bearer,
        params: IdParams,
        response: { 200: MealPlan, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => mealPlans.get(requireUser(request).userId, request.params.id),
  );

  app.patch(
    '/api/meal-plans/:id',
    {
      schema: {
        tags,
        summary: 'Change a meal plan',
        description:
          'meals replaces every meal. Moving or shortening the plan must keep its meals inside it.',
        security: bearer,
        params: IdParams,
        body: PlanPatchBody,
        response: { 200: MealPlan, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => mealPlans.update(requireUser(request).userId, request.params.id, request.body),
  );

  app.delete(
    '/api/meal-plans/:id',
    {
      schema: {
        tags,
        summary: 'Delete a meal plan',
        description: 'Shopping lists generated from it stay (their plan_id becomes null).',
        security: bearer,
        params: IdParams,
        response: { 204: NoContent, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await mealPlans.remove(requireUser(request).userId, request.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/meal-plans/:id/shopping-list',
    {
      // Every option has a default: no body at all means {}.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags,
        summary: 'Make the shopping list this plan needs',
        description:
          'Every planned meal’s ingredients, like ones merged (names compared without case or plural; g/kg/oz/lb ' +
          'and ml/l/tsp/tbsp/cup converted; other units kept apart), what your pantry holds subtracted in the same ' +
          'way, amounts rounded up. Stored as a new shopping list (plan_id set). Recipes you can no longer read ' +
          'are left out and named in skipped_recipe_ids.',
        security: bearer,
        params: IdParams,
        body: ShoppingListBody,
        response: {
          201: Type.Object(
            {
              ...ShoppingList.properties,
              skipped_recipe_ids: Type.Array(Type.String(), {
                description: 'Planned recipes left out: deleted, or no longer readable',
              }),
            },
            { description: 'The new shopping list' },
          ),
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { userId } = requireUser(request);
      const list = await mealPlans.generateShoppingList(userId, request.params.id, request.body);
      return reply.status(201).send(await withBuyLinks(services, userId, list));
    },
  );
}

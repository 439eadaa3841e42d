// /api/pantry: what you have at home, and what to use up soon.
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
  Timestamp,
  Uuid,
} from './schemas.ts';

const tags = ['Pantry'];
const Location = Type.Enum(['fridge', 'freezer', 'pantry']);

const PantryItem = Type.Object(
  {
    item_id: Uuid,
    item_name: Type.String(),
    quantity: Type.Number(),
    unit: Type.String(),
    category: Nullable(Type.String()),
    expiration_date: Nullable(Type.String({ format: 'date' })),
    location: Location,
    days_until_expiry: Nullable(
      Type.Integer({ description: 'Days from today (UTC) to the expiration date; negative once expired' }),
    ),
    is_expired: Type.Boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { description: 'A pantry item' },
);

const itemFields = {
  quantity: Type.Optional(Type.Number({ minimum: 0, maximum: LIMITS.quantity, description: 'Default 1' })),
  unit: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: LIMITS.unit,
      description: "Default 'count'; g/kg/oz/lb and ml/l/tsp/tbsp/cup count against recipes in any of them",
    }),
  ),
  category: Type.Optional(
    Nullable(Type.String({ minLength: 1, maxLength: LIMITS.label, examples: ['dairy'] })),
  ),
  expiration_date: Type.Optional(Nullable(CalendarDate)),
  location: Type.Optional(Location),
};

const ItemBody = Type.Object(
  { item_name: Type.String({ minLength: 1, maxLength: LIMITS.name }), ...itemFields },
  {
    additionalProperties: false,
    examples: [
      {
        item_name: 'whole milk',
        quantity: 1,
        unit: 'l',
        category: 'dairy',
        expiration_date: '2025-10-31',
        location: 'fridge',
      },
    ],
  },
);

const ItemPatchBody = Type.Object(
  { item_name: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.name })), ...itemFields },
  { additionalProperties: false, minProperties: 1, examples: [{ quantity: 0.5 }] },
);

export function registerPantryRoutes(app: App, { pantry }: RecipesServices): void {
  app.get(
    '/api/pantry/items',
    {
      schema: {
        tags,
        summary: 'Your pantry, newest first',
        description:
          'Filters: location, category, expiring_within_days (expires within that many days from today, ' +
          'expired ones included), q (name contains).',
        security: bearer,
        querystring: Type.Object(
          {
            ...pageQuery,
            location: Type.Optional(Location),
            category: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.label })),
            expiring_within_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
            q: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.name })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Page(PantryItem, 'One page of pantry items'),
          400: ErrorResponse,
          401: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      return pantry.list(userId, { ...request.query, limit: request.query.limit ?? 20 });
    },
  );

  app.get(
    '/api/pantry/expiring',
    {
      schema: {
        tags,
        summary: 'Use these soon: items expiring within `days`, soonest first',
        description:
          'Items already expired come first (include_expired=false leaves them out). Days count in UTC.',
        security: bearer,
        querystring: Type.Object(
          {
            ...pageQuery,
            days: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650, default: 7 })),
            include_expired: Type.Optional(Type.Boolean({ default: true })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Page(PantryItem, 'One page of expiring items'),
          400: ErrorResponse,
          401: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { userId } = requireUser(request);
      return pantry.expiring(userId, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
        days: request.query.days ?? 7,
        include_expired: request.query.include_expired ?? true,
      });
    },
  );

  app.post(
    '/api/pantry/items',
    {
      schema: {
        tags,
        summary: 'Add something to the pantry',
        security: bearer,
        body: ItemBody,
        response: { 201: PantryItem, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { userId } = requireUser(request);
      return reply.status(201).send(await pantry.create(userId, request.body));
    },
  );

  app.get(
    '/api/pantry/items/:id',
    {
      schema: {
        tags,
        summary: 'One pantry item',
        security: bearer,
        params: IdParams,
        response: { 200: PantryItem, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => pantry.get(requireUser(request).userId, request.params.id),
  );

  app.patch(
    '/api/pantry/items/:id',
    {
      schema: {
        tags,
        summary: 'Change a pantry item (used some, moved it, new date)',
        security: bearer,
        params: IdParams,
        body: ItemPatchBody,
        response: { 200: PantryItem, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => pantry.update(requireUser(request).userId, request.params.id, request.body),
  );

  app.delete(
    '/api/pantry/items/:id',
    {
      schema: {
        tags,
        summary: 'Remove a pantry item',
        security: bearer,
        params: IdParams,
        response: { 204: NoContent, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await pantry.remove(requireUser(request).userId, request.params.id);
      return reply.status(204).send();
    },
  );
}

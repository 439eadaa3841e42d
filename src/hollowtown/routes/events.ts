// /api/events: the user's Halloween events, each with a budget and a shopping list.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import type { App } from '../../platform/http/service.ts';
import type { EventService } from '../service/events.ts';
import { LIMITS } from '../service/limits.ts';
import { EVENT_TYPES } from '../store/events.ts';
import {
  bearer,
  Cents,
  ErrorResponse,
  IdParams,
  ItemName,
  Name,
  NoContent,
  Note,
  Nullable,
  Page,
  pageProperties,
  Quantity,
  Timestamp,
  Unit,
} from './schemas.ts';

const tags = ['Halloween events'];

const EventType = Type.Enum(EVENT_TYPES, { description: 'party, haunted-house, trick-or-treat or other' });
/** Years 1900 to 2999: PostgreSQL has no year 0, which ajv's date format would let through. */
const DAY_PATTERN = '^(19|2\\d)\\d\\d-';
const EventDate = Type.String({
  format: 'date',
  pattern: DAY_PATTERN,
  description: 'A calendar day, YYYY-MM-DD',
  examples: ['2025-10-31'],
});

const ShoppingItemInput = Type.Object(
  {
    name: ItemName,
    quantity: Type.Optional(Nullable(Quantity)),
    unit: Type.Optional(Nullable(Unit)),
    note: Type.Optional(Nullable(Note)),
    checked: Type.Optional(Type.Boolean({ description: 'Bought already; default false' })),
    estimated_cost_cents: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100_000_000 }))),
  },
  { additionalProperties: false },
);

const ShoppingItem = Type.Object({
  name: Type.String(),
  quantity: Nullable(Type.Number()),
  unit: Nullable(Type.String()),
  note: Nullable(Type.String()),
  checked: Type.Boolean(),
  estimated_cost_cents: Nullable(Type.Integer()),
});

const Event = Type.Object(
  {
    event_id: Type.String({ format: 'uuid' }),
    family_id: Nullable(
      Type.String({
        format: 'uuid',
        description: 'The family this event is planned with: its members see it too',
      }),
    ),
    is_mine: Type.Boolean({ description: 'Whether you own the event (members of its family see it too)' }),
    family_shopping_list: Nullable(
      Type.Object(
        {
          list_id: Type.String({ format: 'uuid' }),
          items: Type.Integer(),
          checked: Type.Integer(),
          estimated_cost_cents: Type.Integer(),
          budget_remaining_cents: Nullable(Type.Integer()),
        },
        {
          description: 'The family shopping list made from the event’s recipes, its cost against the budget',
        },
      ),
    ),
    event_name: Type.String(),
    event_type: EventType,
    event_date: Type.String({ format: 'date' }),
    location: Nullable(Type.String()),
    guest_count: Type.Integer(),
    budget_cents: Nullable(Type.Integer()),
    shopping_list: Type.Array(ShoppingItem),
    shopping_total_cents: Type.Integer({ description: 'Sum of the estimated costs on the shopping list' }),
    items_remaining: Type.Integer({ description: 'Shopping items not checked yet' }),
    budget_remaining_cents: Nullable(
      Type.Integer({ description: 'Budget minus the shopping total; negative when over budget' }),
    ),
    total_cost_cents: Type.Integer({
      description: 'Everything planned: the shopping total plus the family shopping list’s estimated cost',
    }),
    total_budget_remaining_cents: Nullable(
      Type.Integer({ description: 'Budget minus total_cost_cents; negative when over budget' }),
    ),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  {
    description: 'A Halloween event',
    examples: [
      {
        event_id: '0b6f9a9e-3c1d-4f3e-9a57-2d9e4f7a1012',
        family_id: null,
        is_mine: true,
        family_shopping_list: null,
        event_name: 'Monster mash',
        event_type: 'party',
        event_date: '2025-10-31',
        location: '13 Elm Street',
        guest_count: 20,
        budget_cents: 15000,
        shopping_list: [
          {
            name: 'pumpkins',
            quantity: 4,
            unit: null,
            note: null,
            checked: false,
            estimated_cost_cents: 2000,
          },
        ],
        shopping_total_cents: 2000,
        items_remaining: 1,
        budget_remaining_cents: 13000,
        total_cost_cents: 2000,
        total_budget_remaining_cents: 13000,
        created_at: '2025-10-01T12:00:00.000Z',
        updated_at: '2025-10-01T12:00:00.000Z',
      },
    ],
  },
);

const CreateEvent = Type.Object(
  {
    family_id: Type.Optional(
      Nullable(
        Type.String({ format: 'uuid', description: 'Plan it with one of your families; null unlinks' }),
      ),
    ),
    event_name: Name,
    event_type: EventType,
    event_date: EventDate,
    location: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.location }))),
    guest_count: Type.Optional(
      Type.Integer({ minimum: 0, maximum: LIMITS.guests, description: 'Default 0' }),
    ),
    budget_cents: Type.Optional(Nullable(Cents)),
    shopping_list: Type.Optional(Type.Array(ShoppingItemInput, { maxItems: LIMITS.shoppingItems })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        event_name: 'Monster mash',
        event_type: 'party',
        event_date: '2025-10-31',
        location: '13 Elm Street',
        guest_count: 20,
        budget_cents: 15000,
        shopping_list: [{ name: 'pumpkins', quantity: 4, estimated_cost_cents: 2000 }],
      },
    ],
  },
);

const PatchEvent = Type.Partial(CreateEvent, {
  additionalProperties: false,
  minProperties: 1,
  description: 'Only the fields sent change; shopping_list replaces the whole list; null clears',
  examples: [{ guest_count: 25 }, { shopping_list: [{ name: 'pumpkins', quantity: 4, checked: true }] }],
});

const ListQuery = Type.Object(
  {
    ...pageProperties,
    scope: Type.Optional(
      Type.Union([Type.Literal('all'), Type.Literal('mine')], {
        description:
          'all (default): yours and those planned with your families (is_mine tells); mine: yours only',
      }),
    ),
    event_type: Type.Optional(
      Type.Array(EventType, { maxItems: EVENT_TYPES.length, description: 'Any of these' }),
    ),
    from: Type.Optional(
      Type.String({ format: 'date', pattern: DAY_PATTERN, description: 'Events on or after this day' }),
    ),
    to: Type.Optional(
      Type.String({ format: 'date', pattern: DAY_PATTERN, description: 'Events on or before this day' }),
    ),
  },
  { additionalProperties: false },
);

export function registerEventRoutes(app: App, events: EventService): void {
  app.get(
    '/api/events',
    {
      schema: {
        tags,
        summary: 'Your Halloween events and your families’, soonest first',
        description: 'Filter by type and by a date range (from, to). Page on with next_cursor.',
        security: bearer,
        querystring: ListQuery,
        response: { 200: Page(Event, 'One page of events'), 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => events.list(requireUser(request).userId, request.query),
  );

  app.post(
    '/api/events',
    {
      schema: {
        tags,
        summary: 'Plan a Halloween event',
        security: bearer,
        body: CreateEvent,
        response: { 201: Event, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await events.create(requireUser(request).userId, request.body)),
  );

  app.get(
    '/api/events/:id',
    {
      schema: {
        tags,
        summary: 'One of your events, or one planned with a family you belong to',
        description: "Anyone else's event answers 404 EVENT_NOT_FOUND, like a missing one.",
        security: bearer,
        params: IdParams,
        response: { 200: Event, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => events.get(requireUser(request).userId, request.params.id),
  );

  app.patch(
    '/api/events/:id',
    {
      schema: {
        tags,
        summary: 'Change your event',
        security: bearer,
        params: IdParams,
        body: PatchEvent,
        response: { 200: Event, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => events.update(requireUser(request).userId, request.params.id, request.body),
  );

  app.delete(
    '/api/events/:id',
    {
      schema: {
        tags,
        summary: 'Delete your event',
        security: bearer,
        params: IdParams,
        response: { 204: NoContent, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await events.remove(requireUser(request).userId, request.params.id);
      return reply.status(204).send();
    },
  );
}

// /api/haunted-house/plans: the user's haunted-house rooms, one plan per room.
import { Type } from 'typebox';
import { communityFields, listOrderProperties } from '../../community/routes.ts';
import { requireUser } from '../../platform/auth/guard.ts';
import type { App } from '../../platform/http/service.ts';
import { LIMITS } from '../service/limits.ts';
import type { PlanService } from '../service/plans.ts';
import {
  bearer,
  ErrorResponse,
  IdParams,
  ItemName,
  Name,
  NoContent,
  Note,
  Nullable,
  Page,
  pageProperties,
  SearchText,
  Steps,
  Timestamp,
} from './schemas.ts';

const tags = ['Haunted-house plans'];

const ScareLevel = Type.Integer({ minimum: 1, maximum: 10, description: '1 (cosy) to 10 (run!)' });

const PropInput = Type.Object(
  {
    name: ItemName,
    quantity: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: LIMITS.propQuantity }))),
    note: Type.Optional(Nullable(Note)),
  },
  { additionalProperties: false },
);

const Prop = Type.Object({
  name: Type.String(),
  quantity: Nullable(Type.Integer()),
  note: Nullable(Type.String()),
});

const Plan = Type.Object(
  {
    plan_id: Type.String({ format: 'uuid' }),
    room_name: Type.String(),
    scare_level: Type.Integer(),
    props_needed: Type.Array(Prop),
    setup_instructions: Type.Array(Type.String()),
    is_published: Type.Boolean({ description: 'Published plans are readable by every signed-in user' }),
    is_mine: Type.Boolean({ description: 'Whether the user asking owns it (only the owner can change it)' }),
    ...communityFields,
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  {
    description: 'One room of a haunted house',
    examples: [
      {
        plan_id: '3c9e1a7b-2d4f-4b6a-8e0c-5f1d2a3b4c5d',
        room_name: "The surgeon's parlour",
        scare_level: 8,
        props_needed: [{ name: 'fog machine', quantity: 1, note: null }],
        setup_instructions: ['Black out the windows.', 'Hide the fog machine under the table.'],
        is_published: false,
        is_mine: true,
        votes: 0,
        has_voted: false,
        moderation: null,
        created_at: '2025-10-01T12:00:00.000Z',
        updated_at: '2025-10-01T12:00:00.000Z',
      },
    ],
  },
);

const CreatePlan = Type.Object(
  {
    room_name: Name,
    scare_level: ScareLevel,
    props_needed: Type.Optional(Type.Array(PropInput, { maxItems: LIMITS.props })),
    setup_instructions: Type.Optional(Steps),
    is_published: Type.Optional(Type.Boolean({ description: 'Default false: only you can see it' })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        room_name: "The surgeon's parlour",
        scare_level: 8,
        props_needed: [
          { name: 'fog machine', quantity: 1 },
          { name: 'rubber scalpel', quantity: 3 },
        ],
        setup_instructions: ['Black out the windows.', 'Hide the fog machine under the table.'],
      },
    ],
  },
);

const PatchPlan = Type.Partial(CreatePlan, {
  additionalProperties: false,
  minProperties: 1,
  description: 'Only the fields sent change; lists replace the whole list',
  examples: [{ scare_level: 9 }],
});

const ListQuery = Type.Object(
  {
    ...pageProperties,
    scope: Type.Optional(
      Type.Enum(['mine', 'published', 'all'] as const, {
        description:
          "mine (default): your plans; published: everyone's published ones (the starter pack's too); all: both",
      }),
    ),
    ...listOrderProperties,
    scare_min: Type.Optional(ScareLevel),
    scare_max: Type.Optional(ScareLevel),
    q: Type.Optional(SearchText),
  },
  { additionalProperties: false },
);

export function registerPlanRoutes(app: App, plans: PlanService): void {
  app.get(
    '/api/haunted-house/plans',
    {
      schema: {
        tags,
        summary: 'Haunted-house rooms (yours, or published ones), newest first',
        description: 'Filter by scare level (scare_min, scare_max) and q (words in the room or prop names).',
        security: bearer,
        querystring: ListQuery,
        response: { 200: Page(Plan, 'One page of room plans'), 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => plans.list(requireUser(request).userId, request.query),
  );

  app.post(
    '/api/haunted-house/plans',
    {
      schema: {
        tags,
        summary: 'Plan a haunted-house room',
        security: bearer,
        body: CreatePlan,
        response: { 201: Plan, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await plans.create(requireUser(request).userId, request.body)),
  );

  app.get(
    '/api/haunted-house/plans/:id',
    {
      schema: {
        tags,
        summary: 'One of your room plans',
        description: "Another user's plan answers 404 HAUNTED_HOUSE_PLAN_NOT_FOUND, like a missing one.",
        security: bearer,
        params: IdParams,
        response: { 200: Plan, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => plans.get(requireUser(request).userId, request.params.id),
  );

  app.patch(
    '/api/haunted-house/plans/:id',
    {
      schema: {
        tags,
        summary: 'Change your room plan',
        description:
          'A plan is free or for sale, not both: publishing one listed in the marketplace answers 409 `PLAN_IS_LISTED` (unlist it first).',
        security: bearer,
        params: IdParams,
        body: PatchPlan,
        response: {
          200: Plan,
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => plans.update(requireUser(request).userId, request.params.id, request.body),
  );

  app.delete(
    '/api/haunted-house/plans/:id',
    {
      schema: {
        tags,
        summary: 'Delete your room plan',
        description:
          'A plan bought in the marketplace (and not refunded) stays for its buyers: deleting it answers 409 `ITEM_HAS_BUYERS` with `details.buyers`; unlist it to stop selling it.',
        security: bearer,
        params: IdParams,
        response: { 204: NoContent, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      await plans.remove(requireUser(request).userId, request.params.id);
      return reply.status(204).send();
    },
  );
}

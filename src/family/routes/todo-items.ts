// /api/todos/:id/items: the items of a todo list.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { PageQuery } from '../../platform/http/pagination.ts';
import type { App } from '../../platform/http/service.ts';
import { FamilyErrors } from '../errors.ts';
import { MAX_COMPLETIONS_SHOWN, type TodoService } from '../service/todos.ts';
import {
  bearer,
  Completion,
  DateTime,
  ErrorResponse,
  ItemStatus,
  idsOrNotFound,
  NoContent,
  NullableDescription,
  NullableDueDate,
  PageOf,
  Points,
  Priority,
  RecurrenceRule,
  Reminders,
  Rotation,
  Title,
  TodoItem,
  Uuid,
} from './schemas.ts';
import { notFound } from './todos.ts';

const ListParams = Type.Object({ id: Uuid('The list_id') });
const ItemParams = Type.Object({ id: Uuid('The list_id'), itemId: Uuid('The item_id') });
const listIds = idsOrNotFound({ id: FamilyErrors.listNotFound });
const itemIds = idsOrNotFound({ id: FamilyErrors.listNotFound, itemId: FamilyErrors.itemNotFound });

const NullableAssignee = Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
  description: 'A member’s user_id (the owner’s on a personal list), or null',
});

export function registerTodoItemRoutes(app: App, todos: TodoService): void {
  const itemTags = ['Todo items'];

  app.post(
    '/api/todos/:id/items',
    {
      schema: {
        tags: itemTags,
        summary: 'Add an item to a list',
        description:
          'Parents and admins (the owner for a personal list). An assignee who is not a member is 400 ' +
          'ASSIGNEE_NOT_MEMBER. An item created as done is completed by you, now. A chore has a recurrence_rule ' +
          '(its due_date is the first occurrence; 400 INVALID_RECURRENCE) and may rotate among members: the ' +
          'first turn is assigned_to’s (400 ASSIGNEE_NOT_IN_ROTATION), else the first member’s.',
        security: bearer,
        params: ListParams,
        body: Type.Object(
          {
            title: Title,
            description: Type.Optional(NullableDescription),
            assigned_to: Type.Optional(NullableAssignee),
            due_date: Type.Optional(NullableDueDate),
            priority: Type.Optional(Priority),
            status: Type.Optional(ItemStatus),
            recurrence_rule: Type.Optional(RecurrenceRule),
            rotation: Type.Optional(Rotation),
            points: Type.Optional(Points),
            reminders: Type.Optional(Reminders),
          },
          {
            additionalProperties: false,
            examples: [
              {
                title: 'Take out the bins',
                due_date: '2025-10-30T18:00:00Z',
                recurrence_rule: 'FREQ=WEEKLY',
                rotation: ['0b6f9a9e-3c1d-4f3e-9a57-2d9e4f7a1012', '5c2e8b1d-7a4f-4e2b-8c3d-1f0a9b8e7d6c'],
                points: 5,
              },
              {
                title: 'Carve the pumpkins',
                assigned_to: '0b6f9a9e-3c1d-4f3e-9a57-2d9e4f7a1012',
                due_date: '2025-10-30T18:00:00Z',
                priority: 'high',
              },
            ],
          },
        ),
        response: {
          201: TodoItem,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
      preValidation: listIds,
    },
    async (request, reply) => {
      const item = await todos.createItem(requireUser(request).userId, request.params.id, request.body);
      return reply.status(201).send(item);
    },
  );

  app.get(
    '/api/todos/:id/items',
    {
      schema: {
        tags: itemTags,
        summary: 'The items of a list, oldest first',
        description: `Filter by status (repeatable) and assignee. ${notFound}`,
        security: bearer,
        params: ListParams,
        querystring: Type.Object(
          {
            ...PageQuery.properties,
            status: Type.Optional(Type.Array(ItemStatus, { maxItems: 3, uniqueItems: true })),
            assigned_to: Type.Optional(Uuid('Only items assigned to this user')),
          },
          { additionalProperties: false },
        ),
        response: {
          200: PageOf(TodoItem, 'One page of items'),
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
      preValidation: listIds,
    },
    async (request) =>
      todos.listItems(requireUser(request).userId, request.params.id, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
        status: request.query.status,
        assigned_to: request.query.assigned_to,
      }),
  );

  app.get(
    '/api/todos/:id/items/:itemId',
    {
      schema: {
        tags: itemTags,
        summary: 'One item',
        security: bearer,
        params: ItemParams,
        response: { 200: TodoItem, 401: ErrorResponse, 404: ErrorResponse },
      },
      preValidation: itemIds,
    },
    async (request) => todos.getItem(requireUser(request).userId, request.params.id, request.params.itemId),
  );

  app.patch(
    '/api/todos/:id/items/:itemId',
    {
      schema: {
        tags: itemTags,
        summary: 'Change an item, or move it along (todo, in_progress, done)',
        description:
          'Parents and admins change anything; a child may change only the status of an item assigned to them. ' +
          'completed_at and completed_by follow the status and are never sent. A chore set to done is recorded ' +
          '(see /completions) and comes back at the next occurrence after its due date (after now when done ' +
          'late), assigned to the next member of its rotation; when its rule has ended it stays done. A new ' +
          'recurrence_rule, rotation or due date re-plans it from its due date.',
        security: bearer,
        params: ItemParams,
        body: Type.Object(
          {
            title: Type.Optional(Title),
            description: Type.Optional(NullableDescription),
            assigned_to: Type.Optional(NullableAssignee),
            due_date: Type.Optional(NullableDueDate),
            priority: Type.Optional(Priority),
            status: Type.Optional(ItemStatus),
            recurrence_rule: Type.Optional(RecurrenceRule),
            rotation: Type.Optional(Rotation),
            points: Type.Optional(Points),
            reminders: Type.Optional(Reminders),
          },
          {
            additionalProperties: false,
            examples: [
              { status: 'done' },
              { priority: 'urgent', due_date: '2025-10-30' },
              { due_date: null },
            ],
          },
        ),
        response: {
          200: TodoItem,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
      preValidation: itemIds,
    },
    async (request) =>
      todos.updateItem(requireUser(request).userId, request.params.id, request.params.itemId, request.body),
  );

  app.get(
    '/api/todos/:id/items/:itemId/completions',
    {
      schema: {
        tags: itemTags,
        summary: 'What was done of a chore, newest first',
        description: `The latest ${MAX_COMPLETIONS_SHOWN} completions: when, by whom, whose turn it was, points earned.`,
        security: bearer,
        params: ItemParams,
        response: {
          200: Type.Object({ items: Type.Array(Completion) }),
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
      preValidation: itemIds,
    },
    async (request) => ({
      items: await todos.completions(requireUser(request).userId, request.params.id, request.params.itemId),
    }),
  );

  app.get(
    '/api/families/:id/points',
    {
      schema: {
        tags: itemTags,
        summary: 'Chore points and completions per member',
        description:
          'Every current member, most points first, from the chores of shared and chores lists; since limits it to ' +
          'completions from then on. A family you are not in answers 404 FAMILY_NOT_FOUND.',
        security: bearer,
        params: Type.Object({ id: Uuid('The family') }),
        querystring: Type.Object({ since: Type.Optional(DateTime) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                user_id: Uuid('The member'),
                points: Type.Integer({ minimum: 0 }),
                completions: Type.Integer({ minimum: 0 }),
              }),
            ),
          }),
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
      preValidation: idsOrNotFound({ id: FamilyErrors.familyNotFound }),
    },
    async (request) => ({
      items: await todos.points(requireUser(request).userId, request.params.id, request.query.since),
    }),
  );

  app.delete(
    '/api/todos/:id/items/:itemId',
    {
      schema: {
        tags: itemTags,
        summary: 'Delete an item',
        description: 'Parents and admins (the owner for a personal list).',
        security: bearer,
        params: ItemParams,
        response: { 204: NoContent, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
      preValidation: itemIds,
    },
    async (request, reply) => {
      await todos.deleteItem(requireUser(request).userId, request.params.id, request.params.itemId);
      return reply.status(204).send();
    },
  );
}

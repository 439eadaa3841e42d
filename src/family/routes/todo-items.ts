// /api/todos/:id/items: the items of a todo list.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { PageQuery } from '../../platform/http/pagination.ts';
import type { App } from '../../platform/http/service.ts';
import { FamilyErrors } from '../errors.ts';
import type { TodoService } from '../service/todos.ts';
import {
  bearer,
  ErrorResponse,
  ItemStatus,
  idsOrNotFound,
  NoContent,
  NullableDescription,
  NullableDueDate,
  PageOf,
  Priority,
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
          'ASSIGNEE_NOT_MEMBER. An item created as done is completed by you, now.',
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
          },
          {
            additionalProperties: false,
            examples: [
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
          'completed_at and completed_by follow the status and are never sent.',
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

// /api/todos: a family's todo lists (their items: todo-items.ts).
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { PageQuery } from '../../platform/http/pagination.ts';
import type { App } from '../../platform/http/service.ts';
import { FamilyErrors } from '../errors.ts';
import type { TodoService } from '../service/todos.ts';
import {
  bearer,
  ErrorResponse,
  idsOrNotFound,
  ListName,
  ListType,
  NoContent,
  PageOf,
  TodoList,
  Uuid,
} from './schemas.ts';

const ListParams = Type.Object({ id: Uuid('The list_id') });
const listIds = idsOrNotFound({ id: FamilyErrors.listNotFound });
export const notFound =
  "A list of a family you are not in, or another member's personal list, answers 404 TODO_LIST_NOT_FOUND.";

export function registerTodoRoutes(app: App, todos: TodoService): void {
  const tags = ['Todos'];

  app.post(
    '/api/todos',
    {
      schema: {
        tags,
        summary: 'Create a todo list in one of your families',
        description:
          'Shared and chores lists need a parent or admin (403 FAMILY_ROLE_FORBIDDEN otherwise); any member ' +
          'may keep personal lists, which only they can see.',
        security: bearer,
        body: Type.Object(
          {
            family_id: Uuid('The family'),
            list_name: ListName,
            list_type: Type.Optional(ListType),
          },
          {
            additionalProperties: false,
            examples: [
              {
                family_id: '7d0c5a9e-8f1b-4c3e-9a57-2d9e4f7a1012',
                list_name: 'Weekend chores',
                list_type: 'chores',
              },
            ],
          },
        ),
        response: {
          201: TodoList,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const list = await todos.createList(requireUser(request).userId, {
        family_id: request.body.family_id,
        list_name: request.body.list_name,
        list_type: request.body.list_type ?? 'shared',
      });
      return reply.status(201).send(list);
    },
  );

  app.get(
    '/api/todos',
    {
      schema: {
        tags,
        summary: 'The todo lists you can see, oldest first',
        description:
          'Of one family (family_id; 404 FAMILY_NOT_FOUND if you are not a member) or of all your families.',
        security: bearer,
        querystring: Type.Object(
          {
            ...PageQuery.properties,
            family_id: Type.Optional(Uuid('Only this family')),
            list_type: Type.Optional(ListType),
          },
          { additionalProperties: false },
        ),
        response: {
          200: PageOf(TodoList, 'One page of lists'),
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) =>
      todos.listLists(requireUser(request).userId, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
        family_id: request.query.family_id,
        list_type: request.query.list_type,
      }),
  );

  app.get(
    '/api/todos/:id',
    {
      schema: {
        tags,
        summary: 'One todo list',
        description: notFound,
        security: bearer,
        params: ListParams,
        response: { 200: TodoList, 401: ErrorResponse, 404: ErrorResponse },
      },
      preValidation: listIds,
    },
    async (request) => todos.getList(requireUser(request).userId, request.params.id),
  );

  app.patch(
    '/api/todos/:id',
    {
      schema: {
        tags,
        summary: 'Rename a list or switch it between shared and chores',
        description:
          'Parents and admins (the owner for a personal list). A personal list stays personal and a shared list ' +
          `cannot become personal (400 LIST_TYPE_FIXED). ${notFound}`,
        security: bearer,
        params: ListParams,
        body: Type.Object(
          { list_name: Type.Optional(ListName), list_type: Type.Optional(ListType) },
          { additionalProperties: false, examples: [{ list_name: 'Saturday chores' }] },
        ),
        response: {
          200: TodoList,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
      preValidation: listIds,
    },
    async (request) => todos.updateList(requireUser(request).userId, request.params.id, request.body),
  );

  app.delete(
    '/api/todos/:id',
    {
      schema: {
        tags,
        summary: 'Delete a list and its items',
        description: `Parents and admins (the owner for a personal list); children get 403. ${notFound}`,
        security: bearer,
        params: ListParams,
        response: { 204: NoContent, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
      preValidation: listIds,
    },
    async (request, reply) => {
      await todos.deleteList(requireUser(request).userId, request.params.id);
      return reply.status(204).send();
    },
  );
}

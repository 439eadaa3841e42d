// /api/families and /api/families/:id/members: families, invitations and roles.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { PageQuery } from '../../platform/http/pagination.ts';
import type { App } from '../../platform/http/service.ts';
import { FamilyErrors } from '../errors.ts';
import type { FamilyService } from '../service/families.ts';
import {
  bearer,
  ErrorResponse,
  Family,
  FamilyName,
  idsOrNotFound,
  Member,
  NoContent,
  PageOf,
  Role,
  TimeZone,
  Uuid,
} from './schemas.ts';

const FamilyParams = Type.Object({ id: Uuid('The family_id') });
const MemberParams = Type.Object({ id: Uuid('The family_id'), memberId: Uuid('The member_id') });
const familyIds = idsOrNotFound({ id: FamilyErrors.familyNotFound });
const memberIds = idsOrNotFound({ id: FamilyErrors.familyNotFound, memberId: FamilyErrors.memberNotFound });
const notFound =
  'A family you are not a member of answers 404 FAMILY_NOT_FOUND, like one that does not exist.';

export function registerFamilyRoutes(app: App, families: FamilyService): void {
  const tags = ['Families'];

  app.get(
    '/api/families',
    {
      schema: {
        tags,
        summary: 'The families you belong to',
        description: 'In the order you joined them, with your role in each. Page on with next_cursor.',
        security: bearer,
        querystring: PageQuery,
        response: { 200: PageOf(Family, 'One page of families'), 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) =>
      families.list(requireUser(request).userId, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      }),
  );

  app.post(
    '/api/families',
    {
      schema: {
        tags,
        summary: 'Create a family; you become its admin',
        description: 'Its member cap comes from your plan (free: 6 members; the family plan: unlimited).',
        security: bearer,
        body: Type.Object(
          { family_name: FamilyName },
          { additionalProperties: false, examples: [{ family_name: 'The Addams' }] },
        ),
        response: { 201: Family, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request, reply) => {
      const family = await families.create(requireUser(request).userId, request.body.family_name);
      return reply.status(201).send(family);
    },
  );

  app.get(
    '/api/families/:id',
    {
      schema: {
        tags,
        summary: 'One of your families, with its member cap',
        description: notFound,
        security: bearer,
        params: FamilyParams,
        response: { 200: Family, 401: ErrorResponse, 404: ErrorResponse },
      },
      preValidation: familyIds,
    },
    async (request) => families.get(requireUser(request).userId, request.params.id),
  );

  app.patch(
    '/api/families/:id',
    {
      schema: {
        tags,
        summary: 'Rename the family or set its default time zone (admins)',
        description:
          'default_time_zone is the IANA time zone new calendar events take unless they name one ' +
          `(400 INVALID_TIME_ZONE for an unknown one). Other roles get 403 FAMILY_ROLE_FORBIDDEN. ${notFound}`,
        security: bearer,
        params: FamilyParams,
        body: Type.Object(
          {
            family_name: Type.Optional(FamilyName),
            default_time_zone: Type.Optional(TimeZone),
          },
          {
            additionalProperties: false,
            minProperties: 1,
            examples: [{ family_name: 'The Addams Family' }, { default_time_zone: 'Europe/Berlin' }],
          },
        ),
        response: {
          200: Family,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
      preValidation: familyIds,
    },
    async (request) => families.update(requireUser(request).userId, request.params.id, request.body),
  );

  app.delete(
    '/api/families/:id',
    {
      schema: {
        tags,
        summary: 'Delete the family with its lists, items and events (admins)',
        description: notFound,
        security: bearer,
        params: FamilyParams,
        response: { 204: NoContent, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
      preValidation: familyIds,
    },
    async (request, reply) => {
      await families.remove(requireUser(request).userId, request.params.id);
      return reply.status(204).send();
    },
  );

  const memberTags = ['Members'];

  app.get(
    '/api/families/:id/members',
    {
      schema: {
        tags: memberTags,
        summary: 'The members of a family, longest-standing first',
        description: notFound,
        security: bearer,
        params: FamilyParams,
        querystring: PageQuery,
        response: {
          200: PageOf(Member, 'One page of members'),
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
      preValidation: familyIds,
    },
    async (request) =>
      families.listMembers(requireUser(request).userId, request.params.id, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      }),
  );

  app.post(
    '/api/families/:id/members',
    {
      schema: {
        tags: memberTags,
        summary: 'Gone: members join by accepting an invitation',
        description:
          'Always 410 MEMBERS_JOIN_BY_INVITATION. Invite with POST /api/families/:id/invitations; the person ' +
          'invited accepts with POST /api/invitations/:id/accept (or uses an invitation link).',
        security: bearer,
        params: FamilyParams,
        body: Type.Object(
          { login: Type.Optional(Type.String({ maxLength: 320 })), role: Type.Optional(Role) },
          { examples: [{ login: 'wednesday' }] },
        ),
        response: { 401: ErrorResponse, 404: ErrorResponse, 410: ErrorResponse },
      },
      preValidation: familyIds,
    },
    async () => {
      throw FamilyErrors.membersByInvitation();
    },
  );

  app.get(
    '/api/families/:id/members/:memberId',
    {
      schema: {
        tags: memberTags,
        summary: 'One member of the family',
        security: bearer,
        params: MemberParams,
        response: { 200: Member, 401: ErrorResponse, 404: ErrorResponse },
      },
      preValidation: memberIds,
    },
    async (request) =>
      families.getMember(requireUser(request).userId, request.params.id, request.params.memberId),
  );

  app.patch(
    '/api/families/:id/members/:memberId',
    {
      schema: {
        tags: memberTags,
        summary: "Change a member's role (admins)",
        description:
          'Demoting the last admin is 409 LAST_ADMIN: make someone else admin first. Other roles get 403.',
        security: bearer,
        params: MemberParams,
        body: Type.Object({ role: Role }, { additionalProperties: false, examples: [{ role: 'admin' }] }),
        response: {
          200: Member,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
      preValidation: memberIds,
    },
    async (request) =>
      families.changeRole(
        requireUser(request).userId,
        request.params.id,
        request.params.memberId,
        request.body.role,
      ),
  );

  app.delete(
    '/api/families/:id/members/:memberId',
    {
      schema: {
        tags: memberTags,
        summary: 'Remove a member (admins), or leave (your own member_id)',
        description:
          'The last admin cannot leave (409 LAST_ADMIN): hand over first. The member’s personal lists in this ' +
          'family are deleted, their assignments cleared and they are taken off the events.',
        security: bearer,
        params: MemberParams,
        response: {
          204: NoContent,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
      preValidation: memberIds,
    },
    async (request, reply) => {
      await families.removeMember(requireUser(request).userId, request.params.id, request.params.memberId);
      return reply.status(204).send();
    },
  );
}

// Invitations with consent: /api/families/:id/invitations for a family's admins, and
// /api/invitations for the people invited (and the parents who approve a child's answer).
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { PageQuery } from '../../platform/http/pagination.ts';
import type { App } from '../../platform/http/service.ts';
import { FamilyErrors } from '../errors.ts';
import type { InvitationService } from '../service/invitations.ts';
import {
  bearer,
  ErrorResponse,
  Invitation,
  InvitationAnswer,
  idsOrNotFound,
  NoContent,
  PageOf,
  ReceivedInvitation,
  Role,
  Uuid,
} from './schemas.ts';

const FamilyParams = Type.Object({ id: Uuid('The family_id') });
const InvitationParams = Type.Object({ id: Uuid('The invitation_id') });
const FamilyInvitationParams = Type.Object({
  id: Uuid('The family_id'),
  invitationId: Uuid('The invitation_id'),
});
const familyIds = idsOrNotFound({ id: FamilyErrors.familyNotFound });
const invitationIds = idsOrNotFound({ id: FamilyErrors.invitationNotFound });
const familyInvitationIds = idsOrNotFound({
  id: FamilyErrors.familyNotFound,
  invitationId: FamilyErrors.invitationNotFound,
});
const Code = Type.Object(
  { code: Type.String({ minLength: 16, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false, examples: [{ code: 'q3v9Xh0mJ2kL8pT4rW6yZ1aB5cD7eF9g' }] },
);
const ExpiresInDays = Type.Integer({ minimum: 1, maximum: 30, description: 'Days until it expires' });
const Received = Type.Object({ items: Type.Array(ReceivedInvitation) });
const answerErrors = {
  401: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  410: ErrorResponse,
};

export function registerInvitationRoutes(app: App, invitations: InvitationService): void {
  const tags = ['Invitations'];

  app.post(
    '/api/families/:id/invitations',
    {
      schema: {
        tags,
        summary: 'Invite someone by username or email, or make an invitation link (admins)',
        description:
          'kind login (the default): the answer is the same whether or not the login has an account; an ' +
          'account sees it in GET /api/invitations. kind link: the answer carries the secret code once; whoever ' +
          'holds it may join (POST /api/invitations/join) up to max_uses times. Role defaults to child; expiry ' +
          'to 14 days (login) or 7 (link). A full family is 409 FAMILY_MEMBER_CAP_REACHED; more than 50 open ' +
          'invitations 409 INVITATION_LIMIT_REACHED; a login already invited 409 INVITATION_ALREADY_OPEN.',
        security: bearer,
        params: FamilyParams,
        body: Type.Object(
          {
            kind: Type.Optional(Type.Enum(['login', 'link'])),
            login: Type.Optional(
              Type.String({ minLength: 1, maxLength: 320, pattern: '\\S', description: 'Username or email' }),
            ),
            role: Type.Optional(Role),
            expires_in_days: Type.Optional(ExpiresInDays),
            max_uses: Type.Optional(
              Type.Integer({ minimum: 1, maximum: 100, description: 'Links only; default 1' }),
            ),
          },
          {
            additionalProperties: false,
            examples: [
              { login: 'morticia@example.com', role: 'parent' },
              { kind: 'link', role: 'child', max_uses: 3, expires_in_days: 2 },
            ],
          },
        ),
        response: {
          201: Invitation,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
      preValidation: familyIds,
    },
    async (request, reply) => {
      const body = request.body;
      const role = body.role ?? 'child';
      const kind = body.kind ?? 'login';
      if (kind === 'login' && (body.login === undefined || body.max_uses !== undefined)) {
        throw FamilyErrors.invitationInput('An invitation by login needs login (and takes no max_uses)');
      }
      if (kind === 'link' && body.login !== undefined) {
        throw FamilyErrors.invitationInput('An invitation link is for whoever holds it: it takes no login');
      }
      const created = await invitations.create(
        requireUser(request).userId,
        request.params.id,
        kind === 'login'
          ? { kind, login: body.login as string, role, expiresInDays: body.expires_in_days }
          : { kind, role, expiresInDays: body.expires_in_days, maxUses: body.max_uses },
      );
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/api/families/:id/invitations',
    {
      schema: {
        tags,
        summary: "The family's open invitations, oldest first (admins)",
        description: 'Open: not answered, revoked, expired or used up.',
        security: bearer,
        params: FamilyParams,
        querystring: PageQuery,
        response: {
          200: PageOf(Invitation, 'One page of invitations'),
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
      preValidation: familyIds,
    },
    async (request) =>
      invitations.listForFamily(requireUser(request).userId, request.params.id, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      }),
  );

  app.delete(
    '/api/families/:id/invitations/:invitationId',
    {
      schema: {
        tags,
        summary: 'Revoke an open invitation or link (admins)',
        description: 'Its answers still waiting for approval go with it.',
        security: bearer,
        params: FamilyInvitationParams,
        response: { 204: NoContent, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
      preValidation: familyInvitationIds,
    },
    async (request, reply) => {
      await invitations.revoke(requireUser(request).userId, request.params.id, request.params.invitationId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/invitations',
    {
      schema: {
        tags,
        summary: 'Your open invitations',
        description: 'Oldest first, at most 100.',
        security: bearer,
        response: { 200: Received, 401: ErrorResponse },
      },
    },
    async (request) => ({ items: await invitations.received(requireUser(request).userId) }),
  );

  for (const answer of ['accept', 'decline'] as const) {
    app.post(
      `/api/invitations/:id/${answer}`,
      {
        schema: {
          tags,
          summary: answer === 'accept' ? 'Accept an invitation: join the family' : 'Decline an invitation',
          description:
            'Someone else’s invitation is 404 INVITATION_NOT_FOUND; expired 410 INVITATION_EXPIRED; revoked 410 ' +
            'INVITATION_REVOKED; answered 409 INVITATION_ANSWERED. A child who already belongs to a family and ' +
            'accepts a child invitation gets status awaiting_approval until a parent or admin of theirs approves.',
          security: bearer,
          params: InvitationParams,
          response: { 200: InvitationAnswer, ...answerErrors },
        },
        preValidation: invitationIds,
      },
      async (request) =>
        answer === 'accept'
          ? invitations.accept(requireUser(request).userId, request.params.id)
          : invitations.decline(requireUser(request).userId, request.params.id),
    );
  }

  app.post(
    '/api/invitations/preview',
    {
      schema: {
        tags,
        summary: 'What an invitation link invites to (family and role), without using it',
        description: 'The code travels in the body, never in a URL that logs keep.',
        security: bearer,
        body: Code,
        response: { 200: ReceivedInvitation, 400: ErrorResponse, ...answerErrors },
      },
    },
    async (request) => {
      requireUser(request);
      return invitations.preview(request.body.code);
    },
  );

  app.post(
    '/api/invitations/join',
    {
      schema: {
        tags,
        summary: 'Use an invitation link: join its family',
        description:
          'Unknown code 404 INVITATION_NOT_FOUND; used as often as allowed 410 INVITATION_USED_UP; already a ' +
          'member 409 ALREADY_MEMBER. The child rule of accept applies.',
        security: bearer,
        body: Code,
        response: { 200: InvitationAnswer, 400: ErrorResponse, ...answerErrors },
      },
    },
    async (request) => invitations.join(requireUser(request).userId, request.body.code),
  );

  app.get(
    '/api/invitations/approvals',
    {
      schema: {
        tags,
        summary: 'Children’s answers waiting for your approval (parents and admins)',
        description:
          'A child of a family where you are a parent or admin accepted a child invitation elsewhere.',
        security: bearer,
        response: { 200: Received, 401: ErrorResponse },
      },
    },
    async (request) => ({ items: await invitations.approvals(requireUser(request).userId) }),
  );

  for (const answer of ['approve', 'reject'] as const) {
    app.post(
      `/api/invitations/:id/${answer}`,
      {
        schema: {
          tags,
          summary: answer === 'approve' ? 'Approve a child joining another family' : 'Refuse it',
          description:
            'Only a parent or admin of a family where the invitee is a child; anyone else gets 404.',
          security: bearer,
          params: InvitationParams,
          response: { 200: InvitationAnswer, ...answerErrors },
        },
        preValidation: invitationIds,
      },
      async (request) =>
        answer === 'approve'
          ? invitations.approve(requireUser(request).userId, request.params.id)
          : invitations.reject(requireUser(request).userId, request.params.id),
    );
  }
}

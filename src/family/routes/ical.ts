// iCal feeds: create, list and revoke under /api/families/:id/ical (members), and the feed
// itself at /ical/<secret>.ics, for calendar apps (no sign-in: the secret is the key).
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { prefixSeenByClient } from '../../platform/http/host-routing.ts';
import { ErrorResponse, NoContent, NullableTimestamp, Timestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import type { IcalService } from '../service/ical.ts';
import { feedNotFound } from '../service/ical.ts';

const bearer = [{ bearerAuth: [] }];
const Id = Type.String({ maxLength: 64 });

export function registerIcalRoutes(app: App, ical: IcalService) {
  app.post(
    '/api/families/:id/ical',
    {
      schema: {
        tags: ['calendar'],
        summary: 'A private iCal URL of the family calendar, for calendar apps to subscribe to',
        description: 'The URL is shown once; anyone holding it reads the calendar until it is revoked.',
        security: bearer,
        params: Type.Object({ id: Id }),
        response: {
          201: Type.Object({ feed_id: Type.String(), url: Type.String(), created_at: Timestamp }),
          404: ErrorResponse,
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await ical.create(
            requireUser(request).userId,
            request.params.id,
            `${request.protocol}://${request.host}${prefixSeenByClient(request.originalUrl, '/family')}`,
          ),
        ),
  );

  app.get(
    '/api/families/:id/ical',
    {
      schema: {
        tags: ['calendar'],
        summary: 'The iCal feeds of the family (without their secrets)',
        security: bearer,
        params: Type.Object({ id: Id }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                feed_id: Type.String(),
                created_by: Type.Union([Type.String(), Type.Null()]),
                created_at: Timestamp,
                revoked_at: NullableTimestamp,
              }),
            ),
          }),
          404: ErrorResponse,
        },
      },
    },
    async (request) => ({ items: await ical.list(requireUser(request).userId, request.params.id) }),
  );

  app.delete(
    '/api/families/:id/ical/:feedId',
    {
      schema: {
        tags: ['calendar'],
        summary: 'Revoke an iCal URL (its creator, or an admin)',
        security: bearer,
        params: Type.Object({ id: Id, feedId: Id }),
        response: { 204: NoContent, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await ical.revoke(requireUser(request).userId, request.params.id, request.params.feedId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/ical/:file',
    {
      schema: {
        tags: ['calendar'],
        summary: 'The iCal document behind a secret feed URL',
        params: Type.Object({ file: Type.String({ maxLength: 120 }) }),
        response: {
          200: Type.Unsafe<string>({ type: 'string', description: 'text/calendar (RFC 5545)' }),
          404: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const match = /^(.+)\.ics$/.exec(request.params.file);
      if (!match?.[1]) throw feedNotFound();
      const document = await ical.render(match[1]);
      reply.header('content-type', 'text/calendar; charset=utf-8');
      reply.header('cache-control', 'private, max-age=300');
      return reply.send(document);
    },
  );
}

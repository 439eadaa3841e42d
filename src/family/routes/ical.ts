// iCal feeds: create, list and revoke under /api/families/:id/ical (members), and the feed
// itself at /ical/<secret>.ics, for calendar apps (no sign-in: the secret is the key).
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { prefixSeenByClient } from '../../platform/http/host-routing.ts';
import {
  bearer,
  ErrorResponse,
  NoContent,
  NullableTimestamp,
  Timestamp,
} from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import { CalendarFeedErrors } from '../errors.ts';
import type { IcalService } from '../service/ical.ts';

const Id = Type.String({ maxLength: 64 });

/** RFC 9110 §13.1: If-None-Match wins; If-Modified-Since counts only without it. */
function isNotModified(
  headers: { 'if-none-match'?: string; 'if-modified-since'?: string },
  feed: { etag: string; lastModified: Date },
): boolean {
  const noneMatch = headers['if-none-match'];
  if (noneMatch !== undefined) {
    return noneMatch
      .split(',')
      .map((tag) => tag.trim().replace(/^W\//, ''))
      .some((tag) => tag === '*' || tag === feed.etag);
  }
  const since = Date.parse(headers['if-modified-since'] ?? '');
  return !Number.isNaN(since) && feed.lastModified.getTime() <= since;
}

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
          402: ErrorResponse,
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
      // The file name is the feed's secret: the request log shows /ical/[redacted].ics.
      config: { secretParams: ['file'] },
      schema: {
        tags: ['calendar'],
        summary: 'The iCal document behind a secret feed URL',
        params: Type.Object({ file: Type.String({ maxLength: 120 }) }),
        description:
          'Answers ETag and Last-Modified; a poll with a matching If-None-Match (or, without one, an ' +
          'If-Modified-Since not older than the last change) gets 304 Not Modified.',
        response: {
          200: Type.Unsafe<string>({ type: 'string', description: 'text/calendar (RFC 5545)' }),
          304: NoContent,
          402: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const match = /^(.+)\.ics$/.exec(request.params.file);
      if (!match?.[1]) throw CalendarFeedErrors.feedNotFound();
      const feed = await ical.render(match[1]);
      reply.header('etag', feed.etag);
      reply.header('last-modified', feed.lastModified.toUTCString());
      reply.header('cache-control', 'private, max-age=300');
      if (isNotModified(request.headers, feed)) return reply.status(304).send();
      reply.header('content-type', 'text/calendar; charset=utf-8');
      return reply.send(feed.document);
    },
  );
}

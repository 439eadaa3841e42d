// /api/notifications: a member's reminders as in-app notifications, their unread count, and
// their live stream.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { CursorParam } from '../../platform/http/pagination.ts';
import { Timestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import { openSse } from '../../platform/http/sse.ts';
import { FamilyErrors } from '../errors.ts';
import type { NotificationService, NotificationView } from '../service/notifications.ts';
import { bearer, ErrorResponse, idsOrNotFound, Uuid } from './schemas.ts';

const Notification = Type.Object({
  notification_id: Uuid('The notification'),
  seq: Type.String({ description: 'Position among your notifications, ascending' }),
  family_id: Uuid('The family'),
  kind: Type.Enum(['event_reminder', 'todo_reminder']),
  subject_id: Uuid('The calendar event or todo item'),
  occurrence_at: Type.Unsafe<Date | string>({
    type: 'string',
    format: 'date-time',
    description: 'When the event (or this occurrence) starts, or the todo is due',
  }),
  minutes_before: Type.Integer({ minimum: 0 }),
  title: Type.String(),
  fire_at: Timestamp,
  created_at: Timestamp,
  read_at: Type.Unsafe<Date | string | null>({
    anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }],
  }),
});
const Read = Type.Object({
  unread_count: Type.Integer({ minimum: 0 }),
  read_at: Type.Unsafe<Date | string>({
    type: 'string',
    format: 'date-time',
    description:
      'When it was read, by the server’s clock (one already read keeps its time; for all, the time stamped on those not read before)',
  }),
});

export function registerNotificationRoutes(app: App, notifications: NotificationService): void {
  const tags = ['Notifications'];

  app.get(
    '/api/notifications',
    {
      schema: {
        tags,
        summary: 'Your notifications, newest first, with the unread count',
        description:
          'Reminders of events and todos of the families you belong to (those of a family you left are gone). ' +
          'Page with cursor (next_cursor of the previous page); a cursor made with another unread filter is ' +
          '400 INVALID_CURSOR.',
        security: bearer,
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
            cursor: Type.Optional(CursorParam),
            unread: Type.Optional(Type.Boolean({ description: 'Only those not read yet' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(Notification),
            unread_count: Type.Integer({ minimum: 0 }),
            next_cursor: Type.Union([Type.String(), Type.Null()], {
              description: 'Pass as cursor for the next page; null on the last page',
            }),
          }),
          400: ErrorResponse,
          401: ErrorResponse,
        },
      },
    },
    async (request) =>
      notifications.list(requireUser(request).userId, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
        unread: request.query.unread,
      }),
  );

  app.post(
    '/api/notifications/:id/read',
    {
      schema: {
        tags,
        summary: 'Mark one notification read',
        description: 'Another member’s notification answers 404 NOTIFICATION_NOT_FOUND.',
        security: bearer,
        params: Type.Object({ id: Uuid('The notification') }),
        response: { 200: Read, 401: ErrorResponse, 404: ErrorResponse },
      },
      preValidation: idsOrNotFound({ id: FamilyErrors.notificationNotFound }),
    },
    async (request) => notifications.read(requireUser(request).userId, request.params.id),
  );

  app.post(
    '/api/notifications/read',
    {
      schema: {
        tags,
        summary: 'Mark all your notifications read',
        security: bearer,
        response: { 200: Read, 401: ErrorResponse },
      },
    },
    async (request) => notifications.read(requireUser(request).userId),
  );

  app.get(
    '/api/notifications/stream',
    {
      schema: {
        tags,
        summary: 'Follow your notifications live (server-sent events)',
        description:
          'Event notification.created with each new notification, sent only while you are a member of its ' +
          'family; the stream ends when your session does.',
        security: bearer,
        response: { 401: ErrorResponse },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      let stream: ReturnType<typeof openSse> | undefined;
      // Listening starts before the stream opens; what arrives in between waits for it.
      const early: NotificationView[] = [];
      const send = (notification: NotificationView) =>
        stream?.send({ id: notification.seq, event: 'notification.created', data: notification });
      const unsubscribe = await notifications.follow(user.userId, (notification) => {
        if (stream) send(notification);
        else early.push(notification);
      });
      stream = openSse(request, reply);
      for (const notification of early.splice(0)) send(notification);
      await stream.closed;
      unsubscribe();
    },
  );
}

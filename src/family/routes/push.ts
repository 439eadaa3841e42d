// /api/push: Web Push of your notifications to the browsers you allow (service/push.ts).
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { NoContent, Timestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import type { PushService } from '../service/push.ts';
import { bearer, ErrorResponse, Uuid } from './schemas.ts';

/** A PushSubscription's JSON is a few hundred bytes. */
const BODY_LIMIT = 4096;
const Endpoint = Type.String({
  minLength: 1,
  maxLength: 1024,
  description: 'The push service’s URL for this browser (https)',
});

export function registerPushRoutes(app: App, push: PushService): void {
  const tags = ['Notifications'];

  app.get(
    '/api/push/key',
    {
      schema: {
        tags,
        summary: 'The VAPID public key to subscribe a browser with',
        description:
          'Pass it as applicationServerKey to PushManager.subscribe. 409 PUSH_NOT_CONFIGURED when this server ' +
          'has no VAPID keys: Web Push is off, notifications stay in the app.',
        security: bearer,
        response: {
          200: Type.Object({ public_key: Type.String({ description: 'Uncompressed P-256 key, base64url' }) }),
          401: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      requireUser(request);
      return push.key();
    },
  );

  app.post(
    '/api/push/subscriptions',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        tags,
        summary: 'Send your notifications to this browser',
        description:
          'The body is PushSubscription.toJSON(). Subscribing the same endpoint again updates its keys (200). ' +
          'At most 10 browsers per member (409 PUSH_SUBSCRIPTION_LIMIT); an endpoint that is not https, or ' +
          'not on the internet, answers 400 PUSH_SUBSCRIPTION_INVALID.',
        security: bearer,
        body: Type.Object(
          {
            endpoint: Endpoint,
            expirationTime: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
            keys: Type.Object(
              {
                p256dh: Type.String({ minLength: 1, maxLength: 200 }),
                auth: Type.String({ minLength: 1, maxLength: 100 }),
              },
              { additionalProperties: false },
            ),
          },
          {
            additionalProperties: false,
            examples: [
              {
                endpoint: 'https://fcm.googleapis.com/fcm/send/dpH5lCsTSSM:APA91bH…',
                expirationTime: null,
                keys: {
                  p256dh:
                    'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
                  auth: 'tBHItJI5svbpez7KI4CCXg',
                },
              },
            ],
          },
        ),
        response: {
          200: Type.Object({ subscription_id: Uuid('The subscription'), created_at: Timestamp }),
          201: Type.Object({ subscription_id: Uuid('The subscription'), created_at: Timestamp }),
          400: ErrorResponse,
          401: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { created, subscription } = await push.subscribe(requireUser(request).userId, request.body);
      return reply.status(created ? 201 : 200).send(subscription);
    },
  );

  app.delete(
    '/api/push/subscriptions',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        tags,
        summary: 'Stop sending your notifications to this browser',
        description:
          'Another member’s endpoint, or one not subscribed, answers 404 PUSH_SUBSCRIPTION_NOT_FOUND.',
        security: bearer,
        body: Type.Object(
          { endpoint: Endpoint },
          {
            additionalProperties: true,
            examples: [{ endpoint: 'https://fcm.googleapis.com/fcm/send/dpH5lCsTSSM:APA91bH…' }],
          },
        ),
        response: { 204: NoContent, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await push.unsubscribe(requireUser(request).userId, request.body.endpoint);
      return reply.status(204).send();
    },
  );
}

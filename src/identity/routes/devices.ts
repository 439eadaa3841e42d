// /api/devices: the account's devices, and pairing devices that cannot type a password.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import { NoContent, NullableTimestamp, Timestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import { consume, createLimiter } from '../../platform/rate-limit.ts';
import type { IdentityDeps } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import { consoleUrlOf } from '../mail/links.ts';
import type { DeviceService } from '../service/devices.ts';
import { DevicePollError, type PairingService } from '../service/pairing.ts';
import { originOf } from './origin.ts';
import { bearer, DeviceFields, ErrorResponse, TokenPair } from './schemas.ts';

const Device = Type.Object({
  device_id: Type.String({ format: 'uuid' }),
  device_type: Type.String(),
  device_name: Type.Union([Type.String(), Type.Null()]),
  trust_level: Type.Integer(),
  last_seen: Timestamp,
  created_at: Timestamp,
  revoked_at: NullableTimestamp,
  is_current: Type.Boolean(),
});

const OAuthError = Type.Object(
  { error: Type.String(), error_description: Type.String() },
  {
    description:
      'RFC 8628 §3.5 error: authorization_pending, slow_down, expired_token, access_denied, invalid_grant',
  },
);

export function registerDeviceRoutes(
  app: App,
  deps: IdentityDeps,
  devices: DeviceService,
  pairing: PairingService,
) {
  // Starting a pairing needs no account, so it is limited per address.
  const pairingStarts = createLimiter(deps.config, {
    keyPrefix: 'calos:pair:start',
    points: 30,
    duration: 3600,
  });

  app.get(
    '/api/devices',
    {
      schema: {
        tags: ['devices'],
        summary: 'The devices of this account; is_current marks the one asking',
        security: bearer,
        response: { 200: Type.Object({ items: Type.Array(Device) }), 401: ErrorResponse },
      },
    },
    async (request) => {
      const user = requireUser(request);
      return { items: await devices.list(user.userId, user.sessionId) };
    },
  );

  app.delete(
    '/api/devices/:id',
    {
      schema: {
        tags: ['devices'],
        summary: 'Revoke a device and end its sessions',
        description: 'Refresh stops at once; its access tokens expire within 300 s in every service.',
        security: bearer,
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 204: NoContent, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      await devices.revoke(user.userId, request.params.id, originOf(request));
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/devices/pair/start',
    {
      schema: {
        tags: ['devices'],
        summary: 'A device asks to be paired (RFC 8628 device authorization request)',
        deprecated: true,
        description:
          'Kept for existing devices; new ones use the OpenID provider’s device flow (`<issuer>/oidc/device/auth` and ' +
          'the token endpoint, with a client registered by `calos clients add --device`). Show user_code to the person and poll /api/devices/pair/token every `interval` seconds.',
        body: Type.Object(
          {
            device_type: Type.Optional(
              Type.Union([Type.Literal('web'), Type.Literal('mobile'), Type.Literal('voice')]),
            ),
            device_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            device_fingerprint: DeviceFields.device_fingerprint,
            fingerprint: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 512,
                deprecated: true,
                description: 'Use device_fingerprint',
              }),
            ),
          },
          {
            additionalProperties: false,
            examples: [{ device_type: 'voice', device_name: 'Kitchen speaker' }],
          },
        ),
        response: {
          200: Type.Object({
            device_code: Type.String(),
            user_code: Type.String({ examples: ['BCDF-2345'] }),
            verification_uri: Type.String(),
            verification_uri_complete: Type.String(),
            expires_in: Type.Integer(),
            interval: Type.Integer(),
          }),
          429: ErrorResponse,
        },
      },
    },
    async (request) => {
      const limit = await consume(pairingStarts, request.ip);
      if (!limit.allowed) {
        const retryAfterSeconds = Math.ceil(limit.resetMs / 1000);
        throw IdentityErrors.tooManyPairings(retryAfterSeconds);
      }
      const origin = `${request.protocol}://${request.host}`;
      const body = request.body ?? {};
      if (body.device_fingerprint && body.fingerprint && body.device_fingerprint !== body.fingerprint)
        throw PlatformErrors.validation('Send device_fingerprint (fingerprint is its old name), not both', [
          { field: 'body.fingerprint' },
        ]);
      return pairing.start(
        {
          device_type: body.device_type,
          device_name: body.device_name,
          fingerprint: body.device_fingerprint ?? body.fingerprint,
        },
        `${origin}/account/pair`,
      );
    },
  );

  app.post(
    '/api/devices/pair',
    {
      schema: {
        tags: ['devices'],
        summary: 'Approve (or deny) the device showing this code',
        description:
          'Takes the codes of this pairing flow and of the OpenID device flow (`<issuer>/oidc/device/auth`) alike. ' +
          'Wrong codes are limited (RFC 8628 §5.1): 10 per account in 15 minutes and 30 per address in an hour, ' +
          'then 429 TOO_MANY_CODE_ATTEMPTS with Retry-After.',
        security: bearer,
        body: Type.Object(
          {
            user_code: Type.String({ minLength: 8, maxLength: 12 }),
            approve: Type.Optional(Type.Boolean({ default: true })),
          },
          { additionalProperties: false, examples: [{ user_code: 'BCDF-2345' }] },
        ),
        response: {
          200: Type.Object({
            status: Type.String(),
            device_type: Type.String(),
            device_name: Type.Union([Type.String(), Type.Null()]),
            client_id: Type.Optional(
              Type.String({ description: 'The app, for a code of the OpenID device flow (RFC 8628)' }),
            ),
          }),
          404: ErrorResponse,
          429: ErrorResponse,
        },
      },
    },
    async (request) => {
      const user = requireUser(request);
      return pairing.decide(
        user.userId,
        request.body.user_code,
        request.body.approve ?? true,
        originOf(request),
        consoleUrlOf(deps.config, request),
      );
    },
  );

  app.post(
    '/api/devices/pair/check',
    {
      schema: {
        tags: ['devices'],
        summary:
          'What waits with this code, before approving it (the app and its scopes, for a device-flow code)',
        description:
          'Nothing is approved. Wrong codes count towards the same limits as POST /api/devices/pair (RFC 8628 §5.1).',
        security: bearer,
        body: Type.Object(
          { user_code: Type.String({ minLength: 8, maxLength: 12 }) },
          { additionalProperties: false, examples: [{ user_code: 'BCDF-2345' }] },
        ),
        response: {
          200: Type.Object({
            device_type: Type.String(),
            device_name: Type.Union([Type.String(), Type.Null()]),
            app: Type.Optional(
              Type.Object({
                client_id: Type.String(),
                client_name: Type.String(),
                first_party: Type.Boolean(),
                scopes: Type.Array(Type.String()),
              }),
            ),
          }),
          401: ErrorResponse,
          404: ErrorResponse,
          429: ErrorResponse,
        },
      },
    },
    async (request) => {
      const user = requireUser(request);
      return pairing.check(user.userId, request.body.user_code, originOf(request));
    },
  );

  app.post(
    '/api/devices/pair/token',
    {
      schema: {
        tags: ['devices'],
        summary: 'The device polls for its tokens (RFC 8628 device access token request)',
        deprecated: true,
        description:
          'While waiting this answers 400 with an RFC 8628 error object ({error, error_description}) — the one endpoint ' +
          'that uses the OAuth error format instead of the CALOS one, so that device-flow clients work unchanged.',
        body: Type.Object(
          {
            device_code: Type.String({ minLength: 1, maxLength: 200 }),
            grant_type: Type.Optional(Type.Literal('urn:ietf:params:oauth:grant-type:device_code')),
          },
          { additionalProperties: false },
        ),
        // A body that is not a poll at all is refused in the CALOS error shape, like everywhere else.
        response: { 200: TokenPair, 400: Type.Union([OAuthError, ErrorResponse]) },
      },
    },
    async (request, reply) => {
      try {
        return await pairing.poll(request.body.device_code, originOf(request));
      } catch (error) {
        if (error instanceof DevicePollError) {
          reply.header('cache-control', 'no-store');
          return reply.status(400).send({ error: error.error, error_description: error.description });
        }
        throw error;
      }
    },
  );
}

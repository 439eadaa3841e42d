// /api/auth/2fa/*: two-step verification with an authenticator app and recovery codes, and the
// second step of a sign-in.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { NoContent, Timestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import type { IdentityServices } from '../index.ts';
import { consoleUrlOf } from '../mail/links.ts';
import { originOf } from './origin.ts';
import { bearer, ErrorResponse, Password, SignedIn } from './schemas.ts';

const Code = Type.String({
  pattern: '^\\s*\\d{3}\\s?\\d{3}\\s*$',
  description: 'The 6 digits the app shows',
});
const PasswordBody = Type.Object({ password: Password }, { additionalProperties: false });
const RecoveryCodes = Type.Array(Type.String(), {
  description: 'Ten single-use codes, shown this once (only their hashes are kept)',
});

export function registerTwoFactorRoutes(app: App, services: IdentityServices) {
  const { twoFactor, deps } = services;

  app.get(
    '/api/auth/2fa',
    {
      schema: {
        tags: ['two-step verification'],
        summary: 'Whether two-step verification is on, and how many recovery codes are left',
        security: bearer,
        response: {
          200: Type.Object({
            totp_enabled: Type.Boolean(),
            totp_enabled_at: Type.Union([Timestamp, Type.Null()]),
            recovery_codes_left: Type.Integer(),
          }),
          401: ErrorResponse,
        },
      },
    },
    async (request) => twoFactor.status(requireUser(request).userId),
  );

  app.post(
    '/api/auth/2fa/totp',
    {
      schema: {
        tags: ['two-step verification'],
        summary: 'Start setting up an authenticator app: its otpauth:// URI and a QR code of it',
        description:
          'Needs the password. Nothing changes at sign-in until a first code confirms the app (POST /api/auth/2fa/totp/confirm). Starting again replaces an unconfirmed secret.',
        security: bearer,
        body: PasswordBody,
        response: {
          201: Type.Object({
            otpauth_uri: Type.String(),
            qr_code: Type.String({ description: 'A PNG data: URL of the QR code of otpauth_uri' }),
            secret: Type.String({ description: 'Base32, for typing into an app by hand' }),
            digits: Type.Integer(),
            period: Type.Integer(),
          }),
          401: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return reply
        .status(201)
        .send(await twoFactor.startTotp(requireUser(request).userId, request.body.password));
    },
  );

  app.post(
    '/api/auth/2fa/totp/confirm',
    {
      schema: {
        tags: ['two-step verification'],
        summary: 'Turn two-step verification on with a first code; answers the recovery codes',
        security: bearer,
        body: Type.Object({ code: Code }, { additionalProperties: false }),
        response: {
          200: Type.Object({ totp_enabled: Type.Literal(true), recovery_codes: RecoveryCodes }),
          400: ErrorResponse,
          401: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return twoFactor.confirmTotp(
        requireUser(request).userId,
        request.body.code,
        originOf(request),
        consoleUrlOf(deps.config, request),
      );
    },
  );

  app.delete(
    '/api/auth/2fa/totp',
    {
      schema: {
        tags: ['two-step verification'],
        summary: 'Turn two-step verification off (needs the password; the address gets a notice)',
        security: bearer,
        body: PasswordBody,
        response: { 204: NoContent, 401: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      await twoFactor.disableTotp(
        requireUser(request).userId,
        request.body.password,
        originOf(request),
        consoleUrlOf(deps.config, request),
      );
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/auth/2fa/recovery-codes',
    {
      schema: {
        tags: ['two-step verification'],
        summary: 'Ten new recovery codes; the old ones stop working',
        security: bearer,
        body: PasswordBody,
        response: {
          200: Type.Object({ recovery_codes: RecoveryCodes }),
          401: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return twoFactor.regenerateRecoveryCodes(
        requireUser(request).userId,
        request.body.password,
        originOf(request),
      );
    },
  );

  app.post(
    '/api/auth/2fa/verify',
    {
      schema: {
        tags: ['two-step verification'],
        summary: 'Finish a sign-in that answered mfa_required: a code from the app, or a recovery code',
        description:
          'A code counts one 30-second step either side of now and works once; a recovery code works once. Wrong codes count like wrong passwords (429 with Retry-After), and a challenge takes at most 5. ' +
          'With remember_device the answer carries a trusted_device_token: sent with the password at the next sign-in (for 30 days), it skips this step.',
        body: Type.Union([
          Type.Object(
            {
              challenge: Type.String({ minLength: 1, maxLength: 200 }),
              code: Code,
              remember_device: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
          Type.Object(
            {
              challenge: Type.String({ minLength: 1, maxLength: 200 }),
              recovery_code: Type.String({ minLength: 1, maxLength: 40 }),
              remember_device: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
        ]),
        response: {
          200: Type.Intersect([
            SignedIn,
            Type.Object({
              trusted_device_token: Type.Optional(Type.String()),
              trusted_device_expires_in: Type.Optional(Type.Integer()),
            }),
          ]),
          400: ErrorResponse,
          401: ErrorResponse,
          429: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return twoFactor.verifySignIn(request.body, originOf(request), consoleUrlOf(deps.config, request));
    },
  );
}

// Account recovery and the account's address: forgot password, reset with the mailed link,
// verify an address, resend the link, change the email.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import type { App } from '../../platform/http/service.ts';
import type { IdentityServices } from '../index.ts';
import { consoleUrlOf } from '../mail/links.ts';
import { originOf } from './origin.ts';
import { bearer, ErrorResponse, NewPassword, Password } from './schemas.ts';

/** The tokens in mailed links: 43 base64url characters; anything near that is let through to be refused. */
const LinkToken = Type.String({ minLength: 1, maxLength: 200 });
const Email = Type.String({ format: 'email', maxLength: 254 });

export function registerRecoveryRoutes(app: App, services: IdentityServices) {
  const { recovery, deps } = services;

  app.post(
    '/api/auth/password/forgot',
    {
      schema: {
        tags: ['recovery'],
        summary: 'Mail a link to choose a new password',
        description:
          'Answers 202 with the same body whether or not `login` names an account, after the same work, so the answer tells nothing. ' +
          'The account’s address gets a single-use link valid 30 minutes (at most 5 an hour per account). 429 when this address asks too often.',
        body: Type.Object(
          { login: Type.String({ minLength: 1, maxLength: 254, description: 'Username or email' }) },
          { additionalProperties: false, examples: [{ login: 'mortimer' }] },
        ),
        response: {
          202: Type.Object({ status: Type.Literal('accepted'), message: Type.String() }),
          400: ErrorResponse,
          429: ErrorResponse,
        },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .header('cache-control', 'no-store')
        .send(
          await recovery.forgotPassword(
            request.body.login,
            originOf(request),
            consoleUrlOf(deps.config, request),
          ),
        ),
  );

  app.post(
    '/api/auth/password/reset',
    {
      schema: {
        tags: ['recovery'],
        summary: 'Choose a new password with a mailed link; every session and device ends',
        description:
          'The link works once, for 30 minutes. Every session of the account ends at once in every service, every device is signed out, remembered browsers are forgotten, and the address gets a notice. Two-step verification stays on.',
        body: Type.Object(
          { token: Type.String({ minLength: 1, maxLength: 200 }), password: NewPassword },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ sessions_ended: Type.Integer() }),
          400: ErrorResponse,
          429: ErrorResponse,
        },
      },
    },
    async (request) =>
      recovery.resetPassword(request.body, originOf(request), consoleUrlOf(deps.config, request)),
  );

  app.post(
    '/api/auth/email/verify',
    {
      schema: {
        tags: ['recovery'],
        summary: 'Confirm an address with a mailed link',
        description:
          'At sign-up the link confirms the account’s address; after an email change it moves the account to the new address (409 EMAIL_TAKEN if another account took it meanwhile). Works once.',
        body: Type.Object({ token: LinkToken }, { additionalProperties: false }),
        response: {
          200: Type.Object({ email: Type.String(), email_verified: Type.Boolean(), changed: Type.Boolean() }),
          400: ErrorResponse,
          409: ErrorResponse,
          429: ErrorResponse,
        },
      },
    },
    async (request) => recovery.verifyEmail(request.body.token, originOf(request)),
  );

  app.post(
    '/api/auth/email/verify/resend',
    {
      schema: {
        tags: ['recovery'],
        summary: 'Mail the confirmation link for the account’s address again',
        security: bearer,
        response: {
          202: Type.Object({ status: Type.Literal('sent'), email: Type.String() }),
          401: ErrorResponse,
          409: ErrorResponse,
          429: ErrorResponse,
        },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(
          await recovery.resendVerification(requireUser(request).userId, consoleUrlOf(deps.config, request)),
        ),
  );

  app.get(
    '/api/account/email',
    {
      schema: {
        tags: ['account'],
        summary: 'The account’s address, whether it is confirmed, and a change waiting for confirmation',
        security: bearer,
        response: {
          200: Type.Object({
            email: Type.String(),
            email_verified: Type.Boolean(),
            pending_email: Type.Union([Type.String(), Type.Null()]),
          }),
          401: ErrorResponse,
        },
      },
    },
    async (request) => recovery.emailStatus(requireUser(request).userId),
  );

  app.post(
    '/api/account/email',
    {
      schema: {
        tags: ['account'],
        summary:
          'Change the email: the new address gets a link that makes the change, the current one a notice',
        description:
          'Nothing changes until the link mailed to the new address is followed (POST /api/auth/email/verify).',
        security: bearer,
        body: Type.Object({ email: Email, password: Password }, { additionalProperties: false }),
        response: {
          202: Type.Object({ email: Type.String(), pending_email: Type.String() }),
          400: ErrorResponse,
          401: ErrorResponse,
          409: ErrorResponse,
          429: ErrorResponse,
        },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(
          await recovery.requestEmailChange(
            requireUser(request).userId,
            request.body,
            originOf(request),
            consoleUrlOf(deps.config, request),
          ),
        ),
  );
}

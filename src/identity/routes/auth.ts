// /api/auth/*: sign-up, sign-in, refresh, sign-out, who am I, password change.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { NoContent, Timestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import type { IdentityDeps } from '../deps.ts';
import { consoleUrlOf } from '../mail/links.ts';
import type { AuthService } from '../service/auth.ts';
import { originOf } from './origin.ts';
import {
  Account,
  bearer,
  DeviceFields,
  DeviceInput,
  deviceFrom,
  ErrorResponse,
  MfaRequired,
  NewPassword,
  Password,
  SignedIn,
  TokenPair,
} from './schemas.ts';

export function registerAuthRoutes(app: App, deps: IdentityDeps, auth: AuthService) {
  app.post(
    '/api/auth/register',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create a CALOS account and sign in',
        description:
          'Usernames and emails are unique regardless of case. New accounts get 1000 credits. A link to confirm the email is mailed there (`email_verified` is false until it is followed).',
        body: Type.Object(
          {
            username: Type.String({ minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$' }),
            email: Type.String({ format: 'email', maxLength: 254 }),
            password: NewPassword,
            display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            ...DeviceFields,
            device: Type.Optional(DeviceInput),
          },
          {
            additionalProperties: false,
            examples: [{ username: 'mortimer', email: 'mort@example.com', password: 'a long pass phrase' }],
          },
        ),
        response: { 201: SignedIn, 400: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await auth.register(
            { ...request.body, device: deviceFrom(request.body) },
            originOf(request),
            consoleUrlOf(deps.config, request),
          ),
        ),
  );

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with username or email and password',
        description:
          'Records the device (a device never seen before gets a "new sign-in" mail). Repeated failures slow down, then lock the account or address for a while (429 with Retry-After). ' +
          'With two-step verification on, a right password answers `mfa_required` with a challenge instead of tokens, unless `trusted_device_token` names a browser remembered after a code.',
        body: Type.Object(
          {
            login: Type.String({ minLength: 1, maxLength: 254 }),
            password: Password,
            trusted_device_token: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 200,
                description: 'From an earlier POST /api/auth/2fa/verify with remember_device',
              }),
            ),
            ...DeviceFields,
            device: Type.Optional(DeviceInput),
          },
          {
            additionalProperties: false,
            examples: [
              { login: 'mortimer', password: 'a long pass phrase' },
              {
                login: 'mortimer',
                password: 'a long pass phrase',
                device_type: 'mobile',
                device_name: 'Mort’s phone',
              },
            ],
          },
        ),
        response: { 200: Type.Union([SignedIn, MfaRequired]), 401: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request) =>
      auth.login(
        {
          login: request.body.login,
          password: request.body.password,
          device: deviceFrom(request.body),
          trusted_device_token: request.body.trusted_device_token,
        },
        originOf(request),
        consoleUrlOf(deps.config, request),
      ),
  );

  app.post(
    '/api/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange a refresh token for a new token pair',
        description: 'Each refresh token works once. Presenting a spent one again ends the whole session.',
        body: Type.Object(
          { refresh_token: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: { 200: TokenPair, 401: ErrorResponse },
      },
    },
    async (request) => auth.refresh(request.body.refresh_token, originOf(request)),
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'End this session',
        description:
          'Refresh stops at once. Access tokens already issued keep working in other services until they expire (at most 300 s).',
        security: bearer,
        response: { 204: NoContent, 401: ErrorResponse },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      await auth.logout(user.userId, user.sessionId, originOf(request));
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/auth/logout-everywhere',
    {
      schema: {
        tags: ['auth'],
        summary: 'End this session and every app session started from the account console',
        description:
          'Ends the sessions of CALOS’s own apps (Hollowtown, HowToCookAtHome, Family Planner) this account signed ' +
          'into from the console. Refresh stops at once everywhere; access tokens already issued stop working in ' +
          'every service within seconds (revocation feed), at most 300 s.',
        security: bearer,
        response: { 200: Type.Object({ sessions_ended: Type.Integer() }), 401: ErrorResponse },
      },
    },
    async (request) => {
      const user = requireUser(request);
      return auth.logoutEverywhere(user.userId, user.sessionId, originOf(request));
    },
  );

  app.get(
    '/api/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in account, its plan and this session',
        security: bearer,
        response: {
          200: Type.Object({
            user: Account,
            plan: Type.String(),
            session: Type.Object({
              session_id: Type.String(),
              device_id: Type.Union([Type.String(), Type.Null()]),
              created_at: Type.Optional(Timestamp),
              expires_at: Type.Optional(Timestamp),
              amr: Type.Array(Type.String(), {
                description:
                  'How this session was authenticated (RFC 8176): pwd, otp, hwk/swk (passkey), user, mfa',
              }),
            }),
          }),
          401: ErrorResponse,
        },
      },
    },
    async (request) => {
      const user = requireUser(request);
      return auth.me(user.userId, user.sessionId);
    },
  );

  app.put(
    '/api/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change the password; every other session ends',
        description: 'The account’s address gets a notice.',
        security: bearer,
        body: Type.Object(
          { current_password: Password, new_password: NewPassword },
          { additionalProperties: false },
        ),
        response: { 204: NoContent, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      await auth.changePassword(
        user.userId,
        user.sessionId,
        request.body,
        originOf(request),
        consoleUrlOf(deps.config, request),
      );
      return reply.status(204).send();
    },
  );

  app.delete(
    '/api/account',
    {
      schema: {
        tags: ['account'],
        summary: 'Delete the account and everything identity holds of it',
        description: 'Emits user.deleted through the outbox; every app then removes or anonymises its data.',
        security: bearer,
        body: Type.Object({ password: Password }, { additionalProperties: false }),
        response: { 204: NoContent, 401: ErrorResponse },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      await auth.deleteAccount(user.userId, request.body.password);
      return reply.status(204).send();
    },
  );
}

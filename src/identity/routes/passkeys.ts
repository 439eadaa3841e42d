// /api/auth/passkeys/*: register, list, rename and remove passkeys; sign in with one. The
// options are WebAuthn's JSON forms, as @simplewebauthn/browser takes them and answers.
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { NoContent, Timestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import type { IdentityServices } from '../index.ts';
import { consoleUrlOf } from '../mail/links.ts';
import { relyingPartyOf } from '../service/passkeys.ts';
import { originOf } from './origin.ts';
import { bearer, DeviceFields, deviceFrom, ErrorResponse, Password, SignedIn } from './schemas.ts';

const B64 = (maxLength: number) => Type.String({ pattern: '^[A-Za-z0-9_-]*={0,2}$', maxLength });

/** A browser's answer to navigator.credentials.create() / .get() in its JSON form. */
const CredentialResponse = (
  response: Record<string, ReturnType<typeof Type.Optional> | ReturnType<typeof B64>>,
) =>
  Type.Object(
    {
      id: B64(1400),
      rawId: B64(1400),
      type: Type.Literal('public-key'),
      response: Type.Object(response, { additionalProperties: true }),
      authenticatorAttachment: Type.Optional(Type.String({ maxLength: 40 })),
      clientExtensionResults: Type.Record(Type.String(), Type.Unknown()),
    },
    { additionalProperties: false },
  );

const Passkey = Type.Object({
  passkey_id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  synced: Type.Boolean({
    description: 'A multi-device passkey (synced through the person’s password manager)',
  }),
  backed_up: Type.Boolean(),
  created_at: Timestamp,
  last_used_at: Type.Union([Timestamp, Type.Null()]),
});
const PasskeyName = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const Options = Type.Record(Type.String(), Type.Unknown(), {
  description: 'PublicKeyCredential options (JSON form), for @simplewebauthn/browser',
});

export function registerPasskeyRoutes(app: App, services: IdentityServices) {
  const { passkeys, deps } = services;
  const rp = (request: Parameters<typeof consoleUrlOf>[1]) =>
    relyingPartyOf(consoleUrlOf(deps.config, request));

  app.get(
    '/api/auth/passkeys',
    {
      schema: {
        tags: ['passkeys'],
        summary: 'The account’s passkeys',
        security: bearer,
        response: { 200: Type.Object({ items: Type.Array(Passkey) }), 401: ErrorResponse },
      },
    },
    async (request) => ({ items: await passkeys.list(requireUser(request).userId) }),
  );

  app.post(
    '/api/auth/passkeys/register/options',
    {
      schema: {
        tags: ['passkeys'],
        summary: 'Start adding a passkey (needs the password): options for navigator.credentials.create()',
        description: 'The challenge works once, for 5 minutes, on the account console’s origin.',
        security: bearer,
        body: Type.Object({ password: Password }, { additionalProperties: false }),
        response: { 200: Options, 401: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) =>
      (await passkeys.registrationOptions(
        requireUser(request).userId,
        request.body.password,
        rp(request),
      )) as unknown as Record<string, unknown>,
  );

  app.post(
    '/api/auth/passkeys/register',
    {
      schema: {
        tags: ['passkeys'],
        summary: 'Add the passkey the browser created',
        security: bearer,
        body: Type.Object(
          {
            response: CredentialResponse({
              clientDataJSON: B64(4096),
              attestationObject: B64(16384),
            }),
            name: Type.Optional(PasskeyName),
          },
          { additionalProperties: false },
        ),
        response: { 201: Passkey, 400: ErrorResponse, 401: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await passkeys.register(
          requireUser(request).userId,
          {
            response: request.body.response as unknown as RegistrationResponseJSON,
            name: request.body.name,
          },
          originOf(request),
          consoleUrlOf(deps.config, request),
        ),
      ),
  );

  app.patch(
    '/api/auth/passkeys/:passkeyId',
    {
      schema: {
        tags: ['passkeys'],
        summary: 'Rename a passkey',
        security: bearer,
        params: Type.Object({ passkeyId: Type.String({ maxLength: 100 }) }),
        body: Type.Object({ name: PasskeyName }, { additionalProperties: false }),
        response: { 200: Passkey, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) =>
      passkeys.rename(
        requireUser(request).userId,
        request.params.passkeyId,
        request.body.name,
        originOf(request),
      ),
  );

  app.delete(
    '/api/auth/passkeys/:passkeyId',
    {
      schema: {
        tags: ['passkeys'],
        summary: 'Remove a passkey: it no longer signs in',
        security: bearer,
        params: Type.Object({ passkeyId: Type.String({ maxLength: 100 }) }),
        response: { 204: NoContent, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await passkeys.remove(requireUser(request).userId, request.params.passkeyId, originOf(request));
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/auth/passkeys/login/options',
    {
      schema: {
        tags: ['passkeys'],
        summary: 'Start signing in with a passkey: options for navigator.credentials.get()',
        description:
          'Any passkey of this site may answer (no username needed). The challenge works once, for 5 minutes.',
        response: { 200: Options },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return (await passkeys.authenticationOptions(rp(request))) as unknown as Record<string, unknown>;
    },
  );

  app.post(
    '/api/auth/passkeys/login',
    {
      schema: {
        tags: ['passkeys'],
        summary: 'Sign in with the passkey the browser used, instead of a password',
        description:
          'The session records amr hwk or swk (a device-bound or a synced passkey), user, and mfa when the authenticator verified its user. Two-step verification is not asked for on top.',
        body: Type.Object(
          {
            response: CredentialResponse({
              clientDataJSON: B64(4096),
              authenticatorData: B64(4096),
              signature: B64(2048),
              userHandle: Type.Optional(B64(256)),
            }),
            ...DeviceFields,
          },
          { additionalProperties: false },
        ),
        response: { 200: SignedIn, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return passkeys.signIn(
        {
          response: request.body.response as unknown as AuthenticationResponseJSON,
          device: deviceFrom(request.body),
        },
        originOf(request),
        consoleUrlOf(deps.config, request),
      );
    },
  );
}

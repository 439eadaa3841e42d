// Which mails a person gets (/api/account/mail), the unsubscribe link every optional mail
// carries (RFC 8058 one-click POST too), and in development the mailbox the data dir keeps
// (/dev/mail; refused in production).
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import type { App } from '../../platform/http/service.ts';
import { listDevMails, readDevMail } from '../../platform/mail.ts';
import { IdentityErrors } from '../errors.ts';
import type { IdentityServices } from '../index.ts';
import { originOf } from './origin.ts';
import { bearer, ErrorResponse } from './schemas.ts';

const Preferences = Type.Object({
  locale: Type.String(),
  categories: Type.Array(
    Type.Object({
      category: Type.String(),
      label: Type.String(),
      enabled: Type.Boolean(),
      optional: Type.Boolean({ description: 'Security notices are not optional' }),
    }),
  ),
});
const Unsubscribed = Type.Object({ category: Type.String(), label: Type.String(), enabled: Type.Boolean() });
const TokenQuery = Type.Object({ token: Type.String({ minLength: 1, maxLength: 300 }) });

export function registerMailRoutes(app: App, services: IdentityServices) {
  const { mailPreferences, deps } = services;

  app.get(
    '/api/account/mail',
    {
      schema: {
        tags: ['account'],
        summary: 'Which mails the account gets, and their language',
        security: bearer,
        response: { 200: Preferences, 401: ErrorResponse },
      },
    },
    async (request) => mailPreferences.read(requireUser(request).userId),
  );

  app.put(
    '/api/account/mail',
    {
      schema: {
        tags: ['account'],
        summary: 'Turn optional mails on or off; set the language of mails',
        description:
          'Security notices (password, new sign-ins, email and two-step changes) cannot be turned off. Mails are in English for now; other languages fall back to it.',
        security: bearer,
        body: Type.Object(
          {
            locale: Type.Optional(
              Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', maxLength: 35 }),
            ),
            categories: Type.Optional(
              Type.Record(Type.String({ maxLength: 40 }), Type.Boolean(), { maxProperties: 20 }),
            ),
          },
          { additionalProperties: false, examples: [{ categories: { receipts: false } }] },
        ),
        response: { 200: Preferences, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => mailPreferences.update(requireUser(request).userId, request.body, originOf(request)),
  );

  app.get(
    '/api/mail/unsubscribe',
    {
      schema: {
        tags: ['account'],
        summary: 'What an unsubscribe link would turn off (changes nothing)',
        querystring: TokenQuery,
        response: { 200: Type.Object({ category: Type.String(), label: Type.String() }), 400: ErrorResponse },
      },
    },
    async (request) => mailPreferences.describeUnsubscribe(request.query.token),
  );

  // RFC 8058: mail programs POST `List-Unsubscribe=One-Click` form-encoded to the address in the
  // List-Unsubscribe header; the console's page POSTs JSON. Either way the token is in the query.
  app.register(async (plain) => {
    const scope = plain as unknown as App;
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1024 },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    scope.post(
      '/api/mail/unsubscribe',
      {
        schema: {
          tags: ['account'],
          summary: 'Stop one kind of optional mail (the link in the mail; RFC 8058 one-click)',
          querystring: TokenQuery,
          response: { 200: Unsubscribed, 400: ErrorResponse },
        },
      },
      async (request) => mailPreferences.unsubscribe(request.query.token, originOf(request)),
    );
  });

  app.get(
    '/dev/mail',
    {
      schema: {
        tags: ['development'],
        summary: 'Development: the mails written to the data dir (without CALOS_SMTP_URL), newest first',
        description:
          'Refused in production. Each mail’s links are listed; /dev/mail/:id answers the mail itself (message/rfc822).',
        response: {
          200: Type.Object({
            mode: Type.String(),
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                to: Type.String(),
                subject: Type.String(),
                kind: Type.String(),
                date: Type.String(),
                text: Type.String(),
                links: Type.Array(Type.String()),
              }),
            ),
          }),
          403: ErrorResponse,
        },
      },
    },
    async (_request, reply) => {
      if (deps.config.nodeEnv === 'production') throw IdentityErrors.devMailRefused();
      reply.header('cache-control', 'no-store');
      return { mode: services.mailTransport.mode, items: listDevMails(deps.config) };
    },
  );

  app.get(
    '/dev/mail/:id',
    {
      schema: {
        tags: ['development'],
        summary: 'Development: one mail written to the data dir, as sent (RFC 5322)',
        params: Type.Object({ id: Type.String({ maxLength: 200 }) }),
        response: { 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      if (deps.config.nodeEnv === 'production') throw IdentityErrors.devMailRefused();
      const raw = readDevMail(deps.config, request.params.id);
      if (!raw) throw IdentityErrors.devMailNotFound();
      return reply
        .type('message/rfc822')
        .header('cache-control', 'no-store')
        .send(raw as never);
    },
  );
}

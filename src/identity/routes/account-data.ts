// /api/account/export and /api/account/import: "Download my data" (GDPR Art. 15, right of access,
// and Art. 20, data portability) as one zip streamed while it is made, and that zip taken into
// this CALOS (recipes, meal plans, pantry, lists, events, costumes, plans) by the signed-in user.
import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import type { App } from '../../platform/http/service.ts';
import type { IdentityServices } from '../index.ts';
import { ACCOUNT_ARCHIVE_LIMITS, type IdentityLinks } from '../links.ts';
import { createAccountDataService } from '../service/account-data.ts';
import { originOf } from './origin.ts';
import { bearer, ErrorResponse } from './schemas.ts';

const Counts = Type.Object({
  created: Type.Integer({ minimum: 0 }),
  existing: Type.Integer({
    minimum: 0,
    description: 'Rows an earlier import of the same archive brought already',
  }),
  skipped: Type.Array(Type.Object({ id: Type.Union([Type.String(), Type.Null()]), reason: Type.String() }), {
    description: 'Rows not taken, with why (e.g. a family another member created)',
  }),
});

const ImportSummary = Type.Object(
  {
    format_version: Type.Integer(),
    apps: Type.Record(Type.String(), Type.Record(Type.String(), Counts), {
      description: 'Per app (recipes, hollowtown, family), per collection',
    }),
    unavailable: Type.Array(Type.String(), {
      description: 'Apps the archive has data of that this CALOS does not reach now: import again later',
    }),
  },
  { description: 'What was imported, per app and collection' },
);

export function registerAccountDataRoutes(app: App, services: IdentityServices, links: IdentityLinks): void {
  const accountData = createAccountDataService(services.deps, services.throttles, links);

  app.post(
    '/api/account/export',
    {
      schema: {
        tags: ['account'],
        summary: 'Download my data: everything CALOS holds about you, as one zip',
        description:
          'GDPR Art. 15 (right of access) and Art. 20 (data portability). The answer is a zip, streamed while ' +
          'it is made: README.md (the format), manifest.json, identity.json (profile, devices, sessions, ' +
          'credits, plan, AI keys by name, AI usage, karma, security log), hollowtown.json, recipes.json and ' +
          'family.json, each {"format", "version", "app", "collections": {name: [rows]}}. No password hash, ' +
          'token or key is in it. Asks for the password again (401 PASSWORD_INCORRECT); one export at a time ' +
          'per account (429 ACCOUNT_DATA_BUSY). Recorded in the security log (account.exported).',
        security: bearer,
        body: Type.Object(
          { password: Type.String({ minLength: 1, maxLength: 1024, description: 'Your password, again' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Unsafe<Readable>({
            type: 'string',
            format: 'binary',
            description: 'The zip (application/zip)',
          }),
          400: ErrorResponse,
          401: ErrorResponse,
          429: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { userId } = requireUser(request);
      return sendZip(
        reply,
        await accountData.exportArchive(userId, request.body.password, originOf(request)),
      );
    },
  );

  const ZipAnswer = Type.Unsafe<Readable>({
    type: 'string',
    format: 'binary',
    description: 'The zip (application/zip)',
  });
  const sendZip = (reply: FastifyReply, { archive, filename }: { archive: Readable; filename: string }) =>
    reply
      .header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`)
      .header('cache-control', 'no-store')
      .send(archive);

  app.post(
    '/api/account/export/ticket',
    {
      schema: {
        tags: ['account'],
        summary: 'Download my data from a browser: a single-use ticket for the zip',
        description:
          'Asks for the password again (401 PASSWORD_INCORRECT) and answers a ticket that works once, for ' +
          '`expires_in` seconds, at GET /api/account/export/{ticket}: a plain URL the browser saves to disk as it ' +
          'streams, whatever the size (a page holding the zip itself would keep it all in memory).',
        security: bearer,
        body: Type.Object(
          { password: Type.String({ minLength: 1, maxLength: 1024, description: 'Your password, again' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            ticket: Type.String(),
            expires_in: Type.Integer({ minimum: 1, description: 'Seconds' }),
          }),
          400: ErrorResponse,
          401: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request) => accountData.exportTicket(requireUser(request).userId, request.body.password),
  );

  app.get(
    '/api/account/export/:ticket',
    {
      // The ticket is the key: never logged.
      config: { secretParams: ['ticket'] },
      schema: {
        tags: ['account'],
        summary: 'The zip of "Download my data", for a ticket (works once)',
        description:
          'The same archive as POST /api/account/export, streamed. The ticket is spent: a second use, an ' +
          'expired or unknown one is 404 ACCOUNT_EXPORT_TICKET_INVALID. One export at a time per account (429 ' +
          'ACCOUNT_DATA_BUSY). Recorded in the security log (account.exported).',
        params: Type.Object({ ticket: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: ZipAnswer, 404: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request, reply) =>
      sendZip(reply, await accountData.exportByTicket(request.params.ticket, originOf(request))),
  );

  // Encapsulated: the zip parser applies to this route only.
  app.register(async (plain) => {
    const scope = plain as unknown as App;
    scope.addContentTypeParser(
      'application/zip',
      { parseAs: 'buffer', bodyLimit: ACCOUNT_ARCHIVE_LIMITS.bytes },
      (_request, body, done) => done(null, body),
    );
    scope.post(
      '/api/account/import',
      {
        schema: {
          tags: ['account'],
          summary: 'Import a "Download my data" archive of another CALOS into your account',
          description:
            'Send the zip itself as the body, with Content-Type: application/zip. Takes its recipes, meal plans, ' +
            'pantry, shopping lists, Halloween recipes, events, costumes and haunted-house plans, and the ' +
            'families you created with their lists and events, as new rows of yours (a meal plan keeps its ' +
            'recipes, an event its recipes). Importing the same archive again adds nothing twice. Sign-in ' +
            'data (password, sessions, devices, keys) is not imported. Limits: ' +
            `${ACCOUNT_ARCHIVE_LIMITS.bytes} bytes uploaded, ${ACCOUNT_ARCHIVE_LIMITS.entries} files, ` +
            `${ACCOUNT_ARCHIVE_LIMITS.entryBytes} bytes per file inflated, ${ACCOUNT_ARCHIVE_LIMITS.rows} rows ` +
            'per collection (413 ACCOUNT_ARCHIVE_TOO_LARGE); 400 ACCOUNT_ARCHIVE_INVALID for what is not such ' +
            'an archive; 422 ACCOUNT_ARCHIVE_UNSUPPORTED for a format version this CALOS does not read.',
          security: bearer,
          response: {
            200: ImportSummary,
            400: ErrorResponse,
            401: ErrorResponse,
            413: ErrorResponse,
            415: ErrorResponse,
            422: ErrorResponse,
            429: ErrorResponse,
            503: ErrorResponse,
          },
        },
      },
      async (request) => {
        const { userId } = requireUser(request);
        return accountData.importArchive(userId, request.body as Buffer, originOf(request));
      },
    );
  });
}

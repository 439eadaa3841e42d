// /api/web/*: the apps' former private sign-in across domains (authorization code + PKCE), kept
// for one release for existing callers. Deprecated: CALOS's own pages now sign in through the
// OpenID provider (first-party clients, src/identity/oidc/first-party.ts) like any other app.
// CORS for the app pages is the platform's (src/platform/http/cors.ts).
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import type { App } from '../../platform/http/service.ts';
import type { IdentityDeps } from '../deps.ts';
import type { AuthService } from '../service/auth.ts';
import { createWebSessionService, WEB_CLIENTS } from '../service/web-session.ts';
import { originOf } from './origin.ts';
import { bearer, ErrorResponse, SignedIn } from './schemas.ts';

const DEPRECATED =
  ' Deprecated: sign in with OpenID Connect instead (client calos-<app>, authorization code + PKCE at the ' +
  'discovered authorization_endpoint); this route goes away in the next release.';

const Client = Type.Union(
  WEB_CLIENTS.map((client) => Type.Literal(client)),
  { description: 'The app: hollowtown, recipes or family' },
);

export function registerWebSessionRoutes(app: App, deps: IdentityDeps, auth: AuthService) {
  const web = createWebSessionService(deps, auth);

  app.post(
    '/api/web/authorize',
    {
      schema: {
        tags: ['web sign-in'],
        deprecated: true,
        summary: 'The signed-in account console asks for a one-time code for an app',
        description:
          'PKCE S256 only. The code works once, for 60 seconds, at exactly this redirect_uri: the app root on a host ' +
          'that CALOS_HOSTS maps to the app, or its prefix on the host the console is on.' +
          DEPRECATED,
        security: bearer,
        body: Type.Object(
          {
            client: Client,
            redirect_uri: Type.String({ minLength: 1, maxLength: 2048 }),
            code_challenge: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }),
            code_challenge_method: Type.Optional(Type.Literal('S256')),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            code: Type.String(),
            expires_in: Type.Integer(),
            redirect_uri: Type.String(),
          }),
          400: ErrorResponse,
          401: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      reply.header('cache-control', 'no-store');
      return reply.status(201).send(await web.authorize(user, request.body, request.headers.host));
    },
  );

  app.post(
    '/api/web/token',
    {
      schema: {
        tags: ['web sign-in'],
        deprecated: true,
        summary: 'An app exchanges a one-time code and its PKCE verifier for its own session',
        description:
          'The session is the app\'s own (its own refresh token, shown as a device "<App> (web)"); ' +
          'sign out everywhere ends it.' +
          DEPRECATED,
        body: Type.Object(
          {
            client: Client,
            code: Type.String({ minLength: 1, maxLength: 200 }),
            code_verifier: Type.String({ minLength: 1, maxLength: 200 }),
            redirect_uri: Type.String({ minLength: 1, maxLength: 2048 }),
            grant_type: Type.Optional(Type.Literal('authorization_code')),
          },
          { additionalProperties: false },
        ),
        response: { 200: SignedIn, 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const { grant_type: _grant, ...input } = request.body;
      return web.exchange(input, originOf(request));
    },
  );

  app.post(
    '/api/web/logout-everywhere',
    {
      schema: {
        tags: ['web sign-in'],
        deprecated: true,
        summary: 'End this session and every app session started from the account console',
        description:
          'Refresh stops at once everywhere; access tokens already issued keep working in the apps for at most 300 s.' +
          ' Deprecated: use POST /api/auth/logout-everywhere.',
        security: bearer,
        response: { 200: Type.Object({ sessions_ended: Type.Integer() }), 401: ErrorResponse },
      },
    },
    async (request) => web.signOutEverywhere(requireUser(request), originOf(request)),
  );
}

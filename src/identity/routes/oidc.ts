// OpenID Connect: the provider's endpoints (discovery, authorization, token, revocation,
// introspection, end-session, JWKS) handed to oidc-provider untouched, CALOS's userinfo, and the
// console's part of a sign-in (finishing it, consent) and of the apps a person allowed.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { type AuthUser, bearerToken, requireUser } from '../../platform/auth/guard.ts';
import { prefixSeenByClient } from '../../platform/http/host-routing.ts';
import { NoContent, Timestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import type { IdentityServices } from '../index.ts';
import type { OidcProvider } from '../oidc/provider.ts';
import { findUserById } from '../store/users.ts';
import { originOf } from './origin.ts';
import { bearer, ErrorResponse } from './schemas.ts';

/** Routes the provider answers itself, in OAuth's error format (marked so identity's guard stays out). */
export const OIDC_ROUTE: { oidc: boolean } = { oidc: true };

const hand =
  (oidc: OidcProvider, pathOf: (request: FastifyRequest) => string, isRoot: boolean) =>
  async (request: FastifyRequest, reply: FastifyReply) => {
    // Before Fastify reads the body: the provider parses forms and JSON itself.
    reply.hijack();
    // Under /calos, or at the root of identity's own host (CALOS_HOSTS): the provider names its
    // endpoints where this browser reached it, so an app on another host stays on one origin.
    const mount = isRoot ? undefined : prefixSeenByClient(request.originalUrl, IDENTITY_PREFIX);
    await oidc.handle(request.raw, reply.raw, pathOf(request), mount);
  };

const IDENTITY_PREFIX = '/calos';

/** What follows the identity prefix in the request's URL (the provider's own path and query). */
const providerPath = (request: FastifyRequest) => {
  const url = request.raw.url ?? '/';
  const prefix = request.routeOptions.url?.startsWith('/calos') ? '/calos' : '';
  return url.startsWith(`${prefix}/`) ? url.slice(prefix.length) : url;
};

const raw = (
  oidc: OidcProvider,
  pathOf: (request: FastifyRequest) => string = providerPath,
  isRoot = false,
) => ({
  schema: { hide: true },
  config: OIDC_ROUTE,
  onRequest: hand(oidc, pathOf, isRoot),
});

// Both discovery documents say the same (the provider's OpenID Provider Metadata is a superset
// of RFC 8414's Authorization Server Metadata).
const DISCOVERY = '/.well-known/openid-configuration';
const withQuery = (request: FastifyRequest, path: string) => {
  const url = request.raw.url ?? '';
  const query = url.indexOf('?');
  return query >= 0 ? `${path}${url.slice(query)}` : path;
};

export function registerOidcRoutes(app: App, services: IdentityServices) {
  const { oidc, oidcService } = services;
  const unreachable = async () => undefined;
  app.get(DISCOVERY, raw(oidc), unreachable);
  app.get(
    '/.well-known/oauth-authorization-server',
    raw(oidc, (r) => withQuery(r, DISCOVERY)),
    unreachable,
  );
  app.all('/oidc/*', raw(oidc), unreachable);

  const userinfo = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store');
    const refuse = (status: number, error: string, description: string) => {
      reply.header('www-authenticate', `Bearer error="${error}", error_description="${description}"`);
      return reply.status(status).send({ error, error_description: description });
    };
    let user: AuthUser;
    try {
      const token = bearerToken(request);
      if (!token) return refuse(401, 'invalid_token', 'An access token is required');
      user = await services.verifyAccessToken(token);
    } catch {
      return refuse(401, 'invalid_token', 'The access token is not valid, has expired or its session ended');
    }
    const scopes = user.delegated?.scopes ?? ['openid', 'profile', 'email'];
    if (!scopes.includes('openid')) return refuse(403, 'insufficient_scope', 'The openid scope is required');
    const account = await findUserById(services.deps.db, user.userId);
    if (!account) return refuse(401, 'invalid_token', 'The account no longer exists');
    return {
      sub: account.user_id,
      ...(scopes.includes('profile')
        ? {
            name: account.display_name ?? account.username,
            preferred_username: account.username,
            locale: account.locale,
          }
        : {}),
      ...(scopes.includes('email')
        ? { email: account.email, email_verified: account.email_verified_at !== null }
        : {}),
    };
  };
  const userinfoOptions = {
    // An OAuth endpoint (its errors are RFC 6750's, not CALOS's shape): discovery names it.
    schema: { hide: true },
    config: OIDC_ROUTE,
  };
  app.get('/oidc/me', userinfoOptions, userinfo);
  app.post('/oidc/me', userinfoOptions, userinfo);

  const Uid = Type.Object({ uid: Type.String({ pattern: '^[A-Za-z0-9_-]{10,64}$' }) });
  const Redirect = Type.Object({ redirect_to: Type.String() });

  app.get(
    '/api/oidc/interactions/:uid',
    {
      schema: {
        tags: ['openid connect'],
        summary: 'What an app asks for, for the console’s sign-in and consent screen',
        params: Uid,
        response: {
          200: Type.Object({
            client_id: Type.String(),
            client_name: Type.String(),
            first_party: Type.Boolean(),
            scopes: Type.Array(Type.String()),
            screen: Type.Optional(Type.Union([Type.Literal('signin'), Type.Literal('signup')])),
          }),
          404: ErrorResponse,
        },
      },
    },
    async (request) => oidcService.describeInteraction(request.params.uid),
  );

  app.post(
    '/api/oidc/interactions/:uid/accept',
    {
      schema: {
        tags: ['openid connect'],
        summary: 'The signed-in person lets the app in (after consent for a partner app)',
        description:
          'The app’s grant lasts as long as this CALOS session: signing out ends the app’s refresh tokens, and its ' +
          'access tokens are refused by every CALOS service within 2 s. The browser goes on to redirect_to.',
        security: bearer,
        params: Uid,
        response: { 200: Redirect, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      reply.header('cache-control', 'no-store');
      return oidcService.accept(user, request.params.uid, originOf(request));
    },
  );

  app.post(
    '/api/oidc/interactions/:uid/deny',
    {
      schema: {
        tags: ['openid connect'],
        summary: 'The person does not let the app in (the app receives access_denied)',
        params: Uid,
        response: { 200: Redirect, 404: ErrorResponse },
      },
    },
    async (request) => oidcService.deny(request.params.uid),
  );

  app.get(
    '/api/oidc/grants',
    {
      schema: {
        tags: ['openid connect'],
        summary: 'The apps this account let in, while their sessions last',
        security: bearer,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                grant_id: Type.String(),
                client_id: Type.String(),
                client_name: Type.String(),
                created_at: Timestamp,
              }),
            ),
          }),
          401: ErrorResponse,
        },
      },
    },
    async (request) => ({ items: await oidcService.listGrants(requireUser(request).userId) }),
  );

  app.delete(
    '/api/oidc/grants/:grantId',
    {
      schema: {
        tags: ['openid connect'],
        summary: 'Take an app’s access away: its tokens stop working at once',
        security: bearer,
        params: Type.Object({ grantId: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 204: NoContent, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await oidcService.revokeGrant(requireUser(request).userId, request.params.grantId);
      return reply.status(204).send();
    },
  );
}

/** Discovery at the root of the host too (OIDC Discovery and RFC 8414 §3 for an issuer with a path). */
export function registerOidcRootRoutes(app: App, oidc: OidcProvider, issuerPath: string) {
  const unreachable = async () => undefined;
  const discovery = raw(oidc, (r) => withQuery(r, DISCOVERY), true);
  app.get(DISCOVERY, discovery, unreachable);
  app.get('/.well-known/oauth-authorization-server', discovery, unreachable);
  if (issuerPath) {
    app.get(`/.well-known/oauth-authorization-server${issuerPath}`, discovery, unreachable);
    app.get(`/.well-known/openid-configuration${issuerPath}`, discovery, unreachable);
  }
}

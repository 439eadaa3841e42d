// The CALOS account as an OAuth 2.1 / OpenID Connect provider: oidc-provider (OpenID Certified)
// configured on identity's database, identity's Ed25519 signing keys, CALOS's own sign-in (the
// account console, with two-step verification and passkeys) as the interaction, and RFC 9068
// JWT access tokens that every CALOS service accepts.
import { hkdfSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JWK } from 'jose';
import type { Configuration, KoaContextWithOIDC, default as Provider } from 'oidc-provider';
import { apiResourceOf, FIRST_PARTY_SCOPE } from '../../platform/auth/guard.ts';
import type { IdentityDeps } from '../deps.ts';
import { ACCESS_TOKEN_TTL_SECONDS, type TokenIssuer } from '../service/tokens.ts';
import { findGrantSession, findOidcClient, recordDevicePoll } from '../store/oidc.ts';
import { type AuthMethod, findSession, type RevokeReason, revokeSession } from '../store/sessions.ts';
import { currentPlan } from '../store/subscriptions.ts';
import { findUserById } from '../store/users.ts';
import { createAdapterClass } from './adapter.ts';

type OidcModule = typeof import('oidc-provider');
let oidcModule: Promise<OidcModule> | undefined;

/**
 * oidc-provider, loaded when a provider is first built. On import it warns that Node before 22 is
 * not supported; CALOS runs on Node 20.12+ (README) and its OIDC tests pass there, so that one
 * line is held back rather than printed by every CLI command and start.
 */
function loadOidcProvider(): Promise<OidcModule> {
  oidcModule ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider WARNING: Unsupported runtime'))
        return;
      warn(...args);
    };
    try {
      return await import('oidc-provider');
    } finally {
      console.warn = warn;
    }
  })();
  return oidcModule;
}

/** OpenID Connect scopes and the CALOS scopes a partner app may ask for (consent names them). */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;
export const API_SCOPES = ['credits:read', 'credits:spend', 'ai'] as const;
export const ALL_SCOPES: readonly string[] = [...OIDC_SCOPES, ...API_SCOPES];

/** Authentication context classes (`acr`), from how the CALOS session was authenticated (`amr`). */
export const ACR_PASSWORD = 'urn:calos:acr:password';
export const ACR_MULTI_FACTOR = 'urn:calos:acr:multi-factor';

/** Two factors, or a passkey that verified its user (something held and something known or been). */
export function acrOf(amr: readonly AuthMethod[]): string {
  const passkeyWithUser = (amr.includes('hwk') || amr.includes('swk')) && amr.includes('user');
  return amr.includes('mfa') || amr.includes('otp') || passkeyWithUser ? ACR_MULTI_FACTOR : ACR_PASSWORD;
}

export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
export const DEVICE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628: how long a device code lives, how often a device may poll, and slow_down's step. */
export const DEVICE_CODE_TTL_SECONDS = 600;
export const DEVICE_POLL = { interval: 5, step: 5, max: 60 } as const;
/** How long a person may take between the app's redirect and approving it in the console. */
const INTERACTION_TTL_SECONDS = 3600;

export interface OidcProvider {
  /** The provider signing with the current key (rebuilt when identity's signing key rotates). */
  current(): Promise<Provider>;
  /**
   * Hands a request to the provider; `path` is what follows identity's root, and `mount` that
   * root as the browser sees it (default: the issuer's path): '' on identity's own host
   * (CALOS_HOSTS), so the endpoints the provider names (discovery, redirects) are on that host.
   */
  handle(req: IncomingMessage, res: ServerResponse, path: string, mount?: string): Promise<void>;
}

export function createOidcProvider(
  deps: IdentityDeps,
  tokens: TokenIssuer,
  options: {
    interactionUrl: (uid: string) => string;
    /** The console's page where a signed-in person enters a device's code (relative to the request, or absolute). */
    devicePairUrl: string;
  },
): OidcProvider {
  const issuer = deps.config.issuer;
  const mountPath = new URL(issuer).pathname.replace(/\/$/, '');
  const resource = apiResourceOf(issuer);
  const Adapter = createAdapterClass(deps);
  // Cookie signing keys derived from the master key: every process of a deployment agrees.
  const cookieKey = Buffer.from(hkdfSync('sha256', deps.masterKey, 'calos', 'oidc-cookies', 32)).toString(
    'base64url',
  );

  /** Ends the CALOS session a grant was made in (reuse of a spent refresh token, sign-out at the provider). */
  const endSessionOfGrant = async (grantId: string | undefined, reason: RevokeReason) => {
    if (!grantId) return;
    const link = await findGrantSession(deps.db, grantId);
    if (link) await revokeSession(deps.db, link.session_id, reason, deps.now());
  };

  const isFirstParty = async (clientId: string | undefined) =>
    clientId !== undefined && (await findOidcClient(deps.db, clientId))?.first_party === true;

  const configuration = (keys: JWK[], errors: OidcModule['errors']): Configuration => ({
    adapter: Adapter,
    jwks: { keys: keys as Configuration['jwks'] extends { keys: infer K } | undefined ? K : never },
    cookies: { keys: [cookieKey], long: { signed: true }, short: { signed: true } },
    clients: [],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      id_token_signed_response_alg: 'EdDSA',
      token_endpoint_auth_method: 'client_secret_basic',
    },
    // oidc-provider refuses to call special-use addresses (SSRF). Outside production an app on the
    // developer's own machine (loopback, which registration admits over http) is let through.
    fetch: (url, init) => {
      const target = new URL(url instanceof Request ? url.url : url);
      const isLoopback = ['localhost', '127.0.0.1', '[::1]'].includes(target.hostname);
      if (deps.config.nodeEnv !== 'production' && isLoopback) {
        const { dispatcher: _, ...rest } = init as RequestInit & { dispatcher?: unknown };
        return fetch(url, rest);
      }
      return fetch(url, init);
    },
    enabledJWA: {
      idTokenSigningAlgValues: ['EdDSA'],
      userinfoSigningAlgValues: ['EdDSA'],
      introspectionSigningAlgValues: ['EdDSA'],
      authorizationSigningAlgValues: ['EdDSA'],
    },
    scopes: [...ALL_SCOPES],
    claims: {
      // How the person signed in goes to every app (issue 20: a domain may ask for a second factor).
      openid: ['sub', 'acr', 'amr', 'auth_time', 'sid'],
      profile: ['name', 'preferred_username', 'locale'],
      email: ['email', 'email_verified'],
    },
    // ID tokens carry the profile and email claims the scopes allow (not only the userinfo answer).
    conformIdTokenClaims: false,
    acrValues: [ACR_PASSWORD, ACR_MULTI_FACTOR],
    // Browser apps (public clients: CALOS's own pages, a partner's single-page app) call the token
    // and revocation endpoints from the origins of their redirect URIs, and only from those.
    clientBasedCORS(_ctx, origin, client) {
      if (client.clientAuthMethod !== 'none') return false;
      return (client.redirectUris ?? []).some((uri) => {
        try {
          return new URL(uri).origin === origin;
        } catch {
          return false;
        }
      });
    },
    // CALOS's own apps open the console on its sign-up form with screen=signup.
    extraParams: ['screen'],
    pkce: { required: () => true },
    responseTypes: ['code'],
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL_SECONDS,
      AuthorizationCode: 60,
      ClientCredentials: ACCESS_TOKEN_TTL_SECONDS,
      DeviceCode: DEVICE_CODE_TTL_SECONDS,
      Grant: REFRESH_TOKEN_TTL_SECONDS,
      IdToken: 3600,
      Interaction: INTERACTION_TTL_SECONDS,
      RefreshToken: REFRESH_TOKEN_TTL_SECONDS,
      Session: REFRESH_TOKEN_TTL_SECONDS,
    },
    rotateRefreshToken: true,
    // OAuth 2.1: a refresh token for every client allowed the grant, not only with offline_access.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    async revokeGrantPolicy(ctx) {
      const route = ctx.oidc.route;
      // The app revoking its own access token keeps the grant (RFC 7009 §2.1 leaves it open).
      if (route === 'revocation' && ctx.oidc.entities.AccessToken) return false;
      const refreshToken = ctx.oidc.entities.RefreshToken;
      if (route === 'revocation' && refreshToken && (await isFirstParty(refreshToken.clientId))) {
        // One of CALOS's own apps signs out: its own CALOS session (its device) ends with it.
        await endSessionOfGrant(refreshToken.grantId, 'logout');
      }
      if (route === 'token' && ctx.oidc.params?.grant_type === 'refresh_token') {
        // A spent refresh token came back: someone holds a copy. End the session it belongs to.
        await endSessionOfGrant(ctx.oidc.entities.RefreshToken?.grantId, 'refresh_reuse');
      } else if (route?.startsWith('end_session') && ctx.oidc.params?.logout) {
        // The person chose to sign out of CALOS, not only of the app: end the CALOS sessions
        // every app of this browser was allowed in.
        const grants = Object.values(ctx.oidc.session?.authorizations ?? {}).map((a) => a.grantId);
        for (const grantId of grants) await endSessionOfGrant(grantId, 'logout');
      }
      return true;
    },
    async findAccount(_ctx, sub) {
      const user = await findUserById(deps.db, sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            name: user.display_name ?? user.username,
            preferred_username: user.username,
            locale: user.locale,
            email: user.email,
            email_verified: user.email_verified_at !== null,
          };
        },
      };
    },
    async extraTokenClaims(ctx, token) {
      // RFC 9068 tokens for CALOS services: the CALOS session (revocation reaches it) and the plan.
      if (!('accountId' in token) || !token.accountId) return undefined;
      const grantId = 'grantId' in token ? token.grantId : undefined;
      const link = grantId ? await findGrantSession(deps.db, grantId) : undefined;
      const session = link ? await findSession(deps.db, link.session_id) : undefined;
      if (!session) throw new errors.InvalidGrant('the CALOS session of this grant has ended');
      void ctx;
      return {
        sid: session.session_id,
        // The grant's own key: taking the app's access away reaches every service through the feed.
        gid: link?.grant_key,
        plan: await currentPlan(deps.db, token.accountId, deps.now()),
        ...(session.amr.length > 0 ? { amr: session.amr, acr: acrOf(session.amr) } : {}),
      };
    },
    routes: {
      authorization: '/oidc/auth',
      code_verification: '/oidc/device',
      device_authorization: '/oidc/device/auth',
      end_session: '/oidc/session/end',
      introspection: '/oidc/token/introspection',
      jwks: '/oidc/jwks',
      pushed_authorization_request: '/oidc/request',
      registration: '/oidc/reg',
      revocation: '/oidc/token/revocation',
      token: '/oidc/token',
      userinfo: '/oidc/me',
      backchannel_authentication: '/oidc/backchannel',
      challenge: '/oidc/challenge',
      credential: '/oidc/credential',
    },
    // CALOS answers userinfo itself (see features.userinfo below).
    discovery: { userinfo_endpoint: `${issuer}/oidc/me`, service_documentation: `${issuer}/docs` },
    interactions: { url: (_ctx, interaction) => options.interactionUrl(interaction.uid) },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // RFC 8628. The person enters the code on the console's pairing page (CALOS's approval, the
      // same as for today's pairing), not on the provider's own page: see deviceFlowPacing.
      deviceFlow: { enabled: true, charset: 'base-20', mask: '****-****' },
      introspection: { enabled: true },
      revocation: { enabled: true },
      // Userinfo is CALOS's own route (src/identity/routes/oidc.ts): it takes the same RFC 9068
      // tokens as every other CALOS API, so one access token serves an app for both.
      userinfo: { enabled: false },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.body = page(
            'Sign out of CALOS?',
            `${form}<p>The app asked to sign you out of your CALOS account.</p>
             <button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
             <button type="submit" form="op.logoutForm">Stay signed in</button>`,
          );
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body = page('Signed out', '<p>You are signed out of CALOS in this app.</p>');
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => resource,
        useGrantedResource: async () => true,
        async getResourceServerInfo(_ctx, indicator, client) {
          if (indicator !== resource) throw new errors.InvalidTarget();
          // Service clients (client_credentials) get only the API scopes they were registered with;
          // CALOS's own apps (first party) may have `calos` too: everything a signed-in person can do.
          const scope =
            client.grantTypeAllowed('client_credentials') && !client.grantTypeAllowed('authorization_code')
              ? (client.scope ?? '')
              : (await isFirstParty(client.clientId))
                ? [...ALL_SCOPES, FIRST_PARTY_SCOPE].join(' ')
                : ALL_SCOPES.join(' ');
          return {
            scope,
            audience: resource,
            accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'EdDSA' } },
          };
        },
      },
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page(
        'Sign-in could not continue',
        `<p>${escapeHtml(String(out.error))}: ${escapeHtml(String(out.error_description ?? ''))}</p>`,
      );
    },
  });

  /**
   * What oidc-provider leaves to its host in the device flow: the verification URI is the
   * console's pairing page (the provider's own page is not used and sends there), the interval is
   * announced, and a device polling faster than it gets RFC 8628's slow_down.
   */
  const deviceFlowPacing = async (ctx: KoaContextWithOIDC, next: () => Promise<unknown>) => {
    if (
      ctx.path === '/oidc/device' ||
      (ctx.path.startsWith('/oidc/device/') && ctx.path !== '/oidc/device/auth')
    ) {
      const pairPage = new URL(options.devicePairUrl, ctx.href);
      const userCode = ctx.query.user_code;
      if (ctx.method === 'GET' && ctx.path === '/oidc/device') {
        if (typeof userCode === 'string') pairPage.searchParams.set('user_code', userCode.slice(0, 20));
        ctx.status = 303;
        ctx.redirect(pairPage.href);
      } else {
        ctx.status = 404;
        ctx.body = { error: 'invalid_request', error_description: `Enter the code at ${pairPage.href}` };
      }
      return;
    }
    await next();
    const body = ctx.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return;
    if (ctx.oidc?.route === 'device_authorization' && typeof body.user_code === 'string') {
      const pairPage = new URL(options.devicePairUrl, ctx.href);
      const complete = new URL(pairPage);
      complete.searchParams.set('user_code', body.user_code);
      ctx.body = {
        ...body,
        verification_uri: pairPage.href,
        verification_uri_complete: complete.href,
        interval: DEVICE_POLL.interval,
      };
    } else if (
      ctx.oidc?.route === 'token' &&
      body.error === 'authorization_pending' &&
      typeof ctx.oidc.params?.device_code === 'string'
    ) {
      const poll = await recordDevicePoll(deps.db, ctx.oidc.params.device_code, deps.now(), DEVICE_POLL);
      if (poll.isTooSoon)
        ctx.body = { error: 'slow_down', error_description: `Poll at most every ${poll.interval} seconds` };
    }
  };

  type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  let built: { kid: string; provider: Provider; callback: Handler; at: number } | undefined;
  let building: Promise<Provider> | undefined;

  const current = async (): Promise<Provider> => {
    // Re-read which key is active now and then: another process may have rotated it.
    if (built && performance.now() - built.at < 30_000) return built.provider;
    if (building) return building;
    building = (async () => {
      const keys = await tokens.privateJwks();
      const kid = keys[0]?.kid ?? '';
      if (built?.kid !== kid) {
        const { default: Provider, errors } = await loadOidcProvider();
        const provider = new Provider(issuer, configuration(keys, errors));
        provider.proxy = deps.config.trustProxy !== false;
        provider.use(deviceFlowPacing);
        built = { kid, provider, callback: provider.callback() as Handler, at: performance.now() };
      } else {
        built.at = performance.now();
      }
      return built.provider;
    })().finally(() => {
      building = undefined;
    });
    return building;
  };

  return {
    current,
    async handle(req, res, path, mount = mountPath) {
      await current();
      const callback = built?.callback;
      if (!callback) throw new Error('The OpenID provider is not built');
      // As if mounted there (the provider derives its URLs from originalUrl).
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = `${mount}${path}`;
      req.url = path;
      await callback(req, res);
    },
  };
}

export type { KoaContextWithOIDC };

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** A minimal page in the console's look for the provider's own screens (logout, errors). */
function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · CALOS</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1b1b1f}button{font:inherit;padding:.5rem 1rem;margin-right:.5rem}</style></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

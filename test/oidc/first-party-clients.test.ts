// CALOS's own pages as OpenID Connect clients, registered at identity's start from the
// deployment's settings and driven here with oauth4webapi as the pages drive it: discoverable,
// public with PKCE, never asked for consent, tokens with the full access of the `calos` scope and
// a session of the app's own; a partner app alongside still gets the consent screen and its
// limited scopes.
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityServices } from '../../src/identity/index.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { testEngines } from '../support/engines.ts';
import { given } from '../support/given.ts';
import { browse, CookieJar, type OidcPlatform, startOidcPlatform } from '../support/oidc.ts';

const insecure = { [oauth.allowInsecureRequests]: true } as const;
const HOSTS = 'haunts.localhost=hollowtown,id.localhost=identity';

describe.each(testEngines())('first-party clients on %s', (engine) => {
  let platform: OidcPlatform;
  let as: oauth.AuthorizationServer;
  let port: string;

  beforeAll(async () => {
    platform = await startOidcPlatform(engine, {
      env: { CALOS_HOSTS: HOSTS },
    });
    port = new URL(platform.issuer).port;
    const issuer = new URL(platform.issuer);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
  });
  afterAll(() => platform.close());

  /** Services on the platform's databases built with other settings, as another start would. */
  const servicesWith = (env: Record<string, string>) => {
    const config = Object.freeze({
      ...loadConfig({
        NODE_ENV: 'test',
        CALOS_DATA_DIR: platform.isolated.dataDir,
        PORT: port,
        CALOS_ISSUER: platform.issuer,
        ...env,
      }),
      databases: platform.isolated.targets,
    });
    return createIdentityServices({
      config,
      databases: platform.databases,
      logger: createLogger({ ...config, logLevel: 'silent' }),
      clock: platform.clock,
    });
  };

  /** Authorization code + PKCE through the console (the signed-in person's token accepts). */
  const signIn = async (
    clientId: string,
    redirectUri: string,
    scope: string,
    consoleToken: string,
    authentication: oauth.ClientAuth = oauth.None(),
  ) => {
    const client: oauth.Client = { client_id: clientId };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint ?? '');
    url.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope,
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();
    const jar = new CookieJar();
    const atConsole = await browse(jar, url.href, (at) => at.pathname.endsWith('/connect'));
    const uid = atConsole.searchParams.get('interaction') ?? '';
    const view = await (await fetch(`${platform.url}/calos/api/oidc/interactions/${uid}`)).json();
    const accept = await fetch(`${platform.url}/calos/api/oidc/interactions/${uid}/accept`, {
      method: 'POST',
      headers: { authorization: `Bearer ${consoleToken}`, 'user-agent': 'first-party test browser' },
    });
    expect(accept.status).toBe(200);
    const { redirect_to } = (await accept.json()) as { redirect_to: string };
    const back = await browse(jar, redirect_to, (at) => at.href.startsWith(redirectUri));
    const params = oauth.validateAuthResponse(as, client, back, state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      authentication,
      params,
      redirectUri,
      verifier,
      insecure,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: nonce,
    });
    return { tokens, view, client };
  };

  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  it('registers the console and the three apps from CALOS_ISSUER and CALOS_HOSTS, public and first party', async () => {
    const clients = (await platform.oidc.listClients()).filter((c) => c.first_party);
    expect(clients.map((c) => c.client_id).sort()).toEqual([
      'calos-account',
      'calos-family',
      'calos-hollowtown',
      'calos-recipes',
    ]);
    const byId = Object.fromEntries(clients.map((c) => [c.client_id, c]));
    expect(byId['calos-hollowtown']).toMatchObject({
      public: true,
      grant_types: ['authorization_code', 'refresh_token'],
    });
    // Its own host (the issuer's scheme and port) and its prefix on the issuer's shared host.
    expect(byId['calos-hollowtown']?.redirect_uris.sort()).toEqual(
      [`http://haunts.localhost:${port}/`, `http://127.0.0.1:${port}/hollowtown/`].sort(),
    );
    expect(byId['calos-recipes']?.redirect_uris).toEqual([`http://127.0.0.1:${port}/recipes/`]);
    expect(byId['calos-account']?.redirect_uris.sort()).toEqual(
      [`http://id.localhost:${port}/account/`, `http://127.0.0.1:${port}/account/`].sort(),
    );
  });

  it('registers idempotently, updates the redirect URIs when the settings change, and refuses removal', async () => {
    expect(
      (await servicesWith({ CALOS_HOSTS: HOSTS }).oidcService.registerFirstPartyClients()).map(
        (c) => c.change,
      ),
    ).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    const moved = servicesWith({ CALOS_HOSTS: `${HOSTS},cook.localhost=recipes` });
    const changes = await moved.oidcService.registerFirstPartyClients();
    expect(changes.find((c) => c.client_id === 'calos-recipes')?.change).toBe('updated');
    expect(changes.find((c) => c.client_id === 'calos-hollowtown')?.change).toBe('unchanged');
    const recipes = (await platform.oidc.listClients()).find((c) => c.client_id === 'calos-recipes');
    expect(recipes?.redirect_uris).toEqual([
      `http://cook.localhost:${port}/`,
      `http://127.0.0.1:${port}/recipes/`,
    ]);
    // Back as the platform started (the other tests use these settings).
    await servicesWith({ CALOS_HOSTS: HOSTS }).oidcService.registerFirstPartyClients();

    await expect(platform.oidc.removeClient('calos-hollowtown')).rejects.toMatchObject({
      status: 409,
      code: 'OIDC_CLIENT_FIRST_PARTY',
    });
  });

  it('signs the app in without consent: full access (scope calos), the plan, and a session of its own', async () => {
    const alice = await given(platform).user();
    const redirect = `http://127.0.0.1:${port}/hollowtown/`;
    const { tokens, view } = await signIn(
      'calos-hollowtown',
      redirect,
      'openid profile email offline_access calos',
      alice.accessToken,
    );
    expect(view).toMatchObject({
      client_id: 'calos-hollowtown',
      client_name: 'Hollowtown',
      first_party: true,
    });
    const claims = oauth.getValidatedIdTokenClaims(tokens);
    expect(claims).toMatchObject({
      sub: alice.userId,
      preferred_username: alice.username,
      email: alice.email,
    });
    expect(tokens.refresh_token).toBeTruthy();

    const access = await oauth.validateJwtAccessToken(
      as,
      new Request('http://resource.example/', bearer(tokens.access_token)),
      `${platform.issuer}/api`,
      insecure,
    );
    expect(access).toMatchObject({ sub: alice.userId, client_id: 'calos-hollowtown', plan: 'free' });
    expect(String(access.scope).split(' ')).toContain('calos');
    // The app's own CALOS session (a device "Hollowtown (web)"), not the console's.
    expect(access.sid).not.toBe(alice.sessionId);

    // Routes no partner scope opens take it, as they take the console's tokens.
    const me = await fetch(`${platform.url}/calos/api/auth/me`, bearer(tokens.access_token));
    expect(me.status).toBe(200);
    expect((await me.json()).user.username).toBe(alice.username);
    const devices = await fetch(`${platform.url}/calos/api/devices`, bearer(alice.accessToken));
    const names = ((await devices.json()).items as Array<{ device_name: string }>).map((d) => d.device_name);
    expect(names).toContain('Hollowtown (web)');

    // Refresh rotates; revoking the refresh token (the app's sign-out) ends only the app's session.
    const client = { client_id: 'calos-hollowtown' };
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token ?? '', insecure),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, oauth.None(), refreshed.refresh_token ?? '', insecure),
    );
    expect((await fetch(`${platform.url}/calos/api/auth/me`, bearer(refreshed.access_token))).status).toBe(
      401,
    );
    expect((await fetch(`${platform.url}/calos/api/auth/me`, bearer(alice.accessToken))).status).toBe(200);
  });

  it('keeps a partner app to its consent screen and its scopes, even when it asks for calos', async () => {
    const bob = await given(platform).user();
    const redirect = 'http://127.0.0.1:9/callback';
    const partner = await platform.oidc.addClient({
      name: 'Partner',
      redirectUris: [redirect],
      isPublic: true,
    });
    expect(partner.client_id.startsWith('calos-')).toBe(false);
    const { tokens, view } = await signIn(
      partner.client_id,
      redirect,
      'openid profile calos credits:read',
      bob.accessToken,
    );
    expect(view).toMatchObject({ first_party: false, scopes: ['openid', 'profile', 'credits:read'] });
    const access = await oauth.validateJwtAccessToken(
      as,
      new Request('http://resource.example/', bearer(tokens.access_token)),
      `${platform.issuer}/api`,
      insecure,
    );
    expect(String(access.scope).split(' ')).not.toContain('calos');
    expect(access.sid).toBe(bob.sessionId);
    const me = await fetch(`${platform.url}/calos/api/auth/me`, bearer(tokens.access_token));
    expect(me.status).toBe(403);
    expect((await me.json()).error.code).toBe('INSUFFICIENT_SCOPE');
  });
});

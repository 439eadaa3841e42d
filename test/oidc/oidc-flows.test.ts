// CALOS as an OpenID provider, driven by two independent standard clients as a partner app would
// drive it: openid-client 6 (the certified relying party) and oauth4webapi 3 (its low-level base,
// used here with its own checks), never by our own requests where a client can do it.
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../support/engines.ts';
import { given } from '../support/given.ts';
import { browse, CookieJar, type OidcPlatform, startOidcPlatform } from '../support/oidc.ts';

describe.each(testEngines())('OpenID Connect provider on %s', (engine) => {
  let platform: OidcPlatform;
  const REDIRECT = 'http://127.0.0.1:9/callback';

  beforeAll(async () => {
    platform = await startOidcPlatform(engine);
  });
  afterAll(() => platform.close());

  const discover = (id: string, secret?: string) =>
    client.discovery(
      new URL(platform.issuer),
      id,
      secret,
      secret ? client.ClientSecretBasic(secret) : client.None(),
      { execute: [client.allowInsecureRequests] },
    );

  it('publishes discovery at the issuer and at the root (OIDC Discovery and RFC 8414)', async () => {
    const as = await discover('anyone');
    const meta = as.serverMetadata();
    expect(meta.issuer).toBe(platform.issuer);
    expect(meta.authorization_endpoint).toBe(`${platform.issuer}/oidc/auth`);
    expect(meta.token_endpoint).toBe(`${platform.issuer}/oidc/token`);
    expect(meta.userinfo_endpoint).toBe(`${platform.issuer}/oidc/me`);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.id_token_signing_alg_values_supported).toEqual(['EdDSA']);
    expect(meta.scopes_supported).toEqual(expect.arrayContaining(['openid', 'credits:read', 'ai']));

    // oauth4webapi reads RFC 8414's well-known address (inserted before the issuer's path).
    const issuer = new URL(platform.issuer);
    const response = await oauth.discoveryRequest(issuer, {
      algorithm: 'oauth2',
      [oauth.allowInsecureRequests]: true,
    });
    expect(response.url).toBe(`${platform.url}/.well-known/oauth-authorization-server/calos`);
    const rfc8414 = await oauth.processDiscoveryResponse(issuer, response);
    expect(rfc8414.token_endpoint).toBe(meta.token_endpoint);

    for (const path of [
      '/calos/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration',
    ]) {
      const answer = await fetch(`${platform.url}${path}`);
      expect(answer.status).toBe(200);
      expect((await answer.json()).issuer).toBe(platform.issuer);
    }
  });

  /** A partner app registered as with `calos clients add` (confidential, with a secret). */
  const partner = async () => {
    const added = await platform.oidc.addClient({
      name: 'Partner App',
      redirectUris: [REDIRECT],
      isPublic: false,
    });
    if (!added.client_secret) throw new Error('a confidential client gets a secret');
    return { id: added.client_id, secret: added.client_secret };
  };

  /**
   * The person's browser from the app's redirect to the callback: the provider sends it to the
   * console, where the signed-in person allows the app; the console's call returns the way on.
   */
  const signInThroughConsole = async (authorizationUrl: URL, accessToken: string) => {
    const jar = new CookieJar();
    const atConsole = await browse(jar, authorizationUrl.href, (url) => url.pathname.endsWith('/connect'));
    expect(atConsole.pathname).toBe('/account/connect');
    const uid = atConsole.searchParams.get('interaction') ?? '';
    const view = await fetch(`${platform.url}/calos/api/oidc/interactions/${uid}`);
    expect(view.status).toBe(200);
    const accept = await fetch(`${platform.url}/calos/api/oidc/interactions/${uid}/accept`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(accept.status).toBe(200);
    const { redirect_to } = (await accept.json()) as { redirect_to: string };
    const callback = await browse(jar, redirect_to, (url) => url.href.startsWith(REDIRECT));
    return { callback, view: await view.json(), jar };
  };

  const authorize = async (
    config: client.Configuration,
    accessToken: string,
    scope = 'openid profile email credits:read',
  ) => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const { callback, view } = await signInThroughConsole(url, accessToken);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    return { tokens, view };
  };

  it('signs a person in with authorization code + PKCE: ID token, userinfo, and an RFC 9068 access token CALOS services accept', async () => {
    const app = await partner();
    const config = await discover(app.id, app.secret);
    const alice = await given(platform).user();
    const { tokens, view } = await authorize(config, alice.accessToken);
    expect(view).toMatchObject({ client_id: app.id, client_name: 'Partner App', first_party: false });
    expect(view.scopes).toEqual(['openid', 'profile', 'email', 'credits:read']);

    const claims = tokens.claims();
    expect(claims).toMatchObject({
      iss: platform.issuer,
      aud: app.id,
      sub: alice.userId,
      preferred_username: alice.username,
      email: alice.email,
      email_verified: false,
      // A password-only session.
      acr: 'urn:calos:acr:password',
      amr: ['pwd'],
    });
    expect(tokens.refresh_token).toBeTruthy();

    const info = await client.fetchUserInfo(config, tokens.access_token, alice.userId);
    expect(info).toMatchObject({ sub: alice.userId, preferred_username: alice.username, email: alice.email });

    // oauth4webapi's RFC 9068 validator, on a request carrying the token as a resource server gets it.
    const as = await oauth.processDiscoveryResponse(
      new URL(platform.issuer),
      await oauth.discoveryRequest(new URL(platform.issuer), { [oauth.allowInsecureRequests]: true }),
    );
    const validated = await oauth.validateJwtAccessToken(
      as,
      new Request('http://resource.example/', {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      }),
      `${platform.issuer}/api`,
      { [oauth.allowInsecureRequests]: true },
    );
    expect(validated).toMatchObject({ sub: alice.userId, client_id: app.id, iss: platform.issuer });
    expect(validated.scope).toContain('credits:read');
    expect(validated.sid).toBe(alice.sessionId);
    expect(validated.plan).toBe('free');

    // A CALOS service takes it where the scope allows, and nowhere else.
    const balance = await fetch(`${platform.url}/calos/api/credits/balance`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(balance.status).toBe(200);
    expect((await balance.json()).balance).toBe(1000);
    const devices = await fetch(`${platform.url}/calos/api/devices`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(devices.status).toBe(403);
    expect((await devices.json()).error.code).toBe('INSUFFICIENT_SCOPE');
  });

  it('rotates refresh tokens; a spent one coming back ends the CALOS session and every token of it', async () => {
    const app = await partner();
    const config = await discover(app.id, app.secret);
    const bob = await given(platform).user();
    const { tokens } = await authorize(config, bob.accessToken, 'openid offline_access');
    const first = tokens.refresh_token ?? '';
    const next = await client.refreshTokenGrant(config, first);
    expect(next.refresh_token).toBeTruthy();
    expect(next.refresh_token).not.toBe(first);
    expect(next.claims()?.sub).toBe(bob.userId);

    // oauth4webapi sends the spent one again: invalid_grant, and the session is over.
    const as = config.serverMetadata() as oauth.AuthorizationServer;
    const reuse = await oauth.refreshTokenGrantRequest(
      as,
      { client_id: app.id },
      oauth.ClientSecretBasic(app.secret),
      first,
      { [oauth.allowInsecureRequests]: true },
    );
    await expect(oauth.processRefreshTokenResponse(as, { client_id: app.id }, reuse)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(client.refreshTokenGrant(config, next.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    // The CALOS session the app was allowed in is ended too (its own tokens stop at identity).
    const me = await fetch(`${platform.url}/calos/api/auth/me`, { headers: bob.headers });
    expect(me.status).toBe(401);
  });

  it('signing out of CALOS ends the app’s refresh token and its access token at every CALOS door', async () => {
    const app = await partner();
    const config = await discover(app.id, app.secret);
    const carol = await given(platform).user();
    const { tokens } = await authorize(config, carol.accessToken);
    const logout = await fetch(`${platform.url}/calos/api/auth/logout`, {
      method: 'POST',
      headers: carol.headers,
    });
    expect(logout.status).toBeLessThan(300);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    const balance = await fetch(`${platform.url}/calos/api/credits/balance`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(balance.status).toBe(401);
    await expect(client.fetchUserInfo(config, tokens.access_token, carol.userId)).rejects.toBeTruthy();
  });

  it('introspects and revokes tokens for resource servers (RFC 7662, RFC 7009) through oauth4webapi', async () => {
    const app = await partner();
    const config = await discover(app.id, app.secret);
    const dave = await given(platform).user();
    const { tokens } = await authorize(config, dave.accessToken);
    const as = config.serverMetadata() as oauth.AuthorizationServer;
    const auth = oauth.ClientSecretBasic(app.secret);
    const opts = { [oauth.allowInsecureRequests]: true } as const;
    const introspect = async (token: string) =>
      oauth.processIntrospectionResponse(
        as,
        { client_id: app.id },
        await oauth.introspectionRequest(as, { client_id: app.id }, auth, token, opts),
      );
    expect(await introspect(tokens.refresh_token ?? '')).toMatchObject({
      active: true,
      sub: dave.userId,
      client_id: app.id,
    });
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, { client_id: app.id }, auth, tokens.refresh_token ?? '', opts),
    );
    expect((await introspect(tokens.refresh_token ?? '')).active).toBe(false);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    // The app gave its own access back: the person stays signed in to CALOS.
    expect((await fetch(`${platform.url}/calos/api/auth/me`, { headers: dave.headers })).status).toBe(200);
  });

  it('gives a service client its own token with client_credentials, scoped to what it was registered for', async () => {
    const service = await platform.oidc.addClient({
      name: 'Batch Worker',
      redirectUris: [],
      isPublic: false,
      service: { scopes: ['ai'] },
    });
    const as = (
      await discover(service.client_id, service.client_secret)
    ).serverMetadata() as oauth.AuthorizationServer;
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      { client_id: service.client_id },
      oauth.ClientSecretBasic(service.client_secret ?? ''),
      new URLSearchParams({ scope: 'ai' }),
      { [oauth.allowInsecureRequests]: true },
    );
    const result = await oauth.processClientCredentialsResponse(
      as,
      { client_id: service.client_id },
      response,
    );
    const claims = await oauth.validateJwtAccessToken(
      as,
      new Request('http://resource.example/', {
        headers: { authorization: `Bearer ${result.access_token}` },
      }),
      `${platform.issuer}/api`,
      { [oauth.allowInsecureRequests]: true },
    );
    expect(claims).toMatchObject({ client_id: service.client_id, sub: service.client_id, scope: 'ai' });

    // A scope it was not registered for is refused in OAuth's format.
    const wider = await fetch(`${platform.issuer}/oidc/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${service.client_id}:${service.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=credits:spend',
    });
    expect(wider.status).toBe(400);
    expect(await wider.json()).toMatchObject({ error: 'invalid_scope' });
  });

  it('ends the session at the app’s request (RP-initiated logout) and returns to the app', async () => {
    const app = await platform.oidc.addClient({
      name: 'Logout App',
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: ['http://127.0.0.1:9/signed-out'],
      isPublic: false,
    });
    const config = await discover(app.client_id, app.client_secret);
    const erin = await given(platform).user();
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'x',
    });
    const { callback, jar } = await signInThroughConsole(url, erin.accessToken);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: 'x',
    });
    const end = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: 'http://127.0.0.1:9/signed-out',
      state: 'bye',
    });
    // The provider asks the person to confirm; the browser submits its form.
    const page = await fetch(end, { headers: { cookie: jar.header() } });
    expect(page.status).toBe(200);
    const html = await page.text();
    const action = /action="([^"]+)"/.exec(html)?.[1] ?? '';
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const confirm = await fetch(new URL(action, platform.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }),
    });
    expect(confirm.status).toBe(303);
    const back = new URL(confirm.headers.get('location') ?? '');
    expect(back.href).toBe('http://127.0.0.1:9/signed-out?state=bye');
    await expect(client.refreshTokenGrant(config, tokens.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect((await fetch(`${platform.url}/calos/api/auth/me`, { headers: erin.headers })).status).toBe(401);
  });

  it('answers bad requests in OAuth’s error format, never a 500', async () => {
    const app = await partner();
    const token = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${platform.issuer}/oidc/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    const basic = { authorization: `Basic ${Buffer.from(`${app.id}:${app.secret}`).toString('base64')}` };
    const cases: Array<[Response, number, string]> = [
      [
        await token('grant_type=authorization_code&code=nope&redirect_uri=x&code_verifier=y', basic),
        400,
        'invalid_grant',
      ],
      [await token('grant_type=refresh_token&refresh_token=nope', basic), 400, 'invalid_grant'],
      [await token('grant_type=password&username=a&password=b', basic), 400, 'unsupported_grant_type'],
      [
        await token('grant_type=refresh_token&refresh_token=x', { authorization: 'Basic Zm9vOmJhcg==' }),
        401,
        'invalid_client',
      ],
      [await token('', basic), 400, 'invalid_request'],
    ];
    for (const [response, status, error] of cases) {
      expect(response.status).toBe(status);
      const body = await response.json();
      expect(body.error).toBe(error);
      expect(typeof body.error_description).toBe('string');
    }
    // The authorization endpoint without PKCE: the error goes back to the app's redirect URI.
    const noPkce = await fetch(
      `${platform.issuer}/oidc/auth?client_id=${app.id}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(REDIRECT)}&state=s`,
      { redirect: 'manual' },
    );
    const location = new URL(noPkce.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('invalid_request');
    const userinfo = await fetch(`${platform.issuer}/oidc/me`, { headers: { authorization: 'Bearer nope' } });
    expect(userinfo.status).toBe(401);
    expect(userinfo.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('reports a second factor in acr (issue 20) and lets a person see and revoke the apps they allowed', async () => {
    const app = await partner();
    const config = await discover(app.id, app.secret);
    const fay = await given(platform).user();
    // The session signed in with a password and an authenticator code (as the two-step sign-in records it).
    await platform.databases
      .get('identity')
      .query("UPDATE user_sessions SET amr = ARRAY['pwd','otp','mfa'] WHERE session_id = $1", [
        fay.sessionId,
      ]);
    const { tokens } = await authorize(config, fay.accessToken);
    expect(tokens.claims()).toMatchObject({ acr: 'urn:calos:acr:multi-factor', amr: ['pwd', 'otp', 'mfa'] });

    const grants = await fetch(`${platform.url}/calos/api/oidc/grants`, { headers: fay.headers });
    const { items } = (await grants.json()) as { items: Array<{ grant_id: string; client_name: string }> };
    expect(items.map((g) => g.client_name)).toEqual(['Partner App']);
    const revoke = await fetch(`${platform.url}/calos/api/oidc/grants/${items[0]?.grant_id}`, {
      method: 'DELETE',
      headers: fay.headers,
    });
    expect(revoke.status).toBe(204);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    const after = await fetch(`${platform.url}/calos/api/oidc/grants`, { headers: fay.headers });
    expect((await after.json()).items).toEqual([]);
    // Someone else's grant is not found.
    const other = await fetch(`${platform.url}/calos/api/oidc/grants/${items[0]?.grant_id}`, {
      method: 'DELETE',
      headers: (await given(platform).user()).headers,
    });
    expect(other.status).toBe(404);
  });
});

// The provider's device flow (RFC 8628) approved on the console's pairing endpoint, back-channel
// logout to a registered app for every way a CALOS session ends, and an app's access token
// refused by every CALOS service within 2 s of its session or grant ending — each driven by
// openid-client / oauth4webapi as a third party would, and the logout token checked with jose.
import { createServer, type Server } from 'node:http';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from '../../src/main.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { browse, CookieJar, freePort, type OidcPlatform, startOidcPlatform } from '../support/oidc.ts';

/** Polls until `check` holds, up to `ms`; resolves with how long it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - started;
}

/** A relying party's back-channel logout endpoint: keeps each logout_token it is sent. */
async function startLogoutReceiver(): Promise<{ url: string; tokens: string[]; close(): Promise<void> }> {
  const tokens: string[] = [];
  const port = await freePort();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      if (req.method === 'POST' && req.url === '/backchannel' && token) {
        tokens.push(token);
        res.writeHead(200, { 'cache-control': 'no-store' }).end();
      } else res.writeHead(400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/backchannel`,
    tokens,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const REDIRECT = 'http://127.0.0.1:9/callback';

/** A web app (confidential) signs `user` in through the console, as oidc-flows.test.ts walks it. */
async function signInApp(platform: OidcPlatform, user: TestUser, backchannelLogoutUri?: string) {
  const added = await platform.oidc.addClient({
    name: 'Partner Web',
    redirectUris: [REDIRECT],
    isPublic: false,
    ...(backchannelLogoutUri ? { backchannelLogoutUri } : {}),
  });
  const config = await client.discovery(
    new URL(platform.issuer),
    added.client_id,
    added.client_secret,
    client.ClientSecretBasic(added.client_secret ?? ''),
    { execute: [client.allowInsecureRequests] },
  );
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid profile credits:read',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: 'st',
  });
  const jar = new CookieJar();
  const atConsole = await browse(jar, url.href, (u) => u.pathname.endsWith('/connect'));
  const uid = atConsole.searchParams.get('interaction') ?? '';
  const accept = await fetch(`${platform.url}/calos/api/oidc/interactions/${uid}/accept`, {
    method: 'POST',
    headers: user.headers,
  });
  expect(accept.status).toBe(200);
  const { redirect_to } = (await accept.json()) as { redirect_to: string };
  const callback = await browse(jar, redirect_to, (u) => u.href.startsWith(REDIRECT));
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: 'st',
  });
  return { clientId: added.client_id, config, tokens };
}

describe.each(testEngines())(
  'OpenID sessions: device flow, back-channel logout, revocation on %s',
  (engine) => {
    let platform: OidcPlatform;
    let receiver: Awaited<ReturnType<typeof startLogoutReceiver>>;
    const OTHER_SERVICES = ['/recipes/api/recipes', '/family/api/families', '/hollowtown/api/costumes'];

    beforeAll(async () => {
      platform = await startOidcPlatform(engine, {
        services: ['identity', 'recipes', 'family', 'hollowtown'],
      });
      receiver = await startLogoutReceiver();
    });
    afterAll(async () => {
      await receiver?.close();
      await platform?.close();
    });

    const discover = (id: string, secret?: string) =>
      client.discovery(
        new URL(platform.issuer),
        id,
        secret,
        secret ? client.ClientSecretBasic(secret) : client.None(),
        { execute: [client.allowInsecureRequests] },
      );
    const opts = { [oauth.allowInsecureRequests]: true } as const;

    /** What a CALOS service answers an app's token with (its status and error code). */
    const answerAt = async (url: string, accessToken: string) => {
      const response = await fetch(`${platform.url}${url}`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      const body = (await response.json()) as { error?: { code?: string } };
      return `${response.status} ${body.error?.code ?? ''}`.trim();
    };
    /** Every other service refuses the token as from an ended session within 2 s. */
    const refusedEverywhereWithin2s = async (accessToken: string) => {
      const took = await within(2_000, async () => {
        const answers = await Promise.all(OTHER_SERVICES.map((url) => answerAt(url, accessToken)));
        return answers.every((answer) => answer === '401 SESSION_ENDED');
      });
      expect(await answerAt('/calos/api/credits/balance', accessToken)).toBe('401 SESSION_ENDED');
      return took;
    };
    /** A live app token: the other services take it as valid (and refuse at most its scope). */
    const acceptedEverywhere = async (accessToken: string) => {
      for (const url of OTHER_SERVICES)
        expect(await answerAt(url, accessToken), url).toMatch(/^(200|403 INSUFFICIENT_SCOPE)$/);
      const balance = await fetch(`${platform.url}/calos/api/credits/balance`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(balance.status).toBe(200);
    };

    const signInWebApp = (user: TestUser, options: { backchannel?: boolean } = {}) =>
      signInApp(platform, user, options.backchannel ? receiver.url : undefined);

    /** Checks a logout token as an app must (OIDC Back-Channel Logout §2.6), with jose and CALOS's JWKS. */
    const verifyLogoutToken = async (token: string, clientId: string): Promise<JWTPayload> => {
      const as = (await discover(clientId)).serverMetadata();
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(as.jwks_uri ?? '')), {
        issuer: platform.issuer,
        audience: clientId,
        typ: 'logout+jwt',
        algorithms: ['EdDSA'],
        requiredClaims: ['iat', 'jti', 'events'],
      });
      expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
      expect(payload).not.toHaveProperty('nonce');
      return payload;
    };
    const logoutTokenFor = async (clientId: string) => {
      let found: string | undefined;
      await within(5_000, async () => {
        for (const token of receiver.tokens) {
          const [, body] = token.split('.');
          const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString());
          if (claims.aud === clientId) found = token;
        }
        return found !== undefined;
      });
      return verifyLogoutToken(found as string, clientId);
    };

    it('runs the device flow (RFC 8628): code, authorization_pending, slow_down, approval on the pairing endpoint, tokens', async () => {
      const tv = await platform.oidc.addClient({
        name: 'Living Room TV',
        redirectUris: [],
        isPublic: true,
        device: true,
      });
      const config = await discover(tv.client_id);
      expect(config.serverMetadata().device_authorization_endpoint).toBe(
        `${platform.issuer}/oidc/device/auth`,
      );
      expect(config.serverMetadata().grant_types_supported).toContain(
        'urn:ietf:params:oauth:grant-type:device_code',
      );

      const started = await client.initiateDeviceAuthorization(config, {
        scope: 'openid profile offline_access credits:read',
      });
      // Today's codes and today's approval page.
      expect(started.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      expect(started.verification_uri).toBe(`${platform.url}/account/pair`);
      expect(started.verification_uri_complete).toBe(
        `${platform.url}/account/pair?user_code=${encodeURIComponent(started.user_code)}`,
      );
      expect(started.interval).toBe(5);
      // The provider's own verification page sends a person to the console's.
      const providerPage = await fetch(`${platform.issuer}/oidc/device?user_code=${started.user_code}`, {
        redirect: 'manual',
      });
      expect(providerPage.status).toBe(303);
      expect(providerPage.headers.get('location')).toBe(started.verification_uri_complete);

      // oauth4webapi polls by hand: pending, then too soon.
      const as = config.serverMetadata() as oauth.AuthorizationServer;
      const poll = async () =>
        oauth.processDeviceCodeResponse(
          as,
          { client_id: tv.client_id },
          await oauth.deviceCodeGrantRequest(
            as,
            { client_id: tv.client_id },
            oauth.None(),
            started.device_code,
            opts,
          ),
        );
      await expect(poll()).rejects.toMatchObject({ error: 'authorization_pending' });
      await expect(poll()).rejects.toMatchObject({ error: 'slow_down' });

      // openid-client polls on its own while the person approves the code in the console.
      const polled = client.pollDeviceAuthorizationGrant(config, started);
      const person = await given(platform).user();
      // The pairing page first learns which app waits and what it asks for.
      const check = await fetch(`${platform.url}/calos/api/devices/pair/check`, {
        method: 'POST',
        headers: { ...person.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ user_code: started.user_code }),
      });
      expect(await check.json()).toEqual({
        device_type: 'voice',
        device_name: 'Living Room TV',
        app: {
          client_id: tv.client_id,
          client_name: 'Living Room TV',
          first_party: false,
          scopes: ['openid', 'profile', 'offline_access', 'credits:read'],
        },
      });
      const approve = await fetch(`${platform.url}/calos/api/devices/pair`, {
        method: 'POST',
        headers: { ...person.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ user_code: started.user_code.toLowerCase() }),
      });
      expect(approve.status).toBe(200);
      expect(await approve.json()).toMatchObject({
        status: 'approved',
        device_name: 'Living Room TV',
        client_id: tv.client_id,
      });
      const tokens = await polled;
      expect(tokens.claims()).toMatchObject({ iss: platform.issuer, sub: person.userId, aud: tv.client_id });
      expect(tokens.refresh_token).toBeTruthy();
      const claims = await oauth.validateJwtAccessToken(
        as,
        new Request('http://resource.example/', {
          headers: { authorization: `Bearer ${tokens.access_token}` },
        }),
        `${platform.issuer}/api`,
        opts,
      );
      expect(claims).toMatchObject({ sub: person.userId, client_id: tv.client_id });
      await acceptedEverywhere(tokens.access_token);
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
      expect(refreshed.access_token).toBeTruthy();

      // The TV is one of the person's devices.
      const devices = await fetch(`${platform.url}/calos/api/devices`, { headers: person.headers });
      const { items } = (await devices.json()) as {
        items: Array<{ device_id: string; device_name: string }>;
      };
      const device = items.find((d) => d.device_name === 'Living Room TV');
      expect(device).toBeTruthy();

      // Revoking the device ends the app's tokens: refresh at once, access at every service within 2 s.
      const revoke = await fetch(`${platform.url}/calos/api/devices/${device?.device_id}`, {
        method: 'DELETE',
        headers: person.headers,
      });
      expect(revoke.status).toBe(204);
      await expect(client.refreshTokenGrant(config, refreshed.refresh_token ?? '')).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      await refusedEverywhereWithin2s(refreshed.access_token);
      // The code was spent: it gives nothing more.
      await expect(poll()).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('answers a denied device with access_denied, and a wrong code as before', async () => {
      const tv = await platform.oidc.addClient({
        name: 'Kitchen Speaker',
        redirectUris: [],
        isPublic: true,
        device: true,
      });
      const config = await discover(tv.client_id);
      const started = await client.initiateDeviceAuthorization(config, { scope: 'openid' });
      const person = await given(platform).user();
      const pair = (body: object) =>
        fetch(`${platform.url}/calos/api/devices/pair`, {
          method: 'POST',
          headers: { ...person.headers, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const wrong = await pair({ user_code: 'BBBB-BBBB' });
      expect(wrong.status).toBe(404);
      expect((await wrong.json()).error.code).toBe('USER_CODE_NOT_FOUND');
      const denied = await pair({ user_code: started.user_code, approve: false });
      expect(denied.status).toBe(200);
      expect((await denied.json()).status).toBe('denied');
      const as = config.serverMetadata() as oauth.AuthorizationServer;
      const response = await oauth.deviceCodeGrantRequest(
        as,
        { client_id: tv.client_id },
        oauth.None(),
        started.device_code,
        opts,
      );
      await expect(
        oauth.processDeviceCodeResponse(as, { client_id: tv.client_id }, response),
      ).rejects.toMatchObject({
        error: 'access_denied',
      });
      // Used once: approving it now finds nothing.
      expect((await pair({ user_code: started.user_code })).status).toBe(404);
    });

    it('sends a registered app a logout token (back-channel) when the person signs out of CALOS', async () => {
      const person = await given(platform).user();
      const app = await signInWebApp(person, { backchannel: true });
      const idTokenSid = app.tokens.claims()?.sid;
      expect(typeof idTokenSid).toBe('string');
      await acceptedEverywhere(app.tokens.access_token);

      const out = await fetch(`${platform.url}/calos/api/auth/logout`, {
        method: 'POST',
        headers: person.headers,
      });
      expect(out.status).toBe(204);
      const took = await refusedEverywhereWithin2s(app.tokens.access_token);
      console.info(`[oidc] every service refused the app's token ${Math.round(took)} ms after sign-out`);
      const logout = await logoutTokenFor(app.clientId);
      expect(logout).toMatchObject({ sub: person.userId, sid: idTokenSid });
    });

    it('taking an app’s access away in the console reaches every service within 2 s and tells the app', async () => {
      const person = await given(platform).user();
      const app = await signInWebApp(person, { backchannel: true });
      await acceptedEverywhere(app.tokens.access_token);
      const grants = await fetch(`${platform.url}/calos/api/oidc/grants`, { headers: person.headers });
      const { items } = (await grants.json()) as { items: Array<{ grant_id: string; client_id: string }> };
      const grant = items.find((g) => g.client_id === app.clientId);
      const revoke = await fetch(`${platform.url}/calos/api/oidc/grants/${grant?.grant_id}`, {
        method: 'DELETE',
        headers: person.headers,
      });
      expect(revoke.status).toBe(204);
      await refusedEverywhereWithin2s(app.tokens.access_token);
      expect((await logoutTokenFor(app.clientId)).sub).toBe(person.userId);
      // The person's own CALOS session goes on.
      expect((await fetch(`${platform.url}/calos/api/auth/me`, { headers: person.headers })).status).toBe(
        200,
      );
    });

    it('a password change from another session, and the account deleted, reach the app’s tokens everywhere; the deleted account’s app gets a logout token', async () => {
      const person = await given(platform).user();
      const app = await signInWebApp(person);
      await acceptedEverywhere(app.tokens.access_token);
      // Signed in elsewhere, the person changes the password: every other session ends, the app's with it.
      const login = await fetch(`${platform.url}/calos/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          login: person.username,
          password: person.password,
          device_fingerprint: 'laptop',
        }),
      });
      const laptop = (await login.json()) as { access_token: string };
      const change = await fetch(`${platform.url}/calos/api/auth/password`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${laptop.access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          current_password: person.password,
          new_password: 'another horse battery staple',
        }),
      });
      expect(change.status).toBe(204);
      await refusedEverywhereWithin2s(app.tokens.access_token);

      const other = await given(platform).user();
      const second = await signInWebApp(other, { backchannel: true });
      const secondSid = second.tokens.claims()?.sid;
      await acceptedEverywhere(second.tokens.access_token);
      const deleted = await fetch(`${platform.url}/calos/api/account`, {
        method: 'DELETE',
        headers: { ...other.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ password: other.password }),
      });
      expect(deleted.status).toBe(204);
      await refusedEverywhereWithin2s(second.tokens.access_token);
      // The grant went with the account; the app is told all the same, and told once.
      expect(await logoutTokenFor(second.clientId)).toMatchObject({ sub: other.userId, sid: secondSid });
      const owed = await platform.databases.get('identity').query('SELECT 1 FROM oidc_logouts_owed');
      expect(owed.rows).toEqual([]);
    });
  },
);

describe.runIf(testEngines().includes('postgres'))('an app’s token refused across processes', () => {
  const SERVICE_TOKEN = 'a-service-token-that-is-long-enough-0123456789';
  let identity: OidcPlatform;
  let apps: RunningPlatform;

  beforeAll(async () => {
    identity = await startOidcPlatform('postgres', { env: { CALOS_SERVICE_TOKEN: SERVICE_TOKEN } });
    const appsConfig = {
      ...loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        CALOS_DATA_DIR: identity.isolated.dataDir,
        CALOS_SERVICE_TOKEN: SERVICE_TOKEN,
        CALOS_IDENTITY_URL: identity.url,
        CALOS_ISSUER: identity.issuer,
      }),
      databases: identity.isolated.targets,
    };
    apps = await startPlatform({
      config: appsConfig,
      logger: createLogger({ ...appsConfig, logLevel: 'silent' }),
      services: ['hollowtown'],
    });
  });
  afterAll(async () => {
    await apps?.stop();
    await identity?.close();
  });

  it('reaches a service in another process within 2 s of sign-out', async () => {
    const person = await given(identity).user();
    const app = await signInApp(identity, person);
    const costumes = () =>
      fetch(`${apps.url}/hollowtown/api/costumes`, {
        headers: { authorization: `Bearer ${app.tokens.access_token}` },
      });
    // Verified there with identity's keys: valid, but not a scope this route names.
    const before = await costumes();
    expect(before.status).toBe(403);
    expect((await before.json()).error.code).toBe('INSUFFICIENT_SCOPE');
    const out = await fetch(`${identity.url}/calos/api/auth/logout`, {
      method: 'POST',
      headers: person.headers,
    });
    expect(out.status).toBe(204);
    const took = await within(2_000, async () => (await costumes()).status === 401);
    console.info(`[oidc] another process refused the app's token ${Math.round(took)} ms after sign-out`);
    expect(await (await costumes()).json()).toMatchObject({ error: { code: 'SESSION_ENDED' } });
  });
});

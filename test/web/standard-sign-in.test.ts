/// <reference lib="dom" />
// The apps sign in by the standard, as seen from the browser: every request the page makes is
// recorded while Hollowtown signs in through CALOS's OpenID provider (authorization endpoint with
// PKCE S256, state and nonce; the code exchanged at the token endpoint with a form body), refreshes
// with grant_type=refresh_token (rotated), and signs out by revoking its refresh token; no
// request goes to the deprecated /api/web/* routes.
import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HOSTS,
  hasChromium,
  launchChromium,
  newContext,
  newUser,
  openSignedIn,
  signUpOnAccount,
  startWebPlatform,
  visible,
  type WebPlatform,
} from './support.ts';

interface Seen {
  method: string;
  url: URL;
  contentType: string | undefined;
  body: URLSearchParams;
}

describe.skipIf(!hasChromium)('web: the apps sign in with OpenID Connect', () => {
  let web: WebPlatform;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebPlatform(), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('uses the discovered endpoints: authorization with PKCE, form bodies at the token endpoint, rotation, revocation', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const user = newUser('std');
    await signUpOnAccount(page, web, user);

    const seen: Seen[] = [];
    const record = (request: Request) => {
      seen.push({
        method: request.method(),
        url: new URL(request.url()),
        contentType: request.headers()['content-type'],
        body: new URLSearchParams(request.postData() ?? ''),
      });
    };
    page.on('request', record);
    await openSignedIn(page, web, 'hollowtown', 'events');

    const identity = `${HOSTS.account}:${web.port}`;
    const authorization = seen.find((r) => r.url.host === identity && r.url.pathname === '/oidc/auth');
    expect(authorization?.method).toBe('GET');
    const query = authorization?.url.searchParams;
    expect(query?.get('client_id')).toBe('calos-hollowtown');
    expect(query?.get('redirect_uri')).toBe(web.at('hollowtown', '/'));
    expect(query?.get('response_type')).toBe('code');
    expect(query?.get('code_challenge_method')).toBe('S256');
    expect(query?.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query?.get('state')).toBeTruthy();
    expect(query?.get('nonce')).toBeTruthy();
    expect(query?.get('scope')?.split(' ')).toEqual(
      expect.arrayContaining(['openid', 'offline_access', 'calos']),
    );

    const tokenRequests = () =>
      seen.filter((r) => r.url.host === identity && r.url.pathname === '/oidc/token');
    const exchange = tokenRequests()[0];
    expect(exchange?.method).toBe('POST');
    expect(exchange?.contentType).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(exchange?.body.get('grant_type')).toBe('authorization_code');
    expect(exchange?.body.get('client_id')).toBe('calos-hollowtown');
    expect(exchange?.body.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(exchange?.body.get('redirect_uri')).toBe(web.at('hollowtown', '/'));

    // What the page keeps: an RFC 9068 access token for the CALOS APIs with the first-party scope.
    const stored = await page.evaluate(() =>
      JSON.parse(localStorage.getItem('calos.session.hollowtown') ?? '{}'),
    );
    expect(stored.client_id).toBe('calos-hollowtown');
    expect(stored.user.username).toBe(user.username);
    const [header, payload] = (stored.access_token as string)
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header.typ).toBe('at+jwt');
    expect(payload).toMatchObject({ client_id: 'calos-hollowtown', plan: 'free' });
    expect(payload.scope.split(' ')).toContain('calos');

    // An access token about to expire: the page refreshes at the token endpoint, and the
    // refresh token it gets back is a new one.
    await page.evaluate(() => {
      const key = 'calos.session.hollowtown';
      const session = JSON.parse(localStorage.getItem(key) ?? '{}');
      localStorage.setItem(key, JSON.stringify({ ...session, expires_at: Date.now() - 1000 }));
    });
    await page.goto(web.at('hollowtown', '/recipes'));
    await page.waitForFunction(
      (before) =>
        JSON.parse(localStorage.getItem('calos.session.hollowtown') ?? '{}').refresh_token !== before,
      stored.refresh_token,
    );
    const refresh = tokenRequests().find((r) => r.body.get('grant_type') === 'refresh_token');
    expect(refresh?.contentType).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(refresh?.body.get('refresh_token')).toBe(stored.refresh_token);
    expect(refresh?.body.get('client_id')).toBe('calos-hollowtown');
    await visible(page.locator('.user-menu').getByText(user.username));

    // Signing out revokes the refresh token (RFC 7009); the app's own session is over.
    const current = await page.evaluate(() =>
      JSON.parse(localStorage.getItem('calos.session.hollowtown') ?? '{}'),
    );
    await page.locator('.user-menu').getByRole('button', { name: 'Sign out' }).click();
    await visible(page.locator('.user-menu').getByRole('button', { name: 'Sign in' }));
    await expect
      .poll(() => seen.some((r) => r.url.pathname === '/oidc/token/revocation'), { timeout: 10_000 })
      .toBe(true);
    const revocation = seen.find((r) => r.url.pathname === '/oidc/token/revocation');
    expect(revocation?.method).toBe('POST');
    expect(revocation?.body.get('token')).toBe(current.refresh_token);
    await expect
      .poll(
        async () =>
          (
            await web.http('account', '/api/auth/me', {
              headers: { authorization: `Bearer ${current.access_token}` },
            })
          ).status,
        { timeout: 10_000 },
      )
      .toBe(401);

    // Nothing went to the former private endpoints.
    expect(seen.filter((r) => r.url.pathname.includes('/api/web/')).map((r) => r.url.href)).toEqual([]);
    page.off('request', record);
    await context.close();
  });
});

/// <reference lib="dom" />
// A partner's app (examples/sign-in-with-calos, on openid-client) signs a person in with CALOS in
// Debian's Chromium: authorization code + PKCE through the console's real sign-in and consent
// pages, back to the app showing the person's name and balance; then the person takes the app's
// access away in the console. Every CALOS page on the way is checked with axe.
import type { Server } from 'node:http';
import * as client from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleApp } from '../../examples/sign-in-with-calos/app.ts';
import { oneEngine } from '../support/engines.ts';
import { given } from '../support/given.ts';
import { freePort, type OidcPlatform, startOidcPlatform } from '../support/oidc.ts';
import { buildWebForTests } from './build.ts';
import {
  cspViolations,
  hasChromium,
  launchChromium,
  newContext,
  seriousViolations,
  settled,
  visible,
} from './support.ts';

describe.skipIf(!hasChromium)('web: sign in with CALOS (OpenID Connect) in Chromium', () => {
  let platform: OidcPlatform;
  let browser: Browser;
  let app: Server;
  let appUrl: string;

  beforeAll(async () => {
    // The console and identity on one unmapped host, as on a single-host deployment.
    [platform, browser] = await Promise.all([
      startOidcPlatform(oneEngine()[0] ?? 'pglite', {
        env: { CALOS_WEB_DIST: buildWebForTests(), LOG_LEVEL: 'error' },
        issuer: (port) => `http://localhost:${port}/calos`,
      }),
      launchChromium(),
    ]);
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}`;
    const registered = await platform.oidc.addClient({
      name: 'Turkey Tech',
      redirectUris: [`${appUrl}/callback`],
      isPublic: false,
    });
    app = await startExampleApp({
      issuer: platform.issuer,
      clientId: registered.client_id,
      clientSecret: registered.client_secret ?? '',
      baseUrl: appUrl,
      port,
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (app ? app.close(resolve) : resolve(undefined)));
    await platform?.close();
  });

  const axeClean = async (page: Page) => {
    await settled(page);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);
  };

  it('signs a person in through the console’s sign-in and consent pages, and lets them take the app away', async () => {
    const person = await given(platform).user();
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(appUrl);
    await page.getByRole('link', { name: 'Sign in with CALOS' }).click();

    // The provider sent the browser to the console: sign in there.
    await visible(
      page.getByRole('heading', { level: 1, name: 'Sign in with CALOS to continue to Turkey Tech' }),
    );
    expect(new URL(page.url()).pathname).toBe('/account/connect');
    await axeClean(page);
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.getByLabel('Username or email').fill(person.username);
    await form.getByLabel('Password').fill(person.password);
    await form.getByRole('button', { name: 'Sign in' }).click();

    // A partner app: the person sees what it asks for and allows it.
    await visible(page.getByRole('heading', { level: 1, name: 'Let Turkey Tech use your CALOS account?' }));
    for (const words of [
      'Know who you are on CALOS',
      'See your name and username',
      'See your credits balance and history',
    ])
      await visible(page.getByRole('listitem').filter({ hasText: words }));
    await axeClean(page);
    await page.getByRole('button', { name: 'Allow', exact: true }).click();

    // Back at the app, which read the ID token and called CALOS's credits API with the access token.
    await visible(page.getByRole('heading', { level: 1, name: `Hello, ${person.username}` }));
    expect(page.url()).toBe(`${appUrl}/`);
    expect(await page.locator('body').textContent()).toContain('Your CALOS balance: 1000 credits.');

    // The console lists the app; taking it away ends its grant.
    await page.goto(`${new URL(platform.issuer).origin}/account/security`);
    await visible(page.getByRole('heading', { level: 2, name: 'Apps you allowed' }));
    await axeClean(page);
    await page.getByRole('button', { name: 'Take access away from Turkey Tech' }).click();
    await page.getByRole('heading', { level: 2, name: 'Apps you allowed' }).waitFor({ state: 'detached' });
    const grants = await fetch(`${platform.url}/calos/api/oidc/grants`, { headers: person.headers });
    expect((await grants.json()).items).toEqual([]);
    await context.close();
  });

  it('approves a TV’s device-flow code on the console’s pairing page (RFC 8628)', async () => {
    const person = await given(platform).user();
    const tv = await platform.oidc.addClient({
      name: 'Attic TV',
      redirectUris: [],
      isPublic: true,
      device: true,
    });
    const config = await client.discovery(new URL(platform.issuer), tv.client_id, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    const started = await client.initiateDeviceAuthorization(config, { scope: 'openid profile' });
    const polled = client.pollDeviceAuthorizationGrant(config, started);

    // The person opens the link the TV shows, signs in, and approves the prefilled code.
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(started.verification_uri_complete ?? '');
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.getByLabel('Username or email').fill(person.username);
    await form.getByLabel('Password').fill(person.password);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Devices' }));
    expect(await page.getByLabel('Code shown on the device').inputValue()).toBe(started.user_code);
    await axeClean(page);
    await page.getByRole('button', { name: 'Approve device' }).click();
    // A partner's app: the page says what it asks for before letting it in.
    await visible(page.getByRole('heading', { level: 3, name: 'Let Attic TV use your CALOS account?' }));
    await visible(page.getByRole('listitem').filter({ hasText: 'See your name and username' }));
    await axeClean(page);
    await page.getByRole('button', { name: 'Allow', exact: true }).click();
    await visible(page.getByText('Attic TV is approved'));

    const tokens = await polled;
    expect(tokens.claims()).toMatchObject({ sub: person.userId, aud: tv.client_id });
    await visible(page.getByText('Attic TV is now signed in to your account.'), 30_000);
    await context.close();
  }, 60_000);
});

/// <reference lib="dom" />
// The account console and one sign-in across domains, in Debian's Chromium: sign up on the
// account domain and arrive signed in on the apps' own domains, every area of the console,
// sign-out everywhere, and the one-time code rules.
import { createHash } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fillSignUp,
  HOSTS,
  hasChromium,
  launchChromium,
  newContext,
  newUser,
  openSignedIn,
  seriousViolations,
  settled,
  signUpOnAccount,
  startWebPlatform,
  visible,
  type WebPlatform,
} from './support.ts';

describe.skipIf(!hasChromium)('web: the CALOS account and one sign-in across domains', () => {
  let web: WebPlatform;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebPlatform(), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('serves each page under its prefix and on its own host, while the API routes keep winning', async () => {
    const get = async (host: string, pathname: string, headers: Record<string, string> = {}) => {
      const answer = await request(`http://127.0.0.1:${web.port}${pathname}`, {
        headers: { host: `${host}:${web.port}`, ...headers },
      });
      return { status: answer.statusCode, headers: answer.headers, text: await answer.body.text() };
    };
    const page = await get('localhost', '/hollowtown/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('"base":"/hollowtown"');
    expect(page.text).toContain('Halloween, planned'); // the landing, rendered at build time
    const view = await get('localhost', '/hollowtown/recipes');
    expect(view.status).toBe(200);
    expect(view.text).not.toContain('Halloween, planned'); // other views start without it
    expect((await get('localhost', '/hollowtown')).headers.location).toBe('hollowtown/');
    const missing = await get('localhost', '/hollowtown/api/no-such-thing');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text).error.code).toBe('ROUTE_NOT_FOUND');
    expect((await get('localhost', '/hollowtown/openapi.json')).headers['content-type']).toContain('json');
    expect((await get('localhost', '/hollowtown/docs/')).status).toBe(200);

    const own = await get(HOSTS.hollowtown, '/');
    expect(own.text).toContain(`"identity":"http://${HOSTS.account}:${web.port}"`);
    const asset = /\.\/assets\/([^"]+\.js)/.exec(own.text)?.[1];
    const script = await get(HOSTS.hollowtown, `/assets/${asset}`, { 'accept-encoding': 'br' });
    expect(script.status).toBe(200);
    expect(script.headers['content-encoding']).toBe('br');
    expect(script.headers['cache-control']).toContain('immutable');
    const api = await get(HOSTS.hollowtown, '/api/recipes/spooky');
    expect(api.status).toBe(401);
    expect((await get(HOSTS.account, '/account/pair')).text).toContain('"app":"account"');
  });

  it('signs up on the account domain and arrives signed in on hollowtown.localhost and recipes.localhost', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const user = newUser();
    await signUpOnAccount(page, web, user);

    await openSignedIn(page, web, 'hollowtown', 'recipes');
    expect(new URL(page.url()).host).toBe(`${HOSTS.hollowtown}:${web.port}`);
    await visible(page.locator('.user-menu').getByText(user.username));
    // The app's session is its own, first-party on its own origin.
    const stored = await page.evaluate(() => localStorage.getItem('calos.session.hollowtown'));
    expect(JSON.parse(stored ?? '{}').user.username).toBe(user.username);

    await openSignedIn(page, web, 'recipes', 'recipes');
    await visible(page.locator('.user-menu').getByText(user.username));

    // Each app's session shows in the console as a device of its own.
    await page.goto(web.at('account', '/account/devices'));
    const devices = page.getByRole('list', { name: 'Devices' });
    await visible(devices.getByText('Hollowtown (web)'));
    await visible(devices.getByText('HowToCookAtHome (web)'));
    await context.close();
  });

  it('starts on an app landing page, signs up on the account domain and comes back signed in', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const user = newUser('lp');
    await page.goto(web.at('family'));
    await page.getByRole('button', { name: 'Create your free account' }).click();
    await page.waitForURL((url) => url.hostname === HOSTS.account && url.pathname === '/account/connect');
    await visible(page.getByRole('heading', { name: 'Create your CALOS account for Family Planner' }));
    await fillSignUp(page, user);
    await page.waitForFunction(
      (host) =>
        location.hostname === host &&
        (document.querySelector('.user-menu')?.textContent ?? '').includes('Signed in as'),
      HOSTS.family,
    );
    expect(new URL(page.url()).pathname).toBe('/families');
    await context.close();
  });

  it('signs out of one app only, or out of everything from the console', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signUpOnAccount(page, web, newUser('so'));
    await openSignedIn(page, web, 'hollowtown', 'events');
    await openSignedIn(page, web, 'recipes', 'pantry');

    // Signing out of Recipes leaves the account and Hollowtown signed in.
    await page.locator('.user-menu').getByRole('button', { name: 'Sign out' }).click();
    await visible(page.getByRole('button', { name: 'Sign in' }));
    expect(await page.evaluate(() => localStorage.getItem('calos.session.recipes'))).toBeNull();

    await page.goto(web.at('account', '/account/'));
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await visible(page.getByRole('form', { name: 'Sign in' }));

    // Hollowtown's own session ended on the server: the page finds out and shows signed out.
    await page.goto(web.at('hollowtown'));
    await visible(page.locator('.user-menu').getByRole('button', { name: 'Sign in' }));
    expect(await page.evaluate(() => localStorage.getItem('calos.session.hollowtown'))).toBeNull();
    await context.close();
  });

  it("issues codes that work once, only with their verifier, only for the app's own address", async () => {
    const user = newUser('pk');
    const signUp = await web.http('account', '/api/auth/register', {
      body: { username: user.username, email: user.email, password: user.password },
    });
    expect(signUp.status).toBe(201);
    const token = signUp.body.access_token as string;
    const verifier = `${'a'.repeat(43)}-verifier`;
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = (redirect: string) =>
      web.http('account', '/api/web/authorize', {
        headers: { authorization: `Bearer ${token}` },
        body: { client: 'hollowtown', redirect_uri: redirect, code_challenge: challenge },
      });
    const redirect = web.at('hollowtown');
    for (const bad of [
      'https://evil.example/',
      web.at('recipes'),
      `${redirect}recipes`,
      `http://${HOSTS.hollowtown}:1/`,
    ]) {
      const refused = await authorize(bad);
      expect(refused.status, bad).toBe(400);
      expect(refused.body.error.code).toBe('WEB_REDIRECT_NOT_ALLOWED');
    }
    const appOrigin = redirect.slice(0, -1);
    const exchange = (code: string, codeVerifier: string) =>
      web.http('account', '/api/web/token', {
        headers: { origin: appOrigin },
        body: { client: 'hollowtown', code, code_verifier: codeVerifier, redirect_uri: redirect },
      });
    const first = await authorize(redirect);
    expect(first.status).toBe(201);
    expect(first.body.expires_in).toBe(60);
    const wrong = await exchange(first.body.code, 'b'.repeat(50));
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('WEB_CODE_INVALID');
    // A failed try spends the code.
    expect((await exchange(first.body.code, verifier)).status).toBe(400);

    const second = await authorize(redirect);
    const ok = await exchange(second.body.code, verifier);
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(appOrigin);
    expect(ok.body.user.username).toBe(user.username);
    expect(ok.body.refresh_token).toBeTruthy();
    expect((await exchange(second.body.code, verifier)).status).toBe(400);

    // Only a hash is kept; the code itself is nowhere in the database.
    const { rows } = await web.databases
      .get('identity')
      .query<{ code_hash: string; session_id: string | null }>(
        'SELECT code_hash, session_id FROM web_auth_codes',
      );
    expect(rows.some((row) => row.code_hash === second.body.code)).toBe(false);
    expect(rows.filter((row) => row.session_id === ok.body.session_id)).toHaveLength(1);
  });

  it('manages devices, pairing, AI keys, credits, plan, security log and deletion in the console', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const user = newUser('cn');
    await signUpOnAccount(page, web, user);
    const mainNav = page.getByRole('navigation', { name: 'Main' });

    // Pair a voice device by its code, from the link the device shows.
    const started = (
      await web.http('account', '/api/devices/pair/start', {
        body: { device_type: 'voice', device_name: 'Kitchen speaker' },
      })
    ).body as { user_code: string; verification_uri_complete: string; device_code: string };
    expect(started.verification_uri_complete).toContain('/account/pair?user_code=');
    await page.goto(started.verification_uri_complete);
    expect(await page.getByLabel('Code shown on the device').inputValue()).toBe(started.user_code);
    await page.getByRole('button', { name: 'Approve device' }).click();
    await visible(page.getByRole('status').getByText('Kitchen speaker is approved'));
    const devices = page.getByRole('list', { name: 'Devices' });
    await visible(devices.locator('li', { hasText: 'Kitchen speaker' }).getByText('Signing in…'));
    // The device fetches its tokens on its next poll; the page shows it without a reload.
    const pageLoads: string[] = [];
    page.on('load', () => pageLoads.push(page.url()));
    const polled = await web.http('account', '/api/devices/pair/token', {
      body: { device_code: started.device_code },
    });
    expect(polled.status).toBe(200);
    await visible(page.getByRole('status').getByText('Kitchen speaker is now signed in to your account.'));
    await visible(devices.getByRole('button', { name: 'Revoke Kitchen speaker' }));
    expect(await devices.getByText('Signing in…').count()).toBe(0);
    expect(pageLoads).toEqual([]);
    await devices.getByRole('button', { name: 'Revoke Kitchen speaker' }).click();
    await visible(devices.locator('li', { hasText: 'Kitchen speaker' }).getByText('Revoked'));

    // A wrong code reads as a sentence, not JSON.
    await page.getByLabel('Code shown on the device').fill('BCDF-2345');
    await page.getByRole('button', { name: 'Approve device' }).click();
    await visible(page.getByRole('alert').getByText('No device is waiting with that code'));

    // Bring-your-own keys: added, shown masked, deleted.
    await mainNav.getByRole('link', { name: 'AI keys and models', exact: true }).click();
    await page.getByLabel('Provider').selectOption('anthropic');
    await page.getByLabel('API key').fill('sk-ant-test-0123456789abcdWXYZ');
    await page.getByLabel('Label (optional)').fill('work');
    await page.getByRole('button', { name: 'Add key' }).click();
    const keys = page.getByRole('list', { name: 'Keys' });
    await visible(keys.getByText('WXYZ'));
    expect(await keys.textContent()).not.toContain('0123456789');
    // Deleting asks first, naming the key; keeping it changes nothing.
    await keys.getByRole('button', { name: /^Delete anthropic key/ }).click();
    const question = keys.getByRole('group', { name: /^Delete your Anthropic key …WXYZ\?/ });
    await visible(question);
    await question.getByRole('button', { name: 'Keep it' }).click();
    await visible(keys.getByText('WXYZ'));
    await keys.getByRole('button', { name: /^Delete anthropic key/ }).click();
    await keys.getByRole('button', { name: 'Delete key' }).click();
    await visible(page.getByText('No keys yet'));

    // Credits: 1000 to start, buy a package through the dev provider, see it in the history.
    await mainNav.getByRole('link', { name: 'Credits', exact: true }).click();
    await visible(page.getByTestId('balance').getByText('1,000'));
    await page.getByLabel('Package').selectOption('starter');
    await page.getByRole('button', { name: 'Buy', exact: true }).click();
    await visible(page.getByRole('status').getByText('Added 500 credits'));
    await visible(page.getByTestId('balance').getByText('1,500'));
    // The history reloads after the balance: wait for the purchase's row (a count does not wait).
    await visible(page.locator('table tbody tr').nth(1));
    expect(await page.locator('table tbody tr').count()).toBeGreaterThanOrEqual(2);

    // Plan: switch to Family.
    await mainNav.getByRole('link', { name: 'Plan', exact: true }).click();
    await visible(page.getByTestId('current-plan').getByText('Free'));
    await page.getByRole('button', { name: 'Switch to Family' }).click();
    await visible(page.getByTestId('current-plan').getByText('Family'));

    // The security log names what happened.
    await mainNav.getByRole('link', { name: 'Security', exact: true }).click();
    for (const event of [
      'Account created',
      'Device paired',
      'Device revoked',
      'AI key added',
      'Credits bought',
      'Plan changed',
    ]) {
      await visible(page.getByRole('cell', { name: event, exact: true }));
    }

    // Deleting needs the password; a wrong one is explained.
    await page.goto(web.at('account', '/account/delete'));
    await page.getByLabel('Your password').fill('not my password at all');
    await page.getByLabel('I understand that this cannot be undone').check();
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await visible(page.getByRole('alert').getByText('That password is not right.'));
    await page.getByLabel('Your password').fill(user.password);
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await visible(page.getByText('Your account has been deleted'));
    const login = await web.http('account', '/api/auth/login', {
      body: { login: user.username, password: user.password },
    });
    expect(login.status).toBe(401);
    await context.close();
  });

  it('explains a wrong password in words', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(web.at('account', '/account/'));
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.getByLabel('Username or email').fill('nobody-here');
    await form.getByLabel('Password').fill('wrong password');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('alert').getByText('That username or password is not right.'));
    expect(await page.getByRole('alert').textContent()).not.toContain('{');
    await context.close();
  });

  it('has no serious or critical accessibility violations on the account console and the landing pages', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const report: Record<string, string[]> = {};
    for (const [name, url] of [
      ['hollowtown landing', web.at('hollowtown')],
      ['recipes landing', web.at('recipes')],
      ['family landing', web.at('family')],
      ['account sign-in', web.at('account', '/account/')],
    ] as const) {
      await page.goto(url);
      await visible(page.locator('h1'));
      report[name] = await seriousViolations(page);
    }
    await signUpOnAccount(page, web, newUser('ax'));
    for (const view of ['', 'devices', 'keys', 'credits', 'plan', 'security', 'password', 'delete']) {
      await page.goto(web.at('account', `/account/${view}`));
      await visible(page.locator('h1'));
      await settled(page);
      report[`account ${view || 'overview'}`] = await seriousViolations(page);
    }
    expect(report).toEqual(Object.fromEntries(Object.keys(report).map((k) => [k, []])));
    await context.close();
  });
});

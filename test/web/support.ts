/// <reference lib="dom" />
// The browser tests' kit: Debian's Chromium driven by playwright-core (never a downloaded
// browser), a whole platform on *.localhost hosts, axe for accessibility, and small factories.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
  type Request,
} from 'playwright-core';
import { request as httpRequest } from 'undici';
import { startPlatform } from '../../src/main.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { oneEngine, uniqueSuffix } from '../support/engines.ts';
import type { ApiCall } from '../support/family.ts';
import { freePort } from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { buildWebForTests } from './build.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `[web tests] skipped: no Chromium at ${CHROMIUM}. Install it with \`apt-get install -y chromium\` ` +
      '(.ci/run does) or set CHROMIUM_PATH.',
  );
}

export const HOSTS = {
  account: 'account.localhost',
  hollowtown: 'hollowtown.localhost',
  recipes: 'recipes.localhost',
  family: 'family.localhost',
} as const;
export const CALOS_HOSTS = `${HOSTS.account}=identity,${HOSTS.hollowtown}=hollowtown,${HOSTS.recipes}=recipes,${HOSTS.family}=family`;

/**
 * The port and issuer of a platform under test: the apps' redirect URIs (their first-party
 * clients) follow the issuer's port, so it must be the port the platform listens on.
 */
async function issuerEnv(): Promise<Record<string, string>> {
  const port = await freePort();
  return { PORT: String(port), HOST: '127.0.0.1', CALOS_ISSUER: `http://localhost:${port}/calos` };
}

/** CALOS_WEB_DIST for a platform under test: the pages built from web/ as it is now. */
const webDistEnv = () => ({ CALOS_WEB_DIST: buildWebForTests() });

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: JSON from the API under test, checked by the tests.
  body: any;
}

export interface WebPlatform extends Pick<TestPlatform, 'url' | 'databases' | 'app' | 'close'> {
  port: number;
  /** A request from Node as if to <host>:<port> (Node does not resolve *.localhost itself). */
  http(
    host: keyof typeof HOSTS | 'localhost',
    pathname: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<HttpAnswer>;
  /** http://<host>:<port><path> for a mapped host (or localhost). */
  at(host: keyof typeof HOSTS | 'localhost', pathname?: string): string;
}

/** A platform for one test file, on the test suite's cloned databases. */
export async function startWebPlatform(
  env: Record<string, string> = {},
  options: { starterPack?: boolean } = {},
): Promise<WebPlatform> {
  // The pages are the subject, not the engine (both engines run every API test): PostgreSQL when
  // it is listed, whose work runs in its own processes instead of this worker's.
  const engine = oneEngine()[0] ?? 'pglite';
  const platform = await startTestPlatform(engine, {
    env: { CALOS_HOSTS, ...webDistEnv(), ...(await issuerEnv()), ...env },
    starterPack: options.starterPack,
  });
  // Loaded after the server listens, as on `calos start`: wait for it, so pages show it.
  await platform.starterPack;
  return withWebHelpers(platform);
}

/** A platform outside the test runner (scripts): embedded databases in a fresh folder, migrated. */
export async function startScriptPlatform(env: Record<string, string> = {}): Promise<WebPlatform> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'calos-web-data-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    CALOS_DATA_DIR: dataDir,
    CALOS_HOSTS,
    ...webDistEnv(),
    ...(await issuerEnv()),
    ...env,
  });
  const platform = await startPlatform({ config, logger: createLogger(config), migrate: true });
  return withWebHelpers({
    ...platform,
    async close() {
      await platform.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

function withWebHelpers(platform: Pick<TestPlatform, 'url' | 'databases' | 'app' | 'close'>): WebPlatform {
  const port = Number(new URL(platform.url).port);
  return {
    url: platform.url,
    databases: platform.databases,
    app: platform.app,
    close: () => platform.close(),
    port,
    async http(
      host: keyof typeof HOSTS | 'localhost',
      pathname: string,
      init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
    ) {
      const answer = await httpRequest(`http://127.0.0.1:${port}${pathname}`, {
        method: (init.method ?? (init.body === undefined ? 'GET' : 'POST')) as 'GET',
        headers: {
          host: `${host === 'localhost' ? 'localhost' : HOSTS[host]}:${port}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...init.headers,
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const text = await answer.body.text();
      return {
        status: answer.statusCode,
        headers: answer.headers,
        body: text ? JSON.parse(text) : undefined,
      };
    },
    at: (host: keyof typeof HOSTS | 'localhost', pathname = '/') =>
      `http://${host === 'localhost' ? 'localhost' : HOSTS[host]}:${port}${pathname}`,
  };
}

/** An ApiCall (test/support/family.ts) through the web platform, as the holder of an access token. */
export function apiAs(web: WebPlatform): ApiCall<{ token: string }> {
  return (user, method, pathname, body) =>
    web.http('localhost', pathname, {
      method,
      body,
      headers: { authorization: `Bearer ${user.token}` },
    });
}

/** A fresh access token for an existing account, signed in through the API. */
export async function tokenOf(web: WebPlatform, user: TestUser): Promise<{ token: string }> {
  const answer = await web.http('account', '/api/auth/login', {
    body: { login: user.username, password: user.password },
  });
  if (answer.status !== 200)
    throw new Error(`sign-in failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { token: answer.body.access_token };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // *.localhost is loopback anyway; say so, so no lookup ever leaves the machine.
      '--host-resolver-rules=MAP *.localhost 127.0.0.1, MAP localhost 127.0.0.1',
    ],
  });
}

export async function newContext(
  browser: Browser,
  options: { timezoneId?: string; viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  context.setDefaultTimeout(15_000);
  // Whatever the pages' Content-Security-Policy refuses, kept for cspViolations() and said aloud.
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(
        `${event.effectiveDirective} refused ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`,
      );
    });
  });
  context.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy'))
      console.warn(`[csp] ${message.text()}`);
  });
  trackRequests(context);
  return context;
}

/** The requests each page has in flight, but its event streams (they stay open while it shows). */
const inFlight = new WeakMap<Page, Set<Request>>();

function trackRequests(context: BrowserContext): void {
  const of = (request: Request): Set<Request> => {
    let page: Page;
    try {
      page = request.frame().page();
    } catch {
      return new Set(); // a service worker's own request: no page waits on it
    }
    const set = inFlight.get(page) ?? new Set<Request>();
    inFlight.set(page, set);
    return set;
  };
  const isStream = (request: Request) =>
    request.resourceType() === 'eventsource' ||
    (request.headers().accept ?? '').includes('text/event-stream');
  context.on('request', (request) => {
    if (!isStream(request)) of(request).add(request);
  });
  const done = (request: Request) => of(request).delete(request);
  context.on('requestfinished', done);
  context.on('requestfailed', done);
}

/**
 * Waits until the page has loaded and has had no request in flight for 300 ms, but its event
 * streams, at most `timeout` ms (then it goes on, as a test of what shows would). Playwright's
 * 'networkidle' never comes on a page that keeps a live stream open (the family's lists, chat,
 * notifications), so waiting for it there always cost its whole timeout.
 */
export async function settled(page: Page, timeout = 5_000): Promise<void> {
  const giveUpAt = Date.now() + timeout;
  await page.waitForLoadState('load', { timeout }).catch(() => undefined);
  let quietSince = Date.now();
  while (Date.now() < giveUpAt) {
    if ((inFlight.get(page)?.size ?? 0) > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= 300) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What the page's Content-Security-Policy refused since it was loaded. */
export const cspViolations = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);

/** Waits until the element is visible (playwright-core has no expect of its own). */
export const visible = async (locator: Locator, timeout?: number) => {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch (error) {
    const page = locator.page();
    const text = await page
      .locator('main')
      .textContent()
      .catch(() => '');
    if (process.env.WEB_TEST_SCREENSHOTS)
      await page.screenshot({
        path: `${process.env.WEB_TEST_SCREENSHOTS}/failure-${Date.now()}.png`,
        fullPage: true,
      });
    throw new Error(
      `${(error as Error).message.split('\n')[0]} — at ${page.url()} the page says: ${(text ?? '').slice(0, 600)}`,
      {
        cause: error,
      },
    );
  }
};

export interface TestUser {
  username: string;
  email: string;
  password: string;
}

export const newUser = (prefix = 'web'): TestUser => {
  const username = `${prefix}${uniqueSuffix()}`.slice(0, 30);
  return { username, email: `${username}@example.com`, password: 'correct horse battery' };
};

/** Signs up through the account console's form (already on a page that shows it). */
export async function fillSignUp(page: Page, user: TestUser) {
  const form = page.getByRole('form', { name: 'Create your CALOS account' });
  await form.getByLabel('Username').fill(user.username);
  await form.getByLabel('Email').fill(user.email);
  await form.getByLabel('Password').fill(user.password);
  await form.getByRole('button', { name: 'Create account' }).click();
}

export async function signUpOnAccount(page: Page, web: WebPlatform, user: TestUser) {
  await page.goto(web.at('account', '/account/?screen=signup'));
  await fillSignUp(page, user);
  await visible(page.getByRole('heading', { level: 1, name: /^Hello,/ }));
}

export async function signInOnAccount(page: Page, web: WebPlatform, user: TestUser) {
  await page.goto(web.at('account', '/account/'));
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('Username or email').fill(user.username);
  await form.getByLabel('Password').fill(user.password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await visible(page.getByRole('heading', { level: 1, name: /^Hello,/ }));
}

export interface FamilyOfOne {
  user: TestUser;
  /** An access token of theirs, for apiAs. */
  token: { token: string };
  userId: string;
  familyId: string;
  /** Their own browser context, signed in on the account console. */
  context: BrowserContext;
  page: Page;
}

/** Someone signed up in a browser context of their own, with a family of which they are the one member. */
export async function familyOfOne(
  web: WebPlatform,
  browser: Browser,
  options: { prefix?: string; familyName?: string; timezoneId?: string } = {},
): Promise<FamilyOfOne> {
  const user = newUser(options.prefix ?? 'dad');
  const context = await newContext(browser, options.timezoneId ? { timezoneId: options.timezoneId } : {});
  const page = await context.newPage();
  await signUpOnAccount(page, web, user);
  const call = apiAs(web);
  const token = await tokenOf(web, user);
  const family = await call(token, 'POST', '/family/api/families', {
    family_name: options.familyName ?? 'The Munsters',
  });
  if (family.status !== 201)
    throw new Error(`no family made: ${family.status} ${JSON.stringify(family.body)}`);
  const familyId = family.body.family_id as string;
  const members = await call(token, 'GET', `/family/api/families/${familyId}/members`);
  const userId = (members.body.items as { user_id: string }[])[0]?.user_id;
  if (!userId) throw new Error(`the family has no member: ${JSON.stringify(members.body)}`);
  return { user, token, userId, familyId, context, page };
}

/** Opens an app view; the app sends the browser through the account console and back. */
export async function openSignedIn(
  page: Page,
  web: WebPlatform,
  app: 'hollowtown' | 'recipes' | 'family',
  view: string,
) {
  await page.goto(web.at(app, `/${view}`));
  await page
    .waitForFunction(
      (host) =>
        location.hostname === host &&
        !location.search.includes('code=') &&
        (document.querySelector('.user-menu')?.textContent ?? '').includes('Signed in as'),
      HOSTS[app],
    )
    .catch(async (error) => {
      throw new Error(
        `not signed in on ${app}: at ${page.url()} the page says: ${((await page.locator('body').textContent()) ?? '').slice(0, 400)}`,
        {
          cause: error,
        },
      );
    });
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** Serious and critical axe violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the debugger, not as an inline <script> the page's CSP would refuse.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (context: Document) => Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

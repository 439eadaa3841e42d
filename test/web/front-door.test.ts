/// <reference lib="dom" />
// What a new user meets first: the front door at / (links to the apps, the account console and
// the API docs), each service's API documentation page, with and without the trailing slash,
// rendering under its Content-Security-Policy, and what the apps say when no AI server is there.
import { createServer } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cspViolations,
  hasChromium,
  launchChromium,
  newContext,
  newUser,
  openSignedIn,
  seriousViolations,
  signUpOnAccount,
  startWebPlatform,
  visible,
  type WebPlatform,
} from './support.ts';

describe.skipIf(!hasChromium)('web: the front door and the API docs', () => {
  let web: WebPlatform;
  let browser: Browser;

  beforeAll(async () => {
    // A port nothing listens on: an install without Ollama.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    [web, browser] = await Promise.all([
      startWebPlatform({ OLLAMA_HOSTS: `http://127.0.0.1:${port}` }),
      launchChromium(),
    ]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('opens on a page that leads to every app, the account console and the API docs', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const response = await page.goto(web.at('localhost', '/'));
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toContain('text/html');
    await visible(page.getByRole('heading', { level: 1, name: 'One account, many apps' }));
    for (const [name, path] of [
      ['Open Hollowtown', '/hollowtown/'],
      ['Open HowToCookAtHome', '/recipes/'],
      ['Open Family Planner', '/family/'],
      ['Your account', '/account/'],
      ['AI gateway (Ollama and OpenAI formats) API', '/ai/docs/'],
    ] as const) {
      expect(await page.getByRole('link', { name }).getAttribute('href')).toBe(path);
    }
    expect(await seriousViolations(page)).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Open HowToCookAtHome' }).click();
    await visible(page.getByRole('heading', { level: 1 }));
    expect(new URL(page.url()).pathname).toBe('/recipes/');
    await context.close();
  });

  it('shows each service’s API docs at /<service>/docs, with or without the slash', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    for (const [start, title] of [
      ['/hollowtown/docs', 'Hollowtown'],
      ['/family/docs/', 'Family Planner'],
      ['/ai/docs', 'AI gateway'],
    ] as const) {
      const missing: string[] = [];
      page.on('response', (answer) => {
        if (answer.status() >= 400) missing.push(`${answer.status()} ${answer.url()}`);
      });
      await page.goto(web.at('localhost', start));
      await visible(page.locator('.swagger-ui .info .title').filter({ hasText: title }));
      await visible(page.locator('.swagger-ui .opblock').first());
      expect(missing, start).toEqual([]);
      expect(await cspViolations(page), start).toEqual([]);
      page.removeAllListeners('response');
    }
    // On the app's own host the docs answer without the prefix.
    await page.goto(web.at('recipes', '/docs'));
    await visible(page.locator('.swagger-ui .info .title').filter({ hasText: 'HowToCookAtHome' }));
    expect(new URL(page.url()).pathname).toBe('/docs/');
    await context.close();
  });

  it('says that no AI server is connected, and how to connect one, instead of a wait that never ends', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signUpOnAccount(page, web, newUser('noai'));
    await openSignedIn(page, web, 'recipes', 'recipes');
    await page.getByRole('link', { name: 'Generate with AI' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Generate a recipe with AI' }));
    await page.getByLabel('What would you like to cook?').fill('soup');
    await page.getByRole('button', { name: 'Generate recipe' }).click();
    await visible(page.getByText(/No AI server is connected/));
    await visible(page.getByText(/npm run ollama:dev/));
    expect(await page.getByText(/Try again in/).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});

/// <reference lib="dom" />
// Hollowtown's pages in Debian's Chromium for what a first hour asks of them: sharing a recipe
// to HowToCookAtHome and seeing where the copy is and whether it is up to date; every new view
// is checked with axe.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hasChromium,
  launchChromium,
  newContext,
  newUser,
  openSignedIn,
  seriousViolations,
  signUpOnAccount,
  startWebPlatform,
  type TestUser,
  visible,
  type WebPlatform,
} from './support.ts';

describe.skipIf(!hasChromium)('web: Hollowtown', () => {
  let web: WebPlatform;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebPlatform(), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  const a11y = async (page: Page) => {
    await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
    return seriousViolations(page);
  };

  async function signedIn(view: string, user: TestUser = newUser('hta')) {
    const context = await newContext(browser);
    // Signing up hashes a password: on a busy two-core machine that alone can take seconds.
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    page.on('response', async (response) => {
      if (response.status() >= 400 && response.url().includes('/api/')) {
        console.warn(
          `[${user.username}] ${response.status()} ${response.request().method()} ${response.url()} ${await response.text().catch(() => '')}`,
        );
      }
    });
    page.on('pageerror', (error) => console.warn(`[${user.username}] page error: ${error.message}`));
    await signUpOnAccount(page, web, user);
    await openSignedIn(page, web, 'hollowtown', view);
    return { context, page, user, api: await apiAs(user) };
  }

  /** The same user's API from Node, to set up data a test is not about and to check what was stored. */
  async function apiAs(user: TestUser) {
    const login = await web.app.inject({
      method: 'POST',
      url: '/calos/api/auth/login',
      payload: { login: user.username, password: user.password },
    });
    expect(login.statusCode, login.body).toBe(200);
    const authorization = `Bearer ${login.json().access_token}`;
    return async (method: string, url: string, payload?: Record<string, unknown>) => {
      const response = await web.app.inject({
        method: method as 'GET',
        url,
        headers: { authorization },
        ...(payload ? { payload } : {}),
      });
      if (response.statusCode >= 400)
        throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
      return response.body ? response.json() : undefined;
    };
  }

  it('shares a recipe to HowToCookAtHome, links to the copy, and says when the copy has an edit', async () => {
    const { context, page, api } = await signedIn('recipes');
    const original = await api('POST', '/hollowtown/api/recipes/spooky', {
      recipe_name: 'Eyeball pasta',
      serves: 4,
      ingredients: [{ name: 'spaghetti', quantity: 400, unit: 'g' }],
      instructions: ['Boil the pasta.'],
    });
    await page.goto(web.at('hollowtown', `/recipes?id=${original.recipe_id}`));
    const panel = page.getByRole('region', { name: 'In HowToCookAtHome' });
    await panel.getByRole('button', { name: 'Share to HowToCookAtHome' }).click();
    await visible(panel.getByRole('status').getByText(/^Up to date: the copy has your latest edit/));
    const copyLink = panel.getByRole('link', { name: 'Open the copy in HowToCookAtHome' });
    const { recipe_id: copyId } = await api(
      'GET',
      `/hollowtown/api/recipes/spooky/${original.recipe_id}/share`,
    );
    expect(await copyLink.getAttribute('href')).toBe(web.at('recipes', `/recipes?id=${copyId}`));
    expect(await panel.getByRole('button', { name: 'Share to HowToCookAtHome' }).count()).toBe(0);
    expect(await a11y(page)).toEqual([]);

    // An edit here reaches the copy, and the page says so.
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill('Eyeball pasta, extra eyes');
    await page.getByRole('button', { name: 'Save recipe' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Eyeball pasta, extra eyes' }));
    await visible(panel.getByRole('status').getByText(/^Up to date/));
    expect(await api('GET', `/hollowtown/api/recipes/spooky/${original.recipe_id}/share`)).toMatchObject({
      version: 2,
      synced_version: 2,
      in_sync: true,
    });

    await copyLink.click();
    await visible(page.getByRole('heading', { level: 1, name: 'Eyeball pasta, extra eyes' }));
    await visible(page.getByRole('region', { name: 'Shared from Hollowtown, kept in sync' }));
    expect(new URL(page.url()).hostname).toBe('recipes.localhost');
    await context.close();
  });
});

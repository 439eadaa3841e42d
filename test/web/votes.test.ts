/// <reference lib="dom" />
// Votes and reports in Debian's Chromium: another user upvotes a published Hollowtown recipe and
// a HowToCookAtHome recipe from their pages and reports one; the author sees the karma in the
// account console. Every view is checked with axe.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hasChromium,
  launchChromium,
  newContext,
  newUser,
  openSignedIn,
  seriousViolations,
  settled,
  signUpOnAccount,
  startWebPlatform,
  type TestUser,
  visible,
  type WebPlatform,
} from './support.ts';

describe.skipIf(!hasChromium)('web: votes, reports and karma', () => {
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
    await settled(page);
    return seriousViolations(page);
  };

  /** The user's API from Node, for what the test is not about. */
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

  it('upvotes and reports a published recipe from its page, and the author sees the karma', async () => {
    const author = newUser('vta');
    const authorContext = await newContext(browser);
    authorContext.setDefaultTimeout(30_000);
    const authorPage = await authorContext.newPage();
    await signUpOnAccount(authorPage, web, author);
    const authorApi = await apiAs(author);
    const spooky = await authorApi('POST', '/hollowtown/api/recipes/spooky', {
      recipe_name: 'Bat wing brownies',
      is_published: true,
    });
    const everyday = await authorApi('POST', '/recipes/api/recipes', {
      recipe_name: 'Pumpkin soup',
      is_published: true,
    });

    const fan = newUser('vtf');
    const context = await newContext(browser);
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    await signUpOnAccount(page, web, fan);
    await openSignedIn(page, web, 'hollowtown', `recipes?id=${spooky.recipe_id}`);
    const upvote = page.getByRole('button', { name: /Upvote Bat wing brownies/ });
    await visible(upvote);
    expect(await upvote.getAttribute('aria-pressed')).toBe('false');
    await upvote.click();
    await page.waitForFunction(() => document.querySelector('[data-testid="votes"]')?.textContent === '1');
    expect(await upvote.getAttribute('aria-pressed')).toBe('true');

    await page.getByRole('button', { name: 'Report Bat wing brownies' }).click();
    await page.getByLabel('What is wrong with it?').fill('The brownies are not spooky at all');
    expect(await a11y(page)).toEqual([]);
    await page.getByRole('button', { name: 'Send report' }).click();
    await visible(page.getByText('Thank you: moderators will look at “Bat wing brownies”.'));
    expect(await a11y(page)).toEqual([]);

    await openSignedIn(page, web, 'recipes', `recipes?id=${everyday.recipe_id}`);
    const soup = page.getByRole('button', { name: /Upvote Pumpkin soup/ });
    await visible(soup);
    await soup.click();
    await page.waitForFunction(() => document.querySelector('[data-testid="votes"]')?.textContent === '1');
    expect(await a11y(page)).toEqual([]);
    await context.close();

    // The author (still signed in): two upvotes from another account, within a second or two.
    await authorPage.goto(web.at('account', '/account/'));
    await visible(authorPage.getByRole('heading', { level: 1, name: /^Hello,/ }));
    const deadline = Date.now() + 15_000;
    for (;;) {
      await authorPage.reload();
      const karma = await authorPage.getByTestId('karma').textContent();
      if (karma === '2') break;
      if (Date.now() > deadline) throw new Error(`karma is ${karma}, not 2`);
      await authorPage.waitForTimeout(200);
    }
    await visible(authorPage.getByRole('list', { name: 'Latest karma' }).getByText(/Bat wing brownies/));
    expect(await a11y(authorPage)).toEqual([]);
    await authorContext.close();
  });
});

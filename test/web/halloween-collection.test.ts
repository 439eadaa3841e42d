/// <reference lib="dom" />
// The Halloween collection in Debian's Chromium, against the real services with the starter pack
// loaded as on `calos start`: HowToCookAtHome's collection page with its banner (the season set
// to the whole year, so the test does not depend on today's date) and Hollowtown's recipes
// linking back to Hollowtown's host, a Halloween week planned from a template, and Hollowtown's
// "More from HowToCookAtHome". Each view is checked with axe.
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
  visible,
  type WebPlatform,
} from './support.ts';

describe.skipIf(!hasChromium)('web: the Halloween collection', () => {
  let web: WebPlatform;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([
      startWebPlatform({ CALOS_HALLOWEEN_SEASON: '01-01..12-31' }, { starterPack: true }),
      launchChromium(),
    ]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  const a11y = async (page: Page) => {
    await settled(page);
    return seriousViolations(page);
  };

  it('shows the banner and Hollowtown’s recipes linking back, plans a Halloween week, and cross-promotes', async () => {
    const context = await newContext(browser);
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    const user = newUser('hwc');
    await signUpOnAccount(page, web, user);
    await openSignedIn(page, web, 'recipes', 'halloween');

    await visible(page.getByRole('region', { name: 'Halloween season' }));
    const recipes = page.getByRole('list', { name: 'Halloween recipes from Hollowtown' });
    await visible(recipes);
    const dirtCups = recipes.getByRole('link', { name: 'Raven Black Sugar Cookies' });
    await visible(dirtCups);
    const href = (await dirtCups.getAttribute('href')) ?? '';
    // On Hollowtown's own host and the port it answers on here (the issuer's), so the link opens.
    expect(href).toMatch(new RegExp(`^${web.at('hollowtown', '/r/').replace(/\./g, '\\.')}[0-9a-f-]{36}$`));
    expect(await recipes.getByRole('listitem').count()).toBe(24);
    expect(await a11y(page)).toEqual([]);

    // A Halloween week from the template: the plan opens with its meals.
    await page.getByLabel('Template', { exact: true }).selectOption('halloween-week');
    await page.getByLabel('First day', { exact: true }).fill('2030-10-25');
    await page.getByRole('button', { name: 'Plan it, with the shopping list' }).click();
    await page.waitForURL(/meal-plans\?plan=/);
    await visible(page.getByText('Halloween Week from 2030-10-25').first());
    expect(await a11y(page)).toEqual([]);

    // Hollowtown suggests everyday recipes from HowToCookAtHome.
    await openSignedIn(page, web, 'hollowtown', 'recipes');
    const more = page.getByRole('list', { name: 'Everyday recipes from HowToCookAtHome' });
    await visible(more);
    expect(await more.getByRole('listitem').count()).toBe(4);
    const link = (await more.getByRole('link').first().getAttribute('href')) ?? '';
    expect(link).toMatch(new RegExp(`^${web.at('recipes', '/r/').replace(/\./g, '\\.')}[0-9a-f-]{36}$`));
    expect(await a11y(page)).toEqual([]);

    // The starter pack's rooms, published: read-only ideas beside the user's own (none yet).
    await openSignedIn(page, web, 'hollowtown', 'haunted-house');
    const rooms = page.getByRole('list', { name: 'Published rooms' });
    await visible(rooms);
    expect(
      await rooms
        .getByRole('listitem')
        .filter({ has: page.getByRole('heading') })
        .count(),
    ).toBe(10);
    expect(await rooms.getByRole('button').count()).toBe(0);
    expect(await a11y(page)).toEqual([]);
    await context.close();
  }, 240_000);
});

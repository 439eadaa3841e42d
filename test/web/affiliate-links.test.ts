/// <reference lib="dom" />
// "Buy at …" affiliate links in Debian's Chromium: HowToCookAtHome's shopping list shows a link
// per item and the disclosure line; following one goes through the app's own /go/ address, which
// records one click and sends the browser to the configured retailer (answered here by the
// browser's request interception, as the retailer's https site cannot run on this machine); and
// switching the links off in the account console takes them off the list. Checked with axe.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiAs,
  hasChromium,
  launchChromium,
  newContext,
  newUser,
  openSignedIn,
  seriousViolations,
  settled,
  signUpOnAccount,
  startWebPlatform,
  tokenOf,
  visible,
  type WebPlatform,
} from './support.ts';

const SHOP = 'https://www.amazon.example';
const RETAILERS = JSON.stringify([
  {
    id: 'amazon',
    name: 'Amazon',
    url: `${SHOP}/s?k={query}&tag={tag}`,
    tag: 'calos-20',
    apps: ['recipes', 'family'],
    kinds: ['grocery'],
  },
]);

describe.skipIf(!hasChromium)('web: affiliate links', () => {
  let web: WebPlatform;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([
      startWebPlatform({ CALOS_AFFILIATE_RETAILERS: RETAILERS, CALOS_MASTER_KEY: 'b2'.repeat(32) }),
      launchChromium(),
    ]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  const clicks = async () =>
    (
      await web.databases
        .get('recipes')
        .query<{ retailer: string; item_kind: string }>(
          'SELECT retailer, item_kind FROM affiliate_clicks ORDER BY clicked_at',
        )
    ).rows;

  it('shows Buy at with the disclosure, counts one click on the way to the shop, and goes when switched off', async () => {
    const context = await newContext(browser);
    // The retailer's site: what the redirect reaches, answered in the browser.
    const shopVisits: string[] = [];
    await context.route(`${SHOP}/**`, async (route) => {
      shopVisits.push(route.request().url());
      await route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: '<!doctype html><html lang="en"><title>Shop</title><h1>Search results</h1></html>',
      });
    });
    const page = await context.newPage();
    const cook = newUser('links');
    await signUpOnAccount(page, web, cook);
    const token = await tokenOf(web, cook);
    const made = await apiAs(web)(token, 'POST', '/recipes/api/shopping-lists', {
      list_name: 'Party food',
      items: ['2 lemons', '1 jar smoked paprika'],
    });
    expect(made.status).toBe(201);

    await openSignedIn(page, web, 'recipes', 'shopping');
    const link = page.getByRole('link', { name: /Buy at Amazon\W+lemons/ });
    await visible(link);
    expect(await link.getAttribute('rel')).toContain('sponsored');
    await visible(page.getByText(/affiliate links/i).first());
    await settled(page);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await clicks()).toEqual([]);

    // The link opens the shop in a new tab, through /go/: one click recorded, the shop's search
    // for the item with the configured tag.
    // On the app's own host, with the port people reach it on (the issuer's).
    expect(await link.getAttribute('href')).toMatch(new RegExp(`^${web.at('recipes', '/go/')}[\\w.-]+$`));
    const [shop] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await shop.waitForURL(`${SHOP}/**`);
    const landed = new URL(shop.url());
    expect(landed.searchParams.get('k')).toMatch(/lemons/);
    expect(landed.searchParams.get('tag')).toBe('calos-20');
    expect(shopVisits).toHaveLength(1);
    await expect.poll(clicks).toEqual([{ retailer: 'amazon', item_kind: 'grocery' }]);
    await shop.close();

    // Switched off in the account console: the list shows no links (the apps keep a person's
    // choice for up to 10 s, so the page is reloaded until it has gone).
    await page.goto(web.at('account', '/'));
    const choice = page.getByRole('checkbox', { name: /Show “Buy at …” links/ });
    await visible(choice);
    expect(await choice.isChecked()).toBe(true);
    // The switch saves at once and shows the saved state when identity has answered.
    await choice.click();
    await expect
      .poll(async () => (await apiAs(web)(token, 'GET', '/calos/api/account/affiliate-links')).body?.enabled)
      .toBe(false);
    await expect
      .poll(
        async () => {
          await openSignedIn(page, web, 'recipes', 'shopping');
          await visible(page.getByText(/lemons/).first());
          return page.getByRole('link', { name: /Buy at/ }).count();
        },
        { timeout: 30_000, interval: 2_000 },
      )
      .toBe(0);
    expect(await page.getByText(/affiliate links/i).count()).toBe(0);
    expect(await clicks()).toHaveLength(1);
    await context.close();
  }, 180_000);
});

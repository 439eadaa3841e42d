/// <reference lib="dom" />
// Hollowtown's marketplace pages in Debian's Chromium: search the listings, a listing's preview
// (the whole item stays hidden), buying once with an Idempotency-Key that a retry after a lost
// answer sends again (paid once), not enough credits with the way to buy some, bought already,
// my purchases, and selling: listing one of my plans, my own listing, unlisting, a seller's
// earnings, the account console's purchases and sales across apps, and a purchase whose seller
// closed their account (the buyer's copy). Every view is checked with axe.
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
  signInOnAccount,
  signUpOnAccount,
  startWebPlatform,
  type TestUser,
  visible,
  type WebPlatform,
} from './support.ts';

describe.skipIf(!hasChromium)('web: Hollowtown marketplace', () => {
  let web: WebPlatform;
  let browser: Browser;
  let seller: TestUser & { token: string };
  const listings = {} as Record<'chapel' | 'crypt' | 'gown', string>;

  const as = (token: string, method: string, pathname: string, body?: unknown, headers = {}) =>
    web.http('localhost', pathname, {
      method,
      body,
      headers: { authorization: `Bearer ${token}`, ...headers },
    });
  const register = async (user: TestUser) => {
    const answer = await web.http('account', '/api/auth/register', {
      body: { username: user.username, email: user.email, password: user.password },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body.access_token as string;
  };
  const tokenIn = (page: Page) =>
    page.evaluate(
      () => JSON.parse(localStorage.getItem('calos.session.hollowtown') ?? '{}').access_token as string,
    );
  const balanceOf = async (token: string) =>
    (await as(token, 'GET', '/calos/api/credits/balance')).body.balance as number;
  const axeClean = async (page: Page) => {
    await settled(page);
    await page.waitForFunction(
      () => !document.querySelector('main [role="status"]')?.textContent?.includes('Loading'),
    );
    expect(await seriousViolations(page), page.url()).toEqual([]);
  };

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebPlatform({ LOG_LEVEL: 'error' }), launchChromium()]);
    const user = newUser('sel');
    seller = { ...user, token: await register(user) };
    const list = async (kind: 'plan' | 'costume', itemId: string, price: number, title: string) => {
      const answer = await as(seller.token, 'POST', '/hollowtown/api/market/listings', {
        item_kind: kind,
        item_id: itemId,
        price,
        title,
        summary: `${title}: a preview for everyone`,
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      return answer.body.listing_id as string;
    };
    const plan = async (room: string) =>
      (
        await as(seller.token, 'POST', '/hollowtown/api/haunted-house/plans', {
          room_name: room,
          scare_level: 8,
          props_needed: [{ name: 'fog machine', quantity: 2 }],
          setup_instructions: ['Flood the floor with fog'],
        })
      ).body.plan_id as string;
    listings.chapel = await list('plan', await plan('Chapel nave'), 120, 'The Drowned Chapel');
    listings.crypt = await list('plan', await plan('Crypt'), 30, 'Whispering Crypt');
    const gown = await as(seller.token, 'POST', '/hollowtown/api/costumes', {
      costume_name: 'Ghost bride',
      difficulty: 'hard',
      materials: [{ name: 'lace veil', quantity: 1 }],
      description: 'Sew the veil to the crown',
    });
    listings.gown = await list('costume', gown.body.costume_id, 5000, 'Ghost bride pattern');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  async function buyerPage(view: string) {
    const context = await newContext(browser);
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    const user = newUser('buy');
    await signUpOnAccount(page, web, user);
    await openSignedIn(page, web, 'hollowtown', view);
    return { context, page, user };
  }

  it('searches, previews, buys once across a lost answer, and shows the whole item in my purchases', async () => {
    const { context, page } = await buyerPage('market');
    await visible(page.getByRole('heading', { level: 1, name: 'Marketplace' }));
    await visible(page.getByRole('link', { name: 'Whispering Crypt' }));
    await axeClean(page);

    const search = page.getByRole('form', { name: 'Search the marketplace' });
    await search.getByLabel('Words').fill('drowned');
    await search.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Whispering Crypt' }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'The Drowned Chapel' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'The Drowned Chapel' }));
    await visible(page.getByText('The Drowned Chapel: a preview for everyone'));
    expect(await page.getByText('fog machine').count()).toBe(0);
    await axeClean(page);

    // The first purchase reaches the server but its answer is lost: the page sends it again.
    const keys: string[] = [];
    await page.route('**/api/market/listings/*/purchase', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (keys.length === 1) {
        const request = route.request();
        const headers = await request.allHeaders();
        // Sent from here (Node does not resolve *.localhost), then the answer is dropped.
        const reached = await web.http('hollowtown', new URL(request.url()).pathname, {
          method: 'POST',
          headers: { authorization: headers.authorization ?? '', 'idempotency-key': keys[0] ?? '' },
        });
        expect(reached.status).toBe(201);
        await route.abort('connectionreset');
      } else await route.continue();
    });
    const token = await tokenIn(page);
    const before = await balanceOf(token);
    await page.getByRole('button', { name: 'Buy for 120 credits' }).click();
    await visible(page.getByText('Pay 120 credits for “The Drowned Chapel”?'));
    await axeClean(page);
    await page.getByRole('button', { name: 'Pay 120 credits' }).click();
    await visible(page.getByRole('region', { name: 'What you bought' }).getByText('2 fog machine'));
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^buy-/);
    expect(keys[1]).toBe(keys[0]);
    expect(await balanceOf(token)).toBe(before - 120);
    await axeClean(page);

    await page
      .getByRole('navigation', { name: 'Marketplace' })
      .getByRole('link', { name: 'My purchases' })
      .click();
    const purchases = page.getByRole('list', { name: 'Purchases' });
    await purchases.getByRole('link', { name: 'The Drowned Chapel' }).click();
    await visible(page.getByText('Flood the floor with fog'));
    await page.goBack();
    await visible(page.getByRole('heading', { level: 1, name: 'My purchases' }));
    await axeClean(page);
    await context.close();
  });

  it('says when credits are short (with where to buy them) and when it was bought already', async () => {
    const { context, page } = await buyerPage(`market?listing=${listings.gown}`);
    await visible(page.getByRole('heading', { level: 1, name: 'Ghost bride pattern' }));
    expect(await page.getByText('Sew the veil').count()).toBe(0);
    await page.getByRole('button', { name: 'Buy for 5,000 credits' }).click();
    await page.getByRole('button', { name: 'Pay 5,000 credits' }).click();
    const short = page.getByRole('alert').filter({ hasText: 'You do not have enough credits' });
    await visible(short.getByText('you have 1,000 credits'));
    const link = short.getByRole('link', { name: 'Buy credits in your CALOS account' });
    expect(await link.getAttribute('href')).toMatch(/\/account\/credits$/);
    await axeClean(page);

    // Bought in another tab (another key) while this page still offers it.
    await page.goto(web.at('hollowtown', `/market?listing=${listings.crypt}`));
    await visible(page.getByRole('button', { name: 'Buy for 30 credits' }));
    const elsewhere = await as(
      await tokenIn(page),
      'POST',
      `/hollowtown/api/market/listings/${listings.crypt}/purchase`,
      undefined,
      { 'idempotency-key': 'another-tab' },
    );
    expect(elsewhere.status).toBe(201);
    await page.getByRole('button', { name: 'Buy for 30 credits' }).click();
    await page.getByRole('button', { name: 'Pay 30 credits' }).click();
    await visible(page.getByText('You bought this already.'));
    await axeClean(page);
    await page.getByRole('button', { name: 'Show the whole item' }).click();
    await visible(page.getByRole('region', { name: 'What you bought' }));
    await context.close();
  });

  it('lists one of my plans, shows it as my own, unlists it; a seller sees sales and earnings', async () => {
    const { context, page, user } = await buyerPage('market-selling');
    const token = await tokenIn(page);
    await as(token, 'POST', '/hollowtown/api/haunted-house/plans', {
      room_name: 'Attic of eyes',
      scare_level: 6,
    });
    await page.reload();
    const form = page.getByRole('form', { name: 'Sell a plan or costume' });
    await form.getByLabel('What to sell').selectOption({ label: 'Plan: Attic of eyes' });
    await form.getByLabel('Price').fill('50');
    await form.getByLabel('Summary').fill('Eyes that follow you');
    await axeClean(page);
    await form.getByRole('button', { name: 'List it for sale' }).click();
    const mine = page.getByRole('list', { name: 'Your listings' });
    await visible(mine.getByRole('link', { name: 'Attic of eyes' }));
    await axeClean(page);

    await mine.getByRole('link', { name: 'Attic of eyes' }).click();
    await visible(page.getByText('This is your own listing.'));
    expect(await page.getByRole('button', { name: /^Buy for/ }).count()).toBe(0);
    await page.goBack();
    await mine.getByRole('button', { name: 'Unlist Attic of eyes' }).click();
    await visible(mine.getByText('unlisted'));
    const listed = await as(token, 'GET', '/hollowtown/api/market/listings?q=attic');
    expect(listed.body.items).toEqual([]);
    expect(user.username).toBeTruthy();
    await context.close();

    // The seller: two sales (the chapel and the crypt above), 10% fees.
    const sellerContext = await newContext(browser);
    sellerContext.setDefaultTimeout(30_000);
    const sellerPage = await sellerContext.newPage();
    await signInOnAccount(sellerPage, web, seller);
    await openSignedIn(sellerPage, web, 'hollowtown', 'market-selling');
    const earnings = sellerPage.getByRole('region', { name: 'Earnings' });
    await visible(earnings.getByText('135 credits'));
    await visible(earnings.getByText('150 credits'));
    const sales = sellerPage.getByRole('table', { name: 'Your sales, newest first' });
    await visible(sales.getByRole('cell', { name: 'The Drowned Chapel' }));
    await visible(sales.getByRole('cell', { name: '108 credits' }));
    await axeClean(sellerPage);

    // The account console gathers the apps' marketplaces: sales here, with links to the items.
    await sellerPage.goto(web.at('account', '/account/purchases'));
    const hollowtown = sellerPage.getByRole('region', { name: 'Hollowtown' });
    await visible(hollowtown.getByText('you earned 135 credits'));
    const sold = hollowtown.getByRole('list', { name: 'Sold in Hollowtown' });
    const link = sold.getByRole('link', { name: 'The Drowned Chapel' });
    expect(await link.getAttribute('href')).toBe(web.at('hollowtown', `/market?listing=${listings.chapel}`));
    await visible(
      hollowtown
        .getByRole('list', { name: 'Bought in Hollowtown' })
        .or(hollowtown.getByText('Nothing bought in Hollowtown.')),
    );
    await axeClean(sellerPage);
    await sellerContext.close();
  });

  it("keeps a purchase readable after the seller closed their account: the buyer's copy", async () => {
    const leaving = newUser('gone');
    const leavingToken = await register(leaving);
    const plan = await as(leavingToken, 'POST', '/hollowtown/api/haunted-house/plans', {
      room_name: 'Hall of portraits',
      scare_level: 6,
      props_needed: [{ name: 'gilded frame', quantity: 8 }],
      setup_instructions: ['Cut eye holes in the portraits'],
    });
    const listed = await as(leavingToken, 'POST', '/hollowtown/api/market/listings', {
      item_kind: 'plan',
      item_id: plan.body.plan_id,
      price: 25,
      title: 'Hall of Portraits',
    });
    expect(listed.status, JSON.stringify(listed.body)).toBe(201);
    const { context, page } = await buyerPage('market-purchases');
    const token = await tokenIn(page);
    const bought = await as(
      token,
      'POST',
      `/hollowtown/api/market/listings/${listed.body.listing_id}/purchase`,
      undefined,
      { 'idempotency-key': 'portraits-1' },
    );
    expect(bought.status, JSON.stringify(bought.body)).toBe(201);
    const closed = await as(leavingToken, 'DELETE', '/calos/api/account', { password: leaving.password });
    expect(closed.status, JSON.stringify(closed.body)).toBe(204);
    const purchaseUrl = `/hollowtown/api/market/purchases/${bought.body.purchase_id}`;
    const deadline = Date.now() + 20_000;
    while ((await as(token, 'GET', purchaseUrl)).body.item_source !== 'copy') {
      if (Date.now() > deadline) throw new Error("the seller's erasure did not reach Hollowtown in time");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    await page.reload();
    await page
      .getByRole('list', { name: 'Purchases' })
      .getByRole('link', { name: 'Hall of Portraits' })
      .click();
    await visible(page.getByRole('heading', { level: 1, name: 'Hall of Portraits' }));
    await visible(page.getByText('Cut eye holes in the portraits'));
    await visible(page.getByText("The seller's account was closed"));
    await axeClean(page);

    await page.goto(web.at('account', '/account/purchases'));
    const link = page
      .getByRole('region', { name: 'Hollowtown' })
      .getByRole('list', { name: 'Bought in Hollowtown' })
      .getByRole('link', { name: 'Hall of Portraits' });
    expect(await link.getAttribute('href')).toBe(
      web.at('hollowtown', `/market?purchase=${bought.body.purchase_id}`),
    );
    await axeClean(page);
    await context.close();
  });
});

// Staff refund a Hollowtown marketplace purchase: identity reverses both sides of the credit
// transfer once (once the seller's account is erased, the platform gives back their share), and
// the buyer's access to the item ends. Only Hollowtown's admin and support
// staff may; staff of another domain are refused like anyone else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffService } from '../src/identity/index.ts';
import type { RecipesInstanceClient } from '../src/recipes/index.ts';
import { testEngines } from './support/engines.ts';
import { given, type TestUser } from './support/given.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

describe.each(testEngines())('refunds of marketplace purchases on %s', (engine) => {
  let platform: TestPlatform;
  const staff = () =>
    createStaffService({
      db: platform.databases.get('identity'),
      now: () => platform.clock.now(),
    });
  const call = (user: TestUser, method: 'GET' | 'POST', url: string, payload?: object, key?: string) =>
    platform.app.inject({
      method,
      url,
      headers: key ? { ...user.headers, 'idempotency-key': key } : user.headers,
      ...(payload ? { payload } : {}),
    });
  const balance = async (user: TestUser) =>
    (await call(user, 'GET', '/calos/api/credits/balance')).json().balance as number;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'hollowtown'] });
  });
  afterAll(() => platform.close());

  it('reverses both sides once, ends the access, and refuses everyone but Hollowtown staff', async () => {
    const user = () => given(platform).user();
    const [seller, buyer, support, recipesAdmin] = [await user(), await user(), await user(), await user()];
    await staff().grant(
      { login: support.username, role: 'support', domain: 'hollowtown' },
      { operator: 'test' },
    );
    await staff().grant(
      { login: recipesAdmin.username, role: 'admin', domain: 'recipes' },
      { operator: 'test' },
    );

    const plan = await call(seller, 'POST', '/hollowtown/api/haunted-house/plans', {
      room_name: 'Bone cellar',
      scare_level: 9,
    });
    const listed = await call(seller, 'POST', '/hollowtown/api/market/listings', {
      item_kind: 'plan',
      item_id: plan.json().plan_id,
      price: 200,
    });
    const listingId = listed.json().listing_id;
    const bought = await call(
      buyer,
      'POST',
      `/hollowtown/api/market/listings/${listingId}/purchase`,
      undefined,
      'b1',
    );
    expect(bought.statusCode, bought.body).toBe(201);
    expect([await balance(buyer), await balance(seller)]).toEqual([800, 1180]);

    const url = `/hollowtown/api/market/purchases/${bought.json().purchase_id}/refund`;
    for (const who of [buyer, seller, recipesAdmin]) {
      const refused = await call(who, 'POST', url, { reason: 'Not as described' });
      expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'STAFF_ROLE_REQUIRED']);
    }
    expect([await balance(buyer), await balance(seller)]).toEqual([800, 1180]);

    const refunds = await Promise.all(
      Array.from({ length: 5 }, () => call(support, 'POST', url, { reason: 'Not as described' })),
    );
    for (const r of refunds) {
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ status: 'refunded', price: 200, fee: 20 });
    }
    expect([await balance(buyer), await balance(seller)]).toEqual([1000, 1000]);

    const view = (await call(buyer, 'GET', `/hollowtown/api/market/listings/${listingId}`)).json();
    expect(view).toMatchObject({ is_purchased: false, item: null, sales: 0 });
    const sales = (await call(seller, 'GET', '/hollowtown/api/market/sales')).json();
    expect(sales.totals).toEqual({ sales: 0, gross: 0, fees: 0, earned: 0 });
    expect(sales.items).toEqual([expect.objectContaining({ status: 'refunded' })]);
    // The old key answers the refunded purchase; a new one buys again.
    const retry = await call(
      buyer,
      'POST',
      `/hollowtown/api/market/listings/${listingId}/purchase`,
      undefined,
      'b1',
    );
    expect([retry.statusCode, retry.json().status]).toEqual([200, 'refunded']);
    const again = await call(
      buyer,
      'POST',
      `/hollowtown/api/market/listings/${listingId}/purchase`,
      undefined,
      'b2',
    );
    expect(again.statusCode, again.body).toBe(201);
    expect(await balance(buyer)).toBe(800);

    const missing = await call(
      support,
      'POST',
      '/hollowtown/api/market/purchases/00000000-0000-4000-8000-000000000000/refund',
      {
        reason: 'Nothing',
      },
    );
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'PURCHASE_NOT_FOUND']);
  });
});

// The same for HowToCookAtHome's recipe books: its admin and support staff refund, the buyer's
// way into the book ends, and Hollowtown's staff are refused like anyone else.
describe.each(testEngines())('refunds of recipe book purchases on %s', (engine) => {
  let platform: TestPlatform;
  const staff = () =>
    createStaffService({
      db: platform.databases.get('identity'),
      now: () => platform.clock.now(),
    });
  const call = (
    user: TestUser,
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: object,
    key?: string,
  ) =>
    platform.app.inject({
      method,
      url,
      headers: key ? { ...user.headers, 'idempotency-key': key } : user.headers,
      ...(payload ? { payload } : {}),
    });
  const balance = async (user: TestUser) =>
    (await call(user, 'GET', '/calos/api/credits/balance')).json().balance as number;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'recipes'] });
  });
  afterAll(() => platform.close());

  it('reverses both sides once, ends the access to the book, and refuses everyone but its staff', async () => {
    const user = () => given(platform).user();
    const [seller, buyer, support, hollowtownAdmin] = [
      await user(),
      await user(),
      await user(),
      await user(),
    ];
    await staff().grant(
      { login: support.username, role: 'support', domain: 'recipes' },
      { operator: 'test' },
    );
    await staff().grant(
      { login: hollowtownAdmin.username, role: 'admin', domain: 'hollowtown' },
      { operator: 'test' },
    );

    const recipe = await call(seller, 'POST', '/recipes/api/recipes', { recipe_name: 'Hidden soup' });
    const book = await call(seller, 'POST', '/recipes/api/cookbooks', { title: 'Soups' });
    const cookbookId = book.json().cookbook_id;
    await call(seller, 'PUT', `/recipes/api/cookbooks/${cookbookId}/recipes/${recipe.json().recipe_id}`);
    const listed = await call(seller, 'POST', '/recipes/api/market/listings', {
      item_kind: 'cookbook',
      item_id: cookbookId,
      price: 200,
    });
    expect(listed.statusCode, listed.body).toBe(201);
    const listingId = listed.json().listing_id;
    const buyUrl = `/recipes/api/market/listings/${listingId}/purchase`;
    const bought = await call(buyer, 'POST', buyUrl, undefined, 'b1');
    expect(bought.statusCode, bought.body).toBe(201);
    expect([await balance(buyer), await balance(seller)]).toEqual([800, 1180]);
    const readBook = () => call(buyer, 'GET', `/recipes/api/cookbooks/${cookbookId}/recipes`);
    expect((await readBook()).statusCode).toBe(200);

    const url = `/recipes/api/market/purchases/${bought.json().purchase_id}/refund`;
    for (const who of [buyer, seller, hollowtownAdmin]) {
      const refused = await call(who, 'POST', url, { reason: 'Not as described' });
      expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'STAFF_ROLE_REQUIRED']);
    }
    const report = await call(hollowtownAdmin, 'GET', '/recipes/api/admin/market?since=2000-01-01T00:00:00Z');
    expect(report.statusCode).toBe(403);
    expect([await balance(buyer), await balance(seller)]).toEqual([800, 1180]);

    const refunds = await Promise.all(
      Array.from({ length: 5 }, () => call(support, 'POST', url, { reason: 'Not as described' })),
    );
    for (const r of refunds) {
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ status: 'refunded', price: 200, fee: 20, cookbook_id: null });
    }
    expect([await balance(buyer), await balance(seller)]).toEqual([1000, 1000]);
    expect((await readBook()).statusCode).toBe(404);
    const view = (await call(buyer, 'GET', `/recipes/api/market/listings/${listingId}`)).json();
    expect(view).toMatchObject({ is_purchased: false, item: null, sales: 0 });
    const sales = (await call(seller, 'GET', '/recipes/api/market/sales')).json();
    expect(sales.totals).toEqual({ sales: 0, gross: 0, fees: 0, earned: 0 });
    expect(sales.items).toEqual([expect.objectContaining({ status: 'refunded' })]);
    // The console's report shows it, with both people by name.
    const seen = await call(
      support,
      'GET',
      `/recipes/api/admin/market?since=${encodeURIComponent(new Date(platform.clock.now().getTime() - 86_400_000).toISOString())}`,
    );
    expect(seen.statusCode, seen.body).toBe(200);
    expect(seen.json().totals).toEqual([
      { item_kind: 'cookbook', listed: expect.any(Number), sales: 0, refunds: 1, credits: 0, fees: 0 },
    ]);
    // Nothing is stuck pending (src/hollowtown/service/market-sweep.test.ts shows one that is).
    expect(seen.json().stuck).toEqual({ count: 0, purchases: [] });
    expect(seen.json().purchases).toEqual([
      expect.objectContaining({
        status: 'refunded',
        buyer: { user_id: buyer.userId, username: buyer.username },
        seller: { user_id: seller.userId, username: seller.username },
      }),
    ]);

    // The old key answers the refunded purchase; a new one buys again.
    const retry = await call(buyer, 'POST', buyUrl, undefined, 'b1');
    expect([retry.statusCode, retry.json().status]).toEqual([200, 'refunded']);
    const again = await call(buyer, 'POST', buyUrl, undefined, 'b2');
    expect(again.statusCode, again.body).toBe(201);
    expect(await balance(buyer)).toBe(800);
    expect((await readBook()).statusCode).toBe(200);

    const missing = await call(
      support,
      'POST',
      '/recipes/api/market/purchases/00000000-0000-4000-8000-000000000000/refund',
      { reason: 'Nothing' },
    );
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'PURCHASE_NOT_FOUND']);

    // A purchase of the book left pending past the grace period (identity was away while it was
    // paid; src/recipes/service/market-sweep.test.ts makes one so): staff see which book it is for.
    const waiting = await user();
    const db = platform.databases.get('recipes');
    await db.query(
      `INSERT INTO market_purchases (listing_id, buyer_id, seller_id, idempotency_key, transfer_reference, title, price, created_at)
       VALUES ($1, $2, $3, 'stuck-1', $4, 'Soups', 200, $5)`,
      [
        listingId,
        waiting.userId,
        seller.userId,
        `recipes:listing:${listingId}`,
        new Date(platform.clock.now().getTime() - 10 * 60_000),
      ],
    );
    const stuck = await call(
      support,
      'GET',
      `/recipes/api/admin/market?since=${encodeURIComponent(platform.clock.now().toISOString())}`,
    );
    expect(stuck.statusCode, stuck.body).toBe(200);
    expect(stuck.json().stuck).toEqual({
      count: 1,
      purchases: [
        expect.objectContaining({
          listing_id: listingId,
          item_kind: 'cookbook',
          cookbook_id: cookbookId,
          title: 'Soups',
          attempts: 0,
          buyer: { user_id: waiting.userId, username: waiting.username },
        }),
      ],
    });
    await db.query('DELETE FROM market_purchases WHERE buyer_id = $1', [waiting.userId]);
  });

  it('refunds a book bought from a seller whose account is erased since: the buyer gets the whole price back', async () => {
    const user = () => given(platform).user();
    const [seller, buyer, support] = [await user(), await user(), await user()];
    await staff().grant(
      { login: support.username, role: 'support', domain: 'recipes' },
      { operator: 'test' },
    );
    const recipe = await call(seller, 'POST', '/recipes/api/recipes', { recipe_name: 'Last soup' });
    const book = (await call(seller, 'POST', '/recipes/api/cookbooks', { title: 'Last soups' })).json();
    await call(
      seller,
      'PUT',
      `/recipes/api/cookbooks/${book.cookbook_id}/recipes/${recipe.json().recipe_id}`,
    );
    const listed = await call(seller, 'POST', '/recipes/api/market/listings', {
      item_kind: 'cookbook',
      item_id: book.cookbook_id,
      price: 120,
    });
    const bought = await call(
      buyer,
      'POST',
      `/recipes/api/market/listings/${listed.json().listing_id}/purchase`,
      undefined,
      'gone-seller',
    );
    expect(bought.statusCode, bought.body).toBe(201);
    expect(await balance(buyer)).toBe(880);

    const erased = await platform.app.inject({
      method: 'DELETE',
      url: '/calos/api/account',
      headers: seller.headers,
      payload: { password: seller.password },
    });
    expect(erased.statusCode, erased.body).toBe(204);
    await platform.clients.get<RecipesInstanceClient>('recipes').drainUserEvents();

    const url = `/recipes/api/market/purchases/${bought.json().purchase_id}/refund`;
    const refund = await call(support, 'POST', url, { reason: 'The seller is gone' });
    expect(refund.statusCode, refund.body).toBe(200);
    expect(refund.json()).toMatchObject({ status: 'refunded', price: 120, fee: 12 });
    expect((await call(support, 'POST', url, { reason: 'The seller is gone' })).json()).toEqual(
      refund.json(),
    );
    // The whole price: the seller's share (108) and the fee (12) both come from the platform.
    expect(await balance(buyer)).toBe(1000);
    expect((await call(buyer, 'GET', `/recipes/api/cookbooks/${book.cookbook_id}/recipes`)).statusCode).toBe(
      404,
    );
  });
});

// Recipe book purchases left pending when identity could not be reached: HowToCookAtHome's
// housekeeping runs the transfer again under the purchase's key, so one whose credits moved is
// completed (paid once), one never paid is paid now or, refused, removed; identity still away
// leaves it pending.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { freePort } from '../../../test/support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import type { IdentityClient } from '../../identity/client.ts';
import { createIdentityHttpClient } from '../../identity/client.ts';
import { AppError } from '../../platform/errors.ts';
import { createLogger } from '../../platform/logger.ts';
import { RETRY_BASE_MS } from '../../platform/market/service.ts';
import type { RecipesDeps } from '../deps.ts';
import type { RecipesInstanceClient } from '../index.ts';
import { DELETED_USER_ID } from '../store/users.ts';
import { recipesApi } from '../testing.ts';
import { createRecipesHousekeeping } from './housekeeping.ts';
import { createMarketService, type MarketService } from './market.ts';

describe.each(testEngines())('pending recipe book purchases on %s', (engine) => {
  let platform: TestPlatform;
  let reachable: MarketService;
  /** The same market with identity at an address where nothing answers. */
  let unreachable: MarketService;
  const logger = createLogger({ logLevel: 'silent' });

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'recipes'] });
    const market = (identity: IdentityClient) =>
      createMarketService({
        db: platform.databases.get('recipes'),
        logger,
        now: () => platform.clock.now(),
        identity: () => identity,
      } as RecipesDeps);
    reachable = market(platform.clients.get<IdentityClient>('identity'));
    unreachable = market(
      createIdentityHttpClient(
        `http://127.0.0.1:${await freePort()}`,
        'a-service-token-that-is-long-enough-0123',
      ),
    );
  });
  afterAll(() => platform.close());

  const user = () => given(platform).user();
  const identity = () => platform.clients.get<IdentityClient>('identity');
  const balance = async (who: TestUser) => (await identity().credits.balance(who.userId)).balance;
  const statusOf = async (buyer: TestUser) => {
    const { rows } = await platform.databases
      .get('recipes')
      .query<{ status: string }>('SELECT status FROM market_purchases WHERE buyer_id = $1', [buyer.userId]);
    return rows.map((r) => r.status);
  };
  async function listing(seller: TestUser, price: number) {
    const api = recipesApi(platform);
    const recipe = await api.recipe(seller, { recipe_name: 'Fog soup' });
    const book = (await api.post(seller, '/recipes/api/cookbooks', { title: 'Soups' })).json();
    await api.put(seller, `/recipes/api/cookbooks/${book.cookbook_id}/recipes/${recipe.recipe_id}`);
    const listed = await api.post(seller, '/recipes/api/market/listings', {
      item_kind: 'cookbook',
      item_id: book.cookbook_id,
      price,
    });
    expect(listed.statusCode, listed.body).toBe(201);
    return listed.json().listing_id as string;
  }

  /** Erases the seller's account and waits until HowToCookAtHome applied it (their books gone). */
  async function erase(seller: TestUser) {
    const deleted = await platform.app.inject({
      method: 'DELETE',
      url: '/calos/api/account',
      headers: seller.headers,
      payload: { password: seller.password },
    });
    expect(deleted.statusCode, deleted.body).toBe(204);
    const deadline = Date.now() + 10_000;
    for (;;) {
      await platform.clients.get<RecipesInstanceClient>('recipes').drainUserEvents();
      const { rows } = await platform.databases
        .get('recipes')
        .query<{ n: number }>('SELECT count(*)::int AS n FROM cookbooks WHERE user_id = $1', [seller.userId]);
      if (rows[0]?.n === 0) return;
      if (Date.now() > deadline) throw new Error('user.deleted was not applied in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('keeps a purchase pending while identity is away, then pays it once; the buyer’s retry answers it', async () => {
    const [seller, buyer] = [await user(), await user()];
    const listingId = await listing(seller, 100);
    await expect(unreachable.purchase(buyer.userId, listingId, 'lost-1')).rejects.toThrow();
    expect(await statusOf(buyer)).toEqual(['pending']);

    expect(await unreachable.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 1 });
    // Too young: a request may still be paying it.
    expect(await reachable.settlePendingPurchases()).toEqual({ completed: 0, failed: 0, pending: 0 });
    // The sweep's attempt failed: the next waits its turn.
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 0 });
    expect(await statusOf(buyer)).toEqual(['pending']);
    expect([await balance(buyer), await balance(seller)]).toEqual([1000, 1000]);

    platform.clock.advance(RETRY_BASE_MS);
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 1, failed: 0, pending: 0 });
    expect(await statusOf(buyer)).toEqual(['completed']);
    expect([await balance(buyer), await balance(seller)]).toEqual([900, 1090]);

    // The buyer comes back later, with a fresh access token.
    const refreshed = await platform.app.inject({
      method: 'POST',
      url: '/calos/api/auth/refresh',
      payload: { refresh_token: buyer.refreshToken },
    });
    const retry = await platform.app.inject({
      method: 'POST',
      url: `/recipes/api/market/listings/${listingId}/purchase`,
      headers: { authorization: `Bearer ${refreshed.json().access_token}`, 'idempotency-key': 'lost-1' },
    });
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toMatchObject({ status: 'completed', price: 100 });
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 0 });
    expect([await balance(buyer), await balance(seller)]).toEqual([900, 1090]);
  });

  it('completes a purchase whose transfer went through before its answer was lost, without paying twice', async () => {
    const [seller, buyer] = [await user(), await user()];
    const listingId = await listing(seller, 100);
    await expect(unreachable.purchase(buyer.userId, listingId, 'lost-2')).rejects.toThrow();
    // Identity had moved the credits under the purchase's key; only the answer never came back.
    await identity().credits.transfer({
      fromUserId: buyer.userId,
      toUserId: seller.userId,
      amount: 100,
      idempotencyKey: 'recipes:market:lost-2',
      reference: `recipes:listing:${listingId}`,
      reason: 'HowToCookAtHome recipe book: Soups',
    });
    expect(await balance(buyer)).toBe(900);

    const housekeeping = createRecipesHousekeeping(
      { db: platform.databases.get('recipes'), logger, now: () => platform.clock.now() },
      { settlePendingPurchases: () => reachable.settlePendingPurchases(0) },
    );
    expect(await housekeeping.runOnce()).toMatchObject({ 'pending recipe book purchases settled': 1 });
    expect(await statusOf(buyer)).toEqual(['completed']);
    expect([await balance(buyer), await balance(seller)]).toEqual([900, 1090]);
  });

  it('completes a purchase paid before its answer was lost, after the seller’s account went: the buyer keeps the book', async () => {
    const [seller, buyer] = [await user(), await user()];
    const listingId = await listing(seller, 100);
    await expect(unreachable.purchase(buyer.userId, listingId, 'erased-paid')).rejects.toThrow();
    // Identity had moved the credits under the purchase's key; only the answer never came back.
    await identity().credits.transfer({
      fromUserId: buyer.userId,
      toUserId: seller.userId,
      amount: 100,
      idempotencyKey: 'recipes:market:erased-paid',
      reference: `recipes:listing:${listingId}`,
      reason: 'HowToCookAtHome recipe book: Soups',
    });
    await erase(seller);
    expect(await statusOf(buyer)).toEqual(['pending']);

    // The seller has no balance any more: identity still answers the transfer it made, and the
    // purchase is completed (naming nobody), never removed while paid.
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 1, failed: 0, pending: 0 });
    const { rows } = await platform.databases
      .get('recipes')
      .query(
        'SELECT status, seller_id, transfer_id IS NOT NULL AS paid FROM market_purchases WHERE buyer_id = $1',
        [buyer.userId],
      );
    expect(rows).toEqual([{ status: 'completed', seller_id: DELETED_USER_ID, paid: true }]);
    expect(await balance(buyer)).toBe(900);
    const [bought] = (await reachable.purchases(buyer.userId, {})).items;
    if (!bought) throw new Error('the settled purchase is missing');
    expect(await reachable.purchaseDetails(buyer.userId, bought.purchase_id)).toMatchObject({
      status: 'completed',
      item_source: 'listing',
      item: expect.objectContaining({ item_kind: 'cookbook' }),
    });
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 0 });
    expect(await balance(buyer)).toBe(900);
  });

  it('completes a paid purchase whose listing went, under the reference it was recorded with', async () => {
    const [seller, buyer] = [await user(), await user()];
    const listingId = await listing(seller, 100);
    await expect(unreachable.purchase(buyer.userId, listingId, 'listing-gone')).rejects.toThrow();
    await identity().credits.transfer({
      fromUserId: buyer.userId,
      toUserId: seller.userId,
      amount: 100,
      idempotencyKey: 'recipes:market:listing-gone',
      reference: `recipes:listing:${listingId}`,
      reason: 'HowToCookAtHome recipe book: Soups',
    });
    // The listing went (its purchase was pending, so nothing kept it): the record names none.
    await platform.databases
      .get('recipes')
      .query('DELETE FROM market_listings WHERE listing_id = $1', [listingId]);
    // Paid for a book nobody can give any more: completed, then given back at once, never lost.
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 1, pending: 0 });
    expect(await statusOf(buyer)).toEqual(['refunded']);
    expect([await balance(buyer), await balance(seller)]).toEqual([1000, 1000]);
  });

  it('gives a paid purchase whose listing went back once identity is back, trying less often meanwhile, the first attempt at once', async () => {
    const [seller, buyer] = [await user(), await user()];
    const listingId = await listing(seller, 100);
    await expect(unreachable.purchase(buyer.userId, listingId, 'give-back')).rejects.toThrow();
    const db = platform.databases.get('recipes');
    // The sweep could not pay it at first: a failed attempt to pay, the next in 5 minutes.
    expect(await unreachable.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 1 });
    await identity().credits.transfer({
      fromUserId: buyer.userId,
      toUserId: seller.userId,
      amount: 100,
      idempotencyKey: 'recipes:market:give-back',
      reference: `recipes:listing:${listingId}`,
      reason: 'HowToCookAtHome recipe book: Soups',
    });
    await db.query('DELETE FROM market_listings WHERE listing_id = $1', [listingId]);
    const real = identity();
    const away: IdentityClient = {
      ...real,
      credits: {
        ...real.credits,
        refundTransfer: async () => {
          throw new AppError(503, 'IDENTITY_AWAY', 'identity went away');
        },
      },
    };
    const lines: Record<string, unknown>[] = [];
    const market = createMarketService({
      db,
      logger: createLogger({ logLevel: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }),
      now: () => platform.clock.now(),
      identity: () => away,
    } as RecipesDeps);
    const logged = () => lines.filter((line) => String(line.msg).includes('not given back yet'));
    const retries = async () =>
      (
        await db.query<{ attempts: number; wait_ms: number; last_error_code: string }>(
          `SELECT attempts, (extract(epoch FROM next_attempt_at - last_attempt_at) * 1000)::int AS wait_ms,
                  last_error_code
           FROM market_purchases WHERE buyer_id = $1`,
          [buyer.userId],
        )
      ).rows[0];

    platform.clock.advance(RETRY_BASE_MS);
    // Paid now, its book gone with its listing: given back at once, which fails. Its attempts
    // start again with the new step, so the next waits 5 minutes, not 10.
    expect(await market.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 1 });
    expect(await statusOf(buyer)).toEqual(['completed']);
    expect(await retries()).toEqual({
      attempts: 1,
      wait_ms: RETRY_BASE_MS,
      last_error_code: 'IDENTITY_AWAY',
    });
    expect(logged()).toEqual([expect.objectContaining({ code: 'IDENTITY_AWAY', attempt: 1 })]);
    // Not due: left alone, nothing logged.
    platform.clock.advance(RETRY_BASE_MS - 1_000);
    expect(await market.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 0 });
    expect(logged()).toHaveLength(1);
    platform.clock.advance(1_000);
    expect(await market.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 1 });
    expect(await retries()).toEqual({
      attempts: 2,
      wait_ms: 2 * RETRY_BASE_MS,
      last_error_code: 'IDENTITY_AWAY',
    });
    expect(logged()).toHaveLength(2);

    // Identity back, once the attempt is due: given back, once.
    platform.clock.advance(2 * RETRY_BASE_MS);
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 1, pending: 0 });
    expect(await statusOf(buyer)).toEqual(['refunded']);
    expect([await balance(buyer), await balance(seller)]).toEqual([1000, 1000]);
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 0 });
  });

  it('shows staff a purchase stuck pending with the book being bought, past the grace period the app is given', async () => {
    const [seller, buyer] = [await user(), await user()];
    const listingId = await listing(seller, 100);
    const book = (await reachable.get(seller.userId, listingId)).item;
    await expect(unreachable.purchase(buyer.userId, listingId, 'stuck-book')).rejects.toThrow();
    const market = createMarketService({
      db: platform.databases.get('recipes'),
      logger,
      now: () => platform.clock.now(),
      identity: () => identity(),
      marketPendingGraceMs: 5 * 60_000,
    } as RecipesDeps);
    const stuck = async () =>
      (await market.report(platform.clock.now(), 200)).stuck.purchases.filter(
        (p) => p.buyer.user_id === buyer.userId,
      );
    // Past the default 2 minutes, within the app's 5.
    platform.clock.advance(3 * 60_000);
    expect(await stuck()).toEqual([]);
    expect(await market.settlePendingPurchases()).toEqual({ completed: 0, failed: 0, pending: 0 });
    platform.clock.advance(2 * 60_000);
    expect(await stuck()).toEqual([
      expect.objectContaining({
        listing_id: listingId,
        item_kind: 'cookbook',
        cookbook_id: book?.cookbook_id,
        title: 'Soups',
        price: 100,
        attempts: 0,
        buyer: { user_id: buyer.userId, username: buyer.username },
      }),
    ]);
    expect(book?.cookbook_id).toEqual(expect.any(String));
    // test/market-refund.test.ts reads it through the route, as the console does.
    expect(await market.settlePendingPurchases()).toEqual({ completed: 1, failed: 0, pending: 0 });
    expect(await stuck()).toEqual([]);
  });

  it('removes a purchase never paid once its seller’s account was erased, charging nothing', async () => {
    const [seller, buyer] = [await user(), await user()];
    const listingId = await listing(seller, 100);
    await expect(unreachable.purchase(buyer.userId, listingId, 'erased-unpaid')).rejects.toThrow();
    await erase(seller);
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 1, pending: 0 });
    expect(await statusOf(buyer)).toEqual([]);
    expect(await balance(buyer)).toBe(1000);
  });

  it('removes a pending purchase identity refuses (the balance no longer holds it), charging nothing', async () => {
    const [seller, buyer, other] = [await user(), await user(), await user()];
    const listingId = await listing(seller, 100);
    await expect(unreachable.purchase(buyer.userId, listingId, 'lost-3')).rejects.toThrow();
    // Meanwhile the buyer spent almost everything elsewhere.
    await identity().credits.transfer({
      fromUserId: buyer.userId,
      toUserId: other.userId,
      amount: 950,
      idempotencyKey: 'elsewhere',
      reference: 'test:elsewhere',
      reason: 'Spent elsewhere',
    });
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 1, pending: 0 });
    expect(await statusOf(buyer)).toEqual([]);
    expect([await balance(buyer), await balance(seller)]).toEqual([50, 1000]);
  });

  it('gives a paid purchase back when the record and the listing (the book’s only door) went meanwhile', async () => {
    const [seller, buyer] = [await user(), await user()];
    const listingId = await listing(seller, 60);
    await expect(unreachable.purchase(buyer.userId, listingId, 'gone-1')).rejects.toThrow();
    const db = platform.databases.get('recipes');
    const real = identity();
    // While identity pays, a request under the same key was refused and took the record back,
    // and the listing went (as the seller's erasure takes it).
    const slow: IdentityClient = {
      ...real,
      credits: {
        ...real.credits,
        transfer: async (input) => {
          await db.query('DELETE FROM market_purchases WHERE buyer_id = $1', [buyer.userId]);
          await db.query('DELETE FROM market_listings WHERE listing_id = $1', [listingId]);
          return real.credits.transfer(input);
        },
      },
    };

    const market = createMarketService({
      db,
      logger,
      now: () => platform.clock.now(),
      identity: () => slow,
    } as RecipesDeps);
    // Without its listing nothing gives the buyer the book: the credits go back at once, and the
    // buyer sees a purchase refunded, not one paid for nothing.
    expect(await market.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 1, pending: 0 });
    const { rows } = await db.query(
      'SELECT status, listing_id, transfer_id IS NOT NULL AS paid, refund_reason FROM market_purchases WHERE buyer_id = $1',
      [buyer.userId],
    );
    expect(rows).toEqual([
      { status: 'refunded', listing_id: null, paid: true, refund_reason: expect.stringContaining('deleted') },
    ]);
    expect([await balance(buyer), await balance(seller)]).toEqual([1000, 1000]);
    const [bought] = (await market.purchases(buyer.userId, {})).items;
    expect(bought).toMatchObject({ status: 'refunded', cookbook_id: null, price: 60 });
    // Again (a retry, the next sweep): nothing more moves.
    expect(await market.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 0 });
    expect(await balance(buyer)).toBe(1000);
  });
});

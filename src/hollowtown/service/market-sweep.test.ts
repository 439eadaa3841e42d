// Purchases left pending when identity could not be reached: Hollowtown's housekeeping runs the
// transfer again under the purchase's key, so one whose credits moved is completed (paid once),
// one never paid is paid now or, refused, removed; identity still away leaves it pending.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { freePort } from '../../../test/support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import type { IdentityClient } from '../../identity/client.ts';
import { createIdentityHttpClient } from '../../identity/client.ts';
import { AppError } from '../../platform/errors.ts';
import { ClientRegistry } from '../../platform/http/service.ts';
import { createLogger } from '../../platform/logger.ts';
import { RETRY_BASE_MS, RETRY_MAX_MS } from '../../platform/market/service.ts';
import type { HollowtownClient } from '../client.ts';
import { NO_LINKS } from '../links.ts';
import { createHollowtownHousekeeping } from './housekeeping.ts';
import { createMarketService, type MarketService } from './market.ts';

describe.each(testEngines())('pending marketplace purchases on %s', (engine) => {
  let platform: TestPlatform;
  let reachable: MarketService;
  /** The same market with identity at an address where nothing answers. */
  let unreachable: MarketService;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'hollowtown'] });
    const market = (clients: ClientRegistry) =>
      createMarketService({
        db: platform.databases.get('hollowtown'),
        logger: createLogger({ logLevel: 'silent' }),
        clients,
        links: NO_LINKS,
        now: () => platform.clock.now(),
      });
    reachable = market(platform.clients);
    const away = new ClientRegistry();
    away.register(
      'identity',
      createIdentityHttpClient(
        `http://127.0.0.1:${await freePort()}`,
        'a-service-token-that-is-long-enough-0123',
      ),
    );
    unreachable = market(away);
  });
  afterAll(() => platform.close());

  const user = () => given(platform).user();
  const identity = () => platform.clients.get<IdentityClient>('identity');
  const balance = async (who: TestUser) => (await identity().credits.balance(who.userId)).balance;
  const statusOf = async (buyer: TestUser) => {
    const { rows } = await platform.databases
      .get('hollowtown')
      .query<{ status: string }>('SELECT status FROM market_purchases WHERE buyer_id = $1', [buyer.userId]);
    return rows.map((r) => r.status);
  };
  /** The market with identity's transfer doing `meanwhile` first (what happens while it pays). */
  function marketWhile(
    meanwhile: () => Promise<void>,
    refundTransfer?: IdentityClient['credits']['refundTransfer'],
    logger = createLogger({ logLevel: 'silent' }),
  ): MarketService {
    const real = identity();
    const slow: IdentityClient = {
      ...real,
      credits: {
        ...real.credits,
        transfer: async (input) => {
          await meanwhile();
          return real.credits.transfer(input);
        },
        refundTransfer: refundTransfer ?? real.credits.refundTransfer,
      },
    };
    const clients = new ClientRegistry();
    clients.register('identity', slow);
    return createMarketService({
      db: platform.databases.get('hollowtown'),
      logger,
      clients,
      links: NO_LINKS,
      now: () => platform.clock.now(),
    });
  }

  /** A logger whose lines the test reads. */
  function capturedLogger() {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger(
      { logLevel: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );
    return { logger, lines };
  }

  /** A purchase's retry columns: attempts, the wait before the next, and why the last failed. */
  async function retriesOf(buyer: TestUser) {
    const { rows } = await platform.databases.get('hollowtown').query<{
      attempts: number;
      wait_ms: number | null;
      last_error_code: string | null;
    }>(
      `SELECT attempts, (extract(epoch FROM next_attempt_at - last_attempt_at) * 1000)::int AS wait_ms,
              last_error_code
       FROM market_purchases WHERE buyer_id = $1`,
      [buyer.userId],
    );
    return rows[0];
  }

  async function listing(seller: TestUser, price: number) {
    const plan = await platform.app.inject({
      method: 'POST',
      url: '/hollowtown/api/haunted-house/plans',
      headers: seller.headers,
      payload: { room_name: 'Fog tunnel', scare_level: 7 },
    });
    const listed = await platform.app.inject({
      method: 'POST',
      url: '/hollowtown/api/market/listings',
      headers: seller.headers,
      payload: { item_kind: 'plan', item_id: plan.json().plan_id, price },
    });
    expect(listed.statusCode, listed.body).toBe(201);
    return listed.json().listing_id as string;
  }

  /** Erases the seller's account and waits until Hollowtown applied it (their items gone). */
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
      await platform.clients.get<HollowtownClient>('hollowtown').syncIdentityEvents();
      const { rows } = await platform.databases
        .get('hollowtown')
        .query<{ n: number }>('SELECT count(*)::int AS n FROM haunted_house_plans WHERE user_id = $1', [
          seller.userId,
        ]);
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
      url: `/hollowtown/api/market/listings/${listingId}/purchase`,
      headers: { authorization: `Bearer ${refreshed.json().access_token}`, 'idempotency-key': 'lost-1' },
    });
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toMatchObject({ status: 'completed', price: 100 });
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 0 });
    expect([await balance(buyer), await balance(seller)]).toEqual([900, 1090]);
  });

  it("gives a purchase the sweep settles its copy of the item, which the buyer reads once the seller's account is erased", async () => {
    const [seller, buyer] = [await user(), await user()];
    const listingId = await listing(seller, 100);
    await expect(unreachable.purchase(buyer.userId, listingId, 'lost-copy')).rejects.toThrow();
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 1, failed: 0, pending: 0 });
    const [purchase] = (await reachable.purchases(buyer.userId, {})).items;
    if (!purchase) throw new Error('the settled purchase is missing');
    const live = await reachable.purchaseDetails(buyer.userId, purchase.purchase_id);
    expect(live).toMatchObject({ status: 'completed', item_source: 'listing' });
    expect(live.item).toMatchObject({ item_kind: 'plan', room_name: 'Fog tunnel', scare_level: 7 });

    const deleted = await platform.app.inject({
      method: 'DELETE',
      url: '/calos/api/account',
      headers: seller.headers,
      payload: { password: seller.password },
    });
    expect(deleted.statusCode, deleted.body).toBe(204);
    const deadline = Date.now() + 10_000;
    while ((await reachable.purchaseDetails(buyer.userId, purchase.purchase_id)).item_source !== 'copy') {
      if (Date.now() > deadline) throw new Error('user.deleted was not applied in time');
      await platform.clients.get<HollowtownClient>('hollowtown').syncIdentityEvents();
    }
    const kept = await reachable.purchaseDetails(buyer.userId, purchase.purchase_id);
    expect(kept.item).toEqual(live.item);
    await expect(reachable.purchaseDetails(seller.userId, purchase.purchase_id)).rejects.toMatchObject({
      code: 'PURCHASE_NOT_FOUND',
    });
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
      idempotencyKey: 'hollowtown:market:lost-2',
      reference: `hollowtown:listing:${listingId}`,
      reason: 'Hollowtown market: Fog tunnel',
    });
    expect(await balance(buyer)).toBe(900);

    const housekeeping = createHollowtownHousekeeping(
      {
        db: platform.databases.get('hollowtown'),
        logger: createLogger({ logLevel: 'silent' }),
        now: () => platform.clock.now(),
      },
      { settlePendingPurchases: () => reachable.settlePendingPurchases(0) },
    );
    expect(await housekeeping.runOnce()).toMatchObject({ 'pending marketplace purchases settled': 1 });
    expect(await statusOf(buyer)).toEqual(['completed']);
    expect([await balance(buyer), await balance(seller)]).toEqual([900, 1090]);
  });

  it('completes a purchase paid before its answer was lost, after the seller’s account and the listing went: the buyer keeps their copy', async () => {
    const [seller, buyer] = [await user(), await user()];
    const listingId = await listing(seller, 100);
    await expect(unreachable.purchase(buyer.userId, listingId, 'erased-paid')).rejects.toThrow();
    // Identity had moved the credits under the purchase's key; only the answer never came back.
    await identity().credits.transfer({
      fromUserId: buyer.userId,
      toUserId: seller.userId,
      amount: 100,
      idempotencyKey: 'hollowtown:market:erased-paid',
      reference: `hollowtown:listing:${listingId}`,
      reason: 'Hollowtown market: Fog tunnel',
    });
    await erase(seller);
    const db = platform.databases.get('hollowtown');
    const pending = await db.query('SELECT status, listing_id FROM market_purchases WHERE buyer_id = $1', [
      buyer.userId,
    ]);
    expect(pending.rows).toEqual([{ status: 'pending', listing_id: null }]);

    // The seller has no balance any more and the listing is gone: identity still answers the
    // transfer it made, and the purchase is completed, never removed while paid.
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 1, failed: 0, pending: 0 });
    const { rows } = await db.query(
      'SELECT status, listing_id, seller_id, transfer_id IS NOT NULL AS paid FROM market_purchases WHERE buyer_id = $1',
      [buyer.userId],
    );
    expect(rows).toEqual([{ status: 'completed', listing_id: null, seller_id: null, paid: true }]);
    expect(await balance(buyer)).toBe(900);
    const [bought] = (await reachable.purchases(buyer.userId, {})).items;
    if (!bought) throw new Error('the settled purchase is missing');
    const details = await reachable.purchaseDetails(buyer.userId, bought.purchase_id);
    expect(details).toMatchObject({ status: 'completed', item_source: 'copy' });
    expect(details.item).toMatchObject({ item_kind: 'plan', room_name: 'Fog tunnel', scare_level: 7 });
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 0 });
    expect(await balance(buyer)).toBe(900);
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

  it('never removes a pending purchase whose key holds a transfer that does not match it: it waits for people', async () => {
    const [seller, buyer] = [await user(), await user()];
    const listingId = await listing(seller, 100);
    await expect(unreachable.purchase(buyer.userId, listingId, 'mismatch')).rejects.toThrow();
    // Credits moved under the purchase's key for something else (never by this market): what was
    // paid is unclear, so the record stays.
    await identity().credits.transfer({
      fromUserId: buyer.userId,
      toUserId: seller.userId,
      amount: 99,
      idempotencyKey: 'hollowtown:market:mismatch',
      reference: `hollowtown:listing:${listingId}`,
      reason: 'Hollowtown market: Fog tunnel',
    });
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 1 });
    expect(await statusOf(buyer)).toEqual(['pending']);
    expect(await balance(buyer)).toBe(901);
    // People looked at it (and the rounds of the tests below count only their own).
    await platform.databases
      .get('hollowtown')
      .query('DELETE FROM market_purchases WHERE buyer_id = $1', [buyer.userId]);
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

  it('records a paid purchase again without its listing, with the buyer’s copy of the item, when the record and the listing went meanwhile', async () => {
    const [seller, buyer] = [await user(), await user()];
    const listingId = await listing(seller, 60);
    await expect(unreachable.purchase(buyer.userId, listingId, 'gone-1')).rejects.toThrow();
    const db = platform.databases.get('hollowtown');
    // While identity pays, a request under the same key was refused and took the record back,
    // and the listing went (as the seller's erasure takes it).
    const market = marketWhile(async () => {
      await db.query('DELETE FROM market_purchases WHERE buyer_id = $1', [buyer.userId]);
      await db.query('DELETE FROM market_listings WHERE listing_id = $1', [listingId]);
    });
    expect(await market.settlePendingPurchases(0)).toEqual({ completed: 1, failed: 0, pending: 0 });
    const { rows } = await db.query(
      'SELECT status, listing_id, seller_id, transfer_id IS NOT NULL AS paid FROM market_purchases WHERE buyer_id = $1',
      [buyer.userId],
    );
    expect(rows).toEqual([{ status: 'completed', listing_id: null, seller_id: null, paid: true }]);
    expect(await balance(buyer)).toBe(940);
    // The buyer keeps what they paid for: a copy taken from the plan itself, which is still there.
    const [bought] = (await market.purchases(buyer.userId, {})).items;
    if (!bought) throw new Error('the purchase recorded again is missing');
    const details = await market.purchaseDetails(buyer.userId, bought.purchase_id);
    expect(details).toMatchObject({ status: 'completed', item_source: 'copy' });
    expect(details.item).toMatchObject({ item_kind: 'plan', room_name: 'Fog tunnel', scare_level: 7 });
  });

  it('gives a paid purchase back when the record, the listing and the item itself went meanwhile', async () => {
    const [seller, buyer] = [await user(), await user()];
    const listingId = await listing(seller, 60);
    await expect(unreachable.purchase(buyer.userId, listingId, 'gone-2')).rejects.toThrow();
    const db = platform.databases.get('hollowtown');
    // While identity pays, a request under the same key was refused and took the record back,
    // and the seller deleted the plan (nobody held it then), its listing with it.
    const market = marketWhile(async () => {
      await db.query('DELETE FROM market_purchases WHERE buyer_id = $1', [buyer.userId]);
      const deleted = await db.query(
        'DELETE FROM haunted_house_plans WHERE plan_id = (SELECT plan_id FROM market_listings WHERE listing_id = $1)',
        [listingId],
      );
      expect(deleted.rowCount).toBe(1);
    });
    // Nothing is left to give the buyer: the credits go back at once, both sides, and the buyer
    // sees a purchase refunded rather than one paid for nothing.
    expect(await market.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 1, pending: 0 });
    const { rows } = await db.query(
      `SELECT status, listing_id, item_snapshot IS NULL AS no_copy, transfer_id IS NOT NULL AS paid, refund_reason
       FROM market_purchases WHERE buyer_id = $1`,
      [buyer.userId],
    );
    expect(rows).toEqual([
      { status: 'refunded', listing_id: null, no_copy: true, paid: true, refund_reason: expect.any(String) },
    ]);
    expect([await balance(buyer), await balance(seller)]).toEqual([1000, 1000]);
    const [bought] = (await market.purchases(buyer.userId, {})).items;
    if (!bought) throw new Error('the purchase given back is missing');
    expect(bought).toMatchObject({ status: 'refunded', price: 60 });
    expect(await market.purchaseDetails(buyer.userId, bought.purchase_id)).toMatchObject({
      item: null,
      item_source: null,
    });
    expect(await market.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 0 });
    expect(await balance(buyer)).toBe(1000);
  });

  it('gives a purchase paid for a gone item back once identity is back, trying less often meanwhile and logging each attempt once', async () => {
    const [seller, buyer] = [await user(), await user()];
    const listingId = await listing(seller, 70);
    await expect(unreachable.purchase(buyer.userId, listingId, 'gone-3')).rejects.toThrow();
    const db = platform.databases.get('hollowtown');
    const { logger, lines } = capturedLogger();
    const market = marketWhile(
      async () => {
        await db.query('DELETE FROM market_purchases WHERE buyer_id = $1', [buyer.userId]);
        await db.query(
          'DELETE FROM haunted_house_plans WHERE plan_id = (SELECT plan_id FROM market_listings WHERE listing_id = $1)',
          [listingId],
        );
      },
      async () => {
        throw new AppError(503, 'IDENTITY_AWAY', 'identity went away');
      },
      logger,
    );
    const logged = () => lines.filter((line) => String(line.msg).includes('not given back yet'));
    // Paid, nothing to give, and the way back unreachable: tried at once, recorded paid with the
    // failed attempt, and logged once with why.
    expect(await market.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 1 });
    expect(await statusOf(buyer)).toEqual(['completed']);
    expect(await balance(buyer)).toBe(930);
    expect(await retriesOf(buyer)).toEqual({
      attempts: 1,
      wait_ms: RETRY_BASE_MS,
      last_error_code: 'IDENTITY_AWAY',
    });
    expect(logged()).toEqual([
      expect.objectContaining({ level: 40, code: 'IDENTITY_AWAY', reason: 'identity went away', attempt: 1 }),
    ]);

    // Identity stays away: rounds before the next attempt is due leave it alone and say nothing;
    // each due attempt is logged once, and the wait doubles.
    for (const [index, wait] of [5, 10, 20].map((minutes) => minutes * 60_000).entries()) {
      expect(await market.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 0 });
      platform.clock.advance(wait - 1_000);
      expect(await market.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 0 });
      expect(logged()).toHaveLength(index + 1);
      platform.clock.advance(1_000);
      expect(await market.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 1 });
      expect(await retriesOf(buyer)).toEqual({
        attempts: index + 2,
        wait_ms: wait * 2,
        last_error_code: 'IDENTITY_AWAY',
      });
      expect(logged()).toHaveLength(index + 2);
      expect(logged().at(-1)).toMatchObject({ code: 'IDENTITY_AWAY', attempt: index + 2 });
    }
    expect(await statusOf(buyer)).toEqual(['completed']);

    // Identity back: not before the attempt is due, then given back, once.
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 0 });
    platform.clock.advance(40 * 60_000);
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 1, pending: 0 });
    expect(await statusOf(buyer)).toEqual(['refunded']);
    expect([await balance(buyer), await balance(seller)]).toEqual([1000, 1000]);
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 0 });
    expect(await balance(buyer)).toBe(1000);
  });

  it('keeps a paid purchase whose give-back identity refuses as paid and pending its next attempt, never counted removed', async () => {
    const [seller, buyer] = [await user(), await user()];
    const listingId = await listing(seller, 50);
    await expect(unreachable.purchase(buyer.userId, listingId, 'gone-refused')).rejects.toThrow();
    const db = platform.databases.get('hollowtown');
    const market = marketWhile(
      async () => {
        await db.query('DELETE FROM market_purchases WHERE buyer_id = $1', [buyer.userId]);
        await db.query(
          'DELETE FROM haunted_house_plans WHERE plan_id = (SELECT plan_id FROM market_listings WHERE listing_id = $1)',
          [listingId],
        );
      },
      async () => {
        throw new AppError(409, 'TRANSFER_REFUND_REFUSED', 'the seller no longer holds it');
      },
    );
    expect(await market.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 1 });
    expect(await statusOf(buyer)).toEqual(['completed']);
    expect(await retriesOf(buyer)).toEqual({
      attempts: 1,
      wait_ms: RETRY_BASE_MS,
      last_error_code: 'TRANSFER_REFUND_REFUSED',
    });
    platform.clock.advance(RETRY_BASE_MS);
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 1, pending: 0 });
    expect(await statusOf(buyer)).toEqual(['refunded']);
    expect(await balance(buyer)).toBe(1000);
  });

  it('gives back at once a paid purchase without its item that was never tried (recorded so before the rule)', async () => {
    const [seller, buyer] = [await user(), await user()];
    const listingId = await listing(seller, 40);
    const bought = await reachable.purchase(buyer.userId, listingId, 'legacy-1');
    expect(bought.purchase.status).toBe('completed');
    // As a purchase recorded before paid purchases without their item were given back at once:
    // paid, its listing and copy gone, never tried.
    const db = platform.databases.get('hollowtown');
    await db.query(
      'UPDATE market_purchases SET item_snapshot = NULL, listing_id = NULL WHERE buyer_id = $1',
      [buyer.userId],
    );
    expect(await reachable.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 1, pending: 0 });
    expect(await statusOf(buyer)).toEqual(['refunded']);
    expect(await balance(buyer)).toBe(1000);
  });

  it('waits the grace period the app is given before settling a pending purchase or counting it stuck', async () => {
    const [seller, buyer] = [await user(), await user()];
    const listingId = await listing(seller, 100);
    await expect(unreachable.purchase(buyer.userId, listingId, 'grace')).rejects.toThrow();
    const market = createMarketService({
      db: platform.databases.get('hollowtown'),
      logger: createLogger({ logLevel: 'silent' }),
      clients: platform.clients,
      links: NO_LINKS,
      now: () => platform.clock.now(),
      marketPendingGraceMs: 10 * 60_000,
    });
    const isStuck = async () =>
      (await market.report(platform.clock.now(), 200)).stuck.purchases.some(
        (p) => p.buyer.user_id === buyer.userId,
      );
    // Past the default 2 minutes, within the app's 10.
    platform.clock.advance(5 * 60_000);
    expect(await isStuck()).toBe(false);
    expect(await market.settlePendingPurchases()).toEqual({ completed: 0, failed: 0, pending: 0 });
    expect(await statusOf(buyer)).toEqual(['pending']);
    platform.clock.advance(5 * 60_000);
    expect(await isStuck()).toBe(true);
    expect(await market.settlePendingPurchases()).toEqual({ completed: 1, failed: 0, pending: 0 });
    expect(await statusOf(buyer)).toEqual(['completed']);
  });

  // Last in this file: it moves the clock hours on.
  it('retries a purchase stuck on a 409 less often each time, logs each attempt once with its reason, and shows it to staff', async () => {
    const [seller, buyer] = [await user(), await user()];
    const listingId = await listing(seller, 100);
    await expect(unreachable.purchase(buyer.userId, listingId, 'stuck')).rejects.toThrow();
    // Credits moved under the purchase's key for something else: identity answers 409 for good.
    await identity().credits.transfer({
      fromUserId: buyer.userId,
      toUserId: seller.userId,
      amount: 99,
      idempotencyKey: 'hollowtown:market:stuck',
      reference: `hollowtown:listing:${listingId}`,
      reason: 'Hollowtown market: Fog tunnel',
    });
    const db = platform.databases.get('hollowtown');
    const [{ purchase_id: purchaseId }] = (
      await db.query<{ purchase_id: string }>(
        'SELECT purchase_id FROM market_purchases WHERE buyer_id = $1',
        [buyer.userId],
      )
    ).rows as [{ purchase_id: string }];
    const lines: {
      level: number;
      msg: string;
      purchaseId?: string;
      code?: string;
      reason?: string;
      attempt?: number;
    }[] = [];
    const market = createMarketService({
      db,
      logger: createLogger({ logLevel: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }),
      clients: platform.clients,
      links: NO_LINKS,
      now: () => platform.clock.now(),
    });
    const logged = () => lines.filter((line) => line.purchaseId === purchaseId);
    const retries = async () =>
      (
        await db.query<{ attempts: number; wait_ms: number; last_error_code: string; last_error: string }>(
          `SELECT attempts, (extract(epoch FROM next_attempt_at - last_attempt_at) * 1000)::int AS wait_ms,
                  last_error_code, last_error
           FROM market_purchases WHERE purchase_id = $1`,
          [purchaseId],
        )
      ).rows[0];

    const waits = [5, 10, 20, 40, 60, 60].map((minutes) => minutes * 60_000);
    expect(waits[0]).toBe(RETRY_BASE_MS);
    expect(waits.at(-1)).toBe(RETRY_MAX_MS);
    for (const [index, wait] of waits.entries()) {
      expect(await market.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 1 });
      expect(await retries()).toEqual({
        attempts: index + 1,
        wait_ms: wait,
        last_error_code: 'IDEMPOTENCY_KEY_REUSED',
        last_error: expect.stringMatching(/\S/),
      });
      // Logged once for this attempt, as an error (people must look), with why.
      expect(logged()).toHaveLength(index + 1);
      expect(logged().at(-1)).toMatchObject({
        level: 50,
        code: 'IDEMPOTENCY_KEY_REUSED',
        attempt: index + 1,
      });
      expect(logged().at(-1)?.reason).toBeTruthy();
      // Rounds before the next attempt is due leave it alone, and say nothing.
      expect(await market.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 0 });
      platform.clock.advance(wait - 1_000);
      expect(await market.settlePendingPurchases(0)).toEqual({ completed: 0, failed: 0, pending: 0 });
      expect(logged()).toHaveLength(index + 1);
      platform.clock.advance(1_000);
    }
    expect(await statusOf(buyer)).toEqual(['pending']);
    expect(await balance(buyer)).toBe(901);

    // The console's report (GET /api/admin/market) lists it for staff, however old, with the
    // attempts and the reason.
    const report = await market.report(new Date(platform.clock.now().getTime() - 60_000), 50);
    expect(report.purchases).toEqual([]);
    expect(report.stuck.count).toBeGreaterThanOrEqual(1);
    expect(report.stuck.purchases).toContainEqual(
      expect.objectContaining({
        purchase_id: purchaseId,
        item_kind: 'plan',
        title: 'Fog tunnel',
        price: 100,
        attempts: waits.length,
        last_error_code: 'IDEMPOTENCY_KEY_REUSED',
        buyer: { user_id: buyer.userId, username: buyer.username },
        seller: { user_id: seller.userId, username: seller.username },
      }),
    );
    await db.query('DELETE FROM market_purchases WHERE purchase_id = $1', [purchaseId]);
  });
});

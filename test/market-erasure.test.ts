// Buyers keep what they bought: once a seller's account is erased (identity's user.deleted),
// their listings and items go, their sales name nobody, and each buyer still reads the whole item
// from their copy; others get 404, and a refund takes the copy away (after the erasure too: the
// buyer gets the whole price back, the platform absorbing the seller's share).
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HollowtownClient } from '../src/hollowtown/client.ts';
import { LIMITS } from '../src/hollowtown/service/limits.ts';
import type { IdentityClient } from '../src/identity/client.ts';
import { createStaffService } from '../src/identity/index.ts';
import { testEngines } from './support/engines.ts';
import { given, type TestUser } from './support/given.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

describe.each(testEngines())('marketplace purchases after the seller’s erasure on %s', (engine) => {
  let platform: TestPlatform;
  const inject = (options: InjectOptions) => platform.app.inject(options);
  const user = () => given(platform).user();

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'hollowtown'] });
  });
  afterAll(() => platform.close());

  async function planOf(owner: TestUser, room: string) {
    const response = await inject({
      method: 'POST',
      url: '/hollowtown/api/haunted-house/plans',
      headers: owner.headers,
      payload: {
        room_name: room,
        scare_level: 8,
        props_needed: [{ name: 'fog machine', quantity: 1 }],
        setup_instructions: ['Black out the windows.', 'Hide the fog machine under the table.'],
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().plan_id as string;
  }

  const list = (owner: TestUser, payload: Record<string, unknown>) =>
    inject({ method: 'POST', url: '/hollowtown/api/market/listings', headers: owner.headers, payload });

  const buy = (buyer: TestUser, listingId: string, key: string) =>
    inject({
      method: 'POST',
      url: `/hollowtown/api/market/listings/${listingId}/purchase`,
      headers: { ...buyer.headers, 'idempotency-key': key },
    });

  const show = (viewer: TestUser, listingId: string) =>
    inject({ method: 'GET', url: `/hollowtown/api/market/listings/${listingId}`, headers: viewer.headers });

  const details = (viewer: TestUser, purchaseId: string) =>
    inject({ method: 'GET', url: `/hollowtown/api/market/purchases/${purchaseId}`, headers: viewer.headers });

  /** Deletes the account in identity and waits until Hollowtown applied its user.deleted. */
  async function erase(who: TestUser) {
    const deleted = await inject({
      method: 'DELETE',
      url: '/calos/api/account',
      headers: who.headers,
      payload: { password: who.password },
    });
    expect(deleted.statusCode, deleted.body).toBe(204);
    const left = async () =>
      (
        await platform.databases
          .get('hollowtown')
          .query<{ n: number }>(
            'SELECT (SELECT count(*) FROM haunted_house_plans WHERE user_id = $1) + (SELECT count(*) FROM costume_ideas WHERE user_id = $1) AS n',
            [who.userId],
          )
      ).rows[0]?.n;
    const deadline = Date.now() + 10_000;
    for (;;) {
      await platform.clients.get<HollowtownClient>('hollowtown').syncIdentityEvents();
      if (Number(await left()) === 0) return;
      if (Date.now() > deadline) throw new Error('user.deleted was not applied in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it("keeps what buyers bought when the seller's account is erased: the whole item for them, 404 for others, none once refunded", async () => {
    const [seller, buyer, refunded, stranger, support] = [
      await user(),
      await user(),
      await user(),
      await user(),
      await user(),
    ];
    await createStaffService({
      db: platform.databases.get('identity'),
      now: () => platform.clock.now(),
    }).grant({ login: support.username, role: 'support', domain: 'hollowtown' }, { operator: 'test' });
    const planId = await planOf(seller, 'The drowned chapel');
    const planListing = (await list(seller, { item_kind: 'plan', item_id: planId, price: 50 })).json()
      .listing_id as string;
    const costume = await inject({
      method: 'POST',
      url: '/hollowtown/api/costumes',
      headers: seller.headers,
      payload: {
        costume_name: 'Plague doctor',
        description: 'Fold the beak from one sheet of felt.',
        difficulty: 'hard',
        materials: [{ name: 'black felt', quantity: 2, unit: 'm' }, { name: 'wide-brim hat' }],
        cost_estimate_cents: 4500,
        tags: ['historical'],
      },
    });
    const costumeListing = (
      await list(seller, { item_kind: 'costume', item_id: costume.json().costume_id, price: 30 })
    ).json().listing_id as string;

    const plan = (await buy(buyer, planListing, 'keep-plan')).json();
    const pattern = (await buy(buyer, costumeListing, 'keep-costume')).json();
    const other = (await buy(refunded, planListing, 'keep-refunded')).json();
    expect([plan.status, pattern.status, other.status]).toEqual(['completed', 'completed', 'completed']);

    // While the seller is here, buyers read their item as it is now: the seller's fix reaches them.
    const fixed = await inject({
      method: 'PATCH',
      url: `/hollowtown/api/haunted-house/plans/${planId}`,
      headers: seller.headers,
      payload: { setup_instructions: ['Flood the floor with dry ice.', 'Hang the bell rope.'] },
    });
    expect(fixed.statusCode, fixed.body).toBe(200);
    const live = await details(buyer, plan.purchase_id);
    expect(live.statusCode, live.body).toBe(200);
    expect(live.json()).toMatchObject({
      item_source: 'listing',
      item: {
        item_kind: 'plan',
        setup_instructions: ['Flood the floor with dry ice.', 'Hang the bell rope.'],
      },
    });
    const liveCostume = (await details(buyer, pattern.purchase_id)).json();
    expect(liveCostume.item).toMatchObject({ description: 'Fold the beak from one sheet of felt.' });

    // A refund ends the access and drops the copy.
    const refund = await inject({
      method: 'POST',
      url: `/hollowtown/api/market/purchases/${other.purchase_id}/refund`,
      headers: support.headers,
      payload: { reason: 'Bought by mistake' },
    });
    expect(refund.statusCode, refund.body).toBe(200);
    expect((await details(refunded, other.purchase_id)).json()).toMatchObject({
      status: 'refunded',
      item: null,
      item_source: null,
    });

    for (const [viewer, id] of [
      [stranger, plan.purchase_id],
      [seller, plan.purchase_id],
      [refunded, plan.purchase_id],
      [buyer, other.purchase_id],
      [buyer, 'not-an-id'],
    ] as const) {
      const refused = await details(viewer, id);
      expect([refused.statusCode, refused.json().error.code]).toEqual([404, 'PURCHASE_NOT_FOUND']);
    }

    await erase(seller);

    // The buyer reads the whole item they bought, exactly as they read it before the erasure.
    const kept = await details(buyer, plan.purchase_id);
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json()).toEqual({ ...live.json(), listing_id: null, item_source: 'copy' });
    const keptCostume = (await details(buyer, pattern.purchase_id)).json();
    expect(keptCostume).toEqual({ ...liveCostume, listing_id: null, item_source: 'copy' });
    // The seller's listings and items are gone for everyone, the buyer included.
    for (const viewer of [buyer, stranger]) {
      expect((await show(viewer, planListing)).statusCode).toBe(404);
      expect((await details(viewer === buyer ? stranger : buyer, other.purchase_id)).statusCode).toBe(404);
    }
    const item = await inject({
      method: 'GET',
      url: `/hollowtown/api/haunted-house/plans/${planId}`,
      headers: buyer.headers,
    });
    expect(item.statusCode).toBe(404);
    expect((await details(stranger, plan.purchase_id)).statusCode).toBe(404);
    // Nothing names the seller any more; the refunded purchase kept no copy.
    const { rows } = await platform.databases
      .get('hollowtown')
      .query<{ purchase_id: string; seller_id: string | null; has_copy: boolean }>(
        `SELECT purchase_id, seller_id, item_snapshot IS NOT NULL AS has_copy FROM market_purchases
         WHERE buyer_id = ANY($1::uuid[]) ORDER BY purchase_id`,
        [[buyer.userId, refunded.userId]],
      );
    expect(rows).toEqual(
      [plan.purchase_id, pattern.purchase_id, other.purchase_id].sort().map((id) => ({
        purchase_id: id,
        seller_id: null,
        has_copy: id !== other.purchase_id,
      })),
    );
    const mine = (
      await inject({ method: 'GET', url: '/hollowtown/api/market/purchases', headers: buyer.headers })
    ).json();
    expect(mine.items.map((p: { purchase_id: string }) => p.purchase_id).sort()).toEqual(
      [plan.purchase_id, pattern.purchase_id].sort(),
    );
  });

  it("refunds a purchase after the seller's account is erased: the buyer gets the whole price back", async () => {
    const [seller, buyer, support] = [await user(), await user(), await user()];
    await createStaffService({
      db: platform.databases.get('identity'),
      now: () => platform.clock.now(),
    }).grant({ login: support.username, role: 'support', domain: 'hollowtown' }, { operator: 'test' });
    const listed = (
      await list(seller, { item_kind: 'plan', item_id: await planOf(seller, 'Ossuary'), price: 80 })
    ).json().listing_id as string;
    const bought = (await buy(buyer, listed, 'gone-seller')).json();
    expect(bought.status).toBe('completed');
    const balance = async () =>
      (await platform.clients.get<IdentityClient>('identity').credits.balance(buyer.userId)).balance;
    expect(await balance()).toBe(920);

    await erase(seller);

    const refund = () =>
      inject({
        method: 'POST',
        url: `/hollowtown/api/market/purchases/${bought.purchase_id}/refund`,
        headers: support.headers,
        payload: { reason: 'The seller is gone' },
      });
    const first = await refund();
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ status: 'refunded', price: 80, fee: 8 });
    expect((await refund()).json()).toEqual(first.json());
    // The whole price: the seller's share (72) and the fee (8) both come from the platform.
    expect(await balance()).toBe(1000);
    expect((await details(buyer, bought.purchase_id)).json()).toMatchObject({
      status: 'refunded',
      item: null,
      item_source: null,
    });
  });

  it("keeps a plan at its own limits whole in the buyer's copy", async () => {
    const [seller, buyer] = [await user(), await user()];
    const long = (i: number) => `${i} ${'ü'.repeat(LIMITS.step - 2 - String(i).length)}"`;
    const made = await inject({
      method: 'POST',
      url: '/hollowtown/api/haunted-house/plans',
      headers: seller.headers,
      payload: {
        room_name: 'R'.repeat(LIMITS.name),
        scare_level: 10,
        props_needed: Array.from({ length: LIMITS.props }, (_, i) => ({
          name: `${i} ${'p'.repeat(LIMITS.itemName - 2 - String(i).length)}`,
          quantity: LIMITS.propQuantity,
          note: 'n'.repeat(LIMITS.note),
        })),
        setup_instructions: Array.from({ length: LIMITS.steps }, (_, i) => long(i)),
      },
    });
    expect(made.statusCode, made.body.slice(0, 300)).toBe(201);
    const listed = (await list(seller, { item_kind: 'plan', item_id: made.json().plan_id, price: 1 })).json();
    const bought = (await buy(buyer, listed.listing_id, 'big')).json();
    const before = (await details(buyer, bought.purchase_id)).json();
    expect(before.item.setup_instructions).toHaveLength(LIMITS.steps);

    await erase(seller);

    const after = (await details(buyer, bought.purchase_id)).json();
    expect(after.item_source).toBe('copy');
    expect(after.item).toEqual(before.item);
  });
});

import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';

describe.each(testEngines())('the Hollowtown marketplace on %s', (engine) => {
  let platform: TestPlatform;
  const inject = (options: InjectOptions) => platform.app.inject(options);
  const user = () => given(platform).user();

  beforeAll(async () => {
    // The default fee, 10 %.
    platform = await startTestPlatform(engine, { services: ['identity', 'hollowtown'] });
  });
  afterAll(() => platform.close());

  const balance = async (who: TestUser) =>
    (await inject({ method: 'GET', url: '/calos/api/credits/balance', headers: who.headers })).json()
      .balance as number;

  async function planOf(owner: TestUser, room = "The surgeon's parlour") {
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

  async function listing(owner: TestUser, price: number, room?: string) {
    const response = await list(owner, { item_kind: 'plan', item_id: await planOf(owner, room), price });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().listing_id as string;
  }

  const buy = (buyer: TestUser, listingId: string, key?: string) =>
    inject({
      method: 'POST',
      url: `/hollowtown/api/market/listings/${listingId}/purchase`,
      headers: key === undefined ? buyer.headers : { ...buyer.headers, 'idempotency-key': key },
    });

  const show = (viewer: TestUser, listingId: string) =>
    inject({ method: 'GET', url: `/hollowtown/api/market/listings/${listingId}`, headers: viewer.headers });

  const purchaseRows = async (listingId: string) =>
    Number(
      (
        await platform.databases
          .get('hollowtown')
          .query<{ n: number }>('SELECT count(*)::int AS n FROM market_purchases WHERE listing_id = $1', [
            listingId,
          ])
      ).rows[0]?.n,
    );

  it('lists a plan with a public preview, sells it once and gives the buyer the whole plan', async () => {
    const [seller, buyer, browser] = [await user(), await user(), await user()];
    const planId = await planOf(seller);
    const created = await list(seller, {
      item_kind: 'plan',
      item_id: planId,
      price: 125,
      summary: 'A parlour that makes guests scream',
    });
    expect(created.statusCode, created.body).toBe(201);
    const listingId = created.json().listing_id;
    expect(created.json()).toMatchObject({
      title: "The surgeon's parlour",
      price: 125,
      is_listed: true,
      is_mine: true,
      sales: 0,
      item: { item_kind: 'plan', plan_id: planId, setup_instructions: expect.any(Array) },
    });

    const before = await show(browser, listingId);
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({
      is_mine: false,
      is_purchased: false,
      preview: {
        item_kind: 'plan',
        room_name: "The surgeon's parlour",
        scare_level: 8,
        props_count: 1,
        steps_count: 2,
      },
      item: null,
    });
    const found = await inject({
      method: 'GET',
      url: '/hollowtown/api/market/listings?q=scream&kind=plan',
      headers: browser.headers,
    });
    expect(found.json().items.map((l: { listing_id: string }) => l.listing_id)).toContain(listingId);

    const bought = await buy(buyer, listingId, 'buy-parlour-1');
    expect(bought.statusCode, bought.body).toBe(201);
    // 10 % of 125 is 12.5: the platform takes 12, the seller receives 113.
    expect(bought.json()).toMatchObject({ listing_id: listingId, price: 125, fee: 12, seller_received: 113 });
    expect(await balance(buyer)).toBe(875);
    expect(await balance(seller)).toBe(1113);

    const after = (await show(buyer, listingId)).json();
    expect(after).toMatchObject({ is_purchased: true, sales: 1 });
    expect(after.item).toMatchObject({
      plan_id: planId,
      props_needed: [{ name: 'fog machine', quantity: 1, note: null }],
      setup_instructions: ['Black out the windows.', 'Hide the fog machine under the table.'],
    });

    // A retry answers the same purchase and pays nothing; another key for it is refused.
    const retry = await buy(buyer, listingId, 'buy-parlour-1');
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(bought.json());
    const twice = await buy(buyer, listingId, 'buy-parlour-2');
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'LISTING_ALREADY_PURCHASED']);
    expect(twice.json().error.details).toEqual({ purchase_id: bought.json().purchase_id });
    expect(await balance(buyer)).toBe(875);

    // The same key on another listing is not a retry.
    const other = await listing(seller, 10, 'Crypt');
    const reused = await buy(buyer, other, 'buy-parlour-1');
    expect([reused.statusCode, reused.json().error.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);

    const purchases = (
      await inject({ method: 'GET', url: '/hollowtown/api/market/purchases', headers: buyer.headers })
    ).json();
    expect(purchases.items).toEqual([bought.json()]);
    const sales = (
      await inject({ method: 'GET', url: '/hollowtown/api/market/sales', headers: seller.headers })
    ).json();
    expect(sales.items).toEqual([bought.json()]);
    expect(sales.totals).toEqual({ sales: 1, gross: 125, fees: 12, earned: 113 });
  });

  it('sells a costume idea: its preview for everyone, its materials and description for the buyer', async () => {
    const [seller, buyer, stranger] = [await user(), await user(), await user()];
    const made = await inject({
      method: 'POST',
      url: '/hollowtown/api/costumes',
      headers: seller.headers,
      payload: {
        costume_name: 'Cardboard robot',
        description: 'Cut the arm holes first.',
        difficulty: 'medium',
        materials: [{ name: 'cardboard boxes', quantity: 3 }, { name: 'foil' }],
        tags: ['robot'],
      },
    });
    expect(made.statusCode, made.body).toBe(201);
    const costumeId = made.json().costume_id;
    const stolen = await list(stranger, { item_kind: 'costume', item_id: costumeId, price: 5 });
    expect([stolen.statusCode, stolen.json().error.code]).toEqual([404, 'COSTUME_NOT_FOUND']);
    // A plan's id as a costume is not found either.
    const mixed = await list(seller, { item_kind: 'costume', item_id: await planOf(seller), price: 5 });
    expect(mixed.json().error.code).toBe('COSTUME_NOT_FOUND');
    // A kind of item Hollowtown does not sell (HowToCookAtHome's recipe books), or none.
    for (const body of [
      { item_kind: 'cookbook', item_id: costumeId, price: 5 },
      { item_id: costumeId, price: 5 },
    ]) {
      const wrong = await list(seller, body);
      expect([wrong.statusCode, wrong.json().error.code], JSON.stringify(body)).toEqual([
        400,
        'VALIDATION_FAILED',
      ]);
    }
    const listed = await list(seller, {
      item_kind: 'costume',
      item_id: costumeId,
      price: 60,
      title: 'Robot pattern',
    });
    expect(listed.statusCode, listed.body).toBe(201);
    const listingId = listed.json().listing_id;
    const preview = (await show(stranger, listingId)).json();
    expect(preview).toMatchObject({
      title: 'Robot pattern',
      preview: {
        item_kind: 'costume',
        costume_name: 'Cardboard robot',
        difficulty: 'medium',
        tags: ['robot'],
        materials_count: 2,
      },
      item: null,
    });
    expect((await buy(buyer, listingId, 'robot')).statusCode).toBe(201);
    const full = (await show(buyer, listingId)).json();
    expect(full.item).toMatchObject({
      item_kind: 'costume',
      costume_id: costumeId,
      description: 'Cut the arm holes first.',
      materials: [
        { name: 'cardboard boxes', quantity: 3 },
        { name: 'foil', quantity: null },
      ],
    });
    // 10 % of 60.
    expect([await balance(buyer), await balance(seller)]).toEqual([940, 1054]);
  });

  it('keeps a listed costume pattern for its author and buyers: others see the preview, here and on its public page', async () => {
    const [seller, buyer, stranger] = [await user(), await user(), await user()];
    const made = await inject({
      method: 'POST',
      url: '/hollowtown/api/costumes',
      headers: seller.headers,
      payload: {
        costume_name: 'Moth queen',
        description: 'Pleat the wings from one bedsheet.',
        difficulty: 'hard',
        materials: [
          { name: 'bedsheet', quantity: 1 },
          { name: 'wire hangers', quantity: 4 },
        ],
        tags: ['moth'],
      },
    });
    const costumeId = made.json().costume_id as string;
    const costume = async (viewer: TestUser) => {
      const response = await inject({
        method: 'GET',
        url: `/hollowtown/api/costumes/${costumeId}`,
        headers: viewer.headers,
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    };
    const inGallery = async (viewer: TestUser) =>
      (
        await inject({
          method: 'GET',
          url: '/hollowtown/api/costumes?q=moth&limit=50',
          headers: viewer.headers,
        })
      )
        .json()
        .items.find((c: { costume_id: string }) => c.costume_id === costumeId);
    const publicPage = async () =>
      (await inject({ method: 'GET', url: `/hollowtown/c/${costumeId}` })).body as string;
    const FULL = {
      description: 'Pleat the wings from one bedsheet.',
      materials: [
        expect.objectContaining({ name: 'bedsheet' }),
        expect.objectContaining({ name: 'wire hangers' }),
      ],
      is_preview: false,
    };
    // Not on sale: the shared gallery as before.
    expect(await costume(stranger)).toMatchObject({ ...FULL, for_sale: null });
    expect(await publicPage()).toContain('wire hangers');

    const listed = await list(seller, { item_kind: 'costume', item_id: costumeId, price: 40 });
    const listingId = listed.json().listing_id as string;
    const PREVIEW = {
      costume_name: 'Moth queen',
      difficulty: 'hard',
      tags: ['moth'],
      description: null,
      materials: [],
      is_preview: true,
      for_sale: { listing_id: listingId, price: 40 },
    };
    expect(await costume(stranger)).toMatchObject(PREVIEW);
    expect(await inGallery(stranger)).toMatchObject(PREVIEW);
    const page = await publicPage();
    expect(page).not.toContain('wire hangers');
    expect(page).not.toContain('Pleat the wings');
    expect(await costume(seller)).toMatchObject({ ...FULL, is_mine: true });
    expect(await costume(buyer)).toMatchObject(PREVIEW);
    // Searching the hidden words finds nothing for them (a match would tell what it says).
    const found = async (viewer: TestUser, q: string) =>
      (
        await inject({
          method: 'GET',
          url: `/hollowtown/api/costumes?q=${q}&limit=50`,
          headers: viewer.headers,
        })
      )
        .json()
        .items.some((c: { costume_id: string }) => c.costume_id === costumeId);
    expect(await found(stranger, 'bedsheet')).toBe(false);
    expect(await found(stranger, 'queen')).toBe(true);
    expect(await found(seller, 'bedsheet')).toBe(true);

    expect((await buy(buyer, listingId, 'moth')).statusCode).toBe(201);
    expect(await costume(buyer)).toMatchObject(FULL);
    expect(await found(buyer, 'bedsheet')).toBe(true);
    expect(await inGallery(buyer)).toMatchObject(FULL);
    expect(await costume(stranger)).toMatchObject(PREVIEW);

    // Unlisted, it stays the buyers': no longer for sale, still only a preview for others.
    await inject({
      method: 'PATCH',
      url: `/hollowtown/api/market/listings/${listingId}`,
      headers: seller.headers,
      payload: { is_listed: false },
    });
    expect(await costume(stranger)).toMatchObject({ ...PREVIEW, for_sale: null });
    expect(await costume(buyer)).toMatchObject(FULL);
    expect(await publicPage()).not.toContain('wire hangers');
  });

  it('keeps a sold item for its buyers: the seller may unlist it but not delete it', async () => {
    const [seller, buyer, stranger] = [await user(), await user(), await user()];
    const planId = await planOf(seller, 'The drowned nursery');
    const listed = await list(seller, { item_kind: 'plan', item_id: planId, price: 30 });
    const listingId = listed.json().listing_id as string;
    expect((await buy(buyer, listingId, 'nursery')).statusCode).toBe(201);
    const remove = (who: TestUser, url: string) => inject({ method: 'DELETE', url, headers: who.headers });

    const refused = await remove(seller, `/hollowtown/api/haunted-house/plans/${planId}`);
    expect([refused.statusCode, refused.json().error.code, refused.json().error.details]).toEqual([
      409,
      'ITEM_HAS_BUYERS',
      { buyers: 1 },
    ]);
    // Anyone else learns nothing of the sale: the plan is not theirs.
    expect((await remove(stranger, `/hollowtown/api/haunted-house/plans/${planId}`)).statusCode).toBe(404);
    // Unlisted, it sells no more and its buyer still reads all of it.
    const unlisted = await inject({
      method: 'PATCH',
      url: `/hollowtown/api/market/listings/${listingId}`,
      headers: seller.headers,
      payload: { is_listed: false },
    });
    expect(unlisted.statusCode, unlisted.body).toBe(200);
    expect((await remove(seller, `/hollowtown/api/haunted-house/plans/${planId}`)).statusCode).toBe(409);
    expect((await show(buyer, listingId)).json().item).toMatchObject({
      plan_id: planId,
      room_name: 'The drowned nursery',
    });

    // A costume the same way; an item nobody bought deletes, listing and all.
    const costume = await inject({
      method: 'POST',
      url: '/hollowtown/api/costumes',
      headers: seller.headers,
      payload: { costume_name: 'Paper ghost', difficulty: 'easy', materials: [{ name: 'sheet' }] },
    });
    const costumeId = costume.json().costume_id as string;
    const costumeListing = (
      await list(seller, { item_kind: 'costume', item_id: costumeId, price: 5 })
    ).json();
    expect((await buy(buyer, costumeListing.listing_id, 'ghost')).statusCode).toBe(201);
    const costumeRefused = await remove(seller, `/hollowtown/api/costumes/${costumeId}`);
    expect([costumeRefused.statusCode, costumeRefused.json().error.code]).toEqual([409, 'ITEM_HAS_BUYERS']);
    const unsold = await listing(seller, 20, 'The empty attic');
    const unsoldPlan = (await show(seller, unsold)).json().item.plan_id as string;
    expect((await remove(seller, `/hollowtown/api/haunted-house/plans/${unsoldPlan}`)).statusCode).toBe(204);
    expect((await show(seller, unsold)).statusCode).toBe(404);
  });

  it('refuses your own listing, a missing key, and lists only your own items', async () => {
    const [seller, other] = [await user(), await user()];
    const listingId = await listing(seller, 50);
    const own = await buy(seller, listingId, 'mine');
    expect([own.statusCode, own.json().error.code]).toEqual([409, 'OWN_LISTING']);
    const keyless = await buy(other, listingId);
    expect([keyless.statusCode, keyless.json().error.code]).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED']);
    const spaced = await buy(other, listingId, 'has space');
    expect(spaced.json().error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');

    // Someone else's plan cannot be listed: it answers as if it did not exist.
    const theirs = await planOf(seller);
    const stolen = await list(other, { item_kind: 'plan', item_id: theirs, price: 5 });
    expect([stolen.statusCode, stolen.json().error.code]).toEqual([404, 'HAUNTED_HOUSE_PLAN_NOT_FOUND']);
    const again = await list(seller, { item_kind: 'plan', item_id: theirs, price: 5 });
    expect(again.statusCode).toBe(201);
    const twice = await list(seller, { item_kind: 'plan', item_id: theirs, price: 6 });
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'ITEM_ALREADY_LISTED']);
    expect(await balance(seller)).toBe(1000);
    expect(await balance(other)).toBe(1000);
  });

  it('sells a plan or gives it away, not both: a published plan is not listed, a listed one not published', async () => {
    const seller = await user();
    const patchPlan = (planId: string, payload: Record<string, unknown>) =>
      inject({
        method: 'PATCH',
        url: `/hollowtown/api/haunted-house/plans/${planId}`,
        headers: seller.headers,
        payload,
      });
    const free = await planOf(seller, 'The free crypt');
    expect((await patchPlan(free, { is_published: true })).statusCode).toBe(200);
    const refused = await list(seller, { item_kind: 'plan', item_id: free, price: 20 });
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, 'PLAN_IS_PUBLISHED']);

    const sold = await planOf(seller, 'The paid crypt');
    const listed = await list(seller, { item_kind: 'plan', item_id: sold, price: 20 });
    expect(listed.statusCode).toBe(201);
    const publish = await patchPlan(sold, { is_published: true });
    expect([publish.statusCode, publish.json().error.code]).toEqual([409, 'PLAN_IS_LISTED']);
    // Nothing changed: still private, still for sale.
    expect((await show(seller, listed.json().listing_id)).json()).toMatchObject({ is_listed: true });
    const relist = (is_listed: boolean) =>
      inject({
        method: 'PATCH',
        url: `/hollowtown/api/market/listings/${listed.json().listing_id}`,
        headers: seller.headers,
        payload: { is_listed },
      });
    expect((await relist(false)).statusCode).toBe(200);
    // Off sale, the seller may give it away; then it is not listed again.
    expect((await patchPlan(sold, { is_published: true })).statusCode).toBe(200);
    const again = await relist(true);
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'PLAN_IS_PUBLISHED']);
    expect((await show(seller, listed.json().listing_id)).json()).toMatchObject({ is_listed: false });
  });

  it('hides an unlisted listing from everyone but its seller and buyers (404)', async () => {
    const [seller, buyer, stranger] = [await user(), await user(), await user()];
    const listingId = await listing(seller, 30);
    expect((await buy(buyer, listingId, 'k')).statusCode).toBe(201);
    const off = await inject({
      method: 'PATCH',
      url: `/hollowtown/api/market/listings/${listingId}`,
      headers: seller.headers,
      payload: { is_listed: false },
    });
    expect(off.statusCode, off.body).toBe(200);
    expect((await show(stranger, listingId)).json().error.code).toBe('LISTING_NOT_FOUND');
    const refused = await buy(stranger, listingId, 'k');
    expect([refused.statusCode, refused.json().error.code]).toEqual([404, 'LISTING_NOT_FOUND']);
    expect((await show(buyer, listingId)).json().item).not.toBeNull();
    const changed = await inject({
      method: 'PATCH',
      url: `/hollowtown/api/market/listings/${listingId}`,
      headers: stranger.headers,
      payload: { price: 1 },
    });
    expect(changed.statusCode).toBe(404);
    expect(await balance(stranger)).toBe(1000);
  });

  it('refuses a buyer short of credits with 402, records nothing, and lets them try again', async () => {
    const [seller, buyer] = [await user(), await user()];
    const listingId = await listing(seller, 1001);
    const short = await buy(buyer, listingId, 'too-dear');
    expect(short.statusCode, short.body).toBe(402);
    expect(short.json().error).toMatchObject({
      code: 'INSUFFICIENT_CREDITS',
      details: { balance: 1000, needed: 1001 },
    });
    expect(await purchaseRows(listingId)).toBe(0);
    // The seller lowers the price; the same key now goes through.
    await inject({
      method: 'PATCH',
      url: `/hollowtown/api/market/listings/${listingId}`,
      headers: seller.headers,
      payload: { price: 1000 },
    });
    const bought = await buy(buyer, listingId, 'too-dear');
    expect(bought.statusCode, bought.body).toBe(201);
    expect(await balance(buyer)).toBe(0);
    expect(await balance(seller)).toBe(1900);
  });

  it('charges each of 100 concurrent buyers of one listing once, and a buyer retrying once', async () => {
    const seller = await user();
    const listingId = await listing(seller, 40);
    const buyers = await Promise.all(Array.from({ length: 100 }, () => user()));
    const retrier = buyers[0] as TestUser;
    const answers = await Promise.all([
      ...buyers.map((buyer, i) => buy(buyer, listingId, `crowd-${i}`)),
      ...Array.from({ length: 20 }, () => buy(retrier, listingId, 'crowd-0')),
    ]);
    for (const answer of answers) expect([200, 201], answer.body).toContain(answer.statusCode);
    const ids = new Set(answers.map((a) => a.json().purchase_id));
    expect(ids.size).toBe(100);
    const retrierIds = new Set([answers[0], ...answers.slice(100)].map((a) => a?.json().purchase_id));
    expect(retrierIds.size).toBe(1);
    expect(await purchaseRows(listingId)).toBe(100);
    for (const buyer of buyers) expect(await balance(buyer)).toBe(960);
    // 100 sales of 40, each less a fee of 4.
    expect(await balance(seller)).toBe(1000 + 100 * 36);
    const sales = (
      await inject({ method: 'GET', url: '/hollowtown/api/market/sales?limit=100', headers: seller.headers })
    ).json();
    expect(sales.totals).toEqual({ sales: 100, gross: 4000, fees: 400, earned: 3600 });
    expect(sales.items).toHaveLength(100);
    expect((await show(seller, listingId)).json().sales).toBe(100);
  });
});

// The recipe books marketplace: a cookbook of the seller's own recipes listed for credits, its
// public preview (names, never methods), a purchase paid once per buyer and key through identity,
// the buyer then reading the whole book (its private recipes too), and the 409s that keep what
// buyers paid for: free or for sale, own recipes only, no deleting what was sold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import type { IdentityClient } from '../../identity/client.ts';
import { createLogger } from '../../platform/logger.ts';
import type { RecipesDeps } from '../deps.ts';
import type { RecipesInstanceClient } from '../index.ts';
import { createMarketService } from '../service/market.ts';
import { recipesApi } from '../testing.ts';

describe.each(testEngines())('the recipe books marketplace on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof recipesApi>;
  const user = () => given(platform).user();

  beforeAll(async () => {
    // The default fee, 10 %.
    platform = await startTestPlatform(engine, { services: ['identity', 'recipes'] });
    api = recipesApi(platform);
  });
  afterAll(() => platform.close());

  const balance = async (who: TestUser) =>
    (await api.get(who, '/calos/api/credits/balance')).json().balance as number;

  /** A private cookbook of the owner's own (private) recipes. */
  async function bookOf(owner: TestUser, names = ['Secret ragù', 'Grandma’s gnocchi']) {
    const book = await api.post(owner, '/recipes/api/cookbooks', { title: 'Family secrets' });
    expect(book.statusCode, book.body).toBe(201);
    const cookbookId = book.json().cookbook_id as string;
    const recipeIds: string[] = [];
    for (const name of names) {
      const recipe = await api.recipe(owner, {
        recipe_name: name,
        instructions: [`Cook the ${name} slowly.`],
      });
      recipeIds.push(recipe.recipe_id);
      const added = await api.put(owner, `/recipes/api/cookbooks/${cookbookId}/recipes/${recipe.recipe_id}`);
      expect(added.statusCode, added.body).toBe(200);
    }
    return { cookbookId, recipeIds };
  }

  const list = (owner: TestUser, payload: Record<string, unknown>) =>
    api.post(owner, '/recipes/api/market/listings', payload);

  async function listing(owner: TestUser, price: number) {
    const { cookbookId, recipeIds } = await bookOf(owner);
    const response = await list(owner, { item_kind: 'cookbook', item_id: cookbookId, price });
    expect(response.statusCode, response.body).toBe(201);
    return { listingId: response.json().listing_id as string, cookbookId, recipeIds };
  }

  const buy = (buyer: TestUser, listingId: string, key?: string) =>
    api.inject(buyer, {
      method: 'POST',
      url: `/recipes/api/market/listings/${listingId}/purchase`,
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });

  const show = (viewer: TestUser, listingId: string) =>
    api.get(viewer, `/recipes/api/market/listings/${listingId}`);

  const purchaseRows = async (listingId: string) =>
    Number(
      (
        await platform.databases
          .get('recipes')
          .query<{ n: number }>('SELECT count(*)::int AS n FROM market_purchases WHERE listing_id = $1', [
            listingId,
          ])
      ).rows[0]?.n,
    );

  it('lists a book with a preview, sells it once and lets the buyer read all of it, private recipes too', async () => {
    const [seller, buyer, browser] = [await user(), await user(), await user()];
    const { cookbookId, recipeIds } = await bookOf(seller);
    const created = await list(seller, {
      item_kind: 'cookbook',
      item_id: cookbookId,
      price: 125,
      summary: 'Recipes nobody outside the family has cooked',
    });
    expect(created.statusCode, created.body).toBe(201);
    const listingId = created.json().listing_id;
    expect(created.json()).toMatchObject({
      item_kind: 'cookbook',
      title: 'Family secrets',
      price: 125,
      is_listed: true,
      is_mine: true,
      sales: 0,
      item: { item_kind: 'cookbook', cookbook_id: cookbookId },
    });

    // Before buying: the names of its recipes, never how they are made, and no way into the book.
    const before = await show(browser, listingId);
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({
      is_mine: false,
      is_purchased: false,
      item: null,
      preview: {
        cookbook_title: 'Family secrets',
        recipe_count: 2,
        recipes: [
          { recipe_name: 'Secret ragù', cuisine: 'italian', total_time_minutes: 25, serves: 4 },
          { recipe_name: 'Grandma’s gnocchi' },
        ],
      },
    });
    expect(before.body).not.toContain('slowly');
    expect((await api.get(browser, `/recipes/api/cookbooks/${cookbookId}`)).statusCode).toBe(404);
    expect((await api.get(browser, `/recipes/api/cookbooks/${cookbookId}/recipes`)).statusCode).toBe(404);
    for (const q of ['secrets', 'gnocchi', 'outside%20family']) {
      const found = await api.get(browser, `/recipes/api/market/listings?q=${q}`);
      expect(found.json().items.map((l: { listing_id: string }) => l.listing_id)).toContain(listingId);
    }
    // How a recipe is made is not searchable: a match would tell what it says.
    const hidden = await api.get(browser, '/recipes/api/market/listings?q=slowly');
    expect(hidden.json().items.map((l: { listing_id: string }) => l.listing_id)).not.toContain(listingId);

    const bought = await buy(buyer, listingId, 'buy-secrets-1');
    expect(bought.statusCode, bought.body).toBe(201);
    // 10 % of 125 is 12.5: the platform takes 12, the seller receives 113.
    expect(bought.json()).toMatchObject({
      listing_id: listingId,
      item_kind: 'cookbook',
      cookbook_id: cookbookId,
      price: 125,
      fee: 12,
      seller_received: 113,
      status: 'completed',
    });
    expect([await balance(buyer), await balance(seller)]).toEqual([875, 1113]);

    expect((await show(buyer, listingId)).json()).toMatchObject({
      is_purchased: true,
      sales: 1,
      item: { cookbook_id: cookbookId },
    });
    const book = await api.get(buyer, `/recipes/api/cookbooks/${cookbookId}`);
    expect(book.json()).toMatchObject({ is_mine: false, recipe_count: 2, visibility: 'private' });
    const entries = (await api.get(buyer, `/recipes/api/cookbooks/${cookbookId}/recipes`)).json().items;
    expect(entries.map((r: { recipe_id: string }) => r.recipe_id)).toEqual(recipeIds);
    const one = await api.get(buyer, `/recipes/api/cookbooks/${cookbookId}/recipes/${recipeIds[0]}`);
    expect(one.json()).toMatchObject({ is_published: false, instructions: ['Cook the Secret ragù slowly.'] });
    // Still not theirs outside the book, nor anyone else's.
    expect((await api.get(buyer, `/recipes/api/recipes/${recipeIds[0]}`)).statusCode).toBe(404);
    expect((await api.get(browser, `/recipes/api/cookbooks/${cookbookId}/recipes`)).statusCode).toBe(404);

    // A retry answers the same purchase and pays nothing; another key for it is refused.
    const retry = await buy(buyer, listingId, 'buy-secrets-1');
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(bought.json());
    const twice = await buy(buyer, listingId, 'buy-secrets-2');
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'LISTING_ALREADY_PURCHASED']);
    expect(twice.json().error.details).toEqual({ purchase_id: bought.json().purchase_id });
    expect(await balance(buyer)).toBe(875);
    // The same key on another listing is not a retry.
    const other = await listing(seller, 10);
    const reused = await buy(buyer, other.listingId, 'buy-secrets-1');
    expect([reused.statusCode, reused.json().error.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);

    expect((await api.get(buyer, '/recipes/api/market/purchases')).json().items).toEqual([bought.json()]);
    const sales = (await api.get(seller, '/recipes/api/market/sales')).json();
    expect(sales.items).toEqual([bought.json()]);
    expect(sales.totals).toEqual({ sales: 1, gross: 125, fees: 12, earned: 113 });
    const mine = (await api.get(seller, '/recipes/api/market/listings?scope=mine')).json();
    expect(mine.items.map((l: { listing_id: string }) => l.listing_id)).toEqual([other.listingId, listingId]);
  });

  it('sells only your own recipes: another author’s is refused, on listing and after', async () => {
    const [seller, author] = [await user(), await user()];
    const theirs = await api.recipe(author, { recipe_name: 'Their tart', is_published: true });
    const { cookbookId } = await bookOf(seller);
    const add = (recipeId: string) =>
      api.put(seller, `/recipes/api/cookbooks/${cookbookId}/recipes/${recipeId}`);
    expect((await add(theirs.recipe_id)).statusCode).toBe(200);
    const refused = await list(seller, { item_kind: 'cookbook', item_id: cookbookId, price: 20 });
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, 'COOKBOOK_HAS_OTHERS_RECIPES']);
    expect(refused.json().error.details).toEqual({ recipe_ids: [theirs.recipe_id] });
    expect(
      (await api.delete(seller, `/recipes/api/cookbooks/${cookbookId}/recipes/${theirs.recipe_id}`))
        .statusCode,
    ).toBe(204);
    const listed = await list(seller, { item_kind: 'cookbook', item_id: cookbookId, price: 20 });
    expect(listed.statusCode, listed.body).toBe(201);
    // Listed, it takes no one else's recipe; one of the seller's own goes in.
    const late = await add(theirs.recipe_id);
    expect([late.statusCode, late.json().error.code]).toEqual([409, 'COOKBOOK_HAS_OTHERS_RECIPES']);
    const own = await api.recipe(seller, { recipe_name: 'New pudding' });
    expect((await add(own.recipe_id)).statusCode).toBe(200);
    expect((await show(seller, listed.json().listing_id)).json().preview.recipe_count).toBe(3);

    // An empty book, someone else's book, or a missing one.
    const empty = await api.post(seller, '/recipes/api/cookbooks', { title: 'Empty' });
    const none = await list(seller, { item_kind: 'cookbook', item_id: empty.json().cookbook_id, price: 5 });
    expect([none.statusCode, none.json().error.code]).toEqual([409, 'COOKBOOK_IS_EMPTY']);
    const stolen = await list(author, { item_kind: 'cookbook', item_id: cookbookId, price: 5 });
    expect([stolen.statusCode, stolen.json().error.code]).toEqual([404, 'COOKBOOK_NOT_FOUND']);
    const malformed = await list(author, { item_kind: 'cookbook', item_id: 'not-a-uuid', price: 5 });
    expect([malformed.statusCode, malformed.json().error.code]).toEqual([404, 'COOKBOOK_NOT_FOUND']);
    // A kind of item this marketplace does not sell, or the body as it was before item_kind.
    for (const body of [
      { item_kind: 'plan', item_id: cookbookId, price: 5 },
      { item_id: cookbookId, price: 5 },
      { cookbook_id: cookbookId, price: 5 },
    ]) {
      const wrong = await list(seller, body);
      expect([wrong.statusCode, wrong.json().error.code], JSON.stringify(body)).toEqual([
        400,
        'VALIDATION_FAILED',
      ]);
    }
    // In process (no schema in front): the marketplace says which kinds it sells.
    const market = createMarketService({
      db: platform.databases.get('recipes'),
      logger: createLogger({ logLevel: 'silent' }),
      now: () => platform.clock.now(),
      identity: () => platform.clients.get<IdentityClient>('identity'),
    } as RecipesDeps);
    await expect(
      market.create(seller.userId, { item_kind: 'plan', item_id: cookbookId, price: 5 }),
    ).rejects.toMatchObject({
      status: 400,
      code: 'ITEM_KIND_NOT_SOLD',
      details: { item_kinds: ['cookbook'] },
    });
    const twice = await list(seller, { item_kind: 'cookbook', item_id: cookbookId, price: 6 });
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'ITEM_ALREADY_LISTED']);
  });

  it('sells a book or gives it away, not both: a public book is not listed, a listed one not made public', async () => {
    const seller = await user();
    const setVisibility = (cookbookId: string, visibility: string) =>
      api.patch(seller, `/recipes/api/cookbooks/${cookbookId}`, { visibility });
    const free = await bookOf(seller);
    expect((await setVisibility(free.cookbookId, 'public')).statusCode).toBe(200);
    const refused = await list(seller, { item_kind: 'cookbook', item_id: free.cookbookId, price: 20 });
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, 'COOKBOOK_IS_PUBLIC']);

    const sold = await listing(seller, 20);
    const publish = await setVisibility(sold.cookbookId, 'public');
    expect([publish.statusCode, publish.json().error.code]).toEqual([409, 'COOKBOOK_IS_LISTED']);
    expect((await api.get(seller, `/recipes/api/cookbooks/${sold.cookbookId}`)).json().visibility).toBe(
      'private',
    );
    const relist = (is_listed: boolean) =>
      api.patch(seller, `/recipes/api/market/listings/${sold.listingId}`, { is_listed });
    expect((await relist(false)).statusCode).toBe(200);
    // Off sale, the seller may give it away; then it is not listed again.
    expect((await setVisibility(sold.cookbookId, 'public')).statusCode).toBe(200);
    const again = await relist(true);
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'COOKBOOK_IS_PUBLIC']);
    expect((await show(seller, sold.listingId)).json()).toMatchObject({ is_listed: false });
  });

  it('keeps a sold book for its buyers: unlisted, yes; deleted, emptied or its recipes deleted, no', async () => {
    const [seller, buyer, stranger] = [await user(), await user(), await user()];
    const { listingId, cookbookId, recipeIds } = await listing(seller, 30);
    expect((await buy(buyer, listingId, 'keep')).statusCode).toBe(201);
    const expectBuyers = async (response: Awaited<ReturnType<typeof api.delete>>) =>
      expect([response.statusCode, response.json().error.code, response.json().error.details]).toEqual([
        409,
        'ITEM_HAS_BUYERS',
        { buyers: 1 },
      ]);
    await expectBuyers(await api.delete(seller, `/recipes/api/cookbooks/${cookbookId}`));
    await expectBuyers(await api.delete(seller, `/recipes/api/recipes/${recipeIds[0]}`));
    await expectBuyers(
      await api.delete(seller, `/recipes/api/cookbooks/${cookbookId}/recipes/${recipeIds[1]}`),
    );
    // Anyone else learns nothing of the sale: not theirs.
    expect((await api.delete(stranger, `/recipes/api/cookbooks/${cookbookId}`)).statusCode).toBe(404);
    expect((await api.delete(stranger, `/recipes/api/recipes/${recipeIds[0]}`)).statusCode).toBe(404);

    const unlisted = await api.patch(seller, `/recipes/api/market/listings/${listingId}`, {
      is_listed: false,
    });
    expect(unlisted.statusCode, unlisted.body).toBe(200);
    await expectBuyers(await api.delete(seller, `/recipes/api/cookbooks/${cookbookId}`));
    // Off sale, it is gone from the market for others, and stays whole for its buyer.
    expect((await show(stranger, listingId)).json().error.code).toBe('LISTING_NOT_FOUND');
    expect((await buy(stranger, listingId, 'late')).statusCode).toBe(404);
    expect((await api.get(buyer, `/recipes/api/cookbooks/${cookbookId}/recipes`)).json().items).toHaveLength(
      2,
    );

    // A book nobody bought deletes, listing and all.
    const unsold = await listing(seller, 20);
    expect((await api.delete(seller, `/recipes/api/recipes/${unsold.recipeIds[0]}`)).statusCode).toBe(204);
    expect((await api.delete(seller, `/recipes/api/cookbooks/${unsold.cookbookId}`)).statusCode).toBe(204);
    expect((await show(seller, unsold.listingId)).statusCode).toBe(404);
  });

  it('refuses your own listing, a missing key, and someone else’s listing to change', async () => {
    const [seller, other] = [await user(), await user()];
    const { listingId } = await listing(seller, 50);
    const own = await buy(seller, listingId, 'mine');
    expect([own.statusCode, own.json().error.code]).toEqual([409, 'OWN_LISTING']);
    const keyless = await buy(other, listingId);
    expect([keyless.statusCode, keyless.json().error.code]).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED']);
    const spaced = await buy(other, listingId, 'has space');
    expect(spaced.json().error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    const changed = await api.patch(other, `/recipes/api/market/listings/${listingId}`, { price: 1 });
    expect([changed.statusCode, changed.json().error.code]).toEqual([404, 'LISTING_NOT_FOUND']);
    expect((await show(other, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect([await balance(seller), await balance(other)]).toEqual([1000, 1000]);
  });

  it('refuses a buyer short of credits with 402, records nothing, and lets them try again', async () => {
    const [seller, buyer] = [await user(), await user()];
    const { listingId } = await listing(seller, 1001);
    const short = await buy(buyer, listingId, 'too-dear');
    expect(short.statusCode, short.body).toBe(402);
    expect(short.json().error).toMatchObject({
      code: 'INSUFFICIENT_CREDITS',
      details: { balance: 1000, needed: 1001 },
    });
    expect(await purchaseRows(listingId)).toBe(0);
    await api.patch(seller, `/recipes/api/market/listings/${listingId}`, { price: 1000 });
    const bought = await buy(buyer, listingId, 'too-dear');
    expect(bought.statusCode, bought.body).toBe(201);
    expect([await balance(buyer), await balance(seller)]).toEqual([0, 1900]);
  });

  it('charges each of 100 concurrent buyers of one book once, and a buyer retrying 20 times once', async () => {
    const seller = await user();
    const { listingId } = await listing(seller, 40);
    const buyers = await Promise.all(Array.from({ length: 100 }, () => user()));
    const retrier = buyers[0] as TestUser;
    const answers = await Promise.all([
      ...buyers.map((buyer, i) => buy(buyer, listingId, `crowd-${i}`)),
      ...Array.from({ length: 20 }, () => buy(retrier, listingId, 'crowd-0')),
    ]);
    for (const answer of answers) expect([200, 201], answer.body).toContain(answer.statusCode);
    expect(answers.filter((a) => a.statusCode === 201).length).toBeGreaterThanOrEqual(100);
    expect(new Set(answers.map((a) => a.json().purchase_id)).size).toBe(100);
    const retrierIds = new Set([answers[0], ...answers.slice(100)].map((a) => a?.json().purchase_id));
    expect(retrierIds.size).toBe(1);
    expect(await purchaseRows(listingId)).toBe(100);
    for (const buyer of buyers) expect(await balance(buyer)).toBe(960);
    // 100 sales of 40, each less a fee of 4.
    expect(await balance(seller)).toBe(1000 + 100 * 36);
    const sales = (await api.get(seller, '/recipes/api/market/sales?limit=100')).json();
    expect(sales.totals).toEqual({ sales: 100, gross: 4000, fees: 400, earned: 3600 });
    expect(sales.items).toHaveLength(100);
    expect((await show(seller, listingId)).json().sales).toBe(100);
  });

  it('keeps a sold book for its buyers when the seller deletes their account; the rest of the seller goes', async () => {
    const [seller, buyer, refunded, stranger] = [await user(), await user(), await user(), await user()];
    const { listingId, cookbookId, recipeIds } = await listing(seller, 40);
    const unsold = await listing(seller, 15);
    await bookOf(seller, ['Unlisted stew']);
    expect((await buy(buyer, listingId, 'erasure')).statusCode).toBe(201);
    expect((await buy(refunded, unsold.listingId, 'refund-me')).statusCode).toBe(201);
    // A refunded purchase is no reason to keep a book (staff refunds it straight in the database
    // here; the refund route is tested in test/market-refund.test.ts).
    await platform.databases
      .get('recipes')
      .query(
        "UPDATE market_purchases SET status = 'refunded', refunded_at = now(), refund_reason = 'test' WHERE listing_id = $1",
        [unsold.listingId],
      );

    const gone = await api.inject(seller, {
      method: 'DELETE',
      url: '/calos/api/account',
      payload: { password: seller.password },
    });
    expect(gone.statusCode).toBe(204);
    const recipes = () => platform.clients.get<RecipesInstanceClient>('recipes');
    const deadline = Date.now() + 10_000;
    while ((await api.get(refunded, `/recipes/api/market/listings/${unsold.listingId}`)).statusCode !== 404) {
      expect(Date.now()).toBeLessThan(deadline);
      await recipes().drainUserEvents();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // The buyer still reads the whole book, private recipes included, in order.
    const book = await api.get(buyer, `/recipes/api/cookbooks/${cookbookId}`);
    expect(book.statusCode, book.body).toBe(200);
    const entries = (await api.get(buyer, `/recipes/api/cookbooks/${cookbookId}/recipes`)).json().items;
    expect(entries.map((e: { recipe_id: string }) => e.recipe_id)).toEqual(recipeIds);
    const one = await api.get(buyer, `/recipes/api/cookbooks/${cookbookId}/recipes/${recipeIds[0]}`);
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json().instructions).toEqual(['Cook the Secret ragù slowly.']);
    expect((await api.get(buyer, '/recipes/api/market/purchases')).json().items).toEqual([
      expect.objectContaining({ listing_id: listingId, status: 'completed' }),
    ]);
    // Nobody else reads it, and it is no longer for sale; the seller's other books are gone.
    expect((await api.get(stranger, `/recipes/api/cookbooks/${cookbookId}`)).statusCode).toBe(404);
    expect((await show(stranger, listingId)).statusCode).toBe(404);
    expect((await buy(stranger, listingId, 'too-late')).statusCode).toBe(404);
    expect((await api.get(refunded, `/recipes/api/cookbooks/${unsold.cookbookId}`)).statusCode).toBe(404);
    const left = await platform.databases
      .get('recipes')
      .query<{ n: number }>(
        'SELECT (SELECT count(*) FROM cookbooks WHERE user_id = $1) + (SELECT count(*) FROM recipes WHERE user_id = $1) + (SELECT count(*) FROM market_listings WHERE seller_id = $1) + (SELECT count(*) FROM market_purchases WHERE seller_id = $1) AS n',
        [seller.userId],
      );
    expect(Number(left.rows[0]?.n)).toBe(0);
  });

  it('puts listings and purchases in the data export, and forgets a deleted buyer’s purchases', async () => {
    const [seller, buyer, other] = [await user(), await user(), await user()];
    const { listingId, cookbookId } = await listing(seller, 70);
    const bought = await buy(buyer, listingId, 'export');
    expect((await buy(other, listingId, 'keep')).statusCode).toBe(201);
    const recipes = () => platform.clients.get<RecipesInstanceClient>('recipes');
    const exported = async (who: TestUser, collection: string) =>
      (await recipes().dataExport.page(who.userId, collection, null, 100)).items;
    expect(await exported(seller, 'market_listings')).toEqual([
      expect.objectContaining({ listing_id: listingId, cookbook_id: cookbookId, price: 70, is_listed: true }),
    ]);
    expect((await exported(seller, 'market_purchases')).map((p) => p.side)).toEqual(['sold', 'sold']);
    expect(await exported(buyer, 'market_purchases')).toEqual([
      expect.objectContaining({
        purchase_id: bought.json().purchase_id,
        side: 'bought',
        status: 'completed',
      }),
    ]);
    expect(await exported(buyer, 'market_listings')).toEqual([]);

    // The buyer's account goes: their purchase with it; the seller's sales keep the other one.
    const gone = await api.inject(buyer, {
      method: 'DELETE',
      url: '/calos/api/account',
      payload: { password: buyer.password },
    });
    expect(gone.statusCode).toBe(204);
    const deadline = Date.now() + 10_000;
    while ((await exported(buyer, 'market_purchases')).length > 0) {
      expect(Date.now()).toBeLessThan(deadline);
      await recipes().drainUserEvents();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await api.get(seller, '/recipes/api/market/sales')).json().totals).toEqual({
      sales: 1,
      gross: 70,
      fees: 7,
      earned: 63,
    });
    expect((await api.get(other, `/recipes/api/cookbooks/${cookbookId}`)).statusCode).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { createLogger } from '../../platform/logger.ts';
import { createRecipesHousekeeping } from '../service/housekeeping.ts';
import { recipesApi } from '../testing.ts';

describe.each(testEngines())('shopping lists on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof recipesApi>;
  let alice: TestUser;
  const stored = async (listId: string) =>
    (
      await platform.databases
        .get('recipes')
        .query<{ items: { cost_cents: number | null }[]; total_cost_cents: number }>(
          'SELECT items, total_cost_cents FROM shopping_lists WHERE list_id = $1',
          [listId],
        )
    ).rows[0];

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'recipes'] });
    api = recipesApi(platform);
    alice = await given(platform).user();
  });
  afterAll(() => platform.close());

  it('keeps items with amounts, checkboxes and costs, and totals them', async () => {
    const response = await api.post(alice, '/recipes/api/shopping-lists', {
      list_name: 'Weekend',
      store: 'Farmers market',
      items: [
        { name: 'spaghetti', quantity: 800, unit: 'g', cost_cents: 298 },
        { name: 'eggs', quantity: 6, unit: 'count', checked: true, cost_cents: 349 },
        { name: ' black pepper ', note: 'whole', unit: '' },
      ],
    });
    expect(response.statusCode).toBe(201);
    const list = response.json();
    expect(list).toMatchObject({
      list_id: expect.any(String),
      list_name: 'Weekend',
      store: 'Farmers market',
      total_cost_cents: 647,
      open_items: 2,
      purchased_at: null,
      plan_id: null,
    });
    expect(list.items).toEqual([
      {
        name: 'spaghetti',
        quantity: 800,
        unit: 'g',
        checked: false,
        cost_cents: 298,
        note: null,
        aisle: 'pantry',
      },
      {
        name: 'eggs',
        quantity: 6,
        unit: 'count',
        checked: true,
        cost_cents: 349,
        note: null,
        aisle: 'dairy',
      },
      {
        name: 'black pepper',
        quantity: null,
        unit: null,
        checked: false,
        cost_cents: null,
        note: 'whole',
        aisle: 'pantry',
      },
    ]);
    expect(list.aisle_order).toEqual([]);
    expect(await stored(list.list_id)).toMatchObject({ total_cost_cents: 647 });
    expect((await api.get(alice, `/recipes/api/shopping-lists/${list.list_id}`)).json()).toEqual(list);
  });

  it('ticks an item by name and unit, leaving the rest as another device left it, and a resend changes nothing', async () => {
    const list = await api.shoppingList(alice, {
      list_name: 'Market',
      items: ['2 kg potatoes', '1 bunch parsley', { name: 'eggs', quantity: 6, unit: 'count' }],
    });
    const tick = { name: 'Potatoes', unit: 'kg', checked: true };
    const at = `/recipes/api/shopping-lists/${list.list_id}/checked`;
    // Another device ticked the parsley in the meantime: kept.
    await api.patch(alice, `/recipes/api/shopping-lists/${list.list_id}`, {
      items: list.items.map((i: { name: string }) => ({ ...i, checked: i.name === 'parsley' })),
    });
    const first = await api.put(alice, at, tick);
    expect(first.statusCode).toBe(200);
    expect(first.json().items.map((i: { name: string; checked: boolean }) => [i.name, i.checked])).toEqual([
      ['potatoes', true],
      ['parsley', true],
      ['eggs', false],
    ]);
    expect(first.json().open_items).toBe(1);
    const again = await api.put(alice, at, tick);
    expect(again.json().items).toEqual(first.json().items);
    // Unticking is a setting too.
    expect((await api.put(alice, at, { ...tick, checked: false })).json().open_items).toBe(2);
    // Removed meanwhile (or another unit): 404 with a code an outbox can drop the tick on.
    const missing = await api.put(alice, at, { name: 'potatoes', unit: 'g', checked: true });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('SHOPPING_ITEM_NOT_FOUND');
    const bad = await api.put(alice, at, { name: '', checked: 'yes' });
    expect(bad.statusCode).toBe(400);
  });

  describe('adding one item with an Idempotency-Key (an offline outbox resends)', () => {
    const add = (user: TestUser, listId: string, key: string | undefined, body: unknown) =>
      api.inject(user, {
        method: 'POST',
        url: `/recipes/api/shopping-lists/${listId}/items`,
        payload: body as Record<string, unknown>,
        headers: key === undefined ? {} : { 'idempotency-key': key },
      });

    it('adds an item in its aisle, joins one of the same name and unit still to buy, and applies a resend once', async () => {
      const list = await api.shoppingList(alice, {
        list_name: 'Offline',
        items: [
          { name: 'Milk', quantity: 1, unit: 'l', cost_cents: 120 },
          { name: 'bread', quantity: 1, unit: 'loaf' },
        ],
      });
      const first = await add(alice, list.list_id, 'k-1', { name: 'apples', quantity: 4 });
      expect(first.statusCode).toBe(201);
      expect(first.json().items.at(-1)).toMatchObject({ name: 'apples', quantity: 4, aisle: 'produce' });
      // The same change sent again (its answer was lost): nothing more, the same status.
      const resend = await add(alice, list.list_id, 'k-1', { name: 'apples', quantity: 4 });
      expect(resend.statusCode).toBe(201);
      expect(resend.json().items.filter((i: { name: string }) => i.name === 'apples')).toHaveLength(1);
      // Another member of the household thought of milk too: one line, amounts and costs added.
      const joined = await add(alice, list.list_id, 'k-2', {
        name: 'milk',
        quantity: 2,
        unit: 'l',
        cost_cents: 240,
      });
      expect(joined.statusCode).toBe(200);
      expect(joined.json().items.filter((i: { name: string }) => i.name.toLowerCase() === 'milk')).toEqual([
        expect.objectContaining({ quantity: 3, cost_cents: 360, aisle: 'dairy' }),
      ]);
      expect(joined.json().total_cost_cents).toBe(360);
      // A chosen aisle is kept; a bought (checked) item is not joined: a new line starts.
      await api.put(alice, `/recipes/api/shopping-lists/${list.list_id}/checked`, {
        name: 'bread',
        unit: 'loaf',
        checked: true,
      });
      const again = await add(alice, list.list_id, 'k-3', {
        name: 'bread',
        unit: 'loaf',
        quantity: 1,
        aisle: 'frozen',
      });
      expect(again.statusCode).toBe(201);
      expect(again.json().items.filter((i: { name: string }) => i.name === 'bread')).toEqual([
        expect.objectContaining({ checked: true, aisle: 'bakery' }),
        expect.objectContaining({ checked: false, aisle: 'frozen' }),
      ]);
      // The same key for another item is refused, and changes nothing.
      const reused = await add(alice, list.list_id, 'k-3', { name: 'cheese' });
      expect(reused.statusCode).toBe(409);
      expect(reused.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
      const stored = (await api.get(alice, `/recipes/api/shopping-lists/${list.list_id}`)).json();
      expect(stored.items.map((i: { name: string }) => i.name)).toEqual(['Milk', 'bread', 'apples', 'bread']);
    });

    it('adds each of many racing additions once, resends included', async () => {
      const list = await api.shoppingList(alice, { list_name: 'Race adds' });
      const answers = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          add(alice, list.list_id, `race-${i % 12}`, { name: `thing ${i % 12}` }),
        ),
      );
      expect(answers.map((a) => a.statusCode).every((s) => s === 201)).toBe(true);
      const stored = (await api.get(alice, `/recipes/api/shopping-lists/${list.list_id}`)).json();
      expect(stored.items).toHaveLength(12);
    });

    it('answers a stranger 404 before anything else, and refuses a missing key, a bad item and a full list', async () => {
      const list = await api.shoppingList(alice, {
        list_name: 'Mine',
        items: Array(500).fill({ name: 'x' }),
      });
      const bob = await given(platform).user();
      for (const key of [undefined, 'k']) {
        const stranger = await add(bob, list.list_id, key, { name: 'cake' });
        expect(stranger.statusCode).toBe(404);
        expect(stranger.json().error.code).toBe('SHOPPING_LIST_NOT_FOUND');
      }
      const noKey = await add(alice, list.list_id, undefined, { name: 'cake' });
      expect([noKey.statusCode, noKey.json().error.code]).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED']);
      const badKey = await add(alice, list.list_id, 'has space', { name: 'cake' });
      expect(badKey.json().error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
      for (const body of [{ name: ' ' }, { name: 'a', aisle: 'garden' }, { name: 'a', checked: true }, {}]) {
        const bad = await add(alice, list.list_id, `bad-${JSON.stringify(body)}`, body);
        expect(bad.statusCode).toBe(400);
      }
      const full = await add(alice, list.list_id, 'full', { name: 'cake' });
      expect([full.statusCode, full.json().error.code]).toEqual([409, 'SHOPPING_LIST_FULL']);
      // Joining an item already there needs no room.
      expect((await add(alice, list.list_id, 'join', { name: 'x' })).statusCode).toBe(200);
      expect((await add(alice, list.list_id, 'most', { name: 'x', quantity: 1_000_000 })).statusCode).toBe(
        200,
      );
      const tooMuch = await add(alice, list.list_id, 'much', { name: 'x', quantity: 1 });
      expect([tooMuch.statusCode, tooMuch.json().error.code]).toEqual([409, 'SHOPPING_ITEM_TOO_LARGE']);
    });

    it('forgets keys after a week (housekeeping)', async () => {
      const list = await api.shoppingList(alice, { list_name: 'Old keys' });
      await add(alice, list.list_id, 'old', { name: 'tea' });
      const db = platform.databases.get('recipes');
      const count = async () =>
        Number(
          (
            await db.query<{ n: string }>(
              'SELECT count(*) AS n FROM shopping_list_requests WHERE list_id = $1',
              [list.list_id],
            )
          ).rows[0]?.n,
        );
      expect(await count()).toBe(1);
      const housekeeping = createRecipesHousekeeping({
        db,
        logger: createLogger({ logLevel: 'silent' }),
        now: () => new Date(platform.clock.nowMs() + 8 * 24 * 60 * 60_000),
      });
      expect((await housekeeping.runOnce())['shopping list idempotency keys pruned']).toBeGreaterThanOrEqual(
        1,
      );
      expect(await count()).toBe(0);
    });
  });

  it('keeps the store and the order its aisles are walked in', async () => {
    const list = await api.shoppingList(alice, {
      list_name: 'Aisles',
      store: 'Corner shop',
      aisle_order: ['bakery', 'produce'],
      items: ['milk', '2 apples'],
    });
    expect(list.aisle_order).toEqual(['bakery', 'produce']);
    const url = `/recipes/api/shopping-lists/${list.list_id}`;
    const changed = await api.patch(alice, url, { aisle_order: ['dairy', 'produce', 'bakery'] });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({
      aisle_order: ['dairy', 'produce', 'bakery'],
      store: 'Corner shop',
    });
    const repeated = await api.patch(alice, url, { aisle_order: ['dairy', 'dairy'] });
    expect([repeated.statusCode, repeated.json().error.code]).toEqual([400, 'SHOPPING_AISLE_REPEATED']);
    const unknown = await api.patch(alice, url, { aisle_order: ['garden'] });
    expect(unknown.statusCode).toBe(400);
  });

  it('recomputes the total whenever the items change, and only then', async () => {
    const list = await api.shoppingList(alice, {
      list_name: 'Costs',
      items: [{ name: 'a', cost_cents: 100 }],
    });
    const url = `/recipes/api/shopping-lists/${list.list_id}`;
    const renamed = await api.patch(alice, url, { list_name: 'Renamed', store: null });
    expect(renamed.json()).toMatchObject({ list_name: 'Renamed', store: null, total_cost_cents: 100 });
    const changed = await api.patch(alice, url, {
      items: [{ name: 'a', cost_cents: 150, checked: true }, { name: 'b', cost_cents: 250 }, { name: 'c' }],
    });
    expect(changed.json()).toMatchObject({ total_cost_cents: 400, open_items: 2 });
    const row = await stored(list.list_id);
    expect(row?.total_cost_cents).toBe(row?.items.reduce((sum, i) => sum + (i.cost_cents ?? 0), 0));
    expect((await api.patch(alice, url, { items: [] })).json()).toMatchObject({
      total_cost_cents: 0,
      open_items: 0,
    });
  });

  it('keeps the total consistent when many edits race', async () => {
    const list = await api.shoppingList(alice, { list_name: 'Race' });
    const url = `/recipes/api/shopping-lists/${list.list_id}`;
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        api.patch(alice, url, {
          items: Array.from({ length: i + 1 }, (_v, j) => ({ name: `x${j}`, cost_cents: i + j })),
        }),
      ),
    );
    const row = await stored(list.list_id);
    expect(row?.total_cost_cents).toBe(row?.items.reduce((sum, i) => sum + (i.cost_cents ?? 0), 0));
  });

  it('marks a list purchased and lists open and purchased lists apart', async () => {
    const shopper = await given(platform).user();
    const open = await api.shoppingList(shopper, { list_name: 'Open' });
    const done = await api.shoppingList(shopper, { list_name: 'Done' });
    const bought = await api.patch(shopper, `/recipes/api/shopping-lists/${done.list_id}`, {
      purchased_at: '2025-10-30T17:45:00Z',
    });
    expect(bought.json().purchased_at).toBe('2025-10-30T17:45:00.000Z');
    const names = async (query: string) =>
      (await api.get(shopper, `/recipes/api/shopping-lists?${query}`))
        .json()
        .items.map((l: { list_name: string }) => l.list_name);
    expect(await names('status=open')).toEqual(['Open']);
    expect(await names('status=purchased')).toEqual(['Done']);
    expect(await names('')).toEqual(['Done', 'Open']);
    expect(await names('limit=1')).toEqual(['Done']);
    expect(await names('plan_id=not-a-plan')).toEqual([]);
    const reopened = await api.patch(shopper, `/recipes/api/shopping-lists/${done.list_id}`, {
      purchased_at: null,
    });
    expect(reopened.json().purchased_at).toBeNull();
    expect((await api.delete(shopper, `/recipes/api/shopping-lists/${open.list_id}`)).statusCode).toBe(204);
    expect(await names('')).toEqual(['Done']);
  });

  it.each([
    ['no name', { items: [] }],
    ['a blank name', { list_name: ' ' }],
    ['a blank item', { list_name: 'x', items: [{ name: ' ' }] }],
    ['a negative cost', { list_name: 'x', items: [{ name: 'a', cost_cents: -1 }] }],
    ['a fractional cost', { list_name: 'x', items: [{ name: 'a', cost_cents: 1.5 }] }],
    ['a huge cost', { list_name: 'x', items: [{ name: 'a', cost_cents: 1_000_001 }] }],
    ['an item with extra keys', { list_name: 'x', items: [{ name: 'a', aisle: 3 }] }],
    ['too many items', { list_name: 'x', items: Array(501).fill({ name: 'a' }) }],
    ['a date that is not a time', { list_name: 'x', purchased_at: 'yesterday' }],
    [
      'a plan id (set only by generating)',
      { list_name: 'x', plan_id: '00000000-0000-4000-8000-000000000000' },
    ],
    ['a total (kept by the server)', { list_name: 'x', total_cost_cents: 5 }],
  ])('refuses %s with 400', async (_case, body) => {
    const response = await api.post(alice, '/recipes/api/shopping-lists', body);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
  });
});

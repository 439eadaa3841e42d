import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
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
      { name: 'spaghetti', quantity: 800, unit: 'g', checked: false, cost_cents: 298, note: null },
      { name: 'eggs', quantity: 6, unit: 'count', checked: true, cost_cents: 349, note: null },
      { name: 'black pepper', quantity: null, unit: null, checked: false, cost_cents: null, note: 'whole' },
    ]);
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

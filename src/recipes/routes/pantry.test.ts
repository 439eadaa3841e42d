import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { nextMillisecond } from '../../../test/support/ordering.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { isoDay } from '../../platform/clock.ts';
import { addDays } from '../service/dates.ts';
import { recipesApi } from '../testing.ts';

describe.each(testEngines())('the pantry on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof recipesApi>;
  let alice: TestUser;
  let bob: TestUser;
  let today: string;
  const names = (response: { json(): { items: { item_name: string }[] } }) =>
    response.json().items.map((i) => i.item_name);

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'recipes'] });
    api = recipesApi(platform);
    alice = await given(platform).user();
    bob = await given(platform).user();
    today = isoDay(platform.clock.now());
  });
  afterAll(() => platform.close());

  it('adds an item with defaults and reads it back', async () => {
    const response = await api.post(alice, '/recipes/api/pantry/items', { item_name: ' Eggs ' });
    expect(response.statusCode).toBe(201);
    const item = response.json();
    expect(item).toMatchObject({
      item_id: expect.any(String),
      item_name: 'Eggs',
      quantity: 1,
      unit: 'count',
      category: null,
      expiration_date: null,
      location: 'pantry',
      days_until_expiry: null,
      is_expired: false,
    });
    expect((await api.get(alice, `/recipes/api/pantry/items/${item.item_id}`)).json()).toEqual(item);
  });

  it('stores quantity, unit, category, location and expiry; changes and removes them', async () => {
    const item = await api.pantryItem(alice, {
      item_name: 'Whole milk',
      quantity: 1.5,
      unit: 'l',
      category: 'dairy',
      expiration_date: addDays(today, 3),
      location: 'fridge',
    });
    expect(item).toMatchObject({
      quantity: 1.5,
      unit: 'l',
      category: 'dairy',
      days_until_expiry: 3,
      is_expired: false,
    });
    const url = `/recipes/api/pantry/items/${item.item_id}`;
    const used = await api.patch(alice, url, { quantity: 0.25, location: 'freezer', expiration_date: null });
    expect(used.statusCode).toBe(200);
    expect(used.json()).toMatchObject({
      quantity: 0.25,
      location: 'freezer',
      expiration_date: null,
      days_until_expiry: null,
      category: 'dairy',
    });
    expect((await api.patch(alice, url, { category: null })).json().category).toBeNull();
    expect((await api.delete(alice, url)).statusCode).toBe(204);
    expect((await api.get(alice, url)).statusCode).toBe(404);
  });

  it.each([
    ['no name', { quantity: 1 }],
    ['a blank name', { item_name: '  ' }],
    ['a negative quantity', { item_name: 'x', quantity: -1 }],
    ['a huge quantity', { item_name: 'x', quantity: 1e7 }],
    ['a blank unit', { item_name: 'x', unit: ' ' }],
    ['a unit too long', { item_name: 'x', unit: 'u'.repeat(33) }],
    ['an unknown place', { item_name: 'x', location: 'garage' }],
    ['an impossible date', { item_name: 'x', expiration_date: '2025-02-30' }],
    ['a date with a time', { item_name: 'x', expiration_date: '2025-02-03T10:00:00Z' }],
    ['an unknown field', { item_name: 'x', brand: 'acme' }],
  ])('refuses %s with 400', async (_case, body) => {
    const response = await api.post(bob, '/recipes/api/pantry/items', body);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
  });

  describe('finding things', () => {
    let keeper: TestUser;
    beforeAll(async () => {
      keeper = await given(platform).user();
      const items = [
        { item_name: 'yoghurt', category: 'Dairy', location: 'fridge', expiration_date: addDays(today, -2) },
        { item_name: 'milk', category: 'dairy', location: 'fridge', expiration_date: addDays(today, 1) },
        { item_name: 'spinach', category: 'produce', location: 'fridge', expiration_date: today },
        { item_name: 'peas', category: 'produce', location: 'freezer', expiration_date: addDays(today, 90) },
        { item_name: 'rice', category: 'grains', location: 'pantry', expiration_date: addDays(today, 7) },
        { item_name: 'salt', category: null, location: 'pantry', expiration_date: null },
      ];
      for (const item of items) {
        await api.pantryItem(keeper, item);
        await nextMillisecond();
      }
    });

    it('filters by location, category (any case), name and expiry', async () => {
      expect(names(await api.get(keeper, '/recipes/api/pantry/items?location=fridge')).sort()).toEqual([
        'milk',
        'spinach',
        'yoghurt',
      ]);
      expect(names(await api.get(keeper, '/recipes/api/pantry/items?category=DAIRY')).sort()).toEqual([
        'milk',
        'yoghurt',
      ]);
      expect(names(await api.get(keeper, '/recipes/api/pantry/items?q=PIN'))).toEqual(['spinach']);
      expect(names(await api.get(keeper, '/recipes/api/pantry/items?expiring_within_days=1')).sort()).toEqual(
        ['milk', 'spinach', 'yoghurt'],
      );
      expect(
        names(await api.get(keeper, '/recipes/api/pantry/items?expiring_within_days=7&location=pantry')),
      ).toEqual(['rice']);
    });

    it('shows what expires soon, soonest first, expired ones first', async () => {
      const soon = await api.get(keeper, '/recipes/api/pantry/expiring');
      expect(soon.statusCode).toBe(200);
      expect(names(soon)).toEqual(['yoghurt', 'spinach', 'milk', 'rice']);
      expect(soon.json().items.map((i: { days_until_expiry: number }) => i.days_until_expiry)).toEqual([
        -2, 0, 1, 7,
      ]);
      expect(soon.json().items[0]).toMatchObject({ is_expired: true });
      expect(
        names(await api.get(keeper, '/recipes/api/pantry/expiring?days=1&include_expired=false')),
      ).toEqual(['spinach', 'milk']);
      expect(names(await api.get(keeper, '/recipes/api/pantry/expiring?days=365'))).toHaveLength(5);
    });

    it('pages through the expiring view and the whole pantry', async () => {
      const first = await api.get(keeper, '/recipes/api/pantry/expiring?days=365&limit=2');
      const second = await api.get(
        keeper,
        `/recipes/api/pantry/expiring?days=365&limit=2&cursor=${first.json().next_cursor}`,
      );
      const third = await api.get(
        keeper,
        `/recipes/api/pantry/expiring?days=365&limit=2&cursor=${second.json().next_cursor}`,
      );
      expect([...names(first), ...names(second), ...names(third)]).toEqual([
        'yoghurt',
        'spinach',
        'milk',
        'rice',
        'peas',
      ]);
      expect(third.json().next_cursor).toBeNull();
      const page = await api.get(keeper, '/recipes/api/pantry/items?limit=4');
      const rest = await api.get(
        keeper,
        `/recipes/api/pantry/items?limit=4&cursor=${page.json().next_cursor}`,
      );
      expect([...names(page), ...names(rest)]).toEqual([
        'salt',
        'rice',
        'peas',
        'spinach',
        'milk',
        'yoghurt',
      ]);
    });

    it.each(['days=-1', 'days=abc', 'location=garage', 'expiring_within_days=-3', 'cursor=xyz'])(
      'refuses %s with 400',
      async (query) => {
        const url = query.startsWith('days') || query.startsWith('cursor') ? 'expiring' : 'items';
        expect((await api.get(keeper, `/recipes/api/pantry/${url}?${query}`)).statusCode).toBe(400);
      },
    );
  });
});

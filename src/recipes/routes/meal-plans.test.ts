import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { nextMillisecond } from '../../../test/support/ordering.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { recipesApi } from '../testing.ts';

describe.each(testEngines())('meal plans and their shopping lists on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof recipesApi>;
  let alice: TestUser;
  let bob: TestUser;
  const countPlans = async (userId: string) =>
    (
      await platform.databases
        .get('recipes')
        .query<{ n: number }>('SELECT count(*)::int AS n FROM meal_plans WHERE user_id = $1', [userId])
    ).rows[0]?.n;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'recipes'] });
    api = recipesApi(platform);
    alice = await given(platform).user();
    bob = await given(platform).user();
  });
  afterAll(() => platform.close());

  describe('plans', () => {
    it('lays out meals per date and slot, and reads them back', async () => {
      const pasta = await api.recipe(alice);
      const salad = await api.recipe(alice, { recipe_name: 'Salad' });
      const response = await api.post(alice, '/recipes/api/meal-plans', {
        plan_name: '  Week 44 ',
        start_date: '2025-10-27',
        duration_days: 7,
        meals: {
          '2025-10-27': { breakfast: salad.recipe_id, dinner: pasta.recipe_id.toUpperCase() },
          '2025-11-02': { snack: salad.recipe_id },
          '2025-10-30': {},
        },
        total_cost_cents: 4500,
      });
      expect(response.statusCode).toBe(201);
      const plan = response.json();
      expect(plan).toMatchObject({
        plan_id: expect.any(String),
        plan_name: 'Week 44',
        start_date: '2025-10-27',
        end_date: '2025-11-02',
        duration_days: 7,
        meals: {
          '2025-10-27': { breakfast: salad.recipe_id, dinner: pasta.recipe_id },
          '2025-11-02': { snack: salad.recipe_id },
        },
        shopping_list: [],
        total_cost_cents: 4500,
      });
      expect(Object.keys(plan.meals)).toEqual(['2025-10-27', '2025-11-02']);
      expect((await api.get(alice, `/recipes/api/meal-plans/${plan.plan_id}`)).json()).toEqual(plan);
    });

    it('plans with published recipes of others, but not with their private ones', async () => {
      const shared = await api.recipe(bob, { is_published: true });
      const secret = await api.recipe(bob);
      const ok = await api.post(alice, '/recipes/api/meal-plans', {
        plan_name: 'Borrowed',
        start_date: '2025-01-01',
        meals: { '2025-01-01': { lunch: shared.recipe_id } },
      });
      expect(ok.statusCode).toBe(201);
      const before = await countPlans(alice.userId);
      const refused = await api.post(alice, '/recipes/api/meal-plans', {
        plan_name: 'Stolen',
        start_date: '2025-01-01',
        meals: { '2025-01-01': { lunch: secret.recipe_id, dinner: '00000000-0000-4000-8000-000000000000' } },
      });
      expect(refused.statusCode).toBe(404);
      expect(refused.json().error).toMatchObject({
        code: 'RECIPE_NOT_FOUND',
        details: {
          recipe_ids: expect.arrayContaining([secret.recipe_id, '00000000-0000-4000-8000-000000000000']),
        },
      });
      expect(await countPlans(alice.userId)).toBe(before);
    });

    it.each([
      ['a date before the plan', { '2024-12-31': {} }, 200, 'MEAL_DATE_OUT_OF_RANGE'],
      ['a date after the plan', { '2025-01-08': { lunch: 'R' } }, 400, 'MEAL_DATE_OUT_OF_RANGE'],
      ['a date that does not exist', { '2025-02-30': { lunch: 'R' } }, 400, 'MEAL_DATE_OUT_OF_RANGE'],
      ['a key that is not a date', { tomorrow: { lunch: 'R' } }, 400, 'VALIDATION_FAILED'],
      ['an unknown slot', { '2025-01-02': { brunch: 'R' } }, 400, 'VALIDATION_FAILED'],
      ['a slot that is not a recipe id', { '2025-01-02': { lunch: 'pasta' } }, 400, 'VALIDATION_FAILED'],
    ])('refuses %s', async (_case, meals, status, code) => {
      const recipe = await api.recipe(alice);
      const body = JSON.parse(JSON.stringify(meals).replaceAll('"R"', `"${recipe.recipe_id}"`));
      const before = await countPlans(alice.userId);
      const response = await api.post(alice, '/recipes/api/meal-plans', {
        plan_name: 'Bad',
        start_date: '2025-01-01',
        duration_days: 7,
        meals: body,
      });
      // An empty day outside the plan is simply dropped.
      if (status === 200) {
        expect(response.statusCode).toBe(201);
        expect(response.json().meals).toEqual({});
        return;
      }
      expect(response.statusCode).toBe(status);
      expect(response.json().error.code).toBe(code);
      expect(await countPlans(alice.userId)).toBe(before);
    });

    it.each([
      ['no name', { start_date: '2025-01-01' }],
      ['a blank name', { plan_name: ' ', start_date: '2025-01-01' }],
      ['an impossible start', { plan_name: 'x', start_date: '2025-13-01' }],
      ['no days', { plan_name: 'x', start_date: '2025-01-01', duration_days: 0 }],
      ['more than a year', { plan_name: 'x', start_date: '2025-01-01', duration_days: 367 }],
      ['a negative cost', { plan_name: 'x', start_date: '2025-01-01', total_cost_cents: -1 }],
      ['an unknown field', { plan_name: 'x', start_date: '2025-01-01', guests: 3 }],
    ])('refuses %s with 400', async (_case, body) => {
      const response = await api.post(alice, '/recipes/api/meal-plans', body);
      expect(response.statusCode).toBe(400);
    });

    it('changes a plan and keeps its meals inside it', async () => {
      const recipe = await api.recipe(alice);
      const plan = await api.mealPlan(alice, {
        plan_name: 'Short week',
        start_date: '2025-03-03',
        duration_days: 5,
        meals: { '2025-03-07': { dinner: recipe.recipe_id } },
      });
      const url = `/recipes/api/meal-plans/${plan.plan_id}`;
      const shrink = await api.patch(alice, url, { duration_days: 4 });
      expect(shrink.statusCode).toBe(400);
      expect(shrink.json().error.code).toBe('MEAL_DATE_OUT_OF_RANGE');
      const move = await api.patch(alice, url, {
        start_date: '2025-03-04',
        duration_days: 4,
        plan_name: 'Moved',
      });
      expect(move.statusCode).toBe(200);
      expect(move.json()).toMatchObject({
        start_date: '2025-03-04',
        end_date: '2025-03-07',
        plan_name: 'Moved',
      });
      const replace = await api.patch(alice, url, { meals: { '2025-03-04': { lunch: recipe.recipe_id } } });
      expect(replace.json().meals).toEqual({ '2025-03-04': { lunch: recipe.recipe_id } });
      expect((await api.patch(alice, url, {})).statusCode).toBe(400);
      expect((await api.patch(bob, url, { plan_name: 'Mine' })).statusCode).toBe(404);
      expect((await api.get(alice, url)).json().plan_name).toBe('Moved');
    });

    it('lists plans newest first, page by page, and by the days they cover', async () => {
      const planner = await given(platform).user();
      const starts = ['2025-01-01', '2025-02-01', '2025-03-01', '2025-04-01', '2025-05-01'];
      for (const start of starts) {
        await api.mealPlan(planner, { plan_name: start, start_date: start });
        await nextMillisecond();
      }
      const first = await api.get(planner, '/recipes/api/meal-plans?limit=3');
      const second = await api.get(
        planner,
        `/recipes/api/meal-plans?limit=3&cursor=${first.json().next_cursor}`,
      );
      expect(
        [...first.json().items, ...second.json().items].map((p: { plan_name: string }) => p.plan_name),
      ).toEqual([...starts].reverse());
      expect(second.json().next_cursor).toBeNull();
      const february = await api.get(planner, '/recipes/api/meal-plans?from=2025-02-05&to=2025-03-01');
      expect(february.json().items.map((p: { plan_name: string }) => p.plan_name)).toEqual([
        '2025-03-01',
        '2025-02-01',
      ]);
    });

    it('deletes a plan; lists made from it stay', async () => {
      const recipe = await api.recipe(alice);
      const plan = await api.mealPlan(alice, {
        plan_name: 'Gone soon',
        start_date: '2025-05-05',
        meals: { '2025-05-05': { dinner: recipe.recipe_id } },
      });
      const list = await api.post(alice, `/recipes/api/meal-plans/${plan.plan_id}/shopping-list`, {});
      expect((await api.delete(alice, `/recipes/api/meal-plans/${plan.plan_id}`)).statusCode).toBe(204);
      expect((await api.get(alice, `/recipes/api/meal-plans/${plan.plan_id}`)).statusCode).toBe(404);
      const kept = await api.get(alice, `/recipes/api/shopping-lists/${list.json().list_id}`);
      expect(kept.statusCode).toBe(200);
      expect(kept.json().plan_id).toBeNull();
    });
  });

  describe('the shopping list of a plan', () => {
    let cook: TestUser;
    beforeAll(async () => {
      cook = await given(platform).user();
    });

    it('merges like ingredients across meals, converts units, keeps incompatible ones apart, and subtracts the pantry', async () => {
      const pancakes = await api.recipe(cook, {
        recipe_name: 'Pancakes',
        serves: 2,
        ingredients: [
          { name: 'Flour', quantity: 250, unit: 'g' },
          { name: 'eggs', quantity: 2, unit: 'count' },
          { name: 'Milk', quantity: 1, unit: 'cup' },
          { name: 'butter', quantity: 2, unit: 'tbsp' },
          { name: 'salt', quantity: null, unit: null, note: 'a pinch' },
        ],
      });
      const quiche = await api.recipe(cook, {
        recipe_name: 'Quiche',
        serves: 4,
        ingredients: [
          { name: 'all-purpose flour', quantity: 200, unit: 'g' },
          { name: 'flour', quantity: 0.5, unit: 'kg' },
          { name: 'egg', quantity: 100, unit: 'g', note: 'beaten' },
          { name: 'Eggs', quantity: 3, unit: null },
          { name: 'milk', quantity: 300, unit: 'ml' },
          { name: 'garlic', quantity: 2, unit: 'cloves' },
        ],
      });
      await api.pantryItem(cook, { item_name: 'Eggs', quantity: 4, unit: 'count', location: 'fridge' });
      await api.pantryItem(cook, { item_name: 'flour', quantity: 0.5, unit: 'lb' });
      await api.pantryItem(cook, { item_name: 'salt', quantity: 1, unit: 'kg' });
      await api.pantryItem(cook, { item_name: 'garlic', quantity: 1, unit: 'head' });
      await api.pantryItem(cook, { item_name: 'butter', quantity: 0, unit: 'g' });
      const plan = await api.mealPlan(cook, {
        plan_name: 'Brunch weekend',
        start_date: '2025-06-07',
        duration_days: 2,
        meals: {
          '2025-06-07': { breakfast: pancakes.recipe_id, dinner: quiche.recipe_id },
          '2025-06-08': { breakfast: pancakes.recipe_id },
        },
      });

      const response = await api.post(cook, `/recipes/api/meal-plans/${plan.plan_id}/shopping-list`, {
        store: 'Corner shop',
      });
      expect(response.statusCode).toBe(201);
      const list = response.json();
      expect(list).toMatchObject({
        list_id: expect.any(String),
        list_name: 'Shopping for Brunch weekend',
        store: 'Corner shop',
        plan_id: plan.plan_id,
        total_cost_cents: 0,
        purchased_at: null,
        skipped_recipe_ids: [],
      });
      // flour: 250 g × 2 + 0.5 kg = 1 kg, minus 0.5 lb (226.8 g) = 773.2 g → 775 g (rounded up)
      // all-purpose flour is another product; eggs: 2 × 2 + 3 count, minus 4 → 3 count; 100 g eggs stays apart
      // milk: 2 cups (473.18 ml) + 300 ml = 773.18 ml → 775 ml; butter: 4 tbsp (pantry has none)
      // garlic: 2 cloves (the pantry has a head: another unit); salt: in the pantry.
      expect(list.items).toEqual([
        {
          name: 'all-purpose flour',
          quantity: 200,
          unit: 'g',
          checked: false,
          cost_cents: null,
          note: null,
          aisle: 'pantry',
        },
        {
          name: 'butter',
          quantity: 4,
          unit: 'tbsp',
          checked: false,
          cost_cents: null,
          note: null,
          aisle: 'dairy',
        },
        {
          name: 'eggs',
          quantity: 3,
          unit: 'count',
          checked: false,
          cost_cents: null,
          note: null,
          aisle: 'dairy',
        },
        {
          name: 'egg',
          quantity: 100,
          unit: 'g',
          checked: false,
          cost_cents: null,
          note: null,
          aisle: 'dairy',
        },
        {
          name: 'Flour',
          quantity: 775,
          unit: 'g',
          checked: false,
          cost_cents: null,
          note: null,
          aisle: 'pantry',
        },
        {
          name: 'garlic',
          quantity: 2,
          unit: 'clove',
          checked: false,
          cost_cents: null,
          note: null,
          aisle: 'produce',
        },
        {
          name: 'Milk',
          quantity: 775,
          unit: 'ml',
          checked: false,
          cost_cents: null,
          note: null,
          aisle: 'dairy',
        },
      ]);
      expect(list.open_items).toBe(7);

      const stored = await api.get(cook, `/recipes/api/shopping-lists/${list.list_id}`);
      const { skipped_recipe_ids: _skipped, ...withoutSkipped } = list;
      expect(stored.json()).toEqual(withoutSkipped);
      const updatedPlan = await api.get(cook, `/recipes/api/meal-plans/${plan.plan_id}`);
      expect(updatedPlan.json().shopping_list).toEqual(
        list.items.map((i: { name: string; quantity: number; unit: string }) => ({
          name: i.name,
          quantity: i.quantity,
          unit: i.unit,
        })),
      );
      const byPlan = await api.get(cook, `/recipes/api/shopping-lists?plan_id=${plan.plan_id}`);
      expect(byPlan.json().items.map((l: { list_id: string }) => l.list_id)).toEqual([list.list_id]);
    });

    it('scales every recipe to the servings asked for, or ignores the pantry when told to', async () => {
      const soup = await api.recipe(cook, {
        recipe_name: 'Soup',
        serves: 2,
        ingredients: [
          { name: 'carrots', quantity: 3, unit: null },
          { name: 'stock', quantity: 1, unit: 'l' },
        ],
      });
      const unsized = await api.recipe(cook, {
        recipe_name: 'Bread',
        serves: null,
        ingredients: [{ name: 'stock', quantity: 100, unit: 'ml' }],
      });
      await api.pantryItem(cook, { item_name: 'carrot', quantity: 2, unit: 'pieces' });
      const plan = await api.mealPlan(cook, {
        plan_name: 'Soup day',
        start_date: '2025-07-01',
        duration_days: 1,
        meals: { '2025-07-01': { lunch: soup.recipe_id, dinner: unsized.recipe_id } },
      });
      const url = `/recipes/api/meal-plans/${plan.plan_id}/shopping-list`;
      const scaled = await api.post(cook, url, { servings: 5, list_name: 'For five' });
      expect(scaled.statusCode).toBe(201);
      expect(scaled.json().list_name).toBe('For five');
      expect(
        scaled
          .json()
          .items.map((i: { name: string; quantity: number; unit: string }) => [i.name, i.quantity, i.unit]),
      ).toEqual([
        ['carrots', 5.5, 'count'],
        ['stock', 2.6, 'l'],
      ]);
      const everything = await api.post(cook, url, { subtract_pantry: false });
      expect(
        everything.json().items.map((i: { name: string; quantity: number }) => [i.name, i.quantity]),
      ).toEqual([
        ['carrots', 3],
        ['stock', 1.1],
      ]);
      const bare = await api.inject(cook, { method: 'POST', url });
      expect(bare.statusCode).toBe(201);
    });

    it('leaves out recipes that are gone or no longer readable, and says which', async () => {
      const mine = await api.recipe(cook, { ingredients: [{ name: 'rice', quantity: 1, unit: 'kg' }] });
      const borrowed = await api.recipe(bob, { is_published: true });
      const plan = await api.mealPlan(cook, {
        plan_name: 'Fragile',
        start_date: '2025-08-01',
        duration_days: 2,
        meals: { '2025-08-01': { lunch: mine.recipe_id, dinner: borrowed.recipe_id } },
      });
      await api.patch(bob, `/recipes/api/recipes/${borrowed.recipe_id}`, { is_published: false });
      const response = await api.post(cook, `/recipes/api/meal-plans/${plan.plan_id}/shopping-list`, {});
      expect(response.statusCode).toBe(201);
      expect(response.json().skipped_recipe_ids).toEqual([borrowed.recipe_id]);
      expect(response.json().items).toEqual([
        {
          name: 'rice',
          quantity: 1,
          unit: 'kg',
          checked: false,
          cost_cents: null,
          note: null,
          aisle: 'pantry',
        },
      ]);
    });

    it('refuses bad options and other users’ plans', async () => {
      const plan = await api.mealPlan(cook, { plan_name: 'Empty', start_date: '2025-09-01' });
      const url = `/recipes/api/meal-plans/${plan.plan_id}/shopping-list`;
      expect((await api.post(cook, url, { servings: 0 })).statusCode).toBe(400);
      expect((await api.post(cook, url, { list_name: '' })).statusCode).toBe(400);
      expect((await api.post(cook, url, { colour: 'red' })).statusCode).toBe(400);
      const stranger = await api.post(bob, url, {});
      expect(stranger.statusCode).toBe(404);
      expect(stranger.json().error.code).toBe('MEAL_PLAN_NOT_FOUND');
      const empty = await api.post(cook, url, {});
      expect(empty.statusCode).toBe(201);
      expect(empty.json().items).toEqual([]);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { nextMillisecond } from '../../../test/support/ordering.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import type { RecipesClient } from '../client.ts';
import { carbonara, recipesApi } from '../testing.ts';

describe.each(testEngines())('recipes on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof recipesApi>;
  let alice: TestUser;
  let bob: TestUser;
  const db = () => platform.databases.get('recipes');
  const countRecipes = async (userId: string) =>
    (await db().query<{ n: number }>('SELECT count(*)::int AS n FROM recipes WHERE user_id = $1', [userId]))
      .rows[0]?.n;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'recipes'] });
    api = recipesApi(platform);
    alice = await given(platform).user();
    bob = await given(platform).user();
  });
  afterAll(() => platform.close());

  describe('adding and reading', () => {
    it('stores every field, tidied, and reads it back with your rating', async () => {
      const response = await api.post(alice, '/recipes/api/recipes', carbonara);
      expect(response.statusCode).toBe(201);
      const recipe = response.json();
      expect(recipe).toMatchObject({
        recipe_id: expect.any(String),
        user_id: alice.userId,
        recipe_name: 'Spaghetti carbonara',
        description: 'Roman classic',
        cuisine: 'italian',
        difficulty: 'medium',
        prep_time_minutes: 10,
        cook_time_minutes: 15,
        total_time_minutes: 25,
        serves: 4,
        calories: 620,
        instructions: ['Boil the pasta.', 'Toss with eggs and cheese.'],
        nutrition: { protein_g: 28, carbs_g: 75, fat_g: 22 },
        allergens: ['gluten', 'eggs', 'milk'],
        tags: ['pasta', 'quick'],
        image_url: null,
        rating_avg: 0,
        rating_count: 0,
        is_published: false,
        is_mine: true,
        source: 'manual',
      });
      expect(recipe.ingredients).toEqual([
        { name: 'spaghetti', quantity: 400, unit: 'g', note: null },
        { name: 'eggs', quantity: 4, unit: 'count', note: 'yolks only' },
        { name: 'pecorino romano', quantity: 100, unit: 'g', note: null },
        { name: 'black pepper', quantity: null, unit: null, note: 'to taste' },
      ]);
      const read = await api.get(alice, `/recipes/api/recipes/${recipe.recipe_id}`);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toEqual({
        ...recipe,
        my_rating: null,
        is_favourite: false,
        scaled_from_serves: null,
      });
    });

    it('fills in defaults for a minimal recipe', async () => {
      const response = await api.post(alice, '/recipes/api/recipes', { recipe_name: '  Toast  ' });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({
        recipe_name: 'Toast',
        difficulty: 'medium',
        ingredients: [],
        instructions: [],
        nutrition: {},
        allergens: [],
        tags: [],
        total_time_minutes: null,
        serves: null,
        cuisine: null,
      });
    });

    it.each([
      ['no name', { ...carbonara, recipe_name: undefined }],
      ['a blank name', { ...carbonara, recipe_name: '   ' }],
      ['a name too long', { ...carbonara, recipe_name: 'x'.repeat(201) }],
      ['an unknown field', { ...carbonara, chef: 'me' }],
      ['an unknown difficulty', { ...carbonara, difficulty: 'nightmare' }],
      ['a negative quantity', { ...carbonara, ingredients: [{ name: 'salt', quantity: -1, unit: 'g' }] }],
      ['a blank ingredient', { ...carbonara, ingredients: [{ name: ' ', quantity: 1, unit: 'g' }] }],
      ['an ingredient with extra keys', { ...carbonara, ingredients: [{ name: 'salt', amount: 1 }] }],
      ['too many ingredients', { ...carbonara, ingredients: Array(101).fill({ name: 'salt' }) }],
      ['too many tags', { ...carbonara, tags: Array.from({ length: 31 }, (_, i) => `t${i}`) }],
      ['a string for a number', { ...carbonara, serves: '4' }],
      ['serves 0', { ...carbonara, serves: 0 }],
      ['a week and a day of prep', { ...carbonara, prep_time_minutes: 10_081 }],
      ['an image that is not http', { ...carbonara, image_url: 'javascript:alert(1)' }],
      ['unknown nutrition', { ...carbonara, nutrition: { vitamin_q: 1 } }],
      ['a step too long', { ...carbonara, instructions: ['x'.repeat(2001)] }],
    ])('refuses %s with 400 and writes nothing', async (_case, body) => {
      const before = await countRecipes(bob.userId);
      const response = await api.post(bob, '/recipes/api/recipes', body);
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.any(String) });
      expect(await countRecipes(bob.userId)).toBe(before);
    });

    it('refuses a body that is not JSON', async () => {
      const response = await api.inject(bob, {
        method: 'POST',
        url: '/recipes/api/recipes',
        headers: { 'content-type': 'application/json' },
        payload: '{"recipe_name": ',
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('MALFORMED_BODY');
    });

    it('answers 401 without a token and 404 for ids that are not recipes', async () => {
      expect((await api.get(undefined, '/recipes/api/recipes')).statusCode).toBe(401);
      for (const id of ['not-a-uuid', '00000000-0000-0000-0000-000000000001', "1' OR '1'='1"]) {
        const response = await api.get(alice, `/recipes/api/recipes/${encodeURIComponent(id)}`);
        expect(response.statusCode).toBe(404);
        expect(response.json().error.code).toBe('RECIPE_NOT_FOUND');
      }
    });
  });

  describe('changing and deleting', () => {
    it('changes only the fields sent; null clears one', async () => {
      const recipe = await api.recipe(alice, { image_url: 'https://example.com/a.jpg' });
      const response = await api.patch(alice, `/recipes/api/recipes/${recipe.recipe_id}`, {
        serves: 2,
        description: null,
        image_url: null,
        tags: ['Dinner', 'dinner', ' Weeknight '],
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        serves: 2,
        description: null,
        image_url: null,
        tags: ['dinner', 'weeknight'],
        recipe_name: 'Spaghetti carbonara',
        calories: 620,
      });
      expect(new Date(response.json().updated_at).getTime()).toBeGreaterThanOrEqual(
        new Date(recipe.updated_at).getTime(),
      );
      const empty = await api.patch(alice, `/recipes/api/recipes/${recipe.recipe_id}`, {});
      expect(empty.statusCode).toBe(400);
      const blank = await api.patch(alice, `/recipes/api/recipes/${recipe.recipe_id}`, { recipe_name: ' ' });
      expect(blank.statusCode).toBe(400);
      expect((await api.get(alice, `/recipes/api/recipes/${recipe.recipe_id}`)).json().recipe_name).toBe(
        'Spaghetti carbonara',
      );
    });

    it('deletes a recipe with 204, then answers 404', async () => {
      const recipe = await api.recipe(alice);
      expect((await api.delete(alice, `/recipes/api/recipes/${recipe.recipe_id}`)).statusCode).toBe(204);
      expect((await api.get(alice, `/recipes/api/recipes/${recipe.recipe_id}`)).statusCode).toBe(404);
      expect((await api.delete(alice, `/recipes/api/recipes/${recipe.recipe_id}`)).statusCode).toBe(404);
    });
  });

  describe('who sees what', () => {
    it('keeps a recipe private until published; then everyone signed in reads it and only its author changes it', async () => {
      const recipe = await api.recipe(alice, { recipe_name: 'Secret sauce' });
      const url = `/recipes/api/recipes/${recipe.recipe_id}`;
      expect((await api.get(bob, url)).statusCode).toBe(404);
      const bobsAll = await api.get(bob, '/recipes/api/recipes?limit=100');
      expect(bobsAll.json().items.map((r: { recipe_id: string }) => r.recipe_id)).not.toContain(
        recipe.recipe_id,
      );

      await api.patch(alice, url, { is_published: true });
      const read = await api.get(bob, url);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toMatchObject({
        recipe_name: 'Secret sauce',
        is_mine: false,
        user_id: alice.userId,
      });
      const published = await api.get(bob, '/recipes/api/recipes?scope=published&limit=100');
      expect(published.statusCode).toBe(200);
      expect(published.json().items.map((r: { recipe_id: string }) => r.recipe_id)).toContain(
        recipe.recipe_id,
      );
      const bobsOwn = await api.get(bob, '/recipes/api/recipes?scope=mine&limit=100');
      expect(bobsOwn.json().items.map((r: { recipe_id: string }) => r.recipe_id)).not.toContain(
        recipe.recipe_id,
      );

      expect((await api.patch(bob, url, { recipe_name: 'Mine now' })).statusCode).toBe(404);
      expect((await api.delete(bob, url)).statusCode).toBe(404);
      expect((await api.get(alice, url)).json().recipe_name).toBe('Secret sauce');
    });
  });

  describe('filters', () => {
    let cook: TestUser;
    const names = async (query: string) => {
      const response = await api.get(cook, `/recipes/api/recipes?scope=mine&limit=100&${query}`);
      expect(response.statusCode).toBe(200);
      return response
        .json()
        .items.map((r: { recipe_name: string }) => r.recipe_name)
        .sort();
    };

    beforeAll(async () => {
      cook = await given(platform).user();
      await api.recipe(cook, {
        recipe_name: 'Pad thai',
        cuisine: 'Thai',
        difficulty: 'medium',
        prep_time_minutes: 20,
        cook_time_minutes: 10,
        calories: 700,
        allergens: ['peanuts', 'shellfish', 'eggs'],
        tags: ['noodles', 'dinner'],
        ingredients: [{ name: 'rice noodles', quantity: 200, unit: 'g' }],
      });
      await api.recipe(cook, {
        recipe_name: 'Green curry',
        description: 'Fragrant and hot',
        cuisine: 'thai',
        difficulty: 'hard',
        prep_time_minutes: 30,
        cook_time_minutes: 40,
        calories: 550,
        allergens: ['fish'],
        tags: ['curry', 'dinner', 'spicy'],
        ingredients: [{ name: 'Chicken thighs', quantity: 500, unit: 'g' }],
      });
      await api.recipe(cook, {
        recipe_name: 'Caprese salad',
        cuisine: 'italian',
        difficulty: 'easy',
        prep_time_minutes: 10,
        cook_time_minutes: null,
        calories: 300,
        allergens: ['milk'],
        tags: ['salad', 'vegetarian', '100%'],
        ingredients: [{ name: 'mozzarella', quantity: 250, unit: 'g' }],
      });
      await api.recipe(cook, {
        recipe_name: 'Mystery stew',
        cuisine: null,
        difficulty: 'easy',
        prep_time_minutes: null,
        cook_time_minutes: null,
        calories: null,
        allergens: [],
        tags: ['dinner'],
        ingredients: [],
      });
    });

    it('filters by cuisine (any case) and difficulty', async () => {
      expect(await names('cuisine=THAI')).toEqual(['Green curry', 'Pad thai']);
      expect(await names('difficulty=easy')).toEqual(['Caprese salad', 'Mystery stew']);
      expect(await names('cuisine=thai&difficulty=hard')).toEqual(['Green curry']);
    });

    it('filters by total time and calories, leaving out recipes that do not say', async () => {
      expect(await names('max_total_minutes=30')).toEqual(['Caprese salad', 'Pad thai']);
      expect(await names('max_total_minutes=29')).toEqual(['Caprese salad']);
      expect(await names('max_calories=600')).toEqual(['Caprese salad', 'Green curry']);
    });

    it('excludes allergens (none of them) and requires tags (all of them)', async () => {
      expect(await names('exclude_allergens=peanuts')).toEqual([
        'Caprese salad',
        'Green curry',
        'Mystery stew',
      ]);
      expect(await names('exclude_allergens=Peanuts,fish')).toEqual(['Caprese salad', 'Mystery stew']);
      expect(await names('exclude_allergens=peanuts&exclude_allergens=milk')).toEqual([
        'Green curry',
        'Mystery stew',
      ]);
      expect(await names('tags=dinner')).toEqual(['Green curry', 'Mystery stew', 'Pad thai']);
      expect(await names('tags=dinner&tags=spicy')).toEqual(['Green curry']);
      expect(await names('tags=dinner,noodles')).toEqual(['Pad thai']);
    });

    it('searches names, descriptions, cuisines, ingredients and tags; every word must match', async () => {
      expect(await names('q=curry')).toEqual(['Green curry']);
      expect(await names('q=fragrant')).toEqual(['Green curry']);
      expect(await names('q=chicken')).toEqual(['Green curry']);
      expect(await names('q=vegetarian')).toEqual(['Caprese salad']);
      expect(await names('q=thai%20noodles')).toEqual(['Pad thai']);
      expect(await names('q=PAD')).toEqual(['Pad thai']);
      expect(await names('q=100%25')).toEqual(['Caprese salad']);
      expect(await names('q=_')).toEqual([]);
      expect(await names('q=nothing-like-this')).toEqual([]);
    });

    it('combines filters', async () => {
      expect(await names('tags=dinner&max_calories=650&exclude_allergens=shellfish&q=curry')).toEqual([
        'Green curry',
      ]);
    });

    it.each([
      'difficulty=nightmare',
      'max_calories=-1',
      'max_total_minutes=abc',
      'limit=0',
      'limit=101',
      'scope=everyone',
      'sort=random',
      'cursor=not-a-cursor',
      'color=red',
    ])('refuses %s with 400', async (query) => {
      const response = await api.get(cook, `/recipes/api/recipes?${query}`);
      expect(response.statusCode).toBe(400);
    });
  });

  describe('pages', () => {
    it('walks every recipe once, newest first, with an opaque cursor', async () => {
      const pager = await given(platform).user();
      const ids: string[] = [];
      for (let i = 0; i < 25; i++) {
        ids.push((await api.recipe(pager, { recipe_name: `Recipe ${i}` })).recipe_id);
        await nextMillisecond();
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const response = await api.get(pager, `/recipes/api/recipes?scope=mine&limit=10${query}`);
        expect(response.statusCode).toBe(200);
        const page = response.json();
        seen.push(...page.items.map((r: { recipe_id: string }) => r.recipe_id));
        cursor = page.next_cursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual([...ids].reverse());
      const defaultPage = await api.get(pager, '/recipes/api/recipes?scope=mine');
      expect(defaultPage.json().items).toHaveLength(20);
    });

    it('pages by rating too, and refuses a cursor of the other order', async () => {
      const critic = await given(platform).user();
      const recipes = [];
      for (let i = 0; i < 5; i++) recipes.push(await api.recipe(critic, { recipe_name: `Rated ${i}` }));
      for (const [i, recipe] of recipes.entries()) {
        if (i < 4)
          await api.put(critic, `/recipes/api/recipes/${recipe.recipe_id}/rating`, { rating: i + 1 });
      }
      const first = await api.get(critic, '/recipes/api/recipes?scope=mine&sort=top_rated&limit=2');
      const second = await api.get(
        critic,
        `/recipes/api/recipes?scope=mine&sort=top_rated&limit=10&cursor=${first.json().next_cursor}`,
      );
      const order = [...first.json().items, ...second.json().items].map(
        (r: { recipe_name: string }) => r.recipe_name,
      );
      expect(order).toEqual(['Rated 3', 'Rated 2', 'Rated 1', 'Rated 0', 'Rated 4']);
      const mixed = await api.get(
        critic,
        `/recipes/api/recipes?scope=mine&cursor=${first.json().next_cursor}`,
      );
      expect(mixed.statusCode).toBe(400);
    });
  });

  describe('scaling', () => {
    it('reads a recipe for another number of servings, rounded the way a cook measures', async () => {
      const recipe = await api.recipe(alice, {
        serves: 4,
        ingredients: [
          { name: 'spaghetti', quantity: 400, unit: 'g' },
          { name: 'eggs', quantity: 3, unit: null },
          { name: 'olive oil', quantity: 2, unit: 'tbsp' },
          { name: 'milk', quantity: 1, unit: 'cup' },
          { name: 'salt', quantity: null, unit: null, note: 'to taste' },
        ],
      });
      const six = await api.get(alice, `/recipes/api/recipes/${recipe.recipe_id}?servings=6`);
      expect(six.statusCode).toBe(200);
      expect(six.json()).toMatchObject({ serves: 6, scaled_from_serves: 4, calories: 620 });
      expect(six.json().ingredients).toEqual([
        { name: 'spaghetti', quantity: 600, unit: 'g', note: null },
        { name: 'eggs', quantity: 4.5, unit: null, note: null },
        { name: 'olive oil', quantity: 3, unit: 'tbsp', note: null },
        { name: 'milk', quantity: 1.5, unit: 'cup', note: null },
        { name: 'salt', quantity: null, unit: null, note: 'to taste' },
      ]);
      const one = await api.get(alice, `/recipes/api/recipes/${recipe.recipe_id}?servings=3`);
      expect(one.json().ingredients.map((i: { quantity: number | null }) => i.quantity)).toEqual([
        300,
        2.5,
        1.5,
        0.75,
        null,
      ]);
      // Reading scaled changes nothing stored.
      expect((await api.get(alice, `/recipes/api/recipes/${recipe.recipe_id}`)).json().serves).toBe(4);
    });

    it('scales published recipes for other readers, and refuses what cannot be scaled', async () => {
      const recipe = await api.recipe(alice, { is_published: true });
      expect(
        (await api.get(bob, `/recipes/api/recipes/${recipe.recipe_id}?servings=2`)).json().ingredients[0],
      ).toEqual({ name: 'spaghetti', quantity: 200, unit: 'g', note: null });
      const unknown = await api.recipe(alice, { serves: null });
      const response = await api.get(alice, `/recipes/api/recipes/${unknown.recipe_id}?servings=2`);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('RECIPE_SERVINGS_UNKNOWN');
      expect((await api.get(alice, `/recipes/api/recipes/${recipe.recipe_id}?servings=0`)).statusCode).toBe(
        400,
      );
      expect(
        (await api.get(alice, `/recipes/api/recipes/${recipe.recipe_id}?servings=1001`)).statusCode,
      ).toBe(400);
    });

    it('gives other services the same reading through the client', async () => {
      const client = platform.clients.get<RecipesClient>('recipes');
      const recipe = await api.recipe(alice);
      const read = await client.getRecipeForUser(alice.userId, recipe.recipe_id, { servings: 8 });
      expect(read?.ingredients[0]).toEqual({ name: 'spaghetti', quantity: 800, unit: 'g', note: null });
      expect(await client.getRecipeForUser(bob.userId, recipe.recipe_id)).toBeNull();
      expect(await client.getRecipeForUser(bob.userId, 'not-a-uuid')).toBeNull();
    });
  });

  it('keeps listing when recipe_references holds shared recipes', async () => {
    const sharer = await given(platform).user();
    const own = await api.recipe(sharer);
    await db().query(
      `INSERT INTO recipe_references (user_id, source_domain, source_recipe_id)
       VALUES ($1, 'hollowtown', gen_random_uuid()), ($1, 'recipes', $2)`,
      [sharer.userId, own.recipe_id],
    );
    const response = await api.get(sharer, '/recipes/api/recipes?scope=mine');
    expect(response.statusCode).toBe(200);
    expect(response.json().items.map((r: { recipe_id: string }) => r.recipe_id)).toEqual([own.recipe_id]);
    expect((await api.get(sharer, '/recipes/api/recipes')).statusCode).toBe(200);
  });
});

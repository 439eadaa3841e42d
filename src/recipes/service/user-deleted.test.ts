import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import type { RecipesInstanceClient } from '../index.ts';
import { DELETED_USER_ID } from '../store/users.ts';
import { recipesApi } from '../testing.ts';
import { createUserEventHandler, removeUserData } from './user-deleted.ts';

const TABLES = [
  'recipes',
  'recipe_ratings',
  'meal_plans',
  'pantry_items',
  'shopping_lists',
  'recipe_references',
  'recipe_favourites',
  'cookbooks',
  'recipe_comments',
];

describe.each(testEngines())('a deleted account on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof recipesApi>;
  const db = () => platform.databases.get('recipes');
  const rowsOf = async (userId: string) => {
    const counts: Record<string, number> = {};
    for (const table of TABLES) {
      const { rows } = await db().query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1`,
        [userId],
      );
      counts[table] = rows[0]?.n ?? -1;
    }
    return counts;
  };
  /** Applies identity's events until `check` passes (the background consumer may be mid-run). */
  const eventually = async (check: () => Promise<void>) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      await platform.clients.get<RecipesInstanceClient>('recipes').drainUserEvents();
      try {
        return await check();
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  const deleteAccount = async (user: TestUser) => {
    const response = await platform.app.inject({
      method: 'DELETE',
      url: '/calos/api/account',
      headers: user.headers,
      payload: { password: user.password },
    });
    expect(response.statusCode).toBe(204);
  };

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'recipes'] });
    api = recipesApi(platform);
  });
  afterAll(() => platform.close());

  it('removes the user’s data, anonymises their published recipes and recomputes ratings', async () => {
    const alice = await given(platform).user();
    const bob = await given(platform).user();
    const carol = await given(platform).user();

    const secret = await api.recipe(alice, { recipe_name: 'Private' });
    const shared = await api.recipe(alice, {
      recipe_name: 'Shared',
      is_published: true,
      ingredients: [{ name: 'rice', quantity: 1, unit: 'kg' }],
    });
    const bobs = await api.recipe(bob, { recipe_name: 'Bob’s', is_published: true });
    await api.put(alice, `/recipes/api/recipes/${shared.recipe_id}/rating`, { rating: 1 });
    await api.put(bob, `/recipes/api/recipes/${shared.recipe_id}/rating`, { rating: 5 });
    await api.put(carol, `/recipes/api/recipes/${shared.recipe_id}/rating`, { rating: 4 });
    await api.put(alice, `/recipes/api/recipes/${bobs.recipe_id}/rating`, { rating: 2 });
    await api.put(carol, `/recipes/api/recipes/${bobs.recipe_id}/rating`, { rating: 4 });
    await api.put(alice, `/recipes/api/recipes/${bobs.recipe_id}/favourite`);
    const book = (
      await api.post(alice, '/recipes/api/cookbooks', { title: 'Alice’s book', visibility: 'public' })
    ).json();
    expect(
      (await api.put(alice, `/recipes/api/cookbooks/${book.cookbook_id}/recipes/${shared.recipe_id}`))
        .statusCode,
    ).toBe(200);
    expect(
      (await api.post(alice, `/recipes/api/recipes/${bobs.recipe_id}/comments`, { body: 'Lovely' }))
        .statusCode,
    ).toBe(201);
    const bobsBook = (await api.post(bob, '/recipes/api/cookbooks', { title: 'Bob’s book' })).json();
    await api.put(bob, `/recipes/api/cookbooks/${bobsBook.cookbook_id}/recipes/${shared.recipe_id}`);
    const bobsComment = await api.post(bob, `/recipes/api/recipes/${shared.recipe_id}/comments`, {
      body: 'Yum',
    });
    expect(bobsComment.statusCode).toBe(201);
    const plan = await api.mealPlan(alice, {
      plan_name: 'Alice’s week',
      start_date: '2025-01-01',
      meals: { '2025-01-01': { dinner: secret.recipe_id } },
    });
    await api.post(alice, `/recipes/api/meal-plans/${plan.plan_id}/shopping-list`, {});
    await api.pantryItem(alice, { item_name: 'saffron' });
    await api.shoppingList(alice, { list_name: 'Alice’s list' });
    await db().query(
      "INSERT INTO recipe_references (user_id, source_domain, source_recipe_id) VALUES ($1, 'recipes', $2)",
      [alice.userId, bobs.recipe_id],
    );
    const bobsPlan = await api.mealPlan(bob, {
      plan_name: 'Bob’s week',
      start_date: '2025-01-01',
      meals: { '2025-01-01': { lunch: shared.recipe_id } },
    });
    const bobsBefore = await rowsOf(bob.userId);

    await deleteAccount(alice);
    await eventually(async () => {
      expect(await rowsOf(alice.userId)).toEqual(Object.fromEntries(TABLES.map((t) => [t, 0])));
    });

    expect((await api.get(bob, `/recipes/api/recipes/${secret.recipe_id}`)).statusCode).toBe(404);
    expect((await api.get(bob, `/recipes/api/cookbooks/${book.cookbook_id}`)).statusCode).toBe(404);
    // Bob's cookbook keeps the anonymised recipe, and his comment on it stays.
    const bobsEntries = await api.get(bob, `/recipes/api/cookbooks/${bobsBook.cookbook_id}/recipes`);
    expect(bobsEntries.json().items.map((r: { recipe_id: string }) => r.recipe_id)).toEqual([
      shared.recipe_id,
    ]);
    const stillThere = await api.get(bob, `/recipes/api/recipes/${shared.recipe_id}/comments`);
    expect(stillThere.json().items.map((c: { body: string }) => c.body)).toEqual(['Yum']);
    const anonymised = await api.get(bob, `/recipes/api/recipes/${shared.recipe_id}`);
    expect(anonymised.statusCode).toBe(200);
    expect(anonymised.json()).toMatchObject({
      recipe_name: 'Shared',
      user_id: DELETED_USER_ID,
      is_mine: false,
      rating_avg: 4.5,
      rating_count: 2,
    });
    expect((await api.get(bob, `/recipes/api/recipes/${bobs.recipe_id}`)).json()).toMatchObject({
      rating_avg: 4,
      rating_count: 1,
    });
    // Nobody can edit the anonymised recipe; Bob's plan still shops for it.
    expect(
      (await api.patch(bob, `/recipes/api/recipes/${shared.recipe_id}`, { recipe_name: 'x' })).statusCode,
    ).toBe(404);
    const list = await api.post(bob, `/recipes/api/meal-plans/${bobsPlan.plan_id}/shopping-list`, {});
    expect(list.json().items.map((i: { name: string }) => i.name)).toEqual(['rice']);
    expect(await rowsOf(bob.userId)).toEqual({
      ...bobsBefore,
      shopping_lists: (bobsBefore.shopping_lists ?? 0) + 1,
    });
  });

  it('applies the same event twice without changing anything the second time', async () => {
    const dave = await given(platform).user();
    const erin = await given(platform).user();
    const published = await api.recipe(dave, { is_published: true });
    await api.put(erin, `/recipes/api/recipes/${published.recipe_id}/rating`, { rating: 3 });
    await api.put(dave, `/recipes/api/recipes/${published.recipe_id}/rating`, { rating: 5 });
    await api.pantryItem(dave, { item_name: 'flour' });

    const handle = createUserEventHandler(db(), silentLogger);
    const event = {
      eventId: 1,
      topic: 'user.deleted',
      payload: { user_id: dave.userId.toUpperCase() },
      createdAt: new Date(),
    };
    await handle(event);
    const once = await db().query(
      'SELECT user_id, rating_avg, rating_count FROM recipes WHERE recipe_id = $1',
      [published.recipe_id],
    );
    expect(once.rows).toEqual([{ user_id: DELETED_USER_ID, rating_avg: 3, rating_count: 1 }]);
    await handle(event);
    expect(
      (
        await db().query('SELECT user_id, rating_avg, rating_count FROM recipes WHERE recipe_id = $1', [
          published.recipe_id,
        ])
      ).rows,
    ).toEqual(once.rows);
    expect(await removeUserData(db(), dave.userId)).toEqual({
      recipesDeleted: 0,
      recipesAnonymised: 0,
      ratingsDeleted: 0,
      mealPlansDeleted: 0,
      pantryItemsDeleted: 0,
      shoppingListsDeleted: 0,
      referencesDeleted: 0,
      cookbooksDeleted: 0,
      cookbooksKeptForBuyers: 0,
      commentsDeleted: 0,
    });
    // Other topics and malformed payloads are not ours to apply.
    await handle({ ...event, topic: 'user.created' });
    await handle({ ...event, payload: { user_id: 'nobody' } });
    expect((await api.get(erin, `/recipes/api/recipes/${published.recipe_id}`)).json().my_rating).toBe(3);
  });
});

const silentLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  child: () => silentLogger,
} as unknown as Parameters<typeof createUserEventHandler>[1];

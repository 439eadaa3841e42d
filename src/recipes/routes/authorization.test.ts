// Sweeps every endpoint the service documents: without a token each one is 401, and with a
// second user's token each one that names the first user's row is 404, as if it did not exist,
// and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { recipesApi } from '../testing.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A valid body for each endpoint that takes one, so that only ownership can refuse it. */
const BODIES: Record<string, unknown> = {
  'POST /api/recipes': { recipe_name: 'Toast' },
  'POST /api/recipes/generate': { theme: 'toast' },
  'PATCH /api/recipes/{id}': { recipe_name: 'Taken over' },
  'PUT /api/recipes/{id}/rating': { rating: 1 },
  'POST /api/recipes/{id}/report': { reason: 'Looks copied' },
  'POST /api/meal-plans': { plan_name: 'Plan', start_date: '2025-01-01' },
  'PATCH /api/meal-plans/{id}': { plan_name: 'Taken over' },
  'POST /api/meal-plans/{id}/shopping-list': {},
  'POST /api/meal-plans/from-template': { template: 'halloween-week', start_date: '2025-10-25' },
  'POST /api/pantry/items': { item_name: 'salt' },
  'PATCH /api/pantry/items/{id}': { quantity: 0 },
  'POST /api/shopping-lists': { list_name: 'List' },
  'PATCH /api/shopping-lists/{id}': { items: [] },
  'PUT /api/shopping-lists/{id}/checked': { name: 'apples', checked: true },
  'POST /api/shopping-lists/{id}/items': { name: 'apples' },
  'POST /api/cookbooks': { title: 'Book' },
  'PATCH /api/cookbooks/{id}': { title: 'Taken over' },
  'PUT /api/cookbooks/{id}/order': { recipe_ids: [] },
  'POST /api/recipes/{id}/comments': { body: 'Mine now' },
  'PATCH /api/comments/{id}': { body: 'Taken over' },
  'POST /api/comments/{id}/report': { reason: 'Looks copied' },
  'POST /api/market/listings': {
    item_kind: 'cookbook',
    item_id: '00000000-0000-4000-8000-000000000000',
    price: 5,
  },
  'PATCH /api/market/listings/{id}': { price: 1 },
  'POST /api/market/purchases/{id}/refund': { reason: 'swept' },
};

describe.each(testEngines())('authorization on every endpoint on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof recipesApi>;
  let alice: TestUser;
  let bob: TestUser;
  let endpoints: { method: Method; path: string }[];
  const ids: Record<string, string> = {};
  const snapshot = async () => {
    const db = platform.databases.get('recipes');
    const tables = [
      'recipes',
      'recipe_ratings',
      'meal_plans',
      'pantry_items',
      'shopping_lists',
      'cookbooks',
      'recipe_comments',
    ];
    const result: Record<string, unknown> = {};
    for (const table of tables) {
      result[table] = (
        await db.query(`SELECT * FROM ${table} WHERE user_id = $1 ORDER BY created_at`, [alice.userId])
      ).rows;
    }
    result.market_listings = (
      await db.query('SELECT * FROM market_listings WHERE seller_id = $1', [alice.userId])
    ).rows;
    result.market_purchases = (await db.query('SELECT * FROM market_purchases')).rows;
    return result;
  };

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'recipes'] });
    api = recipesApi(platform);
    alice = await given(platform).user();
    bob = await given(platform).user();
    const spec = (await platform.app.inject({ method: 'GET', url: '/recipes/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    endpoints = Object.entries(spec.paths)
      // An affiliate link is opened by a plain click: its signed token is the key, as a calendar's
      // secret URL is (test/affiliate.test.ts refuses forged and foreign tokens).
      .filter(([path]) => path !== '/go/{*}')
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => ({ method: method.toUpperCase() as Method, path })),
      );
    const recipe = await api.recipe(alice);
    await api.put(alice, `/recipes/api/recipes/${recipe.recipe_id}/rating`, { rating: 4 });
    const plan = await api.mealPlan(alice, {
      plan_name: 'Private plan',
      start_date: '2025-01-01',
      meals: { '2025-01-01': { dinner: recipe.recipe_id } },
    });
    const item = await api.pantryItem(alice, { item_name: 'saffron', expiration_date: '2025-01-02' });
    const list = await api.shoppingList(alice, {
      list_name: 'Private list',
      items: [{ name: 'a', cost_cents: 5 }],
    });
    ids['/api/recipes/'] = recipe.recipe_id;
    ids['/api/meal-plans/'] = plan.plan_id;
    ids['/api/pantry/items/'] = item.item_id;
    ids['/api/shopping-lists/'] = list.list_id;
    const book = (await api.post(alice, '/recipes/api/cookbooks', { title: 'Private book' })).json();
    await api.put(alice, `/recipes/api/cookbooks/${book.cookbook_id}/recipes/${recipe.recipe_id}`);
    ids['/api/cookbooks/'] = book.cookbook_id;
    // Alice's recipe book, off sale: only she (and buyers, none) sees it.
    const listing = (
      await api.post(alice, '/recipes/api/market/listings', {
        item_kind: 'cookbook',
        item_id: book.cookbook_id,
        price: 10,
      })
    ).json();
    await api.patch(alice, `/recipes/api/market/listings/${listing.listing_id}`, { is_listed: false });
    ids['/api/market/listings/'] = listing.listing_id;
    // A comment on a recipe Alice published, then took back: nobody else sees it any more.
    await api.patch(alice, `/recipes/api/recipes/${recipe.recipe_id}`, { is_published: true });
    const comment = (
      await api.post(alice, `/recipes/api/recipes/${recipe.recipe_id}/comments`, { body: 'Tip' })
    ).json();
    await api.patch(alice, `/recipes/api/recipes/${recipe.recipe_id}`, { is_published: false });
    ids['/api/comments/'] = comment.comment_id;
  });
  afterAll(() => platform.close());

  const urlOf = (path: string) => {
    const prefix = Object.keys(ids).find((p) => path.startsWith(p));
    const withId = (prefix ? path.replace('{id}', ids[prefix] as string) : path)
      .replace('{kind}', 'recipe')
      .replace('{recipeId}', ids['/api/recipes/'] as string);
    return `/recipes${withId}`;
  };
  const call = (user: TestUser | undefined, method: Method, path: string) =>
    api.inject(user, {
      method,
      url: urlOf(path),
      ...(`${method} ${path}` in BODIES ? { payload: BODIES[`${method} ${path}`] as object } : {}),
    });

  it('documents the endpoints of the issue', () => {
    expect(endpoints.map((e) => `${e.method} ${e.path}`).sort()).toEqual(
      [
        'GET /api/recipes',
        'POST /api/recipes',
        'POST /api/recipes/generate',
        'POST /api/recipes/import',
        'POST /api/recipes/import/archive',
        'POST /api/ingredients/parse',
        'GET /api/recipes/{id}',
        'PATCH /api/recipes/{id}',
        'DELETE /api/recipes/{id}',
        'POST /api/recipes/{id}/detach',
        'PUT /api/recipes/{id}/rating',
        'DELETE /api/recipes/{id}/rating',
        'PUT /api/recipes/{id}/favourite',
        'DELETE /api/recipes/{id}/favourite',
        'POST /api/recipes/{id}/vote',
        'DELETE /api/recipes/{id}/vote',
        'POST /api/recipes/{id}/report',
        'GET /api/meal-plans',
        'POST /api/meal-plans',
        'GET /api/meal-plans/{id}',
        'PATCH /api/meal-plans/{id}',
        'DELETE /api/meal-plans/{id}',
        'POST /api/meal-plans/{id}/shopping-list',
        'GET /api/meal-plans/templates',
        'POST /api/meal-plans/from-template',
        'GET /api/collections/halloween',
        'GET /api/pantry/items',
        'POST /api/pantry/items',
        'GET /api/pantry/items/{id}',
        'PATCH /api/pantry/items/{id}',
        'DELETE /api/pantry/items/{id}',
        'GET /api/pantry/expiring',
        'GET /api/shopping-lists',
        'POST /api/shopping-lists',
        'GET /api/shopping-lists/{id}',
        'PATCH /api/shopping-lists/{id}',
        'DELETE /api/shopping-lists/{id}',
        'PUT /api/shopping-lists/{id}/checked',
        'POST /api/shopping-lists/{id}/items',
        // The operator console's (src/recipes/routes/admin.ts), for staff of recipes: refused to
        // everyone else with 403 (test/cross-app/operator-console.test.ts sweeps them).
        'GET /api/admin/moderation',
        'POST /api/admin/moderation/{kind}/{id}/restore',
        'POST /api/admin/moderation/{kind}/{id}/remove',
        'GET /api/admin/affiliate',
        'GET /api/cookbooks',
        'GET /api/cookbooks/families',
        'POST /api/cookbooks',
        'GET /api/cookbooks/{id}',
        'PATCH /api/cookbooks/{id}',
        'DELETE /api/cookbooks/{id}',
        'GET /api/cookbooks/{id}/recipes',
        'GET /api/cookbooks/{id}/recipes/{recipeId}',
        'PUT /api/cookbooks/{id}/recipes/{recipeId}',
        'DELETE /api/cookbooks/{id}/recipes/{recipeId}',
        'PUT /api/cookbooks/{id}/order',
        'GET /api/recipes/{id}/comments',
        'POST /api/recipes/{id}/comments',
        'PATCH /api/comments/{id}',
        'DELETE /api/comments/{id}',
        'POST /api/comments/{id}/report',
        'GET /api/market/listings',
        'POST /api/market/listings',
        'GET /api/market/listings/{id}',
        'PATCH /api/market/listings/{id}',
        'POST /api/market/listings/{id}/purchase',
        'GET /api/market/purchases',
        'GET /api/market/sales',
        // For HowToCookAtHome's staff: 403 to everyone else (test/market-refund.test.ts).
        'POST /api/market/purchases/{id}/refund',
        'GET /api/admin/market',
      ].sort(),
    );
  });

  it('documents every endpoint with tags, a summary, bearer security, and examples of its body', async () => {
    const spec = (await platform.app.inject({ method: 'GET', url: '/recipes/openapi.json' })).json() as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    for (const [path, operations] of Object.entries(spec.paths)) {
      if (path === '/go/{*}') continue; // a signed link, opened by a click (see above)
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(operation.tags, where).toEqual([expect.any(String)]);
        expect(operation.summary, where).toEqual(expect.any(String));
        expect(operation.security, where).toEqual([{ bearerAuth: [] }]);
        const body = operation.requestBody as { content: Record<string, { schema: unknown }> } | undefined;
        if (body) expect(JSON.stringify(body.content), where).toContain('"example');
      }
    }
  });

  it('answers 401 on every endpoint without a token, or with a bad one', async () => {
    for (const { method, path } of endpoints) {
      const anonymous = await call(undefined, method, path);
      expect(anonymous.statusCode, `${method} ${path}`).toBe(401);
      expect(anonymous.json().error.code).toBe('UNAUTHENTICATED');
      const forged = await api.inject(undefined, {
        method,
        url: urlOf(path),
        headers: { authorization: 'Bearer not.a.token' },
      });
      expect(forged.statusCode, `${method} ${path}`).toBe(401);
    }
  });

  it('answers 404 on every endpoint that names another user’s row, and changes nothing', async () => {
    const before = await snapshot();
    // Staff console routes name no user's row: anyone else is 403 there (operator-console.test.ts).
    // A purchase asks for its Idempotency-Key first (400), and a refund is for staff (403): another
    // user's listing to buy is a 404 in market.test.ts.
    const withId = endpoints.filter(
      (e) =>
        e.path.includes('{id}') &&
        !e.path.startsWith('/api/admin/') &&
        e.path !== '/api/market/listings/{id}/purchase' &&
        e.path !== '/api/market/purchases/{id}/refund',
    );
    expect(withId.length).toBeGreaterThanOrEqual(16);
    for (const { method, path } of withId) {
      const response = await call(bob, method, path);
      expect(response.statusCode, `${method} ${path}`).toBe(404);
      expect(response.json().error.code, `${method} ${path}`).toMatch(/_NOT_FOUND$/);
    }
    expect(await snapshot()).toEqual(before);
    // The owner still has everything.
    for (const { method, path } of withId.filter((e) => e.method === 'GET')) {
      expect((await call(alice, method, path)).statusCode, path).toBe(200);
    }
  });

  it('never shows another user’s rows in a list', async () => {
    const lists = endpoints.filter(
      (e) => e.method === 'GET' && !e.path.includes('{id}') && !e.path.startsWith('/api/admin/'),
    );
    expect(lists.length).toBe(12);
    for (const { path } of lists) {
      const query = path === '/api/pantry/expiring' ? '?days=3650&limit=100' : '?limit=100';
      const response = await api.get(bob, `/recipes${path}${query}`);
      expect(response.statusCode, path).toBe(200);
      expect(JSON.stringify(response.json()), path).not.toContain(alice.userId);
      for (const id of Object.values(ids)) expect(JSON.stringify(response.json()), path).not.toContain(id);
    }
  });

  it('refuses to plan meals with another user’s private recipe', async () => {
    const response = await api.post(bob, '/recipes/api/meal-plans', {
      plan_name: 'Sneaky',
      start_date: '2025-01-01',
      meals: { '2025-01-01': { dinner: ids['/api/recipes/'] } },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('RECIPE_NOT_FOUND');
  });
});

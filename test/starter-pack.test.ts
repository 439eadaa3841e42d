// The starter pack and the Halloween collection, across identity, Hollowtown and HowToCookAtHome:
// loaded on start under a system account that cannot sign in, published, idempotent (twice: the
// same counts), deleted items left deleted; the collection read through Hollowtown's client,
// degraded (never an error) without Hollowtown; the banner by the injected clock; templates that
// make a plan and its shopping list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStarterPack, STARTER_ACCOUNT } from '../src/cli/seed/starter.ts';
import { createHollowtownHttpClient, type HollowtownClient } from '../src/hollowtown/client.ts';
import { readHollowtownStarterPack } from '../src/hollowtown/service/starter.ts';
import { createRecipesHttpClient, type RecipesClient } from '../src/recipes/client.ts';
import { readRecipesStarterPack } from '../src/recipes/service/starter.ts';
import { testEngines } from './support/engines.ts';
import { given, type TestUser } from './support/given.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

const SERVICE_TOKEN = 'starter-pack-test-service-token-0123456789';

const count = async (platform: TestPlatform, db: 'hollowtown' | 'recipes', sql: string, params: unknown[]) =>
  Number((await platform.databases.get(db).query<{ n: string }>(sql, params)).rows[0]?.n);

describe.each(testEngines())('the starter pack on %s', (engine) => {
  let platform: TestPlatform;
  let alice: TestUser;
  let ownerId: string;
  const pack = { halloween: 0, costumes: 0, rooms: 0, everyday: 0 };
  const reload = (restore = false) =>
    loadStarterPack({
      identity: { db: platform.databases.get('identity'), now: () => platform.clock.now() },
      hollowtown: platform.clients.get<HollowtownClient>('hollowtown'),
      recipes: platform.clients.get<RecipesClient>('recipes'),
      restore,
    });
  const owned = async () => ({
    recipes: await count(
      platform,
      'hollowtown',
      'SELECT count(*) AS n FROM spooky_recipes WHERE user_id = $1 AND is_published',
      [ownerId],
    ),
    costumes: await count(
      platform,
      'hollowtown',
      'SELECT count(*) AS n FROM costume_ideas WHERE user_id = $1',
      [ownerId],
    ),
    rooms: await count(
      platform,
      'hollowtown',
      'SELECT count(*) AS n FROM haunted_house_plans WHERE user_id = $1 AND is_published',
      [ownerId],
    ),
    everyday: await count(
      platform,
      'recipes',
      'SELECT count(*) AS n FROM recipes WHERE user_id = $1 AND is_published',
      [ownerId],
    ),
  });

  beforeAll(async () => {
    const hollowtownPack = await readHollowtownStarterPack();
    pack.halloween = hollowtownPack.recipes.length;
    pack.costumes = hollowtownPack.costumes.length;
    pack.rooms = hollowtownPack.rooms.length;
    pack.everyday = (await readRecipesStarterPack()).length;
    platform = await startTestPlatform(engine, {
      services: ['identity', 'hollowtown', 'recipes'],
      starterPack: true,
      // Mid-October: in the default season (09-15..11-02).
      env: { CALOS_HALLOWEEN_SEASON: '09-15..11-02', CALOS_SERVICE_TOKEN: SERVICE_TOKEN },
    });
    platform.clock.set('2031-10-20T12:00:00Z');
    const loaded = await platform.starterPack;
    expect(loaded).toBeDefined();
    ownerId = loaded?.account.userId as string;
    alice = await given(platform).user();
  });
  afterAll(() => platform?.close());

  it('holds what the issue asks for: 40 Halloween recipes, 20 costumes, 10 rooms, 10 everyday recipes', () => {
    expect(pack.halloween).toBeGreaterThanOrEqual(40);
    expect(pack.costumes).toBeGreaterThanOrEqual(20);
    expect(pack.rooms).toBeGreaterThanOrEqual(10);
    expect(pack.everyday).toBeGreaterThanOrEqual(10);
  });

  it('loads every item on start, published under a system account nobody can sign in to', async () => {
    expect(await owned()).toEqual({
      recipes: pack.halloween,
      costumes: pack.costumes,
      rooms: pack.rooms,
      everyday: pack.everyday,
    });
    const signIn = await platform.app.inject({
      method: 'POST',
      url: '/calos/api/auth/login',
      payload: { login: STARTER_ACCOUNT, password: '!system-account: no password signs in' },
    });
    expect(signIn.statusCode).toBe(401);
    // Ingredients went through the ingredient parser: structured, with quantities and units.
    const { rows } = await platform.databases
      .get('hollowtown')
      .query<{ ingredients: { name: string; quantity: number | null; unit: string | null }[] }>(
        `SELECT ingredients FROM spooky_recipes WHERE user_id = $1 AND recipe_name = 'Graveyard Dirt Cups'`,
        [ownerId],
      );
    expect(rows[0]?.ingredients[0]).toEqual({ name: 'whole milk', quantity: 500, unit: 'ml', note: null });
  });

  it('loading again changes nothing, and leaves deleted items deleted unless restored', async () => {
    const again = await reload();
    expect(again.account.created).toBe(false);
    for (const part of Object.values(again.parts)) expect(part.unchanged).toBe(part.items);
    const before = await owned();
    expect(before.recipes).toBe(pack.halloween);

    await platform.databases
      .get('hollowtown')
      .query(`DELETE FROM costume_ideas WHERE user_id = $1 AND costume_name = 'Black Cat'`, [ownerId]);
    const third = await reload();
    expect(third.parts['hollowtown costumes']).toMatchObject({ deleted: 1, created: 0 });
    expect((await owned()).costumes).toBe(pack.costumes - 1);
    const restored = await reload(true);
    expect(restored.parts['hollowtown costumes']).toMatchObject({ created: 1 });
    expect(await owned()).toEqual(before);
  });

  it('shows the rooms to every signed-in user, as published', async () => {
    const response = await platform.app.inject({
      method: 'GET',
      url: '/hollowtown/api/haunted-house/plans?scope=published&limit=50',
      headers: alice.headers,
    });
    expect(response.statusCode).toBe(200);
    const rooms = response.json().items as { is_published: boolean; is_mine: boolean }[];
    expect(rooms).toHaveLength(pack.rooms);
    expect(rooms.every((r) => r.is_published && !r.is_mine)).toBe(true);
  });

  it('lists the Halloween collection through Hollowtown’s client, linking back, with the banner in season', async () => {
    const response = await platform.app.inject({
      method: 'GET',
      url: '/recipes/api/collections/halloween?limit=50',
      headers: alice.headers,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.degraded).toBe(false);
    expect(body.season).toEqual({ from: '09-15', to: '11-02', in_season: true });
    expect(body.banner.title).toEqual(expect.any(String));
    expect(body.items).toHaveLength(Math.min(50, pack.halloween));
    expect(body.items[0].url).toBe(`/hollowtown/r/${body.items[0].recipe_id}`);
    expect(body.items.map((i: { recipe_name: string }) => i.recipe_name)).toContain('Graveyard Dirt Cups');
  });

  it('has no banner out of season, by the clock', async () => {
    platform.clock.set('2031-03-01T12:00:00Z');
    try {
      const body = (
        await platform.app.inject({
          method: 'GET',
          url: '/recipes/api/collections/halloween',
          headers: alice.headers,
        })
      ).json();
      expect(body.season.in_season).toBe(false);
      expect(body.banner).toBeNull();
      expect(body.items.length).toBeGreaterThan(0);
    } finally {
      platform.clock.set('2031-10-20T12:00:00Z');
    }
  });

  it('offers the collection and the starter recipes over HTTP too (calos serve recipes with CALOS_HOLLOWTOWN_URL)', async () => {
    const remote = createHollowtownHttpClient(platform.url, SERVICE_TOKEN);
    const page = await remote.collection.recipes({ limit: 5 });
    expect(page.items).toHaveLength(5);
    expect(page.next_cursor).toEqual(expect.any(String));
    const next = await remote.collection.recipes({ limit: 5, cursor: page.next_cursor ?? undefined });
    expect(next.items.map((r) => r.recipe_id)).not.toContain(page.items[0]?.recipe_id);
    const [peppers] = await remote.collection.starterRecipes([
      'jack-o-lantern-stuffed-peppers',
      'no-such-key',
    ]);
    expect(peppers?.key).toBe('jack-o-lantern-stuffed-peppers');
    expect(peppers?.payload.recipe.recipe_name).toBe("Jack-o'-Lantern Stuffed Peppers");
    const everyday = await createRecipesHttpClient(platform.url, SERVICE_TOKEN).collection.recipes({
      limit: 3,
    });
    expect(everyday).toHaveLength(3);
  });

  it('shows "more from HowToCookAtHome" in Hollowtown through the recipes client', async () => {
    const response = await platform.app.inject({
      method: 'GET',
      url: '/hollowtown/api/more-from-recipes?limit=4',
      headers: alice.headers,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.degraded).toBe(false);
    expect(body.items).toHaveLength(4);
    expect(body.items[0].url).toBe(`/recipes/r/${body.items[0].recipe_id}`);
  });

  it('lists the templates, and makes a Halloween week with its shopping list, once per start date', async () => {
    const templates = (
      await platform.app.inject({
        method: 'GET',
        url: '/recipes/api/meal-plans/templates',
        headers: alice.headers,
      })
    ).json().items as { template: string; duration_days: number }[];
    expect(templates.map((t) => t.template).sort()).toEqual(['halloween-party-weekend', 'halloween-week']);

    const ask = (template: string, start_date: string) =>
      platform.app.inject({
        method: 'POST',
        url: '/recipes/api/meal-plans/from-template',
        headers: alice.headers,
        payload: { template, start_date },
      });
    const first = await ask('halloween-week', '2031-10-25');
    expect(first.statusCode).toBe(201);
    const made = first.json();
    expect(made.created).toBe(true);
    expect(made.skipped_recipes).toEqual([]);
    expect(made.plan.duration_days).toBe(7);
    expect(made.plan.end_date).toBe('2031-10-31');
    expect(Object.keys(made.plan.meals)).toHaveLength(7);
    expect(made.plan.meals['2031-10-25'].dinner).toEqual(expect.any(String));
    expect(made.shopping_list.plan_id).toBe(made.plan.plan_id);
    const names = made.shopping_list.items.map((i: { name: string }) => i.name);
    // Merged across the week's recipes, as the plan → shopping list path merges any plan's.
    expect(names.some((n: string) => /orange pepper/.test(n))).toBe(true);
    expect(names.some((n: string) => /pumpkin/.test(n))).toBe(true);
    // The recipes are Alice's copies that follow their Hollowtown originals.
    const dinner = await platform.app.inject({
      method: 'GET',
      url: `/recipes/api/recipes/${made.plan.meals['2031-10-25'].dinner}`,
      headers: alice.headers,
    });
    expect(dinner.json()).toMatchObject({
      recipe_name: "Jack-o'-Lantern Stuffed Peppers",
      is_mine: true,
      source: { domain: 'hollowtown' },
    });

    const again = await ask('halloween-week', '2031-10-25');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ created: false, plan: { plan_id: made.plan.plan_id } });
    expect(
      await count(platform, 'recipes', 'SELECT count(*) AS n FROM meal_plans WHERE user_id = $1', [
        alice.userId,
      ]),
    ).toBe(1);

    // Another template on the same path; the recipes both share are copied once.
    const weekend = await ask('halloween-party-weekend', '2031-10-31');
    expect(weekend.statusCode).toBe(201);
    expect(weekend.json().plan.duration_days).toBe(2);
    expect(
      await count(
        platform,
        'recipes',
        "SELECT count(*) - count(DISTINCT recipe_name) AS n FROM recipes WHERE user_id = $1 AND source = 'shared'",
        [alice.userId],
      ),
    ).toBe(0);
  });

  it('answers bad template requests with 4xx codes', async () => {
    const ask = (payload: unknown) =>
      platform.app.inject({
        method: 'POST',
        url: '/recipes/api/meal-plans/from-template',
        headers: alice.headers,
        payload: payload as object,
      });
    const unknown = await ask({ template: 'christmas-in-july', start_date: '2031-07-01' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('MEAL_PLAN_TEMPLATE_NOT_FOUND');
    for (const bad of [
      { template: 'halloween-week', start_date: '2031-02-30' },
      { template: 'halloween-week', start_date: 'tomorrow' },
      { template: 'Halloween Week!', start_date: '2031-10-25' },
      { template: 'halloween-week' },
      { template: 'halloween-week', start_date: '2031-10-25', extra: 1 },
    ]) {
      const response = await ask(bad);
      expect(response.statusCode, JSON.stringify(bad)).toBe(400);
      expect(response.json().error.code, JSON.stringify(bad)).toBe('VALIDATION_FAILED');
    }
  });
});

describe.each(testEngines())('the Halloween collection when Hollowtown does not answer on %s', (engine) => {
  let platform: TestPlatform;
  let alice: TestUser;
  beforeAll(async () => {
    // Hollowtown served elsewhere (its HTTP client), at an address where nothing listens.
    platform = await startTestPlatform(engine, {
      services: ['identity', 'recipes'],
      env: { CALOS_HOLLOWTOWN_URL: 'http://127.0.0.1:9', CALOS_SERVICE_TOKEN: SERVICE_TOKEN },
    });
    alice = await given(platform).user();
  });
  afterAll(() => platform?.close());

  it('is empty and says it is degraded, never an error', async () => {
    const response = await platform.app.inject({
      method: 'GET',
      url: '/recipes/api/collections/halloween',
      headers: alice.headers,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ degraded: true, items: [], degraded_reason: expect.any(String) });
  });

  it('answers a template plan with 503 HOLLOWTOWN_UNAVAILABLE', async () => {
    const response = await platform.app.inject({
      method: 'POST',
      url: '/recipes/api/meal-plans/from-template',
      headers: alice.headers,
      payload: { template: 'halloween-week', start_date: '2031-10-25' },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('HOLLOWTOWN_UNAVAILABLE');
  });
});

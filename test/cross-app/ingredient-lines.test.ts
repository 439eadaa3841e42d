// Ingredient lines as API callers and the web forms send them ("24 gummy worms"): both apps read
// them on the server the same way, the preview says exactly what saving stores, bad lines are
// refused in the one error shape, and an event's family list merges what the lines name.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock } from '../../src/platform/clock.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const LINES = [
  '24 gummy worms',
  '1 pinch of sea salt',
  '1½ cups black cocoa powder',
  '2-3 apples',
  '1 can (14 oz) pumpkin purée',
  '2 T honey',
  'salt to taste',
  '1 large egg',
];

const READ = [
  { name: 'gummy worms', quantity: 24, unit: null, note: null },
  { name: 'sea salt', quantity: 1, unit: 'pinch', note: null },
  { name: 'black cocoa powder', quantity: 1.5, unit: 'cup', note: null },
  { name: 'apples', quantity: 2, quantity_max: 3, unit: null, note: null },
  { name: 'pumpkin purée', quantity: 1, unit: 'can', note: '14 oz' },
  { name: 'honey', quantity: 2, unit: 'tbsp', note: null },
  { name: 'salt', quantity: null, unit: null, note: 'to taste' },
  { name: 'large egg', quantity: 1, unit: null, note: null },
];

describe.each(testEngines())('ingredient lines across apps on %s', (engine) => {
  let platform: TestPlatform;
  let cook: TestUser;

  const call = async (user: TestUser | null, method: string, url: string, body?: unknown) => {
    const response = await platform.app.inject({
      method: method as InjectOptions['method'],
      url,
      headers: user ? user.headers : {},
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: JSON answers of several APIs, read field by field
    return { status: response.statusCode, body: response.body ? (response.json() as any) : undefined };
  };

  const countRows = async (database: 'hollowtown' | 'recipes', table: string) =>
    (
      await platform.databases
        .get(database)
        .query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1`, [cook.userId])
    ).rows[0]?.n;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, {
      services: ['identity', 'hollowtown', 'recipes', 'family'],
      clock: createTestClock('2026-10-21T18:00:00Z'),
    });
    cook = await given(platform).user();
  });
  afterAll(() => platform.close());

  it('reads the same lines the same way in both apps, and the preview shows what saving stores', async () => {
    const spooky = await call(cook, 'POST', '/hollowtown/api/recipes/spooky', {
      recipe_name: 'Graveyard dirt cups',
      ingredients: LINES,
    });
    expect(spooky.status, JSON.stringify(spooky.body)).toBe(201);
    expect(spooky.body.ingredients).toEqual(READ);

    const kitchen = await call(cook, 'POST', '/recipes/api/recipes', {
      recipe_name: 'Graveyard dirt cups',
      ingredients: LINES,
    });
    expect(kitchen.status, JSON.stringify(kitchen.body)).toBe(201);
    expect(kitchen.body.ingredients).toEqual(READ);
    // Read back, as stored.
    expect(
      (await call(cook, 'GET', `/recipes/api/recipes/${kitchen.body.recipe_id}`)).body.ingredients,
    ).toEqual(READ);

    for (const app of ['hollowtown', 'recipes']) {
      const preview = await call(cook, 'POST', `/${app}/api/ingredients/parse`, { lines: LINES });
      expect(preview.status).toBe(200);
      expect(preview.body.lines).toEqual(
        LINES.map((line, index) => ({ line, ingredient: READ[index], problem: null })),
      );
    }
  });

  it('keeps split ingredients working beside lines, and scales a range with its bottom', async () => {
    const made = await call(cook, 'POST', '/recipes/api/recipes', {
      recipe_name: 'Witch finger shortbread',
      serves: 4,
      ingredients: [
        { name: 'butter', quantity: 250, unit: 'g' },
        { name: 'almonds', quantity: 16, quantity_max: 20, unit: null, note: 'for the nails' },
        '2-3 tbsp red jam',
      ],
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.ingredients).toEqual([
      { name: 'butter', quantity: 250, unit: 'g', note: null },
      { name: 'almonds', quantity: 16, quantity_max: 20, unit: null, note: 'for the nails' },
      { name: 'red jam', quantity: 2, quantity_max: 3, unit: 'tbsp', note: null },
    ]);
    const doubled = await call(cook, 'GET', `/recipes/api/recipes/${made.body.recipe_id}?servings=8`);
    expect(doubled.body.ingredients[1]).toMatchObject({ quantity: 32, quantity_max: 40 });

    const spooky = await call(cook, 'POST', '/hollowtown/api/recipes/spooky', {
      recipe_name: 'Witch finger shortbread',
      ingredients: [{ name: 'butter', quantity: 250, unit: 'g' }],
    });
    const changed = await call(cook, 'PATCH', `/hollowtown/api/recipes/spooky/${spooky.body.recipe_id}`, {
      ingredients: ['250 g butter, soft', { name: 'almonds', quantity: 16 }],
    });
    expect(changed.status).toBe(200);
    expect(changed.body.ingredients).toEqual([
      { name: 'butter', quantity: 250, unit: 'g', note: 'soft' },
      { name: 'almonds', quantity: 16, unit: null, note: null },
    ]);
  });

  it('refuses bad ingredients with 400 in the one error shape, naming each, and stores nothing', async () => {
    const before = {
      hollowtown: await countRows('hollowtown', 'spooky_recipes'),
      recipes: await countRows('recipes', 'recipes'),
    };
    const refused = async (url: string, body: unknown) => {
      const response = await call(cook, 'POST', url, body);
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
      expect(typeof response.body.error.message).toBe('string');
      return response.body.error;
    };
    for (const url of ['/hollowtown/api/recipes/spooky', '/recipes/api/recipes']) {
      const read = await refused(url, {
        recipe_name: 'Bad lines',
        ingredients: ['24 gummy worms', '½', '12345678 g sugar'],
      });
      expect(read.details).toEqual([
        {
          field: 'body.ingredients.1',
          message: 'names no ingredient (write what it is, e.g. “2 cups flour”)',
        },
        { field: 'body.ingredients.2', message: 'reads as an amount above 1,000,000' },
      ]);
      expect(read.message).toBe(
        'body.ingredients.1 names no ingredient (write what it is, e.g. “2 cups flour”)',
      );
      const long = await refused(url, { recipe_name: 'Long', ingredients: [`1 cup ${'x'.repeat(300)}`] });
      expect(long.message).toBe('body.ingredients.0 must NOT have more than 300 characters');
      const blank = await refused(url, { recipe_name: 'Blank', ingredients: ['   '] });
      expect(blank.details[0].field).toBe('body.ingredients.0');
      const number = await refused(url, { recipe_name: 'Number', ingredients: [3] });
      expect(number.message).toBe('body.ingredients.0 must be object');
      const range = await refused(url, {
        recipe_name: 'Upside-down range',
        ingredients: [{ name: 'apples', quantity: 3, quantity_max: 2 }],
      });
      expect(range.details).toEqual([
        { field: 'body.ingredients.0.quantity_max', message: 'must not be below quantity' },
      ]);
      await refused(url, {
        recipe_name: 'Too many',
        ingredients: Array.from({ length: 101 }, () => '1 egg'),
      });
    }
    // Hollowtown wants a positive amount; HowToCookAtHome takes 0.
    const zero = await refused('/hollowtown/api/recipes/spooky', {
      recipe_name: 'Zero',
      ingredients: ['0 eggs'],
    });
    expect(zero.details).toEqual([
      { field: 'body.ingredients.0', message: 'reads as an amount of 0 (write one above 0)' },
    ]);
    expect(await countRows('hollowtown', 'spooky_recipes')).toBe(before.hollowtown);
    expect(await countRows('recipes', 'recipes')).toBe(before.recipes);

    await refused('/recipes/api/ingredients/parse', { lines: [] });
    await refused('/hollowtown/api/ingredients/parse', { lines: ['1 egg'], extra: true });
    await refused('/recipes/api/ingredients/parse', { lines: Array.from({ length: 501 }, () => '1 egg') });
    for (const app of ['hollowtown', 'recipes']) {
      const anonymous = await call(null, 'POST', `/${app}/api/ingredients/parse`, { lines: ['1 egg'] });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('previews a bad line with its problem instead of failing the others', async () => {
    const preview = await call(cook, 'POST', '/hollowtown/api/ingredients/parse', {
      lines: ['24 gummy worms', '½', '0 eggs'],
    });
    expect(preview.status).toBe(200);
    expect(preview.body.lines).toEqual([
      {
        line: '24 gummy worms',
        ingredient: { name: 'gummy worms', quantity: 24, unit: null, note: null },
        problem: null,
      },
      { line: '½', ingredient: null, problem: 'names no ingredient (write what it is, e.g. “2 cups flour”)' },
      { line: '0 eggs', ingredient: null, problem: 'reads as an amount of 0 (write one above 0)' },
    ]);
  });

  it("merges what the lines name on an event's family shopping list: one line of gummy worms", async () => {
    const family = await call(cook, 'POST', '/family/api/families', { family_name: 'The Worms' });
    expect(family.status).toBe(201);
    const event = await call(cook, 'POST', '/hollowtown/api/events', {
      family_id: family.body.family_id,
      event_name: 'Worm party',
      event_type: 'party',
      event_date: '2026-10-31',
      guest_count: 12,
    });
    expect(event.status, JSON.stringify(event.body)).toBe(201);
    const spooky = await call(cook, 'POST', '/hollowtown/api/recipes/spooky', {
      recipe_name: 'Dirt cups',
      serves: 6,
      ingredients: ['24 gummy worms', '1 pinch of sea salt', '2-3 apples', '250 ml milk'],
    });
    const kitchen = await call(cook, 'POST', '/recipes/api/recipes', {
      recipe_name: 'Worms in mud',
      serves: 4,
      ingredients: ['12 Gummy Worms', 'a pinch of sea salt', '1 cup of milk', '100 g dark chocolate (70%)'],
    });
    for (const [domain, recipe] of [
      ['hollowtown', spooky],
      ['recipes', kitchen],
    ] as const) {
      expect(recipe.status).toBe(201);
      const added = await call(cook, 'POST', `/hollowtown/api/events/${event.body.event_id}/recipes`, {
        domain,
        recipe_id: recipe.body.recipe_id,
      });
      expect(added.status).toBe(201);
    }
    const made = await call(cook, 'POST', `/hollowtown/api/events/${event.body.event_id}/shopping-list`);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const list = await call(cook, 'GET', `/family/api/shopping-lists/${made.body.list_id}`);
    const items = (list.body.items as { name: string; quantity: number; unit: string }[])
      .map((i) => `${i.quantity} ${i.unit} ${i.name}`)
      .sort();
    // 12 guests: the spooky recipe (serves 6) twice, the other (serves 4) three times; the
    // apples' range buys its top; 500 ml and 3 cups (710 ml) of milk are one line, rounded up.
    expect(items).toEqual([
      '1.21 l milk',
      '300 g dark chocolate',
      '5 pinch sea salt',
      '6 count apples',
      '84 count gummy worms',
    ]);
  });

  it('takes shopping-list items as lines too', async () => {
    const list = await call(cook, 'POST', '/recipes/api/shopping-lists', {
      list_name: 'Party shop',
      items: ['24 gummy worms', '2-3 apples', { name: 'candles', quantity: 12, cost_cents: 600 }],
    });
    expect(list.status, JSON.stringify(list.body)).toBe(201);
    expect(list.body.items).toEqual([
      {
        name: 'gummy worms',
        quantity: 24,
        unit: null,
        checked: false,
        cost_cents: null,
        note: null,
        aisle: 'other',
      },
      {
        name: 'apples',
        quantity: 3,
        unit: null,
        checked: false,
        cost_cents: null,
        note: null,
        aisle: 'produce',
      },
      {
        name: 'candles',
        quantity: 12,
        unit: null,
        checked: false,
        cost_cents: 600,
        note: null,
        aisle: 'pantry',
      },
    ]);
    expect(list.body.total_cost_cents).toBe(600);
  });

  it("documents lines and the preview in both apps' OpenAPI", async () => {
    for (const [app, path] of [
      ['hollowtown', '/api/recipes/spooky'],
      ['recipes', '/api/recipes'],
    ] as const) {
      const doc = (await call(null, 'GET', `/${app}/openapi.json`)).body;
      expect(doc.paths['/api/ingredients/parse'].post.summary).toMatch(/ingredient lines/i);
      const ingredient =
        doc.paths[path].post.requestBody.content['application/json'].schema.properties.ingredients.items;
      // if a string then a line, else the fields: errors name the real problem, not both shapes.
      expect(ingredient.if).toEqual({ type: 'string' });
      expect(ingredient.then.maxLength).toBe(300);
      expect(ingredient.else.type).toBe('object');
      expect(ingredient.description).toContain('24 gummy worms');
    }
  });
});

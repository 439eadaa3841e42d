import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import type { HollowtownClient } from '../client.ts';

describe.each(testEngines())('spooky recipes on %s', (engine) => {
  let platform: TestPlatform;
  const inject = (options: InjectOptions) => platform.app.inject(options);
  const db = () => platform.databases.get('hollowtown');

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'hollowtown'] });
  });
  afterAll(() => platform.close());

  const create = (user: TestUser, payload: Record<string, unknown>) =>
    inject({ method: 'POST', url: '/hollowtown/api/recipes/spooky', headers: user.headers, payload });

  const createOk = async (user: TestUser, payload: Record<string, unknown>) => {
    const response = await create(user, payload);
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };

  const list = async (user: TestUser, query = '') => {
    const response = await inject({
      method: 'GET',
      url: `/hollowtown/api/recipes/spooky${query}`,
      headers: user.headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as {
      items: { recipe_name: string; recipe_id: string }[];
      next_cursor: string | null;
    };
  };

  const names = (page: { items: { recipe_name: string }[] }) => page.items.map((r) => r.recipe_name);

  const countRows = async (userId: string) =>
    (
      await db().query<{ n: number }>('SELECT count(*)::int AS n FROM spooky_recipes WHERE user_id = $1', [
        userId,
      ])
    ).rows[0]?.n;

  it('creates a recipe with defaults, structured ingredients and normalised tags, and reads it back', async () => {
    const alice = await given(platform).user();
    const recipe = await createOk(alice, {
      recipe_name: '  Graveyard dirt cups ',
      ingredients: [
        { name: 'chocolate pudding', quantity: 500, unit: 'g' },
        { name: 'salt', note: 'a pinch' },
      ],
      instructions: ['Spoon the pudding into cups.', 'Add the worms.'],
      tags: ['Kids-Friendly', 'no-bake', 'kids-friendly '],
    });
    expect(recipe).toEqual({
      recipe_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      recipe_name: 'Graveyard dirt cups',
      description: null,
      spookiness_level: 5,
      difficulty: 'medium',
      ingredients: [
        { name: 'chocolate pudding', quantity: 500, unit: 'g', note: null },
        { name: 'salt', quantity: null, unit: null, note: 'a pinch' },
      ],
      instructions: ['Spoon the pudding into cups.', 'Add the worms.'],
      prep_time_minutes: null,
      serves: null,
      tags: ['kids-friendly', 'no-bake'],
      image_url: null,
      is_published: false,
      is_mine: true,
      votes: 0,
      has_voted: false,
      moderation: null,
      source: 'manual',
      ai_model: null,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const read = await inject({
      method: 'GET',
      url: `/hollowtown/api/recipes/spooky/${recipe.recipe_id}`,
      headers: alice.headers,
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(recipe);
  });

  it('changes only what a PATCH sends, clears with null, and deletes', async () => {
    const alice = await given(platform).user();
    const recipe = await createOk(alice, {
      recipe_name: 'Witch finger cookies',
      description: 'Almond nails.',
      serves: 12,
      difficulty: 'hard',
    });
    const patched = await inject({
      method: 'PATCH',
      url: `/hollowtown/api/recipes/spooky/${recipe.recipe_id}`,
      headers: alice.headers,
      payload: { description: null, spookiness_level: 9, tags: ['Cookies'] },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      recipe_name: 'Witch finger cookies',
      description: null,
      serves: 12,
      difficulty: 'hard',
      spookiness_level: 9,
      tags: ['cookies'],
    });
    expect(new Date(patched.json().updated_at).getTime()).toBeGreaterThanOrEqual(
      new Date(recipe.updated_at).getTime(),
    );

    const empty = await inject({
      method: 'PATCH',
      url: `/hollowtown/api/recipes/spooky/${recipe.recipe_id}`,
      headers: alice.headers,
      payload: {},
    });
    expect(empty.statusCode).toBe(400);

    const removed = await inject({
      method: 'DELETE',
      url: `/hollowtown/api/recipes/spooky/${recipe.recipe_id}`,
      headers: alice.headers,
    });
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe('');
    const again = await inject({
      method: 'DELETE',
      url: `/hollowtown/api/recipes/spooky/${recipe.recipe_id}`,
      headers: alice.headers,
    });
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('RECIPE_NOT_FOUND');
    expect(await countRows(alice.userId)).toBe(0);
  });

  it('keeps a recipe private until published; then others read it but cannot change it', async () => {
    const alice = await given(platform).user();
    const bob = await given(platform).user();
    const recipe = await createOk(alice, { recipe_name: 'Bloody punch' });
    const url = `/hollowtown/api/recipes/spooky/${recipe.recipe_id}`;

    const hidden = await inject({ method: 'GET', url, headers: bob.headers });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().error.code).toBe('RECIPE_NOT_FOUND');
    expect(names(await list(bob, '?scope=published'))).not.toContain('Bloody punch');

    await inject({ method: 'PATCH', url, headers: alice.headers, payload: { is_published: true } });
    const shown = await inject({ method: 'GET', url, headers: bob.headers });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({ recipe_name: 'Bloody punch', is_published: true, is_mine: false });
    expect(shown.json()).not.toHaveProperty('user_id');
    expect(names(await list(bob, '?scope=published'))).toContain('Bloody punch');
    expect(names(await list(bob, '?scope=all'))).toContain('Bloody punch');
    expect(names(await list(bob))).not.toContain('Bloody punch');

    for (const attempt of [
      { method: 'PATCH' as const, payload: { recipe_name: 'Mine now' } },
      { method: 'DELETE' as const },
    ]) {
      const response = await inject({ url, headers: bob.headers, ...attempt });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('RECIPE_NOT_FOUND');
    }
    const unchanged = await inject({ method: 'GET', url, headers: alice.headers });
    expect(unchanged.json().recipe_name).toBe('Bloody punch');

    const client = platform.clients.get<HollowtownClient>('hollowtown');
    expect((await client.getRecipeForUser(bob.userId, recipe.recipe_id))?.recipe_name).toBe('Bloody punch');
    await inject({ method: 'PATCH', url, headers: alice.headers, payload: { is_published: false } });
    expect(await client.getRecipeForUser(bob.userId, recipe.recipe_id)).toBeNull();
    expect(await client.getRecipeForUser(alice.userId, recipe.recipe_id)).toMatchObject({
      user_id: alice.userId,
      recipe_name: 'Bloody punch',
    });
    expect(await client.getRecipeForUser(alice.userId, 'not-a-uuid')).toBeNull();
  });

  it('filters by tags (all of them), difficulty, spookiness, prep time and text', async () => {
    const cook = await given(platform).user();
    await createOk(cook, {
      recipe_name: 'Mummy hot dogs',
      difficulty: 'easy',
      spookiness_level: 3,
      prep_time_minutes: 15,
      tags: ['kids-friendly', 'savory'],
      ingredients: [{ name: 'puff pastry', quantity: 1, unit: 'sheet' }],
    });
    await createOk(cook, {
      recipe_name: 'Eyeball pasta',
      description: 'Mozzarella eyes staring from the sauce.',
      difficulty: 'medium',
      spookiness_level: 7,
      prep_time_minutes: 40,
      tags: ['savory'],
    });
    await createOk(cook, {
      recipe_name: 'Nightmare layer cake',
      difficulty: 'nightmare',
      spookiness_level: 10,
      tags: ['kids-friendly', 'sweet'],
      ingredients: [{ name: 'Black cocoa', quantity: 50, unit: 'g' }],
    });
    await createOk(cook, { recipe_name: '100% pumpkin soup', description: 'No tricks.' });

    expect(names(await list(cook, '?tags=kids-friendly&tags=savory'))).toEqual(['Mummy hot dogs']);
    expect(names(await list(cook, '?tags=Kids-Friendly,sweet'))).toEqual(['Nightmare layer cake']);
    expect(names(await list(cook, '?difficulty=easy&difficulty=nightmare'))).toEqual([
      'Nightmare layer cake',
      'Mummy hot dogs',
    ]);
    expect(names(await list(cook, '?spookiness_min=6&spookiness_max=9'))).toEqual(['Eyeball pasta']);
    expect(names(await list(cook, '?max_prep_minutes=30'))).toEqual(['Mummy hot dogs']);
    expect(names(await list(cook, '?q=PASTRY'))).toEqual(['Mummy hot dogs']);
    expect(names(await list(cook, '?q=cocoa'))).toEqual(['Nightmare layer cake']);
    expect(names(await list(cook, '?q=mozzarella%20eyes'))).toEqual(['Eyeball pasta']);
    expect(names(await list(cook, '?q=mozzarella%20cocoa'))).toEqual([]);
    expect(names(await list(cook, '?q=100%25'))).toEqual(['100% pumpkin soup']);
    expect(names(await list(cook, '?q=%25'))).toEqual(['100% pumpkin soup']);
    expect(names(await list(cook, '?q=_'))).toEqual([]);
    // "name" is a key of every ingredient, not a word of any recipe.
    expect(names(await list(cook, '?q=quantity'))).toEqual([]);

    const inverted = await inject({
      method: 'GET',
      url: '/hollowtown/api/recipes/spooky?spookiness_min=8&spookiness_max=2',
      headers: cook.headers,
    });
    expect(inverted.statusCode).toBe(400);
    expect(inverted.json().error.code).toBe('VALIDATION_FAILED');
    for (const query of [
      '?difficulty=impossible',
      '?spookiness_min=0',
      '?scope=everyone',
      '?limit=101',
      '?nope=1',
    ]) {
      const response = await inject({
        method: 'GET',
        url: `/hollowtown/api/recipes/spooky${query}`,
        headers: cook.headers,
      });
      expect(response.statusCode, query).toBe(400);
    }
  });

  it('pages newest first with an opaque cursor, without gaps or repeats', async () => {
    const pager = await given(platform).user();
    const made: string[] = [];
    for (let i = 0; i < 7; i++)
      made.push((await createOk(pager, { recipe_name: `Potion ${i}` })).recipe_name);
    // Two rows with the same created_at still page apart (the id breaks the tie).
    await db().query('UPDATE spooky_recipes SET created_at = $2 WHERE user_id = $1', [
      pager.userId,
      '2025-10-31T12:00:00.123456Z',
    ]);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(pager, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...names(page));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(made.sort());

    const defaults = await list(pager);
    expect(defaults.items).toHaveLength(7);
    expect(defaults.next_cursor).toBeNull();
    const bad = await inject({
      method: 'GET',
      url: '/hollowtown/api/recipes/spooky?cursor=bm9wZQ',
      headers: pager.headers,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('INVALID_CURSOR');
    for (const forged of [
      { t: '0000-01-01T00:00:00.000000Z', id: '0b6f9a9e-3c1d-4f3e-9a57-2d9e4f7a1012' },
      { t: '2025-13-01T00:00:00.000000Z', id: '0b6f9a9e-3c1d-4f3e-9a57-2d9e4f7a1012' },
      { t: '2025-10-01T00:00:00.000000Z', id: 'not-a-uuid' },
    ]) {
      const cursor = Buffer.from(JSON.stringify(forged)).toString('base64url');
      const response = await inject({
        method: 'GET',
        url: `/hollowtown/api/recipes/spooky?cursor=${cursor}`,
        headers: pager.headers,
      });
      expect(response.statusCode, JSON.stringify(forged)).toBe(400);
      expect(response.json().error.code).toBe('INVALID_CURSOR');
    }
  });

  it('refuses what is out of limits with one clear 400 and writes nothing', async () => {
    const strict = await given(platform).user();
    const cases: [string, Record<string, unknown>][] = [
      ['no name', {}],
      ['blank name', { recipe_name: '   ' }],
      ['long name', { recipe_name: 'x'.repeat(201) }],
      ['spookiness 11', { recipe_name: 'a', spookiness_level: 11 }],
      ['spookiness text', { recipe_name: 'a', spookiness_level: '5' }],
      ['unknown difficulty', { recipe_name: 'a', difficulty: 'trivial' }],
      ['ingredient without name', { recipe_name: 'a', ingredients: [{ quantity: 1 }] }],
      ['ingredient blank name', { recipe_name: 'a', ingredients: [{ name: '  ' }] }],
      ['ingredient negative', { recipe_name: 'a', ingredients: [{ name: 'egg', quantity: -1 }] }],
      ['ingredient quantity text', { recipe_name: 'a', ingredients: [{ name: 'egg', quantity: '2' }] }],
      ['ingredient extra key', { recipe_name: 'a', ingredients: [{ name: 'egg', colour: 'red' }] }],
      [
        'too many ingredients',
        { recipe_name: 'a', ingredients: Array.from({ length: 101 }, () => ({ name: 'egg' })) },
      ],
      ['too many steps', { recipe_name: 'a', instructions: Array.from({ length: 51 }, () => 'stir') }],
      ['empty step', { recipe_name: 'a', instructions: [''] }],
      ['long step', { recipe_name: 'a', instructions: ['x'.repeat(2001)] }],
      ['too many tags', { recipe_name: 'a', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }],
      ['tag with comma', { recipe_name: 'a', tags: ['a,b'] }],
      ['prep too long', { recipe_name: 'a', prep_time_minutes: 10081 }],
      ['serves 0', { recipe_name: 'a', serves: 0 }],
      ['image not http', { recipe_name: 'a', image_url: 'javascript:alert(1)' }],
      ['unknown field', { recipe_name: 'a', user_id: strict.userId }],
      ['source is not settable', { recipe_name: 'a', source: 'ai' }],
    ];
    for (const [label, payload] of cases) {
      const response = await create(strict, payload);
      expect(response.statusCode, label).toBe(400);
      expect(response.json().error.code, label).toBe('VALIDATION_FAILED');
      expect(response.json().error.message, label).toEqual(expect.any(String));
    }
    const notJson = await inject({
      method: 'POST',
      url: '/hollowtown/api/recipes/spooky',
      headers: { ...strict.headers, 'content-type': 'application/json' },
      payload: '{"recipe_name": ',
    });
    expect(notJson.statusCode).toBe(400);
    expect(await countRows(strict.userId)).toBe(0);
  });

  it('answers 404 for ids that are not UUIDs', async () => {
    const alice = await given(platform).user();
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const response = await inject({
        method,
        url: '/hollowtown/api/recipes/spooky/not-a-uuid',
        headers: alice.headers,
        ...(method === 'PATCH' ? { payload: { serves: 2 } } : {}),
      });
      expect(response.statusCode, method).toBe(404);
      expect(response.json().error.code).toBe('RECIPE_NOT_FOUND');
    }
  });
});

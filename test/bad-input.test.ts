// The bad input the attack on issue 13 found answering 500, answered as what it is: a 400 in the
// one error shape, with nothing stored. The fuzz test (test/fuzz/) walks every operation; these
// are the cases seen, kept by name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from './support/engines.ts';
import { given, type TestUser } from './support/given.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

describe.each(testEngines())('bad input on %s', (engine) => {
  let platform: TestPlatform;
  let alice: TestUser;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'hollowtown', 'recipes'] });
    alice = await given(platform).user();
  });
  afterAll(async () => {
    await platform?.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    platform.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(payload),
    });

  it('refuses a NUL in the unauthenticated sign-in with 400 INVALID_TEXT', async () => {
    const response = await post('/calos/api/auth/login', { login: 'a\u0000b', password: 'whatever it is' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'INVALID_TEXT', details: [{ field: 'body.login' }] });
  });

  it('refuses a lone surrogate in a text[] field instead of storing U+FFFD', async () => {
    const response = await post(
      '/hollowtown/api/recipes/spooky',
      { recipe_name: 'Bat wings', tags: ['ok', 'bad\ud800'] },
      alice.headers,
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'INVALID_TEXT',
      details: [{ field: 'body.tags.1' }],
    });
    const list = await platform.app.inject({ url: '/hollowtown/api/recipes/spooky', headers: alice.headers });
    expect(list.json().items).toEqual([]);
  });

  it('refuses year 0000 in pantry and meal-plan dates with 400', async () => {
    const pantry = await post(
      '/recipes/api/pantry/items',
      { item_name: 'milk', expiration_date: '0000-01-01' },
      alice.headers,
    );
    expect(pantry.statusCode).toBe(400);
    expect(pantry.json().error.code).toBe('VALIDATION_FAILED');
    const plan = await post(
      '/recipes/api/meal-plans',
      { plan_name: 'Week', start_date: '0000-01-01' },
      alice.headers,
    );
    expect(plan.statusCode).toBe(400);
    const meals = await post(
      '/recipes/api/meal-plans',
      {
        plan_name: 'Week',
        start_date: '2031-10-27',
        meals: { '0000-01-01': { dinner: '0b6f9a9e-3c1d-4f3e-9a57-2d9e4f7a1012' } },
      },
      alice.headers,
    );
    expect(meals.statusCode).toBe(400);
    const edge = await post(
      '/recipes/api/meal-plans',
      { plan_name: 'Last week', start_date: '9999-12-31', duration_days: 7 },
      alice.headers,
    );
    expect(edge.statusCode).toBe(400);
    expect(edge.json().error.details).toEqual([{ field: 'body.duration_days' }]);
  });

  it('answers a device poll with a body it cannot take in the error shape, not a 500', async () => {
    for (const payload of [{}, { device_code: 7 }, { device_code: 'x', extra: true }]) {
      const response = await post('/calos/api/devices/pair/token', payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    const pending = await post('/calos/api/devices/pair/token', { device_code: 'unknown' });
    expect(pending.json()).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
  });
});

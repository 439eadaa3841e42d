// CORS on every service for the CALOS pages on their own hosts, and for nobody else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';

const HOSTS = 'account.test=identity,hollowtown.test=hollowtown,recipes.test=recipes,family.test=family';

describe.each(testEngines().slice(0, 1))('CORS for the web pages on %s', (engine) => {
  let platform: TestPlatform;
  let user: TestUser;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, {
      services: ['identity', 'hollowtown', 'recipes', 'family'],
      env: { CALOS_HOSTS: HOSTS },
    });
    user = await given(platform).user();
  });
  afterAll(() => platform.close());

  const call = (
    method: 'GET' | 'OPTIONS',
    url: string,
    origin: string,
    headers: Record<string, string> = {},
  ) => platform.app.inject({ method, url, headers: { origin, ...headers } });

  it.each([
    ['/family/api/families', 'Family Planner'],
    ['/recipes/api/recipes', 'HowToCookAtHome'],
    ['/hollowtown/api/events', 'Hollowtown'],
    ['/calos/api/auth/me', 'identity'],
  ])('lets a page on another CALOS host call %s (%s), answers included', async (url) => {
    const preflight = await call('OPTIONS', url, 'http://hollowtown.test:3000', {
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization',
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://hollowtown.test:3000');
    expect(String(preflight.headers['access-control-allow-headers'])).toContain('authorization');

    const answer = await call('GET', url, 'http://hollowtown.test:3000', user.headers);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe('http://hollowtown.test:3000');
    // Errors carry it too, so the page can read them.
    const refused = await call('GET', url, 'http://hollowtown.test:3000');
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe('http://hollowtown.test:3000');
  });

  it('answers no other origin', async () => {
    const preflight = await call('OPTIONS', '/family/api/families', 'https://evil.example', {
      'access-control-request-method': 'GET',
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const answer = await call('GET', '/family/api/families', 'https://evil.example', user.headers);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });
});

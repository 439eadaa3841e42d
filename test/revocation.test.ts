// Revocation reaches every service: a token whose session ended (sign-out, device revoked,
// password changed, refresh token reused) or whose account was deleted is refused by every
// service at once, not when it expires — in one process, and across processes within 2 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from '../src/main.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logger.ts';
import { type IsolatedDatabases, isolatedDatabases } from './support/databases.ts';
import { testEngines } from './support/engines.ts';
import { given, type TestUser } from './support/given.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

/** Polls until `check` holds, up to `ms`; resolves with how long it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - started;
}

describe.each(testEngines())('revocation in one process on %s', (engine) => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'hollowtown', 'recipes', 'family'] });
  });
  afterAll(() => platform.close());

  const status = async (user: Pick<TestUser, 'headers'>, url: string) =>
    (await platform.app.inject({ method: 'GET', url, headers: user.headers })).statusCode;
  const APPS = ['/hollowtown/api/recipes/spooky', '/recipes/api/recipes', '/family/api/families'];

  const signIn = async (user: TestUser, device: string) => {
    const response = await platform.app.inject({
      method: 'POST',
      url: '/calos/api/auth/login',
      payload: {
        login: user.username,
        password: user.password,
        device_type: 'mobile',
        device_fingerprint: device,
      },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    return {
      headers: { authorization: `Bearer ${body.access_token}` },
      refreshToken: body.refresh_token as string,
      deviceId: body.device_id as string,
    };
  };

  const refusedEverywhere = async (caller: Pick<TestUser, 'headers'>) => {
    for (const url of APPS) {
      const response = await platform.app.inject({ method: 'GET', url, headers: caller.headers });
      expect(response.statusCode, url).toBe(401);
      expect(response.json().error.code).toBe('SESSION_ENDED');
    }
  };

  it('refuses a signed-out session’s token in every app at once', async () => {
    const user = await given(platform).user();
    for (const url of APPS) expect(await status(user, url)).toBe(200);
    const out = await platform.app.inject({
      method: 'POST',
      url: '/calos/api/auth/logout',
      headers: user.headers,
    });
    expect(out.statusCode).toBe(204);
    await within(2_000, async () => (await status(user, APPS[2] as string)) === 401);
    await refusedEverywhere(user);
  });

  it('refuses the tokens of a revoked device, of other sessions after a password change, and after refresh reuse', async () => {
    const user = await given(platform).user();
    const phone = await signIn(user, 'phone');
    const tablet = await signIn(user, 'tablet');
    for (const url of APPS) expect(await status(phone, url)).toBe(200);

    const revoke = await platform.app.inject({
      method: 'DELETE',
      url: `/calos/api/devices/${phone.deviceId}`,
      headers: user.headers,
    });
    expect(revoke.statusCode).toBe(204);
    await within(2_000, async () => (await status(phone, APPS[0] as string)) === 401);
    await refusedEverywhere(phone);
    expect(await status(tablet, APPS[0] as string)).toBe(200);

    // A refresh token presented twice ends its session (someone else has it).
    const first = await platform.app.inject({
      method: 'POST',
      url: '/calos/api/auth/refresh',
      payload: { refresh_token: tablet.refreshToken },
    });
    expect(first.statusCode).toBe(200);
    const fresh = { headers: { authorization: `Bearer ${first.json().access_token}` } };
    const reuse = await platform.app.inject({
      method: 'POST',
      url: '/calos/api/auth/refresh',
      payload: { refresh_token: tablet.refreshToken },
    });
    expect(reuse.statusCode).toBe(401);
    await within(2_000, async () => (await status(fresh, APPS[1] as string)) === 401);
    await refusedEverywhere(fresh);
    await refusedEverywhere(tablet);

    const laptop = await signIn(user, 'laptop');
    const change = await platform.app.inject({
      method: 'PUT',
      url: '/calos/api/auth/password',
      headers: user.headers,
      payload: { current_password: user.password, new_password: 'another long pass phrase' },
    });
    expect(change.statusCode).toBe(204);
    await within(2_000, async () => (await status(laptop, APPS[2] as string)) === 401);
    await refusedEverywhere(laptop);
    // The session that changed the password goes on.
    for (const url of APPS) expect(await status(user, url)).toBe(200);
  });

  it('refuses a deleted account’s token everywhere, and nothing it writes survives the clean-up', async () => {
    const user = await given(platform).user();
    const family = await platform.app.inject({
      method: 'POST',
      url: '/family/api/families',
      headers: user.headers,
      payload: { family_name: 'Soon gone' },
    });
    expect(family.statusCode).toBe(201);
    // Writes keep coming while the account is deleted.
    let writing = true;
    const writes = (async () => {
      let n = 0;
      while (writing) {
        await Promise.all([
          platform.app.inject({
            method: 'POST',
            url: '/hollowtown/api/costumes',
            headers: user.headers,
            payload: { costume_name: `Ghost ${n}` },
          }),
          platform.app.inject({
            method: 'POST',
            url: '/recipes/api/recipes',
            headers: user.headers,
            payload: { recipe_name: `Soup ${n}`, difficulty: 'easy', serves: 2 },
          }),
          platform.app.inject({
            method: 'POST',
            url: '/family/api/families',
            headers: user.headers,
            payload: { family_name: `Family ${n}` },
          }),
        ]);
        n++;
        // A refused request involves no I/O: let timers run between rounds.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const deleted = await platform.app.inject({
      method: 'DELETE',
      url: '/calos/api/account',
      headers: user.headers,
      payload: { password: user.password },
    });
    expect(deleted.statusCode).toBe(204);
    try {
      await within(2_000, async () => (await status(user, APPS[0] as string)) === 401);
    } finally {
      writing = false;
      await writes;
    }
    await refusedEverywhere(user);

    // Once the clean-up has run (and run again for writes that were in flight), nothing is left.
    const rowsOf = async () => {
      const count = async (db: string, sql: string) =>
        Number((await platform.databases.get(db).query<{ n: string }>(sql, [user.userId])).rows[0]?.n);
      return (
        (await count('hollowtown', 'SELECT count(*) AS n FROM costume_ideas WHERE user_id = $1')) +
        (await count('recipes', 'SELECT count(*) AS n FROM recipes WHERE user_id = $1')) +
        (await count('family', 'SELECT count(*) AS n FROM family_members WHERE user_id = $1'))
      );
    };
    await within(15_000, async () => (await rowsOf()) === 0);
  });
});

describe.runIf(testEngines().includes('postgres'))('revocation across processes', () => {
  const SERVICE_TOKEN = 'a-service-token-that-is-long-enough-0123456789';
  let isolated: IsolatedDatabases;
  let identity: RunningPlatform;
  let apps: RunningPlatform;

  beforeAll(async () => {
    isolated = await isolatedDatabases('postgres');
    const base = {
      NODE_ENV: 'test',
      PORT: '0',
      CALOS_DATA_DIR: isolated.dataDir,
      CALOS_SERVICE_TOKEN: SERVICE_TOKEN,
    };
    const identityConfig = { ...loadConfig(base), databases: isolated.targets };
    identity = await startPlatform({
      config: identityConfig,
      logger: createLogger(identityConfig),
      services: ['identity'],
    });
    const appsConfig = {
      ...loadConfig({ ...base, CALOS_IDENTITY_URL: identity.url }),
      databases: isolated.targets,
    };
    apps = await startPlatform({
      config: appsConfig,
      logger: createLogger(appsConfig),
      services: ['hollowtown'],
    });
  });
  afterAll(async () => {
    await apps?.stop();
    await identity?.stop();
    await isolated?.cleanup();
  });

  it('reaches a service in another process within 2 s of sign-out', async () => {
    const register = await fetch(`${identity.url}/calos/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: `far_${Date.now().toString(36)}`,
        email: `far_${Date.now().toString(36)}@example.test`,
        password: 'correct horse battery staple',
      }),
    });
    const { access_token: token } = (await register.json()) as { access_token: string };
    const recipes = () =>
      fetch(`${apps.url}/hollowtown/api/recipes/spooky`, { headers: { authorization: `Bearer ${token}` } });
    expect((await recipes()).status).toBe(200);
    const out = await fetch(`${identity.url}/calos/api/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(out.status).toBe(204);
    const took = await within(2_000, async () => (await recipes()).status === 401);
    console.info(`[revocation] another process refused the token ${Math.round(took)} ms after sign-out`);
    expect((await (await recipes()).json()) as object).toMatchObject({ error: { code: 'SESSION_ENDED' } });
  });
});

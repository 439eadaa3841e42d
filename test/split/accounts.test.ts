import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitMonolith } from '../../src/cli/split/split.ts';
import { fixturePassword } from '../../src/cli/split/store/monolith-fixture.ts';
import { needsRehash, TEST_ARGON2_PARAMETERS } from '../../src/identity/service/passwords.ts';
import { type RunningPlatform, startPlatform } from '../../src/main.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { type IsolatedDatabases, isolatedDatabases } from '../support/databases.ts';
import { testEngines } from '../support/engines.ts';
import { givenMonolith, splitOptions, type TestMonolith } from './support.ts';

interface MonolithUser {
  user_id: string;
  username: string;
  email: string;
  password_hash: string;
  balance: number;
  devices: string[];
}

describe.runIf(testEngines().includes('postgres')).each(testEngines())('accounts moved into %s', (engine) => {
  let monolith: TestMonolith;
  let isolated: IsolatedDatabases;
  let platform: RunningPlatform;

  beforeAll(async () => {
    monolith = await givenMonolith(40);
    isolated = await isolatedDatabases(engine);
    const report = await splitMonolith(splitOptions(monolith, isolated));
    expect(report.ok).toBe(true);
    const base = loadConfig({ NODE_ENV: 'test', PORT: '0', CALOS_DATA_DIR: isolated.dataDir });
    const config = Object.freeze({ ...base, databases: isolated.targets });
    platform = await startPlatform({ config, logger: createLogger(config), services: ['identity'] });
  });
  afterAll(async () => {
    await platform?.stop();
    await isolated?.cleanup();
    await monolith?.drop();
  });

  /** A monolith user whose hash starts with `prefix`, with devices and a balance. */
  async function monolithUser(prefix: string): Promise<MonolithUser & { password: string }> {
    const [user] = await monolith.query<MonolithUser>(
      `SELECT u.user_id, u.username, u.email, u.password_hash, c.balance,
              ARRAY(SELECT d.device_id::text FROM user_devices d WHERE d.user_id = u.user_id ORDER BY 1) AS devices
       FROM users u JOIN credits_balance c USING (user_id)
       WHERE u.password_hash LIKE $1 || '%' AND c.balance > 0
       ORDER BY u.username LIMIT 1`,
      [prefix],
    );
    if (!user) throw new Error(`the fixture has no user with a ${prefix} hash`);
    const index = Number(user.username.split('_').at(-1));
    return { ...user, password: fixturePassword(index) };
  }

  const login = (login: string, password: string, fingerprint?: string) =>
    platform.app.inject({
      method: 'POST',
      url: '/calos/api/auth/login',
      payload: { login, password, ...(fingerprint ? { device: { fingerprint, type: 'web' } } : {}) },
    });

  it('signs a user in with their bcrypt password, lists their devices and keeps their credits', async () => {
    const user = await monolithUser('$2b$');
    const [device] = await monolith.query<{ device_fingerprint: string }>(
      'SELECT device_fingerprint FROM user_devices WHERE user_id = $1 ORDER BY device_id LIMIT 1',
      [user.user_id],
    );
    const response = await login(user.username, user.password, device?.device_fingerprint);
    expect(response.statusCode).toBe(200);
    const { access_token: token, user: account } = response.json();
    expect(account.user_id).toBe(user.user_id);
    const headers = { authorization: `Bearer ${token}` };

    const devices = await platform.app.inject({ method: 'GET', url: '/calos/api/devices', headers });
    expect(devices.statusCode).toBe(200);
    // Signing in on a device the monolith knew reuses it: the list is exactly the monolith's.
    const listed = (devices.json().items as { device_id: string }[]).map((d) => d.device_id).sort();
    expect(listed).toEqual(user.devices);

    const balance = await platform.app.inject({ method: 'GET', url: '/calos/api/credits/balance', headers });
    expect(balance.json()).toMatchObject({ balance: user.balance });
    const ledger = await platform.app.inject({ method: 'GET', url: '/calos/api/credits/ledger', headers });
    expect(ledger.json().items).toEqual([
      expect.objectContaining({ amount: user.balance, kind: 'admin_grant', balance_after: user.balance }),
    ]);

    // The bcrypt hash was replaced by today's Argon2id on that successful sign-in.
    const identity = platform.databases.get('identity');
    const { rows } = await identity.query<{ password_hash: string }>(
      'SELECT password_hash FROM users WHERE user_id = $1',
      [user.user_id],
    );
    const rehashed = rows[0]?.password_hash ?? '';
    expect(rehashed.startsWith('$argon2id$')).toBe(true);
    expect(needsRehash(rehashed, TEST_ARGON2_PARAMETERS)).toBe(false);
    expect((await login(user.email, user.password)).statusCode).toBe(200);
  });

  it.each(['$2a$', '$2y$', '$argon2i$', '$argon2id$v=19$m=65536'])(
    'signs in a user whose hash is %s…',
    async (prefix) => {
      const user = await monolithUser(prefix);
      expect((await login(user.username, user.password)).statusCode).toBe(200);
    },
  );

  it('refuses a wrong password for a moved account', async () => {
    const user = await monolithUser('$2a$');
    const response = await login(user.username, `${user.password}!`);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('INVALID_CREDENTIALS');
  });
});

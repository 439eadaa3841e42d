// Sign-in and pairing throttles that cannot be sidestepped (a second login string for the same
// account) or turned against others (one shared address, one shared Redis).
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines, uniqueSuffix } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { closeRedis, redisClient } from '../../platform/redis.ts';
import { LOGIN_LIMITS } from '../service/login-throttle.ts';
import { USER_CODE_LIMITS } from '../service/pairing.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WRONG = 'not the password at all';

const signIn = (
  platform: TestPlatform,
  login: string,
  password: string,
  options: Partial<InjectOptions> = {},
) =>
  platform.app.inject({
    method: 'POST',
    url: '/calos/api/auth/login',
    payload: { login, password },
    remoteAddress: '198.51.100.1',
    ...options,
  });

/** Runs `count` calls `batch` at a time (a crowd, not one slow client). */
async function inBatches<T>(count: number, batch: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    results.push(...(await Promise.all(Array.from({ length: size }, (_, i) => call(start + i)))));
  }
  return results;
}

describe.each(testEngines())('sign-in throttling on %s', (engine) => {
  let platform: TestPlatform;
  let behindProxy: TestPlatform;

  beforeAll(async () => {
    [platform, behindProxy] = await Promise.all([
      startTestPlatform(engine, { services: ['identity'] }),
      startTestPlatform(engine, { services: ['identity'], env: { CALOS_TRUST_PROXY: '127.0.0.1' } }),
    ]);
  });
  afterAll(async () => {
    await platform?.close();
    await behindProxy?.close();
  });

  it('counts failures per account: ten wrong passwords by username lock sign-in by email too', async () => {
    const erin = await given(platform).user();
    // From ten addresses, so that only the per-account rule can lock.
    const failures = await Promise.all(
      Array.from({ length: LOGIN_LIMITS.perAccount.points }, (_, i) =>
        signIn(platform, erin.username, WRONG, { remoteAddress: `203.0.113.${i + 1}` }),
      ),
    );
    expect(failures.map((r) => r.statusCode)).toEqual(Array(LOGIN_LIMITS.perAccount.points).fill(401));
    const byEmail = await signIn(platform, erin.email.toUpperCase(), erin.password, {
      remoteAddress: '203.0.113.99',
    });
    expect(byEmail.statusCode).toBe(429);
    expect(byEmail.json().error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(byEmail.headers['retry-after'])).toBeGreaterThan(60);
  });

  it('lets an account with no failures from a shared address sign in from it after 101 failures against random names', async () => {
    const proxy = '192.0.2.10';
    const fay = await given(platform).user();
    const gus = await given(platform).user();
    // gus mistypes twice from the shared address, early on.
    for (let i = 0; i < LOGIN_LIMITS.suspectPerAccount; i++) {
      expect((await signIn(platform, gus.username, WRONG, { remoteAddress: proxy })).statusCode).toBe(401);
    }
    const attack = await inBatches(LOGIN_LIMITS.perAddress.points + 1, 25, (i) =>
      signIn(platform, `nobody_${i}_${uniqueSuffix()}`, WRONG, { remoteAddress: proxy }),
    );
    expect(attack.every((r) => r.statusCode === 401)).toBe(true);

    // The address is suspect now, but fay never failed from it.
    const fine = await signIn(platform, fay.username, fay.password, { remoteAddress: proxy });
    expect(fine.statusCode).toBe(200);
    // Each further failure from it answers late...
    const started = performance.now();
    const slow = await signIn(platform, `nobody_more_${uniqueSuffix()}`, WRONG, { remoteAddress: proxy });
    expect(slow.statusCode).toBe(401);
    expect(performance.now() - started).toBeGreaterThanOrEqual(LOGIN_LIMITS.suspectDelayMs - 50);
    // ...and an account that failed from it is locked there, not elsewhere.
    const lockedThere = await signIn(platform, gus.username, gus.password, { remoteAddress: proxy });
    expect(lockedThere.statusCode).toBe(429);
    const elsewhere = await signIn(platform, gus.username, gus.password, { remoteAddress: '198.51.100.77' });
    expect(elsewhere.statusCode).toBe(200);
  });

  it('ignores X-Forwarded-For unless CALOS_TRUST_PROXY trusts the proxy', async () => {
    const hal = await given(platform).user();
    const direct = await signIn(platform, hal.username, hal.password, {
      remoteAddress: '198.51.100.20',
      headers: { 'x-forwarded-for': '192.0.2.99' },
    });
    expect(direct.statusCode).toBe(200);
    const audit = await platform.app.inject({
      url: '/calos/api/audit?limit=5',
      headers: { authorization: `Bearer ${direct.json().access_token}` },
    });
    expect(audit.json().items[0]).toMatchObject({ event: 'login.succeeded', ip_address: '198.51.100.20' });
  });

  it('behind a trusted proxy, counts each client address apart', async () => {
    const ivy = await given(behindProxy).user();
    const viaProxy = (client: string, password: string) =>
      signIn(behindProxy, ivy.username, password, {
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-for': client },
      });
    const failures = await Promise.all(
      Array.from({ length: LOGIN_LIMITS.perAddressAccount.points }, () => viaProxy('192.0.2.1', WRONG)),
    );
    expect(failures.every((r) => r.statusCode === 401)).toBe(true);
    expect((await viaProxy('192.0.2.1', ivy.password)).statusCode).toBe(429);
    const other = await viaProxy('192.0.2.2', ivy.password);
    expect(other.statusCode).toBe(200);
    const audit = await behindProxy.app.inject({
      url: '/calos/api/audit?limit=1',
      headers: { authorization: `Bearer ${other.json().access_token}` },
    });
    expect(audit.json().items[0]).toMatchObject({ event: 'login.succeeded', ip_address: '192.0.2.2' });
  });
});

describe.each(testEngines())('pairing codes typed wrong on %s', (engine) => {
  let platform: TestPlatform;
  let users: TestUser[];

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity'] });
    users = await Promise.all(Array.from({ length: 5 }, () => given(platform).user()));
  });
  afterAll(() => platform?.close());

  const startPairing = async () => {
    const response = await platform.app.inject({
      method: 'POST',
      url: '/calos/api/devices/pair/start',
      payload: { device_type: 'voice' },
    });
    return response.json().user_code as string;
  };
  const approve = (user: TestUser, userCode: string, remoteAddress: string) =>
    platform.app.inject({
      method: 'POST',
      url: '/calos/api/devices/pair',
      headers: user.headers,
      payload: { user_code: userCode },
      remoteAddress,
    });

  it('locks code entry for an account after ten wrong codes, even for the right one (RFC 8628 §5.1)', async () => {
    const [kim] = users as [TestUser];
    for (let i = 0; i < USER_CODE_LIMITS.perAccount.points; i++) {
      const wrong = await approve(kim, `BCDF-${String(2000 + i).slice(-4)}`, `198.51.100.${100 + i}`);
      expect(wrong.statusCode).toBe(404);
    }
    const right = await approve(kim, await startPairing(), '198.51.100.200');
    expect(right.statusCode).toBe(429);
    expect(right.json().error.code).toBe('TOO_MANY_CODE_ATTEMPTS');
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(60);
  });

  it('locks code entry from an address after thirty wrong codes across accounts', async () => {
    const guessers = users.slice(1, 4);
    const address = '192.0.2.50';
    const perGuesser = USER_CODE_LIMITS.perAddress.points / guessers.length;
    for (const guesser of guessers) {
      const answers = await Promise.all(
        Array.from({ length: perGuesser }, (_, i) =>
          approve(guesser, `ZZZZ-${String(1000 + i).slice(-4)}`, address),
        ),
      );
      expect(answers.every((r) => r.statusCode === 404)).toBe(true);
    }
    const lee = users[4] as TestUser;
    const code = await startPairing();
    const fromThere = await approve(lee, code, address);
    expect(fromThere.statusCode).toBe(429);
    expect(fromThere.json().error.code).toBe('TOO_MANY_CODE_ATTEMPTS');
    const fromElsewhere = await approve(lee, code, '198.51.100.250');
    expect(fromElsewhere.statusCode).toBe(200);
  });
});

describe('rate-limit keys in a Redis shared by two deployments', () => {
  const engine = testEngines()[0] ?? 'pglite';
  const shared = `trust-test-${uniqueSuffix()}`;
  let platforms: TestPlatform[] = [];

  beforeAll(async () => {
    platforms = await Promise.all([
      startTestPlatform(engine, { services: ['identity'], env: { REDIS_URL, CALOS_REDIS_PREFIX: shared } }),
      startTestPlatform(engine, { services: ['identity'], env: { REDIS_URL, CALOS_REDIS_PREFIX: shared } }),
      startTestPlatform(engine, { services: ['identity'], env: { REDIS_URL } }),
    ]);
  });
  afterAll(async () => {
    for (const platform of platforms) await platform.close();
    await closeRedis();
  });

  it('share counters within one deployment, and never with another', async () => {
    const [first, sameDeployment, otherDeployment] = platforms as [TestPlatform, TestPlatform, TestPlatform];
    // Counts go to Redis once its connection is ready (before that, each process counts alone,
    // as while Redis is down): the test starts counting then, as a deployment's traffic would.
    const client = redisClient({ redisUrl: REDIS_URL });
    if (client && client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    const name = `ghost_${uniqueSuffix()}`;
    const failures = await Promise.all(
      Array.from({ length: LOGIN_LIMITS.perAccount.points }, (_, i) =>
        signIn(first, name, WRONG, { remoteAddress: `203.0.113.${i + 1}` }),
      ),
    );
    expect(failures.every((r) => r.statusCode === 401)).toBe(true);
    expect((await signIn(sameDeployment, name, WRONG, { remoteAddress: '203.0.113.200' })).statusCode).toBe(
      429,
    );
    expect((await signIn(otherDeployment, name, WRONG, { remoteAddress: '203.0.113.200' })).statusCode).toBe(
      401,
    );
  });
});

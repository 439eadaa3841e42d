import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import type { IdentityClient } from '../client.ts';

describe.each(testEngines())('credits over HTTP on %s', (engine) => {
  let platform: TestPlatform;
  const inject = (options: InjectOptions) => platform.app.inject(options);
  const identityDb = () => platform.databases.get('identity');

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity'] });
  });
  afterAll(() => platform.close());

  const purchase = (user: TestUser, payload: Record<string, unknown>, key?: string) =>
    inject({
      method: 'POST',
      url: '/calos/api/credits/purchase',
      headers: { ...user.headers, ...(key === undefined ? {} : { 'idempotency-key': key }) },
      payload,
    });

  async function ledgerSum(userId: string): Promise<number> {
    const { rows } = await identityDb().query<{ total: number }>(
      'SELECT coalesce(sum(amount), 0) AS total FROM credit_ledger WHERE user_id = $1',
      [userId],
    );
    return rows[0]?.total ?? Number.NaN;
  }

  it('starts a new account at 1000 credits, explained by its ledger', async () => {
    const alice = await given(platform).user();
    const balance = await inject({
      method: 'GET',
      url: '/calos/api/credits/balance',
      headers: alice.headers,
    });
    expect(balance.statusCode).toBe(200);
    expect(balance.json()).toEqual({ balance: 1000, lifetime_spent: 0 });
    const ledger = await inject({ method: 'GET', url: '/calos/api/credits/ledger', headers: alice.headers });
    expect(ledger.statusCode).toBe(200);
    expect(ledger.json()).toEqual({
      items: [
        {
          entry_id: expect.any(Number),
          amount: 1000,
          kind: 'signup_grant',
          reason: 'Welcome credits',
          balance_after: 1000,
          created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
      ],
      next_cursor: null,
    });
    expect(await ledgerSum(alice.userId)).toBe(1000);
  });

  it('asks for a signed-in user', async () => {
    for (const url of [
      '/calos/api/credits/balance',
      '/calos/api/credits/ledger',
      '/calos/api/credits/ledger/1',
    ]) {
      const response = await inject({ method: 'GET', url });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    }
    const buy = await inject({
      method: 'POST',
      url: '/calos/api/credits/purchase',
      payload: { credits: 100 },
    });
    expect(buy.statusCode).toBe(401);
  });

  it("pages the ledger with the spend API's entries and shows user B a 404 for user A's entry", async () => {
    const alice = await given(platform).user();
    const bob = await given(platform).user();
    const credits = platform.clients.get<IdentityClient>('identity').credits;
    for (let i = 0; i < 3; i++) {
      const held = await credits.reserve({
        userId: alice.userId,
        amount: 20,
        idempotencyKey: `k${i}`,
        reason: 'chat',
      });
      await credits.settle({ reservationId: held.reservationId, amount: 5, idempotencyKey: 's' });
    }
    const first = await inject({
      method: 'GET',
      url: '/calos/api/credits/ledger?limit=4',
      headers: alice.headers,
    });
    const page = first.json();
    expect(page.items.map((i: { kind: string }) => i.kind)).toEqual([
      'release',
      'reserve',
      'release',
      'reserve',
    ]);
    expect(page.items[0].balance_after).toBe(985);
    const second = await inject({
      method: 'GET',
      url: `/calos/api/credits/ledger?limit=4&cursor=${page.next_cursor}`,
      headers: alice.headers,
    });
    expect(second.json().items.map((i: { kind: string }) => i.kind)).toEqual([
      'release',
      'reserve',
      'signup_grant',
    ]);
    expect(second.json().next_cursor).toBeNull();

    const entryId = page.items[0].entry_id;
    const mine = await inject({
      method: 'GET',
      url: `/calos/api/credits/ledger/${entryId}`,
      headers: alice.headers,
    });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ entry_id: entryId, amount: 15, kind: 'release' });
    const theirs = await inject({
      method: 'GET',
      url: `/calos/api/credits/ledger/${entryId}`,
      headers: bob.headers,
    });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().error.code).toBe('LEDGER_ENTRY_NOT_FOUND');
    const missing = await inject({
      method: 'GET',
      url: '/calos/api/credits/ledger/999999999',
      headers: bob.headers,
    });
    expect(missing.json().error.code).toBe('LEDGER_ENTRY_NOT_FOUND');
    const bad = await inject({ method: 'GET', url: '/calos/api/credits/ledger/abc', headers: bob.headers });
    expect(bad.statusCode).toBe(400);
    const badCursor = await inject({
      method: 'GET',
      url: '/calos/api/credits/ledger?cursor=nonsense',
      headers: alice.headers,
    });
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().error.code).toBe('INVALID_CURSOR');
  });

  it('buys credits through the dev provider at once, once per Idempotency-Key', async () => {
    const alice = await given(platform).user();
    const bought = await purchase(alice, { credits: 500 }, 'buy-1');
    expect(bought.statusCode).toBe(200);
    expect(bought.json()).toEqual({
      status: 'completed',
      payment_id: expect.any(String),
      credits: 500,
      balance: 1500,
    });
    const retried = await Promise.all([1, 2, 3].map(() => purchase(alice, { credits: 500 }, 'buy-1')));
    for (const response of retried) expect(response.json()).toEqual(bought.json());
    const balance = await inject({
      method: 'GET',
      url: '/calos/api/credits/balance',
      headers: alice.headers,
    });
    expect(balance.json()).toEqual({ balance: 1500, lifetime_spent: 0 });

    const reused = await purchase(alice, { credits: 600 }, 'buy-1');
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const pack = await purchase(alice, { package: 'starter', provider: 'dev' }, 'buy-2');
    expect(pack.json()).toMatchObject({ status: 'completed', credits: 500, balance: 2000 });
    expect(await ledgerSum(alice.userId)).toBe(2000);

    const ledger = await inject({
      method: 'GET',
      url: '/calos/api/credits/ledger?limit=1',
      headers: alice.headers,
    });
    expect(ledger.json().items[0]).toMatchObject({ kind: 'purchase', amount: 500, balance_after: 2000 });
    const audit = await inject({ method: 'GET', url: '/calos/api/audit', headers: alice.headers });
    const purchases = audit
      .json()
      .items.filter((i: { event: string }) => i.event === 'credits.purchased')
      .map((i: { details: { credits: number; provider: string } }) => i.details);
    expect(purchases).toEqual([
      expect.objectContaining({ credits: 500, provider: 'dev' }),
      expect.objectContaining({ credits: 500, provider: 'dev' }),
    ]);
  });

  it('refuses a purchase without a key, with both or neither amount, out of range, or through Stripe unconfigured', async () => {
    const alice = await given(platform).user();
    const noKey = await purchase(alice, { credits: 500 });
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    // A key with a space or past 200 characters is no key: the same code, with what a key is.
    for (const key of ['two words', 'k'.repeat(201)]) {
      const badKey = await purchase(alice, { credits: 500 }, key);
      expect(badKey.statusCode).toBe(400);
      expect(badKey.json().error.code).toBe(
        key.length > 200 ? 'VALIDATION_FAILED' : 'IDEMPOTENCY_KEY_REQUIRED',
      );
    }
    for (const payload of [
      { credits: 500, package: 'starter' },
      {},
      { credits: 99 },
      { credits: 100_001 },
      { credits: 1.5 },
      { package: 'huge' },
      { credits: 500, admin: true },
    ]) {
      const response = await purchase(alice, payload, `bad-${JSON.stringify(payload)}`);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    const stripe = await purchase(alice, { credits: 500, provider: 'stripe' }, 'stripe-1');
    expect(stripe.statusCode).toBe(400);
    expect(stripe.json().error).toMatchObject({
      code: 'PAYMENT_PROVIDER_UNAVAILABLE',
      details: { provider: 'stripe', available: ['dev'] },
    });
    expect(await ledgerSum(alice.userId)).toBe(1000);
  });

  it('answers the webhook with 503 while no webhook secret is configured', async () => {
    const response = await inject({
      method: 'POST',
      url: '/calos/api/payments/webhook',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
      payload: '{}',
    });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('PAYMENTS_WEBHOOK_NOT_CONFIGURED');
  });

  it('documents the credits routes in the OpenAPI document', async () => {
    const document = (await inject({ method: 'GET', url: '/calos/openapi.json' })).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/credits/balance',
        '/api/credits/ledger',
        '/api/credits/ledger/{entryId}',
        '/api/credits/purchase',
        '/api/payments/webhook',
        '/api/subscription',
        '/api/plans',
      ]),
    );
    const buy = document.paths['/api/credits/purchase'].post;
    expect(Object.keys(buy.responses)).toEqual(expect.arrayContaining(['200', '202', '409']));
  });
});

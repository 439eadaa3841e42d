import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import type { IdentityClient } from '../client.ts';

const DAY = 86_400_000;

describe.each(testEngines())('plans over HTTP on %s', (engine) => {
  let platform: TestPlatform;
  const inject = (options: InjectOptions) => platform.app.inject(options);
  const identityDb = () => platform.databases.get('identity');

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity'] });
  });
  afterAll(() => platform.close());

  const subscription = (user: TestUser) =>
    inject({ method: 'GET', url: '/calos/api/subscription', headers: user.headers });
  const change = (user: TestUser, payload: Record<string, unknown>) =>
    inject({ method: 'POST', url: '/calos/api/subscription', headers: user.headers, payload });

  it('lists every plan and its entitlements without sign-in', async () => {
    const response = await inject({ method: 'GET', url: '/calos/api/plans' });
    expect(response.statusCode).toBe(200);
    const plans = response.json().plans;
    expect(plans.map((p: { plan_code: string }) => p.plan_code)).toEqual([
      'free',
      'pro',
      'family',
      'enterprise',
    ]);
    expect(plans[0]).toEqual({
      plan_code: 'free',
      name: 'Free',
      listed: true,
      entitlements: {
        ai_rate_limits: { per_minute: 10, per_hour: 100, per_day: 1000 },
        premium_models: false,
        family_member_cap: 6,
        shared_calendars: false,
        price_cents_per_month: 0,
        extra: {},
      },
    });
    expect(plans[2].entitlements).toMatchObject({ family_member_cap: null, shared_calendars: true });
  });

  it('puts a new account on the free plan', async () => {
    const alice = await given(platform).user();
    const response = await subscription(alice);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      plan_code: 'free',
      status: 'active',
      current_period_end: null,
      entitlements: { premium_models: false, ai_rate_limits: { per_minute: 10 } },
    });
    expect((await inject({ method: 'GET', url: '/calos/api/subscription' })).statusCode).toBe(401);
  });

  it('changes plan at once through the dev provider, keeping the old plan as canceled history', async () => {
    const alice = await given(platform).user();
    const before = Date.now();
    const toPro = await change(alice, { plan_code: 'pro' });
    expect(toPro.statusCode).toBe(200);
    expect(toPro.json()).toMatchObject({
      status: 'completed',
      subscription: { plan_code: 'pro', status: 'active', entitlements: { premium_models: true } },
    });
    const periodEnd = Date.parse(toPro.json().subscription.current_period_end);
    expect(periodEnd).toBeGreaterThanOrEqual(before + 30 * DAY - 1000);
    expect(periodEnd).toBeLessThanOrEqual(Date.now() + 30 * DAY + 1000);
    expect((await subscription(alice)).json()).toEqual(toPro.json().subscription);

    const toFamily = await change(alice, { plan_code: 'family', provider: 'dev' });
    expect(toFamily.json().subscription).toMatchObject({
      plan_code: 'family',
      entitlements: { family_member_cap: null },
    });
    const same = await change(alice, { plan_code: 'family' });
    expect(same.json().subscription).toEqual(toFamily.json().subscription);

    const { rows } = await identityDb().query<{ plan_code: string; status: string; canceled: boolean }>(
      `SELECT plan_code, status, canceled_at IS NOT NULL AS canceled FROM user_subscriptions
       WHERE user_id = $1 ORDER BY created_at`,
      [alice.userId],
    );
    expect(rows).toEqual([
      { plan_code: 'pro', status: 'canceled', canceled: true },
      { plan_code: 'family', status: 'active', canceled: false },
    ]);

    const identity = platform.clients.get<IdentityClient>('identity');
    expect(await identity.planOf(alice.userId)).toMatchObject({
      plan: 'family',
      entitlements: { familyMemberCap: null },
    });
    const audit = (await inject({ method: 'GET', url: '/calos/api/audit', headers: alice.headers })).json();
    const changes = audit.items.filter((i: { event: string }) => i.event === 'subscription.changed');
    expect(
      changes.map((i: { details: { from: string; to: string } }) => [i.details.from, i.details.to]),
    ).toEqual([
      ['pro', 'family'],
      ['free', 'pro'],
    ]);

    const back = await change(alice, { plan_code: 'free' });
    expect(back.json().subscription).toMatchObject({ plan_code: 'free', current_period_end: null });
    expect((await identity.planOf(alice.userId)).plan).toBe('free');
  });

  it('keeps a past_due plan until its period ends, then falls back to free', async () => {
    const alice = await given(platform).user();
    await change(alice, { plan_code: 'pro' });
    const day = 86_400_000;
    await identityDb().query(
      "UPDATE user_subscriptions SET status = 'past_due', current_period_end = $2 WHERE user_id = $1 AND status = 'active'",
      [alice.userId, new Date(platform.clock.nowMs() + day)],
    );
    expect((await subscription(alice)).json()).toMatchObject({ plan_code: 'pro', status: 'past_due' });
    await identityDb().query(
      "UPDATE user_subscriptions SET current_period_end = $2 WHERE user_id = $1 AND status = 'past_due'",
      [alice.userId, new Date(platform.clock.nowMs() - 1_000)],
    );
    expect((await subscription(alice)).json()).toMatchObject({
      plan_code: 'free',
      entitlements: { premium_models: false },
    });
    const identity = platform.clients.get<IdentityClient>('identity');
    expect((await identity.planOf(alice.userId)).plan).toBe('free');
  });

  it('refuses an unknown plan or provider', async () => {
    const alice = await given(platform).user();
    for (const payload of [
      { plan_code: 'gold' },
      {},
      { plan_code: 'pro', extra: 1 },
      { plan_code: 'pro', provider: 'paypal' },
    ]) {
      const response = await change(alice, payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    const stripe = await change(alice, { plan_code: 'pro', provider: 'stripe' });
    expect(stripe.statusCode).toBe(400);
    expect(stripe.json().error.code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');
  });
});

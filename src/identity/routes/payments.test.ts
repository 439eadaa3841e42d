import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import type { IdentityClient } from '../client.ts';
import { signStripePayload } from '../service/stripe-signature.ts';

const SECRET = 'whsec_calos_test_secret_0123456789';
let eventCounter = 0;

/** A Stripe event as Stripe sends it: id, type, created (unix seconds), data.object. */
function stripeEvent(type: string, object: Record<string, unknown>, created = Math.floor(Date.now() / 1000)) {
  eventCounter += 1;
  return {
    id: `evt_test_${eventCounter}_${Math.random().toString(36).slice(2)}`,
    object: 'event',
    type,
    created,
    data: { object },
  };
}

describe.each(testEngines())('payments through Stripe on %s', (engine) => {
  let platform: TestPlatform;
  const inject = (options: InjectOptions) => platform.app.inject(options);
  const identityDb = () => platform.databases.get('identity');

  beforeAll(async () => {
    platform = await startTestPlatform(engine, {
      services: ['identity'],
      env: { CALOS_PAYMENTS_WEBHOOK_SECRET: SECRET },
    });
  });
  afterAll(() => platform.close());

  /** Delivers a body as Stripe would: the exact bytes, signed now (or as told). */
  const deliver = (
    event: unknown,
    options: { secret?: string; timestamp?: number; signature?: string | null; raw?: string } = {},
  ) => {
    const body = options.raw ?? JSON.stringify(event, null, 2);
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const signature =
      options.signature === undefined
        ? signStripePayload(body, options.secret ?? SECRET, timestamp)
        : options.signature;
    return inject({
      method: 'POST',
      url: '/calos/api/payments/webhook',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        ...(signature === null ? {} : { 'stripe-signature': signature }),
      },
      payload: body,
    });
  };

  const balanceOf = async (user: TestUser) =>
    (await inject({ method: 'GET', url: '/calos/api/credits/balance', headers: user.headers })).json()
      .balance;

  async function ledgerMatchesBalance(userId: string) {
    const { rows } = await identityDb().query<{ balance: number; total: number }>(
      `SELECT balance, (SELECT sum(amount) FROM credit_ledger WHERE user_id = $1) AS total
       FROM credits_balance WHERE user_id = $1`,
      [userId],
    );
    expect(rows[0]?.total).toBe(rows[0]?.balance);
  }

  const checkout = (user: TestUser, sessionId: string, metadata: Record<string, string> = {}) =>
    stripeEvent('checkout.session.completed', {
      id: sessionId,
      object: 'checkout.session',
      payment_status: 'paid',
      amount_total: 500,
      metadata: { user_id: user.userId, credits: '500', ...metadata },
    });

  it('answers a purchase through Stripe with 202 pending, and grants it once when the webhook confirms it', async () => {
    const alice = await given(platform).user();
    const started = await inject({
      method: 'POST',
      url: '/calos/api/credits/purchase',
      headers: { ...alice.headers, 'idempotency-key': 'stripe-buy-1' },
      payload: { credits: 500 },
    });
    expect(started.statusCode).toBe(202);
    expect(started.json()).toMatchObject({ status: 'pending', credits: 500, provider: 'stripe' });
    const paymentId = started.json().payment_id;
    expect(await balanceOf(alice)).toBe(1000);

    const event = checkout(alice, 'cs_test_a1', { payment_id: paymentId });
    const first = await deliver(event);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: true, event_id: event.id, outcome: 'applied' });
    expect(await balanceOf(alice)).toBe(1500);

    // Stripe retries: the same event again, several at once, and re-serialised.
    const replays = await Promise.all([
      deliver(event),
      deliver(event),
      deliver(event),
      deliver(event, { raw: JSON.stringify(event) }),
    ]);
    for (const replay of replays) {
      expect(replay.statusCode).toBe(200);
      expect(replay.json().outcome).toBe('duplicate');
    }
    // Another event about the same paid session (e.g. async_payment_succeeded) grants nothing more.
    const again = await deliver(
      stripeEvent('checkout.session.async_payment_succeeded', {
        id: 'cs_test_a1',
        metadata: { user_id: alice.userId, credits: '500', payment_id: paymentId },
      }),
    );
    expect(again.json().outcome).toBe('ignored: payment already credited');
    expect(await balanceOf(alice)).toBe(1500);

    const retried = await inject({
      method: 'POST',
      url: '/calos/api/credits/purchase',
      headers: { ...alice.headers, 'idempotency-key': 'stripe-buy-1' },
      payload: { credits: 500 },
    });
    expect(retried.json()).toEqual({
      status: 'completed',
      payment_id: paymentId,
      credits: 500,
      balance: 1500,
    });

    const { rows } = await identityDb().query<{ n: number }>(
      "SELECT count(*) AS n FROM credit_ledger WHERE user_id = $1 AND kind = 'purchase'",
      [alice.userId],
    );
    expect(rows[0]?.n).toBe(1);
    await ledgerMatchesBalance(alice.userId);
    const audit = (await inject({ method: 'GET', url: '/calos/api/audit', headers: alice.headers })).json();
    expect(audit.items.filter((i: { event: string }) => i.event === 'credits.purchased')).toHaveLength(1);
  });

  it('grants a payment started outside CALOS (a payment link) once per checkout session', async () => {
    const bob = await given(platform).user();
    const events = [checkout(bob, 'cs_test_link'), checkout(bob, 'cs_test_link')];
    const answers = await Promise.all(events.map((e) => deliver(e)));
    expect(answers.map((a) => a.json().outcome).sort()).toEqual([
      'applied',
      'ignored: payment already credited',
    ]);
    expect(await balanceOf(bob)).toBe(1500);
    await ledgerMatchesBalance(bob.userId);
  });

  it('waits for the money when a checkout completes unpaid', async () => {
    const carol = await given(platform).user();
    const unpaid = stripeEvent('checkout.session.completed', {
      id: 'cs_test_delayed',
      payment_status: 'unpaid',
      metadata: { user_id: carol.userId, credits: '200' },
    });
    expect((await deliver(unpaid)).json().outcome).toBe('ignored: not paid yet');
    expect(await balanceOf(carol)).toBe(1000);
    const paid = stripeEvent('checkout.session.async_payment_succeeded', {
      id: 'cs_test_delayed',
      payment_status: 'paid',
      metadata: { user_id: carol.userId, credits: '200' },
    });
    expect((await deliver(paid)).json().outcome).toBe('applied');
    expect(await balanceOf(carol)).toBe(1200);
  });

  it('refuses a bad, missing or stale signature and changes nothing', async () => {
    const dave = await given(platform).user();
    const event = checkout(dave, 'cs_test_forged');
    const refusals = [
      await deliver(event, { secret: 'whsec_somebody_else_entirely' }),
      await deliver(event, { signature: null }),
      await deliver(event, { signature: 'garbage' }),
      await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 301 }),
      // Signed, then changed in transit.
      await deliver(event, {
        signature: signStripePayload(JSON.stringify(event, null, 2), SECRET, Math.floor(Date.now() / 1000)),
        raw: JSON.stringify(event, null, 2).replace('"500"', '"50000"'),
      }),
    ];
    for (const response of refusals) {
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    }
    expect(await balanceOf(dave)).toBe(1000);
    const { rows } = await identityDb().query<{ n: number }>(
      'SELECT count(*) AS n FROM payment_events WHERE event_id = $1',
      [event.id],
    );
    expect(rows[0]?.n).toBe(0);
    // The genuine delivery still works afterwards.
    expect((await deliver(event)).json().outcome).toBe('applied');
  });

  it('ignores event types it does not handle, and refuses a signed event it cannot read', async () => {
    const ignored = await deliver(stripeEvent('invoice.paid', { id: 'in_1' }));
    expect(ignored.statusCode).toBe(200);
    expect(ignored.json().outcome).toBe('ignored: unhandled event type');
    const noUser = await deliver(
      stripeEvent('checkout.session.completed', { id: 'cs_x', metadata: { credits: '5' } }),
    );
    expect(noUser.statusCode).toBe(400);
    expect(noUser.json().error.code).toBe('WEBHOOK_EVENT_INVALID');
    const notJson = await deliver(null, { raw: '{"id": ' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('WEBHOOK_EVENT_INVALID');
    const ghost = await deliver(
      checkout({ userId: '00000000-0000-4000-8000-000000000000' } as TestUser, 'cs_test_ghost'),
    );
    expect(ghost.json().outcome).toBe('ignored: unknown user');
  });

  it('sets the plan from subscription events, in order, whatever the replays', async () => {
    const erin = await given(platform).user();
    const pending = await inject({
      method: 'POST',
      url: '/calos/api/subscription',
      headers: erin.headers,
      payload: { plan_code: 'pro' },
    });
    expect(pending.statusCode).toBe(202);
    expect(pending.json()).toMatchObject({ status: 'pending', plan_code: 'pro', provider: 'stripe' });
    const plan = async () =>
      (await inject({ method: 'GET', url: '/calos/api/subscription', headers: erin.headers })).json();
    expect((await plan()).plan_code).toBe('free');

    const t0 = Math.floor(Date.now() / 1000);
    const periodEnd = t0 + 30 * 86_400;
    const subscription = (status: string, planCode = 'pro', end = periodEnd) => ({
      id: 'sub_test_1',
      object: 'subscription',
      status,
      current_period_end: end,
      metadata: { user_id: erin.userId, plan_code: planCode },
    });
    const created = stripeEvent('customer.subscription.created', subscription('active'), t0);
    expect((await deliver(created)).json().outcome).toBe('applied');
    expect(await plan()).toMatchObject({
      plan_code: 'pro',
      status: 'active',
      current_period_end: new Date(periodEnd * 1000).toISOString(),
    });
    expect((await deliver(created)).json().outcome).toBe('duplicate');

    const pastDue = stripeEvent('customer.subscription.updated', subscription('past_due'), t0 + 10);
    expect((await deliver(pastDue)).json().outcome).toBe('applied');
    expect(await plan()).toMatchObject({ plan_code: 'pro', status: 'past_due' });

    const upgraded = stripeEvent('customer.subscription.updated', subscription('active', 'family'), t0 + 20);
    expect((await deliver(upgraded)).json().outcome).toBe('applied');
    expect(await plan()).toMatchObject({ plan_code: 'family', status: 'active' });

    const deleted = stripeEvent('customer.subscription.deleted', subscription('canceled', 'family'), t0 + 30);
    expect((await deliver(deleted)).json().outcome).toBe('applied');
    expect(await plan()).toMatchObject({ plan_code: 'free' });

    // An update that Stripe made before the deletion but delivered after it changes nothing.
    const late = stripeEvent('customer.subscription.updated', subscription('active', 'family'), t0 + 25);
    expect((await deliver(late)).json().outcome).toBe('ignored: stale event');
    expect(await plan()).toMatchObject({ plan_code: 'free' });

    const identity = platform.clients.get<IdentityClient>('identity');
    expect((await identity.planOf(erin.userId)).plan).toBe('free');
    const { rows } = await identityDb().query<{ plan_code: string; status: string }>(
      'SELECT plan_code, status FROM user_subscriptions WHERE user_id = $1 ORDER BY created_at',
      [erin.userId],
    );
    expect(rows).toEqual([
      { plan_code: 'pro', status: 'canceled' },
      { plan_code: 'family', status: 'canceled' },
    ]);
    const audit = (await inject({ method: 'GET', url: '/calos/api/audit', headers: erin.headers })).json();
    expect(audit.items.filter((i: { event: string }) => i.event === 'subscription.changed')).toHaveLength(4);
  });

  it('reads the period end from the subscription items on newer Stripe API versions', async () => {
    const frank = await given(platform).user();
    const end = Math.floor(Date.now() / 1000) + 86_400;
    const event = stripeEvent('customer.subscription.created', {
      id: 'sub_test_items',
      status: 'trialing',
      items: { data: [{ current_period_end: end }] },
      metadata: { user_id: frank.userId, plan_code: 'enterprise' },
    });
    expect((await deliver(event)).json().outcome).toBe('applied');
    const plan = (
      await inject({ method: 'GET', url: '/calos/api/subscription', headers: frank.headers })
    ).json();
    expect(plan).toMatchObject({
      plan_code: 'enterprise',
      status: 'active',
      current_period_end: new Date(end * 1000).toISOString(),
    });
  });
});

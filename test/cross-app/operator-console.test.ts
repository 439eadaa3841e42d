// The operator console's API across services, on both engines: each domain's console operations
// (identity's accounts and AI usage, Hollowtown's and HowToCookAtHome's moderation queues and
// reports, the marketplace, Family Planner's affiliate clicks) refuse a staff member of any other
// domain with 403; the reports count what happened; a moderation decision and a refund by staff
// reach the staff audit log and the security log of the person concerned (from the app's outbox).
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertClick } from '../../src/affiliate/store.ts';
import type { HollowtownClient } from '../../src/hollowtown/client.ts';
import type { IdentityClient } from '../../src/identity/client.ts';
import { createStaffService } from '../../src/identity/index.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

type Domain = 'identity' | 'hollowtown' | 'recipes' | 'family';
interface Operation {
  /** all: only admins of every domain (plans, staff roles). */
  domain: Domain | 'all';
  method: InjectOptions['method'];
  url: string;
  body?: Record<string, unknown>;
}

describe.each(testEngines())('the operator console across domains on %s', (engine) => {
  let platform: TestPlatform;
  const operator = { operator: 'test' };
  const staff = () =>
    createStaffService({
      db: platform.databases.get('identity'),
      now: () => platform.clock.now(),
    });
  const identity = () => platform.clients.get<IdentityClient>('identity');
  const hollowtown = () => platform.clients.get<HollowtownClient>('hollowtown');
  const call = async (
    user: TestUser | null,
    method: InjectOptions['method'],
    url: string,
    payload?: unknown,
  ) => {
    const response = await platform.app.inject({
      method,
      url,
      headers: user?.headers ?? {},
      ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
    });
    return { status: response.statusCode, body: response.body ? response.json() : undefined };
  };
  const since = () => new Date(platform.clock.now().getTime() - 86_400_000).toISOString();

  let subject: TestUser;
  const admins = {} as Record<Domain, TestUser>;
  let everything: TestUser;
  let recipesModerator: TestUser;
  /** Given a staff role and losing it again by the console's staff operations. */
  let bystander: TestUser;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, {
      services: ['identity', 'hollowtown', 'recipes', 'family'],
      env: { CALOS_MODERATION_REPORTS_TO_HIDE: '1' },
    });
    subject = await given(platform).user();
    for (const domain of ['identity', 'hollowtown', 'recipes', 'family'] as const) {
      admins[domain] = await given(platform).user();
      await staff().grant({ login: admins[domain].username, role: 'admin', domain }, operator);
    }
    everything = await given(platform).user();
    await staff().grant({ login: everything.username, role: 'admin' }, operator);
    recipesModerator = await given(platform).user();
    await staff().grant({ login: recipesModerator.username, role: 'moderator', domain: 'recipes' }, operator);
    bystander = await given(platform).user();
    // Four services on embedded databases take a while on a busy machine.
  }, 300_000);
  afterAll(() => platform.close());

  const uuid = '00000000-0000-4000-8000-000000000001';
  /** Every console operation, by the domain that owns it. */
  const operations = (): Operation[] => [
    { domain: 'identity', method: 'GET', url: `/calos/api/admin/users?q=${subject.username}` },
    { domain: 'identity', method: 'GET', url: `/calos/api/admin/users/${subject.userId}` },
    {
      domain: 'identity',
      method: 'POST',
      url: `/calos/api/admin/users/${subject.userId}/sign-out`,
      body: { reason: 'r' },
    },
    {
      domain: 'identity',
      method: 'POST',
      url: `/calos/api/admin/users/${subject.userId}/disable`,
      body: { reason: 'r' },
    },
    {
      domain: 'identity',
      method: 'POST',
      url: `/calos/api/admin/users/${subject.userId}/enable`,
      body: { reason: 'r' },
    },
    {
      domain: 'identity',
      method: 'PUT',
      url: `/calos/api/admin/users/${subject.userId}/plan`,
      body: { plan_code: 'pro', reason: 'r' },
    },
    {
      domain: 'identity',
      method: 'POST',
      url: `/calos/api/admin/users/${subject.userId}/credits`,
      body: { amount: 1, reason: 'r' },
    },
    { domain: 'identity', method: 'GET', url: `/calos/api/admin/ai-usage?since=${since()}` },
    { domain: 'identity', method: 'GET', url: '/calos/api/admin/audit?domain=identity' },
    ...(['hollowtown', 'recipes'] as const).flatMap((app): Operation[] => [
      { domain: app, method: 'GET', url: `/${app}/api/admin/moderation` },
      {
        domain: app,
        method: 'POST',
        url: `/${app}/api/admin/moderation/recipe/${uuid}/restore`,
        body: { reason: 'r' },
      },
      {
        domain: app,
        method: 'POST',
        url: `/${app}/api/admin/moderation/recipe/${uuid}/remove`,
        body: { reason: 'r' },
      },
    ]),
    ...(['hollowtown', 'recipes', 'family'] as const).flatMap((app): Operation[] => [
      { domain: app, method: 'GET', url: `/${app}/api/admin/affiliate?since=${since()}` },
      { domain: app, method: 'GET', url: `/calos/api/admin/ai-usage?since=${since()}&app=${app}` },
      { domain: app, method: 'GET', url: `/calos/api/admin/audit?domain=${app}` },
    ]),
    { domain: 'identity', method: 'GET', url: '/calos/api/admin/plans' },
    { domain: 'all', method: 'PATCH', url: '/calos/api/admin/plans/free', body: { ai_per_day: 1000 } },
    { domain: 'all', method: 'GET', url: '/calos/api/admin/staff' },
    {
      domain: 'all',
      method: 'POST',
      url: '/calos/api/admin/staff',
      body: { login: bystander.username, role: 'support', domain: 'family' },
    },
    {
      domain: 'all',
      method: 'POST',
      url: '/calos/api/admin/staff/revoke',
      body: { login: bystander.username, role: 'support', domain: 'family' },
    },
    ...(['hollowtown', 'recipes'] as const).flatMap((app): Operation[] => [
      { domain: app, method: 'GET', url: `/${app}/api/admin/market?since=${since()}` },
      {
        domain: app,
        method: 'POST',
        url: `/${app}/api/market/purchases/${uuid}/refund`,
        body: { reason: 'Not as described' },
      },
    ]),
  ];

  it('refuses a staff member of one domain every console operation of the others (403)', async () => {
    let refused = 0;
    for (const domain of Object.keys(admins) as Domain[]) {
      for (const op of operations().filter((o) => o.domain !== domain)) {
        const response = await call(admins[domain], op.method, op.url, op.body);
        expect(
          [response.status, response.body?.error?.code],
          `${domain} admin: ${op.method} ${op.url}`,
        ).toEqual([403, 'STAFF_ROLE_REQUIRED']);
        refused += 1;
      }
    }
    expect(refused).toBeGreaterThan(60);
    // Someone with no staff role at all is refused everywhere too; nobody signed in is 401.
    for (const op of operations()) {
      expect((await call(subject, op.method, op.url, op.body)).status, `${op.method} ${op.url}`).toBe(403);
      expect((await call(null, op.method, op.url, op.body)).status, `${op.method} ${op.url}`).toBe(401);
    }
  });

  it('lets each domain’s admin, and an admin of all, through every operation of that domain', async () => {
    for (const op of operations()) {
      for (const who of [op.domain === 'all' ? undefined : admins[op.domain], everything]) {
        if (!who) continue;
        const response = await call(who, op.method, op.url, op.body);
        // An id nobody has is 404 once the role let the request through.
        expect(response.status, `${op.method} ${op.url}`).not.toBe(403);
        expect([200, 404], `${op.method} ${op.url}: ${JSON.stringify(response.body)}`).toContain(
          response.status,
        );
      }
    }
    // A moderator of recipes reviews its queue and nothing else there, nor elsewhere.
    expect((await call(recipesModerator, 'GET', '/recipes/api/admin/moderation')).status).toBe(200);
    expect(
      (await call(recipesModerator, 'GET', `/recipes/api/admin/affiliate?since=${since()}`)).status,
    ).toBe(403);
    expect((await call(recipesModerator, 'GET', '/hollowtown/api/admin/moderation')).status).toBe(403);
  });

  it('lets an admin of all change a plan and grant and revoke staff roles, each audited', async () => {
    const changed = await call(everything, 'PATCH', '/calos/api/admin/plans/pro', {
      ai_per_day: 7777,
      price_cents_per_month: 600,
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ code: 'pro', ai_per_day: 7777, price_cents_per_month: 600 });
    const plans = await call(admins.identity, 'GET', '/calos/api/admin/plans');
    expect(plans.body.items).toContainEqual(expect.objectContaining({ code: 'pro', ai_per_day: 7777 }));
    const shrinking = await call(everything, 'PATCH', '/calos/api/admin/plans/pro', {
      ai_per_hour: 99_999,
    });
    expect([shrinking.status, shrinking.body.error.code]).toEqual([400, 'PLAN_CHANGE_INVALID']);

    const body = { login: bystander.username, role: 'moderator', domain: 'hollowtown' };
    const granted = await call(everything, 'POST', '/calos/api/admin/staff', body);
    expect(granted.body).toMatchObject({ username: bystander.username, added: true });
    const list = await call(everything, 'GET', '/calos/api/admin/staff');
    expect(list.body.items).toContainEqual(
      expect.objectContaining({ username: bystander.username, role: 'moderator', domain: 'hollowtown' }),
    );
    expect((await call(bystander, 'GET', '/hollowtown/api/admin/moderation')).status).toBe(200);
    const revoked = await call(everything, 'POST', '/calos/api/admin/staff/revoke', body);
    expect(revoked.body).toMatchObject({ domains: ['hollowtown'] });
    expect((await call(everything, 'POST', '/calos/api/admin/staff/revoke', body)).status).toBe(404);

    // The last admin of everything stays: nobody could grant or revoke in the console after.
    const self = { login: everything.username, role: 'admin', domain: 'all' };
    const last = await call(everything, 'POST', '/calos/api/admin/staff/revoke', self);
    expect([last.status, last.body.error.code]).toEqual([409, 'LAST_ADMIN_OF_ALL']);
    const second = { login: bystander.username, role: 'admin', domain: 'all' };
    expect((await call(everything, 'POST', '/calos/api/admin/staff', second)).status).toBe(200);
    expect((await call(everything, 'POST', '/calos/api/admin/staff/revoke', second)).status).toBe(200);

    const audit = await call(everything, 'GET', '/calos/api/admin/audit?limit=100');
    const actions = audit.body.items
      .filter((e: { actor_label: string }) => e.actor_label === everything.username)
      .map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['plan.changed', 'staff.granted', 'staff.revoked']));
  });

  it('shows the account’s karma and the apps it let sign in', async () => {
    const view = await call(admins.identity, 'GET', `/calos/api/admin/users/${subject.userId}`);
    expect(view.body).toMatchObject({ karma: 0, apps: [] });
  });

  it('reports AI usage by app, model and instance, one app to that app’s staff', async () => {
    const usage = (app: string, model: string, instance: string | null, outcome: 'ok' | 'error') =>
      identity().ai.recordUsage({
        userId: subject.userId,
        app,
        endpoint: 'chat',
        model,
        provider: 'ollama',
        instance,
        byok: false,
        promptTokens: 10,
        completionTokens: 20,
        cachedTokens: 0,
        credits: 2,
        latencyMs: 5,
        outcome,
        errorCode: null,
      });
    await usage('hollowtown', 'llama3.2', 'gpu-1', 'ok');
    await usage('hollowtown', 'llama3.2', 'gpu-1', 'error');
    await usage('recipes', 'llama3.2', 'gpu-2', 'ok');
    const all = await call(admins.identity, 'GET', `/calos/api/admin/ai-usage?since=${since()}`);
    expect(all.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          app: 'hollowtown',
          model: 'llama3.2',
          instance: 'gpu-1',
          calls: 2,
          failed: 1,
        }),
        expect.objectContaining({ app: 'recipes', instance: 'gpu-2', calls: 1, credits: 2, people: 1 }),
      ]),
    );
    const mine = await call(
      admins.hollowtown,
      'GET',
      `/calos/api/admin/ai-usage?since=${since()}&app=hollowtown`,
    );
    expect(mine.body.items.map((i: { app: string }) => i.app)).toEqual(['hollowtown']);
    const future = new Date(platform.clock.now().getTime() + 3_600_000).toISOString();
    const bad = await call(admins.identity, 'GET', `/calos/api/admin/ai-usage?since=${future}`);
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('counts affiliate clicks of the app’s own database for its staff', async () => {
    const at = platform.clock.now();
    for (const retailer of ['Etsy', 'Etsy', 'Amazon'])
      await insertClick(platform.databases.get('family'), {
        app: 'family',
        retailer,
        item_kind: 'grocery',
        user_id: subject.userId,
        clicked_at: at,
      });
    const report = await call(admins.family, 'GET', `/family/api/admin/affiliate?since=${since()}`);
    expect(report.body).toMatchObject({ total_clicks: 3 });
    expect(report.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ retailer: 'Etsy', clicks: 2, users: 1 })]),
    );
  });

  it('reviews the moderation queue; the decision is in the staff audit log and the author’s security log', async () => {
    const author = await given(platform).user();
    const reporter = await given(platform).user();
    const created = await call(author, 'POST', '/hollowtown/api/recipes/spooky', {
      recipe_name: 'Suspicious stew',
      is_published: true,
    });
    const id = created.body.recipe_id as string;
    await call(reporter, 'POST', `/hollowtown/api/recipes/spooky/${id}/report`, {
      reason: 'Copied from a book',
    });
    const queue = await call(admins.hollowtown, 'GET', '/hollowtown/api/admin/moderation');
    expect(queue.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ item_id: id, author: author.username, state: 'hidden', open_reports: 1 }),
      ]),
    );
    const removed = await call(
      admins.hollowtown,
      'POST',
      `/hollowtown/api/admin/moderation/recipe/${id}/remove`,
      {
        reason: 'Copied without credit',
      },
    );
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(removed.body.state).toBe('removed');
    // Handed to identity's staff audit log from Hollowtown's outbox.
    await hollowtown().syncCommunityEvents();
    const log = await call(author, 'GET', '/calos/api/audit');
    expect(log.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          event: 'staff.action',
          details: expect.objectContaining({
            action: 'item.removed',
            staff: admins.hollowtown.username,
            reason: 'Copied without credit',
          }),
        }),
      ]),
    );
    const audit = await call(admins.hollowtown, 'GET', '/calos/api/admin/audit?domain=hollowtown');
    expect(audit.body.items[0]).toMatchObject({
      action: 'item.removed',
      actor_label: admins.hollowtown.username,
      subject_user_id: author.userId,
      domain: 'hollowtown',
    });
    // Recipes' queue is another database's: the item is not there.
    const other = await call(admins.recipes, 'POST', `/recipes/api/admin/moderation/recipe/${id}/restore`, {
      reason: 'x',
    });
    expect(other.status).toBe(404);
  });

  it('reports the marketplace and audits a refund in both people’s security logs', async () => {
    const [seller, buyer] = [await given(platform).user(), await given(platform).user()];
    const plan = await call(seller, 'POST', '/hollowtown/api/haunted-house/plans', {
      room_name: 'Crypt',
      scare_level: 5,
      props_needed: [{ name: 'fog machine', quantity: 1 }],
      setup_instructions: ['Dim the lights.'],
    });
    const listed = await call(seller, 'POST', '/hollowtown/api/market/listings', {
      item_kind: 'plan',
      item_id: plan.body.plan_id,
      price: 100,
    });
    const purchase = await platform.app.inject({
      method: 'POST',
      url: `/hollowtown/api/market/listings/${listed.body.listing_id}/purchase`,
      headers: { ...buyer.headers, 'idempotency-key': 'console-test-1' },
    });
    const bought = { status: purchase.statusCode, body: purchase.json() };
    expect(bought.status, JSON.stringify(bought.body)).toBe(201);
    const report = await call(admins.hollowtown, 'GET', `/hollowtown/api/admin/market?since=${since()}`);
    expect(report.body.totals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ item_kind: 'plan', sales: 1, credits: 100, fees: 10 }),
      ]),
    );
    expect(report.body.purchases[0]).toMatchObject({
      purchase_id: bought.body.purchase_id,
      buyer: { username: buyer.username },
      seller: { username: seller.username },
    });
    const refunded = await call(
      admins.hollowtown,
      'POST',
      `/hollowtown/api/market/purchases/${bought.body.purchase_id}/refund`,
      { reason: 'Not as described' },
    );
    expect(refunded.body.status).toBe('refunded');
    await hollowtown().syncCommunityEvents();
    for (const person of [buyer, seller]) {
      const log = await call(person, 'GET', '/calos/api/audit');
      expect(log.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            details: expect.objectContaining({
              action: 'purchase.refunded',
              staff: admins.hollowtown.username,
            }),
          }),
        ]),
      );
    }
    const after = await call(admins.hollowtown, 'GET', `/hollowtown/api/admin/market?since=${since()}`);
    expect(after.body.totals).toEqual(
      expect.arrayContaining([expect.objectContaining({ item_kind: 'plan', sales: 0, refunds: 1 })]),
    );
  });

  it('refuses recording a staff action for someone without a role in that domain', async () => {
    await expect(
      identity().staff.recordAction({
        actorUserId: admins.recipes.userId,
        domain: 'hollowtown',
        action: 'item.removed',
        subjectUserId: subject.userId,
        reason: 'x',
        details: {},
      }),
    ).rejects.toMatchObject({ code: 'STAFF_ROLE_REQUIRED' });
  });
});

// Plans as data, shared calendars by plan, staff roles and the operator console's account API,
// on both engines: limits read from subscription_plans and changed for new tokens at once; the
// free plan refused shared calendars and Family allowed them; staff of another domain refused
// every operation; the staff audit log append-only even to SQL, and in the user's security log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { injectCall, joinFamily } from '../../../test/support/family.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { staffCovers } from '../../platform/auth/staff.ts';
import { createLogger } from '../../platform/logger.ts';
import { type IdentityClient, planCacheFor } from '../client.ts';
import { createStaffService, planCatalogOf } from '../index.ts';

describe.each(testEngines())('plans, staff and the operator console on %s', (engine) => {
  let platform: TestPlatform;
  const operator = { operator: 'test' };
  const deps = () => ({
    db: platform.databases.get('identity'),
    now: () => platform.clock.now(),
    logger: createLogger({ logLevel: 'silent' }),
  });
  const plans = () => planCatalogOf(deps());
  const staff = () => createStaffService(deps());
  const identity = () => platform.clients.get<IdentityClient>('identity');
  const call = (user: TestUser | null, method: string, url: string, payload?: unknown) =>
    platform.app.inject({
      method: method as 'GET',
      url,
      headers: user?.headers ?? {},
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'family'] });
  });
  afterAll(() => platform.close());

  describe('plans as data', () => {
    it('seeds the four plans at the design document’s prices and serves them from the table', async () => {
      const response = await call(null, 'GET', '/calos/api/plans');
      expect(response.statusCode).toBe(200);
      const byCode = Object.fromEntries(
        response.json().plans.map((p: { plan_code: string }) => [p.plan_code, p]),
      );
      expect(Object.keys(byCode).sort()).toEqual(['enterprise', 'family', 'free', 'pro']);
      expect(byCode.pro).toMatchObject({ name: 'Premium', entitlements: { price_cents_per_month: 500 } });
      expect(byCode.family).toMatchObject({
        name: 'Family',
        entitlements: { price_cents_per_month: 1000, shared_calendars: true, family_member_cap: null },
      });
      expect(byCode.free.entitlements).toMatchObject({
        ai_rate_limits: { per_minute: 10, per_hour: 100, per_day: 1000 },
        shared_calendars: false,
      });
    });

    it('applies a change at once to what the gateway reads for a token’s plan, audited, with an event', async () => {
      const alice = await given(platform).user({ plan: 'pro' });
      const before = await planCacheFor(identity()).entitlementsOf('pro');
      expect(before.aiRateLimits.perMinute).toBe(60);
      await plans().update('pro', { aiPerMinute: 7, aiPerHour: 70, aiPerDay: 700 }, operator);
      // What the AI gateway asks for the `plan` claim of a token (execute.ts, route.ts).
      expect((await planCacheFor(identity()).entitlementsOf('pro')).aiRateLimits).toEqual({
        perMinute: 7,
        perHour: 70,
        perDay: 700,
      });
      expect((await identity().planOf(alice.userId)).entitlements.aiRateLimits.perMinute).toBe(7);
      // A new token carries the plan; its entitlements are the table's.
      const refreshed = await call(null, 'POST', '/calos/api/auth/refresh', {
        refresh_token: alice.refreshToken,
      });
      expect(refreshed.statusCode).toBe(200);
      const mine = await platform.app.inject({
        method: 'GET',
        url: '/calos/api/subscription',
        headers: { authorization: `Bearer ${refreshed.json().access_token}` },
      });
      expect(mine.json()).toMatchObject({
        plan_code: 'pro',
        entitlements: { ai_rate_limits: { per_minute: 7 } },
      });
      const db = platform.databases.get('identity');
      const audit = await db.query<{ actor_label: string; details: { plan_code: string } }>(
        "SELECT actor_label, details FROM staff_audit_log WHERE action = 'plan.changed' ORDER BY staff_audit_id DESC LIMIT 1",
      );
      expect(audit.rows[0]).toMatchObject({ actor_label: 'operator (test)', details: { plan_code: 'pro' } });
      const events = await db.query("SELECT payload FROM outbox WHERE topic = 'plan.changed'");
      expect(events.rows).toContainEqual({ payload: { plan_code: 'pro' } });
      // A service in another process drops its copy on that event.
      const cache = planCacheFor({ plans: () => identity().plans() });
      await plans().update('pro', { aiPerMinute: 8 }, operator);
      await cache.handle({ topic: 'plan.changed' });
      expect((await cache.entitlementsOf('pro')).aiRateLimits.perMinute).toBe(8);
      await plans().update('pro', { aiPerMinute: 60, aiPerHour: 1000, aiPerDay: 10000 }, operator);
    });

    it('refuses bad changes with a code and changes nothing', async () => {
      await expect(plans().update('pro', { aiPerMinute: 5000 }, operator)).rejects.toMatchObject({
        code: 'PLAN_CHANGE_INVALID',
        status: 400,
      });
      await expect(plans().update('pro', { aiPerMinute: -1 }, operator)).rejects.toMatchObject({
        code: 'PLAN_CHANGE_INVALID',
      });
      await expect(plans().update('gold', { aiPerMinute: 1 }, operator)).rejects.toMatchObject({
        code: 'PLAN_NOT_FOUND',
        status: 404,
      });
      expect((await plans().entitlementsOf('pro')).aiRateLimits.perMinute).toBe(60);
    });

    it('caps a family at the member cap the table gives the creator’s plan', async () => {
      await plans().update('free', { familyMemberCap: 2 }, operator);
      try {
        const [parent, first, second] = await Promise.all([
          given(platform).user(),
          given(platform).user(),
          given(platform).user(),
        ]);
        const family = await call(parent, 'POST', '/family/api/families', { family_name: 'Capped' });
        const familyId = family.json().family_id;
        const api = injectCall(platform);
        await joinFamily(api, { familyId, admin: parent, invitee: first, login: first.username });
        const over = await call(parent, 'POST', `/family/api/families/${familyId}/invitations`, {
          login: second.username,
          role: 'child',
        });
        const accepted =
          over.statusCode === 201
            ? await call(second, 'POST', `/family/api/invitations/${over.json().invitation_id}/accept`)
            : over;
        expect(accepted.statusCode).toBe(409);
        expect(accepted.json().error.code).toBe('FAMILY_MEMBER_CAP_REACHED');
      } finally {
        await plans().update('free', { familyMemberCap: 6 }, operator);
      }
    });
  });

  describe('shared calendars by plan', () => {
    const familyOf = async (user: TestUser) =>
      (await call(user, 'POST', '/family/api/families', { family_name: 'Calendar people' })).json()
        .family_id as string;

    it('answers 402 PLAN_REQUIRED to a free family, naming the plan and the way to upgrade', async () => {
      const parent = await given(platform).user();
      const familyId = await familyOf(parent);
      const feed = await call(parent, 'POST', `/family/api/families/${familyId}/ical`);
      expect(feed.statusCode).toBe(402);
      expect(feed.json().error).toMatchObject({
        code: 'PLAN_REQUIRED',
        details: { entitlement: 'shared_calendars', plans: ['family'], upgrade_url: '/account/plan' },
      });
      const link = await call(parent, 'POST', '/family/api/calendar/meal-plans', {
        family_id: familyId,
        meal_plan_id: '00000000-0000-4000-8000-000000000001',
      });
      expect(link.statusCode).toBe(402);
      expect(link.json().error.code).toBe('PLAN_REQUIRED');
      const db = platform.databases.get('family');
      const rows = await db.query('SELECT 1 FROM family_ical_feeds WHERE family_id = $1', [familyId]);
      expect(rows.rows).toHaveLength(0);
    });

    it('lets a Family-plan family share its calendar, for every member, until the plan lapses', async () => {
      const [parent, child] = await Promise.all([
        given(platform).user({ plan: 'family' }),
        given(platform).user(),
      ]);
      const familyId = await familyOf(parent);
      await joinFamily(injectCall(platform), {
        familyId,
        admin: parent,
        invitee: child,
        login: child.username,
      });
      const feed = await call(child, 'POST', `/family/api/families/${familyId}/ical`);
      expect(feed.statusCode).toBe(201);
      const path = new URL(feed.json().url).pathname;
      expect((await call(null, 'GET', path)).statusCode).toBe(200);
      // Shared calendars taken out of the Family plan: the feed stops answering, and comes back.
      await plans().update('family', { sharedCalendars: false }, operator);
      try {
        const lapsed = await call(null, 'GET', path);
        expect(lapsed.statusCode).toBe(402);
        // No listed plan has them now (enterprise is arranged, not listed).
        expect(lapsed.json().error.details.plans).toEqual([]);
      } finally {
        await plans().update('family', { sharedCalendars: true }, operator);
      }
      expect((await call(null, 'GET', path)).statusCode).toBe(200);
    });
  });

  describe('staff roles and the console’s account API', () => {
    let subject: TestUser;
    let nobody: TestUser;
    let hollowtownAdmin: TestUser;
    let identityModerator: TestUser;
    let support: TestUser;
    let admin: TestUser;

    beforeAll(async () => {
      const make = () => given(platform).user();
      [subject, nobody, hollowtownAdmin, identityModerator, support, admin] = await Promise.all([
        make(),
        make(),
        make(),
        make(),
        make(),
        make(),
      ]);
      await staff().grant({ login: hollowtownAdmin.username, role: 'admin', domain: 'hollowtown' }, operator);
      await staff().grant(
        { login: identityModerator.username, role: 'moderator', domain: 'identity' },
        operator,
      );
      await staff().grant({ login: support.username, role: 'support', domain: 'identity' }, operator);
      await staff().grant({ login: admin.username, role: 'admin' }, operator);
    });

    const operations = () => [
      { method: 'GET', url: `/calos/api/admin/users?q=${subject.username}`, money: false },
      { method: 'GET', url: `/calos/api/admin/users/${subject.userId}`, money: false },
      {
        method: 'POST',
        url: `/calos/api/admin/users/${subject.userId}/sign-out`,
        body: { reason: 'r' },
        money: false,
      },
      {
        method: 'POST',
        url: `/calos/api/admin/users/${subject.userId}/disable`,
        body: { reason: 'r' },
        money: false,
      },
      {
        method: 'POST',
        url: `/calos/api/admin/users/${subject.userId}/enable`,
        body: { reason: 'r' },
        money: false,
      },
      {
        method: 'PUT',
        url: `/calos/api/admin/users/${subject.userId}/plan`,
        body: { plan_code: 'pro', reason: 'r' },
        money: true,
      },
      {
        method: 'POST',
        url: `/calos/api/admin/users/${subject.userId}/credits`,
        body: { amount: 5, reason: 'r' },
        money: true,
      },
      { method: 'GET', url: '/calos/api/admin/audit', money: true },
    ];

    it('documents every admin endpoint in OpenAPI with tags, a summary, bearer security and body examples', async () => {
      const spec = (await call(null, 'GET', '/calos/openapi.json')).json();
      const operations = Object.entries(spec.paths as Record<string, Record<string, Record<string, unknown>>>)
        .filter(([path]) => path.startsWith('/api/admin'))
        .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
      expect(operations.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort()).toEqual(
        [
          'GET /api/admin/me',
          'GET /api/admin/users',
          'GET /api/admin/users/{id}',
          'POST /api/admin/users/{id}/sign-out',
          'POST /api/admin/users/{id}/disable',
          'POST /api/admin/users/{id}/enable',
          'PUT /api/admin/users/{id}/plan',
          'POST /api/admin/users/{id}/credits',
          'GET /api/admin/audit',
          'GET /api/admin/ai-usage',
          'GET /api/admin/plans',
          'PATCH /api/admin/plans/{code}',
          'GET /api/admin/staff',
          'POST /api/admin/staff',
          'POST /api/admin/staff/revoke',
        ].sort(),
      );
      for (const { path, method, op } of operations) {
        expect(op.tags, `${method} ${path}`).toEqual(['admin']);
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        expect(op.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
        const media = (op.requestBody as { content: Record<string, Record<string, unknown>> } | undefined)
          ?.content['application/json'];
        if (method !== 'get') expect(media?.example ?? media?.examples, `${method} ${path}`).toBeTruthy();
      }
    });

    it('tells anyone signed in their staff roles', async () => {
      expect((await call(nobody, 'GET', '/calos/api/admin/me')).json()).toEqual({ roles: [] });
      expect((await call(support, 'GET', '/calos/api/admin/me')).json()).toEqual({
        roles: [{ role: 'support', domain: 'identity' }],
      });
    });

    it('refuses every operation to non-staff, to another domain’s admin and to a moderator (403)', async () => {
      for (const user of [nobody, hollowtownAdmin, identityModerator]) {
        for (const op of operations()) {
          const response = await call(user, op.method, op.url, op.body);
          expect(response.statusCode, `${op.method} ${op.url}`).toBe(403);
          expect(response.json().error.code).toBe('STAFF_ROLE_REQUIRED');
        }
      }
      expect((await call(null, 'GET', `/calos/api/admin/users/${subject.userId}`)).statusCode).toBe(401);
    });

    it('lets support read, sign out and disable, and keeps plans and credits to admins', async () => {
      for (const op of operations()) {
        const response = await call(support, op.method, op.url, op.body);
        expect(response.statusCode, `${op.method} ${op.url}`).toBe(op.money ? 403 : 200);
      }
      for (const op of operations()) {
        const response = await call(admin, op.method, op.url, op.body);
        expect(response.statusCode, `${op.method} ${op.url}`).toBe(200);
      }
      expect(staffCovers([{ role: 'admin', domain: 'all' }], 'family', ['admin'])).toBe(true);
      expect(staffCovers([{ role: 'admin', domain: 'hollowtown' }], 'family', ['admin'])).toBe(false);
    });

    it('finds an account and shows its plan, credits, devices and sessions', async () => {
      const found = await call(support, 'GET', `/calos/api/admin/users?q=${subject.email.slice(0, 12)}`);
      expect(found.json().items.map((u: { user_id: string }) => u.user_id)).toContain(subject.userId);
      const view = await call(support, 'GET', `/calos/api/admin/users/${subject.userId}`);
      expect(view.json()).toMatchObject({
        username: subject.username,
        plan: { plan_code: expect.any(String) },
        credits: { balance: expect.any(Number) },
      });
      expect(Array.isArray(view.json().devices)).toBe(true);
    });

    it('pages through found accounts by username with no duplicate and no gap', async () => {
      const prefix = `pg${Math.random().toString(36).slice(2, 7)}`;
      const made = await Promise.all(
        ['c', 'a', 'e', 'b', 'g', 'd', 'f'].map((letter) =>
          given(platform).user({ username: `${prefix}_${letter}${Math.random().toString(36).slice(2, 5)}` }),
        ),
      );
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query = `q=${prefix}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const response = await call(support, 'GET', `/calos/api/admin/users?${query}`);
        expect(response.statusCode).toBe(200);
        const body = response.json() as { items: { username: string }[]; next_cursor: string | null };
        expect(body.items.length).toBeLessThanOrEqual(3);
        seen.push(...body.items.map((u) => u.username));
        cursor = body.next_cursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(seen).toEqual(made.map((u) => u.username).sort());
      expect(pages).toBe(3);
      for (const bad of ['%%%', Buffer.from(JSON.stringify({ u: 'x', id: 'nope' })).toString('base64url')]) {
        const response = await call(
          support,
          'GET',
          `/calos/api/admin/users?q=${prefix}&cursor=${encodeURIComponent(bad)}`,
        );
        expect(response.statusCode).toBe(400);
        expect(response.json().error.code).toBe('INVALID_CURSOR');
      }
    });

    it('answers bad input with 4xx codes', async () => {
      const cases: [string, string, unknown, number][] = [
        ['GET', '/calos/api/admin/users?q=a', undefined, 400],
        ['GET', '/calos/api/admin/users/not-a-uuid', undefined, 404],
        ['GET', '/calos/api/admin/users/00000000-0000-4000-8000-000000000009', undefined, 404],
        ['POST', `/calos/api/admin/users/${subject.userId}/credits`, { amount: 0, reason: 'x' }, 400],
        ['POST', `/calos/api/admin/users/${subject.userId}/credits`, { amount: 5 }, 400],
        [
          'POST',
          `/calos/api/admin/users/${subject.userId}/credits`,
          { amount: -100000000, reason: 'x' },
          400,
        ],
        ['POST', `/calos/api/admin/users/${subject.userId}/credits`, { amount: -999999, reason: 'x' }, 409],
        ['PUT', `/calos/api/admin/users/${subject.userId}/plan`, { plan_code: 'gold', reason: 'x' }, 400],
        ['POST', `/calos/api/admin/users/${subject.userId}/disable`, { reason: '' }, 400],
      ];
      for (const [method, url, body, status] of cases) {
        const response = await call(admin, method, url, body);
        expect(response.statusCode, `${method} ${url} ${JSON.stringify(body)}`).toBe(status);
        expect(response.json().error.code).toEqual(expect.any(String));
      }
    });

    it('grants and takes back credits with a ledger entry naming the staff member', async () => {
      const person = await given(platform).user();
      const start = (await identity().credits.balance(person.userId)).balance;
      const granted = await call(admin, 'POST', `/calos/api/admin/users/${person.userId}/credits`, {
        amount: 250,
        reason: 'Failed generations',
      });
      expect(granted.json().balance).toBe(start + 250);
      const back = await call(admin, 'POST', `/calos/api/admin/users/${person.userId}/credits`, {
        amount: -50,
        reason: 'Double grant',
      });
      expect(back.json().balance).toBe(start + 200);
      const ledger = await call(person, 'GET', '/calos/api/credits/ledger');
      const reasons = ledger.json().items.map((e: { reason: string }) => e.reason);
      expect(reasons).toContain(`Taken back by staff ${admin.username}: Double grant`);
      expect(reasons).toContain(`Granted by staff ${admin.username}: Failed generations`);
    });

    it('disables an account: no sign-in, its tokens refused; enabled again, it signs in', async () => {
      const person = await given(platform).user();
      expect((await call(person, 'GET', '/calos/api/auth/me')).statusCode).toBe(200);
      const disabled = await call(support, 'POST', `/calos/api/admin/users/${person.userId}/disable`, {
        reason: 'Spam',
      });
      expect(disabled.statusCode).toBe(200);
      expect((await call(person, 'GET', '/calos/api/auth/me')).statusCode).toBe(401);
      const refresh = await call(null, 'POST', '/calos/api/auth/refresh', {
        refresh_token: person.refreshToken,
      });
      expect(refresh.statusCode).toBe(401);
      const login = await call(null, 'POST', '/calos/api/auth/login', {
        login: person.username,
        password: person.password,
      });
      expect(login.statusCode).toBe(403);
      expect(login.json().error.code).toBe('ACCOUNT_DISABLED');
      // The revocations feed tells services in other processes.
      const feed = await identity().revocations.recent();
      expect(feed.items.some((item) => item.userId === person.userId)).toBe(true);
      await call(support, 'POST', `/calos/api/admin/users/${person.userId}/enable`, {
        reason: 'Appeal upheld',
      });
      const again = await call(null, 'POST', '/calos/api/auth/login', {
        login: person.username,
        password: person.password,
      });
      expect(again.statusCode).toBe(200);
    });

    it('shows each staff action in the security log of the person it concerns', async () => {
      const person = await given(platform).user();
      await call(support, 'POST', `/calos/api/admin/users/${person.userId}/sign-out`, {
        reason: 'Lost phone',
      });
      const relogin = await call(null, 'POST', '/calos/api/auth/login', {
        login: person.username,
        password: person.password,
      });
      const headers = { authorization: `Bearer ${relogin.json().access_token}` };
      const log = await platform.app.inject({ method: 'GET', url: '/calos/api/audit', headers });
      const entry = log.json().items.find((e: { event: string }) => e.event === 'staff.action');
      expect(entry).toMatchObject({
        details: { action: 'account.signed_out', staff: support.username, reason: 'Lost phone' },
      });
      const grantee = await given(platform).user();
      await staff().grant({ login: grantee.username, role: 'moderator', domain: 'recipes' }, operator);
      const own = await call(grantee, 'GET', '/calos/api/audit');
      expect(own.json().items[0]).toMatchObject({
        event: 'staff.action',
        details: { action: 'staff.granted', role: 'moderator', domain: 'recipes' },
      });
    });

    it('keeps the staff audit log append-only, even to SQL from the app’s own role', async () => {
      const db = platform.databases.get('identity');
      const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM staff_audit_log');
      expect(Number(rows[0]?.n)).toBeGreaterThan(0);
      await expect(db.query("UPDATE staff_audit_log SET reason = 'edited'")).rejects.toThrow(/append-only/);
      await expect(db.query('DELETE FROM staff_audit_log')).rejects.toThrow(/append-only/);
      await expect(db.query('TRUNCATE staff_audit_log')).rejects.toThrow(/append-only/);
      const after = await db.query<{ n: string }>('SELECT count(*) AS n FROM staff_audit_log');
      expect(after.rows[0]?.n).toBe(rows[0]?.n);
    });

    it('grants, lists and takes back roles, refusing unknown roles, domains and people', async () => {
      const person = await given(platform).user();
      await expect(staff().grant({ login: person.username, role: 'root' }, operator)).rejects.toMatchObject({
        code: 'STAFF_INPUT_INVALID',
      });
      await expect(
        staff().grant({ login: person.username, role: 'admin', domain: 'casino' }, operator),
      ).rejects.toMatchObject({ code: 'STAFF_INPUT_INVALID' });
      await expect(staff().grant({ login: 'nobody-here', role: 'admin' }, operator)).rejects.toMatchObject({
        code: 'USER_NOT_FOUND',
      });
      await staff().grant({ login: person.username, role: 'support', domain: 'family' }, operator);
      expect(await identity().staffRolesOf(person.userId)).toEqual([{ role: 'support', domain: 'family' }]);
      expect((await staff().list()).some((g) => g.user_id === person.userId)).toBe(true);
      await staff().revoke({ login: person.username, role: 'support' }, operator);
      expect(await identity().staffRolesOf(person.userId)).toEqual([]);
      await expect(
        staff().revoke({ login: person.username, role: 'support' }, operator),
      ).rejects.toMatchObject({
        code: 'STAFF_GRANT_NOT_FOUND',
      });
    });
  });
});

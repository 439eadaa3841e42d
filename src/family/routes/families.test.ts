import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { familyApi } from '../test-helpers.ts';

describe.each(testEngines())('families and members on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof familyApi>;
  const db = () => platform.databases.get('family');

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'family'] });
    api = familyApi(platform);
  });
  afterAll(() => platform.close());

  it('creates a family whose creator is its admin, and lists it for its members only', async () => {
    const alice = await given(platform).user();
    const created = await api.call(alice, 'POST', '/api/families', { family_name: 'The Addams' });
    expect(created.statusCode).toBe(201);
    const family = created.json();
    expect(family).toMatchObject({
      family_name: 'The Addams',
      created_by: alice.userId,
      my_role: 'admin',
      member_count: 1,
      member_cap: 6,
    });

    const mine = api.expectStatus(await api.call(alice, 'GET', '/api/families'), 200);
    expect(mine.items.map((f: { family_id: string }) => f.family_id)).toEqual([family.family_id]);
    expect(mine.next_cursor).toBeNull();

    const bob = await given(platform).user();
    expect(api.expectStatus(await api.call(bob, 'GET', '/api/families'), 200).items).toEqual([]);
    const members = api.expectStatus(
      await api.call(alice, 'GET', `/api/families/${family.family_id}/members`),
      200,
    );
    expect(members.items).toEqual([
      expect.objectContaining({ user_id: alice.userId, username: alice.username, role: 'admin' }),
    ]);
  });

  it('renames and deletes a family (admin), taking its lists, items and events along', async () => {
    const family = await api.family(['parent']);
    const renamed = await api.call(family.admin, 'PATCH', `/api/families/${family.familyId}`, {
      family_name: 'The Munsters',
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().family_name).toBe('The Munsters');

    const list = await api.list(family.admin, family.familyId);
    await api.item(family.admin, list.list_id);
    await api.event(family.admin, family.familyId);
    const deleted = await api.call(family.admin, 'DELETE', `/api/families/${family.familyId}`);
    expect(deleted.statusCode).toBe(204);
    expect((await api.call(family.admin, 'GET', `/api/families/${family.familyId}`)).statusCode).toBe(404);
    for (const table of ['family_members', 'todo_lists', 'family_events']) {
      const { rows } = await db().query(`SELECT count(*) AS n FROM ${table} WHERE family_id = $1`, [
        family.familyId,
      ]);
      expect(rows[0]).toEqual({ n: 0 });
    }
    const { rows } = await db().query('SELECT count(*) AS n FROM todo_items WHERE list_id = $1', [
      list.list_id,
    ]);
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('no longer adds members directly: the old endpoint answers 410 with a pointer, adding nobody', async () => {
    const family = await api.family();
    const bob = await given(platform).user();
    const gone = await api.call(family.admin, 'POST', `/api/families/${family.familyId}/members`, {
      login: bob.username,
      role: 'parent',
    });
    expect(gone.statusCode).toBe(410);
    expect(gone.json().error.code).toBe('MEMBERS_JOIN_BY_INVITATION');
    expect(gone.json().error.message).toContain('/invitations');
    const { rows } = await db().query('SELECT count(*) AS n FROM family_members WHERE family_id = $1', [
      family.familyId,
    ]);
    expect(rows[0]).toEqual({ n: 1 });
    expect((await api.call(bob, 'GET', `/api/families/${family.familyId}`)).statusCode).toBe(404);
  });

  it("caps members at the creator's plan: 6 on free, unlimited on the family plan", async () => {
    const family = await api.family(['parent', 'child', 'child', 'child', 'child']);
    const seventh = await given(platform).user();
    const refused = await api.call(family.admin, 'POST', `/api/families/${family.familyId}/invitations`, {
      login: seventh.username,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'FAMILY_MEMBER_CAP_REACHED', details: { cap: 6 } });
    const { rows } = await db().query('SELECT count(*) AS n FROM family_members WHERE family_id = $1', [
      family.familyId,
    ]);
    expect(rows[0]).toEqual({ n: 6 });

    // The cap follows the creator's plan, not the inviting admin's.
    const plan = await platform.app.inject({
      method: 'POST',
      url: '/calos/api/subscription',
      headers: family.admin.headers,
      payload: { plan_code: 'family', provider: 'dev' },
    });
    expect(plan.statusCode).toBe(200);
    const family_ = api.expectStatus(
      await api.call(family.admin, 'GET', `/api/families/${family.familyId}`),
      200,
    );
    expect(family_.member_cap).toBeNull();
    for (let i = 0; i < 3; i++) {
      await api.invite(family.admin, family.familyId, await given(platform).user(), 'child');
    }
    const listed = api.expectStatus(
      await api.call(family.admin, 'GET', `/api/families/${family.familyId}/members?limit=100`),
      200,
    );
    expect(listed.items).toHaveLength(9);
  });

  it('keeps the cap when invitations are accepted at once', async () => {
    const family = await api.family(['parent', 'child', 'child']);
    const users = await Promise.all([1, 2, 3, 4].map(() => given(platform).user()));
    const invitations = await Promise.all(
      users.map(async (u) =>
        api.expectStatus(
          await api.call(family.admin, 'POST', `/api/families/${family.familyId}/invitations`, {
            login: u.username,
          }),
          201,
        ),
      ),
    );
    const answers = await Promise.all(
      users.map((u, i) => api.call(u, 'POST', `/api/invitations/${invitations[i].invitation_id}/accept`)),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 409, 409]);
    expect(answers.filter((a) => a.statusCode === 409).map((a) => a.json().error.code)).toEqual([
      'FAMILY_MEMBER_CAP_REACHED',
      'FAMILY_MEMBER_CAP_REACHED',
    ]);
    const { rows } = await db().query('SELECT count(*) AS n FROM family_members WHERE family_id = $1', [
      family.familyId,
    ]);
    expect(rows[0]).toEqual({ n: 6 });
  });

  it('never lets the last admin leave or step down; after handing over they can', async () => {
    const family = await api.family(['parent', 'child']);
    const { admin } = family;
    const parent = family.byRole('parent');
    const leave = await api.call(
      admin,
      'DELETE',
      `/api/families/${family.familyId}/members/${admin.memberId}`,
    );
    expect(leave.statusCode).toBe(409);
    expect(leave.json().error.code).toBe('LAST_ADMIN');
    const demote = await api.call(
      admin,
      'PATCH',
      `/api/families/${family.familyId}/members/${admin.memberId}`,
      {
        role: 'parent',
      },
    );
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.code).toBe('LAST_ADMIN');

    const promote = await api.call(
      admin,
      'PATCH',
      `/api/families/${family.familyId}/members/${parent.memberId}`,
      {
        role: 'admin',
      },
    );
    expect(promote.statusCode).toBe(200);
    expect(promote.json()).toMatchObject({ role: 'admin', user_id: parent.userId });
    const left = await api.call(
      admin,
      'DELETE',
      `/api/families/${family.familyId}/members/${admin.memberId}`,
    );
    expect(left.statusCode).toBe(204);
    expect((await api.call(admin, 'GET', `/api/families/${family.familyId}`)).statusCode).toBe(404);
    // The new admin is now the last one.
    const parentLeaves = await api.call(
      parent,
      'DELETE',
      `/api/families/${family.familyId}/members/${parent.memberId}`,
    );
    expect(parentLeaves.json().error.code).toBe('LAST_ADMIN');
  });

  it('keeps one admin when two admins demote each other at once', async () => {
    const family = await api.family(['admin']);
    const other = family.members[0];
    if (!other) throw new Error('no second admin');
    const [a, b] = await Promise.all([
      api.call(family.admin, 'PATCH', `/api/families/${family.familyId}/members/${other.memberId}`, {
        role: 'parent',
      }),
      api.call(other, 'PATCH', `/api/families/${family.familyId}/members/${family.admin.memberId}`, {
        role: 'parent',
      }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 403]);
    const { rows } = await db().query(
      "SELECT count(*) AS n FROM family_members WHERE family_id = $1 AND role = 'admin'",
      [family.familyId],
    );
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('removing a member clears their assignments and attendance and deletes their personal lists', async () => {
    const family = await api.family(['parent', 'child']);
    const child = family.byRole('child');
    const shared = await api.list(family.admin, family.familyId);
    const item = await api.item(family.admin, shared.list_id, { assigned_to: child.userId });
    const event = await api.event(family.admin, family.familyId, {
      attendees: [child.userId, family.admin.userId],
    });
    const personal = await api.list(child, family.familyId, 'personal', 'My secret list');

    const removed = await api.call(
      family.admin,
      'DELETE',
      `/api/families/${family.familyId}/members/${child.memberId}`,
    );
    expect(removed.statusCode).toBe(204);
    const after = api.expectStatus(
      await api.call(family.admin, 'GET', `/api/todos/${shared.list_id}/items/${item.item_id}`),
      200,
    );
    expect(after.assigned_to).toBeNull();
    const eventAfter = api.expectStatus(
      await api.call(family.admin, 'GET', `/api/calendar/events/${event.event_id}`),
      200,
    );
    expect(eventAfter.attendees).toEqual([family.admin.userId]);
    const { rows } = await db().query('SELECT count(*) AS n FROM todo_lists WHERE list_id = $1', [
      personal.list_id,
    ]);
    expect(rows[0]).toEqual({ n: 0 });
    expect((await api.call(child, 'GET', `/api/families/${family.familyId}`)).statusCode).toBe(404);
  });

  it('pages families and members with limit and an opaque cursor', async () => {
    const family = await api.family(['parent', 'child', 'child', 'child']);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = api.expectStatus(
        await api.call(family.admin, 'GET', `/api/families/${family.familyId}/members${query}`),
        200,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((m: { member_id: string }) => m.member_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([family.admin.memberId, ...family.members.map((m) => m.memberId)]);

    const user = family.admin;
    for (let i = 0; i < 2; i++) {
      api.expectStatus(await api.call(user, 'POST', '/api/families', { family_name: `Extra ${i}` }), 201);
    }
    const first = api.expectStatus(await api.call(user, 'GET', '/api/families?limit=2'), 200);
    expect(first.items).toHaveLength(2);
    const second = api.expectStatus(
      await api.call(user, 'GET', `/api/families?limit=2&cursor=${first.next_cursor}`),
      200,
    );
    expect(second.items.map((f: { family_name: string }) => f.family_name)).toEqual(['Extra 1']);
    expect(second.next_cursor).toBeNull();

    for (const cursor of ['nonsense', Buffer.from('["2025-02-30 10:00:00+00","x"]').toString('base64url')]) {
      const bad = await api.call(user, 'GET', `/api/families?cursor=${cursor}`);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('INVALID_CURSOR');
    }
    expect((await api.call(user, 'GET', '/api/families?limit=101')).statusCode).toBe(400);
  });

  it('answers 400 in the one error shape for invalid bodies, writing nothing', async () => {
    const alice = await given(platform).user();
    for (const body of [
      {},
      { family_name: '' },
      { family_name: '   ' },
      { family_name: 'x'.repeat(101) },
      { family_name: 'ok', extra: true },
      { family_name: 42 },
    ]) {
      const response = await api.call(alice, 'POST', '/api/families', body);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    const { rows } = await db().query('SELECT count(*) AS n FROM families WHERE created_by = $1', [
      alice.userId,
    ]);
    expect(rows[0]).toEqual({ n: 0 });
    const family = await api.family();
    for (const body of [
      {},
      { login: '' },
      { login: '  ' },
      { login: 'x', role: 'owner' },
      { login: 'x'.repeat(321) },
      { login: 'x', max_uses: 2 },
      { kind: 'link', login: 'x' },
      { kind: 'link', max_uses: 0 },
      { kind: 'link', max_uses: 101 },
      { kind: 'link', expires_in_days: 31 },
      { kind: 'email', login: 'x' },
    ]) {
      const response = await api.call(
        family.admin,
        'POST',
        `/api/families/${family.familyId}/invitations`,
        body,
      );
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    const written = await db().query('SELECT count(*) AS n FROM family_invitations WHERE family_id = $1', [
      family.familyId,
    ]);
    expect(written.rows[0]).toEqual({ n: 0 });
  });

  it('documents every endpoint in OpenAPI with tags, security and body examples', async () => {
    const spec = (await platform.app.inject({ method: 'GET', url: '/family/openapi.json' })).json();
    const operations = Object.entries(
      spec.paths as Record<string, Record<string, Record<string, unknown>>>,
    ).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
    expect(operations.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort()).toEqual(
      [
        'GET /api/families',
        'POST /api/families',
        'GET /api/families/{id}',
        'PATCH /api/families/{id}',
        'DELETE /api/families/{id}',
        'GET /api/families/{id}/members',
        'POST /api/families/{id}/members',
        'GET /api/families/{id}/members/{memberId}',
        'PATCH /api/families/{id}/members/{memberId}',
        'DELETE /api/families/{id}/members/{memberId}',
        'POST /api/families/{id}/invitations',
        'GET /api/families/{id}/invitations',
        'DELETE /api/families/{id}/invitations/{invitationId}',
        'GET /api/invitations',
        'POST /api/invitations/{id}/accept',
        'POST /api/invitations/{id}/decline',
        'POST /api/invitations/preview',
        'POST /api/invitations/join',
        'GET /api/invitations/approvals',
        'POST /api/invitations/{id}/approve',
        'POST /api/invitations/{id}/reject',
        'GET /api/families/{id}/messages',
        'POST /api/families/{id}/messages',
        'PATCH /api/families/{id}/messages/{messageId}',
        'DELETE /api/families/{id}/messages/{messageId}',
        'GET /api/families/{id}/messages/unread',
        'GET /api/families/{id}/messages/links',
        'POST /api/families/{id}/messages/read',
        'GET /api/families/{id}/messages/stream',
        'GET /api/todos',
        'POST /api/todos',
        'GET /api/todos/{id}',
        'PATCH /api/todos/{id}',
        'DELETE /api/todos/{id}',
        'GET /api/todos/{id}/items',
        'POST /api/todos/{id}/items',
        'GET /api/todos/{id}/items/{itemId}',
        'PATCH /api/todos/{id}/items/{itemId}',
        'DELETE /api/todos/{id}/items/{itemId}',
        'GET /api/todos/{id}/items/{itemId}/completions',
        'GET /api/families/{id}/points',
        'GET /api/calendar',
        'POST /api/calendar/events',
        'GET /api/calendar/events/{id}',
        'PATCH /api/calendar/events/{id}',
        'DELETE /api/calendar/events/{id}',
        'PUT /api/calendar/events/{id}/occurrences/{recurrence_id}',
        'DELETE /api/calendar/events/{id}/occurrences/{recurrence_id}',
        'GET /api/notifications',
        'POST /api/notifications/{id}/read',
        'POST /api/notifications/read',
        'GET /api/notifications/stream',
        'GET /api/push/key',
        'POST /api/push/subscriptions',
        'DELETE /api/push/subscriptions',
        'GET /api/shopping-lists',
        'POST /api/shopping-lists',
        'GET /api/shopping-lists/{id}',
        'DELETE /api/shopping-lists/{id}',
        'PATCH /api/shopping-lists/{id}',
        'POST /api/shopping-lists/{id}/items',
        'PATCH /api/shopping-lists/{id}/items/{itemId}',
        'DELETE /api/shopping-lists/{id}/items/{itemId}',
        'GET /api/shopping-lists/{id}/stream',
        'POST /api/families/{id}/ical',
        'GET /api/families/{id}/ical',
        'DELETE /api/families/{id}/ical/{feedId}',
        'GET /ical/{file}',
        'GET /go/{*}',
        'POST /api/calendar/meal-plans',
        'GET /api/calendar/meal-plans',
        'DELETE /api/calendar/meal-plans/{linkId}',
        'GET /api/admin/affiliate',
      ].sort(),
    );
    for (const { path, method, op } of operations) {
      // The iCal document is read by calendar apps: its secret URL is the key, not a token.
      // So is an affiliate link's: its signed token is the key (test/affiliate.test.ts).
      if (path === '/ical/{file}' || path === '/go/{*}') {
        expect(op.security, `${method} ${path}`).toBeUndefined();
        continue;
      }
      expect(op.tags, `${method} ${path}`).toBeTruthy();
      expect(op.summary, `${method} ${path}`).toBeTruthy();
      expect(op.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
      const media = (op.requestBody as { content: Record<string, Record<string, unknown>> } | undefined)
        ?.content['application/json'];
      if (media) expect(media.example ?? media.examples, `${method} ${path}`).toBeTruthy();
    }
  });
});

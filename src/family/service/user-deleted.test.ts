import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import type { FamilyClient } from '../client.ts';
import { familyApi, type TestMember } from '../test-helpers.ts';
import { createIdentityEventHandler } from './user-deleted.ts';

describe.each(testEngines())('user.deleted on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof familyApi>;
  const db = () => platform.databases.get('family');
  const client = () => platform.clients.get<FamilyClient>('family');

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'family'] });
    api = familyApi(platform);
  });
  afterAll(() => platform.close());

  const deleteAccount = async (user: TestMember) => {
    const response = await platform.app.inject({
      method: 'DELETE',
      url: '/calos/api/account',
      headers: user.headers,
      payload: { password: user.password },
    });
    expect(response.statusCode).toBe(204);
    await client().syncIdentityEvents();
  };

  it('hands the family to the longest-standing parent and anonymises what the admin left', async () => {
    const family = await api.family(['child', 'parent', 'parent']);
    const [child, firstParent] = family.members as [TestMember, TestMember, TestMember];
    const list = await api.list(family.admin, family.familyId);
    const assigned = await api.item(family.admin, list.list_id, { assigned_to: family.admin.userId });
    const done = await api.item(family.admin, list.list_id, { status: 'done' });
    const event = await api.event(family.admin, family.familyId, {
      attendees: [family.admin.userId, child.userId],
    });
    const personal = await api.list(family.admin, family.familyId, 'personal', 'Private');

    await deleteAccount(family.admin);

    const seen = api.expectStatus(
      await api.call(firstParent, 'GET', `/api/families/${family.familyId}`),
      200,
    );
    expect(seen).toMatchObject({ my_role: 'admin', created_by: null, member_count: 3, member_cap: 6 });
    const members = await client().membersOf(family.familyId);
    expect(members.map((m) => [m.userId, m.role])).toEqual([
      [child.userId, 'child'],
      [firstParent.userId, 'admin'],
      [(family.members[2] as TestMember).userId, 'parent'],
    ]);
    expect(await client().isMember(family.admin.userId, family.familyId)).toBe(false);

    const listAfter = api.expectStatus(await api.call(firstParent, 'GET', `/api/todos/${list.list_id}`), 200);
    expect(listAfter.created_by).toBeNull();
    const assignedAfter = api.expectStatus(
      await api.call(firstParent, 'GET', `/api/todos/${list.list_id}/items/${assigned.item_id}`),
      200,
    );
    expect(assignedAfter).toMatchObject({ assigned_to: null, created_by: null });
    const doneAfter = api.expectStatus(
      await api.call(firstParent, 'GET', `/api/todos/${list.list_id}/items/${done.item_id}`),
      200,
    );
    expect(doneAfter).toMatchObject({ status: 'done', completed_by: null, completed_at: done.completed_at });
    const eventAfter = api.expectStatus(
      await api.call(child, 'GET', `/api/calendar/events/${event.event_id}`),
      200,
    );
    expect(eventAfter).toMatchObject({ attendees: [child.userId], created_by: null });
    const { rows } = await db().query('SELECT count(*) AS n FROM todo_lists WHERE list_id = $1', [
      personal.list_id,
    ]);
    expect(rows[0]).toEqual({ n: 0 });

    // Nothing names the deleted user any more.
    const traces = await db().query(
      `SELECT (SELECT count(*) FROM family_members WHERE user_id = $1)
            + (SELECT count(*) FROM families WHERE created_by = $1)
            + (SELECT count(*) FROM todo_lists WHERE created_by = $1)
            + (SELECT count(*) FROM todo_items WHERE $1 IN (assigned_to, completed_by, created_by))
            + (SELECT count(*) FROM family_events WHERE created_by = $1 OR attendees @> ARRAY[$1::uuid]) AS n`,
      [family.admin.userId],
    );
    expect(traces.rows[0]).toEqual({ n: 0 });
  });

  it('hands over to the longest-standing child when there is no parent, and deletes an empty family', async () => {
    const family = await api.family(['child', 'child']);
    const [olderChild] = family.members as [TestMember, TestMember];
    const alone = await api.family();
    const aloneList = await api.list(alone.admin, alone.familyId);
    // The same user is also the admin of a family of one.
    const solo = api.expectStatus(
      await api.call(family.admin, 'POST', '/api/families', { family_name: 'Just me' }),
      201,
    );
    await deleteAccount(family.admin);
    expect(await client().roleOf(olderChild.userId, family.familyId)).toBe('admin');
    const { rows } = await db().query('SELECT count(*) AS n FROM families WHERE family_id = $1', [
      solo.family_id,
    ]);
    expect(rows[0]).toEqual({ n: 0 });

    await deleteAccount(alone.admin);
    const gone = await db().query('SELECT count(*) AS n FROM todo_lists WHERE list_id = $1', [
      aloneList.list_id,
    ]);
    expect(gone.rows[0]).toEqual({ n: 0 });
  });

  it('removes a child without touching the admins, and applies an event twice without harm', async () => {
    const family = await api.family(['admin', 'child']);
    const child = family.byRole('child');
    const list = await api.list(family.admin, family.familyId);
    const item = await api.item(family.admin, list.list_id, { assigned_to: child.userId });
    // Their Web Push subscriptions go with them (this platform has no VAPID keys: stored directly).
    const pushTo = (userId: string) =>
      db().query(
        `INSERT INTO family_push_subscriptions (user_id, endpoint, p256dh, auth, created_at)
         VALUES ($1, $2, 'BKey', 'auth', $3)`,
        [userId, `https://push.example.com/${userId}`, new Date()],
      );
    await pushTo(child.userId);
    await pushTo(family.admin.userId);
    await deleteAccount(child);
    expect((await client().membersOf(family.familyId)).map((m) => m.role)).toEqual(['admin', 'admin']);
    const subscribed = await db().query<{ user_id: string }>(
      'SELECT user_id FROM family_push_subscriptions WHERE user_id = ANY($1::uuid[])',
      [[child.userId, family.admin.userId]],
    );
    expect(subscribed.rows).toEqual([{ user_id: family.admin.userId }]);

    // At-least-once delivery: the same event again changes nothing.
    const before = await db().query('SELECT * FROM todo_items WHERE item_id = $1', [item.item_id]);
    const handle = createIdentityEventHandler({
      db: db(),
      logger: platform.app.log as never,
      now: () => new Date(),
    });
    await handle({
      eventId: 1,
      topic: 'user.deleted',
      payload: { user_id: child.userId },
      createdAt: new Date(),
    });
    await handle({
      eventId: 2,
      topic: 'user.created',
      payload: { user_id: family.admin.userId },
      createdAt: new Date(),
    });
    await handle({
      eventId: 3,
      topic: 'user.deleted',
      payload: { user_id: 'not-a-uuid' },
      createdAt: new Date(),
    });
    const after = await db().query('SELECT * FROM todo_items WHERE item_id = $1', [item.item_id]);
    expect(after.rows).toEqual(before.rows);
    expect(after.rows[0]).toMatchObject({ assigned_to: null });
    expect(await client().isMember(family.admin.userId, family.familyId)).toBe(true);
  });

  it("forgets who made and ticked shopping items, and stops the deleted member's calendar feed", async () => {
    const family = await api.family(['parent']);
    const parent = family.byRole('parent');
    const list = api.expectStatus(
      await api.call(parent, 'POST', '/api/shopping-lists', {
        family_id: family.familyId,
        list_name: 'Party food',
      }),
      201,
    );
    const change = (method: 'POST' | 'PATCH', url: string, payload: object, key: string) =>
      platform.app.inject({
        method,
        url: `/family${url}`,
        headers: { ...parent.headers, 'idempotency-key': key },
        payload,
      });
    const item = api.expectStatus(
      await change('POST', `/api/shopping-lists/${list.list_id}/items`, { name: 'Pumpkins' }, 'add-1'),
      201,
    );
    api.expectStatus(
      await change(
        'PATCH',
        `/api/shopping-lists/${list.list_id}/items/${item.item_id}`,
        { checked: true },
        'check-1',
      ),
      200,
    );
    await api.upgrade(family.admin);
    const parentsFeed = api.expectStatus(
      await api.call(parent, 'POST', `/api/families/${family.familyId}/ical`),
      201,
    );
    const adminsFeed = api.expectStatus(
      await api.call(family.admin, 'POST', `/api/families/${family.familyId}/ical`),
      201,
    );
    const fetchFeed = (url: string) => platform.app.inject({ method: 'GET', url: new URL(url).pathname });
    expect((await fetchFeed(parentsFeed.url)).statusCode).toBe(200);

    await deleteAccount(parent);

    const items = api.expectStatus(
      await api.call(family.admin, 'GET', `/api/shopping-lists/${list.list_id}`),
      200,
    );
    expect(items.items).toEqual([
      expect.objectContaining({ name: 'Pumpkins', checked: true, checked_by: null }),
    ]);
    const madeBy = await db().query('SELECT created_by FROM family_shopping_lists WHERE list_id = $1', [
      list.list_id,
    ]);
    expect(madeBy.rows).toEqual([{ created_by: null }]);
    const stored = await db().query(
      'SELECT checked, checked_by, created_by FROM family_shopping_items WHERE item_id = $1',
      [item.item_id],
    );
    // Still ticked: the family keeps what was bought, not who bought it.
    expect(stored.rows).toEqual([{ checked: true, checked_by: null, created_by: null }]);
    const actors = await db().query('SELECT DISTINCT actor FROM family_shopping_events WHERE list_id = $1', [
      list.list_id,
    ]);
    expect(actors.rows).toEqual([{ actor: null }]);

    expect((await fetchFeed(parentsFeed.url)).statusCode).toBe(404);
    expect((await fetchFeed(adminsFeed.url)).statusCode).toBe(200);
    const feeds = api.expectStatus(
      await api.call(family.admin, 'GET', `/api/families/${family.familyId}/ical`),
      200,
    );
    expect(feeds.items.find((f: { feed_id: string }) => f.feed_id === parentsFeed.feed_id)).toMatchObject({
      created_by: null,
      revoked_at: expect.any(String),
    });

    // Nothing in family_db points at the deleted account any more.
    const referenced: string[] = [];
    for (let after: string | null = null; ; ) {
      const page = await client().integrity.userIds(after, 100);
      referenced.push(...page);
      if (page.length < 100) break;
      after = page.at(-1) ?? null;
    }
    expect(referenced).not.toContain(parent.userId);
    expect(referenced).toContain(family.admin.userId);
  });

  it('answers the FamilyClient for other services', async () => {
    const family = await api.family(['parent']);
    const parent = family.byRole('parent');
    expect(await client().isMember(parent.userId, family.familyId)).toBe(true);
    expect(await client().isMember(parent.userId, '00000000-0000-4000-8000-000000000000')).toBe(false);
    expect(await client().isMember('nonsense', family.familyId)).toBe(false);
    expect(await client().roleOf(parent.userId, family.familyId)).toBe('parent');
    expect(await client().membersOf('nonsense')).toEqual([]);
    const members = await client().membersOf(family.familyId);
    expect(members).toEqual([
      expect.objectContaining({ userId: family.admin.userId, role: 'admin', familyId: family.familyId }),
      expect.objectContaining({ userId: parent.userId, role: 'parent', memberId: parent.memberId }),
    ]);
    expect(await client().familiesOf(parent.userId)).toEqual([
      { familyId: family.familyId, familyName: 'The Addams', role: 'parent' },
    ]);
  });
});

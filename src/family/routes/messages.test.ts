import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { openEventStream } from '../../../test/support/sse.ts';
import type { FamilyClient } from '../client.ts';
import type { TestMember } from '../test-helpers.ts';
import { familyApi } from '../test-helpers.ts';

describe.each(testEngines())('family chat on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof familyApi>;
  const db = () => platform.databases.get('family');

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'family'] });
    api = familyApi(platform);
  });
  afterAll(() => platform.close());

  const post = async (who: TestMember, familyId: string, body: Record<string, unknown>) =>
    api.call(who, 'POST', `/api/families/${familyId}/messages`, body);
  const say = async (who: TestMember, familyId: string, text: string, extra: Record<string, unknown> = {}) =>
    api.expectStatus(await post(who, familyId, { body: text, ...extra }), 201);

  it('lets members write, reply and page through the chat; other families get 404', async () => {
    const family = await api.family(['parent', 'child']);
    const kid = family.byRole('child');
    const first = await say(family.admin, family.familyId, '  Who is picking up Pugsley?  ');
    expect(first).toMatchObject({
      body: 'Who is picking up Pugsley?',
      author_id: family.admin.userId,
      reply_to: null,
      is_deleted: false,
      edited_at: null,
    });
    const answer = await say(kid, family.familyId, 'Not me! <script>alert(1)</script>', {
      reply_to: first.message_id,
    });
    expect(answer.reply_to).toBe(first.message_id);
    // Stored and answered as the text it is.
    expect(answer.body).toBe('Not me! <script>alert(1)</script>');
    for (let i = 0; i < 3; i++) await say(family.byRole('parent'), family.familyId, `note ${i}`);

    const page1 = api.expectStatus(
      await api.call(kid, 'GET', `/api/families/${family.familyId}/messages?limit=2`),
      200,
    );
    expect(page1.items.map((m: { body: string }) => m.body)).toEqual(['note 2', 'note 1']);
    const page2 = api.expectStatus(
      await api.call(
        kid,
        'GET',
        `/api/families/${family.familyId}/messages?limit=2&cursor=${page1.next_cursor}`,
      ),
      200,
    );
    const page3 = api.expectStatus(
      await api.call(
        kid,
        'GET',
        `/api/families/${family.familyId}/messages?limit=2&cursor=${page2.next_cursor}`,
      ),
      200,
    );
    expect([...page2.items, ...page3.items].map((m: { body: string }) => m.body)).toEqual([
      'note 0',
      answer.body,
      first.body,
    ]);
    expect(page3.next_cursor).toBeNull();

    // Another family: its id answers 404, and a reply cannot point into it.
    const other = await api.family();
    const theirs = await say(other.admin, other.familyId, 'Ours');
    // A cursor is bound to its family: one of this chat is no page of another.
    await say(other.admin, other.familyId, 'Ours too');
    const theirPage = api.expectStatus(
      await api.call(other.admin, 'GET', `/api/families/${other.familyId}/messages?limit=1`),
      200,
    );
    expect(theirPage.next_cursor).toEqual(expect.any(String));
    const foreign = await api.call(
      kid,
      'GET',
      `/api/families/${family.familyId}/messages?cursor=${theirPage.next_cursor}`,
    );
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.code).toBe('INVALID_CURSOR');
    for (const [method, url, payload] of [
      ['GET', `/api/families/${other.familyId}/messages`, undefined],
      ['POST', `/api/families/${other.familyId}/messages`, { body: 'Hello?' }],
      ['PATCH', `/api/families/${other.familyId}/messages/${theirs.message_id}`, { body: 'x' }],
      ['DELETE', `/api/families/${other.familyId}/messages/${theirs.message_id}`, undefined],
      ['GET', `/api/families/${other.familyId}/messages/stream`, undefined],
    ] as const) {
      const response = await api.call(kid, method, url, payload);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('FAMILY_NOT_FOUND');
    }
    const crossed = await post(kid, family.familyId, { body: 'x', reply_to: theirs.message_id });
    expect(crossed.statusCode).toBe(400);
    expect(crossed.json().error.code).toBe('REPLY_NOT_FOUND');
    const viaOurs = await api.call(
      kid,
      'DELETE',
      `/api/families/${family.familyId}/messages/${theirs.message_id}`,
    );
    expect(viaOurs.statusCode).toBe(404);
    expect(viaOurs.json().error.code).toBe('MESSAGE_NOT_FOUND');
  });

  it('pages in the order written when the seq grows a digit (numbers, not text)', async () => {
    const family = await api.family([]);
    // Straight into the table: more than the rate limit lets one member post in a minute.
    const { rows: before } = await db().query<{ seq: string }>(
      'SELECT coalesce(max(seq), 0)::text AS seq FROM family_messages',
    );
    // From below the next power of ten to past it, e.g. 7…15: as text "9" sorts above "15".
    const first = Number(before[0]?.seq) + 1;
    const count = 10 ** String(first).length - first + 5;
    for (let n = 1; n <= count; n++) {
      await db().query(
        'INSERT INTO family_messages (family_id, author_id, body, created_at) VALUES ($1, $2, $3, now())',
        [family.familyId, family.admin.userId, `n${n}`],
      );
    }
    const bodies: string[] = [];
    let cursor: string | null = null;
    do {
      const page = api.expectStatus(
        await api.call(
          family.admin,
          'GET',
          `/api/families/${family.familyId}/messages?limit=4${cursor ? `&cursor=${cursor}` : ''}`,
        ),
        200,
      );
      bodies.push(...page.items.map((m: { body: string }) => m.body));
      cursor = page.next_cursor;
    } while (cursor);
    expect(bodies).toEqual(Array.from({ length: count }, (_, i) => `n${count - i}`));
  });

  it('lets authors edit and delete their own messages, admins delete any, and nobody else', async () => {
    const family = await api.family(['parent', 'child']);
    const [parent, kid] = [family.byRole('parent'), family.byRole('child')];
    const kids = await say(kid, family.familyId, 'I cleaned my room');
    const parents = await say(parent, family.familyId, 'Did you?');
    const url = (id: string) => `/api/families/${family.familyId}/messages/${id}`;

    const edited = api.expectStatus(
      await api.call(kid, 'PATCH', url(kids.message_id), { body: 'I cleaned most of my room' }),
      200,
    );
    expect(edited.body).toBe('I cleaned most of my room');
    expect(edited.edited_at).not.toBeNull();
    for (const [who, method] of [
      [kid, 'PATCH'],
      [kid, 'DELETE'],
      [family.admin, 'PATCH'],
    ] as const) {
      const refused = await api.call(
        who,
        method,
        url(parents.message_id),
        method === 'PATCH' ? { body: 'x' } : undefined,
      );
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('MESSAGE_NOT_YOURS');
    }
    expect((await api.call(kid, 'DELETE', url(kids.message_id))).statusCode).toBe(204);
    expect((await api.call(family.admin, 'DELETE', url(parents.message_id))).statusCode).toBe(204);
    const list = api.expectStatus(
      await api.call(kid, 'GET', `/api/families/${family.familyId}/messages`),
      200,
    );
    expect(list.items.map((m: { is_deleted: boolean; body: string }) => [m.is_deleted, m.body])).toEqual([
      [true, ''],
      [true, ''],
    ]);
    const { rows } = await db().query<{ body: string }>(
      'SELECT body FROM family_messages WHERE family_id = $1',
      [family.familyId],
    );
    expect(rows.map((r) => r.body)).toEqual(['', '']);
    expect((await api.call(kid, 'PATCH', url(kids.message_id), { body: 'back' })).statusCode).toBe(404);
  });

  it('refuses empty, oversized and malformed messages, writing nothing, and limits the rate', async () => {
    const family = await api.family(['child']);
    const kid = family.byRole('child');
    for (const body of [
      {},
      { body: '' },
      { body: '   ' },
      { body: 'x'.repeat(4001) },
      { body: 'x', extra: 1 },
      { body: 7 },
    ]) {
      const response = await post(kid, family.familyId, body);
      expect(response.statusCode, JSON.stringify(body).slice(0, 40)).toBe(400);
    }
    expect((await post(kid, family.familyId, { body: 'x'.repeat(4000) })).statusCode).toBe(201);
    for (const query of ['cursor=abc', 'cursor=eyJsIjoiZmFtaWx5Lm1lc3NhZ2VzIiwiayI6WyJ4Il19', 'before=12']) {
      const bad = await api.call(kid, 'GET', `/api/families/${family.familyId}/messages?${query}`);
      expect(bad.statusCode, query).toBe(400);
    }
    const { rows } = await db().query('SELECT count(*)::int AS n FROM family_messages WHERE family_id = $1', [
      family.familyId,
    ]);
    expect(rows[0]).toEqual({ n: 1 });

    const statuses: number[] = [];
    for (let i = 0; i < 31; i++)
      statuses.push((await post(kid, family.familyId, { body: `spam ${i}` })).statusCode);
    expect(statuses.slice(0, 29).every((s) => s === 201)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // The limit is per member: the admin still writes.
    expect((await post(family.admin, family.familyId, { body: 'Enough.' })).statusCode).toBe(201);
  });

  it('counts unread messages by others after each member’s read marker, which only moves forward', async () => {
    const family = await api.family(['parent']);
    const parent = family.byRole('parent');
    const unread = async (who: TestMember) =>
      api.expectStatus(await api.call(who, 'GET', `/api/families/${family.familyId}/messages/unread`), 200);
    expect(await unread(parent)).toEqual({ last_read_seq: '0', unread_count: 0 });
    const one = await say(family.admin, family.familyId, 'one');
    await say(family.admin, family.familyId, 'two');
    await say(parent, family.familyId, 'mine');
    expect((await unread(parent)).unread_count).toBe(2);
    expect((await unread(family.admin)).unread_count).toBe(1);

    const marked = api.expectStatus(
      await api.call(parent, 'POST', `/api/families/${family.familyId}/messages/read`, { seq: one.seq }),
      200,
    );
    expect(marked).toEqual({ last_read_seq: one.seq, unread_count: 1 });
    // Backwards changes nothing; past the newest stops at the newest.
    await api.call(parent, 'POST', `/api/families/${family.familyId}/messages/read`, { seq: '0' });
    expect((await unread(parent)).last_read_seq).toBe(one.seq);
    api.expectStatus(
      await api.call(parent, 'POST', `/api/families/${family.familyId}/messages/read`, {
        seq: '999999999999',
      }),
      200,
    );
    expect((await unread(parent)).unread_count).toBe(0);
    await say(family.admin, family.familyId, 'three');
    expect((await unread(parent)).unread_count).toBe(1);
  });

  it('replays what a reconnecting stream missed after its Last-Event-ID, then goes on live', async () => {
    const family = await api.family(['child']);
    const kid = family.byRole('child');
    const url = `${platform.url}/family/api/families/${family.familyId}/messages/stream`;
    const first = await openEventStream(url, kid.headers);
    const seen = await say(family.admin, family.familyId, 'seen live');
    const live = await first.waitFor((e) => e.event === 'message.created');
    expect(live.id).toBe(seen.seq);
    first.close();

    // While the kid is away, two messages are sent and one of them deleted.
    const missedOne = await say(family.admin, family.familyId, 'missed one');
    const missedTwo = await say(family.admin, family.familyId, 'missed two');
    expect(
      (
        await api.call(
          family.admin,
          'DELETE',
          `/api/families/${family.familyId}/messages/${missedTwo.message_id}`,
        )
      ).statusCode,
    ).toBe(204);
    const again = await openEventStream(url, { ...kid.headers, 'last-event-id': live.id as string });
    const replayed = await again.waitFor(
      (e) =>
        e.event === 'message.created' &&
        (e.data as { message_id: string }).message_id === missedTwo.message_id,
    );
    const created = again.events.filter((e) => e.event === 'message.created');
    expect(created.map((e) => e.id)).toEqual([missedOne.seq, missedTwo.seq]);
    expect(created[0]?.data).toMatchObject({ body: 'missed one' });
    // A deleted message comes in its current state: its place, without its text.
    expect(JSON.stringify(replayed.data)).not.toContain('missed two');
    const after = await say(family.admin, family.familyId, 'live again');
    const next = await again.waitFor((e) => e.event === 'message.created' && e.id === after.seq);
    expect(next.data).toMatchObject({ body: 'live again' });
    again.close();

    // The web pages' stream reader cannot set the header: the same position as ?last_event_id=.
    const byQuery = await openEventStream(`${url}?last_event_id=${live.id}`, kid.headers);
    await byQuery.waitFor((e) => e.event === 'message.created' && e.id === after.seq);
    expect(byQuery.events.filter((e) => e.event === 'message.created').map((e) => e.id)).toEqual([
      missedOne.seq,
      missedTwo.seq,
      after.seq,
    ]);
    byQuery.close();

    // A Last-Event-ID that is no seq replays nothing.
    const odd = await openEventStream(url, { ...kid.headers, 'last-event-id': 'not-a-seq' });
    expect(odd.status).toBe(200);
    odd.close();
  });

  it('delivers messages live to other members, and ends the stream of a member who is removed', async () => {
    const family = await api.family(['child']);
    const kid = family.byRole('child');
    const stream = await openEventStream(
      `${platform.url}/family/api/families/${family.familyId}/messages/stream`,
      kid.headers,
    );
    expect(stream.status).toBe(200);
    const sent = await say(family.admin, family.familyId, 'Dinner at 7');
    const created = await stream.waitFor((e) => e.event === 'message.created');
    expect(created.data).toMatchObject({ message_id: sent.message_id, body: 'Dinner at 7' });
    expect(created.id).toBe(sent.seq);
    api.expectStatus(
      await api.call(family.admin, 'PATCH', `/api/families/${family.familyId}/messages/${sent.message_id}`, {
        body: 'Dinner at 8',
      }),
      200,
    );
    const updated = await stream.waitFor((e) => e.event === 'message.updated');
    expect(updated.data).toMatchObject({ body: 'Dinner at 8' });

    const removed = await api.call(
      family.admin,
      'DELETE',
      `/api/families/${family.familyId}/members/${kid.memberId}`,
    );
    expect(removed.statusCode).toBe(204);
    const end = await stream.waitFor((e) => e.event === 'end', 5_000);
    expect(end.data).toEqual({ reason: 'access_ended' });
    await stream.ended;
    await say(family.admin, family.familyId, 'Secret plans');
    expect(JSON.stringify(stream.events)).not.toContain('Secret plans');
    // And a new stream is refused.
    const again = await openEventStream(
      `${platform.url}/family/api/families/${family.familyId}/messages/stream`,
      kid.headers,
    );
    expect(again.status).toBe(404);
    again.close();
  });

  it('keeps a deleted account’s messages for the family, anonymised', async () => {
    const family = await api.family(['parent']);
    const parent = family.byRole('parent');
    await say(parent, family.familyId, 'Bye all');
    const deleted = await platform.app.inject({
      method: 'DELETE',
      url: '/calos/api/account',
      headers: parent.headers,
      payload: { password: parent.password },
    });
    expect(deleted.statusCode).toBe(204);
    await platform.clients.get<FamilyClient>('family').syncIdentityEvents();
    const list = api.expectStatus(
      await api.call(family.admin, 'GET', `/api/families/${family.familyId}/messages`),
      200,
    );
    expect(list.items).toEqual([
      expect.objectContaining({ body: 'Bye all', author_id: null, author_name: null }),
    ]);
  });
});

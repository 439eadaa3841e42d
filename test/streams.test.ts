// Live streams end when access ends: a family list's stream ends within 2 s when its follower is
// removed, leaves, loses the family, signs out, loses the account or outlives the token; and it
// never sends a change the follower could not read at that moment. The generation stream too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from './support/engines.ts';
import { joinFamily } from './support/family.ts';
import { given, type TestUser } from './support/given.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { openEventStream, type SseReader } from './support/sse.ts';

describe.each(testEngines())('live streams end when access ends, on %s', (engine) => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'family', 'hollowtown'] });
  });
  afterAll(() => platform.close());

  let keys = 0;
  const call = async (user: Pick<TestUser, 'headers'>, method: string, url: string, payload?: unknown) => {
    const response = await platform.app.inject({
      method: method as 'GET',
      url,
      // List changes want an Idempotency-Key; it does no harm elsewhere.
      headers: { ...user.headers, 'idempotency-key': `k${++keys}-${Math.random()}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: response.statusCode, body: response.body ? response.json() : undefined };
  };

  /** A family with an admin and a member, a list, and the member following it live. */
  async function follower(role: 'parent' | 'child' = 'child') {
    const [admin, member] = await Promise.all([given(platform).user(), given(platform).user()]);
    const family = await call(admin, 'POST', '/family/api/families', { family_name: 'Followers' });
    const joined = await joinFamily(call, {
      familyId: family.body.family_id,
      admin,
      invitee: member,
      login: member.username,
      role,
    });
    const list = await call(admin, 'POST', '/family/api/shopping-lists', {
      family_id: family.body.family_id,
      list_name: 'Party',
    });
    const stream = await openEventStream(
      `${platform.url}/family/api/shopping-lists/${list.body.list_id}/stream`,
      member.headers,
    );
    expect(stream.status).toBe(200);
    await stream.waitFor((e) => e.event === 'snapshot');
    return {
      admin,
      member,
      familyId: family.body.family_id as string,
      memberId: joined.memberId,
      listId: list.body.list_id as string,
      stream,
    };
  }

  const endsWithin2s = async (stream: SseReader, reason: string) => {
    const started = performance.now();
    const end = await stream.waitFor((e) => e.event === 'end', 2_000);
    expect(end.data).toEqual({ reason });
    await stream.ended;
    return performance.now() - started;
  };

  it('ends for a member who is removed, and sends them nothing changed after the removal', async () => {
    const { admin, familyId, memberId, listId, stream } = await follower();
    const before = await call(admin, 'POST', `/family/api/shopping-lists/${listId}/items`, {
      name: 'candles',
    });
    expect(before.status, JSON.stringify(before.body)).toBe(201);
    await stream.waitFor((e) => e.event === 'item.added');
    // Removed, and the list changes at once after: the change must not reach them.
    expect((await call(admin, 'DELETE', `/family/api/families/${familyId}/members/${memberId}`)).status).toBe(
      204,
    );
    await call(admin, 'POST', `/family/api/shopping-lists/${listId}/items`, { name: 'secret present' });
    await endsWithin2s(stream, 'access_ended');
    expect(JSON.stringify(stream.events)).not.toContain('secret present');
  });

  it('ends for a member who leaves, and for everyone when the family is deleted', async () => {
    const leaving = await follower();
    expect(
      (
        await call(
          leaving.member,
          'DELETE',
          `/family/api/families/${leaving.familyId}/members/${leaving.memberId}`,
        )
      ).status,
    ).toBe(204);
    await endsWithin2s(leaving.stream, 'access_ended');

    const deleted = await follower('parent');
    expect((await call(deleted.admin, 'DELETE', `/family/api/families/${deleted.familyId}`)).status).toBe(
      204,
    );
    await endsWithin2s(deleted.stream, 'access_ended');
  });

  it('ends when the session ends or the account is deleted', async () => {
    const signedOut = await follower();
    expect((await call(signedOut.member, 'POST', '/calos/api/auth/logout')).status).toBe(204);
    await endsWithin2s(signedOut.stream, 'session_ended');

    const gone = await follower();
    expect(
      (await call(gone.member, 'DELETE', '/calos/api/account', { password: gone.member.password })).status,
    ).toBe(204);
    await endsWithin2s(gone.stream, 'session_ended');
  });

  it('ends when the access token expires, so that the client comes back with a fresh one', async () => {
    const { stream } = await follower();
    platform.clock.advance(301_000);
    try {
      await endsWithin2s(stream, 'token_expired');
    } finally {
      platform.clock.advance(-301_000);
    }
  });

  it('goes on for a member who keeps access while others come and go', async () => {
    const { admin, familyId, listId, stream } = await follower();
    const other = await given(platform).user();
    const added = await joinFamily(call, { familyId, admin, invitee: other, login: other.username });
    await call(admin, 'DELETE', `/family/api/families/${familyId}/members/${added.memberId}`);
    await call(admin, 'POST', `/family/api/shopping-lists/${listId}/items`, { name: 'still here' });
    const event = await stream.waitFor((e) => e.event === 'item.added');
    expect(JSON.stringify(event.data)).toContain('still here');
    expect(stream.events.some((e) => e.event === 'end')).toBe(false);
    stream.close();
  });
});

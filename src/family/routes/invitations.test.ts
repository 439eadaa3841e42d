import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import type { Database, Queryable } from '../../platform/db/database.ts';
import { familyApi } from '../test-helpers.ts';

describe.each(testEngines())('invitations with consent on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof familyApi>;
  const db = () => platform.databases.get('family');
  const DAY = 86_400_000;

  /**
   * The statements one request runs on family's and identity's databases, in order (only those
   * made on the request's behalf: background jobs run outside its async context).
   */
  const statementsOf = async (request: () => Promise<unknown>): Promise<string[]> => {
    const seen: string[] = [];
    const mine = new AsyncLocalStorage<true>();
    const restore: (() => void)[] = [];
    const recorded = (name: string, target: Queryable): Queryable['query'] =>
      ((sql: string, params?: readonly unknown[]) => {
        if (mine.getStore()) seen.push(`${name}: ${sql.replace(/\s+/g, ' ').trim()}`);
        return target.query(sql, params);
      }) as Queryable['query'];
    for (const name of ['family', 'identity'] as const) {
      const database = platform.databases.get(name);
      const { query, transaction } = database;
      const plain: Queryable = {
        query: query.bind(database),
        execScript: database.execScript.bind(database),
      };
      database.query = recorded(name, plain);
      database.transaction = ((work: (tx: Queryable) => Promise<unknown>) =>
        transaction.call(database, (tx) =>
          work({ query: recorded(name, tx), execScript: (sql) => tx.execScript(sql) }),
        )) as Database['transaction'];
      restore.push(() => {
        database.query = query;
        database.transaction = transaction;
      });
    }
    try {
      const response = (await mine.run(true, request)) as { statusCode: number };
      expect(response.statusCode).toBe(201);
    } finally {
      for (const undo of restore) undo();
    }
    return seen;
  };

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'family'] });
    api = familyApi(platform);
  });
  afterAll(() => platform.close());

  const invite = async (admin: TestUser, familyId: string, body: Record<string, unknown>) =>
    api.expectStatus(await api.call(admin, 'POST', `/api/families/${familyId}/invitations`, body), 201);
  const received = async (user: TestUser) =>
    api.expectStatus(await api.call(user, 'GET', '/api/invitations'), 200).items as {
      invitation_id: string;
      family_id: string;
      family_name: string;
      role: string;
      invited_by: string;
    }[];
  /** The user with a new access token (after the clock moved past the old one's expiry). */
  const refreshed = async (user: TestUser) => {
    const response = await platform.app.inject({
      method: 'POST',
      url: '/calos/api/auth/refresh',
      payload: { refresh_token: user.refreshToken },
    });
    const body = response.json();
    if (response.statusCode !== 200) throw new Error(`refresh failed: ${response.body}`);
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token ?? user.refreshToken,
      headers: { authorization: `Bearer ${body.access_token}` },
    };
  };
  const isMember = async (user: TestUser, familyId: string) =>
    (await api.call(user, 'GET', `/api/families/${familyId}`)).statusCode === 200;

  it('invites by username (any case) or email; only the invitee sees it, and joins by accepting', async () => {
    const family = await api.family([], 'The Addams');
    const [bob, carol, eve] = (await Promise.all([1, 2, 3].map(() => given(platform).user()))) as [
      TestUser,
      TestUser,
      TestUser,
    ];
    const toBob = await invite(family.admin, family.familyId, {
      login: bob.username.toUpperCase(),
      role: 'parent',
    });
    expect(toBob).toMatchObject({ kind: 'login', role: 'parent', status: 'pending', use_count: 0 });
    expect(toBob.code).toBeUndefined();
    const toCarol = await invite(family.admin, family.familyId, { login: carol.email });
    expect(toCarol.role).toBe('child');
    expect(new Date(toCarol.expires_at).getTime() - new Date(toCarol.created_at).getTime()).toBe(14 * DAY);

    // Invited is not joined.
    expect(await isMember(bob, family.familyId)).toBe(false);
    expect(await received(bob)).toEqual([
      expect.objectContaining({
        invitation_id: toBob.invitation_id,
        family_id: family.familyId,
        family_name: 'The Addams',
        role: 'parent',
        invited_by: family.admin.username,
      }),
    ]);
    expect(await received(eve)).toEqual([]);
    // Someone else's invitation does not exist for eve.
    const stolen = await api.call(eve, 'POST', `/api/invitations/${toBob.invitation_id}/accept`);
    expect(stolen.statusCode).toBe(404);
    expect(stolen.json().error.code).toBe('INVITATION_NOT_FOUND');

    const accepted = api.expectStatus(
      await api.call(bob, 'POST', `/api/invitations/${toBob.invitation_id}/accept`),
      200,
    );
    expect(accepted).toMatchObject({
      status: 'accepted',
      family_id: family.familyId,
      member: { user_id: bob.userId, username: bob.username, role: 'parent' },
    });
    expect(await isMember(bob, family.familyId)).toBe(true);
    expect(await received(bob)).toEqual([]);
    const again = await api.call(bob, 'POST', `/api/invitations/${toBob.invitation_id}/accept`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('INVITATION_ANSWERED');

    api.expectStatus(await api.call(carol, 'POST', `/api/invitations/${toCarol.invitation_id}/accept`), 200);
    const seen = api.expectStatus(await api.call(carol, 'GET', `/api/families/${family.familyId}`), 200);
    expect(seen).toMatchObject({ my_role: 'child', member_count: 3 });
  });

  it('declining leaves the invitee out, and the invitation answered', async () => {
    const family = await api.family();
    const bob = await given(platform).user();
    const invitation = await invite(family.admin, family.familyId, { login: bob.username });
    const declined = api.expectStatus(
      await api.call(bob, 'POST', `/api/invitations/${invitation.invitation_id}/decline`),
      200,
    );
    expect(declined).toEqual({ status: 'declined', family_id: family.familyId, member: null });
    expect(await isMember(bob, family.familyId)).toBe(false);
    expect(await received(bob)).toEqual([]);
    const late = await api.call(bob, 'POST', `/api/invitations/${invitation.invitation_id}/accept`);
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('INVITATION_ANSWERED');
    const open = api.expectStatus(
      await api.call(family.admin, 'GET', `/api/families/${family.familyId}/invitations`),
      200,
    );
    expect(open.items).toEqual([]);
    // Declined, the login may be invited again.
    await invite(family.admin, family.familyId, { login: bob.username });
  });

  it('expires: an old invitation cannot be accepted, is listed nowhere, and the login can be invited again', async () => {
    const family = await api.family();
    const bob = await given(platform).user();
    const invitation = await invite(family.admin, family.familyId, {
      login: bob.username,
      expires_in_days: 2,
    });
    const twice = await api.call(family.admin, 'POST', `/api/families/${family.familyId}/invitations`, {
      login: bob.username,
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('INVITATION_ALREADY_OPEN');
    platform.clock.advance(2 * DAY + 1_000);
    try {
      // Access tokens expired with the days that passed: the two sign in again.
      const [later, adminLater] = await Promise.all([refreshed(bob), refreshed(family.admin)]);
      Object.assign(bob, later);
      Object.assign(family.admin, adminLater);
      expect(await received(bob)).toEqual([]);
      const late = await api.call(bob, 'POST', `/api/invitations/${invitation.invitation_id}/accept`);
      expect(late.statusCode).toBe(410);
      expect(late.json().error.code).toBe('INVITATION_EXPIRED');
      expect(await isMember(bob, family.familyId)).toBe(false);
      const open = api.expectStatus(
        await api.call(family.admin, 'GET', `/api/families/${family.familyId}/invitations`),
        200,
      );
      expect(open.items).toEqual([]);
      const fresh = await invite(family.admin, family.familyId, { login: bob.username });
      api.expectStatus(await api.call(bob, 'POST', `/api/invitations/${fresh.invitation_id}/accept`), 200);
    } finally {
      platform.clock.advance(-(2 * DAY + 1_000));
    }
  });

  it('lets admins list and revoke open invitations; a revoked one cannot be accepted; others may not', async () => {
    const family = await api.family(['parent', 'child']);
    const bob = await given(platform).user();
    const invitation = await invite(family.admin, family.familyId, { login: bob.username });
    const link = await invite(family.admin, family.familyId, { kind: 'link', role: 'parent' });
    const open = api.expectStatus(
      await api.call(family.admin, 'GET', `/api/families/${family.familyId}/invitations`),
      200,
    );
    expect(open.items.map((i: { invitation_id: string }) => i.invitation_id)).toEqual([
      invitation.invitation_id,
      link.invitation_id,
    ]);
    // The link's secret is shown once, at creation.
    expect(open.items.every((i: { code?: string }) => i.code === undefined)).toBe(true);
    for (const who of ['parent', 'child'] as const) {
      const member = family.byRole(who);
      expect((await api.call(member, 'GET', `/api/families/${family.familyId}/invitations`)).statusCode).toBe(
        403,
      );
      const revoke = await api.call(
        member,
        'DELETE',
        `/api/families/${family.familyId}/invitations/${invitation.invitation_id}`,
      );
      expect(revoke.statusCode).toBe(403);
    }

    expect(
      (
        await api.call(
          family.admin,
          'DELETE',
          `/api/families/${family.familyId}/invitations/${invitation.invitation_id}`,
        )
      ).statusCode,
    ).toBe(204);
    expect(await received(bob)).toEqual([]);
    const late = await api.call(bob, 'POST', `/api/invitations/${invitation.invitation_id}/accept`);
    expect(late.statusCode).toBe(410);
    expect(late.json().error.code).toBe('INVITATION_REVOKED');
    const revokedTwice = await api.call(
      family.admin,
      'DELETE',
      `/api/families/${family.familyId}/invitations/${invitation.invitation_id}`,
    );
    expect(revokedTwice.statusCode).toBe(404);

    const revokedLink = await api.call(
      family.admin,
      'DELETE',
      `/api/families/${family.familyId}/invitations/${link.invitation_id}`,
    );
    expect(revokedLink.statusCode).toBe(204);
    const used = await api.call(bob, 'POST', '/api/invitations/join', { code: link.code });
    expect(used.statusCode).toBe(410);
    expect(used.json().error.code).toBe('INVITATION_REVOKED');
    expect(await isMember(bob, family.familyId)).toBe(false);
  });

  it('joins by link up to its use limit, keeping only a hash of the code', async () => {
    const family = await api.family([], 'The Munsters');
    const users = await Promise.all([1, 2, 3].map(() => given(platform).user()));
    const link = await invite(family.admin, family.familyId, {
      kind: 'link',
      role: 'parent',
      max_uses: 2,
      expires_in_days: 3,
    });
    expect(link).toMatchObject({ kind: 'link', login: null, max_uses: 2, use_count: 0, role: 'parent' });
    expect(link.code).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const stored = await db().query('SELECT * FROM family_invitations WHERE invitation_id = $1', [
      link.invitation_id,
    ]);
    expect(JSON.stringify(stored.rows)).not.toContain(link.code);

    const [first, second, third] = users as [TestUser, TestUser, TestUser];
    const preview = api.expectStatus(
      await api.call(first, 'POST', '/api/invitations/preview', { code: link.code }),
      200,
    );
    expect(preview).toMatchObject({
      family_name: 'The Munsters',
      role: 'parent',
      invited_by: family.admin.username,
    });
    expect(await isMember(first, family.familyId)).toBe(false);

    const joined = api.expectStatus(
      await api.call(first, 'POST', '/api/invitations/join', { code: link.code }),
      200,
    );
    expect(joined).toMatchObject({ status: 'accepted', member: { user_id: first.userId, role: 'parent' } });
    const twice = await api.call(first, 'POST', '/api/invitations/join', { code: link.code });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('ALREADY_MEMBER');
    api.expectStatus(await api.call(second, 'POST', '/api/invitations/join', { code: link.code }), 200);
    const full = await api.call(third, 'POST', '/api/invitations/join', { code: link.code });
    expect(full.statusCode).toBe(410);
    expect(full.json().error.code).toBe('INVITATION_USED_UP');
    expect(await isMember(third, family.familyId)).toBe(false);

    const unknown = await api.call(third, 'POST', '/api/invitations/join', { code: 'x'.repeat(32) });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('INVITATION_NOT_FOUND');
    const members = api.expectStatus(
      await api.call(family.admin, 'GET', `/api/families/${family.familyId}/members`),
      200,
    );
    expect(members.items).toHaveLength(3);
  });

  it('uses a link at most max_uses times when people join at once', async () => {
    const family = await api.family();
    const users = await Promise.all([1, 2, 3, 4].map(() => given(platform).user()));
    const link = await invite(family.admin, family.familyId, { kind: 'link', role: 'parent', max_uses: 2 });
    const answers = await Promise.all(
      users.map((u) => api.call(u, 'POST', '/api/invitations/join', { code: link.code })),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 410, 410]);
    const { rows } = await db().query('SELECT use_count FROM family_invitations WHERE invitation_id = $1', [
      link.invitation_id,
    ]);
    expect(rows[0]).toEqual({ use_count: 2 });
  });

  it('answers an invitation to a login with or without an account alike: status, body and time', async () => {
    const family = await api.family();
    const known = await given(platform).user();
    const shape = (body: Record<string, unknown>) => {
      const { invitation_id, login, created_at, expires_at, ...rest } = body;
      return { keys: Object.keys(body).sort(), rest, login };
    };
    const withAccount = await api.call(family.admin, 'POST', `/api/families/${family.familyId}/invitations`, {
      login: known.email,
    });
    const withoutAccount = await api.call(
      family.admin,
      'POST',
      `/api/families/${family.familyId}/invitations`,
      {
        login: 'nobody-by-this-name@example.test',
      },
    );
    expect(withAccount.statusCode).toBe(201);
    expect(withoutAccount.statusCode).toBe(201);
    expect(shape(withAccount.json()).keys).toEqual(shape(withoutAccount.json()).keys);
    expect(shape(withAccount.json()).rest).toEqual(shape(withoutAccount.json()).rest);
    expect(withAccount.headers['content-length']).toBe(
      String(Number(withoutAccount.headers['content-length']) + known.email.length - 32),
    );

    // Timing: both paths do the same work. Shown by the work itself, not by a stopwatch (a timed
    // assertion fails whenever the machine is busy): the statements each request runs, on
    // Family Planner's database and on identity's, in order, are the same.
    const someone = await given(platform).user();
    const knownWork = await statementsOf(() =>
      api.call(family.admin, 'POST', `/api/families/${family.familyId}/invitations`, {
        login: someone.username,
      }),
    );
    const unknownWork = await statementsOf(() =>
      api.call(family.admin, 'POST', `/api/families/${family.familyId}/invitations`, {
        login: `nobody_${someone.username}`,
      }),
    );
    expect(knownWork.length).toBeGreaterThan(3);
    expect(unknownWork).toEqual(knownWork);
  });

  it('has a child already in a family wait for a parent or admin of theirs before joining as a child', async () => {
    const home = await api.family(['parent', 'child']);
    const kid = home.byRole('child');
    const homeParent = home.byRole('parent');
    const club = await api.family([], 'The Chess Club');
    const stranger = await given(platform).user();

    const invitation = await invite(club.admin, club.familyId, { login: kid.username, role: 'child' });
    const answer = api.expectStatus(
      await api.call(kid, 'POST', `/api/invitations/${invitation.invitation_id}/accept`),
      200,
    );
    expect(answer).toEqual({ status: 'awaiting_approval', family_id: club.familyId, member: null });
    expect(await isMember(kid, club.familyId)).toBe(false);

    // The club's admin is nobody's guardian; the home's parent and admin are the kid's.
    for (const nobody of [stranger, club.admin, kid]) {
      expect(
        api.expectStatus(await api.call(nobody, 'GET', '/api/invitations/approvals'), 200).items,
      ).toEqual([]);
      const refused = await api.call(nobody, 'POST', `/api/invitations/${invitation.invitation_id}/approve`);
      expect(refused.statusCode).toBe(404);
    }
    const waiting = api.expectStatus(await api.call(homeParent, 'GET', '/api/invitations/approvals'), 200);
    expect(waiting.items).toEqual([
      expect.objectContaining({
        invitation_id: invitation.invitation_id,
        family_name: 'The Chess Club',
        role: 'child',
        status: 'awaiting_approval',
        invitee: { user_id: kid.userId, username: kid.username },
      }),
    ]);
    api.expectStatus(
      await api.call(homeParent, 'POST', `/api/invitations/${invitation.invitation_id}/approve`),
      200,
    );
    expect(await isMember(kid, club.familyId)).toBe(true);
    expect(
      api.expectStatus(await api.call(home.admin, 'GET', '/api/invitations/approvals'), 200).items,
    ).toEqual([]);

    // Through a link, the same; refused, the child stays out.
    const camp = await api.family([], 'Camp');
    const link = await invite(camp.admin, camp.familyId, { kind: 'link', role: 'child', max_uses: 5 });
    const viaLink = api.expectStatus(
      await api.call(kid, 'POST', '/api/invitations/join', { code: link.code }),
      200,
    );
    expect(viaLink.status).toBe('awaiting_approval');
    const again = await api.call(kid, 'POST', '/api/invitations/join', { code: link.code });
    expect(again.json().error.code).toBe('INVITATION_ANSWERED');
    const [pending] = api.expectStatus(
      await api.call(home.admin, 'GET', '/api/invitations/approvals'),
      200,
    ).items;
    expect(pending.family_name).toBe('Camp');
    api.expectStatus(
      await api.call(home.admin, 'POST', `/api/invitations/${pending.invitation_id}/reject`),
      200,
    );
    expect(await isMember(kid, camp.familyId)).toBe(false);

    // Someone who is nobody's child (an adult) joins as a child at once.
    const adult = await given(platform).user();
    const adultInvitation = await invite(camp.admin, camp.familyId, { login: adult.username, role: 'child' });
    const direct = api.expectStatus(
      await api.call(adult, 'POST', `/api/invitations/${adultInvitation.invitation_id}/accept`),
      200,
    );
    expect(direct.status).toBe('accepted');
  });

  it('keeps at most 50 open invitations per family', async () => {
    const family = await api.family();
    for (let i = 0; i < 50; i++) await invite(family.admin, family.familyId, { login: `someone_${i}` });
    const refused = await api.call(family.admin, 'POST', `/api/families/${family.familyId}/invitations`, {
      kind: 'link',
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'INVITATION_LIMIT_REACHED', details: { limit: 50 } });
  });
});

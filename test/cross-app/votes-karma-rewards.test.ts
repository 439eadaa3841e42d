// Votes on published items, karma in the CALOS account and rewards in credits, end to end across
// Hollowtown, HowToCookAtHome and identity: self-votes, double votes, withdrawn votes, young
// accounts, the milestone paid exactly once under 50 concurrent votes (read from the ledger),
// private items, bad input, and the public lists' order and period.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HollowtownClient } from '../../src/hollowtown/client.ts';
import type { RecipesInstanceClient } from '../../src/recipes/index.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const DAY_MS = 86_400_000;

describe.each(testEngines())('votes, karma and rewards on %s', (engine) => {
  let platform: TestPlatform;
  let author: TestUser;
  /** Accounts more than a day old (their created_at moved back from the platform's clock). */
  let crowd: TestUser[];

  const call = async (
    user: TestUser | undefined,
    method: InjectOptions['method'],
    url: string,
    payload?: unknown,
  ) => {
    const response = await platform.app.inject({
      method,
      url,
      ...(user ? { headers: user.headers } : {}),
      ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
    });
    return { status: response.statusCode, body: response.body ? response.json() : undefined };
  };
  const identityDb = () => platform.databases.get('identity');

  /** Account age is read from identity at the vote's time: set it relative to the test's clock. */
  const setAge = async (users: TestUser[], ageMs: number) => {
    await identityDb().query('UPDATE users SET created_at = $2 WHERE user_id = ANY($1::uuid[])', [
      users.map((u) => u.userId),
      new Date(platform.clock.now().getTime() - ageMs),
    ]);
  };

  /** Hands the apps' pending votes to identity (they go by themselves within a second too). */
  const sync = async () => {
    await platform.clients.get<HollowtownClient>('hollowtown').syncCommunityEvents();
    await platform.clients.get<RecipesInstanceClient>('recipes').syncCommunityEvents();
  };

  const karmaOf = async (user: TestUser) => {
    const response = await call(user, 'GET', '/calos/api/karma');
    expect(response.status).toBe(200);
    return response.body as { karma: number; recent: { delta: number; reason: string; item_id: string }[] };
  };

  const rewardsFor = async (app: string, kind: string, itemId: string) =>
    (
      await identityDb().query<{ amount: number; kind: string; reason: string; idempotency_key: string }>(
        `SELECT amount, kind, reason, idempotency_key FROM credit_ledger
         WHERE idempotency_key LIKE $1 ORDER BY entry_id`,
        [`reward:${app}:${kind}:${itemId}:%`],
      )
    ).rows;

  const publishSpooky = async (user: TestUser, name: string, isPublished = true) => {
    const response = await call(user, 'POST', '/hollowtown/api/recipes/spooky', {
      recipe_name: name,
      is_published: isPublished,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.recipe_id as string;
  };
  const voteSpooky = (user: TestUser, id: string) =>
    call(user, 'POST', `/hollowtown/api/recipes/spooky/${id}/vote`);

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'hollowtown', 'recipes'] });
    author = await given(platform).user();
    crowd = [];
    // Registration hashes a password: a few at a time.
    for (let i = 0; i < 5; i++) {
      crowd.push(...(await Promise.all(Array.from({ length: 11 }, () => given(platform).user()))));
    }
    await setAge([author, ...crowd], 2 * DAY_MS);
  });
  afterAll(() => platform.close());

  it('gives no karma and no reward for your own vote, and counts a double vote once', async () => {
    const id = await publishSpooky(author, 'Mummy dogs');
    const own = await voteSpooky(author, id);
    expect(own).toMatchObject({ status: 200, body: { votes: 1, has_voted: true } });
    await sync();
    expect((await karmaOf(author)).karma).toBe(0);

    const [bob] = crowd as [TestUser];
    expect(await voteSpooky(bob, id)).toMatchObject({ status: 200, body: { votes: 2, has_voted: true } });
    expect(await voteSpooky(bob, id)).toMatchObject({ status: 200, body: { votes: 2, has_voted: true } });
    await sync();
    const karma = await karmaOf(author);
    expect(karma.karma).toBe(1);
    expect(karma.recent.filter((e) => e.item_id === id)).toEqual([
      expect.objectContaining({ delta: 1, reason: 'Upvote' }),
    ]);
    // Every view carries the count: the detail, the lists, for the author and for others.
    expect((await call(bob, 'GET', `/hollowtown/api/recipes/spooky/${id}`)).body).toMatchObject({
      votes: 2,
      has_voted: true,
      moderation: null,
    });
    const list = await call(author, 'GET', '/hollowtown/api/recipes/spooky?scope=published&limit=100');
    expect(list.body.items.find((r: { recipe_id: string }) => r.recipe_id === id)).toMatchObject({
      votes: 2,
      has_voted: true,
    });
    // Public karma by username, for profiles (no sign-in).
    expect(await call(undefined, 'GET', `/calos/api/users/${author.username}/karma`)).toMatchObject({
      status: 200,
      body: { username: author.username, karma: 1 },
    });
    expect((await call(undefined, 'GET', '/calos/api/users/nobody-by-that-name/karma')).body.error.code).toBe(
      'USER_NOT_FOUND',
    );
  });

  it('takes the karma back with a withdrawn vote, and withdrawn votes do not count towards rewards', async () => {
    await sync();
    const before = (await karmaOf(author)).karma;
    const id = await publishSpooky(author, 'Eyeball pasta');
    const [quitter, ...others] = crowd.slice(20, 30) as [TestUser, ...TestUser[]];
    await voteSpooky(quitter, id);
    await sync();
    expect((await karmaOf(author)).karma).toBe(before + 1);
    const withdrawn = await call(quitter, 'DELETE', `/hollowtown/api/recipes/spooky/${id}/vote`);
    expect(withdrawn).toMatchObject({ status: 200, body: { votes: 0, has_voted: false } });
    // Withdrawing again changes nothing.
    expect(await call(quitter, 'DELETE', `/hollowtown/api/recipes/spooky/${id}/vote`)).toMatchObject({
      status: 200,
      body: { votes: 0 },
    });
    await sync();
    const karma = await karmaOf(author);
    expect(karma.karma).toBe(before);
    expect(karma.recent[0]).toMatchObject({ delta: -1, reason: 'Upvote withdrawn', item_id: id });

    // Nine others: with the withdrawn one that would be ten, but it does not count.
    for (const voter of others) await voteSpooky(voter, id);
    await sync();
    expect(await rewardsFor('hollowtown', 'recipe', id)).toEqual([]);
    // The tenth counted vote pays the first milestone.
    await voteSpooky(crowd[30] as TestUser, id);
    await sync();
    expect(await rewardsFor('hollowtown', 'recipe', id)).toEqual([
      expect.objectContaining({
        amount: 50,
        kind: 'reward',
        idempotency_key: `reward:hollowtown:recipe:${id}:1`,
      }),
    ]);
  });

  it('takes the karma back when a voter closes their account, for good', async () => {
    const id = await publishSpooky(author, 'Spider web dip');
    const leaver = await given(platform).user();
    await setAge([leaver], 2 * DAY_MS);
    await voteSpooky(leaver, id);
    await sync();
    const before = (await karmaOf(author)).karma;
    const closed = await platform.app.inject({
      method: 'DELETE',
      url: '/calos/api/account',
      headers: leaver.headers,
      payload: { password: leaver.password },
    });
    expect(closed.statusCode, closed.body).toBe(204);
    const karma = await karmaOf(author);
    expect(karma.karma).toBe(before - 1);
    expect(karma.recent[0]).toMatchObject({
      delta: -1,
      reason: 'Upvote gone: the voter closed their account',
      item_id: id,
      item_title: 'Spider web dip',
    });
    // A late report of the vote from the app changes nothing now.
    await sync();
    expect((await karmaOf(author)).karma).toBe(before - 1);
    const counted = await identityDb().query<{ is_active: boolean }>(
      'SELECT is_active FROM karma_votes WHERE item_id = $1 AND voter_id = $2',
      [id, leaver.userId],
    );
    expect(counted.rows).toEqual([{ is_active: false }]);
  });

  it('does not count votes from accounts younger than a day towards rewards (but gives karma)', async () => {
    const id = await publishSpooky(author, 'Witch finger cookies');
    const young = await Promise.all(Array.from({ length: 2 }, () => given(platform).user()));
    await setAge(young, 60 * 60_000);
    await sync();
    const before = (await karmaOf(author)).karma;
    for (const voter of [...crowd.slice(40, 48), ...young]) await voteSpooky(voter, id);
    await voteSpooky(author, id);
    await sync();
    // 8 old + 2 young + the author's own = 11 votes shown, 8 counted: no milestone.
    expect((await call(author, 'GET', `/hollowtown/api/recipes/spooky/${id}`)).body.votes).toBe(11);
    expect((await karmaOf(author)).karma).toBe(before + 10);
    expect(await rewardsFor('hollowtown', 'recipe', id)).toEqual([]);
  });

  it('pays each milestone exactly once under 50 concurrent votes from 50 accounts', async () => {
    const id = await publishSpooky(author, 'Graveyard dirt cups');
    const balance = async () =>
      (await call(author, 'GET', '/calos/api/credits/balance')).body.balance as number;
    const start = await balance();
    const voters = crowd.slice(0, 50);
    const answers = await Promise.all(voters.map((voter) => voteSpooky(voter, id)));
    expect(answers.map((a) => a.status)).toEqual(voters.map(() => 200));
    // And the same 50 again, at once with a concurrent drain: nothing more.
    await Promise.all([...voters.map((voter) => voteSpooky(voter, id)), sync(), sync()]);
    await sync();

    const rewards = await rewardsFor('hollowtown', 'recipe', id);
    expect(rewards.map((r) => r.idempotency_key)).toEqual(
      [1, 2, 3, 4, 5].map((m) => `reward:hollowtown:recipe:${id}:${m}`),
    );
    expect(rewards.every((r) => r.amount === 50 && r.kind === 'reward')).toBe(true);
    expect(rewards[4]?.reason).toBe('Hollowtown: "Graveyard dirt cups" reached 50 upvotes');
    expect(await balance()).toBe(start + 250);
    const karma = await identityDb().query<{ n: number }>(
      'SELECT count(*)::int AS n FROM karma_ledger WHERE item_id = $1',
      [id],
    );
    expect(karma.rows[0]?.n).toBe(50);
    expect((await call(author, 'GET', `/hollowtown/api/recipes/spooky/${id}`)).body.votes).toBe(50);
  });

  it('answers 404 for private or unknown items and 4xx with codes for bad input', async () => {
    const privateId = await publishSpooky(author, 'Secret stew', false);
    const bob = crowd[1] as TestUser;
    for (const [method, url, payload] of [
      ['POST', `/hollowtown/api/recipes/spooky/${privateId}/vote`, undefined],
      ['DELETE', `/hollowtown/api/recipes/spooky/${privateId}/vote`, undefined],
      ['POST', `/hollowtown/api/recipes/spooky/${privateId}/report`, { reason: 'Looks stolen' }],
      ['POST', '/hollowtown/api/recipes/spooky/0b6f9a9e-3c1d-4f3e-9a57-2d9e4f7a1012/vote', undefined],
      ['POST', '/hollowtown/api/recipes/spooky/not-a-uuid/vote', undefined],
    ] as const) {
      const response = await call(bob, method, url, payload);
      expect(response.status, url).toBe(404);
      expect(response.body.error.code).toBe('RECIPE_NOT_FOUND');
    }
    // Even its author cannot vote on a private recipe.
    expect((await voteSpooky(author, privateId)).status).toBe(404);
    // A private plan too; once published, it can be voted on.
    const plan = await call(author, 'POST', '/hollowtown/api/haunted-house/plans', {
      room_name: 'Crypt',
      scare_level: 9,
    });
    const planVote = `/hollowtown/api/haunted-house/plans/${plan.body.plan_id}/vote`;
    expect((await call(bob, 'POST', planVote)).body.error.code).toBe('HAUNTED_HOUSE_PLAN_NOT_FOUND');
    await call(author, 'PATCH', `/hollowtown/api/haunted-house/plans/${plan.body.plan_id}`, {
      is_published: true,
    });
    expect(await call(bob, 'POST', planVote)).toMatchObject({ status: 200, body: { votes: 1 } });
    expect(
      (await call(bob, 'GET', `/hollowtown/api/haunted-house/plans/${plan.body.plan_id}`)).body,
    ).toMatchObject({ votes: 1, has_voted: true, is_mine: false });

    const publicId = await publishSpooky(author, 'Pumpkin soup');
    const report = `/hollowtown/api/recipes/spooky/${publicId}/report`;
    for (const payload of [{}, { reason: '' }, { reason: 'x'.repeat(501) }, { reason: 'ok ok', extra: 1 }]) {
      const response = await call(bob, 'POST', report, payload);
      expect(response.status, JSON.stringify(payload)).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await call(undefined, 'POST', `/hollowtown/api/recipes/spooky/${publicId}/vote`)).status).toBe(
      401,
    );
    expect((await call(bob, 'GET', '/hollowtown/api/recipes/spooky?scope=published&sort=best')).status).toBe(
      400,
    );
    expect(
      (await call(bob, 'GET', '/hollowtown/api/recipes/spooky?scope=published&period=decade')).status,
    ).toBe(400);
  });

  it('votes on HowToCookAtHome recipes too, and sorts public lists by top and new within a period', async () => {
    const create = async (name: string) => {
      const response = await call(author, 'POST', '/recipes/api/recipes', {
        recipe_name: name,
        is_published: true,
      });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body.recipe_id as string;
    };
    const prefix = `Sortable ${Date.now().toString(36)}`;
    const [a, b, c] = [await create(`${prefix} a`), await create(`${prefix} b`), await create(`${prefix} c`)];
    // c is older than a week.
    await platform.databases
      .get('recipes')
      .query('UPDATE recipes SET created_at = $2 WHERE recipe_id = $1', [
        c,
        new Date(platform.clock.now().getTime() - 10 * DAY_MS),
      ]);
    // Karma of the earlier tests' votes may still be on its way: read the starting point after it.
    await sync();
    const before = (await karmaOf(author)).karma;
    for (const voter of crowd.slice(0, 3)) await call(voter, 'POST', `/recipes/api/recipes/${c}/vote`);
    for (const voter of crowd.slice(0, 2)) await call(voter, 'POST', `/recipes/api/recipes/${a}/vote`);
    const own = await call(author, 'POST', `/recipes/api/recipes/${b}/vote`);
    expect(own).toMatchObject({ status: 200, body: { votes: 1, has_voted: true } });
    await sync();
    expect((await karmaOf(author)).karma).toBe(before + 5);

    const names = async (query: string) =>
      (
        await call(
          crowd[0] as TestUser,
          'GET',
          `/recipes/api/recipes?scope=published&q=${encodeURIComponent(prefix)}&${query}`,
        )
      ).body.items.map((r: { recipe_name: string; votes: number }) => `${r.recipe_name.slice(-1)}${r.votes}`);
    expect(await names('sort=top')).toEqual(['c3', 'a2', 'b1']);
    expect(await names('sort=new')).toEqual(['b1', 'a2', 'c3']);
    expect(await names('sort=top&period=week')).toEqual(['a2', 'b1']);
    expect(await names('sort=top&period=all')).toEqual(['c3', 'a2', 'b1']);
    // Paging through top keeps the order.
    const first = await call(
      crowd[0] as TestUser,
      'GET',
      `/recipes/api/recipes?scope=published&q=${encodeURIComponent(prefix)}&sort=top&limit=2`,
    );
    const rest = await call(
      crowd[0] as TestUser,
      'GET',
      `/recipes/api/recipes?scope=published&q=${encodeURIComponent(prefix)}&sort=top&limit=2&cursor=${first.body.next_cursor}`,
    );
    expect(rest.body.items.map((r: { recipe_id: string }) => r.recipe_id)).toEqual([b]);

    const detail = await call(crowd[0] as TestUser, 'GET', `/recipes/api/recipes/${c}`);
    expect(detail.body).toMatchObject({ votes: 3, has_voted: true, moderation: null });
  });
});

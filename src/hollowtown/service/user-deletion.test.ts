import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { createLogger } from '../../platform/logger.ts';
import type { HollowtownClient } from '../client.ts';
import type { HollowtownDeps } from '../deps.ts';
import { NO_LINKS } from '../links.ts';
import { applyIdentityEvent } from './user-deletion.ts';

const TABLES = [
  'spooky_recipes',
  'halloween_events',
  'haunted_house_plans',
  'costume_ideas',
  'costume_upvotes',
];

describe.each(testEngines())('removing a deleted user from Hollowtown on %s', (engine) => {
  let platform: TestPlatform;
  let deps: HollowtownDeps;
  const inject = (options: InjectOptions) => platform.app.inject(options);
  const db = () => platform.databases.get('hollowtown');

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'hollowtown'] });
    deps = {
      db: db(),
      logger: createLogger({ logLevel: 'silent' }),
      clients: platform.clients,
      links: NO_LINKS,
      now: () => platform.clock.now(),
    };
  });
  afterAll(() => platform.close());

  const post = async (user: TestUser, url: string, payload: Record<string, unknown> = {}) => {
    const response = await inject({
      method: 'POST',
      url: `/hollowtown${url}`,
      headers: user.headers,
      payload,
    });
    expect(response.statusCode, response.body).toBeLessThan(300);
    return response.json();
  };
  const upvote = (user: TestUser, costumeId: string) => post(user, `/api/costumes/${costumeId}/upvote`);

  async function rowsOf(userId: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of TABLES) {
      const { rows } = await db().query<{ n: number }>(
        // Costume upvotes are rows of the shared votes table (src/community).
        table === 'costume_upvotes'
          ? `SELECT count(*)::int AS n FROM votes WHERE item_kind = 'costume' AND voter_id = $1`
          : `SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1`,
        [userId],
      );
      counts[table] = rows[0]?.n ?? -1;
    }
    return counts;
  }

  const votesOf = async (costumeId: string) =>
    (
      await db().query<{ upvotes: number; votes: number }>(
        `SELECT c.upvotes, (SELECT count(*)::int FROM votes v WHERE v.item_kind = 'costume' AND v.item_id = c.costume_id AND v.is_active) AS votes
         FROM costume_ideas c WHERE c.costume_id = $1`,
        [costumeId],
      )
    ).rows[0];

  /** Applies identity's events until the condition holds (the background consumer may be mid-run). */
  async function syncUntil(condition: () => Promise<boolean>, deadlineMs = 10_000) {
    const client = platform.clients.get<HollowtownClient>('hollowtown');
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      await client.syncIdentityEvents();
      if (await condition()) return;
      if (Date.now() > deadline) throw new Error('identity events were not applied in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('deletes everything of the user once identity deletes the account, and takes back their votes', async () => {
    const alice = await given(platform).user();
    const bob = await given(platform).user();
    const carol = await given(platform).user();
    await post(alice, '/api/recipes/spooky', { recipe_name: 'Private stew' });
    const published = await post(alice, '/api/recipes/spooky', {
      recipe_name: 'Public punch',
      is_published: true,
    });
    await post(alice, '/api/events', { event_name: 'Party', event_type: 'party', event_date: '2025-10-31' });
    await post(alice, '/api/haunted-house/plans', { room_name: 'Crypt', scare_level: 9 });
    const alicesCostume = await post(alice, '/api/costumes', { costume_name: 'Vampire' });
    const bobsCostume = await post(bob, '/api/costumes', { costume_name: 'Mummy' });
    const bobsRecipe = await post(bob, '/api/recipes/spooky', { recipe_name: "Bob's brew" });
    await upvote(bob, alicesCostume.costume_id);
    await upvote(carol, alicesCostume.costume_id);
    await upvote(alice, bobsCostume.costume_id);
    await upvote(carol, bobsCostume.costume_id);
    expect(await votesOf(bobsCostume.costume_id)).toEqual({ upvotes: 2, votes: 2 });

    const deleted = await inject({
      method: 'DELETE',
      url: '/calos/api/account',
      headers: alice.headers,
      payload: { password: alice.password },
    });
    expect(deleted.statusCode).toBe(204);

    const none = {
      spooky_recipes: 0,
      halloween_events: 0,
      haunted_house_plans: 0,
      costume_ideas: 0,
      costume_upvotes: 0,
    };
    await syncUntil(async () => (await rowsOf(alice.userId)).spooky_recipes === 0);
    expect(await rowsOf(alice.userId)).toEqual(none);

    // Her vote on Bob's idea is taken back; the votes on her idea went with it.
    expect(await votesOf(bobsCostume.costume_id)).toEqual({ upvotes: 1, votes: 1 });
    expect(await votesOf(alicesCostume.costume_id)).toBeUndefined();
    const bobsView = await inject({
      method: 'GET',
      url: `/hollowtown/api/costumes/${bobsCostume.costume_id}`,
      headers: bob.headers,
    });
    expect(bobsView.json()).toMatchObject({ upvotes: 1, has_upvoted: false });
    const gone = await inject({
      method: 'GET',
      url: `/hollowtown/api/recipes/spooky/${published.recipe_id}`,
      headers: bob.headers,
    });
    expect(gone.statusCode).toBe(404);
    const kept = await inject({
      method: 'GET',
      url: `/hollowtown/api/recipes/spooky/${bobsRecipe.recipe_id}`,
      headers: bob.headers,
    });
    expect(kept.statusCode).toBe(200);
    expect((await rowsOf(bob.userId)).costume_ideas).toBe(1);
    expect((await rowsOf(carol.userId)).costume_upvotes).toBe(1);

    // At least once: the same event again changes nothing.
    await applyIdentityEvent(deps, {
      eventId: 1,
      topic: 'user.deleted',
      payload: { user_id: alice.userId },
      createdAt: new Date(),
    });
    expect(await rowsOf(alice.userId)).toEqual(none);
    expect(await votesOf(bobsCostume.costume_id)).toEqual({ upvotes: 1, votes: 1 });
  });

  it('skips other topics and malformed events without touching anything', async () => {
    const erin = await given(platform).user();
    await post(erin, '/api/recipes/spooky', { recipe_name: 'Kept' });
    for (const event of [
      { topic: 'user.created', payload: { user_id: erin.userId } },
      { topic: 'user.deleted', payload: { user_id: 'not-a-uuid' } },
      { topic: 'user.deleted', payload: {} },
    ]) {
      await applyIdentityEvent(deps, { eventId: 1, createdAt: new Date(), ...event });
    }
    expect((await rowsOf(erin.userId)).spooky_recipes).toBe(1);
  });

  it("takes the recipes a deleted member added to someone else's event off it, and keeps the owner's", async () => {
    const owner = await given(platform).user();
    const member = await given(platform).user();
    const party = await post(owner, '/api/events', {
      event_name: 'Family party',
      event_type: 'party',
      event_date: '2025-10-31',
    });
    const ownersRecipe = await post(owner, '/api/recipes/spooky', { recipe_name: 'Graveyard dirt cups' });
    const membersRecipe = await post(member, '/api/recipes/spooky', { recipe_name: 'Witch fingers' });
    // As a family member adds one through the API (the family part is tested in event-family tests).
    await db().query(
      `INSERT INTO event_recipes (event_id, domain, recipe_id, added_by)
       VALUES ($1, 'hollowtown', $2, $3), ($1, 'hollowtown', $4, $5)`,
      [party.event_id, ownersRecipe.recipe_id, owner.userId, membersRecipe.recipe_id, member.userId],
    );
    const integrity = platform.clients.get<HollowtownClient>('hollowtown').integrity;
    expect(await integrity.userIds(null, 10_000)).toContain(member.userId);

    const deleted = await inject({
      method: 'DELETE',
      url: '/calos/api/account',
      headers: member.headers,
      payload: { password: member.password },
    });
    expect(deleted.statusCode).toBe(204);
    await syncUntil(async () => (await rowsOf(member.userId)).spooky_recipes === 0);

    const left = await db().query<{ recipe_id: string; added_by: string }>(
      'SELECT recipe_id, added_by FROM event_recipes WHERE event_id = $1',
      [party.event_id],
    );
    expect(left.rows).toEqual([{ recipe_id: ownersRecipe.recipe_id, added_by: owner.userId }]);
    expect(await integrity.userIds(null, 10_000)).not.toContain(member.userId);
  });

  it('keeps vote counters exact when a deletion races votes on the same ideas', async () => {
    const [dave, author, x, y] = await Promise.all(Array.from({ length: 4 }, () => given(platform).user()));
    if (!dave || !author || !x || !y) throw new Error('users');
    const costumes = [];
    for (let i = 0; i < 4; i++)
      costumes.push(await post(author, '/api/costumes', { costume_name: `Idea ${i}` }));
    const daves = await post(dave, '/api/costumes', { costume_name: "Dave's idea" });
    for (const costume of costumes) await upvote(dave, costume.costume_id);
    await upvote(x, daves.costume_id);

    await Promise.all([
      applyIdentityEvent(deps, {
        eventId: 1,
        topic: 'user.deleted',
        payload: { user_id: dave.userId },
        createdAt: new Date(),
      }),
      ...costumes.flatMap((costume) => [upvote(x, costume.costume_id), upvote(y, costume.costume_id)]),
      inject({
        method: 'POST',
        url: `/hollowtown/api/costumes/${daves.costume_id}/upvote`,
        headers: y.headers,
      }),
      inject({
        method: 'DELETE',
        url: `/hollowtown/api/costumes/${daves.costume_id}/upvote`,
        headers: x.headers,
      }),
    ]);
    for (const costume of costumes)
      expect(await votesOf(costume.costume_id)).toEqual({ upvotes: 2, votes: 2 });
    expect(await rowsOf(dave.userId)).toMatchObject({ costume_ideas: 0, costume_upvotes: 0 });
  });
});

import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';

describe.each(testEngines())('costume ideas on %s', (engine) => {
  let platform: TestPlatform;
  const inject = (options: InjectOptions) => platform.app.inject(options);
  const db = () => platform.databases.get('hollowtown');

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'hollowtown'] });
  });
  afterAll(() => platform.close());

  const createOk = async (user: TestUser, payload: Record<string, unknown>) => {
    const response = await inject({
      method: 'POST',
      url: '/hollowtown/api/costumes',
      headers: user.headers,
      payload,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };
  const upvote = (user: TestUser, id: string) =>
    inject({ method: 'POST', url: `/hollowtown/api/costumes/${id}/upvote`, headers: user.headers });
  const unvote = (user: TestUser, id: string) =>
    inject({ method: 'DELETE', url: `/hollowtown/api/costumes/${id}/upvote`, headers: user.headers });
  const get = (user: TestUser, id: string) =>
    inject({ method: 'GET', url: `/hollowtown/api/costumes/${id}`, headers: user.headers });
  const list = async (user: TestUser, query = '') => {
    const response = await inject({
      method: 'GET',
      url: `/hollowtown/api/costumes${query}`,
      headers: user.headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as {
      items: { costume_id: string; costume_name: string; upvotes: number }[];
      next_cursor: string | null;
    };
  };
  const storedVotes = async (costumeId: string) => {
    const { rows } = await db().query<{ upvotes: number; votes: number }>(
      `SELECT c.upvotes, (SELECT count(*)::int FROM votes v WHERE v.item_kind = 'costume' AND v.item_id = c.costume_id AND v.is_active) AS votes
       FROM costume_ideas c WHERE c.costume_id = $1`,
      [costumeId],
    );
    return rows[0];
  };

  it('shares an idea with every signed-in user; only its author changes or deletes it', async () => {
    const alice = await given(platform).user();
    const bob = await given(platform).user();
    const robot = await createOk(alice, {
      costume_name: 'Cardboard robot',
      materials: [{ name: 'cardboard boxes', quantity: 3, note: 'one large' }, { name: 'foil' }],
      cost_estimate_cents: 1200,
      tags: ['Kids', 'DIY'],
    });
    expect(robot).toMatchObject({
      costume_name: 'Cardboard robot',
      description: null,
      difficulty: 'medium',
      materials: [
        { name: 'cardboard boxes', quantity: 3, unit: null, note: 'one large' },
        { name: 'foil', quantity: null, unit: null, note: null },
      ],
      cost_estimate_cents: 1200,
      tags: ['kids', 'diy'],
      upvotes: 0,
      has_upvoted: false,
      is_mine: true,
    });

    const seen = await get(bob, robot.costume_id);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ costume_name: 'Cardboard robot', is_mine: false });
    expect(seen.json()).not.toHaveProperty('user_id');

    const url = `/hollowtown/api/costumes/${robot.costume_id}`;
    for (const attempt of [
      { method: 'PATCH' as const, payload: { costume_name: 'Stolen' } },
      { method: 'DELETE' as const },
    ]) {
      const response = await inject({ url, headers: bob.headers, ...attempt });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('COSTUME_NOT_FOUND');
    }
    const patched = await inject({
      method: 'PATCH',
      url,
      headers: alice.headers,
      payload: { description: 'Boxes, foil and a flashlight heart.', cost_estimate_cents: null },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      costume_name: 'Cardboard robot',
      description: 'Boxes, foil and a flashlight heart.',
      cost_estimate_cents: null,
    });
    expect((await inject({ method: 'DELETE', url, headers: alice.headers })).statusCode).toBe(204);
    expect((await get(bob, robot.costume_id)).statusCode).toBe(404);
  });

  it('counts one upvote per user, takes it back, and does not count a vote as an edit', async () => {
    const author = await given(platform).user();
    const fan = await given(platform).user();
    const ghost = await createOk(author, { costume_name: 'Bedsheet ghost' });

    const first = await upvote(fan, ghost.costume_id);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ upvotes: 1, has_upvoted: true, is_mine: false });
    expect(first.json().updated_at).toBe(ghost.updated_at);
    const second = await upvote(fan, ghost.costume_id);
    expect(second.json()).toMatchObject({ upvotes: 1, has_upvoted: true });
    expect((await get(author, ghost.costume_id)).json()).toMatchObject({ upvotes: 1, has_upvoted: false });

    expect((await unvote(fan, ghost.costume_id)).statusCode).toBe(204);
    expect((await unvote(fan, ghost.costume_id)).statusCode).toBe(204);
    expect((await get(fan, ghost.costume_id)).json()).toMatchObject({ upvotes: 0, has_upvoted: false });
    expect(await storedVotes(ghost.costume_id)).toEqual({ upvotes: 0, votes: 0 });

    for (const response of [
      await upvote(fan, '0b6f9a9e-3c1d-4f3e-9a57-2d9e4f7a1012'),
      await upvote(fan, 'nonsense'),
      await unvote(fan, '0b6f9a9e-3c1d-4f3e-9a57-2d9e4f7a1012'),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('COSTUME_NOT_FOUND');
    }
  });

  it('keeps the counter exact when many users (and one user many times) vote at once', async () => {
    const author = await given(platform).user();
    const voters = await Promise.all(Array.from({ length: 6 }, () => given(platform).user()));
    const witch = await createOk(author, { costume_name: 'Witch' });

    const votes = await Promise.all([
      ...voters.map((voter) => upvote(voter, witch.costume_id)),
      ...Array.from({ length: 5 }, () => upvote(author, witch.costume_id)),
    ]);
    expect(votes.map((v) => v.statusCode)).toEqual(votes.map(() => 200));
    expect(await storedVotes(witch.costume_id)).toEqual({ upvotes: 7, votes: 7 });

    // Votes and unvotes racing each other still leave counter = rows.
    await Promise.all([
      ...voters.slice(0, 3).map((voter) => unvote(voter, witch.costume_id)),
      ...voters.slice(0, 3).map((voter) => upvote(voter, witch.costume_id)),
      ...voters.slice(3).map((voter) => unvote(voter, witch.costume_id)),
    ]);
    const after = await storedVotes(witch.costume_id);
    expect(after?.upvotes).toBe(after?.votes);
    expect(after?.votes).toBeGreaterThanOrEqual(1);
    expect(after?.votes).toBeLessThanOrEqual(4);
  });

  it('ranks by upvotes then newest, filters, and pages through the ranking', async () => {
    const [author, a, b, c] = await Promise.all(Array.from({ length: 4 }, () => given(platform).user()));
    if (!author || !a || !b || !c) throw new Error('users');
    const tag = `rank${Date.now().toString(36)}`;
    const mk = (name: string, extra: Record<string, unknown> = {}) =>
      createOk(author, { costume_name: name, tags: [tag], ...extra });
    const vampire = await mk('Vampire', { difficulty: 'hard', cost_estimate_cents: 4000 });
    const zombie = await mk('Zombie', {
      description: 'Torn shirt, grey face paint',
      cost_estimate_cents: 500,
    });
    const mummy = await mk('Mummy', { difficulty: 'easy', tags: [tag, 'kids'] });
    const pirate = await mk('Pirate');
    for (const voter of [a, b, c]) await upvote(voter, zombie.costume_id);
    for (const voter of [a, b]) await upvote(voter, mummy.costume_id);
    await upvote(a, vampire.costume_id);

    const ranked = await list(a, `?tags=${tag}`);
    expect(ranked.items.map((i) => [i.costume_name, i.upvotes])).toEqual([
      ['Zombie', 3],
      ['Mummy', 2],
      ['Vampire', 1],
      ['Pirate', 0],
    ]);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(a, `?tags=${tag}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...page.items.map((i) => i.costume_name));
      cursor = page.next_cursor;
    } while (cursor);
    expect(paged).toEqual(['Zombie', 'Mummy', 'Vampire', 'Pirate']);

    const names = async (query: string) =>
      (await list(a, `?tags=${tag}${query}`)).items.map((i) => i.costume_name);
    expect(await names('&difficulty=easy&difficulty=hard')).toEqual(['Mummy', 'Vampire']);
    expect(await names('&max_cost_cents=1000')).toEqual(['Zombie']);
    expect(await names('&q=face%20PAINT')).toEqual(['Zombie']);
    expect(await names('&tags=kids')).toEqual(['Mummy']);
    expect(await names('&scope=upvoted')).toEqual(['Zombie', 'Mummy', 'Vampire']);
    expect(await names('&scope=mine')).toEqual([]);
    expect((await list(author, `?tags=${tag}&scope=mine`)).items).toHaveLength(4);
    expect(pirate.costume_id).toEqual(expect.any(String));
  });

  it('refuses what is out of limits with a 400 and writes nothing', async () => {
    const strict = await given(platform).user();
    const cases: [string, Record<string, unknown>][] = [
      ['no name', {}],
      ['blank name', { costume_name: '  ' }],
      ['unknown difficulty', { costume_name: 'x', difficulty: 'spooky' }],
      ['negative cost', { costume_name: 'x', cost_estimate_cents: -1 }],
      ['material without name', { costume_name: 'x', materials: [{ quantity: 1 }] }],
      [
        'too many materials',
        { costume_name: 'x', materials: Array.from({ length: 51 }, () => ({ name: 'y' })) },
      ],
      ['upvotes are not settable', { costume_name: 'x', upvotes: 1000 }],
      ['bad image', { costume_name: 'x', image_url: 'ftp://example.com/x.png' }],
    ];
    for (const [label, payload] of cases) {
      const response = await inject({
        method: 'POST',
        url: '/hollowtown/api/costumes',
        headers: strict.headers,
        payload,
      });
      expect(response.statusCode, label).toBe(400);
      expect(response.json().error.code, label).toBe('VALIDATION_FAILED');
    }
    expect((await list(strict, '?scope=mine')).items).toEqual([]);
  });
});

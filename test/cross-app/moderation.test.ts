// Reports and moderation end to end: N distinct reports hide a public item (it leaves the public
// lists and answers 404 to others; its author still sees it, marked hidden), staff restore or
// remove it with `calos moderation`, every decision is audited, and the author is mailed why.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moderate } from '../../src/cli/moderation.ts';
import type { HollowtownClient } from '../../src/hollowtown/client.ts';
import { createHollowtownModeration } from '../../src/hollowtown/index.ts';
import type { IdentityClient } from '../../src/identity/client.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createRecipesModeration, type RecipesInstanceClient } from '../../src/recipes/index.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe.each(testEngines())('reports and moderation on %s', (engine) => {
  let platform: TestPlatform;
  let author: TestUser;
  let reporters: TestUser[];
  const logger = createLogger({ logLevel: 'silent' });

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
  const hollowtownModeration = () =>
    createHollowtownModeration({
      db: platform.databases.get('hollowtown'),
      config: loadConfig({ NODE_ENV: 'test', CALOS_MODERATION_REPORTS_TO_HIDE: '3' }),
      now: () => platform.clock.now(),
      logger,
    });
  /** The moderation notices identity has queued as mails (the apps' outboxes handed over first). */
  const notices = async () => {
    await platform.clients.get<HollowtownClient>('hollowtown').syncCommunityEvents();
    await platform.clients.get<RecipesInstanceClient>('recipes').syncCommunityEvents();
    const { rows } = await platform.databases
      .get('identity')
      .query<{ n: number }>(
        "SELECT count(*)::int AS n FROM outbox WHERE topic = 'mail.requested' AND payload->>'kind' = 'moderation_decision'",
      );
    return rows[0]?.n ?? 0;
  };

  beforeAll(async () => {
    platform = await startTestPlatform(engine, {
      services: ['identity', 'hollowtown', 'recipes'],
      env: { CALOS_MODERATION_REPORTS_TO_HIDE: '3' },
    });
    author = await given(platform).user();
    reporters = await Promise.all(Array.from({ length: 4 }, () => given(platform).user()));
  });
  afterAll(() => platform.close());

  it('hides a recipe after three different people report it, and staff restore it with the CLI', async () => {
    const created = await call(author, 'POST', '/hollowtown/api/recipes/spooky', {
      recipe_name: 'Suspicious stew',
      is_published: true,
    });
    const id = created.body.recipe_id as string;
    const report = (user: TestUser, reason = 'Copied from a cookbook without credit') =>
      call(user, 'POST', `/hollowtown/api/recipes/spooky/${id}/report`, { reason });
    const [r1, r2, r3, r4] = reporters as [TestUser, TestUser, TestUser, TestUser];
    const publicIds = async (user: TestUser) =>
      (await call(user, 'GET', '/hollowtown/api/recipes/spooky?scope=published&limit=100')).body.items.map(
        (r: { recipe_id: string }) => r.recipe_id,
      );

    expect(await report(r1)).toMatchObject({ status: 201, body: { reported: true, hidden: false } });
    // One report per person: again is 409, and does not count.
    const again = await report(r1);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_REPORTED');
    expect(await report(r2)).toMatchObject({ status: 201, body: { hidden: false } });
    expect(await publicIds(r4)).toContain(id);
    expect(await report(r3, 'Spam link in the description')).toMatchObject({
      status: 201,
      body: { hidden: true },
    });

    // Hidden: gone from public lists, 404 to others (reading, voting, reporting), marked for its author.
    expect(await publicIds(r4)).not.toContain(id);
    for (const [method, url, payload] of [
      ['GET', `/hollowtown/api/recipes/spooky/${id}`, undefined],
      ['POST', `/hollowtown/api/recipes/spooky/${id}/vote`, undefined],
      ['POST', `/hollowtown/api/recipes/spooky/${id}/report`, { reason: 'me too' }],
    ] as const) {
      const response = await call(r4, method, url, payload);
      expect(response.status, `${method} ${url}`).toBe(404);
      expect(response.body.error.code).toBe('RECIPE_NOT_FOUND');
    }
    const own = await call(author, 'GET', `/hollowtown/api/recipes/spooky/${id}`);
    expect(own.status).toBe(200);
    expect(own.body.moderation).toMatchObject({ state: 'hidden' });
    expect(
      (await call(author, 'GET', '/hollowtown/api/recipes/spooky?scope=mine&limit=100')).body.items.find(
        (r: { recipe_id: string }) => r.recipe_id === id,
      ).moderation,
    ).toMatchObject({ state: 'hidden' });
    const noticesBefore = await notices();
    expect(noticesBefore).toBe(1);

    // The queue lists it with its reports.
    const { items: queue } = await hollowtownModeration().queue();
    expect(queue.find((q) => q.item_id === id)).toMatchObject({
      item_kind: 'recipe',
      author_id: author.userId,
      item_title: 'Suspicious stew',
      state: 'hidden',
      open_reports: 3,
    });

    // Bad input to the command: no reason, unknown app or kind.
    await expect(
      moderate(hollowtownModeration(), 'restore', { app: 'hollowtown', id, reason: ' ' }, 'cli:test'),
    ).rejects.toThrow(/reason/);
    await expect(
      moderate(
        hollowtownModeration(),
        'restore',
        { app: 'hollowtown', kind: 'pantry', id, reason: 'x' },
        'cli:test',
      ),
    ).rejects.toThrow(/--kind/);
    await expect(
      moderate(
        hollowtownModeration(),
        'restore',
        { app: 'hollowtown', id: '0b6f9a9e-3c1d-4f3e-9a57-2d9e4f7a1012', reason: 'x' },
        'cli:test',
      ),
    ).rejects.toMatchObject({ code: 'MODERATION_ITEM_NOT_FOUND' });

    expect(
      await moderate(
        hollowtownModeration(),
        'restore',
        { app: 'hollowtown', kind: 'recipe', id, reason: 'The author wrote it; reports were mistaken' },
        'cli:staff-anna',
      ),
    ).toBe(0);
    expect(await publicIds(r4)).toContain(id);
    expect((await call(r4, 'GET', `/hollowtown/api/recipes/spooky/${id}`)).body.moderation).toBeNull();
    expect(await notices()).toBe(noticesBefore + 1);

    // Every decision is audited, with who decided and why.
    const { rows: audit } = await platform.databases
      .get('hollowtown')
      .query<{ decision: string; reason: string; decided_by: string }>(
        'SELECT decision, reason, decided_by FROM moderation_decisions WHERE item_id = $1 ORDER BY decision_id',
        [id],
      );
    expect(audit).toEqual([
      { decision: 'hidden', reason: 'Reported by 3 people; hidden until reviewed', decided_by: 'system' },
      {
        decision: 'restored',
        reason: 'The author wrote it; reports were mistaken',
        decided_by: 'cli:staff-anna',
      },
    ]);
    // Restored: the old reports are closed; a reporter may report it again, and it takes three new ones.
    expect(await report(r1)).toMatchObject({ status: 201, body: { hidden: false } });
    expect((await hollowtownModeration().queue()).items.some((q) => q.item_id === id)).toBe(false);
  });

  it('removes a HowToCookAtHome recipe for good after review; its author still sees it, marked removed', async () => {
    const created = await call(author, 'POST', '/recipes/api/recipes', {
      recipe_name: 'Miracle cure soup',
      is_published: true,
    });
    const id = created.body.recipe_id as string;
    // Two upvotes before anyone reports it: karma for its author, until it is removed.
    const identity = platform.clients.get<IdentityClient>('identity');
    const karmaBefore = (await identity.karma.ofUser(author.userId)).karma;
    for (const voter of reporters.slice(2, 4))
      expect((await call(voter, 'POST', `/recipes/api/recipes/${id}/vote`)).status).toBeLessThan(300);
    await notices();
    expect((await identity.karma.ofUser(author.userId)).karma).toBe(karmaBefore + 2);
    for (const reporter of reporters.slice(0, 3)) {
      const response = await call(reporter, 'POST', `/recipes/api/recipes/${id}/report`, {
        reason: 'Dangerous health claims',
      });
      expect(response.status).toBe(201);
    }
    expect((await call(reporters[3], 'GET', `/recipes/api/recipes/${id}`)).status).toBe(404);
    const moderation = createRecipesModeration({
      db: platform.databases.get('recipes'),
      config: loadConfig({ NODE_ENV: 'test', CALOS_MODERATION_REPORTS_TO_HIDE: '3' }),
      now: () => platform.clock.now(),
      logger,
    });
    expect(
      await moderate(
        moderation,
        'remove',
        { app: 'recipes', id, reason: 'Medical misinformation' },
        'cli:staff-ben',
      ),
    ).toBe(0);
    expect((await call(reporters[3], 'GET', `/recipes/api/recipes/${id}`)).status).toBe(404);
    const list = await call(reporters[3], 'GET', '/recipes/api/recipes?scope=published&limit=100');
    expect(list.body.items.some((r: { recipe_id: string }) => r.recipe_id === id)).toBe(false);
    const own = await call(author, 'GET', `/recipes/api/recipes/${id}`);
    expect(own.body.moderation).toEqual({ state: 'removed', reason: 'Medical misinformation' });
    // Reported again after removal: it is not public, so 404.
    expect(
      (await call(reporters[3], 'POST', `/recipes/api/recipes/${id}/report`, { reason: 'still bad' })).status,
    ).toBe(404);
    // Removed for good: its upvotes no longer count for its author, and handing the decision over
    // again takes nothing more.
    await notices();
    expect((await identity.karma.ofUser(author.userId)).karma).toBe(karmaBefore);
    const recent = await identity.karma.recent(author.userId, 2);
    expect(recent.map((e) => e.reason)).toEqual([
      'Upvote gone: the item was removed by moderation',
      'Upvote gone: the item was removed by moderation',
    ]);
    expect(
      await identity.karma.itemRemoved({
        app: 'recipes',
        itemKind: 'recipe',
        itemId: id,
        at: platform.clock.now(),
      }),
    ).toEqual({ votesEnded: 0 });
    expect((await identity.karma.ofUser(author.userId)).karma).toBe(karmaBefore);
  });

  it('mails each decision once when an app hands it over again (its outbox delivers at least once)', async () => {
    const identity = platform.clients.get<IdentityClient>('identity');
    const notice = {
      userId: author.userId,
      app: 'hollowtown' as const,
      itemKind: 'costume' as const,
      itemTitle: 'Pumpkin suit',
      decision: 'removed' as const,
      reason: 'Not a costume',
    };
    const before = await notices();
    await identity.notices.moderationDecision({ ...notice, noticeKey: 'hollowtown:moderation:900001' });
    await identity.notices.moderationDecision({ ...notice, noticeKey: 'hollowtown:moderation:900001' });
    expect(await notices()).toBe(before + 1);
    await identity.notices.moderationDecision({ ...notice, noticeKey: 'hollowtown:moderation:900002' });
    expect(await notices()).toBe(before + 2);
  });
});

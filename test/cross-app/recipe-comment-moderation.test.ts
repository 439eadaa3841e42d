// A reported comment on a HowToCookAtHome recipe goes through the operator console's moderation
// queue like a recipe does: recipes staff see it, remove or restore it with a reason, and identity
// takes the decision (the author's notice) from the recipes outbox like any other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffService } from '../../src/identity/index.ts';
import type { RecipesInstanceClient } from '../../src/recipes/index.ts';
import { recipesApi } from '../../src/recipes/testing.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe.each(testEngines())('moderation of recipe comments on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof recipesApi>;
  let moderator: TestUser;
  let hollowtownModerator: TestUser;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, {
      services: ['identity', 'recipes'],
      env: { CALOS_MODERATION_REPORTS_TO_HIDE: '1' },
    });
    api = recipesApi(platform);
    const staff = createStaffService({
      db: platform.databases.get('identity'),
      now: () => platform.clock.now(),
    });
    moderator = await given(platform).user();
    hollowtownModerator = await given(platform).user();
    await staff.grant(
      { login: moderator.username, role: 'moderator', domain: 'recipes' },
      { operator: 'test' },
    );
    await staff.grant(
      { login: hollowtownModerator.username, role: 'moderator', domain: 'hollowtown' },
      { operator: 'test' },
    );
  }, 120_000);
  afterAll(() => platform.close());

  it('queues a reported comment; staff remove it, restore it, and identity hears each decision', async () => {
    const cook = await given(platform).user();
    const writer = await given(platform).user();
    const recipe = await api.recipe(cook, { recipe_name: 'Risotto', is_published: true });
    const url = `/recipes/api/recipes/${recipe.recipe_id}/comments`;
    const comment = (await api.post(writer, url, { body: 'Visit my shop' })).json();
    const reported = await api.post(cook, `/recipes/api/comments/${comment.comment_id}/report`, {
      reason: 'Spam',
    });
    expect(reported.json()).toEqual({ reported: true, hidden: true });

    const queue = await api.get(moderator, '/recipes/api/admin/moderation');
    expect(queue.statusCode).toBe(200);
    const entry = queue.json().items.find((i: { item_id: string }) => i.item_id === comment.comment_id);
    expect(entry).toMatchObject({ item_kind: 'comment', author_id: writer.userId, open_reports: 1 });
    expect(entry.item_title).toContain('Risotto');
    // Staff of another domain are refused.
    const refused = await api.post(
      hollowtownModerator,
      `/recipes/api/admin/moderation/comment/${comment.comment_id}/remove`,
      { reason: 'Spam' },
    );
    expect(refused.statusCode).toBe(403);

    const removed = await api.post(
      moderator,
      `/recipes/api/admin/moderation/comment/${comment.comment_id}/remove`,
      {
        reason: 'Advertising',
      },
    );
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json().state).toBe('removed');
    expect((await api.get(cook, url)).json().items).toEqual([]);
    const own = (await api.get(writer, url)).json().items;
    expect(own[0]).toMatchObject({ comment_id: comment.comment_id, moderation: { state: 'removed' } });

    const restored = await api.post(
      moderator,
      `/recipes/api/admin/moderation/comment/${comment.comment_id}/restore`,
      { reason: 'Appealed: it was a recipe link' },
    );
    expect(restored.statusCode).toBe(200);
    expect((await api.get(cook, url)).json().items.map((c: { comment_id: string }) => c.comment_id)).toEqual([
      comment.comment_id,
    ]);

    // The decisions reach identity (the author's notices) and nothing stays stuck in the outbox.
    const recipes = platform.clients.get<RecipesInstanceClient>('recipes');
    await recipes.syncCommunityEvents();
    expect(await recipes.syncCommunityEvents()).toBe(0);
    const { rows } = await platform.databases.get('recipes').query<{ pending: number }>(
      `SELECT count(*)::int AS pending FROM outbox o
         WHERE o.event_id > COALESCE((SELECT last_event_id FROM outbox_cursors WHERE consumer = 'community'), 0)`,
    );
    expect(rows[0]?.pending).toBe(0);
  });
});

// "Share to My Recipes" end to end: a Hollowtown recipe shared to HowToCookAtHome appears there
// marked with its source, follows the original's edits within the documented bound (measured),
// survives the original's deletion with its last snapshot, and can be detached.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkedRecipesClient } from '../../src/cross-app/index.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/** The documented bound: an edit of the original shows in the copy within this time. */
const SYNC_BOUND_MS = 2000;

const graveyardCups = {
  recipe_name: 'Graveyard dirt cups',
  description: 'Chocolate pudding under cookie-crumb soil.',
  spookiness_level: 6,
  difficulty: 'nightmare',
  ingredients: [
    { name: 'chocolate pudding', quantity: 500, unit: 'g' },
    { name: 'gummy worms', quantity: 12, unit: 'piece', note: 'one per cup' },
  ],
  instructions: ['Spoon the pudding into cups.', 'Add the worms.'],
  prep_time_minutes: 20,
  serves: 6,
  tags: ['kids-friendly', 'no-bake'],
};

/** Polls `read` until `done` holds, without sleeping more than a few milliseconds at a time. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, deadlineMs: number) {
  const started = performance.now();
  for (;;) {
    const value = await read();
    if (done(value)) return { value, elapsedMs: performance.now() - started };
    if (performance.now() - started > deadlineMs) {
      throw new Error(`not done within ${deadlineMs} ms: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.each(testEngines())('a recipe shared from Hollowtown to HowToCookAtHome on %s', (engine) => {
  let platform: TestPlatform;
  let alice: TestUser;
  let bob: TestUser;
  const measuredMs: number[] = [];

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
  const spooky = async (user: TestUser, overrides: Record<string, unknown> = {}) => {
    const created = await call(user, 'POST', '/hollowtown/api/recipes/spooky', {
      ...graveyardCups,
      ...overrides,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.recipe_id as string;
  };
  const share = (user: TestUser, recipeId: string) =>
    call(user, 'POST', `/hollowtown/api/recipes/spooky/${recipeId}/share`, { to: 'recipes' });
  const copyOf = (user: TestUser, recipeId: string) => call(user, 'GET', `/recipes/api/recipes/${recipeId}`);
  const recipesDb = () => platform.databases.get('recipes');
  const references = async (userId: string) =>
    (
      await recipesDb().query<{
        recipe_id: string;
        snapshot_version: number;
        source_deleted_at: Date | null;
      }>('SELECT recipe_id, snapshot_version, source_deleted_at FROM recipe_references WHERE user_id = $1', [
        userId,
      ])
    ).rows;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'hollowtown', 'recipes'] });
    alice = await given(platform).user();
    bob = await given(platform).user();
  });
  afterAll(async () => {
    if (measuredMs.length > 0) {
      const sorted = [...measuredMs].sort((a, b) => a - b);
      console.info(
        `[${engine}] shared recipe sync: ${sorted.length} edits, median ${Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0)} ms, max ${Math.round(sorted[sorted.length - 1] ?? 0)} ms (bound ${SYNC_BOUND_MS} ms)`,
      );
    }
    await platform.close();
  });

  it('shares once: the copy is listed and read in HowToCookAtHome, marked with its source', async () => {
    const cook = await given(platform).user();
    const older = (await call(cook, 'POST', '/recipes/api/recipes', { recipe_name: 'Older toast' })).body;
    const original = await spooky(cook);

    const first = await share(cook, original);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      recipe_id: expect.any(String),
      reference_id: expect.any(String),
      shared: true,
    });
    expect(first.body.recipe_id).not.toBe(original);

    const again = await share(cook, original);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await references(cook.userId)).toHaveLength(1);

    const copy = await copyOf(cook, first.body.recipe_id);
    expect(copy.status).toBe(200);
    expect(copy.body).toMatchObject({
      recipe_id: first.body.recipe_id,
      user_id: cook.userId,
      recipe_name: 'Graveyard dirt cups',
      description: 'Chocolate pudding under cookie-crumb soil.',
      difficulty: 'hard',
      prep_time_minutes: 20,
      serves: 6,
      tags: ['kids-friendly', 'no-bake'],
      instructions: ['Spoon the pudding into cups.', 'Add the worms.'],
      is_published: false,
      is_mine: true,
      source: {
        domain: 'hollowtown',
        recipe_id: original,
        reference_id: first.body.reference_id,
        deleted: false,
        synced_at: expect.any(String),
      },
    });
    expect(copy.body.ingredients).toEqual([
      { name: 'chocolate pudding', quantity: 500, unit: 'g', note: null },
      { name: 'gummy worms', quantity: 12, unit: 'piece', note: 'one per cup' },
    ]);
    // Scaling works on a copy like on any recipe.
    expect((await copyOf(cook, `${first.body.recipe_id}?servings=3`)).body.ingredients[0].quantity).toBe(250);

    // Listed with the user's own recipes, newest first, one page at a time without gaps or repeats.
    const newer = (await call(cook, 'POST', '/recipes/api/recipes', { recipe_name: 'Newer toast' })).body;
    const seen: { recipe_id: string; source: unknown }[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await call(cook, 'GET', `/recipes/api/recipes?scope=mine&limit=1${query}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items);
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen.map((r) => r.recipe_id)).toEqual([newer.recipe_id, first.body.recipe_id, older.recipe_id]);
    expect(seen[1]?.source).toMatchObject({ domain: 'hollowtown', recipe_id: original });
    expect(seen[0]?.source).toBe('manual');
    // Filters see it too.
    const hard = await call(cook, 'GET', '/recipes/api/recipes?scope=mine&difficulty=hard&q=worms');
    expect(hard.body.items.map((r: { recipe_id: string }) => r.recipe_id)).toEqual([first.body.recipe_id]);
  });

  it('tells the owner where the copy lives and whether it has caught up, and no one else', async () => {
    const cook = await given(platform).user();
    const original = await spooky(cook, { recipe_name: 'Bat wings' });
    const status = (user: TestUser) => call(user, 'GET', `/hollowtown/api/recipes/spooky/${original}/share`);
    expect(await status(cook)).toEqual({ status: 200, body: { shared: false } });

    const { recipe_id: copy, reference_id } = (await share(cook, original)).body;
    expect((await status(cook)).body).toEqual({
      shared: true,
      recipe_id: copy,
      reference_id,
      version: 1,
      synced_version: 1,
      synced_at: expect.any(String),
      in_sync: true,
    });

    await call(cook, 'PATCH', `/hollowtown/api/recipes/spooky/${original}`, {
      recipe_name: 'Bat wings, hot',
    });
    const { value: caughtUp } = await until(
      () => status(cook),
      (read) => read.body.synced_version === 2,
      10_000,
    );
    expect(caughtUp.body).toMatchObject({ version: 2, synced_version: 2, in_sync: true });
    // While an edit travels, the copy is behind (held back here by hand).
    await recipesDb().query('UPDATE recipe_references SET snapshot_version = 1 WHERE reference_id = $1', [
      reference_id,
    ]);
    expect((await status(cook)).body).toMatchObject({ version: 2, synced_version: 1, in_sync: false });

    for (const id of [original, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const other = await call(bob, 'GET', `/hollowtown/api/recipes/spooky/${id}/share`);
      expect(other.status, id).toBe(404);
      expect(other.body.error.code).toBe('RECIPE_NOT_FOUND');
    }
    expect((await call(undefined, 'GET', `/hollowtown/api/recipes/spooky/${original}/share`)).status).toBe(
      401,
    );

    // Deleting the copy in HowToCookAtHome ends the link.
    expect((await call(cook, 'DELETE', `/recipes/api/recipes/${copy}`)).status).toBe(204);
    expect((await status(cook)).body).toEqual({ shared: false });
  });

  it('makes one copy when the same recipe is shared twice at once', async () => {
    const cook = await given(platform).user();
    const original = await spooky(cook);
    const answers = await Promise.all([share(cook, original), share(cook, original)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 201]);
    expect(answers[0]?.body).toEqual(answers[1]?.body);
    expect(await references(cook.userId)).toHaveLength(1);
    const copies = await recipesDb().query('SELECT 1 FROM recipes WHERE user_id = $1', [cook.userId]);
    expect(copies.rowCount).toBe(1);
  });

  it('lets only the owner share, and shows the copy to no one else', async () => {
    const secret = await spooky(alice, { recipe_name: 'Secret stew' });
    const published = await spooky(alice, { recipe_name: 'Public punch', is_published: true });
    for (const id of [secret, published, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const response = await share(bob, id);
      expect(response.status, id).toBe(404);
      expect(response.body.error.code).toBe('RECIPE_NOT_FOUND');
    }
    expect(await references(bob.userId)).toEqual([]);
    expect(
      (await call(undefined, 'POST', `/hollowtown/api/recipes/spooky/${secret}/share`, { to: 'recipes' }))
        .status,
    ).toBe(401);
    expect((await share(alice, secret)).status).toBe(201);
    const copy = (await references(alice.userId))[0]?.recipe_id as string;
    expect((await copyOf(bob, copy)).status).toBe(404);
    expect((await call(bob, 'POST', `/recipes/api/recipes/${copy}/detach`)).status).toBe(404);
    const bobs = await call(bob, 'GET', '/recipes/api/recipes?limit=100');
    expect(JSON.stringify(bobs.body)).not.toContain(copy);
    expect((await copyOf(alice, copy)).status).toBe(200);
  });

  it(`carries every edit of the original to the copy within ${SYNC_BOUND_MS} ms`, async () => {
    const original = await spooky(alice, { recipe_name: 'Witch brew' });
    const { recipe_id: copy } = (await share(alice, original)).body;
    for (let edit = 1; edit <= 5; edit++) {
      const name = `Witch brew no. ${edit}`;
      const started = performance.now();
      const patched = await call(alice, 'PATCH', `/hollowtown/api/recipes/spooky/${original}`, {
        recipe_name: name,
        serves: edit + 1,
        ingredients: [{ name: 'green apple juice', quantity: edit, unit: 'l' }],
      });
      expect(patched.status).toBe(200);
      const { value } = await until(
        () => copyOf(alice, copy),
        (read) => read.body.recipe_name === name,
        SYNC_BOUND_MS * 5,
      );
      const elapsed = performance.now() - started;
      measuredMs.push(elapsed);
      expect(elapsed).toBeLessThan(SYNC_BOUND_MS);
      expect(value.body).toMatchObject({
        serves: edit + 1,
        ingredients: [{ name: 'green apple juice', quantity: edit, unit: 'l', note: null }],
      });
    }
    // Sharing only marks the recipe: its updated_at in Hollowtown stays its own.
    const read = await call(alice, 'GET', `/hollowtown/api/recipes/spooky/${original}`);
    expect(read.body.recipe_name).toBe('Witch brew no. 5');
  });

  it('applies events idempotently and never lets an older version win', async () => {
    const original = await spooky(alice, { recipe_name: 'Bat wings' });
    const { recipe_id: copy } = (await share(alice, original)).body;
    await call(alice, 'PATCH', `/hollowtown/api/recipes/spooky/${original}`, { recipe_name: 'Bat wings v2' });
    await call(alice, 'PATCH', `/hollowtown/api/recipes/spooky/${original}`, { recipe_name: 'Bat wings v3' });
    const recipes = platform.clients.get<LinkedRecipesClient>('recipes');
    await recipes.syncSharedRecipes();
    expect((await copyOf(alice, copy)).body.recipe_name).toBe('Bat wings v3');

    // Every event delivered again (a consumer that lost its cursor): nothing goes back.
    await platform.databases
      .get('hollowtown')
      .query("UPDATE outbox_cursors SET last_event_id = 0 WHERE consumer = 'recipes'");
    expect(await recipes.syncSharedRecipes()).toBeGreaterThan(0);
    expect((await copyOf(alice, copy)).body.recipe_name).toBe('Bat wings v3');

    // An older state handed over late (a slow share request) changes nothing either.
    const stale = await recipes.shareRecipe({
      userId: alice.userId,
      domain: 'hollowtown',
      sourceRecipeId: original,
      version: 1,
      recipe: { ...graveyardCups, recipe_name: 'Bat wings v1', image_url: null },
    });
    expect(stale).toMatchObject({ recipe_id: copy, created: false });
    expect((await copyOf(alice, copy)).body.recipe_name).toBe('Bat wings v3');
    const [reference] = (await references(alice.userId)).filter((r) => r.recipe_id === copy);
    expect(reference?.snapshot_version).toBe(3);
  });

  it('catches up after recipes_db was briefly unusable', async () => {
    const original = await spooky(alice, { recipe_name: 'Ghost toast' });
    const { recipe_id: copy } = (await share(alice, original)).body;
    // The consumer's writes fail while the table is away, and are retried from its cursor.
    await recipesDb().query('ALTER TABLE recipe_references RENAME TO recipe_references_away');
    try {
      const patched = await call(alice, 'PATCH', `/hollowtown/api/recipes/spooky/${original}`, {
        recipe_name: 'Ghost toast, buttered',
      });
      expect(patched.status).toBe(200);
      const waiting = await until(
        () =>
          platform.databases.get('hollowtown').query<{ n: number }>(
            `SELECT count(*)::int AS n FROM outbox WHERE event_id >
                 COALESCE((SELECT last_event_id FROM outbox_cursors WHERE consumer = 'recipes'), 0)`,
          ),
        (result) => (result.rows[0]?.n ?? 0) > 0,
        1000,
      );
      expect(waiting.value.rows[0]?.n).toBeGreaterThan(0);
    } finally {
      await recipesDb().query('ALTER TABLE recipe_references_away RENAME TO recipe_references');
    }
    // The next edit's NOTIFY (or the retry) brings both changes over, in order.
    await call(alice, 'PATCH', `/hollowtown/api/recipes/spooky/${original}`, { serves: 9 });
    const { value } = await until(
      () => copyOf(alice, copy),
      (read) => read.body.serves === 9,
      35_000,
    );
    expect(value.body.recipe_name).toBe('Ghost toast, buttered');
  });

  it('keeps the last snapshot when the original is deleted, and detaches into an own recipe', async () => {
    const original = await spooky(alice, { recipe_name: 'Pumpkin soup' });
    const { recipe_id: copy } = (await share(alice, original)).body;
    await call(alice, 'PATCH', `/hollowtown/api/recipes/spooky/${original}`, {
      recipe_name: 'Pumpkin soup, last',
    });
    await until(
      () => copyOf(alice, copy),
      (read) => read.body.recipe_name === 'Pumpkin soup, last',
      10_000,
    );

    expect((await call(alice, 'DELETE', `/hollowtown/api/recipes/spooky/${original}`)).status).toBe(204);
    const { value: orphan } = await until(
      () => copyOf(alice, copy),
      (read) => read.body.source?.deleted === true,
      10_000,
    );
    expect(orphan.body).toMatchObject({
      recipe_name: 'Pumpkin soup, last',
      serves: 6,
      source: { domain: 'hollowtown', recipe_id: original, deleted: true },
    });
    const listed = await call(alice, 'GET', '/recipes/api/recipes?scope=mine&limit=100');
    expect(listed.body.items.find((r: { recipe_id: string }) => r.recipe_id === copy)?.source.deleted).toBe(
      true,
    );

    // Linked, the copy follows its original and is not edited here.
    const edit = await call(alice, 'PATCH', `/recipes/api/recipes/${copy}`, { recipe_name: 'Mine' });
    expect(edit.status).toBe(409);
    expect(edit.body.error.code).toBe('RECIPE_IS_SHARED_COPY');

    const detached = await call(alice, 'POST', `/recipes/api/recipes/${copy}/detach`);
    expect(detached.status).toBe(200);
    expect(detached.body).toMatchObject({
      recipe_id: copy,
      recipe_name: 'Pumpkin soup, last',
      source: 'manual',
      is_mine: true,
    });
    expect((await references(alice.userId)).filter((r) => r.recipe_id === copy)).toEqual([]);
    const again = await call(alice, 'POST', `/recipes/api/recipes/${copy}/detach`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('RECIPE_NOT_SHARED');
    const renamed = await call(alice, 'PATCH', `/recipes/api/recipes/${copy}`, {
      recipe_name: 'My pumpkin soup',
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.source).toBe('manual');
  });

  it('detaches a live copy too: later edits of the original no longer reach it', async () => {
    const original = await spooky(alice, { recipe_name: 'Spider cookies' });
    const { recipe_id: copy } = (await share(alice, original)).body;
    expect((await call(alice, 'POST', `/recipes/api/recipes/${copy}/detach`)).status).toBe(200);
    await call(alice, 'PATCH', `/hollowtown/api/recipes/spooky/${original}`, {
      recipe_name: 'Spider cookies v2',
    });
    await platform.clients.get<LinkedRecipesClient>('recipes').syncSharedRecipes();
    expect((await copyOf(alice, copy)).body).toMatchObject({
      recipe_name: 'Spider cookies',
      source: 'manual',
    });
    // Sharing again makes a new copy.
    const reshared = await share(alice, original);
    expect(reshared.status).toBe(201);
    expect(reshared.body.recipe_id).not.toBe(copy);
    expect((await copyOf(alice, reshared.body.recipe_id)).body.recipe_name).toBe('Spider cookies v2');
  });
});

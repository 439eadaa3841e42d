// calos doctor across databases: seeded orphans (rows written with SQL, as a lost event or a
// restored backup would leave them) are reported with counts, --fix applies the policy and says
// what it changed, and the next run is clean; rows that point at something are left alone.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedDatabases, isolatedDatabases } from '../../../test/support/databases.ts';
import { testEngines } from '../../../test/support/engines.ts';
import { type Config, loadConfig } from '../../platform/config.ts';
import type { DatabaseName } from '../../platform/databases.ts';
import { type DoctorFinding, diagnose, runDoctor } from '../doctor.ts';

const NIL = '00000000-0000-0000-0000-000000000000';

describe.each(testEngines())('calos doctor finds references that point at nothing on %s', (engine) => {
  let isolated: IsolatedDatabases;
  let config: Config;
  const known = { userId: '' };
  const ghosts = { hollowtown: randomUUID(), recipes: randomUUID(), family: randomUUID() };
  /** Someone deleted whose only trace is an affiliate click that was never anonymised. */
  const clicker = randomUUID();
  const click = (name: DatabaseName, userId: string) =>
    sql(
      name,
      `INSERT INTO affiliate_clicks (app, retailer, item_kind, user_id, clicked_at)
       VALUES ($1, 'amazon', $2, $3, now())`,
      [name, name === 'hollowtown' ? 'costume-material' : 'grocery', userId],
    );
  const ids: Record<string, string> = {};

  /** Runs SQL on one database, with the pools closed again (the embedded engine locks the data dir). */
  async function sql<Row = Record<string, unknown>>(
    name: DatabaseName,
    text: string,
    params: unknown[] = [],
  ) {
    const pools = await isolated.open([name]);
    try {
      return (await pools.get(name).query<Row>(text, params)).rows;
    } finally {
      await pools.closeAll();
    }
  }
  const one = async (name: DatabaseName, text: string, params: unknown[] = []) =>
    Object.values((await sql(name, text, params))[0] ?? {})[0] as string;
  const byCheck = (findings: DoctorFinding[]) => Object.fromEntries(findings.map((f) => [f.check, f]));

  beforeAll(async () => {
    isolated = await isolatedDatabases(engine);
    config = { ...loadConfig({ NODE_ENV: 'test' }), dataDir: isolated.dataDir, databases: isolated.targets };
    known.userId = await one(
      'identity',
      `INSERT INTO users (username, email, password_hash) VALUES ('known', 'known@example.test', 'x') RETURNING user_id`,
    );

    // Hollowtown: the known user's recipe and two events (one with a live family, one whose
    // family is gone); a ghost's recipe, event and costume idea with the known user's upvote.
    ids.family = await one(
      'family',
      `WITH f AS (INSERT INTO families (family_name, created_by) VALUES ('Known', $1) RETURNING family_id)
       INSERT INTO family_members (family_id, user_id, role) SELECT family_id, $1, 'admin' FROM f RETURNING family_id`,
      [known.userId],
    );
    ids.original = await one(
      'hollowtown',
      `INSERT INTO spooky_recipes (user_id, recipe_name, spookiness_level, difficulty) VALUES ($1, 'Kept', 5, 'easy')
       RETURNING recipe_id`,
      [known.userId],
    );
    ids.linkedEvent = await one(
      'hollowtown',
      `INSERT INTO halloween_events (user_id, family_id, event_name, event_type, event_date)
       VALUES ($1, $2, 'Linked', 'party', '2026-10-31') RETURNING event_id`,
      [known.userId, ids.family],
    );
    ids.missingFamily = randomUUID();
    ids.danglingEvent = await one(
      'hollowtown',
      `INSERT INTO halloween_events (user_id, family_id, family_list_id, event_name, event_type, event_date)
       VALUES ($1, $2, gen_random_uuid(), 'Dangling', 'party', '2026-10-31') RETURNING event_id`,
      [known.userId, ids.missingFamily],
    );
    await sql(
      'hollowtown',
      `INSERT INTO spooky_recipes (user_id, recipe_name, spookiness_level, difficulty) VALUES ($1, 'Ghostly', 9, 'hard')`,
      [ghosts.hollowtown],
    );
    await sql(
      'hollowtown',
      `INSERT INTO halloween_events (user_id, event_name, event_type, event_date) VALUES ($1, 'Haunt', 'other', '2026-10-31')`,
      [ghosts.hollowtown],
    );

    // HowToCookAtHome: the known user's copies of an existing and of a vanished original; a
    // ghost's private and published recipes and pantry.
    for (const [key, source] of [
      ['liveCopy', ids.original],
      ['orphanCopy', randomUUID()],
    ] as const) {
      ids[key] = await one(
        'recipes',
        `INSERT INTO recipes (user_id, recipe_name, difficulty, source) VALUES ($1, $2, 'easy', 'shared') RETURNING recipe_id`,
        [known.userId, key],
      );
      ids[`${key}Source`] = source as string;
      await sql(
        'recipes',
        `INSERT INTO recipe_references (user_id, source_domain, source_recipe_id, recipe_id, snapshot, snapshot_version)
         VALUES ($1, 'hollowtown', $2, $3, '{"recipe_name": "x"}', 1)`,
        [known.userId, source, ids[key]],
      );
    }
    await sql(
      'recipes',
      `INSERT INTO recipes (user_id, recipe_name, difficulty, is_published) VALUES ($1, 'Private', 'easy', false), ($1, 'Public', 'easy', true)`,
      [ghosts.recipes],
    );
    await sql('recipes', `INSERT INTO pantry_items (user_id, item_name) VALUES ($1, 'salt')`, [
      ghosts.recipes,
    ]);

    // Family Planner: a ghost who is a parent in the known family and alone in another one.
    await sql('family', `INSERT INTO family_members (family_id, user_id, role) VALUES ($1, $2, 'parent')`, [
      ids.family,
      ghosts.family,
    ]);
    ids.ghostFamily = await one(
      'family',
      `WITH f AS (INSERT INTO families (family_name, created_by) VALUES ('Ghosts', $1) RETURNING family_id)
       INSERT INTO family_members (family_id, user_id, role) SELECT family_id, $1, 'admin' FROM f RETURNING family_id`,
      [ghosts.family],
    );

    // Affiliate clicks: the known user's, ones already anonymised (the nil UUID: no orphan), the
    // ghosts' and the clicker's (orphans until anonymised).
    for (const name of ['hollowtown', 'recipes', 'family'] as const) {
      await click(name, known.userId);
      await click(name, NIL);
      await click(name, ghosts[name]);
    }
    await click('recipes', clicker);
  });
  afterAll(() => isolated.cleanup());

  it('reports each kind of orphan with its count and fails without --fix', async () => {
    const findings = byCheck(await diagnose(config));
    expect(findings['users hollowtown']).toMatchObject({
      ok: false,
      fixable: true,
      detail: expect.stringContaining('hollowtown_db: 1 user id unknown to identity'),
    });
    expect(findings['users recipes']).toMatchObject({
      ok: false,
      detail: expect.stringContaining('recipes_db: 2 user ids unknown to identity'),
    });
    expect(findings['users family']).toMatchObject({
      ok: false,
      detail: expect.stringContaining('family_db: 1 user id unknown to identity'),
    });
    expect(findings['recipe refs']).toMatchObject({
      ok: false,
      detail: expect.stringContaining('1 shared recipe reference to deleted recipes'),
    });
    expect(findings['event families']).toMatchObject({
      ok: false,
      detail: expect.stringContaining('1 event linked to deleted families'),
    });
    // The databases themselves are fine.
    for (const name of ['identity', 'hollowtown', 'recipes', 'family']) expect(findings[name]?.ok).toBe(true);
    expect(await runDoctor(config)).toBe(1);
  });

  it('--fix applies the policy, says what it changed, and the next run is clean', async () => {
    const fixed = await diagnose(config, { fix: true });
    expect(fixed.filter((f) => !f.ok)).toEqual([]);
    const changes = fixed.flatMap((f) => f.changes ?? []);
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          `hollowtown_db: applied user.deleted for unknown user ${ghosts.hollowtown}: recipes 1, events 1`,
        ),
        expect.stringContaining(`recipes_db: applied user.deleted for unknown user ${ghosts.recipes}`),
        expect.stringContaining(`recipes_db: applied user.deleted for unknown user ${clicker}`),
        expect.stringContaining(`family_db: applied user.deleted for unknown user ${ghosts.family}`),
        expect.stringContaining('recipes_db: marked 1 reference to deleted hollowtown recipes deleted'),
        expect.stringContaining(
          `hollowtown_db: unlinked event ${ids.danglingEvent} from deleted family ${ids.missingFamily}`,
        ),
      ]),
    );
    expect(changes).toHaveLength(6);

    // Clicks of unknown users are anonymised, still counted; the known user's are untouched.
    for (const name of ['hollowtown', 'recipes', 'family'] as const) {
      const rows = await sql<{ user_id: string; n: number }>(
        name,
        'SELECT user_id::text AS user_id, count(*)::int AS n FROM affiliate_clicks GROUP BY user_id ORDER BY n, user_id',
      );
      expect(rows, name).toEqual(
        [
          { user_id: known.userId, n: 1 },
          { user_id: NIL, n: name === 'recipes' ? 3 : 2 },
        ].sort((a, b) => a.n - b.n || (a.user_id < b.user_id ? -1 : 1)),
      );
    }

    // What the policy did, row by row; what pointed at something is untouched.
    expect(
      await sql('hollowtown', 'SELECT 1 FROM spooky_recipes WHERE user_id = $1', [ghosts.hollowtown]),
    ).toEqual([]);
    expect(
      await sql('hollowtown', 'SELECT 1 FROM halloween_events WHERE user_id = $1', [ghosts.hollowtown]),
    ).toEqual([]);
    expect(
      await sql(
        'hollowtown',
        'SELECT event_id, family_id, family_list_id FROM halloween_events ORDER BY event_name',
        [],
      ),
    ).toEqual([
      { event_id: ids.danglingEvent, family_id: null, family_list_id: null },
      { event_id: ids.linkedEvent, family_id: ids.family, family_list_id: null },
    ]);
    expect(
      await sql('recipes', 'SELECT recipe_name, user_id FROM recipes WHERE user_id IN ($1, $2)', [
        ghosts.recipes,
        NIL,
      ]),
    ).toEqual([{ recipe_name: 'Public', user_id: NIL }]);
    expect(await sql('recipes', 'SELECT 1 FROM pantry_items WHERE user_id = $1', [ghosts.recipes])).toEqual(
      [],
    );
    const references = await sql<{ recipe_id: string; deleted: boolean; snapshot: unknown }>(
      'recipes',
      'SELECT recipe_id, source_deleted_at IS NOT NULL AS deleted, snapshot FROM recipe_references ORDER BY recipe_id',
    );
    expect(references).toEqual(
      expect.arrayContaining([
        { recipe_id: ids.liveCopy, deleted: false, snapshot: { recipe_name: 'x' } },
        { recipe_id: ids.orphanCopy, deleted: true, snapshot: { recipe_name: 'x' } },
      ]),
    );
    expect(await sql('recipes', 'SELECT 1 FROM recipes WHERE recipe_id = $1', [ids.orphanCopy])).toHaveLength(
      1,
    );
    expect(
      await sql('family', 'SELECT user_id, role FROM family_members WHERE family_id = $1', [ids.family]),
    ).toEqual([{ user_id: known.userId, role: 'admin' }]);
    expect(await sql('family', 'SELECT 1 FROM families WHERE family_id = $1', [ids.ghostFamily])).toEqual([]);

    // The next run is clean, and a second --fix has nothing left to change.
    const again = await diagnose(config, { fix: true });
    expect(again.filter((f) => !f.ok)).toEqual([]);
    expect(again.flatMap((f) => f.changes ?? [])).toEqual([]);
    expect(byCheck(again)['users family']?.detail).toContain('every user id is known to identity');
    expect(byCheck(again)['recipe refs']?.detail).toContain('every shared recipe reference points at');
  });
});

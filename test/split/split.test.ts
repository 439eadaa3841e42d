import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../src/cli/split/report.ts';
import { splitMonolith, verifySplit } from '../../src/cli/split/split.ts';
import { DATABASE_NAMES } from '../../src/platform/databases.ts';
import { type IsolatedDatabases, isolatedDatabases } from '../support/databases.ts';
import { testEngines } from '../support/engines.ts';
import { givenMonolith, splitOptions, type TestMonolith, targetCount } from './support.ts';

const MOVED = {
  identity: ['users', 'user_devices', 'credits_balance', 'user_subscriptions'],
  hollowtown: ['spooky_recipes', 'halloween_events', 'costume_ideas', 'haunted_house_plans'],
  recipes: ['recipes', 'meal_plans', 'pantry_items', 'shopping_lists', 'recipe_references'],
  family: ['families', 'family_members', 'todo_lists', 'todo_items', 'family_events'],
} as const;

describe.runIf(testEngines().includes('postgres')).each(testEngines())('calos split into %s', (engine) => {
  let monolith: TestMonolith;
  let isolated: IsolatedDatabases;

  beforeAll(async () => {
    monolith = await givenMonolith(40);
    isolated = await isolatedDatabases(engine);
  });
  afterAll(async () => {
    await isolated?.cleanup();
    await monolith?.drop();
  });

  it('prints what a dry run would move and writes nothing', async () => {
    const report = await splitMonolith(splitOptions(monolith, isolated, { dryRun: true }));
    expect(report.ok).toBe(true);
    expect(report.tables.map((t) => `${t.database}.${t.target}`).sort()).toEqual(
      Object.entries(MOVED)
        .flatMap(([db, tables]) => tables.map((t) => `${db}.${t}`))
        .sort(),
    );
    const [users] = await monolith.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    expect(report.tables.find((t) => t.target === 'users')).toMatchObject({
      status: 'would-copy',
      rows: { monolith: users?.n },
    });
    expect(renderReport(report)).toContain('Dry run');
    expect(await targetCount(isolated, 'identity', 'users')).toBe(0);
    const pools = await isolated.open(['identity']);
    const progress = await pools.get('identity').query("SELECT to_regclass('calos_split_progress') AS t");
    await pools.closeAll();
    expect(progress.rows[0]).toEqual({ t: null });
  });

  it('moves every table of the design document, verified, and reports what stays behind', async () => {
    const report = await splitMonolith(splitOptions(monolith, isolated));
    expect(report.ok).toBe(true);
    expect(report.tables).toHaveLength(18);
    for (const table of report.tables) {
      expect(table, `${table.database}.${table.target}`).toMatchObject({
        status: 'copied',
        checksum: { match: true },
      });
      expect(table.rows.target).toBe(table.rows.monolith);
    }
    for (const [database, tables] of Object.entries(MOVED)) {
      for (const table of tables) {
        const [row] = await monolith.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
        expect(await targetCount(isolated, database as keyof typeof MOVED, table), table).toBe(row?.n);
      }
    }
    expect(report.leftBehind.map((t) => t.table)).toEqual(
      expect.arrayContaining([
        'forum_posts',
        'karma',
        'badges',
        'learning_paths',
        'lessons',
        'job_postings',
        'user_api_keys',
        'user_sessions',
      ]),
    );
    expect(report.leftBehind.find((t) => t.table === 'forum_posts')).toMatchObject({
      reason: 'not in the mapping',
      rows: 80,
    });
    expect(report.tables.find((t) => t.target === 'users')?.convertedColumns).toContainEqual({
      column: 'created_at',
      from: 'timestamp without time zone',
      to: 'timestamp with time zone',
    });
  });

  it('lists rows whose user id names no user in identity, and keeps them', async () => {
    const report = await splitMonolith(splitOptions(monolith, isolated));
    const ghosts = await monolith.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM spooky_recipes s WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.user_id = s.user_id)',
    );
    const spooky = report.references?.find((r) => r.table === 'spooky_recipes' && r.column === 'user_id');
    expect(spooky?.orphanRows).toBe(ghosts[0]?.n);
    const orphans = report.references?.filter((r) => r.orphanRows > 0) ?? [];
    expect(orphans.length).toBeGreaterThan(0);
    for (const ref of orphans) {
      expect(ref.orphanUserIds.length).toBeGreaterThan(0);
      const known = await monolith.query('SELECT 1 FROM users WHERE user_id = ANY($1::uuid[])', [
        ref.orphanUserIds,
      ]);
      expect(known).toEqual([]);
    }
    // Orphans moved all the same.
    expect(report.tables.find((t) => t.target === 'spooky_recipes')?.rows.target).toBe(
      report.tables.find((t) => t.target === 'spooky_recipes')?.rows.monolith,
    );
  });

  it('keeps every balance equal to its ledger: one opening entry per moved balance', async () => {
    const pools = await isolated.open(['identity']);
    try {
      const { rows } = await pools.get('identity').query<{ off: number; entries: number; positive: number }>(
        `SELECT (SELECT count(*)::int FROM credits_balance b
                 WHERE b.balance <> coalesce((SELECT sum(amount) FROM credit_ledger l WHERE l.user_id = b.user_id), 0)) AS off,
                (SELECT count(*)::int FROM credit_ledger WHERE idempotency_key = 'monolith:opening') AS entries,
                (SELECT count(*)::int FROM credits_balance WHERE balance > 0) AS positive`,
      );
      expect(rows[0]?.off).toBe(0);
      expect(rows[0]?.entries).toBe(rows[0]?.positive);
      expect(rows[0]?.entries).toBeGreaterThan(0);
    } finally {
      await pools.closeAll();
    }
  });

  it('does nothing on a second run but verify every table again', async () => {
    const before = await targetCount(isolated, 'recipes', 'pantry_items');
    const report = await splitMonolith(splitOptions(monolith, isolated));
    expect(report.ok).toBe(true);
    expect(new Set(report.tables.map((t) => t.status))).toEqual(new Set(['already-copied']));
    expect(report.tables.every((t) => t.checksum.match === true)).toBe(true);
    expect(report.totals.rows).toBe(0);
    expect(await targetCount(isolated, 'recipes', 'pantry_items')).toBe(before);
  });

  it('verify finds rows changed, added and removed in the monolith since the split', async () => {
    const clean = await verifySplit(splitOptions(monolith, isolated));
    expect(clean.ok).toBe(true);
    expect(clean.tables.every((t) => t.status === 'verified')).toBe(true);

    const [changed] = await monolith.query<{ recipe_id: string }>(
      "UPDATE spooky_recipes SET recipe_name = 'Renamed after the split' WHERE recipe_id = (SELECT recipe_id FROM spooky_recipes ORDER BY recipe_id LIMIT 1) RETURNING recipe_id",
    );
    const [removed] = await monolith.query<{ item_id: string }>(
      'DELETE FROM pantry_items WHERE item_id = (SELECT item_id FROM pantry_items ORDER BY item_id LIMIT 1) RETURNING item_id',
    );
    const [added] = await monolith.query<{ plan_id: string }>(
      `INSERT INTO haunted_house_plans SELECT gen_random_uuid(), user_id, 'New room', scare_level, props_needed, setup_instructions, created_at
       FROM haunted_house_plans LIMIT 1 RETURNING plan_id`,
    );
    const report = await verifySplit(splitOptions(monolith, isolated));
    expect(report.ok).toBe(false);
    const byTable = (name: string) => report.tables.find((t) => t.target === name);
    expect(byTable('spooky_recipes')).toMatchObject({
      status: 'mismatch',
      changes: {
        changed: 1,
        onlyInMonolith: 0,
        onlyInTarget: 0,
        examples: [{ key: changed?.recipe_id, change: 'changed' }],
      },
    });
    expect(byTable('pantry_items')?.changes).toMatchObject({
      onlyInTarget: 1,
      examples: [{ key: removed?.item_id, change: 'only-in-target' }],
    });
    expect(byTable('haunted_house_plans')?.changes).toMatchObject({
      onlyInMonolith: 1,
      examples: [{ key: added?.plan_id, change: 'only-in-monolith' }],
    });
    expect(report.tables.filter((t) => t.status === 'mismatch')).toHaveLength(3);
    expect(renderReport(report)).toContain(`changed          ${changed?.recipe_id}`);
    expect(DATABASE_NAMES).toContain(byTable('pantry_items')?.database);
  });
});

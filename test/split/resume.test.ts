import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitMonolith } from '../../src/cli/split/split.ts';
import { DATABASE_URL_VARIABLE, type DatabaseName } from '../../src/platform/databases.ts';
import { type IsolatedDatabases, isolatedDatabases } from '../support/databases.ts';
import { testEngines } from '../support/engines.ts';
import { givenMonolith, splitOptions, type TestMonolith, targetCount } from './support.ts';

/** The environment that points the calos command at the isolated targets. */
function envFor(isolated: IsolatedDatabases): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', CALOS_DATA_DIR: isolated.dataDir };
  for (const [name, target] of Object.entries(isolated.targets))
    if (target.engine === 'postgres') env[DATABASE_URL_VARIABLE[name as DatabaseName]] = target.url;
  return env;
}

/** Starts `calos split` and SIGKILLs it as soon as its first table has committed. */
function splitAndKillAfterFirstTable(monolith: TestMonolith, isolated: IsolatedDatabases) {
  return new Promise<{ stderr: string; signal: NodeJS.Signals | null }>((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/calos.mjs', 'split', '--from', monolith.url, '--jobs', '1'], {
      env: envFor(isolated),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const deadline = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/copied, verified/.test(stderr)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(deadline);
      resolve({ stderr, signal });
    });
  });
}

describe.runIf(testEngines().includes('postgres')).each(testEngines())(
  'a split into %s that stops midway',
  (engine) => {
    let monolith: TestMonolith;
    let isolated: IsolatedDatabases;

    beforeAll(async () => {
      monolith = await givenMonolith(120);
    });
    afterAll(async () => {
      await monolith?.drop();
    });

    it('killed after its first table, finishes on the next run with every row exactly once', async () => {
      isolated = await isolatedDatabases(engine);
      try {
        const killed = await splitAndKillAfterFirstTable(monolith, isolated);
        expect(killed.signal).toBe('SIGKILL');
        expect(killed.stderr).not.toContain('checked references');

        const pools = await isolated.open();
        const done: string[] = [];
        for (const name of ['identity', 'hollowtown', 'recipes', 'family'] as const) {
          const { rows } = await pools
            .get(name)
            .query<{ target_table: string }>('SELECT target_table FROM calos_split_progress');
          done.push(...rows.map((r) => `${name}.${r.target_table}`));
        }
        await pools.closeAll();
        expect(done.length).toBeGreaterThanOrEqual(1);
        expect(done.length).toBeLessThan(18);

        const report = await splitMonolith(splitOptions(monolith, isolated));
        expect(report.ok).toBe(true);
        for (const table of report.tables) {
          const name = `${table.database}.${table.target}`;
          expect(table.status, name).toBe(done.includes(name) ? 'already-copied' : 'copied');
          expect(table.checksum.match, name).toBe(true);
          expect(table.rows.target, name).toBe(table.rows.monolith);
        }
        const [todo] = await monolith.query<{ n: number }>('SELECT count(*)::int AS n FROM todo_items');
        expect(await targetCount(isolated, 'family', 'todo_items')).toBe(todo?.n);
      } finally {
        await isolated.cleanup();
      }
    });

    it('rolls a failing table back whole, keeps the others, and finishes it once the cause is gone', async () => {
      isolated = await isolatedDatabases(engine);
      try {
        // A target that refuses one monolith row halfway through pantry_items' COPY.
        const [victim] = await monolith.query<{ item_id: string }>(
          'SELECT item_id FROM pantry_items ORDER BY created_at DESC LIMIT 1',
        );
        let pools = await isolated.open(['recipes']);
        await pools.get('recipes').execScript(`
        CREATE FUNCTION refuse_victim() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.item_id = '${victim?.item_id}' THEN RAISE EXCEPTION 'refusing %', NEW.item_id; END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_victim BEFORE INSERT ON pantry_items FOR EACH ROW EXECUTE FUNCTION refuse_victim();`);
        await pools.closeAll();

        const first = await splitMonolith(splitOptions(monolith, isolated));
        expect(first.ok).toBe(false);
        const pantry = first.tables.find((t) => t.target === 'pantry_items');
        expect(pantry).toMatchObject({ status: 'failed', error: expect.stringContaining('refusing') });
        expect(first.tables.filter((t) => t.status === 'copied')).toHaveLength(17);
        expect(await targetCount(isolated, 'recipes', 'pantry_items')).toBe(0);

        pools = await isolated.open(['recipes']);
        await pools
          .get('recipes')
          .execScript('DROP TRIGGER refuse_victim ON pantry_items; DROP FUNCTION refuse_victim()');
        await pools.closeAll();

        const second = await splitMonolith(splitOptions(monolith, isolated));
        expect(second.ok).toBe(true);
        expect(second.tables.find((t) => t.target === 'pantry_items')).toMatchObject({
          status: 'copied',
          checksum: { match: true },
        });
        expect(second.tables.filter((t) => t.status === 'already-copied')).toHaveLength(17);
        const [row] = await monolith.query<{ n: number }>('SELECT count(*)::int AS n FROM pantry_items');
        expect(await targetCount(isolated, 'recipes', 'pantry_items')).toBe(row?.n);
      } finally {
        await isolated.cleanup();
      }
    });
  },
);

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedDatabases, isolatedDatabases } from '../../../test/support/databases.ts';
import { testEngines } from '../../../test/support/engines.ts';
import { isEmptySchema, snapshotSchema } from '../../../test/support/schema.ts';
import { DATABASE_NAMES } from '../databases.ts';
import type { DBPoolManager } from '../db/pool-manager.ts';
import { DBPoolManager as Pools } from '../db/pool-manager.ts';
import { AppError } from '../errors.ts';
import { DEFAULT_MIGRATIONS_DIR, readMigrationFiles } from './migration-files.ts';
import { isCurrent, migrate, migrationStatus, rollback } from './migrator.ts';

/** A private copy of migrations/ that a test may edit or extend. */
function copyMigrations(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'calos-migrations-'));
  cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe.each(testEngines())('migration runner on %s', (engine) => {
  let isolated: IsolatedDatabases;
  let pools: DBPoolManager;
  const dirs: string[] = [];

  beforeAll(async () => {
    isolated = await isolatedDatabases(engine, { migrated: false });
    pools = await isolated.open();
  });
  afterAll(async () => {
    await isolated.cleanup();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('migrates every database up, all the way down and up again to the identical schema', async () => {
    for (const name of DATABASE_NAMES) {
      const db = pools.get(name);
      const files = readMigrationFiles(name);
      const first = await migrate(db);
      expect(first.applied).toEqual(files.map((f) => f.version));
      const migrated = await snapshotSchema(db);
      expect(migrated.columns.length).toBeGreaterThan(10);

      const rolledBack = await rollback(db, { to: 0 });
      expect(rolledBack).toEqual(files.map((f) => f.version).reverse());
      expect(isEmptySchema(await snapshotSchema(db))).toBe(true);

      await migrate(db);
      expect(await snapshotSchema(db)).toEqual(migrated);
      expect(isCurrent(await migrationStatus(db))).toBe(true);
    }
  });

  it('does nothing when run again on a current database', async () => {
    const db = pools.get('identity');
    await migrate(db);
    const before = await db.query('SELECT version, applied_at FROM schema_migrations ORDER BY version');
    const again = await migrate(db);
    expect(again.applied).toEqual([]);
    const after = await db.query('SELECT version, applied_at FROM schema_migrations ORDER BY version');
    expect(after.rows).toEqual(before.rows);
  });

  it('records version, name, checksum, time and duration of every applied file', async () => {
    const db = pools.get('hollowtown');
    await migrate(db);
    const { rows } = await db.query<{ version: number; name: string; checksum: string; duration_ms: number }>(
      'SELECT version, name, checksum, applied_at, duration_ms FROM schema_migrations ORDER BY version',
    );
    const files = readMigrationFiles('hollowtown');
    expect(rows.map((r) => [r.version, r.name, r.checksum])).toEqual(
      files.map((f) => [f.version, f.name, f.checksum]),
    );
    for (const row of rows) expect(row.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('rolls back one step by default and down to a version with to', async () => {
    const db = pools.get('recipes');
    await migrate(db);
    const versions = readMigrationFiles('recipes').map((f) => f.version);
    const newestFirst = [...versions].reverse();
    expect(await rollback(db)).toEqual(newestFirst.slice(0, 1));
    expect(await rollback(db, { to: 1 })).toEqual(newestFirst.slice(1, -1));
    const states = (await migrationStatus(db)).map((s) => [s.version, s.state]);
    expect(states).toEqual(versions.map((v) => [v, v === 1 ? 'applied' : 'pending']));
    const tables = await db.query<{ t: string | null }>("SELECT to_regclass('pantry_items')::text AS t");
    expect(tables.rows[0]?.t).toBeNull();
    await migrate(db);
  });

  it('refuses to run when an applied file was edited, and says which', async () => {
    const db = pools.get('family');
    const dir = copyMigrations();
    dirs.push(dir);
    await migrate(db, { migrationsDir: dir });
    const file = path.join(dir, 'family', '002_create_members.sql');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n-- a harmless-looking edit\n`);
    writeFileSync(
      path.join(dir, 'family', '900_add_notes.sql'),
      '-- migrate:up\nCREATE TABLE notes (id INT);\n-- migrate:down\nDROP TABLE notes;\n',
    );

    const error = await migrate(db, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('MIGRATION_CHECKSUM_MISMATCH');
    expect((error as AppError).message).toContain('002_create_members.sql');
    const notes = await db.query<{ t: string | null }>("SELECT to_regclass('notes')::text AS t");
    expect(notes.rows[0]?.t).toBeNull();
    expect((await migrationStatus(db, { migrationsDir: dir })).find((s) => s.version === 2)?.state).toBe(
      'changed',
    );
  });

  it('leaves the database as it was when a file fails, naming the file and the line', async () => {
    const db = pools.get('hollowtown');
    await migrate(db);
    const dir = copyMigrations();
    dirs.push(dir);
    writeFileSync(
      path.join(dir, 'hollowtown', '900_broken.sql'),
      [
        '-- a migration whose second statement is wrong',
        '-- migrate:up',
        'CREATE TABLE broken_first (id INT);',
        'ALTER TABLE spooky_recipes ADD COLUMN ok BOOLEAN;',
        'CREAT TABLE broken_second (id INT);',
        '-- migrate:down',
        'DROP TABLE broken_first;',
      ].join('\n'),
    );
    const error = (await migrate(db, { migrationsDir: dir }).catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('MIGRATION_FAILED');
    expect(error.message).toMatch(/900_broken\.sql \(up\) failed at line 5, column 1/);
    const leftovers = await db.query<{ first: string | null; ok: number }>(
      `SELECT to_regclass('broken_first')::text AS first,
              (SELECT count(*) FROM information_schema.columns WHERE table_name = 'spooky_recipes' AND column_name = 'ok') AS ok`,
    );
    expect(leftovers.rows[0]).toEqual({ first: null, ok: 0 });
    const versions = await db.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(versions.rows.map((r) => r.version)).toEqual(
      readMigrationFiles('hollowtown').map((f) => f.version),
    );
  });

  it('refuses to roll back a file that has no down part', async () => {
    const db = pools.get('identity');
    await migrate(db);
    const dir = copyMigrations();
    dirs.push(dir);
    writeFileSync(
      path.join(dir, 'identity', '900_one_way.sql'),
      '-- migrate:up\nCREATE TABLE one_way (id INT);\n-- migrate:down\n',
    );
    await migrate(db, { migrationsDir: dir });
    const error = (await rollback(db, { migrationsDir: dir }).catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('MIGRATION_HAS_NO_DOWN');
    const table = await db.query<{ t: string | null }>("SELECT to_regclass('one_way')::text AS t");
    expect(table.rows[0]?.t).toBe('one_way');
    await db.query('DROP TABLE one_way');
    await db.query('DELETE FROM schema_migrations WHERE version = 900');
  });
});

describe.runIf(testEngines().includes('postgres'))('two migration runners on PostgreSQL', () => {
  let isolated: IsolatedDatabases;
  beforeAll(async () => {
    isolated = await isolatedDatabases('postgres', { migrated: false });
  });
  afterAll(() => isolated.cleanup());

  it('apply each file exactly once when started at the same moment', async () => {
    const [first, second] = await Promise.all([isolated.open(['hollowtown']), isolated.open(['hollowtown'])]);
    const results = await Promise.all([migrate(first.get('hollowtown')), migrate(second.get('hollowtown'))]);
    const expected = readMigrationFiles('hollowtown').map((f) => f.version);
    const applied = results.flatMap((r) => r.applied).sort((a, b) => a - b);
    expect(applied).toEqual(expected);
    const { rows } = await first
      .get('hollowtown')
      .query<{ version: number; n: number }>(
        'SELECT version, count(*) AS n FROM schema_migrations GROUP BY version ORDER BY version',
      );
    expect(rows).toEqual(expected.map((version) => ({ version, n: 1 })));
    await first.closeAll();
    await second.closeAll();
  });

  it('keep the lock to one runner per database, not across databases', async () => {
    const pools = await Pools.open({
      databases: isolated.targets,
      dataDir: isolated.dataDir,
      names: ['recipes', 'family'],
    });
    const results = await Promise.all([migrate(pools.get('recipes')), migrate(pools.get('family'))]);
    expect(results.map((r) => r.applied.length)).toEqual([
      readMigrationFiles('recipes').length,
      readMigrationFiles('family').length,
    ]);
    await pools.closeAll();
  });
});

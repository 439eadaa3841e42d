// Isolated databases for one test file: cloned from migrated templates (Postgres
// CREATE DATABASE … TEMPLATE, PGlite a copy of a migrated data dir), or empty for migrator
// tests. cleanup() drops or deletes everything it made.
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { DatabaseTarget } from '../../src/platform/config.ts';
import { DATABASE_NAMES, type DatabaseName } from '../../src/platform/databases.ts';
import type { Engine } from '../../src/platform/db/database.ts';
import { DBPoolManager } from '../../src/platform/db/pool-manager.ts';
import { postgresUrlFor, TEST_POSTGRES_URL, uniqueSuffix } from './engines.ts';
import { scratchDir } from './scratch.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplateDir: string;
    postgresTemplates: Record<DatabaseName, string> | null;
  }
}

export interface IsolatedDatabases {
  engine: Engine;
  dataDir: string;
  targets: Record<DatabaseName, DatabaseTarget>;
  /** Opens a pool manager on these databases (closed by cleanup). */
  open(names?: readonly DatabaseName[]): Promise<DBPoolManager>;
  cleanup(): Promise<void>;
}

export interface IsolationOptions {
  /** Start from the migrated templates (default) or from empty databases. */
  migrated?: boolean;
  /**
   * The databases the test opens (default: all four). On PGlite only these are copied from the
   * template (about 40 MB each); opening another finds no cluster there.
   */
  names?: readonly DatabaseName[];
  /**
   * Where PGlite runs. Default: the test's own thread, as `calos start` runs it by default;
   * TEST_PGLITE_THREAD=worker runs every test on worker threads (CALOS_PGLITE_THREAD=worker).
   */
  pgliteThread?: 'worker' | 'main';
}

export async function isolatedDatabases(
  engine: Engine,
  options: IsolationOptions = {},
): Promise<IsolatedDatabases> {
  const migrated = options.migrated ?? true;
  const dataDir = scratchDir(`calos-test-${engine}-`);
  const targets = {} as Record<DatabaseName, DatabaseTarget>;
  const created: string[] = [];
  const opened: DBPoolManager[] = [];

  if (engine === 'pglite') {
    if (migrated) {
      for (const name of options.names ?? DATABASE_NAMES) {
        cpSync(path.join(inject('pgliteTemplateDir'), name), path.join(dataDir, name), { recursive: true });
      }
    }
    const thread = options.pgliteThread ?? testPgliteThread();
    for (const name of DATABASE_NAMES)
      targets[name] = { engine: 'pglite', dir: path.join(dataDir, name), thread };
  } else {
    const templates = inject('postgresTemplates');
    if (!templates) throw new Error('PostgreSQL templates are missing: is TEST_ENGINES without postgres?');
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    try {
      const suffix = uniqueSuffix();
      for (const name of DATABASE_NAMES) {
        const database = `calos_t_${suffix}_${name}`;
        const template = migrated ? ` TEMPLATE ${pg.escapeIdentifier(templates[name])}` : '';
        await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}${template}`);
        created.push(database);
        targets[name] = {
          engine: 'postgres',
          url: postgresUrlFor(database),
          database,
          maintenanceUrl: TEST_POSTGRES_URL,
        };
      }
    } finally {
      await admin.end();
    }
  }

  return {
    engine,
    dataDir,
    targets,
    async open(names) {
      const manager = await DBPoolManager.open({ databases: targets, dataDir, names, poolSize: 5 });
      opened.push(manager);
      return manager;
    },
    async cleanup() {
      await Promise.all(opened.map((m) => m.closeAll()));
      if (created.length > 0) await dropDatabases(created);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function dropDatabases(names: string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    for (const name of names)
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

function testPgliteThread(): 'worker' | 'main' {
  const raw = process.env.TEST_PGLITE_THREAD ?? 'main';
  if (raw !== 'worker' && raw !== 'main')
    throw new Error(`TEST_PGLITE_THREAD must be worker or main (got "${raw}")`);
  return raw;
}

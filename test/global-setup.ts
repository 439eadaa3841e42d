// Migrates once into templates (a PGlite data dir, and one Postgres database per logical
// database), which every test file clones; everything is removed when the run ends.
import { rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import type { DatabaseTarget } from '../src/platform/config.ts';
import { DATABASE_NAMES, type DatabaseName } from '../src/platform/databases.ts';
import { DBPoolManager } from '../src/platform/db/pool-manager.ts';
import { migrate } from '../src/platform/migrations/migrator.ts';
import { dropDatabases } from './support/databases.ts';
import { postgresUrlFor, TEST_POSTGRES_URL, testEngines, uniqueSuffix } from './support/engines.ts';
import { scratchDir } from './support/scratch.ts';

export default async function setup(project: TestProject) {
  const engines = testEngines();
  const pgliteDir = scratchDir('calos-template-');
  const templates = {} as Record<DatabaseName, string>;
  const suffix = uniqueSuffix();

  // The two engines migrate side by side: PGlite's work runs in this process, PostgreSQL's in
  // the server's, so together they take little longer than the slower one alone.
  const migrations: Promise<void>[] = [];
  if (engines.includes('postgres')) {
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    try {
      await admin.connect();
    } catch (error) {
      throw new Error(
        `The PostgreSQL tests need a server at ${TEST_POSTGRES_URL} (${(error as Error).message}). ` +
          'Start PostgreSQL, set TEST_POSTGRES_URL, or run only the embedded engine with TEST_ENGINES=pglite.',
      );
    }
    await admin.end();
    const targets = {} as Record<DatabaseName, DatabaseTarget>;
    for (const name of DATABASE_NAMES) {
      templates[name] = `calos_tpl_${suffix}_${name}`;
      targets[name] = {
        engine: 'postgres',
        url: postgresUrlFor(templates[name]),
        database: templates[name],
        maintenanceUrl: TEST_POSTGRES_URL,
      };
    }
    migrations.push(migrateAll(targets, pgliteDir));
  }

  if (engines.includes('pglite')) {
    const targets = {} as Record<DatabaseName, DatabaseTarget>;
    for (const name of DATABASE_NAMES) targets[name] = { engine: 'pglite', dir: path.join(pgliteDir, name) };
    migrations.push(migrateAll(targets, pgliteDir));
  }
  await Promise.all(migrations);

  project.provide('pgliteTemplateDir', pgliteDir);
  project.provide('postgresTemplates', engines.includes('postgres') ? templates : null);

  return async () => {
    rmSync(pgliteDir, { recursive: true, force: true });
    if (engines.includes('postgres')) await dropDatabases(Object.values(templates));
  };
}

async function migrateAll(targets: Record<DatabaseName, DatabaseTarget>, dataDir: string) {
  const pools = await DBPoolManager.open({ databases: targets, dataDir, poolSize: 1 });
  try {
    for (const name of DATABASE_NAMES) await migrate(pools.get(name));
  } finally {
    await pools.closeAll();
  }
}

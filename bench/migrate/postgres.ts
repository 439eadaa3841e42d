// One PostgreSQL run: four fresh, uniquely named databases on the test server, opened,
// migrated, closed, and always dropped again.
import pg from 'pg';
import { loadConfig } from '../../src/platform/config.ts';
import { DATABASE_NAMES, DATABASE_URL_VARIABLE } from '../../src/platform/databases.ts';
import { postgresUrlFor, TEST_POSTGRES_URL, uniqueSuffix } from '../../test/support/engines.ts';
import { type MigrateAllTimings, openAndMigrateAll } from './migrate-all.ts';

export { TEST_POSTGRES_URL };

export interface PostgresTimings extends MigrateAllTimings {
  createMs: number;
}

/** Undefined when the server answers, otherwise why it does not. */
export async function postgresUnreachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function runPostgres(): Promise<PostgresTimings> {
  const suffix = uniqueSuffix();
  const names = Object.fromEntries(DATABASE_NAMES.map((name) => [name, `calos_bench_${suffix}_${name}`]));
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  const created: string[] = [];
  try {
    const creating = performance.now();
    for (const database of Object.values(names)) {
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
      created.push(database);
    }
    const createMs = performance.now() - creating;
    const config = loadConfig(
      Object.fromEntries(
        DATABASE_NAMES.map((name) => [DATABASE_URL_VARIABLE[name], postgresUrlFor(names[name] as string)]),
      ),
    );
    return { createMs, ...(await openAndMigrateAll(config)) };
  } finally {
    for (const database of created)
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
    await admin.end();
  }
}

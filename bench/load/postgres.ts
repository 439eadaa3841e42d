// Fresh, uniquely named databases on the test PostgreSQL server (TEST_POSTGRES_URL) for one
// benchmark run, and the environment that points CALOS at them; drop() removes them again.
import pg from 'pg';
import { redact } from '../../src/platform/config.ts';
import { DATABASE_NAMES, DATABASE_URL_VARIABLE, type DatabaseName } from '../../src/platform/databases.ts';
import { postgresUrlFor, TEST_POSTGRES_URL, uniqueSuffix } from '../../test/support/engines.ts';

export { postgresUnreachable } from '../migrate/postgres.ts';

export interface BenchDatabases {
  /** IDENTITY_DATABASE_URL and friends for the databases made; empty for the others. */
  env: Record<string, string>;
  /** The server, without credentials. */
  server: string;
  drop(): Promise<void>;
}

export async function createPostgresDatabases(names: readonly DatabaseName[]): Promise<BenchDatabases> {
  const suffix = uniqueSuffix();
  const env: Record<string, string> = Object.fromEntries(
    DATABASE_NAMES.map((name) => [DATABASE_URL_VARIABLE[name], '']),
  );
  const created: string[] = [];
  const drop = () => dropDatabases(created);
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    for (const name of names) {
      const database = `calos_bench_${suffix}_${name}`;
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
      created.push(database);
      env[DATABASE_URL_VARIABLE[name]] = postgresUrlFor(database);
    }
  } catch (error) {
    await admin.end().catch(() => undefined);
    await drop();
    throw error;
  }
  await admin.end();
  return { env, server: redact(TEST_POSTGRES_URL), drop };
}

async function dropDatabases(databases: readonly string[]): Promise<void> {
  if (databases.length === 0) return;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    for (const database of databases)
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

// A monolith for one test file, built by the fixture generator in a fresh database on the
// test server, with a client to change it and a drop() that removes it.
import pg from 'pg';
import { buildMonolith } from '../../src/cli/split/fixture.ts';
import { loadMapping } from '../../src/cli/split/mapping.ts';
import type { SplitOptions } from '../../src/cli/split/split.ts';
import type { IsolatedDatabases } from '../support/databases.ts';
import { dropDatabases } from '../support/databases.ts';
import { postgresUrlFor, uniqueSuffix } from '../support/engines.ts';

export interface TestMonolith {
  url: string;
  database: string;
  users: number;
  /** One statement on the monolith. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  drop(): Promise<void>;
}

export async function givenMonolith(users = 40): Promise<TestMonolith> {
  const database = `calos_mono_t_${uniqueSuffix()}`;
  const url = postgresUrlFor(database);
  try {
    await buildMonolith(url, { users, countRows: false });
  } catch (error) {
    await dropDatabases([database]);
    throw error;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    url,
    database,
    users,
    async query<Row>(sql: string, params?: unknown[]) {
      return (await client.query(sql, params)).rows as Row[];
    },
    async drop() {
      await client.end().catch(() => undefined);
      await dropDatabases([database]);
    },
  };
}

/** Options for splitting `monolith` into the isolated targets, quietly. */
export const splitOptions = (
  monolith: TestMonolith,
  isolated: IsolatedDatabases,
  extra: Partial<SplitOptions> = {},
): SplitOptions => ({
  from: monolith.url,
  config: { databases: isolated.targets, dataDir: isolated.dataDir },
  mapping: loadMapping(),
  jobs: 3,
  ...extra,
});

/** Row count of a table in one target database (opens and closes its own pools). */
export async function targetCount(
  isolated: IsolatedDatabases,
  database: 'identity' | 'hollowtown' | 'recipes' | 'family',
  table: string,
) {
  const pools = await isolated.open([database]);
  try {
    const { rows } = await pools
      .get(database)
      .query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    return rows[0]?.n ?? 0;
  } finally {
    await pools.closeAll();
  }
}

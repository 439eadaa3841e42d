// npm run fixture:monolith -- --users N [--url postgres://…/calos_monolith] [--replace]
// Builds a realistic monolith (see store/monolith-fixture.ts) in a fresh database, for tests,
// benchmarks and rehearsing a cut-over.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { redact } from '../../platform/config.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { CliErrors } from '../errors.ts';
import { createDatabase, fillMonolith, isEmptyDatabase, tableRowCounts } from './store/monolith-fixture.ts';

export const DEFAULT_MONOLITH_URL = 'postgres://postgres@127.0.0.1:5432/calos_monolith';

export interface MonolithFixture {
  url: string;
  users: number;
  durationMs: number;
  rows: Record<string, number>;
}

async function withClient<T>(url: string, work: (db: Queryable) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'calos:fixture' });
  await client.connect();
  try {
    return await work({
      query: async <Row>(sql: string, params?: readonly unknown[]) => {
        const result = await client.query(sql, params as unknown[] | undefined);
        return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
      },
      execScript: async (sql: string) => {
        await client.query(sql);
      },
    });
  } finally {
    await client.end();
  }
}

/**
 * Creates the database `url` names (it must not exist or be empty; `replace` drops it first)
 * and fills it with a monolith for `users` users.
 */
export async function buildMonolith(
  url: string,
  options: { users: number; replace?: boolean; countRows?: boolean },
): Promise<MonolithFixture> {
  if (!Number.isInteger(options.users) || options.users < 10)
    throw CliErrors.fixtureUsersInvalid(options.users);
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.slice(1));
  if (!database) throw CliErrors.fixtureUrlInvalid(redact(url));
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const started = performance.now();
  await withClient(maintenance.toString(), (db) => createDatabase(db, database, options.replace ?? false));
  const rows = await withClient(url, async (db) => {
    if (!(await isEmptyDatabase(db))) throw CliErrors.fixtureDatabaseNotEmpty(database);
    await fillMonolith(db, options.users);
    return options.countRows === false ? {} : tableRowCounts(db);
  });
  return { url, users: options.users, durationMs: Math.round(performance.now() - started), rows };
}

async function main() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      users: { type: 'string', default: '1000' },
      url: { type: 'string', default: process.env.CALOS_MONOLITH_URL ?? DEFAULT_MONOLITH_URL },
      replace: { type: 'boolean', default: false },
    },
  });
  const fixture = await buildMonolith(values.url, { users: Number(values.users), replace: values.replace });
  const total = Object.values(fixture.rows).reduce((a, b) => a + b, 0);
  process.stdout.write(
    `Monolith for ${fixture.users} users in ${redact(fixture.url)}: ${total.toLocaleString('en-US')} rows in ` +
      `${Object.keys(fixture.rows).length} tables, ${(fixture.durationMs / 1000).toFixed(1)} s\n`,
  );
  for (const [table, count] of Object.entries(fixture.rows))
    process.stdout.write(`  ${table.padEnd(22)} ${count.toLocaleString('en-US').padStart(12)}\n`);
  process.stdout.write(`Split it with: npm run calos -- split --from ${fixture.url} --dry-run\n`);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`fixture:monolith: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}

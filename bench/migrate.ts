// npm run bench:migrate [-- --runs N]
// Time to migrate all four databases from empty, identity first, on PGlite (fresh data dir)
// and on PostgreSQL (fresh databases on TEST_POSTGRES_URL, dropped afterwards).
import { print } from '../src/cli/output.ts';
import { redact } from '../src/platform/config.ts';
import { readMigrationFiles } from '../src/platform/migrations/migration-files.ts';
import { MIGRATION_ORDER } from '../src/platform/migrations/migrator.ts';
import type { MigrateAllTimings } from './migrate/migrate-all.ts';
import { runPglite } from './migrate/pglite.ts';
import {
  type PostgresTimings,
  postgresUnreachable,
  runPostgres,
  TEST_POSTGRES_URL,
} from './migrate/postgres.ts';
import { parseCounts } from './support/args.ts';
import { machineFacts } from './support/machine.ts';
import { runMain } from './support/run.ts';
import { formatTable, SUMMARY_HEADER, samplesOf, summaryRow } from './support/stats.ts';

async function main() {
  const { runs } = parseCounts(process.argv.slice(2), { runs: 5 });
  const files = MIGRATION_ORDER.map((name) => [name, readMigrationFiles(name).length] as const);
  const total = files.reduce((sum, [, count]) => sum + count, 0);
  print(`bench:migrate — ${new Date().toISOString()}`);
  print(`machine: ${machineFacts()}`);
  print(`migration files: ${total} (${files.map(([name, count]) => `${name} ${count}`).join(', ')})`);
  print(`runs per engine: ${runs}\n`);

  const rows = [SUMMARY_HEADER];
  const pglite: MigrateAllTimings[] = [];
  for (let run = 1; run <= runs; run++) {
    const timings = await runPglite();
    checkApplied('pglite', timings.applied, total);
    print(`pglite ${run}: open ${ms(timings.openMs)}, migrate ${ms(timings.migrateMs)}`);
    pglite.push(timings);
  }
  rows.push(summaryRow('pglite: open 4 instances (initdb)', samplesOf(pglite, 'openMs')));
  rows.push(summaryRow('pglite: migrate all', samplesOf(pglite, 'migrateMs')));

  const unreachable = await postgresUnreachable();
  if (unreachable) {
    print(
      `\nPostgreSQL at ${redact(TEST_POSTGRES_URL)} is unreachable (${unreachable}): only PGlite was measured.`,
    );
  } else {
    const postgres: PostgresTimings[] = [];
    for (let run = 1; run <= runs; run++) {
      const timings = await runPostgres();
      checkApplied('postgres', timings.applied, total);
      print(
        `postgres ${run}: create ${ms(timings.createMs)}, open ${ms(timings.openMs)}, migrate ${ms(timings.migrateMs)}`,
      );
      postgres.push(timings);
    }
    rows.push(summaryRow('postgres: CREATE DATABASE ×4', samplesOf(postgres, 'createMs')));
    rows.push(summaryRow('postgres: open 4 pools', samplesOf(postgres, 'openMs')));
    rows.push(summaryRow('postgres: migrate all', samplesOf(postgres, 'migrateMs')));
  }
  print(`\n${formatTable(rows)}`);
}

/** A run that applied fewer files than exist did not start from empty, and measured nothing useful. */
function checkApplied(engine: string, applied: number, expected: number) {
  if (applied !== expected)
    throw new Error(`${engine} applied ${applied} migration files, expected ${expected}`);
}

const ms = (value: number) => `${Math.round(value)} ms`;

runMain(main);

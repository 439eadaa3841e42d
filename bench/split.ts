// npm run bench:split [-- --users 40000 --runs 2]
// Moves a generated monolith (npm run fixture:monolith) of over a million rows into fresh,
// migrated PostgreSQL databases twice per run: with `calos split` (COPY, several tables at
// once, verified by checksums) and with `pg_dump --data-only … | psql` of the same tables,
// one pipe per target database, run one after another and all four at once. Everything it
// creates on TEST_POSTGRES_URL is dropped at the end.
import { spawn } from 'node:child_process';
import pg from 'pg';
import { print } from '../src/cli/output.ts';
import { buildMonolith } from '../src/cli/split/fixture.ts';
import { loadMapping } from '../src/cli/split/mapping.ts';
import type { SplitReport } from '../src/cli/split/report.ts';
import { loadConfig, redact } from '../src/platform/config.ts';
import { DATABASE_NAMES, DATABASE_URL_VARIABLE, type DatabaseName } from '../src/platform/databases.ts';
import { DBPoolManager } from '../src/platform/db/pool-manager.ts';
import { MIGRATION_ORDER, migrate } from '../src/platform/migrations/migrator.ts';
import { dropDatabases } from '../test/support/databases.ts';
import { postgresUrlFor, TEST_POSTGRES_URL, uniqueSuffix } from '../test/support/engines.ts';
import { postgresUnreachable } from './migrate/postgres.ts';
import { parseCounts } from './support/args.ts';
import { machineFacts } from './support/machine.ts';
import { runMain } from './support/run.ts';
import { formatTable } from './support/stats.ts';

type Targets = Record<DatabaseName, string>;

interface Sample {
  method: string;
  seconds: number;
  rows: number;
}

async function main() {
  const { users, runs } = parseCounts(process.argv.slice(2), { users: 40_000, runs: 2 });
  const unreachable = await postgresUnreachable();
  if (unreachable)
    throw new Error(`PostgreSQL at ${redact(TEST_POSTGRES_URL)} is unreachable: ${unreachable}`);
  const suffix = uniqueSuffix();
  const created: string[] = [];
  const monolithDb = `calos_bench_${suffix}_monolith`;
  const monolithUrl = postgresUrlFor(monolithDb);
  const mapping = loadMapping();
  const tablesOf = (database: DatabaseName) =>
    [...mapping.tables.values()].flatMap((t) =>
      t.kind === 'move' && t.database === database ? [t.source] : [],
    );

  print(`bench:split — ${new Date().toISOString()}`);
  print(`machine: ${machineFacts()}`);
  print(`server: ${await serverVersion()}`);
  try {
    created.push(monolithDb);
    const fixture = await buildMonolith(monolithUrl, { users });
    const moved = DATABASE_NAMES.flatMap(tablesOf).reduce((sum, t) => sum + (fixture.rows[t] ?? 0), 0);
    const all = Object.values(fixture.rows).reduce((a, b) => a + b, 0);
    print(
      `monolith: ${users} users, ${all.toLocaleString('en-US')} rows in ${Object.keys(fixture.rows).length} tables ` +
        `(built in ${(fixture.durationMs / 1000).toFixed(1)} s); ${moved.toLocaleString('en-US')} rows in 18 tables move\n`,
    );

    const samples: Sample[] = [];
    for (let run = 1; run <= runs; run++) {
      const sequential = await freshTargets(`${suffix}_r${run}_seq`, created);
      const seconds = await timed(async () => {
        for (const name of DATABASE_NAMES) await dumpInto(monolithUrl, tablesOf(name), sequential[name]);
      });
      samples.push({ method: 'pg_dump piped into psql, one database after another', seconds, rows: moved });
      print(`run ${run}: pg_dump | psql, one database after another  ${seconds.toFixed(1)} s`);

      const parallel = await freshTargets(`${suffix}_r${run}_par`, created);
      const parallelSeconds = await timed(() =>
        Promise.all(DATABASE_NAMES.map((name) => dumpInto(monolithUrl, tablesOf(name), parallel[name]))).then(
          () => undefined,
        ),
      );
      samples.push({
        method: 'pg_dump piped into psql, four pipes at once',
        seconds: parallelSeconds,
        rows: moved,
      });
      print(`run ${run}: pg_dump | psql, four pipes at once           ${parallelSeconds.toFixed(1)} s`);

      const split = await freshTargets(`${suffix}_r${run}_split`, created);
      let report: SplitReport | undefined;
      const splitSeconds = await timed(async () => {
        report = await calosSplit(monolithUrl, split);
      });
      if (!report?.ok || report.totals.rows !== moved)
        throw new Error(`calos split did not verify ${moved} rows: ${JSON.stringify(report?.totals)}`);
      samples.push({ method: 'calos split (verified)', seconds: splitSeconds, rows: moved });
      print(`run ${run}: calos split, verified                         ${splitSeconds.toFixed(1)} s`);
      await dropDatabases(created.splice(1));
    }

    const best = (method: string) =>
      Math.min(...samples.filter((s) => s.method === method).map((s) => s.seconds));
    const split = best('calos split (verified)');
    const rows = [['', 'rows', 'best s', 'rows/s', 'vs calos split']];
    for (const method of [...new Set(samples.map((s) => s.method))]) {
      const seconds = best(method);
      rows.push([
        method,
        moved.toLocaleString('en-US'),
        seconds.toFixed(1),
        Math.round(moved / seconds).toLocaleString('en-US'),
        `${(seconds / split).toFixed(2)}×`,
      ]);
    }
    print(`\n${formatTable(rows)}`);
    print(
      `\ncalos split moved and verified ${moved.toLocaleString('en-US')} rows at ${Math.round(moved / split).toLocaleString('en-US')} rows/s; ` +
        `pg_dump | psql took ${(best('pg_dump piped into psql, one database after another') / split).toFixed(2)}× as long one database after another ` +
        `and ${(best('pg_dump piped into psql, four pipes at once') / split).toFixed(2)}× with four pipes at once (best of ${runs} run${runs > 1 ? 's' : ''}).`,
    );
  } finally {
    await dropDatabases(created);
  }
}

async function serverVersion(): Promise<string> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return (
      (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?'
    );
  } finally {
    await client.end();
  }
}

/** Four new databases, migrated (not timed), named for this run. */
async function freshTargets(tag: string, created: string[]): Promise<Targets> {
  const targets = {} as Targets;
  for (const name of DATABASE_NAMES) {
    targets[name] = postgresUrlFor(`calos_bench_${tag}_${name}`);
    created.push(`calos_bench_${tag}_${name}`);
  }
  const config = loadConfig(
    Object.fromEntries(DATABASE_NAMES.map((n) => [DATABASE_URL_VARIABLE[n], targets[n]])),
  );
  const pools = await DBPoolManager.open({
    databases: config.databases,
    dataDir: config.dataDir,
    poolSize: 1,
  });
  try {
    for (const name of MIGRATION_ORDER) await migrate(pools.get(name));
  } finally {
    await pools.closeAll();
  }
  return targets;
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/** pg_dump --data-only of some tables piped into psql, as an operator would type it. */
function dumpInto(monolithUrl: string, tables: string[], targetUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const dump = spawn('pg_dump', ['--data-only', ...tables.flatMap((t) => ['-t', t]), monolithUrl], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const psql = spawn('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-o', '/dev/null', targetUrl], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    dump.stdout.pipe(psql.stdin);
    let errors = '';
    dump.stderr.on('data', (c: Buffer) => {
      errors += c.toString();
    });
    psql.stderr.on('data', (c: Buffer) => {
      errors += c.toString();
    });
    const exits = [dump, psql].map(
      (child) => new Promise<number | null>((done) => child.on('exit', (code) => done(code))),
    );
    dump.on('error', reject);
    psql.on('error', reject);
    Promise.all(exits).then(([a, b]) =>
      a === 0 && b === 0 ? resolve() : reject(new Error(`pg_dump | psql failed (${a}, ${b}): ${errors}`)),
    );
  });
}

/** The calos command itself, as an operator runs it, with its JSON report. */
function calosSplit(monolithUrl: string, targets: Targets): Promise<SplitReport> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LOG_LEVEL: 'warn',
      CALOS_DATA_DIR: '/tmp/calos-bench-split-unused',
    };
    for (const name of DATABASE_NAMES) env[DATABASE_URL_VARIABLE[name]] = targets[name];
    const child = spawn(process.execPath, ['bin/calos.mjs', 'split', '--from', monolithUrl, '--json'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`calos split exited ${code}: ${err}\n${out}`));
      else resolve(JSON.parse(out) as SplitReport);
    });
  });
}

runMain(main);

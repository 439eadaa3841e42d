// bench:api --profile: where each app's list request spends its time, next to the baseline.
// For each app: a V8 CPU profile of the platform process and one of the baseline process while
// 50 connections read the list, the CPU each used per request, the platform's busy time charged
// to packages and CALOS files, the query plan of every statement (EXPLAIN ANALYZE), and each
// statement timed alone.
import path from 'node:path';
import pg from 'pg';
import { summarizeProfile } from '../gateway/profile-summary.ts';
import type { CannonResult } from '../load/autocannon-run.ts';
import { formatCount, formatMs, percentilesOf } from '../load/percentiles.ts';
import type { ServerProcess } from '../load/server-process.ts';
import { formatTable } from '../support/stats.ts';
import { OTHER, STEPS, timeBySteps } from './profile-causes.ts';
import { timeSerializers } from './serializers.ts';
import { type AppName, type CapturedTarget, type ListTarget, PG_TYPES, type Statement } from './targets.ts';

const print = (line = '') => process.stdout.write(`${line}\n`);
const STATEMENT_RUNS = 500;
const formatSigned = (value: number) => `${value >= 0 ? '+' : '−'}${formatCount(Math.abs(value))}`;

export interface ProfileContext {
  targets: CapturedTarget[];
  platform: ServerProcess;
  baseline: ServerProcess;
  load: (server: ServerProcess, target: ListTarget, seconds: number) => Promise<CannonResult>;
  seconds: number;
  urls: Record<AppName, string>;
  /** Where the .cpuprofile files go. */
  dir: string;
  /** Whether the files stay after the run (else the dir is removed with the run's data). */
  keep: boolean;
}

export async function profileApps(context: ProfileContext): Promise<void> {
  const { dir } = context;
  for (const target of context.targets) {
    print(`\n## ${target.app}: ${target.path}\n`);
    await context.load(context.baseline, target, 2);
    await context.load(context.platform, target, 2);
    const measured: { label: string; file: string; result: CannonResult; cpuMs: number }[] = [];
    for (const [label, server] of [
      ['app', context.platform],
      ['bare', context.baseline],
    ] as const) {
      const file = path.join(dir, `${target.app}-${label}.cpuprofile`);
      const { value: result, cpuMs } = await server.profile(file, () =>
        context.load(server, target, context.seconds),
      );
      measured.push({ label, file, result, cpuMs });
    }
    const [app, bare] = measured.map((m) => ({ ...m, steps: timeBySteps(m.file) }));
    if (!app || !bare) throw new Error('missing profile');
    const perRequest = (ms: number, total: number) => (ms / total) * 1000;
    print(
      formatTable([
        ['', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs per request', 'main thread busy µs per request'],
        ...[app, bare].map(({ label, result, cpuMs, steps }) => [
          label,
          formatCount(result.requestsPerSecond),
          String(result.latency.p50),
          String(result.latency.p99),
          formatCount(perRequest(cpuMs, result.total)),
          formatCount(perRequest(steps.busyMs, result.total)),
        ]),
      ]),
    );
    print(
      '\nmain thread busy time per request, by step (µs; each sample charged to the first step on its stack)\n',
    );
    const stepRows: string[][] = [['step', 'app', 'bare', 'app − bare']];
    for (const name of [...STEPS.map((s) => s.name), OTHER]) {
      const a = perRequest(app.steps.byStep.get(name) ?? 0, app.result.total);
      const b = perRequest(bare.steps.byStep.get(name) ?? 0, bare.result.total);
      if (a < 0.5 && b < 0.5) continue;
      stepRows.push([name, formatCount(a), formatCount(b), formatSigned(a - b)]);
    }
    const aBusy = perRequest(app.steps.busyMs, app.result.total);
    const bBusy = perRequest(bare.steps.busyMs, bare.result.total);
    stepRows.push(['all', formatCount(aBusy), formatCount(bBusy), formatSigned(aBusy - bBusy)]);
    print(formatTable(stepRows));

    // The busiest functions of either server, side by side: where the app spends what the bare one does not.
    const appFns = summarizeProfile(app.file).byFunction;
    const bareFns = summarizeProfile(bare.file).byFunction;
    const keyOf = (entry: { name: string; place: string }) => `${entry.name}\u0000${entry.place}`;
    const bareByKey = new Map(bareFns.map((entry) => [keyOf(entry), entry.ms]));
    const appByKey = new Map(appFns.map((entry) => [keyOf(entry), entry.ms]));
    const shown = [...new Set([...appFns.slice(0, 12), ...bareFns.slice(0, 12)].map(keyOf))];
    const fnRows = shown
      .map((key) => {
        const [name = '', place = ''] = key.split('\u0000');
        const a = perRequest(appByKey.get(key) ?? 0, app.result.total);
        const b = perRequest(bareByKey.get(key) ?? 0, bare.result.total);
        return { name, place, a, b };
      })
      .sort((x, y) => y.a - x.a);
    print(
      `\nbusiest functions of either server (self time)${context.keep ? `; profiles kept in ${dir}` : ''}\n`,
    );
    print(
      formatTable([
        ['function', 'place', 'app µs/req', 'bare µs/req', 'app − bare'],
        ...fnRows.map((row) => [
          row.name.slice(0, 40),
          row.place,
          formatCount(row.a),
          formatCount(row.b),
          formatSigned(row.a - row.b),
        ]),
      ]),
    );

    const serializers = timeSerializers(target.app, target.answer);
    print(
      `\nserialising this page alone, in one process (with Buffer.byteLength): the route's response schema ` +
        `(fast-json-stringify) ${serializers.schemaMicros.toFixed(0)} µs, JSON.stringify ${serializers.stringifyMicros.toFixed(0)} µs` +
        (serializers.same ? '' : ' (their JSON differs!)'),
    );
    await explainStatements(context.urls[target.app], target.statements);
  }
}

/** EXPLAIN ANALYZE of each statement, then each timed alone, one after another. */
async function explainStatements(url: string, statements: Statement[]): Promise<void> {
  const client = new pg.Client({ connectionString: url, types: PG_TYPES });
  await client.connect();
  try {
    const timings: string[][] = [['statement', 'rows', 'p50 ms', 'p90 ms', 'p99 ms']];
    for (const [index, statement] of statements.entries()) {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${statement.text}`,
        statement.params,
      );
      print(`\nstatement ${index + 1}:\n${statement.text.replace(/\s+/g, ' ').slice(0, 400)}\n`);
      for (const row of rows) print(`    ${row['QUERY PLAN']}`);
      let rowCount = 0;
      const samples: number[] = [];
      for (let n = 0; n < STATEMENT_RUNS + 50; n++) {
        const before = performance.now();
        const result = await client.query(statement.text, statement.params);
        if (n >= 50) samples.push(performance.now() - before);
        rowCount = result.rowCount ?? 0;
      }
      const timing = percentilesOf(samples);
      timings.push([
        `statement ${index + 1}`,
        String(rowCount),
        formatMs(timing.p50),
        formatMs(timing.p90),
        formatMs(timing.p99),
      ]);
    }
    print(`\neach statement alone, ${STATEMENT_RUNS} times one after another (round trip included)\n`);
    print(formatTable(timings));
  } finally {
    await client.end();
  }
}

// npm run bench:api [-- --seconds N --rows N] [-- --profile [--keep-profiles]]
// Authenticated list endpoints of the three apps (first page, 20 items) on PostgreSQL, 50
// connections: requests per second and latency, each next to a bare Fastify + pg server that runs
// the same SQL on the same data. Aim (issue 5): at least 0.8 of the bare baseline's rate.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACCESS_TOKEN_TTL_SECONDS } from '../src/identity/index.ts';
import { DATABASE_NAMES, DATABASE_URL_VARIABLE } from '../src/platform/databases.ts';
import type { BaselinePlan } from './api/baseline-main.ts';
import { type Answer, fetchAnswer, firstDifference } from './api/compare.ts';
import { parseApiOptions } from './api/options.ts';
import { profileApps } from './api/profile.ts';
import { OTHERS_FACTOR, seed } from './api/seed.ts';
import { APPS, type AppName, captureTargets, type ListTarget, PAGE_SIZE } from './api/targets.ts';
import { registerUsers } from './load/accounts.ts';
import { type CannonResult, runAutocannon } from './load/autocannon-run.ts';
import { Cleanup } from './load/cleanup.ts';
import { formatCount } from './load/percentiles.ts';
import { spawnPlatform } from './load/platform.ts';
import { createPostgresDatabases, postgresUnreachable } from './load/postgres.ts';
import { loadAverage, runFacts } from './load/run-facts.ts';
import { type ServerProcess, spawnServer } from './load/server-process.ts';
import { cpuOf } from './support/cpu.ts';
import { runMain } from './support/run.ts';
import { formatTable } from './support/stats.ts';
import { withTempDir } from './support/temp-dir.ts';

const CONNECTIONS = 50;
const WARMUP_SECONDS = 2;
/** Aim from the issue: the app's requests per second at least this share of the baseline's. */
const AIM_RATIO = 0.8;
const BASELINE_ENTRY = fileURLToPath(new URL('./api/baseline-main.ts', import.meta.url));

const ENDPOINT: Record<AppName, string> = {
  hollowtown: 'GET /hollowtown/api/recipes/spooky',
  recipes: 'GET /recipes/api/recipes',
  family: 'GET /family/api/todos/:id/items',
};

const print = (line = '') => process.stdout.write(`${line}\n`);
/** Milliseconds as autocannon records them (whole), or a mean of two (halves). */
const ms = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));

interface Measured {
  app: AppName;
  platform: CannonResult;
  baseline: CannonResult;
  /** CPU time per request of each server process, all its threads (µs). */
  cpuPerRequest: { platform: number; baseline: number };
}

async function main() {
  const options = parseApiOptions(process.argv.slice(2));
  for (const line of runFacts(options.profile ? 'bench:api --profile' : 'bench:api')) print(line);
  const unreachable = await postgresUnreachable();
  if (unreachable) throw new Error(`bench:api needs PostgreSQL at TEST_POSTGRES_URL: ${unreachable}`);

  await withTempDir('calos-bench-api-', async (dataDir) => {
    const cleanup = new Cleanup();
    cleanup.add('data dir', () => rmSync(dataDir, { recursive: true, force: true }));
    // Whatever hangs, the run ends in bounded time and still cleans up.
    const runs = APPS.length * 2 * (WARMUP_SECONDS + options.seconds);
    const deadlineSeconds = 90 + Math.ceil(runs * 1.5);
    const watchdog = setTimeout(() => {
      process.stderr.write(`\nbench:api: still running after ${deadlineSeconds} s: cleaning up\n`);
      cleanup.release().finally(() => process.exit(1));
    }, deadlineSeconds * 1000);
    try {
      const databases = await createPostgresDatabases(DATABASE_NAMES);
      cleanup.add('databases', () => databases.drop());
      const urlOf = (app: AppName) => databases.env[DATABASE_URL_VARIABLE[app]] as string;
      const platform = await spawnPlatform({
        services: ['identity', 'hollowtown', 'recipes', 'family'],
        env: databases.env,
        dataDir,
      });
      cleanup.add('platform', () => platform.stop());
      print(
        `platform: ${platform.url} (pid ${platform.pid}), PostgreSQL ${databases.server}, 4 fresh databases`,
      );

      const [user] = await registerUsers(platform.url, 1);
      if (!user) throw new Error('no user was registered');
      const tokenIssuedAt = performance.now();
      const seeding = performance.now();
      const urls = { hollowtown: urlOf('hollowtown'), recipes: urlOf('recipes'), family: urlOf('family') };
      const { listId } = await seed({
        baseUrl: platform.url,
        accessToken: user.accessToken,
        userId: user.userId,
        rows: options.rows,
        urls,
      });
      print(
        `data: ${formatCount(options.rows)} rows of the user's in each list, ${formatCount(options.rows * OTHERS_FACTOR)} of other users beside them (${((performance.now() - seeding) / 1000).toFixed(1)} s)`,
      );

      const targets = await captureTargets({ userId: user.userId, listId, urls });
      const planFile = path.join(dataDir, 'baseline-plan.json');
      const plan: BaselinePlan = {
        accessToken: user.accessToken,
        userId: user.userId,
        limit: PAGE_SIZE,
        targets: targets.map(({ app, path, statements, pageAt }) => ({
          app,
          path,
          statements,
          pageAt,
          databaseUrl: urls[app],
        })),
      };
      writeFileSync(planFile, JSON.stringify(plan));
      const baseline = await spawnServer({
        entry: BASELINE_ENTRY,
        name: 'bare Fastify + pg baseline',
        env: { BENCH_API_PLAN: planFile },
      });
      cleanup.add('baseline', () => baseline.stop());
      print(`baseline: ${baseline.url} (pid ${baseline.pid}), bare Fastify + pg, the same statements\n`);

      const sizes = await checkSameAnswers(targets, platform, baseline, user.accessToken);

      const checkToken = (seconds: number) => {
        const elapsed = (performance.now() - tokenIssuedAt) / 1000;
        if (elapsed + seconds > ACCESS_TOKEN_TTL_SECONDS - 10)
          throw new Error('the access token would expire during the run: use fewer --seconds');
      };
      const load = (server: ServerProcess, target: ListTarget, seconds: number) => {
        checkToken(seconds);
        return runAutocannon({
          url: `${server.url}${target.path}`,
          connections: CONNECTIONS,
          seconds,
          request: () => ({ headers: { authorization: `Bearer ${user.accessToken}` } }),
        });
      };

      if (options.profile) {
        const dir = options.keepProfiles ? mkdtempSync(path.join(tmpdir(), 'calos-api-profile-')) : dataDir;
        await profileApps({
          targets,
          platform,
          baseline,
          load,
          seconds: options.seconds,
          urls,
          dir,
          keep: options.keepProfiles,
        });
        return;
      }

      const measured: Measured[] = [];
      // Each target gets --seconds in two halves, in the order baseline, app, app, baseline, so
      // that drift in the machine's load (other work on it) hits both alike.
      const first = Math.ceil(options.seconds / 2);
      const halves = [first, Math.max(1, options.seconds - first)] as const;
      for (const target of targets) {
        await load(baseline, target, WARMUP_SECONDS);
        await load(platform, target, WARMUP_SECONDS);
        // CPU time of each server while it is loaded: on a shared machine the rate depends on
        // how much of the cores the others leave, the CPU a request costs does not.
        const cpuMs = { platform: 0, baseline: 0 };
        const timed = async (server: ServerProcess, which: keyof typeof cpuMs, seconds: number) => {
          const before = cpuOf(server.pid).all;
          const result = await load(server, target, seconds);
          cpuMs[which] += cpuOf(server.pid).all - before;
          return result;
        };
        const bare1 = await timed(baseline, 'baseline', halves[0]);
        const app1 = await timed(platform, 'platform', halves[0]);
        const app2 = await timed(platform, 'platform', halves[1]);
        const bare2 = await timed(baseline, 'baseline', halves[1]);
        const app = combine(app1, app2);
        const bare = combine(bare1, bare2);
        const cpuPerRequest = {
          platform: (cpuMs.platform * 1000) / app.total,
          baseline: (cpuMs.baseline * 1000) / bare.total,
        };
        print(
          `${target.app.padEnd(10)} app ${formatCount(app.requestsPerSecond).padStart(6)}/s p99 ${ms(app.latency.p99)} ms, ` +
            `baseline ${formatCount(bare.requestsPerSecond).padStart(6)}/s p99 ${ms(bare.latency.p99)} ms: ` +
            `${(app.requestsPerSecond / bare.requestsPerSecond).toFixed(2)}; CPU per request ` +
            `${formatCount(cpuPerRequest.platform)} µs against ${formatCount(cpuPerRequest.baseline)} µs`,
        );
        measured.push({ app: target.app, platform: app, baseline: bare, cpuPerRequest });
      }
      print(`load average (1 min) at the end: ${loadAverage()}`);
      report(measured, targets, sizes, options.seconds);
    } finally {
      clearTimeout(watchdog);
      await cleanup.release();
    }
  });
}

/**
 * Two runs as one: requests per second over both; latency percentiles are the mean of the two
 * runs' (autocannon gives percentiles, not its histogram), the maximum the larger one.
 */
function combine(a: CannonResult, b: CannonResult): CannonResult {
  const seconds = a.total / a.requestsPerSecond + b.total / b.requestsPerSecond;
  const mean = (key: 'p50' | 'p90' | 'p99' | 'average') => (a.latency[key] + b.latency[key]) / 2;
  return {
    total: a.total + b.total,
    requestsPerSecond: (a.total + b.total) / seconds,
    latency: {
      p50: mean('p50'),
      p90: mean('p90'),
      p99: mean('p99'),
      max: Math.max(a.latency.max, b.latency.max),
      average: mean('average'),
    },
  };
}

/** Both servers must answer 200 with the same JSON; answers each page's size in bytes. */
async function checkSameAnswers(
  targets: ListTarget[],
  platform: ServerProcess,
  baseline: ServerProcess,
  accessToken: string,
): Promise<Map<AppName, { platform: number; baseline: number }>> {
  const sizes = new Map<AppName, { platform: number; baseline: number }>();
  for (const target of targets) {
    const fromApp: Answer = await fetchAnswer(`${platform.url}${target.path}`, accessToken);
    const fromBaseline: Answer = await fetchAnswer(`${baseline.url}${target.path}`, accessToken);
    if (fromApp.status !== 200)
      throw new Error(
        `${target.path} answered ${fromApp.status}: ${JSON.stringify(fromApp.body).slice(0, 300)}`,
      );
    const items = (fromApp.body as { items?: unknown[] }).items;
    if (items?.length !== PAGE_SIZE)
      throw new Error(`${target.path} answered ${items?.length} items, not ${PAGE_SIZE}`);
    const difference = firstDifference(fromApp.body, fromBaseline.body);
    if (difference)
      throw new Error(
        `the baseline does not answer ${target.app}'s list like the app (app vs baseline): ${difference}. ` +
          'Update bench/api/baseline-main.ts to the app’s answer.',
      );
    sizes.set(target.app, { platform: fromApp.bytes, baseline: fromBaseline.bytes });
  }
  print(`answers: the same JSON from both servers for all ${targets.length} lists`);
  for (const target of targets) {
    const statements = target.statements.length;
    print(`  ${target.app}: ${target.path} runs ${statements} statement${statements === 1 ? '' : 's'}`);
  }
  print('');
  return sizes;
}

function report(
  measured: Measured[],
  targets: ListTarget[],
  sizes: Map<AppName, { platform: number; baseline: number }>,
  seconds: number,
) {
  print(
    `\nfirst page (limit=${PAGE_SIZE}), ${CONNECTIONS} connections, ${seconds} s each (two halves: baseline, app, app, baseline) ` +
      `after ${WARMUP_SECONDS} s of warm-up; autocannon, 1 ms resolution, p50–p99 the mean of the halves\n`,
  );
  const rows: string[][] = [
    ['', 'SQL statements', 'page bytes', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
  ];
  for (const { app, platform, baseline } of measured) {
    const statements = String(targets.find((t) => t.app === app)?.statements.length ?? '?');
    const size = sizes.get(app);
    const line = (label: string, result: CannonResult, bytes: number | undefined) => [
      label,
      statements,
      bytes === undefined ? '' : formatCount(bytes),
      formatCount(result.requestsPerSecond),
      ms(result.latency.p50),
      ms(result.latency.p90),
      ms(result.latency.p99),
      ms(result.latency.max),
    ];
    rows.push(line(`${app}: ${ENDPOINT[app]}`, platform, size?.platform));
    rows.push(line(`${app}: bare Fastify + pg`, baseline, size?.baseline));
  }
  print(formatTable(rows));

  print(`\naim: at least ${AIM_RATIO} of the bare baseline's requests per second\n`);
  const aim: string[][] = [
    [
      '',
      'app req/s',
      'bare req/s',
      'ratio',
      'met',
      'app p99 ms',
      'bare p99 ms',
      'app CPU µs/req',
      'bare CPU µs/req',
      'bare / app CPU',
    ],
  ];
  for (const { app, platform, baseline, cpuPerRequest } of measured) {
    const ratio = platform.requestsPerSecond / baseline.requestsPerSecond;
    aim.push([
      ENDPOINT[app],
      formatCount(platform.requestsPerSecond),
      formatCount(baseline.requestsPerSecond),
      ratio.toFixed(2),
      ratio >= AIM_RATIO ? 'yes' : 'no',
      ms(platform.latency.p99),
      ms(baseline.latency.p99),
      formatCount(cpuPerRequest.platform),
      formatCount(cpuPerRequest.baseline),
      (cpuPerRequest.baseline / cpuPerRequest.platform).toFixed(2),
    ]);
  }
  print(formatTable(aim));
  print(
    '\nCPU per request: each server process, all threads (/proc schedstat), over its measured halves. ' +
      'PostgreSQL and the load generator are not in it.',
  );
}

runMain(main);

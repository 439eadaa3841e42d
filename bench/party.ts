// `npm run bench:party`: what serving each service in its own process costs a person, measured
// on the family Halloween party (the flow test/standalone-party.test.ts checks), step by step:
// the five services in one process (`calos start`) against each in its own (`calos serve
// <service>`, the production layout), both behind the same path-routing proxy, on fresh
// PostgreSQL databases, in one run. Services in five processes reach each other through the
// proxy with their HTTP clients, as in docs/deploying.md.
//
// Besides the wall-clock times (which on a shared 2-core machine mostly say how busy it was) it
// reports what each process did: its CPU time per step and while idle, and the calls between
// services and new connections the proxy saw.
//
//   npm run bench:party                      # 15 parties per layout after 5 warm-up parties
//   npm run bench:party -- --parties 30 --idle 10
//   npm run bench:party -- --profile /tmp/party-profiles   # a .cpuprofile per process and layout

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ServiceName } from '../src/platform/config.ts';
import { type PathProxy, startPathProxy } from '../test/support/proxy.ts';
import { Cleanup } from './load/cleanup.ts';
import { spawnPlatform } from './load/platform.ts';
import { createPostgresDatabases, postgresUnreachable } from './load/postgres.ts';
import { runFacts } from './load/run-facts.ts';
import type { ServerProcess } from './load/server-process.ts';
import { party, STEPS, type Step } from './party/flow.ts';
import { type LayoutResult, printComparison, printLayout } from './party/report.ts';
import { trafficCounter } from './party/traffic.ts';
import { cpuMeter } from './support/cpu.ts';
import { runMain } from './support/run.ts';

const SERVICES: readonly ServiceName[] = ['identity', 'ai', 'hollowtown', 'recipes', 'family'];
const PREFIX: Record<ServiceName, string> = {
  identity: '/calos',
  ai: '/ai',
  hollowtown: '/hollowtown',
  recipes: '/recipes',
  family: '/family',
};
type Layout = LayoutResult['layout'];

interface Options {
  parties: number;
  warmup: number;
  idleSeconds: number;
  profileDir?: string;
}

async function measure(layout: Layout, options: Options): Promise<LayoutResult> {
  const cleanup = new Cleanup();
  try {
    return await measureIn(layout, options, cleanup);
  } finally {
    await cleanup.release();
  }
}

async function measureIn(layout: Layout, options: Options, cleanup: Cleanup): Promise<LayoutResult> {
  const databases = await createPostgresDatabases(['identity', 'hollowtown', 'recipes', 'family']);
  cleanup.add('databases', () => databases.drop());
  const traffic = trafficCounter();
  const proxy: PathProxy = await startPathProxy({}, traffic.observer);
  cleanup.add('proxy', () => proxy.close());
  const dataDir = mkdtempSync(path.join(tmpdir(), 'calos-bench-party-'));
  cleanup.add('data dir', () => rmSync(dataDir, { recursive: true, force: true }));
  const common = {
    ...databases.env,
    CALOS_SERVICE_TOKEN: randomBytes(32).toString('hex'),
    CALOS_MASTER_KEY: randomBytes(32).toString('hex'),
  };
  const groups = layout === 'one process' ? [SERVICES] : SERVICES.map((s) => [s]);
  const servers: { name: string; server: ServerProcess }[] = [];
  for (const services of groups) {
    const alone = services.length === 1;
    const server = await spawnPlatform({
      services,
      dataDir,
      env: {
        ...common,
        ...(alone && services[0] !== 'identity' ? { CALOS_IDENTITY_URL: proxy.url } : {}),
        ...(alone && services[0] === 'identity'
          ? { CALOS_HOLLOWTOWN_URL: proxy.url, CALOS_RECIPES_URL: proxy.url, CALOS_FAMILY_URL: proxy.url }
          : {}),
      },
    });
    cleanup.add(services.join(', '), () => server.stop());
    for (const service of services) proxy.route(PREFIX[service], server.url);
    servers.push({ name: alone ? (services[0] as string) : 'all five', server });
  }
  const meter = cpuMeter({
    ...Object.fromEntries(servers.map(({ name, server }) => [name, server.pid])),
    'benchmark (people + proxy)': process.pid,
  });

  // Warm-up: connections, caches, and the JIT, which each process does on its own.
  for (let i = 0; i < options.warmup; i++) await party(proxy.url);
  // Idle: what the processes do with nobody using them (background loops, polls between them).
  traffic.take();
  const idleStop = meter.start();
  await new Promise((resolve) => setTimeout(resolve, options.idleSeconds * 1000));
  const idleCpu = idleStop();
  const idleTraffic = traffic.take();

  const result: LayoutResult = {
    layout,
    parties: options.parties,
    idleSeconds: options.idleSeconds,
    idleCpu,
    idleTraffic,
    processes: meter.names,
    times: Object.fromEntries(STEPS.map((s) => [s, [] as number[]])) as Record<Step, number[]>,
    cpu: Object.fromEntries(STEPS.map((s) => [s, []])) as unknown as LayoutResult['cpu'],
    traffic: Object.fromEntries(STEPS.map((s) => [s, []])) as unknown as LayoutResult['traffic'],
  };
  const around = async <T>(step: Step, work: () => Promise<T>): Promise<T> => {
    traffic.take();
    const stop = meter.start();
    const value = await work();
    result.cpu[step].push(stop());
    result.traffic[step].push(traffic.take());
    return value;
  };
  const parties = async () => {
    for (let i = 0; i < options.parties; i++) {
      const times = await party(proxy.url, around);
      for (const step of STEPS) result.times[step].push(times[step]);
    }
  };
  if (options.profileDir) {
    // Every server records a profile of the same stretch: the measured parties.
    const dir = options.profileDir;
    const tag = layout === 'one process' ? 'one' : 'five';
    const profiled = servers.reduceRight<() => Promise<unknown>>(
      (work, { name, server }) =>
        () =>
          server.profile(path.join(dir, `${tag}-${name.replace(/\s+/g, '-')}.cpuprofile`), work),
      parties,
    );
    await profiled();
  } else {
    await parties();
  }
  return result;
}

runMain(async () => {
  const { values } = parseArgs({
    options: {
      parties: { type: 'string', default: '15' },
      warmup: { type: 'string', default: '5' },
      idle: { type: 'string', default: '10' },
      profile: { type: 'string' },
    },
  });
  const parties = Number(values.parties);
  const idleSeconds = Number(values.idle);
  const warmup = Number(values.warmup);
  if (!Number.isInteger(warmup) || warmup < 1) throw new Error('--warmup takes a positive integer');
  if (!Number.isInteger(parties) || parties < 1) throw new Error('--parties takes a positive integer');
  if (!Number.isInteger(idleSeconds) || idleSeconds < 1)
    throw new Error('--idle takes whole seconds, at least 1');
  const unreachable = await postgresUnreachable();
  if (unreachable) throw new Error(unreachable);
  if (values.profile) mkdirSync(values.profile, { recursive: true });
  for (const line of runFacts('bench:party')) console.log(line);
  const options = { parties, warmup, idleSeconds, profileDir: values.profile };
  const one = await measure('one process', options);
  const five = await measure('five processes', options);
  printComparison(one, five);
  printLayout(one);
  printLayout(five);
  if (values.profile) console.log(`\nCPU profiles: ${values.profile}`);
});

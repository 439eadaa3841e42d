// node --import tsx bench/gateway/compare-checkouts.ts <other checkout> [rounds] [seconds] [accounts] [engines]
// The CPU the gateway spends per answer in two checkouts of CALOS (A: the other one, e.g. a
// worktree of main; B: this one), on bench:gateway --peers' load (OpenAI-format chat, not streamed,
// accounts rotating, the instant stand-in). A and B are loaded at the same time, 25 connections
// each, so that other people's load on a shared machine hits both alike: on a busy 2-core VM the
// CPU per answer of one process moves by 3× from minute to minute, but the ratio B/A of two
// processes measured side by side moves far less. Engines: pg (a fresh identity database each on
// TEST_POSTGRES_URL), main and worker (embedded, PGlite on that thread).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchUser, registerUsers } from '../load/accounts.ts';
import { Cleanup } from '../load/cleanup.ts';
import type { spawnPlatform as SpawnPlatform } from '../load/platform.ts';
import { createPostgresDatabases } from '../load/postgres.ts';
import { loadAverage, runFacts } from '../load/run-facts.ts';
import { spawnServer } from '../load/server-process.ts';
import { runMain } from '../support/run.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { runClosedLoop } from './closed-loop.ts';

const STAND_IN_ENTRY = fileURLToPath(new URL('./stand-in-main.ts', import.meta.url));
const THIS_CHECKOUT = fileURLToPath(new URL('../..', import.meta.url));
const MODEL = 'llama3.2:latest';
const CONNECTIONS_EACH = 25;
const print = (line = '') => process.stdout.write(`${line}\n`);

/** User + system CPU of a process and its threads, in microseconds (Linux, 100 ticks a second). */
function cpuUsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

interface Side {
  checkout: string;
  url: string;
  pid: number;
  users: BenchUser[];
}

async function main() {
  const [other, roundsArg = '6', secondsArg = '4', accountsArg = '300', enginesArg = 'pg,main'] =
    process.argv.slice(2);
  if (!other) throw new Error('name the other checkout (a directory with CALOS and its node_modules)');
  const rounds = Number(roundsArg);
  const seconds = Number(secondsArg);
  const engines = enginesArg.split(',');
  for (const line of runFacts('compare-checkouts')) print(line);
  print(`A: ${path.resolve(other)}\nB: ${THIS_CHECKOUT}`);

  await withTempDir('calos-compare-', async (dataDir) => {
    const cleanup = new Cleanup();
    try {
      const standIn = await spawnServer({
        entry: STAND_IN_ENTRY,
        name: 'Ollama stand-in',
        args: ['8', '0', '0', MODEL],
      });
      cleanup.add('stand-in', () => standIn.stop());
      const env = { OLLAMA_HOSTS: standIn.url, OLLAMA_MAX_CONCURRENCY: '1024' };
      const pairs = new Map<string, Side[]>();
      for (const engine of engines) {
        const sides: Side[] = [];
        for (const checkout of [path.resolve(other), THIS_CHECKOUT]) {
          const { spawnPlatform } = (await import(path.join(checkout, 'bench/load/platform.ts'))) as {
            spawnPlatform: typeof SpawnPlatform;
          };
          let engineEnv: Record<string, string> = {
            CALOS_PGLITE_THREAD: engine === 'worker' ? 'worker' : 'main',
          };
          if (engine === 'pg') {
            const databases = await createPostgresDatabases(['identity']);
            cleanup.add('databases', () => databases.drop());
            engineEnv = databases.env;
          }
          const platform = await spawnPlatform({
            services: ['identity', 'ai'],
            dataDir: path.join(dataDir, `${sides.length}-${engine}`),
            env: { ...env, ...engineEnv },
          });
          cleanup.add(`${checkout} ${engine}`, () => platform.stop());
          sides.push({ checkout, url: platform.url, pid: platform.pid, users: [] });
        }
        pairs.set(engine, sides);
      }
      // Registered last, all at once: access tokens live 5 minutes.
      for (const sides of pairs.values())
        for (const side of sides)
          side.users = await registerUsers(side.url, Number(accountsArg), { plan: 'enterprise' });

      const body = JSON.stringify({
        model: 'llama3.2',
        messages: [{ role: 'user', content: 'Say hello to the benchmark' }],
        stream: false,
      });
      const ratios = new Map<string, number[]>();
      const perAnswer = new Map<string, number[][]>();
      print(`load average at the start: ${loadAverage()}`);
      for (let round = 1; round <= rounds; round++) {
        for (const [engine, sides] of pairs) {
          const before = sides.map((side) => cpuUsOf(side.pid));
          const results = await Promise.all(
            sides.map((side) =>
              runClosedLoop({
                origin: side.url,
                path: '/ai/v1/chat/completions',
                clients: CONNECTIONS_EACH,
                warmupSeconds: 1,
                seconds,
                headers: (n) => ({
                  authorization: `Bearer ${side.users[n % side.users.length]?.accessToken}`,
                  'x-calos-app': 'bench',
                }),
                body,
                completeMarker: '"finish_reason":"stop"',
              }),
            ),
          );
          const cpu = sides.map(
            (side, i) => (cpuUsOf(side.pid) - (before[i] as number)) / (results[i]?.answers ?? 1),
          );
          const [a, b] = cpu as [number, number];
          ratios.set(engine, [...(ratios.get(engine) ?? []), b / a]);
          perAnswer.set(engine, [...(perAnswer.get(engine) ?? []), cpu]);
          print(
            `round ${round} ${engine.padEnd(6)} A ${Math.round(results[0]?.requestsPerSecond ?? 0)}/s ${Math.round(a)} µs, ` +
              `B ${Math.round(results[1]?.requestsPerSecond ?? 0)}/s ${Math.round(b)} µs per answer: B/A ${(b / a).toFixed(2)}`,
          );
        }
      }
      print(`load average at the end: ${loadAverage()}\n`);
      for (const [engine, values] of ratios) {
        const runs = perAnswer.get(engine) ?? [];
        print(
          `${engine}: CPU per answer, median over rounds: A ${Math.round(median(runs.map((r) => r[0] as number)))} µs, ` +
            `B ${Math.round(median(runs.map((r) => r[1] as number)))} µs; B/A median ${median(values).toFixed(2)} ` +
            `(${[...values]
              .sort((x, y) => x - y)
              .map((v) => v.toFixed(2))
              .join(' ')})`,
        );
      }
    } finally {
      await cleanup.release();
    }
  });
}

runMain(main);

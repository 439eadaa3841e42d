// npm run bench:gateway [-- --users N --seconds N --rounds N] [-- --peers] [-- --profile [--openai]]
// First, side by side: OpenAI-format chat through Portkey's open-source gateway and through CALOS
// on PostgreSQL and on the embedded engine, at 50 clients (gateway/peers.ts). Then:
// The latency the AI gateway adds over calling an Ollama stand-in directly: p50 / p99 of the
// whole answer and of the first NDJSON line, and requests per second, at 1, 50 and 200
// concurrent clients, for POST /api/chat non-streamed and streamed, against two upstreams: one
// that answers at once (everything the gateway costs shows, and 50 clients saturate it) and one
// paced like a small model on a GPU (what callers of a real Ollama pool see).
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PLANS as PLANS } from '../src/identity/client.ts';
import { ACCESS_TOKEN_TTL_SECONDS } from '../src/identity/index.ts';
import { type LoadResult, runClosedLoop } from './gateway/closed-loop.ts';
import { type GatewayOptions, parseGatewayOptions } from './gateway/options.ts';
import { comparePeers } from './gateway/peers.ts';
import { profileGateway } from './gateway/profile.ts';
import { type BenchUser, registerUsers } from './load/accounts.ts';
import { Cleanup } from './load/cleanup.ts';
import { formatCount, formatDelta, formatMs } from './load/percentiles.ts';
import { spawnPlatform } from './load/platform.ts';
import { createPostgresDatabases, postgresUnreachable } from './load/postgres.ts';
import { loadAverage, runFacts } from './load/run-facts.ts';
import { type ServerProcess, spawnServer } from './load/server-process.ts';
import { runMain } from './support/run.ts';
import { formatTable } from './support/stats.ts';
import { withTempDir } from './support/temp-dir.ts';

const CLIENTS = [1, 50, 200] as const;
const WARMUP_SECONDS = 1;
/** Words in each stand-in reply: one NDJSON line each, plus the final `done` line. */
const REPLY_WORDS = 8;

interface Upstream {
  key: 'instant' | 'paced';
  /** The one model this stand-in serves; the gateway routes on it. */
  model: string;
  latencyMs: number;
  chunkDelayMs: number;
  title: string;
}

const UPSTREAMS: readonly Upstream[] = [
  {
    key: 'instant',
    model: 'llama3.2:latest',
    latencyMs: 0,
    chunkDelayMs: 0,
    title: 'upstream answers at once (no model time: the gateway saturates)',
  },
  {
    // About what llama3.2 3B does on one consumer GPU: a short prompt evaluated in tens of
    // milliseconds, then ~100 tokens per second.
    key: 'paced',
    model: 'llama3.2:1b',
    latencyMs: 50,
    chunkDelayMs: 10,
    title: 'upstream paced like a model (50 ms to the first token, then one token per 10 ms)',
  },
];
const STAND_IN_ENTRY = fileURLToPath(new URL('./gateway/stand-in-main.ts', import.meta.url));
/** Aim from the issue, at 50 clients. */
const AIM = { clients: 50, p50Ms: 1, p99Ms: 5 };

type Target = 'direct' | 'gateway';

interface Scenario {
  upstream: Upstream['key'];
  clients: number;
  isStream: boolean;
  target: Target;
  result: LoadResult;
}

const print = (line = '') => process.stdout.write(`${line}\n`);

const chatBody = (isStream: boolean, model = 'llama3.2') =>
  JSON.stringify({
    model,
    messages: [{ role: 'user', content: 'Say hello to the benchmark' }],
    stream: isStream,
  });

async function main() {
  const options = parseGatewayOptions(process.argv.slice(2));
  for (const line of runFacts(options.profile ? 'bench:gateway --profile' : 'bench:gateway')) print(line);

  await withTempDir('calos-bench-gateway-', async (dataDir) => {
    const cleanup = new Cleanup();
    cleanup.add('data dir', () => rmSync(dataDir, { recursive: true, force: true }));
    try {
      const standIns = new Map<Upstream['key'], ServerProcess>();
      for (const upstream of UPSTREAMS) {
        const standIn = await spawnServer({
          entry: STAND_IN_ENTRY,
          name: `Ollama stand-in (${upstream.key})`,
          args: [REPLY_WORDS, upstream.latencyMs, upstream.chunkDelayMs, upstream.model].map(String),
        });
        cleanup.add(`${upstream.key} stand-in`, () => standIn.stop());
        standIns.set(upstream.key, standIn);
      }
      const standInOf = (key: Upstream['key']) => standIns.get(key) as ServerProcess;

      const unreachable = await postgresUnreachable();
      let databaseEnv: Record<string, string> = {};
      let engine = 'embedded PGlite (PostgreSQL unreachable)';
      if (!unreachable) {
        const databases = await createPostgresDatabases(['identity']);
        cleanup.add('databases', () => databases.drop());
        databaseEnv = databases.env;
        engine = `PostgreSQL ${databases.server}, a fresh identity database`;
      }
      const platformEnv = {
        OLLAMA_HOSTS: UPSTREAMS.map((upstream) => standInOf(upstream.key).url).join(','),
        // The gateway's own cap (default 4 per instance, like Ollama's parallel slots) would
        // queue most of 200 clients; the stand-in has no such limit, so lift it to compare.
        OLLAMA_MAX_CONCURRENCY: '1024',
      };
      const platform = await spawnPlatform({
        services: ['identity', 'ai'],
        dataDir: path.join(dataDir, 'gateway'),
        env: { ...databaseEnv, ...platformEnv },
      });
      cleanup.add('platform', () => platform.stop());
      for (const upstream of UPSTREAMS) {
        const standIn = standInOf(upstream.key);
        print(
          `stand-in: ${standIn.url} (pid ${standIn.pid}), model ${upstream.model}, ${REPLY_WORDS}-word replies, ` +
            `${upstream.latencyMs} ms to the first token, ${upstream.chunkDelayMs} ms per token`,
        );
      }
      print(`gateway:  ${platform.url} (pid ${platform.pid}), identity + ai, ${engine}`);

      // First, and before this part's accounts exist: access tokens live 5 minutes.
      if (!options.profile) {
        print('\n# Side by side with Portkey (OpenAI format)\n');
        await comparePeers({
          standInUrl: standInOf('instant').url,
          standInPid: standInOf('instant').pid,
          model: (UPSTREAMS[0] as Upstream).model,
          postgres: unreachable ? undefined : platform,
          platformEnv,
          dataDir,
          cleanup,
          options,
          print,
        });
        if (options.peersOnly) return;
        print('\n# Ollama format: the latency the gateway adds over calling the stand-in directly\n');
      }

      const registering = performance.now();
      const users = await registerUsers(platform.url, options.users, { plan: 'enterprise' });
      const tokensIssuedAt = performance.now();
      print(
        `users: ${users.length} on the enterprise plan (${PLANS.enterprise.aiRateLimits.perMinute} AI requests/min each) in ${((tokensIssuedAt - registering) / 1000).toFixed(1)} s\n`,
      );
      for (const upstream of UPSTREAMS)
        await checkRoutes(standInOf(upstream.key), platform, users, upstream.model);

      const run = (
        upstream: Upstream,
        clients: number,
        isStream: boolean,
        target: Target,
        seconds: number,
      ) => {
        const elapsed = (performance.now() - tokensIssuedAt) / 1000;
        if (elapsed + seconds + WARMUP_SECONDS > ACCESS_TOKEN_TTL_SECONDS - 10)
          throw new Error('the access tokens would expire during the run: use fewer --seconds');
        const isGateway = target === 'gateway';
        return runClosedLoop({
          origin: isGateway ? platform.url : standInOf(upstream.key).url,
          path: isGateway ? '/ai/api/chat' : '/api/chat',
          clients,
          warmupSeconds: WARMUP_SECONDS,
          seconds,
          // Both targets get the same headers, so the client does the same work for each.
          headers: (n) => ({
            authorization: `Bearer ${users[n % users.length]?.accessToken}`,
            'x-calos-app': 'bench',
          }),
          body: chatBody(isStream, upstream.model),
        });
      };

      const instant = UPSTREAMS[0] as Upstream;
      if (options.profile) {
        const loads = options.openai
          ? [
              {
                label: 'OpenAI chat completions, whole',
                run: (clients: number) =>
                  runClosedLoop({
                    origin: platform.url,
                    path: '/ai/v1/chat/completions',
                    clients,
                    warmupSeconds: WARMUP_SECONDS,
                    seconds: options.seconds,
                    headers: (n) => ({
                      authorization: `Bearer ${users[n % users.length]?.accessToken}`,
                      'x-calos-app': 'bench',
                    }),
                    body: chatBody(false, instant.model),
                    completeMarker: '"finish_reason":"stop"',
                  }),
              },
            ]
          : [false, true].map((isStream) => ({
              label: isStream ? 'stream' : 'whole ',
              run: (clients: number) => run(instant, clients, isStream, 'gateway', options.seconds),
            }));
        await profileGateway(platform, loads, {
          platformUrl: platform.url,
          standInUrl: standInOf('instant').url,
          user: users[0] as BenchUser,
          chatBody: chatBody(false),
          databaseEnv: unreachable ? undefined : databaseEnv,
          dataDir: path.join(dataDir, 'gateway'),
        });
        return;
      }
      const scenarios: Scenario[] = [];
      for (const upstream of UPSTREAMS) {
        for (const clients of CLIENTS) {
          for (const isStream of [false, true]) {
            // Direct and gateway back to back, so that drift in the machine's load hits both alike.
            for (const target of ['direct', 'gateway'] as const) {
              const result = await run(upstream, clients, isStream, target, options.seconds);
              print(
                `${upstream.key.padEnd(7)} ${target.padEnd(7)} ${isStream ? 'stream' : 'whole '} ${String(clients).padStart(3)} clients: ${formatCount(result.requestsPerSecond).padStart(6)}/s, p50 ${formatMs(result.whole.p50)} ms, p99 ${formatMs(result.whole.p99)} ms`,
              );
              scenarios.push({ upstream: upstream.key, clients, isStream, target, result });
            }
          }
        }
      }
      print(`load average (1 min) at the end: ${loadAverage()}`);
      report(scenarios, options);
    } finally {
      await cleanup.release();
    }
  });
}

/** One call each way: the gateway must answer from the Ollama pool, not a fallback. */
async function checkRoutes(
  standIn: ServerProcess,
  platform: ServerProcess,
  users: BenchUser[],
  model: string,
) {
  const direct = await fetch(`${standIn.url}/api/chat`, { method: 'POST', body: chatBody(false, model) });
  if (direct.status !== 200)
    throw new Error(`the stand-in answered ${direct.status}: ${await direct.text()}`);
  await direct.arrayBuffer();
  const viaGateway = await fetch(`${platform.url}/ai/api/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${users[0]?.accessToken}`, 'content-type': 'application/json' },
    body: chatBody(false, model),
  });
  const text = await viaGateway.text();
  if (viaGateway.status !== 200) throw new Error(`the gateway answered ${viaGateway.status}: ${text}`);
  if (viaGateway.headers.get('x-calos-upstream') !== 'ollama' || viaGateway.headers.has('x-calos-fallback'))
    throw new Error(`the gateway did not answer ${model} from the Ollama stand-in`);
}

function report(scenarios: Scenario[], options: GatewayOptions) {
  print(`\nPOST /api/chat, ${options.seconds} s per run after ${WARMUP_SECONDS} s of warm-up; milliseconds`);
  for (const upstream of UPSTREAMS) reportUpstream(upstream, scenarios);
}

function reportUpstream(upstream: Upstream, scenarios: Scenario[]) {
  const find = (clients: number, isStream: boolean, target: Target) => {
    const found = scenarios.find(
      (s) =>
        s.upstream === upstream.key &&
        s.clients === clients &&
        s.isStream === isStream &&
        s.target === target,
    );
    if (!found) throw new Error(`missing scenario ${upstream.key} ${clients} ${isStream} ${target}`);
    return found.result;
  };
  print(`\n## ${upstream.title}\n`);
  for (const isStream of [false, true]) {
    print(isStream ? '\nstreamed (NDJSON): whole answer and first line (first token)\n' : 'non-streamed\n');
    const header = ['', 'clients', 'req/s', 'p50', 'p99'];
    if (isStream) header.push('first line p50', 'first line p99');
    const rows: string[][] = [header];
    for (const clients of CLIENTS) {
      const direct = find(clients, isStream, 'direct');
      const gateway = find(clients, isStream, 'gateway');
      for (const [label, result] of [
        ['direct to the stand-in', direct],
        ['through the gateway', gateway],
      ] as const) {
        const row = [
          label,
          String(clients),
          formatCount(result.requestsPerSecond),
          formatMs(result.whole.p50),
          formatMs(result.whole.p99),
        ];
        if (isStream) row.push(formatMs(result.firstLine.p50), formatMs(result.firstLine.p99));
        rows.push(row);
      }
      const added = [
        'added by the gateway',
        String(clients),
        '',
        formatDelta(gateway.whole.p50 - direct.whole.p50),
        formatDelta(gateway.whole.p99 - direct.whole.p99),
      ];
      if (isStream)
        added.push(
          formatDelta(gateway.firstLine.p50 - direct.firstLine.p50),
          formatDelta(gateway.firstLine.p99 - direct.firstLine.p99),
        );
      rows.push(added);
    }
    print(formatTable(rows));
  }

  print(`\naim at ${AIM.clients} clients: added p50 < ${AIM.p50Ms} ms and p99 < ${AIM.p99Ms} ms\n`);
  const aimRows: string[][] = [['', 'added p50', 'met', 'added p99', 'met']];
  const addAim = (label: string, isStream: boolean, measure: 'whole' | 'firstLine') => {
    const direct = find(AIM.clients, isStream, 'direct')[measure];
    const gateway = find(AIM.clients, isStream, 'gateway')[measure];
    const p50 = gateway.p50 - direct.p50;
    const p99 = gateway.p99 - direct.p99;
    aimRows.push([
      label,
      formatDelta(p50),
      p50 < AIM.p50Ms ? 'yes' : 'no',
      formatDelta(p99),
      p99 < AIM.p99Ms ? 'yes' : 'no',
    ]);
  };
  addAim('non-streamed, whole answer', false, 'whole');
  addAim('streamed, first line', true, 'firstLine');
  addAim('streamed, whole answer', true, 'whole');
  print(formatTable(aimRows));
}

runMain(main);

// Sets up bench:gateway's side-by-side comparison: Portkey's open-source gateway and CALOS with
// identity on PostgreSQL, on the embedded engine with PGlite on the main thread (the default),
// and on the embedded engine with PGlite on worker threads, each in its own process
// in front of the same instant Ollama stand-in; then runs and reports it (side-by-side.ts). Two
// floors run beside them: a bare Node.js proxy that only forwards (the least any Node.js gateway
// does), and the client calling the stand-in with no proxy (what the machine can do at all).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchUser, registerUsers } from '../load/accounts.ts';
import type { Cleanup } from '../load/cleanup.ts';
import { spawnPlatform } from '../load/platform.ts';
import { type ServerProcess, spawnServer } from '../load/server-process.ts';
import type { GatewayOptions } from './options.ts';
import { type PeerTarget, reportSideBySide, runSideBySide, type SideBySideSpec } from './side-by-side.ts';

const PORTKEY_ENTRY = fileURLToPath(new URL('./portkey-main.ts', import.meta.url));
const BARE_PROXY_ENTRY = fileURLToPath(new URL('./bare-proxy-main.ts', import.meta.url));
const CLIENTS = 50;
const WARMUP_SECONDS = 1;

export interface PeerSetup {
  /** The instant stand-in, and the one model it serves. */
  standInUrl: string;
  /** The stand-in's process, measured as a target of its own (the client calling it directly). */
  standInPid: number;
  model: string;
  /**
   * CALOS with identity on PostgreSQL; absent when PostgreSQL is unreachable. It gets accounts
   * of its own here, so that this part leaves the rate limits of the later runs' accounts alone.
   */
  postgres?: ServerProcess;
  /** The settings every CALOS here gets (OLLAMA_HOSTS, the concurrency cap). */
  platformEnv: Record<string, string>;
  dataDir: string;
  cleanup: Cleanup;
  options: GatewayOptions;
  print: (line?: string) => void;
}

const openaiBody = (model: string) =>
  JSON.stringify({
    model,
    messages: [{ role: 'user', content: 'Say hello to the benchmark' }],
    stream: false,
  });

export async function comparePeers(setup: PeerSetup): Promise<void> {
  const { print } = setup;
  const portkey = await spawnServer({ entry: PORTKEY_ENTRY, name: "Portkey's AI gateway" });
  setup.cleanup.add('Portkey', () => portkey.stop());
  print(
    `Portkey:  ${portkey.url} (pid ${portkey.pid}), @portkey-ai/gateway, provider ollama at the instant stand-in`,
  );

  // Two floors to read the gateways against: a Node.js proxy that only forwards, and no proxy.
  const bare = await spawnServer({
    entry: BARE_PROXY_ENTRY,
    name: 'bare Node.js proxy',
    args: [setup.standInUrl],
  });
  setup.cleanup.add('bare proxy', () => bare.stop());
  print(`floor:    ${bare.url} (pid ${bare.pid}), node:http forwarding to the stand-in, nothing else`);

  const embedded = async (thread: 'worker' | 'main') => {
    const platform = await spawnPlatform({
      services: ['identity', 'ai'],
      dataDir: path.join(setup.dataDir, `embedded-${thread}`),
      env: { ...setup.platformEnv, CALOS_PGLITE_THREAD: thread },
    });
    setup.cleanup.add(`embedded CALOS (${thread})`, () => platform.stop());
    print(
      `CALOS:    ${platform.url} (pid ${platform.pid}), identity + ai, embedded PGlite on the ${thread} thread`,
    );
    const users = await registerUsers(platform.url, setup.options.users, { plan: 'enterprise' });
    return { platform, users };
  };
  const worker = await embedded('worker');
  const main = await embedded('main');
  // Registered last: access tokens live 5 minutes, and registering on PostgreSQL is the quickest.
  const postgres = setup.postgres && {
    platform: setup.postgres,
    users: await registerUsers(setup.postgres.url, setup.options.users, { plan: 'enterprise' }),
  };

  const calos = (
    key: string,
    label: string,
    at: { platform: ServerProcess; users: BenchUser[] },
  ): PeerTarget => ({
    key,
    label,
    pid: at.platform.pid,
    origin: at.platform.url,
    path: '/ai/v1/chat/completions',
    headers: (i) => ({
      authorization: `Bearer ${at.users[i % at.users.length]?.accessToken}`,
      'x-calos-app': 'bench',
    }),
  });
  // Portkey gets a rotating bearer too (it forwards it to Ollama, which ignores it): the client
  // does the same work for every target.
  const tokens = worker.users.map((u) => u.accessToken);
  const targets: PeerTarget[] = [
    {
      key: 'portkey',
      label: 'Portkey gateway',
      pid: portkey.pid,
      origin: portkey.url,
      path: '/v1/chat/completions',
      headers: (i) => ({
        authorization: `Bearer ${tokens[i % tokens.length]}`,
        'x-portkey-provider': 'ollama',
        'x-portkey-custom-host': setup.standInUrl,
      }),
    },
    ...(postgres ? [calos('postgres', 'CALOS, PostgreSQL', postgres)] : []),
    calos('worker', 'CALOS, embedded (PGlite on workers)', worker),
    calos('main', 'CALOS, embedded (PGlite on main thread)', main),
    {
      key: 'bare',
      label: 'floor: bare Node.js proxy',
      pid: bare.pid,
      origin: bare.url,
      path: '/v1/chat/completions',
      headers: (i) => ({ authorization: `Bearer ${tokens[i % tokens.length]}` }),
    },
    {
      key: 'direct',
      label: 'floor: the stand-in, no proxy',
      pid: setup.standInPid,
      origin: setup.standInUrl,
      path: '/v1/chat/completions',
      headers: (i) => ({ authorization: `Bearer ${tokens[i % tokens.length]}` }),
    },
  ];
  const body = openaiBody(setup.model);
  for (const target of targets) await checkTarget(target, body);

  const spec: SideBySideSpec = {
    targets,
    baseline: 'portkey',
    direct: 'direct',
    clients: CLIENTS,
    rounds: setup.options.rounds,
    seconds: setup.options.seconds,
    warmupSeconds: WARMUP_SECONDS,
    body,
    print,
  };
  print(
    `\n${targets.length} targets, ${setup.options.rounds} rounds, ${setup.options.users} accounts per CALOS rotating\n`,
  );
  reportSideBySide(spec, await runSideBySide(spec));
}

const NOT_CALOS = new Set(['portkey', 'bare', 'direct']);

/** One call each: a 200 with a finished choice, and from CALOS, answered by the Ollama pool. */
async function checkTarget(target: PeerTarget, body: string) {
  const response = await fetch(`${target.origin}${target.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers(0) },
    body,
  });
  const text = await response.text();
  if (response.status !== 200 || !text.includes('"finish_reason":"stop"'))
    throw new Error(`${target.label} answered ${response.status}: ${text.slice(0, 300)}`);
  if (!NOT_CALOS.has(target.key) && response.headers.get('x-calos-upstream') !== 'ollama')
    throw new Error(`${target.label} did not answer from the Ollama stand-in`);
}

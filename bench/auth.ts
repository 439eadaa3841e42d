// npm run bench:auth [-- --seconds N]
// (a) access-token verifications per second in one process (the shared guard, local JWKS);
// (b) authenticated GET /calos/api/auth/me per second and its latency (autocannon, 50
//     connections) against CALOS on real PostgreSQL;
// (c) the Argon2id parameters in force, their cost, and the sign-ins per second they allow;
// (d) the OpenID provider's token endpoint: refresh-token grants per second (rotation), and
// (e) authorization-code round trips per second (authorize, accept, resume, code exchange),
//     beside Keycloak's published figure.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import type { JSONWebKeySet } from 'jose';
import { ARGON2_PARAMETERS } from '../src/identity/service/passwords.ts';
import { DATABASE_NAMES } from '../src/platform/databases.ts';
import { type Argon2Rate, measureArgon2 } from './auth/argon2.ts';
import {
  authorizationCodeRoundTrip,
  closedLoop,
  type LoopRate,
  refreshGrant,
  registerBenchClient,
} from './auth/oidc.ts';
import { measureVerifications, type VerificationRate } from './auth/token-verification.ts';
import { registerUsers } from './load/accounts.ts';
import { type CannonResult, runAutocannon } from './load/autocannon-run.ts';
import { Cleanup } from './load/cleanup.ts';
import { formatCount } from './load/percentiles.ts';
import { spawnPlatform } from './load/platform.ts';
import { createPostgresDatabases, postgresUnreachable } from './load/postgres.ts';
import { loadAverage, runFacts } from './load/run-facts.ts';
import { parseCounts } from './support/args.ts';
import { freePort } from './support/free-port.ts';
import { runMain } from './support/run.ts';
import { formatTable } from './support/stats.ts';
import { withTempDir } from './support/temp-dir.ts';

/** Accounts the HTTP runs rotate over, so no single row or account is the bottleneck. */
const USERS = 16;
const ME_CONNECTIONS = 50;
/** Sign-ins are CPU-bound (Argon2): a few connections saturate two cores. */
const LOGIN_CONNECTIONS = 4;
const WARMUP_SECONDS = 2;
/** Apps' sign-ins and refresh chains at once (each chain rotates its own refresh token). */
const OIDC_IN_FLIGHT = [1, 8];
/** Keycloak's published sizing: about 120 refresh-token grants per second per vCPU. */
const KEYCLOAK_REFRESHES_PER_VCPU = 120;

const print = (line = '') => process.stdout.write(`${line}\n`);

async function main() {
  const { seconds } = parseCounts(process.argv.slice(2), { seconds: 10 });
  for (const line of runFacts('bench:auth')) print(line);
  const unreachable = await postgresUnreachable();
  if (unreachable) throw new Error(`bench:auth needs PostgreSQL at TEST_POSTGRES_URL: ${unreachable}`);

  await withTempDir('calos-bench-auth-', async (dataDir) => {
    const cleanup = new Cleanup();
    cleanup.add('data dir', () => rmSync(dataDir, { recursive: true, force: true }));
    try {
      const databases = await createPostgresDatabases(DATABASE_NAMES);
      cleanup.add('databases', () => databases.drop());
      // The issuer names the port, so the port is chosen here; the CLI registers the bench's app
      // on the same databases with the same master key.
      const port = await freePort();
      const issuer = `http://127.0.0.1:${port}/calos`;
      const env = {
        ...databases.env,
        PORT: String(port),
        CALOS_ISSUER: issuer,
        CALOS_MASTER_KEY: randomBytes(32).toString('hex'),
      };
      const platform = await spawnPlatform({
        services: ['identity', 'hollowtown', 'recipes', 'family'],
        env,
        dataDir,
      });
      cleanup.add('platform', () => platform.stop());
      print(
        `platform: ${platform.url} (pid ${platform.pid}), PostgreSQL ${databases.server}, 4 fresh databases`,
      );

      const users = await registerUsers(platform.url, USERS);
      const [first] = users;
      if (!first) throw new Error('no users were registered');
      print(`users: ${USERS} registered\n`);

      // (a) Verifications in this process, over the key set the platform publishes.
      const jwks = (await (
        await fetch(`${platform.url}/calos/.well-known/jwks.json`)
      ).json()) as JSONWebKeySet;
      const verifications: VerificationRate[] = [];
      for (const inFlight of [1, 8]) {
        const rate = await measureVerifications(jwks, first.accessToken, first.userId, {
          seconds: 5,
          inFlight,
        });
        print(`verify, ${inFlight} in flight: ${formatCount(rate.perSecond)}/s`);
        verifications.push(rate);
      }

      // (b) GET /calos/api/auth/me, rotating over the users' tokens.
      const meSpec = (runSeconds: number) => ({
        url: `${platform.url}/calos/api/auth/me`,
        connections: ME_CONNECTIONS,
        seconds: runSeconds,
        request: (n: number) => ({
          headers: { authorization: `Bearer ${users[n % users.length]?.accessToken}` },
        }),
      });
      await runAutocannon(meSpec(WARMUP_SECONDS));
      const me = await runAutocannon(meSpec(seconds));
      print(`GET /calos/api/auth/me: ${formatCount(me.requestsPerSecond)}/s`);

      // (c) Argon2 in this process (the server is idle meanwhile), then sign-ins over HTTP.
      const argon2: Argon2Rate[] = [];
      for (const operation of ['hash', 'verify'] as const) {
        for (const inFlight of [1, 2, 4]) {
          const rate = await measureArgon2(operation, { seconds: 3, inFlight });
          print(`argon2 ${operation}, ${inFlight} in flight: ${rate.perSecond.toFixed(1)}/s`);
          argon2.push(rate);
        }
      }
      const loginSpec = (runSeconds: number) => ({
        url: `${platform.url}/calos/api/auth/login`,
        method: 'POST' as const,
        connections: LOGIN_CONNECTIONS,
        seconds: runSeconds,
        request: (n: number) => {
          const user = users[n % users.length];
          return {
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ login: user?.username, password: user?.password }),
          };
        },
      });
      await runAutocannon(loginSpec(WARMUP_SECONDS));
      const login = await runAutocannon(loginSpec(seconds));
      print(`POST /calos/api/auth/login: ${login.requestsPerSecond.toFixed(1)}/s`);

      // (d) and (e): the OpenID provider, driven as a partner app's server drives it.
      const app = registerBenchClient({ ...env, NODE_ENV: 'development', CALOS_DATA_DIR: dataDir });
      const tokenOf = (loop: number) => users[loop % users.length]?.accessToken ?? '';
      const oidc: LoopRate[] = [];
      for (const inFlight of OIDC_IN_FLIGHT) {
        const chains = await Promise.all(
          Array.from({ length: inFlight }, (_, loop) =>
            authorizationCodeRoundTrip(issuer, app, tokenOf(loop)),
          ),
        );
        const refresh = async (loop: number) => {
          chains[loop] = await refreshGrant(issuer, app, chains[loop] ?? '');
        };
        await closedLoop('warm-up', inFlight, WARMUP_SECONDS, refresh);
        const rate = await closedLoop('refresh_token grant', inFlight, seconds, refresh);
        print(`refresh grants, ${inFlight} in flight: ${rate.perSecond.toFixed(1)}/s`);
        oidc.push(rate);
      }
      for (const inFlight of OIDC_IN_FLIGHT) {
        const signIn = async (loop: number) => {
          await authorizationCodeRoundTrip(issuer, app, tokenOf(loop));
        };
        await closedLoop('warm-up', inFlight, WARMUP_SECONDS, signIn);
        const rate = await closedLoop('authorization-code round trip', inFlight, seconds, signIn);
        print(`authorization-code round trips, ${inFlight} in flight: ${rate.perSecond.toFixed(1)}/s`);
        oidc.push(rate);
      }
      print(`load average (1 min) at the end: ${loadAverage()}`);

      report(verifications, me, argon2, login, seconds);
      reportOidc(oidc, seconds);
    } finally {
      await cleanup.release();
    }
  });
}

function report(
  verifications: VerificationRate[],
  me: CannonResult,
  argon2: Argon2Rate[],
  login: CannonResult,
  seconds: number,
) {
  print('\n(a) access-token verification in one process (createTokenVerifier, local JWKS, Ed25519)\n');
  print(
    formatTable([
      ['', 'verifications', 'per second', 'mean µs each'],
      ...verifications.map((v) => [
        `${v.inFlight} in flight, 5 s`,
        formatCount(v.total),
        formatCount(v.perSecond),
        v.meanMicros.toFixed(0),
      ]),
    ]),
  );

  print(
    `\n(b) GET /calos/api/auth/me, ${ME_CONNECTIONS} connections, ${seconds} s, ${USERS} users' tokens (autocannon)\n`,
  );
  print(formatCannonTable('GET /calos/api/auth/me', me));

  const { memoryCost, timeCost, parallelism } = ARGON2_PARAMETERS;
  print(
    `\n(c) Argon2id, memoryCost ${memoryCost} KiB (${(memoryCost / 1024).toFixed(1)} MiB), timeCost ${timeCost}, parallelism ${parallelism}\n`,
  );
  print(
    formatTable([
      ['', 'in flight', 'operations', 'per second', 'median ms each'],
      ...argon2.map((a) => [
        `${a.operation}Password`,
        String(a.inFlight),
        String(a.total),
        a.perSecond.toFixed(1),
        a.medianMs.toFixed(1),
      ]),
    ]),
  );
  const verifyAlone = argon2.find((a) => a.operation === 'verify' && a.inFlight === 1);
  if (verifyAlone) {
    const perCore = 1000 / verifyAlone.medianMs;
    print(
      `\nArgon2 alone allows about ${perCore.toFixed(0)} sign-ins per second per core (1000 / ${verifyAlone.medianMs.toFixed(1)} ms), ` +
        `${(perCore * cpus().length).toFixed(0)} on this machine's ${cpus().length} cores if nothing else ran.`,
    );
  }
  print(
    `\nPOST /calos/api/auth/login, ${LOGIN_CONNECTIONS} connections, ${seconds} s, ${USERS} users, all succeed (autocannon)\n`,
  );
  print(formatCannonTable('POST /calos/api/auth/login', login, 1));
}

function reportOidc(rates: LoopRate[], seconds: number) {
  print(
    `\n(d, e) the OpenID provider: closed loops over keep-alive connections, ${seconds} s each after ${WARMUP_SECONDS} s of warm-up\n`,
  );
  print(
    formatTable([
      ['', 'in flight', 'completed', 'per second', 'p50 ms', 'p99 ms'],
      ...rates.map((r) => [
        r.label,
        String(r.inFlight),
        String(r.total),
        r.perSecond.toFixed(1),
        r.p50Ms.toFixed(1),
        r.p99Ms.toFixed(1),
      ]),
    ]),
  );
  const best = Math.max(...rates.filter((r) => r.label === 'refresh_token grant').map((r) => r.perSecond));
  const vcpus = cpus().length;
  print(
    `\nKeycloak's published sizing: about ${KEYCLOAK_REFRESHES_PER_VCPU} refresh grants per second per vCPU ` +
      `(${KEYCLOAK_REFRESHES_PER_VCPU * vcpus} on ${vcpus}); here ${best.toFixed(0)} per second ` +
      `(${(best / vcpus).toFixed(0)} per vCPU, with PostgreSQL and the load generator on the same cores).`,
  );
}

function formatCannonTable(label: string, result: CannonResult, decimals = 0) {
  return formatTable([
    ['', 'requests', 'per second', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
    [
      label,
      formatCount(result.total),
      decimals > 0 ? result.requestsPerSecond.toFixed(decimals) : formatCount(result.requestsPerSecond),
      String(result.latency.p50),
      String(result.latency.p90),
      String(result.latency.p99),
      String(result.latency.max),
    ],
  ]);
}

runMain(main);

// The OpenID provider under load, as a partner app's server drives it: authorization-code round
// trips (authorize, the console's accept, resume, code for tokens) and refresh-token grants at
// the token endpoint, each a closed loop of clients over keep-alive connections.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export interface BenchClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface LoopRate {
  label: string;
  inFlight: number;
  total: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

const CLI = fileURLToPath(new URL('../../bin/calos.mjs', import.meta.url));
export const BENCH_REDIRECT_URI = 'http://127.0.0.1:9/callback';

/** Registers a confidential app with `calos clients add`, as an operator would. */
export function registerBenchClient(env: Record<string, string>): BenchClient {
  const out = execFileSync(
    process.execPath,
    [CLI, 'clients', 'add', '--name', 'Bench partner', '--redirect-uri', BENCH_REDIRECT_URI, '--json'],
    { env: { ...process.env, ...env }, encoding: 'utf8' },
  );
  const added = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
    client_id: string;
    client_secret: string;
  };
  return { clientId: added.client_id, clientSecret: added.client_secret, redirectUri: BENCH_REDIRECT_URI };
}

const basic = (client: BenchClient) =>
  `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`;

/** Cookies of one browser, by name (the provider's are all on the issuer's host). */
class Jar {
  readonly #cookies = new Map<string, string>();
  store(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const at = pair.indexOf('=');
      if (at > 0) this.#cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
  }
  header() {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

async function redirectOf(response: Response, expected: string): Promise<string> {
  const location = response.headers.get('location');
  if (response.status < 300 || response.status > 303 || !location) {
    throw new Error(`${expected}: ${response.status} ${(await response.text()).slice(0, 200)}`);
  }
  return location;
}

/**
 * One sign-in of a partner app, as its server and the person's browser make it: authorization
 * request with PKCE, the console's accept for the signed-in person, the provider's resume, and
 * the code exchanged at the token endpoint. Resolves with the app's refresh token.
 */
export async function authorizationCodeRoundTrip(
  issuer: string,
  client: BenchClient,
  personToken: string,
): Promise<string> {
  const origin = new URL(issuer).origin;
  const jar = new Jar();
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(8).toString('base64url');
  const authorize = new URL(`${issuer}/oidc/auth`);
  authorize.search = new URLSearchParams({
    client_id: client.clientId,
    response_type: 'code',
    scope: 'openid offline_access credits:read',
    redirect_uri: client.redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  }).toString();
  const first = await fetch(authorize, { redirect: 'manual' });
  jar.store(first);
  const atConsole = new URL(await redirectOf(first, 'authorize'), origin);
  const uid = atConsole.searchParams.get('interaction') ?? '';
  const accept = await fetch(`${issuer}/api/oidc/interactions/${uid}/accept`, {
    method: 'POST',
    headers: { authorization: `Bearer ${personToken}` },
  });
  if (accept.status !== 200) throw new Error(`accept: ${accept.status} ${await accept.text()}`);
  const { redirect_to } = (await accept.json()) as { redirect_to: string };
  let next = new URL(redirect_to, origin);
  for (let hop = 0; hop < 4 && !next.href.startsWith(client.redirectUri); hop++) {
    const response = await fetch(next, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(response);
    next = new URL(await redirectOf(response, 'resume'), next);
  }
  const code = next.searchParams.get('code');
  if (!code || next.searchParams.get('state') !== state) throw new Error(`no code in ${next.href}`);
  const token = await fetch(`${issuer}/oidc/token`, {
    method: 'POST',
    headers: { authorization: basic(client), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      code_verifier: verifier,
    }),
  });
  if (token.status !== 200) throw new Error(`code exchange: ${token.status} ${await token.text()}`);
  return ((await token.json()) as { refresh_token: string }).refresh_token;
}

/** One refresh grant (rotation: the answer's refresh token replaces the one sent). */
export async function refreshGrant(
  issuer: string,
  client: BenchClient,
  refreshToken: string,
): Promise<string> {
  const response = await fetch(`${issuer}/oidc/token`, {
    method: 'POST',
    headers: { authorization: basic(client), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
  if (response.status !== 200) throw new Error(`refresh: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { refresh_token: string }).refresh_token;
}

/** Runs `step(client)` in `inFlight` closed loops for `seconds`; any failure fails the run. */
export async function closedLoop(
  label: string,
  inFlight: number,
  seconds: number,
  step: (loop: number) => Promise<void>,
): Promise<LoopRate> {
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async (_, loop) => {
      while (performance.now() < until) {
        const t = performance.now();
        await step(loop);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    label,
    inFlight,
    total: latencies.length,
    perSecond: latencies.length / elapsed,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}

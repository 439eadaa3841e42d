// CALOS accounts for a load benchmark, made through the public API like any user's: register,
// optionally switch plan (dev payment provider) and refresh so the token carries the plan.
import { randomBytes } from 'node:crypto';

export type Plan = 'free' | 'pro' | 'family' | 'enterprise';

export interface BenchUser {
  userId: string;
  username: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export interface AccountOptions {
  plan?: Plan;
  /** Registrations at once (each hashes a password with Argon2). */
  concurrency?: number;
}

export async function registerUsers(
  baseUrl: string,
  count: number,
  options: AccountOptions = {},
): Promise<BenchUser[]> {
  const run = randomBytes(3).toString('hex');
  const users: BenchUser[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      users[index] = await registerUser(baseUrl, `bench_${run}_${index}`, options.plan ?? 'free');
    }
  };
  await Promise.all(Array.from({ length: Math.min(count, options.concurrency ?? 4) }, worker));
  return users;
}

async function registerUser(baseUrl: string, username: string, plan: Plan): Promise<BenchUser> {
  const password = `bench password ${username}`;
  const registered = await postJson(baseUrl, '/calos/api/auth/register', 201, {
    username,
    email: `${username}@bench.example`,
    password,
  });
  let tokens = { access_token: registered.access_token, refresh_token: registered.refresh_token };
  if (plan !== 'free') {
    await postJson(
      baseUrl,
      '/calos/api/subscription',
      200,
      { plan_code: plan, provider: 'dev' },
      registered.access_token,
    );
    // The plan travels in the access token: refresh to get one that carries the new plan.
    const refreshed = await postJson(baseUrl, '/calos/api/auth/refresh', 200, {
      refresh_token: registered.refresh_token,
    });
    tokens = { access_token: refreshed.access_token, refresh_token: refreshed.refresh_token };
  }
  return {
    userId: registered.user.user_id,
    username,
    password,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the answers are checked by status; fields are read as needed.
type Json = any;

async function postJson(
  baseUrl: string,
  path: string,
  expected: number,
  body: unknown,
  accessToken?: string,
): Promise<Json> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected)
    throw new Error(`POST ${path} answered ${response.status}, expected ${expected}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

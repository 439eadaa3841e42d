// The gateway's per-request steps timed one at a time, outside the gateway, to see what each
// costs alone: token verification, the three rate-limit windows, the preferences look-up and the
// usage-log insert on identity's database, and one round trip to the stand-in.
import type { JSONWebKeySet } from 'jose';
import { Pool } from 'undici';
import { createUserLimits } from '../../src/ai/limits/user-limits.ts';
import { DEFAULT_PLANS as PLANS } from '../../src/identity/client.ts';
import { findAiPreferences, insertAiUsage } from '../../src/identity/store/ai.ts';
import { createTokenVerifier } from '../../src/platform/auth/guard.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { DBPoolManager } from '../../src/platform/db/pool-manager.ts';
import type { BenchUser } from '../load/accounts.ts';
import { type Percentiles, percentilesOf } from '../load/percentiles.ts';

export interface StageTiming {
  stage: string;
  timing: Percentiles;
}

const RUNS = 1000;
const WARMUP_RUNS = 100;

async function time(stage: string, once: (n: number) => Promise<unknown>): Promise<StageTiming> {
  for (let n = 0; n < WARMUP_RUNS; n++) await once(n);
  const samples: number[] = [];
  for (let n = 0; n < RUNS; n++) {
    const before = performance.now();
    await once(n);
    samples.push(performance.now() - before);
  }
  return { stage, timing: percentilesOf(samples) };
}

export interface StageContext {
  platformUrl: string;
  standInUrl: string;
  user: BenchUser;
  chatBody: string;
  /** Where identity's database is (IDENTITY_DATABASE_URL), when it is on PostgreSQL. */
  databaseEnv: Record<string, string> | undefined;
  dataDir: string;
}

export async function timeStages(context: StageContext): Promise<StageTiming[]> {
  const timings: StageTiming[] = [];
  const jwks = (await (
    await fetch(`${context.platformUrl}/calos/.well-known/jwks.json`)
  ).json()) as JSONWebKeySet;
  const verifier = createTokenVerifier({ jwks: async () => jwks });
  timings.push(
    await time('verify the access token (jose, Ed25519)', () => verifier.verify(context.user.accessToken)),
  );

  const limits = createUserLimits({ redisUrl: undefined });
  timings.push(
    await time('count the minute, hour and day limits (in memory)', (n) =>
      // 100 keys, so that 1100 calls stay under the enterprise plan's 600 a minute.
      limits.admit(`${context.user.userId}:${n % 100}`, PLANS.enterprise.aiRateLimits),
    ),
  );

  const standIn = new Pool(context.standInUrl, { connections: 1 });
  try {
    timings.push(
      await time('POST /api/chat to the stand-in, whole answer', async () => {
        const { body } = await standIn.request({
          method: 'POST',
          path: '/api/chat',
          headers: { 'content-type': 'application/json' },
          body: context.chatBody,
        });
        await body.arrayBuffer();
      }),
    );
  } finally {
    await standIn.close();
  }

  if (context.databaseEnv) {
    const config = loadConfig({ ...context.databaseEnv, CALOS_DATA_DIR: context.dataDir });
    const pools = await DBPoolManager.open({
      databases: config.databases,
      dataDir: config.dataDir,
      names: ['identity'],
      poolSize: 1,
    });
    try {
      const db = pools.get('identity');
      timings.push(
        await time('SELECT the user’s AI preferences', () => findAiPreferences(db, context.user.userId)),
      );
      timings.push(
        await time('INSERT one usage-log row (its own commit)', () =>
          insertAiUsage(db, {
            userId: context.user.userId,
            app: 'bench',
            endpoint: 'api/chat',
            model: 'llama3.2:latest',
            provider: 'ollama',
            instance: context.standInUrl,
            byok: false,
            promptTokens: 5,
            completionTokens: 8,
            cachedTokens: 0,
            credits: 0,
            latencyMs: 1,
            outcome: 'ok',
            errorCode: null,
          }),
        ),
      );
    } finally {
      await pools.closeAll();
    }
  }
  return timings;
}

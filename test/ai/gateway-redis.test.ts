// Two gateway processes sharing Redis enforce one limit: a user gets exactly their plan's
// requests per minute, whichever process each request reaches.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from '../../src/main.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { closeRedis } from '../../src/platform/redis.ts';
import { type OllamaStandIn, startOllamaStandIn } from '../stand-ins/ollama.ts';
import { type IsolatedDatabases, isolatedDatabases } from '../support/databases.ts';
import { testEngines } from '../support/engines.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe.runIf(testEngines().includes('postgres'))('two gateway processes sharing Redis', () => {
  let isolated: IsolatedDatabases;
  let ollama: OllamaStandIn;
  const platforms: RunningPlatform[] = [];

  beforeAll(async () => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect().catch((error: Error) => {
      throw new Error(`These tests need Redis at ${REDIS_URL}: ${error.message}`);
    });
    await redis.quit();
    isolated = await isolatedDatabases('postgres');
    ollama = await startOllamaStandIn({ models: ['llama3.2:latest'] });
    for (let i = 0; i < 2; i++) {
      // Each process has its own in-process state; only Redis and the databases are shared.
      const config = {
        ...loadConfig({
          NODE_ENV: 'test',
          PORT: '0',
          REDIS_URL,
          OLLAMA_HOSTS: ollama.url,
          CALOS_DATA_DIR: isolated.dataDir,
        }),
        databases: isolated.targets,
      };
      platforms.push(
        await startPlatform({ config, logger: createLogger(config), services: ['identity', 'ai'] }),
      );
    }
  });
  afterAll(async () => {
    for (const platform of platforms) await platform.stop();
    await closeRedis();
    await ollama.close();
    await isolated.cleanup();
  });

  it('admit exactly the limit between them', async () => {
    const [first, second] = platforms as [RunningPlatform, RunningPlatform];
    const registered = await fetch(`${first.url}/calos/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: `redis_${Date.now().toString(36)}`,
        email: `redis_${Date.now().toString(36)}@example.test`,
        password: 'correct horse battery staple',
      }),
    });
    const { access_token: token } = (await registered.json()) as { access_token: string };
    const responses = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        fetch(`${(i % 2 === 0 ? first : second).url}/ai/api/chat`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'llama3.2',
            messages: [{ role: 'user', content: `n${i}` }],
            stream: false,
          }),
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6);
    const servedByEach = [first, second].map(
      (p, index) => responses.filter((r, i) => i % 2 === index && r.status === 200 && p).length,
    );
    expect(servedByEach.every((n) => n > 0)).toBe(true);
  });
});

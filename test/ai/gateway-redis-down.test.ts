// REDIS_URL set and Redis gone: the gateway keeps limiting per process, and says so: once in the
// log per outage, in /ai/metrics, and in /readyz (degraded, naming redis) until Redis is back.
// A real redis-server is started for the test and killed under the running gateway.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.ts';
import { closeRedis } from '../../src/platform/redis.ts';
import { type OllamaStandIn, startOllamaStandIn } from '../stand-ins/ollama.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const FALLBACK_LOG = 'AI rate limits are counted per gateway process until it does';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** This process's environment without a clock-moving preload (see startRedis). */
function serverEnv(): NodeJS.ProcessEnv {
  const { LD_PRELOAD: _preload, FAKETIME: _faketime, ...env } = process.env;
  return env;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(testEngines())('the gateway with Redis down on %s', (engine) => {
  let platform: TestPlatform;
  let ollama: OllamaStandIn;
  let redis: ChildProcess | undefined;
  let port: number;
  const logLines: { level: number; msg: string }[] = [];

  const startRedis = async () => {
    redis = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      // The server runs on real time, as PostgreSQL does: a run of the suite with a moved clock
      // (libfaketime in LD_PRELOAD) must not reach redis-server, which does not start under it.
      { stdio: 'ignore', env: serverEnv() },
    );
    await waitFor('redis-server to answer', async () => {
      const { Redis } = await import('ioredis');
      const probe = new Redis(port, '127.0.0.1', {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG' ? true : undefined;
      } finally {
        probe.disconnect();
      }
    });
  };
  const killRedis = async () => {
    const running = redis;
    redis = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise((resolve) => {
      running.once('exit', resolve);
      running.kill('SIGKILL');
    });
  };

  beforeAll(async () => {
    port = await freePort();
    await startRedis();
    ollama = await startOllamaStandIn({ models: ['llama3.2:latest'] });
    const logger = createLogger(
      { logLevel: 'info' },
      new Writable({
        write(chunk, _encoding, done) {
          for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
          done();
        },
      }),
    );
    platform = await startTestPlatform(engine, {
      services: ['identity', 'ai'],
      env: { REDIS_URL: `redis://127.0.0.1:${port}`, OLLAMA_HOSTS: ollama.url },
      logger,
    });
  });
  afterAll(async () => {
    await platform?.close();
    await closeRedis();
    await killRedis();
    await ollama?.close();
  });

  const chat = (user: TestUser, i: number) =>
    fetch(`${platform.url}/ai/api/chat`, {
      method: 'POST',
      headers: { ...user.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'llama3.2',
        messages: [{ role: 'user', content: `n${i}` }],
        stream: false,
      }),
    });
  const readyz = async () =>
    (await fetch(`${platform.url}/readyz`)).json() as Promise<{
      status: string;
      degraded?: string[];
      dependencies?: { name: string; ok: boolean; detail: string }[];
    }>;
  const fallbacksCounted = async () => {
    const text = await (await fetch(`${platform.url}/ai/metrics`)).text();
    return Number(/^calos_ai_limit_fallbacks_total (\d+)/m.exec(text)?.[1] ?? Number.NaN);
  };
  const fallbackLogs = () => logLines.filter((line) => line.msg?.includes(FALLBACK_LOG));

  it('counts per process while Redis is down, logs it once, counts it and reports it degraded, then recovers', async () => {
    const user = await given(platform).user();
    expect((await chat(user, 0)).status).toBe(200);
    expect(await readyz()).toMatchObject({ status: 'ready' });
    expect((await readyz()).dependencies).toContainEqual(
      expect.objectContaining({ name: 'redis', ok: true }),
    );
    expect(await fallbacksCounted()).toBe(0);
    expect(fallbackLogs()).toHaveLength(0);

    await killRedis();
    // Named before any request falls back: /readyz asks Redis itself.
    const degraded = await waitFor('readyz to say degraded', async () => {
      const body = await readyz();
      return body.status === 'degraded' ? body : undefined;
    });
    expect(degraded.degraded).toContain('redis');
    expect(degraded.dependencies?.find((d) => d.name === 'redis')?.detail).toContain('per gateway process');

    // Limits still hold, per process: a free plan's 10 a minute, then 429.
    const other = await given(platform).user();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await chat(other, i)).status);
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
    expect(await fallbacksCounted()).toBe(11);
    // Said once, not once per request.
    expect(fallbackLogs()).toHaveLength(1);
    expect(fallbackLogs()[0]?.level).toBe(40);
    expect((await readyz()).dependencies?.find((d) => d.name === 'redis')?.detail).toContain('11 requests');

    // Redis back: ready again, counted in Redis again, and the next outage is said again.
    await startRedis();
    await waitFor(
      'readyz to say ready',
      async () => ((await readyz()).status === 'ready' ? true : undefined),
      20_000,
    );
    const third = await given(platform).user();
    expect((await chat(third, 0)).status).toBe(200);
    expect(await fallbacksCounted()).toBe(11);
    expect(logLines.some((line) => line.msg?.includes('Redis answers again'))).toBe(true);
    await killRedis();
    await waitFor('readyz to say degraded again', async () =>
      (await readyz()).status === 'degraded' ? true : undefined,
    );
    expect((await chat(third, 1)).status).toBe(200);
    expect(fallbackLogs()).toHaveLength(2);
  });
});

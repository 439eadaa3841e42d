// The Ollama pool under load and failure: an even spread, an instance killed mid-run, a
// saturated pool, a failing instance cooled down and let back in, and a client that leaves.
import { Ollama } from 'ollama';
import { afterEach, describe, expect, it } from 'vitest';
import { type OllamaStandIn, startOllamaStandIn } from '../stand-ins/ollama.ts';
import { oneEngine } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const chatBody = (content: string, stream = false) =>
  JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content }], stream });

describe.each(oneEngine())('the Ollama pool on %s', (engine) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(instances: OllamaStandIn[], env: Record<string, string> = {}) {
    const platform = await startTestPlatform(engine, {
      services: ['identity', 'ai'],
      env: { OLLAMA_HOSTS: instances.map((i) => i.url).join(','), OLLAMA_HEALTH_INTERVAL_MS: '100', ...env },
    });
    cleanups.push(async () => {
      await platform.close();
      for (const instance of instances) await instance.close().catch(() => undefined);
    });
    const user = await given(platform).user({ plan: 'enterprise' });
    return { platform, user };
  }

  const chat = (platform: TestPlatform, user: TestUser, content: string, stream = false) =>
    fetch(`${platform.url}/ai/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
      body: chatBody(content, stream),
    });

  it('spreads 100 concurrent requests evenly over instances with the model', async () => {
    const instances = await Promise.all(
      [0, 1].map(() => startOllamaStandIn({ models: ['llama3.2:latest'], latencyMs: 20 })),
    );
    const { platform, user } = await setUp(instances, { OLLAMA_QUEUE_SIZE: '200' });
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => chat(platform, user, `q${i}`)));
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
    const served = instances.map((i) => i.requests.filter((r) => r.path === '/api/chat').length);
    expect((served[0] ?? 0) + (served[1] ?? 0)).toBe(100);
    // Least-in-flight follows the instances' speed, which on a shared machine is not exactly
    // equal; what must hold is that neither instance is starved or flooded.
    expect(Math.min(...served)).toBeGreaterThanOrEqual(35);
    expect(Math.max(...instances.map((i) => i.maxInFlight))).toBeLessThanOrEqual(4);
  });

  it('loses no whole-answer request when an instance dies mid-run, and sends new ones elsewhere', async () => {
    const instances = await Promise.all(
      [0, 1, 2].map(() => startOllamaStandIn({ models: ['llama3.2:latest'], latencyMs: 150 })),
    );
    const { platform, user } = await setUp(instances, {
      OLLAMA_QUEUE_SIZE: '200',
      OLLAMA_COOLDOWN_MS: '60000',
    });
    const victim = instances[0] as OllamaStandIn;
    const inFlight = Array.from({ length: 30 }, (_, i) => chat(platform, user, `mid-run ${i}`));
    await new Promise((resolve) => setTimeout(resolve, 60));
    await victim.kill();
    const responses = await Promise.all(inFlight);
    expect(responses.map((r) => r.status)).toEqual(Array(30).fill(200));
    const before = victim.requests.length;
    const after = await Promise.all(Array.from({ length: 10 }, (_, i) => chat(platform, user, `after ${i}`)));
    expect(after.every((r) => r.status === 200)).toBe(true);
    expect(victim.requests.length).toBe(before);
  });

  it('ends a stream broken by its instance with a clear error object', async () => {
    const instance = await startOllamaStandIn({
      models: ['llama3.2:latest'],
      tokensPerReply: 20,
      failAfterChunks: 3,
    });
    const { platform, user } = await setUp([instance]);
    const response = await chat(platform, user, 'break please', true);
    expect(response.status).toBe(200);
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.slice(0, 3).every((l) => l.done === false)).toBe(true);
    expect(lines.at(-1)).toEqual({ error: expect.stringContaining('broke off') });
  });

  it('answers 503 with Retry-After when every instance and the queue are full', async () => {
    const instance = await startOllamaStandIn({ models: ['llama3.2:latest'], latencyMs: 400 });
    const { platform, user } = await setUp([instance], {
      OLLAMA_MAX_CONCURRENCY: '1',
      OLLAMA_QUEUE_SIZE: '1',
    });
    const responses = await Promise.all([0, 1, 2].map((i) => chat(platform, user, `busy ${i}`)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 503]);
    const refused = responses.find((r) => r.status === 503);
    expect(refused?.headers.get('retry-after')).toBe('1');
    expect(((await refused?.json()) as { code: string } | undefined)?.code).toBe('POOL_SATURATED');
  });

  it('cools a failing instance down and lets it back in once its probe succeeds', async () => {
    const flaky = await startOllamaStandIn({
      models: ['llama3.2:latest'],
      failWith: { status: 500 },
      failPaths: ['/api/chat'],
    });
    const steady = await startOllamaStandIn({ models: ['llama3.2:latest'] });
    const { platform, user } = await setUp([flaky, steady], { OLLAMA_COOLDOWN_MS: '300' });
    const first = await Promise.all([0, 1, 2, 3].map((i) => chat(platform, user, `try ${i}`)));
    expect(first.every((r) => r.status === 200)).toBe(true);
    const failedOnFlaky = flaky.requests.filter((r) => r.path === '/api/chat').length;
    expect(failedOnFlaky).toBeGreaterThanOrEqual(1);
    expect(failedOnFlaky).toBeLessThanOrEqual(2);
    flaky.setOptions({ failWith: undefined });
    const deadline = Date.now() + 5000;
    while (
      flaky.requests.filter((r) => r.path === '/api/chat' && r.status === 200).length === 0 &&
      Date.now() < deadline
    ) {
      await Promise.all([0, 1].map((i) => chat(platform, user, `later ${i}`)));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(flaky.requests.some((r) => r.path === '/api/chat' && r.status === 200)).toBe(true);
  });

  it('answers 503 naming OLLAMA_HOSTS when no instance answers at all', async () => {
    const instance = await startOllamaStandIn({ models: ['llama3.2:latest'] });
    const { platform, user } = await setUp([instance]);
    await instance.kill();
    const deadline = Date.now() + 5000;
    let response = await chat(platform, user, 'anyone?');
    while (response.status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      response = await chat(platform, user, 'anyone?');
    }
    expect(response.status).toBe(503);
    // Ollama's error shape: the text in `error`, the CALOS code beside it.
    const body = (await response.json()) as { error: string; code: string };
    expect(body.code).toBe('OLLAMA_UNREACHABLE');
    expect(body.error).toContain(instance.url);
  });

  it('aborts the upstream request when the client leaves', async () => {
    const instance = await startOllamaStandIn({
      models: ['llama3.2:latest'],
      tokensPerReply: 200,
      chunkDelayMs: 20,
    });
    const { platform, user } = await setUp([instance]);
    const ollama = new Ollama({
      host: `${platform.url}/ai`,
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    const stream = await ollama.chat({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'long' }],
      stream: true,
    });
    let received = 0;
    for await (const _part of stream) {
      received++;
      if (received === 3) {
        stream.abort();
        break;
      }
    }
    const deadline = Date.now() + 5000;
    while (
      instance.requests.find((r) => r.path === '/api/chat')?.outcome === 'pending' &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(instance.requests.find((r) => r.path === '/api/chat')?.outcome).toBe('client-closed');
    const usage = await fetch(`${platform.url}/ai/api/usage`, { headers: user.headers });
    const items = ((await usage.json()) as { items: { outcome: string }[] }).items;
    expect(items[0]?.outcome).toBe('aborted');
  });
});

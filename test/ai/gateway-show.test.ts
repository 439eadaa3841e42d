// /ai/api/show is metadata, unmetered like /api/tags, but every call reaches an Ollama instance:
// it takes a CALOS access token and has a per-user limit of its own (CALOS_AI_METADATA_PER_MINUTE),
// apart from the plan's AI limits. Tried with the official `ollama` client.
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OllamaStandIn, startOllamaStandIn } from '../stand-ins/ollama.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const PER_MINUTE = 3;

describe.each(testEngines())('/ai/api/show limits on %s', (engine) => {
  let platform: TestPlatform;
  let ollama: OllamaStandIn;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    ollama = await startOllamaStandIn({ models: ['llama3.2:latest'], tokensPerReply: 2 });
    platform = await startTestPlatform(engine, {
      services: ['identity', 'ai'],
      env: { OLLAMA_HOSTS: ollama.url, CALOS_AI_METADATA_PER_MINUTE: String(PER_MINUTE) },
    });
    alice = await given(platform).user();
    bob = await given(platform).user();
  });
  afterAll(async () => {
    await platform.close();
    await ollama.close();
  });

  const client = (token?: string) =>
    new Ollama({
      host: `${platform.url}/ai`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  const shows = () => ollama.requests.filter((r) => r.path === '/api/show').length;

  it('refuses a caller without a token before any instance is asked, in Ollama’s shape', async () => {
    const before = shows();
    const refused = await client()
      .show({ model: 'llama3.2' })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ status_code: 401 });
    expect(shows()).toBe(before);
  });

  it('limits each user per minute with 429 and Retry-After, apart from the plan’s AI limits', async () => {
    const before = shows();
    for (let i = 0; i < PER_MINUTE; i += 1) {
      expect((await client(alice.accessToken).show({ model: 'llama3.2' })).details.family).toBe('llama');
    }
    const limited = await client(alice.accessToken)
      .show({ model: 'llama3.2' })
      .catch((error: unknown) => error);
    expect(limited).toMatchObject({
      status_code: 429,
      error: expect.stringContaining('Model details limit'),
    });
    const raw = await fetch(`${platform.url}/ai/api/show`, {
      method: 'POST',
      headers: { ...alice.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama3.2' }),
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('x-calos-error-code')).toBe('AI_RATE_LIMITED');
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Refused calls never reached the pool.
    expect(shows()).toBe(before + PER_MINUTE);

    // Another user has their own count; the limited user's AI calls are not touched, and show
    // calls are neither metered nor logged as AI calls.
    expect((await client(bob.accessToken).show({ model: 'llama3.2' })).details.family).toBe('llama');
    const chat = await client(alice.accessToken).chat({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'still here' }],
    });
    expect(chat.message.content).toBe('still here');
    const usage = (await (
      await fetch(`${platform.url}/ai/api/usage`, { headers: alice.headers })
    ).json()) as {
      items: { endpoint: string }[];
    };
    expect(usage.items.map((item) => item.endpoint)).toEqual(['api/chat']);
  });
});

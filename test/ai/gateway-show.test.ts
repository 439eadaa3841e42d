// /ai/api/show is metadata, unmetered like /api/tags, but every call reaches an Ollama instance:
// it takes a CALOS access token and has a per-user limit of its own (CALOS_AI_METADATA_PER_MINUTE),
// apart from the plan's AI limits, shared with the model listings of both doors (/api/tags,
// /api/ps, /api/version, /v1/models…). Stored responses' reads and deletions have a limit of their
// own (CALOS_AI_STORED_RESPONSES_PER_MINUTE). Each door refuses in its own dialect, with
// Retry-After. Tried with the official `ollama` and `openai` clients.
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OllamaStandIn, startOllamaStandIn } from '../stand-ins/ollama.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const PER_MINUTE = 3;

describe.each(testEngines())('metadata and stored-response limits on %s', (engine) => {
  let platform: TestPlatform;
  let ollama: OllamaStandIn;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    ollama = await startOllamaStandIn({ models: ['llama3.2:latest'], tokensPerReply: 2 });
    platform = await startTestPlatform(engine, {
      services: ['identity', 'ai'],
      env: {
        OLLAMA_HOSTS: ollama.url,
        CALOS_AI_METADATA_PER_MINUTE: String(PER_MINUTE),
        CALOS_AI_STORED_RESPONSES_PER_MINUTE: String(PER_MINUTE),
      },
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
  const openai = (user: TestUser) =>
    new OpenAI({ apiKey: user.accessToken, baseURL: `${platform.url}/ai/v1`, maxRetries: 0 });
  type APIError = InstanceType<typeof OpenAI.APIError>;
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error as APIError,
    );

  it('counts model listings of both doors with show, each door refusing in its own dialect', async () => {
    const carol = await given(platform).user();
    expect((await client(carol.accessToken).list()).models.map((m) => m.name)).toEqual(['llama3.2:latest']);
    await client(carol.accessToken).ps();
    expect((await openai(carol).models.list()).data.map((m) => m.id)).toEqual(['llama3.2:latest']);
    // The minute's calls are spent: OpenAI's shape on its door, Ollama's on the other.
    const asOpenAI = await failure(openai(carol).models.retrieve('llama3.2'));
    expect(asOpenAI).toMatchObject({ status: 429, code: 'AI_RATE_LIMITED', type: 'rate_limit_error' });
    expect(Number(asOpenAI?.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await failure(openai(carol).models.list())).toMatchObject({ status: 429 });
    expect(
      await client(carol.accessToken)
        .list()
        .catch((error: unknown) => error),
    ).toMatchObject({
      status_code: 429,
      error: expect.stringContaining('Model details limit'),
    });
    for (const path of ['/ai/api/version', '/ai/api/ps', '/ai/api/tags']) {
      const raw = await fetch(`${platform.url}${path}`, { headers: carol.headers });
      expect(raw.status).toBe(429);
      expect(Number(raw.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await raw.json()).toEqual({
        error: expect.stringContaining('per minute'),
        code: 'AI_RATE_LIMITED',
      });
    }
    expect(await failure(client(carol.accessToken).show({ model: 'llama3.2' }))).toMatchObject({
      status_code: 429,
    });
    // Another user's count is their own.
    expect((await openai(bob).models.list()).data).toHaveLength(1);
  });

  it('limits reads and deletions of stored responses per user, not the calls that make them', async () => {
    const dave = await given(platform).user();
    const made = await openai(dave).responses.create({ model: 'llama3.2', input: 'soup' });
    await openai(dave).responses.retrieve(made.id);
    await openai(dave).responses.inputItems.list(made.id);
    for await (const _event of await openai(dave).responses.retrieve(made.id, { stream: true })) {
      // Drained.
    }
    for (const attempt of [
      () => openai(dave).responses.delete(made.id),
      () => openai(dave).responses.retrieve(made.id),
      () => openai(dave).responses.retrieve(made.id, { stream: true }),
      () => openai(dave).responses.inputItems.list(made.id),
    ]) {
      const refused = await failure(attempt());
      expect(refused).toMatchObject({ status: 429, code: 'AI_RATE_LIMITED', type: 'rate_limit_error' });
      expect(refused?.message).toContain('Stored responses limit');
      expect(Number(refused?.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    // Answering still works (the plan's AI limits count those), and model listings have their own count.
    const more = await openai(dave).responses.create({ model: 'llama3.2', input: 'bread', store: false });
    expect(more.status).toBe('completed');
    expect((await openai(dave).models.list()).data).toHaveLength(1);
  });
});

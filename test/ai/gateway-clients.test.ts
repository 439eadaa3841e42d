// The gateway driven by the official `ollama` and `openai` clients, against stand-in Ollama
// instances: streamed and whole answers, the merged model list, limits, fallback and usage.
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OllamaStandIn, startOllamaStandIn } from '../stand-ins/ollama.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe.each(testEngines())('the AI gateway with the official clients on %s', (engine) => {
  let platform: TestPlatform;
  let small: OllamaStandIn;
  let large: OllamaStandIn;
  let user: TestUser;

  beforeAll(async () => {
    small = await startOllamaStandIn({ models: ['llama3.2:latest'], tokensPerReply: 6 });
    large = await startOllamaStandIn({ models: ['llama3.2:latest', 'mistral:7b'], tokensPerReply: 6 });
    platform = await startTestPlatform(engine, {
      services: ['identity', 'ai'],
      env: { OLLAMA_HOSTS: `${small.url},${large.url}`, OLLAMA_HEALTH_INTERVAL_MS: '200' },
    });
    user = await given(platform).user();
  });
  afterAll(async () => {
    await platform.close();
    await small.close();
    await large.close();
  });

  const ollamaFor = (u: TestUser, app = 'hollowtown') =>
    new Ollama({
      host: `${platform.url}/ai`,
      headers: { authorization: `Bearer ${u.accessToken}`, 'x-calos-app': app },
    });
  const openaiFor = (u: TestUser) =>
    new OpenAI({ apiKey: u.accessToken, baseURL: `${platform.url}/ai/v1`, maxRetries: 0 });

  it('answers the ollama client, whole and streamed, with the counts in the last object', async () => {
    const ollama = ollamaFor(user);
    const whole = await ollama.chat({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'a spooky soup please' }],
      stream: false,
    });
    expect(whole.done).toBe(true);
    expect(whole.message.content.length).toBeGreaterThan(0);
    expect(whole.eval_count).toBe(6);
    expect(whole.prompt_eval_count).toBeGreaterThan(0);

    const parts: string[] = [];
    let last: { done: boolean; done_reason?: string; eval_count?: number } | undefined;
    for await (const part of await ollama.chat({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'stream it' }],
      stream: true,
    })) {
      parts.push(part.message.content);
      last = part;
    }
    expect(parts.length).toBeGreaterThan(2);
    expect(last).toMatchObject({ done: true, done_reason: 'stop', eval_count: 6 });

    const generated = await ollama.generate({ model: 'llama3.2', prompt: 'one line', stream: false });
    expect(generated.response?.length).toBeGreaterThan(0);
  });

  it('lists the models of every instance merged, and routes a model only where it is', async () => {
    const tags = await ollamaFor(user).list();
    expect(tags.models.map((m) => m.name).sort()).toEqual(['llama3.2:latest', 'mistral:7b']);
    const before = small.requests.filter((r) => r.model === 'mistral:7b').length;
    await ollamaFor(user).chat({
      model: 'mistral:7b',
      messages: [{ role: 'user', content: 'hi' }],
      stream: false,
    });
    expect(small.requests.filter((r) => r.model === 'mistral:7b').length).toBe(before);
    expect(large.requests.some((r) => r.model === 'mistral:7b' && r.path === '/api/chat')).toBe(true);
  });

  it('answers the openai client, whole and streamed with usage, ending with [DONE]', async () => {
    const openai = openaiFor(user);
    const completion = await openai.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'hello there' }],
    });
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBe(6);

    const stream = await openai.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'hello stream' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: { completion_tokens: number } | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBe(6);
    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toContain('mistral:7b');
  });

  it('refuses a request without a CALOS token', async () => {
    const anonymous = new Ollama({ host: `${platform.url}/ai` });
    await expect(
      anonymous.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'x' }], stream: false }),
    ).rejects.toMatchObject({
      status_code: 401,
    });
  });

  it('refuses the 11th request in a minute on the free plan, whichever app sends it', async () => {
    const limited = await given(platform).user();
    const hollowtown = ollamaFor(limited, 'hollowtown');
    const recipes = openaiFor(limited);
    for (let i = 0; i < 5; i++) {
      await hollowtown.chat({
        model: 'llama3.2',
        messages: [{ role: 'user', content: `h${i}` }],
        stream: false,
      });
      await recipes.chat.completions.create({
        model: 'llama3.2',
        messages: [{ role: 'user', content: `r${i}` }],
      });
    }
    const refused = await fetch(`${platform.url}/ai/api/chat`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${limited.accessToken}`,
        'content-type': 'application/json',
        'x-calos-app': 'family',
      },
      body: JSON.stringify({
        model: 'llama3.2',
        messages: [{ role: 'user', content: 'eleven' }],
        stream: false,
      }),
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-calos-error-code')).toBe('AI_RATE_LIMITED');
    expect(await refused.json()).toEqual({
      error: expect.stringContaining('10 per minute'),
      code: 'AI_RATE_LIMITED',
    });

    const usage = await fetch(`${platform.url}/ai/api/usage?limit=100`, {
      headers: { authorization: `Bearer ${limited.accessToken}` },
    });
    const items = ((await usage.json()) as { items: { app: string; outcome: string }[] }).items;
    expect(items.filter((i) => i.outcome === 'ok')).toHaveLength(10);
    expect(items.filter((i) => i.outcome === 'rate_limited')).toHaveLength(1);
    expect(new Set(items.map((i) => i.app))).toEqual(new Set(['hollowtown', 'api', 'family']));
  });

  it('falls back to the fallback model without a key for a provider model, and says so', async () => {
    const fallback = await given(platform).user();
    const response = await fetch(`${platform.url}/ai/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fallback.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'premium please' }],
        stream: false,
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-calos-fallback')).toContain('no_key_for_provider');
    expect(((await response.json()) as { model: string }).model).toBe('llama3.2:latest');
  });
});

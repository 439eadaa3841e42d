// The typed client the apps use, platform-paid premium models, and the metrics endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AiClient } from '../../src/ai/client.ts';
import { type OllamaStandIn, startOllamaStandIn } from '../stand-ins/ollama.ts';
import { type OpenAIStandIn, startOpenAIStandIn } from '../stand-ins/openai.ts';
import { testEngines } from '../support/engines.ts';
import { given } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const PLATFORM_KEY = 'sk-platform-operator-0123456789';

describe.each(testEngines())('the gateway’s typed client and premium models on %s', (engine) => {
  let platform: TestPlatform;
  let ollama: OllamaStandIn;
  let openai: OpenAIStandIn;

  beforeAll(async () => {
    ollama = await startOllamaStandIn({ models: ['llama3.2:latest'] });
    openai = await startOpenAIStandIn({
      apiKeys: [PLATFORM_KEY],
      models: ['gpt-4o'],
      tokensPerReply: 10,
      cachedPromptTokens: 4,
    });
    platform = await startTestPlatform(engine, {
      services: ['identity', 'ai'],
      env: {
        OLLAMA_HOSTS: ollama.url,
        CALOS_OPENAI_URL: openai.url,
        CALOS_OPENAI_API_KEY: PLATFORM_KEY,
        CALOS_AI_PRICES: JSON.stringify({
          'gpt-4o': { prompt: 1000, completion: 3000, cachedPrompt: 500, maxOutputTokens: 200 },
        }),
      },
    });
  });
  afterAll(async () => {
    await platform.close();
    await ollama.close();
    await openai.close();
  });

  const ai = () => platform.clients.get<AiClient>('ai');

  it('asks for structured output with a JSON schema and returns the answer text', async () => {
    const user = await given(platform).user();
    ollama.script('{"name":"Graveyard dirt cups","serves":4}');
    const schema = {
      type: 'object',
      properties: { name: { type: 'string' }, serves: { type: 'integer' } },
      required: ['name'],
    };
    const answer = await ai().generate({
      userId: user.userId,
      plan: 'free',
      app: 'hollowtown',
      prompt: 'a recipe',
      schema,
    });
    expect(JSON.parse(answer.text)).toEqual({ name: 'Graveyard dirt cups', serves: 4 });
    expect(answer).toMatchObject({ model: 'llama3.2:latest', provider: 'ollama', fellBack: false });
    const request = ollama.requests.filter((r) => r.path === '/api/chat').at(-1);
    expect((request?.body as { format?: unknown } | undefined)?.format).toEqual(schema);
  });

  it('counts the client’s calls against the same per-user limit', async () => {
    const user = await given(platform).user();
    for (let i = 0; i < 10; i++)
      await ai().generate({ userId: user.userId, plan: 'free', app: 'recipes', prompt: `p${i}` });
    await expect(
      ai().generate({ userId: user.userId, plan: 'free', app: 'recipes', prompt: 'eleven' }),
    ).rejects.toMatchObject({
      code: 'AI_RATE_LIMITED',
    });
  });

  it('meters a platform-paid premium model on a plan that includes it, cached prompt tokens at their rate', async () => {
    const pro = await given(platform).user({ plan: 'pro' });
    const prompt = 'one two three four five six seven eight';
    await ai().generate({ userId: pro.userId, plan: 'pro', app: 'hollowtown', model: 'gpt-4o', prompt });
    const second = await ai().generate({
      userId: pro.userId,
      plan: 'pro',
      app: 'hollowtown',
      model: 'gpt-4o',
      prompt,
    });
    expect(second.provider).toBe('openai');
    const usage = await platform.app.inject({ method: 'GET', url: '/ai/api/usage', headers: pro.headers });
    const [latest, first] = usage.json().items as {
      prompt_tokens: number;
      cached_tokens: number;
      completion_tokens: number;
      credits: number;
    }[];
    for (const call of [latest, first]) {
      if (!call) throw new Error('missing usage');
      const uncached = call.prompt_tokens - call.cached_tokens;
      expect(call.credits).toBe(
        Math.ceil((uncached * 1000 + call.cached_tokens * 500 + call.completion_tokens * 3000) / 1000),
      );
    }
    expect(latest?.cached_tokens).toBeGreaterThan(0);
    const seenKey = openai.requests.at(-1)?.headers.authorization;
    expect(seenKey).toBe(`Bearer ${PLATFORM_KEY}`);
  });

  it('falls back on a plan without premium models, saying why', async () => {
    const free = await given(platform).user();
    const answer = await ai().generate({
      userId: free.userId,
      plan: 'free',
      app: 'hollowtown',
      model: 'gpt-4o',
      prompt: 'hi',
    });
    expect(answer).toMatchObject({ provider: 'ollama', fellBack: true, model: 'llama3.2:latest' });
  });

  it('exposes Prometheus metrics for requests, latency, instances and rejections', async () => {
    const response = await platform.app.inject({ method: 'GET', url: '/ai/metrics' });
    expect(response.statusCode).toBe(200);
    for (const name of [
      'calos_ai_requests_total',
      'calos_ai_request_duration_seconds_bucket',
      'calos_ai_instance_in_flight',
      'calos_ai_rejections_total',
    ]) {
      expect(response.body).toContain(name);
    }
    expect(response.body).toMatch(/calos_ai_rejections_total\{reason="rate_limited"\} [1-9]/);
  });
});

// /ai/v1/completions for OpenAI's completion models through the gateway, with the official
// `openai` client: the user's own key (and the platform's, metered) reaches OpenAI's
// /v1/completions, whole and streamed, logged as chat is; usage reaches the caller only when asked.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OllamaStandIn, startOllamaStandIn } from '../stand-ins/ollama.ts';
import { type OpenAIStandIn, startOpenAIStandIn } from '../stand-ins/openai.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const USER_KEY = 'sk-test-user-0123456789abcdef';
const PLATFORM_KEY = 'sk-test-platform-0123456789abcdef';
const INSTRUCT = 'gpt-3.5-turbo-instruct';
type APIError = InstanceType<typeof OpenAI.APIError>;

describe.each(testEngines())('OpenAI legacy completions through the gateway on %s', (engine) => {
  let platform: TestPlatform;
  let ollama: OllamaStandIn;
  let openaiServer: OpenAIStandIn;
  let user: TestUser;

  beforeAll(async () => {
    ollama = await startOllamaStandIn({ models: ['llama3.2:latest'], tokensPerReply: 4 });
    openaiServer = await startOpenAIStandIn({
      apiKeys: [USER_KEY, PLATFORM_KEY],
      models: [INSTRUCT, 'gpt-4o'],
      tokensPerReply: 4,
    });
    platform = await startTestPlatform(engine, {
      services: ['identity', 'ai'],
      env: {
        OLLAMA_HOSTS: ollama.url,
        CALOS_OPENAI_URL: openaiServer.url,
        CALOS_OPENAI_API_KEY: PLATFORM_KEY,
        // 1 credit per prompt token and 2 per generated one, at most 10 generated per answer.
        CALOS_AI_PRICES: JSON.stringify({
          [INSTRUCT]: { prompt: 1000, completion: 2000, maxOutputTokens: 10 },
        }),
      },
    });
    user = await given(platform).user({ plan: 'enterprise' });
    await given(platform).apiKey(user, 'openai', USER_KEY);
  });
  afterAll(async () => {
    await platform.close();
    await Promise.all([ollama.close(), openaiServer.close()]);
  });

  const client = (as: TestUser = user, headers: Record<string, string> = {}) =>
    new OpenAI({
      apiKey: as.accessToken,
      baseURL: `${platform.url}/ai/v1`,
      maxRetries: 0,
      defaultHeaders: headers,
    });
  const lastCompletion = () => openaiServer.requests.filter((r) => r.path === '/v1/completions').at(-1);
  const usageLog = async (as: TestUser) =>
    (
      (await (await fetch(`${platform.url}/ai/api/usage`, { headers: as.headers })).json()) as {
        items: {
          endpoint: string;
          provider: string;
          byok: boolean;
          prompt_tokens: number;
          completion_tokens: number;
          credits: number;
        }[];
      }
    ).items;
  const balanceOf = async (as: TestUser) =>
    (
      await platform.app.inject({ method: 'GET', url: '/calos/api/credits/balance', headers: as.headers })
    ).json().balance as number;

  it("answers whole from OpenAI with the user's key, as OpenAI answered, logged as a BYOK call", async () => {
    const whole = await client().completions.create({
      model: INSTRUCT,
      prompt: 'write a soup recipe please',
      max_tokens: 3,
      echo: true,
      logit_bias: { '50256': -100 },
    });
    expect(whole).toMatchObject({ object: 'text_completion', model: INSTRUCT });
    expect(whole.id).toMatch(/^cmpl-/);
    expect(whole.choices).toEqual([
      { text: 'write a soup recipe pleasewrite a soup', index: 0, logprobs: null, finish_reason: 'length' },
    ]);
    expect(whole.usage).toEqual({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
    const sent = lastCompletion();
    expect(sent?.headers.authorization).toBe(`Bearer ${USER_KEY}`);
    // Every field as the caller sent it; the gateway sets only model, max_tokens and stream.
    expect(sent?.body).toEqual({
      model: INSTRUCT,
      prompt: 'write a soup recipe please',
      max_tokens: 3,
      echo: true,
      logit_bias: { '50256': -100 },
      stream: false,
    });
    expect((await usageLog(user))[0]).toMatchObject({
      endpoint: 'v1/completions',
      provider: 'openai',
      byok: true,
      prompt_tokens: 5,
      completion_tokens: 3,
      credits: 0,
    });
  });

  it('streams, asking OpenAI for usage always but showing it only to a caller who asked', async () => {
    const read = async (includeUsage: boolean) => {
      const stream = await client().completions.create({
        model: INSTRUCT,
        prompt: ['red soup', 'green soup'],
        n: 2,
        stream: true,
        ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
      });
      const texts = ['', '', '', ''];
      const finishes: string[] = [];
      const usages: unknown[] = [];
      for await (const chunk of stream) {
        for (const choice of chunk.choices) {
          texts[choice.index] += choice.text;
          if (choice.finish_reason) finishes.push(choice.finish_reason);
        }
        if ('usage' in chunk) usages.push(chunk.usage);
      }
      expect(texts).toEqual([
        'red soup red soup',
        'red soup red soup',
        'green soup green soup',
        'green soup green soup',
      ]);
      expect(finishes).toEqual(['stop', 'stop', 'stop', 'stop']);
      expect(lastCompletion()?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
      return usages;
    };
    expect(await read(false)).toEqual([]);
    const asked = await read(true);
    expect(asked.at(-1)).toEqual({ prompt_tokens: 4, completion_tokens: 16, total_tokens: 20 });
    const logged = (await usageLog(user)).slice(0, 2);
    expect(logged.map((row) => [row.endpoint, row.byok, row.prompt_tokens, row.completion_tokens])).toEqual([
      ['v1/completions', true, 4, 16],
      ['v1/completions', true, 4, 16],
    ]);
  });

  it("meters the platform's key as chat: held, sent with the output limit the hold covers, charged the counts", async () => {
    const payer = await given(platform).user({ plan: 'enterprise' });
    const before = await balanceOf(payer);
    const answer = await client(payer).completions.create({
      model: INSTRUCT,
      prompt: 'one two three',
      max_tokens: 50,
    });
    expect(answer.choices[0]?.text).toBe('one two three one');
    expect(lastCompletion()?.headers.authorization).toBe(`Bearer ${PLATFORM_KEY}`);
    // maxOutputTokens 10 caps what was asked.
    expect(lastCompletion()?.body).toMatchObject({ max_tokens: 10 });
    expect(await balanceOf(payer)).toBe(before - (3 + 4 * 2));
    expect((await usageLog(payer))[0]).toMatchObject({ byok: false, credits: 3 + 4 * 2 });
  });

  it('passes token-array prompts to OpenAI as sent, and refuses them for an Ollama model with a clear 400', async () => {
    const one = await client().completions.create({
      model: INSTRUCT,
      prompt: [1734, 2003, 318],
      max_tokens: 2,
    });
    expect(lastCompletion()?.body).toMatchObject({ prompt: [1734, 2003, 318] });
    expect(one.usage?.prompt_tokens).toBe(3);
    const several = await client().completions.create({
      model: INSTRUCT,
      prompt: [[1734, 2003], [318]],
      max_tokens: 2,
      stream: true,
    });
    const indexes = new Set<number>();
    for await (const chunk of several) for (const choice of chunk.choices) indexes.add(choice.index);
    expect(lastCompletion()?.body).toMatchObject({ prompt: [[1734, 2003], [318]] });
    expect([...indexes].sort()).toEqual([0, 1]);
    // Metered on the platform's key, the hold is sized from the ids themselves.
    const payer = await given(platform).user({ plan: 'enterprise' });
    const before = await balanceOf(payer);
    await client(payer).completions.create({ model: INSTRUCT, prompt: [5, 6, 7, 8], max_tokens: 1 });
    expect(await balanceOf(payer)).toBe(before - (4 + 1 * 2));

    for (const prompt of [
      [1734, 2003],
      [[1734], [2003]],
    ]) {
      const refused = await client()
        .completions.create({ model: 'llama3.2', prompt })
        .catch((error: unknown) => error as APIError);
      expect(refused).toMatchObject({ status: 400, code: 'TOKEN_INPUT_NOT_SUPPORTED', param: 'prompt' });
      expect((refused as APIError).error).toMatchObject({ type: 'invalid_request_error' });
    }
    expect(ollama.requests.filter((r) => r.path === '/api/generate')).toHaveLength(0);
    for (const prompt of [[1.5], [-1], [[1], 'two'], []]) {
      const bad = await client()
        .completions.create({ model: INSTRUCT, prompt: prompt as number[] })
        .catch((error: unknown) => error as APIError);
      expect(bad).toMatchObject({ status: 400, param: 'prompt' });
    }
  });

  it('passes on OpenAI refusing a chat model, and refuses without a key when fallback is off', async () => {
    const chat = await client()
      .completions.create({ model: 'gpt-4o', prompt: 'x' })
      .catch((error: unknown) => error as APIError);
    expect(chat).toMatchObject({
      status: 404,
      code: 'MODEL_NOT_FOUND',
      message: expect.stringContaining('This is a chat model'),
    });

    const free = await given(platform).user();
    const refused = await client(free, { 'x-calos-fallback': 'off' })
      .completions.create({ model: INSTRUCT, prompt: 'x' })
      .catch((error: unknown) => error as APIError);
    expect(refused).toMatchObject({ status: 403, code: 'PREMIUM_MODEL_NOT_IN_PLAN' });
  });
});

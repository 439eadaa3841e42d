// Keys and money in the gateway: bring-your-own keys reach each provider, a rejected key is
// named, metered calls cost exactly their tokens (streamed or not), and an empty balance stops
// a metered call before it starts.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnthropicStandIn, startAnthropicStandIn } from '../stand-ins/anthropic.ts';
import { type OllamaStandIn, startOllamaStandIn } from '../stand-ins/ollama.ts';
import { type OpenAIStandIn, startOpenAIStandIn } from '../stand-ins/openai.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const OPENAI_KEY = 'sk-test-openai-0123456789abcdef';
const ANTHROPIC_KEY = 'sk-ant-test-0123456789abcdef';
const DEEPSEEK_KEY = 'sk-deepseek-test-0123456789abcdef';

describe.each(testEngines())('keys and credits in the gateway on %s', (engine) => {
  let platform: TestPlatform;
  let ollama: OllamaStandIn;
  let openai: OpenAIStandIn;
  let anthropic: AnthropicStandIn;
  let deepseek: OpenAIStandIn;

  beforeAll(async () => {
    ollama = await startOllamaStandIn({ models: ['llama3.2:latest', 'priced:latest'], tokensPerReply: 8 });
    openai = await startOpenAIStandIn({ apiKeys: [OPENAI_KEY], models: ['gpt-4o'], tokensPerReply: 5 });
    anthropic = await startAnthropicStandIn({
      apiKeys: [ANTHROPIC_KEY],
      models: ['claude-3-5-sonnet-latest'],
      tokensPerReply: 5,
    });
    deepseek = await startOpenAIStandIn({
      apiKeys: [DEEPSEEK_KEY],
      models: ['deepseek-chat'],
      dialect: 'deepseek',
      tokensPerReply: 5,
    });
    platform = await startTestPlatform(engine, {
      services: ['identity', 'ai'],
      env: {
        OLLAMA_HOSTS: ollama.url,
        OLLAMA_HEALTH_INTERVAL_MS: '200',
        CALOS_OPENAI_URL: openai.url,
        CALOS_ANTHROPIC_URL: anthropic.url,
        CALOS_DEEPSEEK_URL: deepseek.url,
        // 1 credit per prompt token and 2 per generated token on the priced model.
        CALOS_AI_PRICES: JSON.stringify({
          'priced:latest': { prompt: 1000, completion: 2000, maxOutputTokens: 100 },
        }),
      },
    });
  });
  afterAll(async () => {
    await platform.close();
    await Promise.all([ollama.close(), openai.close(), anthropic.close(), deepseek.close()]);
  });

  const client = (user: TestUser) =>
    new OpenAI({ apiKey: user.accessToken, baseURL: `${platform.url}/ai/v1`, maxRetries: 0 });
  const balanceOf = async (user: TestUser) =>
    (
      await platform.app.inject({ method: 'GET', url: '/calos/api/credits/balance', headers: user.headers })
    ).json().balance as number;

  it.each([
    [
      'openai',
      'gpt-4o',
      OPENAI_KEY,
      () => openai,
      (h: Record<string, unknown>) => h.authorization === `Bearer ${OPENAI_KEY}`,
    ],
    [
      'anthropic',
      'claude-3-5-sonnet-latest',
      ANTHROPIC_KEY,
      () => anthropic,
      (h: Record<string, unknown>) => h['x-api-key'] === ANTHROPIC_KEY,
    ],
    [
      'deepseek',
      'deepseek-chat',
      DEEPSEEK_KEY,
      () => deepseek,
      (h: Record<string, unknown>) => h.authorization === `Bearer ${DEEPSEEK_KEY}`,
    ],
  ] as const)(
    'routes a %s model to that provider with the user’s own key, streamed and not',
    async (provider, model, key, standIn, carriesKey) => {
      const user = await given(platform).user();
      await given(platform).apiKey(user, provider, key);
      const before = standIn().requests.length;
      const whole = await client(user).chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'hello' }],
      });
      expect(whole.choices[0]?.message.content?.length).toBeGreaterThan(0);
      expect(whole.usage?.completion_tokens).toBe(5);
      const stream = await client(user).chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'hello stream' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text.length).toBeGreaterThan(0);
      const seen = standIn().requests.slice(before);
      expect(seen).toHaveLength(2);
      expect(seen.every((r) => carriesKey(r.headers as Record<string, unknown>))).toBe(true);
      // The user pays their provider: no credits spent.
      expect(await balanceOf(user)).toBe(1000);
    },
  );

  it('answers the Ollama-native front from a provider too, translating both ways', async () => {
    const user = await given(platform).user();
    await given(platform).apiKey(user, 'anthropic', ANTHROPIC_KEY);
    const response = await fetch(`${platform.url}/ai/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'claude-3-5-sonnet-latest',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      }),
    });
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({ done: true, eval_count: 5, model: 'claude-3-5-sonnet-latest' });
  });

  it('names the provider when it rejects the user’s key', async () => {
    const user = await given(platform).user();
    await given(platform).apiKey(user, 'openai', 'sk-this-key-was-revoked-0000');
    const error = await client(user)
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400 });
    expect((error as Error).message).toContain('OpenAI rejected your API key');
  });

  it('charges exactly the real token counts of a metered model, whole and streamed', async () => {
    const user = await given(platform).user();
    const whole = await client(user).chat.completions.create({
      model: 'priced',
      messages: [{ role: 'user', content: 'count my words' }],
    });
    const wholeCost = (whole.usage?.prompt_tokens ?? 0) * 1 + (whole.usage?.completion_tokens ?? 0) * 2;
    expect(wholeCost).toBeGreaterThan(0);
    expect(await balanceOf(user)).toBe(1000 - wholeCost);

    const stream = await client(user).chat.completions.create({
      model: 'priced',
      messages: [{ role: 'user', content: 'and now streamed please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: { prompt_tokens: number; completion_tokens: number } | null | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    const streamCost = (usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0) * 2;
    expect(await balanceOf(user)).toBe(1000 - wholeCost - streamCost);

    const ledger = await platform.app.inject({
      method: 'GET',
      url: '/calos/api/credits/ledger?limit=100',
      headers: user.headers,
    });
    const sum = (ledger.json().items as { amount: number }[]).reduce(
      (total, entry) => total + entry.amount,
      0,
    );
    expect(sum).toBe(await balanceOf(user));
    const usageLog = await fetch(`${platform.url}/ai/api/usage`, { headers: user.headers });
    const items = ((await usageLog.json()) as { items: { credits: number }[] }).items;
    expect(items.map((i) => i.credits)).toEqual([streamCost, wholeCost]);
  });

  it('refuses a metered call with 402 when the balance cannot cover it, spending nothing', async () => {
    const user = await given(platform).user();
    await platform.databases.get('identity').transaction(async (tx) => {
      await tx.query('UPDATE credits_balance SET balance = 0 WHERE user_id = $1', [user.userId]);
      await tx.query(
        "INSERT INTO credit_ledger (user_id, amount, kind, reason, balance_after) VALUES ($1, -1000, 'admin_grant', 'test: empty the balance', 0)",
        [user.userId],
      );
    });
    const chats = () => ollama.requests.filter((r) => r.path === '/api/chat').length;
    const before = chats();
    const error = await client(user)
      .chat.completions.create({ model: 'priced', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 402 });
    expect(chats()).toBe(before);
    // The free model still answers.
    const free = await client(user).chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(free.choices).toHaveLength(1);
  });

  it('keeps preferences per user and uses the preferred model when none is named', async () => {
    const user = await given(platform).user();
    const put = await fetch(`${platform.url}/ai/api/preferences`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model_preference: 'gpt-4o', fallback_model: 'priced' }),
    });
    expect(put.status).toBe(200);
    // Ollama's API names a model on every call, as Ollama does.
    const response = await fetch(`${platform.url}/ai/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: '', messages: [{ role: 'user', content: 'hi' }], stream: false }),
    });
    expect(response.status).toBe(400);
    // The OpenAI-compatible API takes none to mean the preferred one: gpt-4o, which without the
    // user's own OpenAI key falls back to their fallback model on Ollama.
    const unnamed = await fetch(`${platform.url}/ai/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(unnamed.headers.get('x-calos-fallback')).toContain('requested=gpt-4o');
    const ai = await fetch(`${platform.url}/ai/api/preferences`, { headers: user.headers });
    expect(await ai.json()).toEqual({ model_preference: 'gpt-4o', fallback_model: 'priced' });
    const bad = await fetch(`${platform.url}/ai/api/preferences`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model_preference: 'x'.repeat(500), fallback_model: 'llama3.2' }),
    });
    expect(bad.status).toBe(400);
  });
});

// The gateway's per-user limits come from the plans table: an operator's change (what
// `calos plans set` runs) applies to the next call of every token carrying that plan.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planCatalogOf } from '../../src/identity/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { type OllamaStandIn, startOllamaStandIn } from '../stand-ins/ollama.ts';
import { type OpenAIStandIn, startOpenAIStandIn } from '../stand-ins/openai.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe.each(testEngines())('AI limits from the plans table on %s', (engine) => {
  let platform: TestPlatform;
  let ollama: OllamaStandIn;
  let openai: OpenAIStandIn;
  let user: TestUser;
  const PLATFORM_KEY = 'sk-platform-plans-test';

  beforeAll(async () => {
    ollama = await startOllamaStandIn({ models: ['llama3.2:latest'], tokensPerReply: 3 });
    openai = await startOpenAIStandIn({ apiKeys: [PLATFORM_KEY], models: ['gpt-4o'], tokensPerReply: 3 });
    platform = await startTestPlatform(engine, {
      services: ['identity', 'ai'],
      env: { OLLAMA_HOSTS: ollama.url, CALOS_OPENAI_URL: openai.url, CALOS_OPENAI_API_KEY: PLATFORM_KEY },
    });
    user = await given(platform).user({ plan: 'pro' });
  });
  afterAll(async () => {
    await platform.close();
    await ollama.close();
    await openai.close();
  });

  const plans = () =>
    planCatalogOf({
      db: platform.databases.get('identity'),
      now: () => platform.clock.now(),
      logger: createLogger({ logLevel: 'silent' }),
    });
  const chat = (n: number) =>
    fetch(`${platform.url}/ai/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'llama3.2',
        messages: [{ role: 'user', content: `n${n}` }],
        stream: false,
      }),
    });

  it('refuses the call over the table’s per-minute limit, and lets it through once the limit is raised', async () => {
    await plans().update('pro', { aiPerMinute: 2 }, { operator: 'test' });
    expect((await chat(1)).status).toBe(200);
    expect((await chat(2)).status).toBe(200);
    const refused = await chat(3);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-calos-error-code')).toBe('AI_RATE_LIMITED');
    expect(JSON.stringify(await refused.json())).toContain('2 per minute');
    await plans().update('pro', { aiPerMinute: 5 }, { operator: 'test' });
    expect((await chat(4)).status).toBe(200);
  });

  it('keeps platform-paid premium models to plans that include them, as the table says now', async () => {
    const free = await given(platform).user();
    const premium = () =>
      fetch(`${platform.url}/ai/v1/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${free.accessToken}`,
          'content-type': 'application/json',
          'x-calos-fallback': 'off',
        },
        body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
      });
    const refused = await premium();
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-calos-error-code')).toBe('PREMIUM_MODEL_NOT_IN_PLAN');
    await plans().update('free', { premiumModels: true }, { operator: 'test' });
    try {
      // The same token: its plan code is unchanged, what the plan includes is not.
      const allowed = await premium();
      expect(allowed.status).toBe(200);
    } finally {
      await plans().update('free', { premiumModels: false }, { operator: 'test' });
    }
    expect((await premium()).status).toBe(403);
  });
});

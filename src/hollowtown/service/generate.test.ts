// The generation rules against a scripted gateway (the real one is exercised in
// routes/generate.test.ts): good answers, malformed ones, and the gateway's own errors.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import type { AiChatRequest, AiChatResult, AiClient } from '../../ai/client.ts';
import { AppError } from '../../platform/errors.ts';
import { createLogger } from '../../platform/logger.ts';
import type { HollowtownDeps } from '../deps.ts';
import { NO_LINKS } from '../links.ts';
import { goodAnswer } from '../testing/recipe-answers.ts';
import { checkAnswer, createGenerationService, GENERATED_RECIPE_SCHEMA, MAX_ATTEMPTS } from './generate.ts';

/** A gateway that answers from a script, recording what it was asked. */
function scriptedAi(...replies: (string | Error)[]) {
  const calls: AiChatRequest[] = [];
  const client: AiClient = {
    async chat(request) {
      calls.push(structuredClone({ ...request, signal: undefined }));
      const reply = replies.shift();
      if (reply === undefined) throw new Error('the script ran out');
      if (reply instanceof Error) throw reply;
      return {
        text: reply,
        model: 'llama3.2:latest',
        provider: 'ollama',
        fellBack: false,
        usage: { promptTokens: 10, completionTokens: 20, credits: 0 },
      } satisfies AiChatResult;
    },
    generate: () => Promise.reject(new Error('not used')),
  };
  return { client, calls };
}

describe('reading a model answer as a recipe', () => {
  it('accepts a recipe in the schema, also inside a Markdown fence, and ignores extra keys', () => {
    expect(checkAnswer(goodAnswer()).ok).toBe(true);
    expect(checkAnswer(`\`\`\`json\n${goodAnswer({ cuisine: 'american' })}\n\`\`\``).ok).toBe(true);
  });

  it('says what is wrong with a malformed answer', () => {
    expect(checkAnswer('{"recipe_name": "Half')).toEqual({ ok: false, problem: 'the answer is not JSON' });
    expect(checkAnswer(goodAnswer({ spookiness_level: 11 }))).toEqual({
      ok: false,
      problem: expect.stringContaining('spookiness_level'),
    });
    expect(checkAnswer(goodAnswer({ ingredients: [] })).ok).toBe(false);
    expect(checkAnswer(goodAnswer({ instructions: ['x'.repeat(2001)] })).ok).toBe(false);
    expect(checkAnswer(goodAnswer({ difficulty: 'spooky' })).ok).toBe(false);
    expect(checkAnswer(goodAnswer({ recipe_name: '   ' }))).toEqual({
      ok: false,
      problem: 'recipe_name is blank',
    });
    expect(checkAnswer('[]').ok).toBe(false);
  });

  it('hands the gateway a plain JSON schema that names every field', () => {
    expect(GENERATED_RECIPE_SCHEMA).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: expect.arrayContaining(['recipe_name', 'ingredients', 'instructions', 'spookiness_level']),
    });
    expect(JSON.stringify(GENERATED_RECIPE_SCHEMA)).not.toContain('~kind');
  });
});

describe.each(testEngines())('generating recipes with a scripted gateway on %s', (engine) => {
  let platform: TestPlatform;
  let deps: HollowtownDeps;
  const count = async (userId: string) =>
    (
      await platform.databases
        .get('hollowtown')
        .query<{ n: number }>('SELECT count(*)::int AS n FROM spooky_recipes WHERE user_id = $1', [userId])
    ).rows[0]?.n;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'hollowtown'] });
    deps = {
      db: platform.databases.get('hollowtown'),
      logger: createLogger({ logLevel: 'silent' }),
      clients: platform.clients,
      links: NO_LINKS,
      now: () => platform.clock.now(),
    };
  });
  afterAll(() => platform.close());

  it('stores a good answer for the user; what was asked wins over what the model said', async () => {
    const user = await given(platform).user();
    const ai = scriptedAi(goodAnswer());
    const recipe = await createGenerationService(deps, () => ai.client).generate(
      { userId: user.userId, plan: 'free' },
      { theme: 'a haunted pumpkin patch', difficulty: 'hard', serves: 4, dietary_tags: ['Vegan'] },
    );
    expect(recipe).toMatchObject({
      recipe_name: 'Pumpkin patch brownies',
      difficulty: 'hard',
      serves: 4,
      spookiness_level: 4,
      prep_time_minutes: 45,
      ingredients: [
        { name: 'dark chocolate', quantity: 200, unit: 'g', note: null },
        { name: 'candy pumpkins', quantity: 12, unit: 'piece', note: 'one per brownie' },
        { name: 'salt', quantity: null, unit: null, note: 'a pinch' },
      ],
      tags: ['vegan', 'chocolate', 'halloween'],
      is_published: false,
      is_mine: true,
      source: 'ai',
      ai_model: 'llama3.2:latest',
    });
    expect(await count(user.userId)).toBe(1);
    expect(ai.calls).toHaveLength(1);
    expect(ai.calls[0]).toMatchObject({
      userId: user.userId,
      plan: 'free',
      app: 'hollowtown',
      schema: GENERATED_RECIPE_SCHEMA,
    });
    const prompt = ai.calls[0]?.messages.at(-1)?.content ?? '';
    expect(prompt).toContain('a haunted pumpkin patch');
    expect(prompt).toContain('hard');
    expect(prompt).toContain('vegan');
  });

  it('asks again after a malformed answer, showing the model what was wrong', async () => {
    const user = await given(platform).user();
    const ai = scriptedAi('{"recipe_name": "Half a rec', goodAnswer({ recipe_name: 'Second try soup' }));
    const recipe = await createGenerationService(deps, () => ai.client).generate(
      { userId: user.userId, plan: 'pro' },
      { theme: 'soup' },
    );
    expect(recipe.recipe_name).toBe('Second try soup');
    expect(recipe.difficulty).toBe('easy');
    expect(ai.calls).toHaveLength(2);
    const retry = ai.calls[1]?.messages ?? [];
    expect(retry.at(-2)).toEqual({ role: 'assistant', content: '{"recipe_name": "Half a rec' });
    expect(retry.at(-1)?.content).toContain('the answer is not JSON');
    expect(await count(user.userId)).toBe(1);
  });

  it(`gives up after ${MAX_ATTEMPTS} malformed answers with 502 AI_ANSWER_INVALID and stores nothing`, async () => {
    const user = await given(platform).user();
    const ai = scriptedAi(
      'nope',
      goodAnswer({ spookiness_level: 0 }),
      goodAnswer({ ingredients: [] }),
      goodAnswer(),
    );
    const attempt = createGenerationService(deps, () => ai.client).generate(
      { userId: user.userId, plan: 'free' },
      { theme: 'bats' },
    );
    await expect(attempt).rejects.toMatchObject({
      status: 502,
      code: 'AI_ANSWER_INVALID',
      details: { attempts: MAX_ATTEMPTS, problem: expect.stringContaining('ingredients') },
    });
    expect(ai.calls).toHaveLength(MAX_ATTEMPTS);
    expect(await count(user.userId)).toBe(0);
  });

  it("passes the gateway's errors through unchanged and does not retry them", async () => {
    const user = await given(platform).user();
    const limited = new AppError(429, 'AI_RATE_LIMITED', 'Too many AI requests', { retryAfterSeconds: 30 });
    const ai = scriptedAi(limited, goodAnswer());
    const attempt = createGenerationService(deps, () => ai.client).generate(
      { userId: user.userId, plan: 'free' },
      { theme: 'bats' },
    );
    await expect(attempt).rejects.toBe(limited);
    expect(ai.calls).toHaveLength(1);

    const broke = new AppError(402, 'INSUFFICIENT_CREDITS', 'This needs 5 credits; the balance is 0');
    const poor = scriptedAi('not json', broke);
    await expect(
      createGenerationService(deps, () => poor.client).generate(
        { userId: user.userId, plan: 'free' },
        { theme: 'x' },
      ),
    ).rejects.toBe(broke);
    expect(await count(user.userId)).toBe(0);
  });

  it('for calos seed: discards an answer whose name is taken and asks for another, stores it published', async () => {
    const user = await given(platform).user();
    const ai = scriptedAi(
      goodAnswer({ recipe_name: 'Taken stew' }),
      goodAnswer({ recipe_name: 'Taken stew' }),
      goodAnswer({ recipe_name: ' Fresh stew ' }),
    );
    const asked: string[] = [];
    const recipe = await createGenerationService(deps, () => ai.client).generate(
      { userId: user.userId, plan: 'enterprise' },
      { theme: 'stew' },
      {
        publish: true,
        avoidNames: ['Taken stew', 'Old soup'],
        acceptName: (name) => {
          asked.push(name);
          return name !== 'Taken stew';
        },
      },
    );
    expect(recipe).toMatchObject({ recipe_name: 'Fresh stew', is_published: true, source: 'ai' });
    expect(asked).toEqual(['Taken stew', 'Taken stew', 'Fresh stew']);
    expect(ai.calls[0]?.messages.at(-1)?.content).toContain('none of these: Taken stew; Old soup');
    expect(ai.calls[1]?.messages.at(-1)?.content).toContain('There is already a recipe named "Taken stew"');
    expect(await count(user.userId)).toBe(1);

    const stubborn = scriptedAi(
      ...Array.from({ length: MAX_ATTEMPTS }, () => goodAnswer({ recipe_name: 'Taken stew' })),
    );
    await expect(
      createGenerationService(deps, () => stubborn.client).generate(
        { userId: user.userId, plan: 'enterprise' },
        { theme: 'stew' },
        { acceptName: (name) => name !== 'Taken stew' },
      ),
    ).rejects.toMatchObject({
      code: 'AI_ANSWER_INVALID',
      details: { problem: expect.stringContaining('exists already') },
    });
    expect(await count(user.userId)).toBe(1);
  });

  it('answers 503 AI_UNAVAILABLE over HTTP when no gateway runs in this process', async () => {
    const user = await given(platform).user();
    const response = await platform.app.inject({
      method: 'POST',
      url: '/hollowtown/api/recipes/generate',
      headers: user.headers,
      payload: { theme: 'bats' },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('AI_UNAVAILABLE');
    for (const payload of [
      {},
      { theme: ' ' },
      { theme: 'x'.repeat(201) },
      { theme: 'x', serves: 0 },
      { theme: 'x', extra: 1 },
    ]) {
      const invalid = await platform.app.inject({
        method: 'POST',
        url: '/hollowtown/api/recipes/generate',
        headers: user.headers,
        payload,
      });
      expect(invalid.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });
});

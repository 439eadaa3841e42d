import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import type { AiChatRequest, AiChatResult, AiClient } from '../../ai/client.ts';
import { AppError } from '../../platform/errors.ts';
import { DEFAULT_FETCH_LIMITS } from '../../platform/safe-fetch.ts';
import { createRecipesServices } from '../index.ts';
import { generatedAnswer as goodAnswer } from '../testing.ts';
import { checkAnswer, MAX_GENERATION_ATTEMPTS } from './generate.ts';

/** An AI client that answers from a script and records what it was asked. */
function scriptedAi(...replies: (string | Error)[]) {
  const requests: AiChatRequest[] = [];
  const client: AiClient = {
    async chat(request) {
      requests.push(structuredClone({ ...request, signal: undefined }));
      const reply = replies.shift();
      if (reply === undefined) throw new Error('no more scripted replies');
      if (reply instanceof Error) throw reply;
      return {
        text: reply,
        model: 'llama3.2:latest',
        provider: 'ollama',
        fellBack: false,
        usage: { promptTokens: 10, completionTokens: 20, credits: 2 },
      } satisfies AiChatResult;
    },
    generate: () => Promise.reject(new Error('not used')),
  };
  return { client, requests };
}

describe('checking an answer', () => {
  const good = JSON.stringify(goodAnswer);
  it('accepts a good one, also inside a code fence', () => {
    expect(checkAnswer(good, {})).toHaveProperty('answer');
    expect(checkAnswer(`\`\`\`json\n${good}\n\`\`\``, {})).toHaveProperty('answer');
  });

  it.each([
    ['not JSON', '{"recipe_name": "x"', 'not valid JSON'],
    ['the wrong shape', JSON.stringify({ ...goodAnswer, serves: 'two' }), 'schema'],
    ['no ingredients', JSON.stringify({ ...goodAnswer, ingredients: [] }), 'schema'],
    ['a blank step', JSON.stringify({ ...goodAnswer, instructions: ['  '] }), 'blank'],
  ])('refuses %s', (_case, text, problem) => {
    expect(checkAnswer(text, {})).toEqual({ problem: expect.stringContaining(problem) });
  });

  it('refuses what the user must avoid, listed or in an ingredient', () => {
    expect(checkAnswer(good, { avoid_allergens: ['Milk'] })).toEqual({
      problem: expect.stringContaining('milk'),
    });
    expect(checkAnswer(good, { avoid_allergens: ['pumpkins'] })).toEqual({
      problem: expect.stringContaining('pumpkins'),
    });
    expect(checkAnswer(good, { avoid_allergens: ['peanuts', 'rice flour'] })).toHaveProperty('answer');
    expect(checkAnswer(good, { max_total_minutes: 40 })).toEqual({
      problem: expect.stringContaining('40 minutes'),
    });
  });
});

describe.each(testEngines())('generating recipes on %s', (engine) => {
  let platform: TestPlatform;
  const user = { userId: '3f8a4c6e-1b2d-4e5f-8a9b-0c1d2e3f4a5b', plan: 'free' };
  const servicesWith = (ai: AiClient | undefined) =>
    createRecipesServices({
      db: platform.databases.get('recipes'),
      logger: platform.app.log as never,
      ai: () => ai,
      now: () => new Date(),
      importLimits: DEFAULT_FETCH_LIMITS,
      hollowtown: () => undefined,
      halloweenSeason: { from: '09-15', to: '11-02' },
      hollowtownRecipeUrl: (id) => `/hollowtown/r/${id}`,
    });
  const storedCount = async () =>
    (
      await platform.databases
        .get('recipes')
        .query<{ n: number }>('SELECT count(*)::int AS n FROM recipes WHERE user_id = $1', [user.userId])
    ).rows[0]?.n;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'recipes'] });
  });
  afterAll(() => platform.close());

  it('stores a good answer as the user’s private AI recipe, with what was asked for', async () => {
    const ai = scriptedAi(JSON.stringify(goodAnswer));
    const recipe = await servicesWith(ai.client).generation.generate(user, {
      theme: 'autumn comfort food',
      difficulty: 'easy',
      serves: 4,
      dietary_tags: ['Vegetarian'],
      avoid_allergens: ['peanuts'],
    });
    expect(recipe).toMatchObject({
      recipe_name: 'Pumpkin risotto',
      user_id: user.userId,
      difficulty: 'easy',
      serves: 4,
      cuisine: 'italian',
      source: 'ai',
      is_published: false,
      tags: ['vegetarian', 'risotto', 'autumn'],
      allergens: ['milk'],
      generation: { model: 'llama3.2:latest', provider: 'ollama', attempts: 1, credits: 2 },
    });
    // Scaled from the model's 2 servings to the 4 asked for.
    expect(recipe.ingredients.slice(0, 2)).toEqual([
      { name: 'arborio rice', quantity: 320, unit: 'g', note: null },
      { name: 'pumpkin', quantity: 600, unit: 'g', note: 'diced' },
    ]);
    const [request] = ai.requests;
    expect(request).toMatchObject({
      userId: user.userId,
      plan: 'free',
      app: 'recipes',
      schema: expect.any(Object),
    });
    const prompt = request?.messages.at(-1)?.content ?? '';
    for (const part of ['easy', 'autumn comfort food', 'serves 4', 'vegetarian', 'peanuts']) {
      expect(prompt).toContain(part);
    }
  });

  it('asks again after a malformed answer, saying what was wrong', async () => {
    const ai = scriptedAi('{"recipe_name": "Half a', JSON.stringify(goodAnswer));
    const recipe = await servicesWith(ai.client).generation.generate(user, { cuisine: 'Thai' });
    expect(recipe.generation).toMatchObject({ attempts: 2, credits: 4 });
    expect(recipe.cuisine).toBe('thai');
    const retry = ai.requests[1]?.messages ?? [];
    expect(retry.at(-2)).toEqual({ role: 'assistant', content: '{"recipe_name": "Half a' });
    expect(retry.at(-1)?.content).toContain('not valid JSON');
  });

  it('asks again when the answer contains what must be avoided', async () => {
    const ai = scriptedAi(
      JSON.stringify(goodAnswer),
      JSON.stringify({
        ...goodAnswer,
        allergens: [],
        ingredients: goodAnswer.ingredients.filter((i) => i.name !== 'parmesan'),
      }),
    );
    const recipe = await servicesWith(ai.client).generation.generate(user, {
      theme: 'risotto',
      avoid_allergens: ['milk', 'parmesan'],
    });
    expect(recipe.generation.attempts).toBe(2);
    expect(recipe.ingredients.map((i) => i.name)).not.toContain('parmesan');
  });

  it(`gives up after ${MAX_GENERATION_ATTEMPTS} unusable answers with 502 AI_ANSWER_INVALID, storing nothing`, async () => {
    const before = await storedCount();
    const ai = scriptedAi('nope', '{}', '[1, 2, 3]', JSON.stringify(goodAnswer));
    const error = await servicesWith(ai.client)
      .generation.generate(user, { theme: 'soup' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 502, code: 'AI_ANSWER_INVALID', details: { attempts: 3 } });
    expect(ai.requests).toHaveLength(MAX_GENERATION_ATTEMPTS);
    expect(await storedCount()).toBe(before);
  });

  it('passes the gateway’s errors through unchanged', async () => {
    const limited = new AppError(429, 'AI_RATE_LIMITED', 'Slow down', { retryAfterSeconds: 30 });
    const ai = scriptedAi(limited);
    await expect(servicesWith(ai.client).generation.generate(user, { theme: 'soup' })).rejects.toBe(limited);
    const broke = new AppError(402, 'INSUFFICIENT_CREDITS', 'No credits');
    await expect(
      servicesWith(scriptedAi('{', broke).client).generation.generate(user, { theme: 'x' }),
    ).rejects.toBe(broke);
  });

  it('needs a theme or a cuisine, and a gateway', async () => {
    await expect(
      servicesWith(scriptedAi().client).generation.generate(user, { theme: '  ' }),
    ).rejects.toMatchObject({
      status: 400,
    });
    await expect(servicesWith(undefined).generation.generate(user, { theme: 'soup' })).rejects.toMatchObject({
      status: 503,
      code: 'AI_UNAVAILABLE',
    });
  });
});

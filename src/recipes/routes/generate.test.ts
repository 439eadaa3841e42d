// AI generation end to end: HowToCookAtHome -> the AI gateway -> an Ollama stand-in.
import type { TestContext } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OllamaStandIn, startOllamaStandIn } from '../../../test/stand-ins/ollama.ts';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { MAX_GENERATION_ATTEMPTS } from '../service/generate.ts';
import { generatedAnswer } from '../testing.ts';

const answer = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ ...generatedAnswer, ...overrides });

describe.each(testEngines())('POST /recipes/api/recipes/generate through the gateway on %s', (engine) => {
  let standIn: OllamaStandIn;
  let platform: TestPlatform;
  let isGatewayReady = false;

  beforeAll(async () => {
    standIn = await startOllamaStandIn({ models: ['llama3.2:latest', 'mistral:latest'] });
    platform = await startTestPlatform(engine, {
      services: ['identity', 'ai', 'recipes'],
      env: { OLLAMA_HOSTS: standIn.url, OLLAMA_HEALTH_INTERVAL_MS: '200' },
    });
    isGatewayReady = platform.clients.has('ai');
  });
  afterAll(async () => {
    await platform?.close();
    await standIn?.close();
  });

  /** Until the gateway registers its client, these tests cannot run (they are reported as skipped). */
  const needsGateway = (context: TestContext) => {
    if (!isGatewayReady) context.skip('the AI gateway does not register its client yet');
  };
  const generate = (user: TestUser, payload: Record<string, unknown> = { theme: 'autumn comfort food' }) =>
    platform.app.inject({
      method: 'POST',
      url: '/recipes/api/recipes/generate',
      headers: user.headers,
      payload,
    });
  const chatRequests = () =>
    standIn.requests.filter((r) => r.path === '/api/chat' || r.path === '/api/generate');
  const stored = async (userId: string) =>
    (
      await platform.databases
        .get('recipes')
        .query<{ recipe_name: string; source: string }>(
          'SELECT recipe_name, source FROM recipes WHERE user_id = $1 ORDER BY created_at',
          [userId],
        )
    ).rows;

  it('stores a good answer as the user’s private recipe (201)', async (context) => {
    needsGateway(context);
    const user = await given(platform).user();
    const before = chatRequests().length;
    standIn.script(answer());
    const response = await generate(user, {
      theme: 'autumn comfort food',
      cuisine: 'Italian',
      serves: 4,
      dietary_tags: ['vegetarian'],
      avoid_allergens: ['peanuts'],
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      recipe_name: 'Pumpkin risotto',
      cuisine: 'italian',
      serves: 4,
      source: 'ai',
      is_published: false,
      is_mine: true,
      generation: { model: expect.stringContaining('llama3.2'), provider: 'ollama', attempts: 1 },
    });
    expect(response.json().tags).toContain('vegetarian');
    expect(response.json().ingredients[0]).toEqual({
      name: 'arborio rice',
      quantity: 320,
      unit: 'g',
      note: null,
    });
    const { generation: _generation, ...recipe } = response.json();
    const read = await platform.app.inject({
      method: 'GET',
      url: `/recipes/api/recipes/${recipe.recipe_id}`,
      headers: user.headers,
    });
    expect(read.json()).toEqual({
      ...recipe,
      my_rating: null,
      is_favourite: false,
      scaled_from_serves: null,
    });
    const sent = chatRequests().slice(before);
    expect(sent).toHaveLength(1);
    // Structured output: the recipe schema reaches the model, with the request in the prompt.
    expect(JSON.stringify(sent[0]?.body)).toContain('prep_time_minutes');
    expect(JSON.stringify(sent[0]?.body)).toContain('peanuts');
  });

  it('asks again after a malformed answer and stores the good one', async (context) => {
    needsGateway(context);
    const user = await given(platform).user();
    const before = chatRequests().length;
    standIn.script('{"recipe_name": "Half a rec', answer({ recipe_name: 'Second try soup' }));
    const response = await generate(user);
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ recipe_name: 'Second try soup', generation: { attempts: 2 } });
    expect(chatRequests().length - before).toBe(2);
    expect(await stored(user.userId)).toEqual([{ recipe_name: 'Second try soup', source: 'ai' }]);
  });

  it(`answers 502 AI_ANSWER_INVALID after ${MAX_GENERATION_ATTEMPTS} malformed answers and stores nothing`, async (context) => {
    needsGateway(context);
    const user = await given(platform).user();
    const before = chatRequests().length;
    standIn.script('not json', answer({ serves: 0 }), '{"recipe_name": ""}');
    const response = await generate(user);
    expect(response.statusCode, response.body).toBe(502);
    expect(response.json().error).toMatchObject({
      code: 'AI_ANSWER_INVALID',
      details: { attempts: MAX_GENERATION_ATTEMPTS },
    });
    expect(chatRequests().length - before).toBe(MAX_GENERATION_ATTEMPTS);
    expect(await stored(user.userId)).toEqual([]);
  });

  it('asks the model the person picked', async (context) => {
    needsGateway(context);
    const user = await given(platform).user();
    standIn.script(answer());
    const response = await generate(user, { theme: 'autumn comfort food', model: 'mistral' });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().generation).toMatchObject({
      model: expect.stringContaining('mistral'),
      provider: 'ollama',
    });
    expect(chatRequests().at(-1)?.body).toMatchObject({ model: 'mistral:latest' });
  });

  it('refuses a request without a theme or cuisine before asking the AI', async () => {
    const user = await given(platform).user();
    const before = chatRequests().length;
    for (const payload of [
      {},
      { theme: '  ' },
      { theme: 'x'.repeat(201) },
      { theme: 'soup', serves: 0 },
      { theme: 'soup', spicy: true },
      { theme: 'soup', model: '' },
      { theme: 'soup', model: 'gpt 4o' },
      { theme: 'soup', model: 'x'.repeat(201) },
    ]) {
      expect((await generate(user, payload)).statusCode).toBe(400);
    }
    expect(chatRequests().length).toBe(before);
  });

  it("spends the user's AI rate limit on every attempt, and passes the gateway's 429 through", async (context) => {
    needsGateway(context);
    const user = await given(platform).user(); // free plan: 10 AI requests a minute
    standIn.script('bad', 'bad', 'bad');
    expect((await generate(user)).statusCode).toBe(502); // three requests
    for (let i = 0; i < 7; i++) {
      standIn.script(answer({ recipe_name: `Stew ${i}` }));
      expect((await generate(user)).statusCode).toBe(201);
    }
    const before = chatRequests().length;
    const limited = await generate(user);
    expect(limited.statusCode, limited.body).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(chatRequests().length).toBe(before);
    expect(await stored(user.userId)).toHaveLength(7);
  });
});

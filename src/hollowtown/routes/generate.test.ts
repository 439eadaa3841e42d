// AI generation end to end: Hollowtown -> the AI gateway -> an Ollama stand-in.
import type { TestContext } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OllamaStandIn, startOllamaStandIn } from '../../../test/stand-ins/ollama.ts';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { openEventStream } from '../../../test/support/sse.ts';
import { MAX_ATTEMPTS } from '../service/generate.ts';
import { goodAnswer } from '../testing/recipe-answers.ts';

describe.each(testEngines())('POST /api/recipes/generate through the gateway on %s', (engine) => {
  let standIn: OllamaStandIn;
  let platform: TestPlatform;
  let isGatewayReady = false;

  beforeAll(async () => {
    standIn = await startOllamaStandIn({ models: ['llama3.2:latest', 'mistral:latest'] });
    platform = await startTestPlatform(engine, {
      services: ['identity', 'ai', 'hollowtown'],
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

  const generate = (
    user: TestUser,
    payload: Record<string, unknown> = { theme: 'a haunted pumpkin patch' },
  ) =>
    platform.app.inject({
      method: 'POST',
      url: '/hollowtown/api/recipes/generate',
      headers: user.headers,
      payload,
    });

  /** The same request asking for server-sent events, read over a real connection. */
  const watch = (user: TestUser, payload: Record<string, unknown> = { theme: 'a haunted pumpkin patch' }) =>
    openEventStream(`${platform.url}/hollowtown/api/recipes/generate`, user.headers, {
      method: 'POST',
      body: payload,
    });

  const chatRequests = () =>
    standIn.requests.filter((r) => r.path === '/api/chat' || r.path === '/api/generate');

  const stored = async (userId: string) =>
    (
      await platform.databases
        .get('hollowtown')
        .query<{ recipe_name: string; source: string }>(
          'SELECT recipe_name, source FROM spooky_recipes WHERE user_id = $1',
          [userId],
        )
    ).rows;

  it('stores a good answer as the user’s private recipe (201)', async (context) => {
    needsGateway(context);
    const user = await given(platform).user();
    const before = chatRequests().length;
    standIn.script(goodAnswer());
    const response = await generate(user, {
      theme: 'a haunted pumpkin patch',
      serves: 6,
      dietary_tags: ['vegan'],
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      recipe_name: 'Pumpkin patch brownies',
      serves: 6,
      source: 'ai',
      is_published: false,
      is_mine: true,
      ai_model: expect.stringContaining('llama3.2'),
    });
    expect(response.json().tags).toContain('vegan');
    const read = await platform.app.inject({
      method: 'GET',
      url: `/hollowtown/api/recipes/spooky/${response.json().recipe_id}`,
      headers: user.headers,
    });
    expect(read.json()).toEqual(response.json());
    const sent = chatRequests().slice(before);
    expect(sent).toHaveLength(1);
    // Structured output: the recipe schema reaches the model.
    expect(JSON.stringify(sent[0]?.body)).toContain('spookiness_level');
  });

  it('asks the model the person picked, else their preferred one, and refuses a malformed model name', async (context) => {
    needsGateway(context);
    const user = await given(platform).user();
    const before = chatRequests().length;
    for (const model of ['', 'llama 3', '../etc', '-rf', 'x'.repeat(201), 42]) {
      const refused = await generate(user, { theme: 'bats', model });
      expect(refused.statusCode, JSON.stringify(model)).toBe(400);
      expect(refused.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect(chatRequests().length).toBe(before);

    standIn.script(goodAnswer());
    const picked = await generate(user, { theme: 'bats', model: 'mistral' });
    expect(picked.statusCode, picked.body).toBe(201);
    expect(picked.json().ai_model).toContain('mistral');
    expect(chatRequests().at(-1)?.body).toMatchObject({ model: 'mistral:latest' });

    // Without a pick, the preference set in the account answers.
    const preferred = await platform.app.inject({
      method: 'PUT',
      url: '/ai/api/preferences',
      headers: user.headers,
      payload: { model_preference: 'mistral', fallback_model: 'llama3.2' },
    });
    expect(preferred.statusCode, preferred.body).toBe(200);
    standIn.script(goodAnswer({ recipe_name: 'Bat wing soup' }));
    const byDefault = await generate(user, { theme: 'bats' });
    expect(byDefault.statusCode, byDefault.body).toBe(201);
    expect(byDefault.json().ai_model).toContain('mistral');
    standIn.script(goodAnswer({ recipe_name: 'Bat wing stew' }));
    const overridden = await generate(user, { theme: 'bats', model: 'llama3.2' });
    expect(overridden.json().ai_model).toContain('llama3.2');
  });

  it('asks again after a malformed answer and stores the good one', async (context) => {
    needsGateway(context);
    const user = await given(platform).user();
    const before = chatRequests().length;
    standIn.script('{"recipe_name": "Half a rec', goodAnswer({ recipe_name: 'Second try soup' }));
    const response = await generate(user);
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().recipe_name).toBe('Second try soup');
    expect(chatRequests().length - before).toBe(2);
    expect(await stored(user.userId)).toEqual([{ recipe_name: 'Second try soup', source: 'ai' }]);
  });

  it('streams the recipe as the model writes it, then the stored recipe', async (context) => {
    needsGateway(context);
    const user = await given(platform).user();
    const answer = goodAnswer({ recipe_name: 'Watched witch broth' });
    standIn.script(answer);
    const stream = await watch(user);
    expect(stream.status).toBe(200);
    const recipe = await stream.waitFor((e) => e.event === 'recipe', 15_000);
    stream.close();

    const names = stream.events.map((e) => e.event);
    expect(names[0]).toBe('attempt');
    expect(stream.events[0]?.data).toEqual({ attempt: 1, of: MAX_ATTEMPTS });
    const pieces = stream.events.filter((e) => e.event === 'text');
    // Piece by piece, before the recipe: the model's JSON, whole once joined.
    expect(pieces.length).toBeGreaterThan(1);
    expect(names.lastIndexOf('text')).toBeLessThan(names.indexOf('recipe'));
    expect(pieces.map((e) => (e.data as { delta: string }).delta).join('')).toBe(answer);
    expect(recipe.data).toMatchObject({ recipe_name: 'Watched witch broth', source: 'ai', is_mine: true });
    expect(await stored(user.userId)).toEqual([{ recipe_name: 'Watched witch broth', source: 'ai' }]);
    // Streamed upstream too: the model's words were not collected first.
    expect((chatRequests().at(-1)?.body as { stream?: boolean } | undefined)?.stream).toBe(true);
  });

  it('streams a malformed answer, says why it asks again, then streams the good one', async (context) => {
    needsGateway(context);
    const user = await given(platform).user();
    standIn.script('{"recipe_name": "Half a rec', goodAnswer({ recipe_name: 'Second stream soup' }));
    const stream = await watch(user);
    const recipe = await stream.waitFor((e) => e.event === 'recipe', 15_000);
    stream.close();
    const attempts = stream.events.filter((e) => e.event === 'attempt').map((e) => e.data);
    expect(attempts).toEqual([
      { attempt: 1, of: MAX_ATTEMPTS },
      { attempt: 2, of: MAX_ATTEMPTS, reason: 'the answer is not JSON' },
    ]);
    expect(recipe.data).toMatchObject({ recipe_name: 'Second stream soup' });
  });

  it('ends a stream with an error event when every answer is malformed, and stores nothing', async (context) => {
    needsGateway(context);
    const user = await given(platform).user();
    standIn.script('not json', 'still not json', '{"recipe_name": ""}');
    const stream = await watch(user);
    const failed = await stream.waitFor((e) => e.event === 'error', 15_000);
    stream.close();
    expect(failed.data).toMatchObject({ status: 502, error: { code: 'AI_ANSWER_INVALID' } });
    expect(stream.events.some((e) => e.event === 'recipe')).toBe(false);
    expect(await stored(user.userId)).toEqual([]);
  });

  it('stops the model and stores nothing when the watcher leaves mid-stream', async (context) => {
    needsGateway(context);
    const user = await given(platform).user();
    standIn.setOptions({ chunkDelayMs: 100 });
    try {
      standIn.script(goodAnswer({ recipe_name: 'Abandoned stew' }));
      const stream = await watch(user);
      await stream.waitFor((e) => e.event === 'text', 15_000);
      const upstream = chatRequests().at(-1);
      stream.close();
      const deadline = Date.now() + 10_000;
      while (upstream?.outcome === 'pending' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(upstream?.outcome).toBe('client-closed');
      expect(await stored(user.userId)).toEqual([]);
    } finally {
      standIn.setOptions({ chunkDelayMs: 0 });
    }
  });

  it(`answers 502 AI_ANSWER_INVALID after ${MAX_ATTEMPTS} malformed answers and stores nothing`, async (context) => {
    needsGateway(context);
    const user = await given(platform).user();
    const before = chatRequests().length;
    standIn.script('not json', goodAnswer({ spookiness_level: 99 }), '{"recipe_name": ""}');
    const response = await generate(user);
    expect(response.statusCode, response.body).toBe(502);
    expect(response.json().error).toMatchObject({
      code: 'AI_ANSWER_INVALID',
      details: { attempts: MAX_ATTEMPTS },
    });
    expect(chatRequests().length - before).toBe(MAX_ATTEMPTS);
    expect(await stored(user.userId)).toEqual([]);
  });

  it('stores nothing for a caller who signed out while the model was writing, and ends their stream', async (context) => {
    needsGateway(context);
    const user = await given(platform).user();
    standIn.setOptions({ chunkDelayMs: 40 });
    try {
      standIn.script(goodAnswer({ recipe_name: 'Written for nobody' }));
      const pending = generate(user);
      // The model is writing when the session ends.
      const deadline = performance.now() + 10_000;
      while (!standIn.requests.some((r) => r.outcome === 'pending' && r.path === '/api/chat')) {
        if (performance.now() > deadline) throw new Error('the model was never asked');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const out = await platform.app.inject({
        method: 'POST',
        url: '/calos/api/auth/logout',
        headers: user.headers,
      });
      expect(out.statusCode).toBe(204);
      const answer = await pending;
      expect(answer.statusCode).toBe(401);
      expect(answer.json().error.code).toBe('SESSION_ENDED');
      expect(await stored(user.userId)).toEqual([]);

      const other = await given(platform).user();
      standIn.script(goodAnswer({ recipe_name: 'Watched by nobody' }));
      const stream = await watch(other);
      await stream.waitFor((e) => e.event === 'text');
      await platform.app.inject({ method: 'POST', url: '/calos/api/auth/logout', headers: other.headers });
      const end = await stream.waitFor((e) => e.event === 'end');
      expect(end.data).toEqual({ reason: 'session_ended' });
      await stream.ended;
      expect(await stored(other.userId)).toEqual([]);
    } finally {
      standIn.setOptions({ chunkDelayMs: 0 });
    }
  });

  it("spends the user's AI rate limit on every attempt, and passes the gateway's 429 through", async (context) => {
    needsGateway(context);
    const user = await given(platform).user(); // free plan: 10 AI requests a minute
    standIn.script('bad', 'bad', 'bad');
    expect((await generate(user)).statusCode).toBe(502); // three requests
    for (let i = 0; i < 7; i++) {
      standIn.script(goodAnswer({ recipe_name: `Brew ${i}` }));
      expect((await generate(user)).statusCode).toBe(201);
    }
    const before = chatRequests().length;
    const limited = await generate(user);
    expect(limited.statusCode, limited.body).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(chatRequests().length).toBe(before);
    expect(await stored(user.userId)).toHaveLength(7);

    // Streamed, a refusal before the model wrote anything is still an ordinary HTTP answer.
    const streamed = await watch(user);
    expect(streamed.status).toBe(429);
    expect(streamed.errorBody).toMatchObject({ error: { code: 'AI_RATE_LIMITED' } });
  });
});

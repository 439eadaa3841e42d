// Stored responses of the Responses API through the gateway, with the official `openai` client
// and the OpenAI Agents SDK: store by default, previous_response_id (a tool loop included),
// retrieve, delete and input_items, per user, store: false, the chain and size caps, 30 days'
// retention by housekeeping on the clock, account deletion and the data export.
import { Agent, OpenAIProvider, Runner, tool } from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_CHAIN_LENGTH, RESPONSE_RETENTION_MS } from '../../src/ai/gateway/stored-responses.ts';
import type { IdentityClient } from '../../src/identity/client.ts';
import { createIdentityHousekeeping } from '../../src/identity/service/housekeeping.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { type OllamaStandIn, startOllamaStandIn } from '../stand-ins/ollama.ts';
import { type OpenAIStandIn, startOpenAIStandIn } from '../stand-ins/openai.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const OPENAI_KEY = 'sk-test-openai-0123456789abcdef';
type APIError = InstanceType<typeof OpenAI.APIError>;

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
  strict: true,
};

describe.each(testEngines())(
  'stored responses (previous_response_id) through the gateway on %s',
  (engine) => {
    let platform: TestPlatform;
    let ollama: OllamaStandIn;
    let openaiServer: OpenAIStandIn;
    let alice: TestUser;
    let bob: TestUser;

    beforeAll(async () => {
      ollama = await startOllamaStandIn({ models: ['llama3.2:latest'], tokensPerReply: 4 });
      openaiServer = await startOpenAIStandIn({
        apiKeys: [OPENAI_KEY],
        models: ['gpt-4o'],
        tokensPerReply: 4,
      });
      platform = await startTestPlatform(engine, {
        services: ['identity', 'ai'],
        env: { OLLAMA_HOSTS: ollama.url, CALOS_OPENAI_URL: openaiServer.url },
      });
      alice = await given(platform).user({ plan: 'enterprise' });
      bob = await given(platform).user({ plan: 'enterprise' });
      await given(platform).apiKey(alice, 'openai', OPENAI_KEY);
    });
    afterAll(async () => {
      await platform.close();
      await Promise.all([ollama.close(), openaiServer.close()]);
    });

    const client = (as: TestUser = alice) =>
      new OpenAI({ apiKey: as.accessToken, baseURL: `${platform.url}/ai/v1`, maxRetries: 0 });
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => error as APIError,
      );
    const signedIn = async (user: TestUser) => {
      const login = await platform.app.inject({
        method: 'POST',
        url: '/calos/api/auth/login',
        payload: { login: user.username, password: user.password },
      });
      const token = (login.json() as { access_token: string }).access_token;
      return new OpenAI({ apiKey: token, baseURL: `${platform.url}/ai/v1`, maxRetries: 0 });
    };
    const storedRows = async (userId: string) =>
      (
        await platform.databases
          .get('identity')
          .query<{ response_id: string }>('SELECT response_id FROM ai_stored_responses WHERE user_id = $1', [
            userId,
          ])
      ).rows.map((r) => r.response_id);
    const lastChat = (server: OllamaStandIn | OpenAIStandIn, path: string) =>
      server.requests.filter((r) => r.path === path).at(-1)?.body as
        | { messages: { role: string; content: unknown; tool_calls?: unknown[] }[] }
        | undefined;

    it('refuses a caller whose AI limit is spent before reading the chain previous_response_id names', async () => {
      const carol = await given(platform).user(); // free: 10 AI calls a minute
      const openai = client(carol);
      const unknown = { model: 'llama3.2', input: 'more', previous_response_id: 'resp_0123456789abcdef' };
      // Under the limit the chain is looked up (and is not there)...
      expect(await failure(openai.responses.create(unknown))).toMatchObject({ status: 404 });
      for (let i = 0; i < 10; i++)
        await openai.responses.create({ model: 'llama3.2', input: 'hi', store: false });
      // ...once the minute is spent, the answer is the limit's, and no chain is read for it.
      expect(await failure(openai.responses.create(unknown))).toMatchObject({
        status: 429,
        code: 'AI_RATE_LIMITED',
      });
      // item_reference items are looked up only after the same check.
      const referencing = { model: 'llama3.2', input: [{ type: 'item_reference' as const, id: 'msg_x' }] };
      expect(await failure(openai.responses.create(referencing))).toMatchObject({ status: 429 });
      // Both refusals are in the usage log, as a refusal when the call is admitted is.
      const usage = await fetch(`${platform.url}/ai/api/usage?limit=100`, {
        headers: { authorization: `Bearer ${carol.accessToken}` },
      });
      const items = (
        (await usage.json()) as { items: { endpoint: string; model: string; outcome: string }[] }
      ).items;
      const refusal = { endpoint: 'v1/responses', model: 'llama3.2:latest', error_code: 'AI_RATE_LIMITED' };
      expect(items.filter((i) => i.outcome === 'rate_limited')).toEqual([
        expect.objectContaining(refusal),
        expect.objectContaining(refusal),
      ]);
    });

    it("takes item_reference input items from its own stored responses; another user's id is 404", async () => {
      const openai = client();
      const made = await openai.responses.create({ model: 'llama3.2', input: 'soup of the day' });
      const [asked] = (await openai.responses.inputItems.list(made.id)).data;
      const answer = made.output[0];
      if (!asked || !answer) throw new Error('no items');
      const continued = await openai.responses.create({
        model: 'llama3.2',
        input: [
          { type: 'item_reference', id: asked.id },
          { type: 'item_reference', id: answer.id as string },
          { role: 'user', content: 'and bread' },
        ],
      });
      expect(continued.status).toBe('completed');
      expect(lastChat(ollama, '/api/chat')?.messages.map((m) => [m.role, m.content])).toEqual([
        ['user', 'soup of the day'],
        ['assistant', made.output_text],
        ['user', 'and bread'],
      ]);
      // The stored input holds the items themselves, so they can be referenced again.
      const kept = (await openai.responses.inputItems.list(continued.id, { order: 'asc' })).data;
      expect(kept.slice(0, 2).map((item) => item.id)).toEqual([asked.id, answer.id]);

      const asBob = await failure(
        client(bob).responses.create({
          model: 'llama3.2',
          input: [{ type: 'item_reference', id: asked.id }],
        }),
      );
      expect(asBob).toMatchObject({ status: 404, code: 'ITEM_NOT_FOUND', param: 'input[0]' });
      expect(asBob?.error).toMatchObject({
        message: expect.stringContaining(asked.id),
        type: 'not_found_error',
      });
      const tooMany = await failure(
        openai.responses.create({
          model: 'llama3.2',
          input: Array.from({ length: 257 }, () => ({ type: 'item_reference' as const, id: asked.id })),
        }),
      );
      expect(tooMany).toMatchObject({ status: 400, param: 'input' });
      // Gone with the response that held it.
      await openai.responses.delete(continued.id);
      await openai.responses.delete(made.id);
      expect(
        await failure(
          openai.responses.create({ model: 'llama3.2', input: [{ type: 'item_reference', id: asked.id }] }),
        ),
      ).toMatchObject({ status: 404, code: 'ITEM_NOT_FOUND' });
    });

    it.each([
      ['llama3.2', '/api/chat'],
      ['gpt-4o', '/v1/chat/completions'],
    ])(
      'continues a stored %s response with previous_response_id, whole and streamed',
      async (model, path) => {
        const server = model === 'gpt-4o' ? openaiServer : ollama;
        const openai = client();
        const first = await openai.responses.create({
          model,
          instructions: 'be brief',
          input: 'tell me about soup',
        });
        expect(first).toMatchObject({ store: true });
        expect(first.previous_response_id).toBeNull();

        const second = await openai.responses.create({
          model,
          previous_response_id: first.id,
          input: 'and bread please',
        });
        expect(second.previous_response_id).toBe(first.id);
        expect(second.output_text).toBe('and bread please and');
        // The earlier input and output come first; the earlier instructions do not carry over.
        expect(lastChat(server, path)?.messages.map((m) => [m.role, m.content])).toEqual([
          ['user', 'tell me about soup'],
          ['assistant', first.output_text],
          ['user', 'and bread please'],
        ]);

        const streamed = await openai.responses
          .stream({ model, previous_response_id: second.id, input: 'now cheese' })
          .finalResponse();
        expect(streamed.previous_response_id).toBe(second.id);
        expect(lastChat(server, path)?.messages.map((m) => m.content)).toEqual([
          'tell me about soup',
          first.output_text,
          'and bread please',
          second.output_text,
          'now cheese',
        ]);
        // The streamed response was stored before response.completed reached the client.
        const kept = await openai.responses.retrieve(streamed.id);
        expect(kept).toMatchObject({ id: streamed.id, status: 'completed', previous_response_id: second.id });
        expect(kept.output_text).toBe(streamed.output_text);
      },
    );

    it.each([
      ['llama3.2', undefined],
      ['gpt-4o', [weatherTool]],
    ])(
      'replays a stored %s response with retrieve(id, {stream: true}): the same events and sequence numbers',
      async (model, tools) => {
        const openai = client();
        const input = tools ? 'what about get_weather in Oslo' : 'tell me about soup';
        const live: { type: string; sequence_number: number }[] = [];
        for await (const event of await openai.responses.create({
          model,
          input,
          ...(tools ? { tools } : {}),
          stream: true,
        }))
          live.push(event);
        const done = live.at(-1) as unknown as { type: string; response: { id: string } };
        expect(done.type).toBe('response.completed');
        const id = done.response.id;

        const replay = async (query: { starting_after?: number } = {}) => {
          const events: unknown[] = [];
          for await (const event of await openai.responses.retrieve(id, { stream: true, ...query }))
            events.push(event);
          return events;
        };
        const replayed = await replay();
        // Several deltas, each as it was sent, ids and all.
        expect(live.filter((e) => e.type.endsWith('.delta')).length).toBeGreaterThan(1);
        expect(replayed).toEqual(live);
        expect(live.map((e) => e.sequence_number)).toEqual(live.map((_, i) => i));
        expect(await replay({ starting_after: 3 })).toEqual(live.slice(4));
        expect(await replay({ starting_after: live.length + 5 })).toEqual([]);

        // Answered whole, it replays as one delta per item, ending with the stored response.
        const whole = await openai.responses.create({ model, input, ...(tools ? { tools } : {}) });
        const events: unknown[] = [];
        for await (const event of await openai.responses.retrieve(whole.id, { stream: true }))
          events.push(event);
        expect(events.at(-1)).toMatchObject({ type: 'response.completed', response: { id: whole.id } });
        // (The SDK adds output_text to what retrieve answers.)
        const { output_text: _text, ...retrieved } = await openai.responses.retrieve(whole.id);
        expect((events.at(-1) as { response: unknown }).response).toEqual(retrieved);
        const deltas = events.filter((e) => (e as { type: string }).type.endsWith('.delta')) as {
          delta: string;
        }[];
        expect(deltas.map((e) => e.delta).join('')).toBe(
          whole.output
            .map((item) =>
              item.type === 'message'
                ? item.content.map((part) => (part.type === 'output_text' ? part.text : '')).join('')
                : item.type === 'function_call'
                  ? item.arguments
                  : '',
            )
            .join(''),
        );
        // Another user's id: OpenAI's 404, streamed or not.
        expect(await failure(client(bob).responses.retrieve(id, { stream: true }))).toMatchObject({
          status: 404,
          code: 'RESPONSE_NOT_FOUND',
        });
      },
    );

    it('runs a tool loop with only previous_response_id and function_call_output items', async () => {
      const openai = client();
      const called = await openai.responses.create({
        model: 'gpt-4o',
        input: 'what about get_weather in Oslo',
        tools: [weatherTool],
      });
      const call = called.output.find((item) => item.type === 'function_call');
      if (call?.type !== 'function_call') throw new Error('no function call');
      const answered = await openai.responses.create({
        model: 'gpt-4o',
        previous_response_id: called.id,
        input: [{ type: 'function_call_output', call_id: call.call_id, output: 'snowy minus four' }],
        tools: [weatherTool],
      });
      expect(answered.output_text).toContain('snowy');
      const sent = lastChat(openaiServer, '/v1/chat/completions');
      expect(sent?.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
      expect(sent?.messages[1]?.tool_calls).toEqual([
        expect.objectContaining({
          id: call.call_id,
          function: { name: 'get_weather', arguments: call.arguments },
        }),
      ]);
    });

    it('retrieves, lists input items of, and deletes only its own responses; another user sees 404', async () => {
      const openai = client();
      const made = await openai.responses.create({
        model: 'llama3.2',
        input: [
          { role: 'user', content: 'first soup' },
          { role: 'assistant', content: 'noted' },
          { role: 'user', content: 'second soup' },
        ],
      });
      const retrieved = await openai.responses.retrieve(made.id);
      expect(retrieved).toMatchObject({ id: made.id, object: 'response', store: true, output: made.output });

      const items = await openai.responses.inputItems.list(made.id, { order: 'asc' });
      expect(items.data.map((item) => item.type === 'message' && item.content)).toEqual([
        [{ type: 'input_text', text: 'first soup' }],
        [{ type: 'output_text', text: 'noted' }],
        [{ type: 'input_text', text: 'second soup' }],
      ]);
      const newestFirst = await openai.responses.inputItems.list(made.id, { limit: 2 });
      expect(newestFirst.data).toHaveLength(2);
      expect(newestFirst.has_more).toBe(true);
      expect(newestFirst.data[0]?.id).toBe(items.data[2]?.id);

      // Bob cannot read, list, delete or continue it: OpenAI's 404, as for an id that never was.
      const asBob = client(bob);
      for (const attempt of [
        () => asBob.responses.retrieve(made.id),
        () => asBob.responses.inputItems.list(made.id),
        () => asBob.responses.delete(made.id),
        () => asBob.responses.create({ model: 'llama3.2', previous_response_id: made.id, input: 'mine now' }),
      ]) {
        const error = await failure(attempt());
        expect(error).toMatchObject({ status: 404, code: 'RESPONSE_NOT_FOUND' });
        expect(error?.error).toMatchObject({
          message: expect.stringContaining(made.id),
          type: 'not_found_error',
        });
      }
      expect(await storedRows(bob.userId)).toEqual([]);

      await openai.responses.delete(made.id);
      expect(await failure(openai.responses.retrieve(made.id))).toMatchObject({ status: 404 });
      expect(await failure(openai.responses.delete(made.id))).toMatchObject({ status: 404 });
      const continued = await failure(
        openai.responses.create({ model: 'llama3.2', previous_response_id: made.id, input: 'more' }),
      );
      expect(continued).toMatchObject({
        status: 404,
        code: 'RESPONSE_NOT_FOUND',
        param: 'previous_response_id',
      });
    });

    it('stores nothing with store: false, and such a response cannot be continued', async () => {
      const before = await storedRows(alice.userId);
      const unstored = await client().responses.create({
        model: 'llama3.2',
        input: 'forget me',
        store: false,
      });
      expect(unstored).toMatchObject({ store: false });
      const streamed = await client()
        .responses.stream({ model: 'llama3.2', input: 'forget me too', store: false })
        .finalResponse();
      expect(streamed).toMatchObject({ store: false });
      expect(await storedRows(alice.userId)).toEqual(before);
      expect(await failure(client().responses.retrieve(unstored.id))).toMatchObject({ status: 404 });
    });

    it('refuses to store a chain longer than the cap, and a response too large to keep', async () => {
      const openai = client();
      const root = await openai.responses.create({ model: 'llama3.2', input: 'a long chain' });
      // The rest of a chain of the cap's length, written as the gateway writes each link.
      await platform.databases.get('identity').query(
        `INSERT INTO ai_stored_responses (response_id, user_id, previous_response_id, depth, chain_bytes, input_items,
         response, size_bytes, created_at, expires_at)
       SELECT root.response_id || '_' || n, root.user_id,
              CASE WHEN n = 2 THEN root.response_id ELSE root.response_id || '_' || (n - 1) END,
              n, root.chain_bytes * n, root.input_items, root.response, root.size_bytes, root.created_at, root.expires_at
         FROM ai_stored_responses root, generate_series(2, $2::int) AS n
        WHERE root.response_id = $1`,
        [root.id, MAX_CHAIN_LENGTH],
      );
      const last = `${root.id}_${MAX_CHAIN_LENGTH}`;
      const tooLong = await failure(
        openai.responses.create({ model: 'llama3.2', previous_response_id: last, input: 'one more' }),
      );
      expect(tooLong).toMatchObject({
        status: 400,
        code: 'RESPONSE_CHAIN_TOO_LONG',
        param: 'previous_response_id',
      });
      // Unstored, the whole chain still answers: every link's input and output, then the new input.
      const unstored = await openai.responses.create({
        model: 'llama3.2',
        previous_response_id: last,
        input: 'one more',
        store: false,
      });
      expect(unstored).toMatchObject({ status: 'completed', store: false, previous_response_id: last });
      expect(lastChat(ollama, '/api/chat')?.messages).toHaveLength(2 * MAX_CHAIN_LENGTH + 1);

      const big = 'soup '.repeat(500_000);
      const tooLarge = await failure(openai.responses.create({ model: 'llama3.2', input: big }));
      expect(tooLarge).toMatchObject({ status: 400, code: 'RESPONSE_TOO_LARGE_TO_STORE', param: 'store' });
    });

    it('runs an OpenAI Agents SDK agent with previousResponseId, streamed and not', async () => {
      const seen: string[] = [];
      const getWeather = tool({
        name: 'get_weather',
        description: 'The weather in a city',
        parameters: z.object({ city: z.string() }),
        execute: async ({ city }) => {
          seen.push(city);
          return `sunny in ${city}`;
        },
      });
      const runner = new Runner({
        modelProvider: new OpenAIProvider({
          apiKey: alice.accessToken,
          baseURL: `${platform.url}/ai/v1`,
          useResponses: true,
        }),
        tracingDisabled: true,
      });
      for (const model of ['llama3.2', 'gpt-4o']) {
        const agent = new Agent({ name: 'Weather', model, tools: [getWeather] });
        const opening = await runner.run(agent, 'remember the soup');
        expect(opening.lastResponseId).toMatch(/^resp_/);
        const server = model === 'gpt-4o' ? openaiServer : ollama;
        const path = model === 'gpt-4o' ? '/v1/chat/completions' : '/api/chat';
        const sentBefore = server.requests.filter((r) => r.path === path).length;
        const result = await runner.run(agent, 'what about get_weather today', {
          previousResponseId: opening.lastResponseId,
        });
        expect(result.finalOutput).toContain('sunny in what');
        // The opening run reached the model only through previous_response_id: the SDK sends a run's own items.
        const turns = server.requests.filter((r) => r.path === path).slice(sentBefore);
        expect(turns).toHaveLength(2);
        const roles = (turns[1]?.body as { messages?: { role: string }[] } | undefined)?.messages?.map(
          (m) => m.role,
        );
        // The opening run's own tool call and its output are part of the chain too.
        expect(roles).toEqual(['user', 'assistant', 'tool', 'assistant', 'user', 'assistant', 'tool']);

        const streamed = await runner.run(agent, 'get_weather in Bergen', {
          previousResponseId: result.lastResponseId,
          stream: true,
        });
        for await (const _event of streamed) {
          // Drained for the run to finish.
        }
        await streamed.completed;
        expect(streamed.finalOutput).toContain('sunny in get_weather');
      }
      expect(seen).toEqual(['remember', 'what', 'get_weather', 'remember', 'what', 'get_weather']);
    });

    it('exports stored responses with the account data and deletes them with the account', async () => {
      const carol = await given(platform).user({ plan: 'enterprise' });
      const made = await client(carol).responses.create({ model: 'llama3.2', input: 'carol soup' });
      const identity = platform.clients.get<IdentityClient>('identity');
      const page = await identity.dataExport.page(carol.userId, 'ai_stored_responses', null, 10);
      expect(page.next).toBeNull();
      expect(page.items).toEqual([
        expect.objectContaining({
          response_id: made.id,
          input_items: [expect.objectContaining({ role: 'user' })],
          response: expect.objectContaining({ output: made.output }),
        }),
      ]);
      // Stored responses may be large: a page holds at most 8 of them, however many are asked.
      for (let i = 0; i < 8; i += 1)
        await client(carol).responses.create({ model: 'llama3.2', input: `carol soup ${i}` });
      const first = await identity.dataExport.page(carol.userId, 'ai_stored_responses', null, 500);
      expect(first.items).toHaveLength(8);
      const rest = await identity.dataExport.page(carol.userId, 'ai_stored_responses', first.next, 500);
      expect(rest).toMatchObject({ items: [expect.anything()], next: null });

      const deleted = await platform.app.inject({
        method: 'DELETE',
        url: '/calos/api/account',
        headers: carol.headers,
        payload: { password: carol.password },
      });
      expect(deleted.statusCode).toBe(204);
      expect(await storedRows(carol.userId)).toEqual([]);
    });

    // Last: it moves the platform's clock a month on.
    it('keeps responses 30 days by the clock: housekeeping deletes them after, and a chain past that is gone', async () => {
      let openai = client();
      const old = await openai.responses.create({ model: 'llama3.2', input: 'an old soup' });
      const housekeeping = createIdentityHousekeeping(
        {
          db: platform.databases.get('identity'),
          logger: createLogger({ logLevel: 'silent' }),
          now: () => platform.clock.now(),
        },
        { refund: async () => ({}) as never },
      );
      const task = 'expired stored AI responses deleted';
      platform.clock.advance(RESPONSE_RETENTION_MS - 60_000);
      expect((await housekeeping.runOnce())[task]).toBe(0);
      // A month on, the access token has expired: sign in again.
      openai = await signedIn(alice);
      expect((await openai.responses.retrieve(old.id)).id).toBe(old.id);
      const child = await openai.responses.create({
        model: 'llama3.2',
        previous_response_id: old.id,
        input: 'still',
      });

      platform.clock.advance(2 * 60_000);
      // Expired is gone at once, also before housekeeping has run; the child's chain is broken.
      expect(await failure(openai.responses.retrieve(old.id))).toMatchObject({ status: 404 });
      expect(
        await failure(
          openai.responses.create({ model: 'llama3.2', previous_response_id: child.id, input: 'x' }),
        ),
      ).toMatchObject({ status: 404, code: 'RESPONSE_NOT_FOUND', message: expect.stringContaining(old.id) });
      expect((await housekeeping.runOnce())[task]).toBeGreaterThanOrEqual(1);
      expect(await storedRows(alice.userId)).not.toContain(old.id);
      expect(await storedRows(alice.userId)).toContain(child.id);
    });
  },
);

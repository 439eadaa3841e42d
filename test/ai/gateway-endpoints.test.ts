// The rest of both wire formats through the gateway, as integrators call them: embeddings
// (OpenAI /v1/embeddings, Ollama /api/embed and the legacy /api/embeddings, LangChain's
// embeddings classes), Ollama /api/show, /api/generate passed through with every field, OpenAI's
// legacy /v1/completions and the Responses API (with the OpenAI Agents SDK) — each with the
// official clients, metered and logged as chat is.
import { OllamaEmbeddings, Ollama as OllamaLLM } from '@langchain/ollama';
import { ChatOpenAI, OpenAIEmbeddings, OpenAI as OpenAILLM } from '@langchain/openai';
import { Agent, OpenAIProvider, Runner, tool } from '@openai/agents';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type OllamaStandIn, startOllamaStandIn } from '../stand-ins/ollama.ts';
import { type OpenAIStandIn, startOpenAIStandIn } from '../stand-ins/openai.ts';
import { embedText } from '../stand-ins/vectors.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const OPENAI_KEY = 'sk-test-openai-0123456789abcdef';
const EMBED = 'nomic-embed-text:latest';
const PIXEL =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

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

describe.each(testEngines())('the other endpoints of both formats through the gateway on %s', (engine) => {
  let platform: TestPlatform;
  let ollama: OllamaStandIn;
  let openaiServer: OpenAIStandIn;
  let user: TestUser;

  beforeAll(async () => {
    ollama = await startOllamaStandIn({
      models: ['llama3.2:latest', EMBED, 'priced:latest', 'qwen2.5-coder:latest', 'qwen3:latest'],
      tokensPerReply: 4,
    });
    openaiServer = await startOpenAIStandIn({
      apiKeys: [OPENAI_KEY],
      models: ['gpt-4o', 'text-embedding-3-small'],
      tokensPerReply: 4,
    });
    platform = await startTestPlatform(engine, {
      services: ['identity', 'ai'],
      env: {
        OLLAMA_HOSTS: ollama.url,
        // A stream broken on purpose must not rest the only instance.
        OLLAMA_COOLDOWN_MS: '0',
        CALOS_OPENAI_URL: openaiServer.url,
        // 1 credit per input token of the embedding model; 1 per prompt and 2 per generated token of 'priced'.
        CALOS_AI_PRICES: JSON.stringify({
          'nomic-embed-text*': { prompt: 1000 },
          'priced:latest': { prompt: 1000, completion: 2000, maxOutputTokens: 50 },
        }),
      },
    });
    // The enterprise plan's 600 calls a minute cover every test of the file.
    user = await given(platform).user({ plan: 'enterprise' });
    await given(platform).apiKey(user, 'openai', OPENAI_KEY);
  });
  afterAll(async () => {
    await platform.close();
    await Promise.all([ollama.close(), openaiServer.close()]);
  });

  const openaiClient = (as: TestUser = user) =>
    new OpenAI({ apiKey: as.accessToken, baseURL: `${platform.url}/ai/v1`, maxRetries: 0 });
  const ollamaClient = (as: TestUser = user) =>
    new Ollama({ host: `${platform.url}/ai`, headers: { authorization: `Bearer ${as.accessToken}` } });
  const lastRequest = (server: OllamaStandIn | OpenAIStandIn, path: string) =>
    server.requests.filter((r) => r.path === path).at(-1);
  const balanceOf = async (as: TestUser) =>
    (
      await platform.app.inject({ method: 'GET', url: '/calos/api/credits/balance', headers: as.headers })
    ).json().balance as number;
  const usageLog = async (as: TestUser) =>
    (
      (await (await fetch(`${platform.url}/ai/api/usage`, { headers: as.headers })).json()) as {
        items: { endpoint: string; credits: number; prompt_tokens?: number; outcome: string }[];
      }
    ).items;

  describe('embeddings', () => {
    it('answers the openai client from the pool (base64 by default, float when asked), metered per input token', async () => {
      const payer = await given(platform).user({ plan: 'enterprise' });
      const before = await balanceOf(payer);
      const openai = openaiClient(payer);
      // The client asks for base64 and decodes it into floats itself.
      const decoded = await openai.embeddings.create({
        model: 'nomic-embed-text',
        input: ['red soup', 'a b c'],
      });
      expect(decoded.object).toBe('list');
      expect(decoded.data.map((d) => d.index)).toEqual([0, 1]);
      expect(decoded.data[0]?.embedding).toEqual(embedText(EMBED, 'red soup'));
      expect(decoded.data[1]?.embedding).toEqual(embedText(EMBED, 'a b c'));
      expect(decoded.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
      expect(lastRequest(ollama, '/api/embed')?.body).toEqual({ model: EMBED, input: ['red soup', 'a b c'] });

      const floats = await openai.embeddings.create({
        model: 'nomic-embed-text',
        input: 'one two three',
        encoding_format: 'float',
        dimensions: 4,
      });
      expect(floats.data[0]?.embedding).toEqual(embedText(EMBED, 'one two three', 4));

      // 5 + 3 input tokens at 1 credit each; nothing generated.
      expect(await balanceOf(payer)).toBe(before - 8);
      const logged = (await usageLog(payer)).filter((i) => i.endpoint === 'v1/embeddings');
      expect(logged.map((i) => i.credits).sort()).toEqual([3, 5]);
    });

    it("goes to OpenAI with the user's key for an OpenAI model, and refuses without a key", async () => {
      const before = await balanceOf(user);
      const answer = await openaiClient().embeddings.create({
        model: 'text-embedding-3-small',
        input: 'green soup',
        dimensions: 8,
      });
      expect(answer.data[0]?.embedding).toEqual(embedText('text-embedding-3-small', 'green soup', 8));
      expect(answer.usage.prompt_tokens).toBe(2);
      const sent = lastRequest(openaiServer, '/v1/embeddings');
      expect(sent?.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
      expect(sent?.body).toMatchObject({
        model: 'text-embedding-3-small',
        input: 'green soup',
        dimensions: 8,
      });
      // The user pays OpenAI: no credits.
      expect(await balanceOf(user)).toBe(before);

      const keyless = await given(platform).user({ plan: 'enterprise' });
      const refused = await openaiClient(keyless)
        .embeddings.create({ model: 'text-embedding-3-small', input: 'x' })
        .catch((error: unknown) => error as InstanceType<typeof OpenAI.APIError>);
      expect(refused).toBeInstanceOf(OpenAI.APIError);
      expect(refused).toMatchObject({ status: 402, code: 'PROVIDER_KEY_REQUIRED' });
    });

    it('refuses bad input in OpenAI shape before any model runs', async () => {
      const embedCalls = () => ollama.requests.filter((r) => r.path === '/api/embed').length;
      const count = embedCalls();
      for (const input of ['', [], [''], [1, 'a']] as unknown[]) {
        const refused = await openaiClient()
          .embeddings.create({ model: 'nomic-embed-text', input: input as string })
          .catch((error: unknown) => error as InstanceType<typeof OpenAI.APIError>);
        expect(refused).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', param: 'input' });
      }
      const tokens = await openaiClient()
        .embeddings.create({ model: 'nomic-embed-text', input: [[1, 2, 3]] })
        .catch((error: unknown) => error as InstanceType<typeof OpenAI.APIError>);
      expect(tokens).toMatchObject({ status: 400, code: 'TOKEN_INPUT_NOT_SUPPORTED' });
      expect(embedCalls()).toBe(count);
    });

    it("answers the ollama client's embed and the legacy embeddings (prompt → embedding)", async () => {
      const client = ollamaClient();
      const embedded = await client.embed({ model: 'nomic-embed-text', input: ['x y', 'z'] });
      expect(embedded.embeddings).toEqual([embedText(EMBED, 'x y'), embedText(EMBED, 'z')]);
      const legacy = await client.embeddings({ model: 'nomic-embed-text', prompt: 'old style' });
      expect(legacy.embedding).toEqual(embedText(EMBED, 'old style'));
      expect(lastRequest(ollama, '/api/embeddings')?.body).toEqual({ model: EMBED, prompt: 'old style' });
      const logged = (await usageLog(user)).filter((i) => i.endpoint === 'api/embeddings');
      expect(logged).toHaveLength(1);
      // Ollama gives no count here: estimated from the prompt's 9 characters.
      expect(logged[0]?.credits).toBe(3);

      const missing = await client
        .embeddings({ model: 'no-such-model', prompt: 'x' })
        .catch((e: unknown) => e);
      expect(missing).toMatchObject({ status_code: 404 });
    });

    it("works with LangChain's OllamaEmbeddings and OpenAIEmbeddings", async () => {
      const viaOllama = new OllamaEmbeddings({
        model: 'nomic-embed-text',
        baseUrl: `${platform.url}/ai`,
        headers: { authorization: `Bearer ${user.accessToken}` },
      });
      expect(await viaOllama.embedQuery('soup')).toEqual(embedText(EMBED, 'soup'));
      expect(await viaOllama.embedDocuments(['a', 'b'])).toEqual([
        embedText(EMBED, 'a'),
        embedText(EMBED, 'b'),
      ]);

      const viaOpenAI = new OpenAIEmbeddings({
        model: 'nomic-embed-text',
        apiKey: user.accessToken,
        configuration: { baseURL: `${platform.url}/ai/v1` },
        maxRetries: 0,
      });
      expect(await viaOpenAI.embedQuery('soup')).toEqual(embedText(EMBED, 'soup'));
      expect(await viaOpenAI.embedDocuments(['c', 'd'])).toEqual([
        embedText(EMBED, 'c'),
        embedText(EMBED, 'd'),
      ]);
    });
  });

  it('forwards /api/show to an instance that has the model, and 404s one that none has', async () => {
    const shown = await ollamaClient().show({ model: 'llama3.2' });
    expect(shown.capabilities).toEqual(['completion', 'tools']);
    expect(shown.details.family).toBe('llama');
    expect((shown.model_info as unknown as Record<string, unknown>)['llama.context_length']).toBe(131_072);
    expect(lastRequest(ollama, '/api/show')?.body).toEqual({ model: 'llama3.2:latest' });
    const embedding = await ollamaClient().show({ model: EMBED });
    expect(embedding.capabilities).toEqual(['embedding']);
    const missing = await ollamaClient()
      .show({ model: 'no-such-model' })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ status_code: 404 });
  });

  describe('/api/generate passthrough', () => {
    it('reaches Ollama with every field as sent, and answers as Ollama does (context included)', async () => {
      const request = {
        model: 'qwen2.5-coder',
        prompt: 'def soup(',
        suffix: '  return bowl',
        system: 'you write code',
        template: '{{ .System }} {{ .Prompt }}',
        context: [1, 2, 3],
        images: [PIXEL],
        raw: false,
        format: 'json',
        think: false,
        keep_alive: '10m',
        options: { num_ctx: 8192, temperature: 0.2, top_k: 20 },
      };
      const whole = await ollamaClient().generate({ ...request, stream: false });
      expect(lastRequest(ollama, '/api/generate')?.body).toEqual({
        ...request,
        model: 'qwen2.5-coder:latest',
        stream: false,
      });
      expect(whole.done).toBe(true);
      // Only Ollama's own answer carries context: proof that it was not translated.
      expect(whole.context.length).toBeGreaterThan(0);
      expect(whole.prompt_eval_count).toBe(5);

      const parts: string[] = [];
      let last: Awaited<ReturnType<Ollama['generate']>> | undefined;
      for await (const part of await ollamaClient().generate({
        model: 'llama3.2',
        prompt: 'a b c d e',
        stream: true,
      })) {
        parts.push(part.response ?? '');
        last = part;
      }
      expect(parts.join('')).toBe('a b c d');
      expect(last).toMatchObject({ done: true, done_reason: 'stop', eval_count: 4, prompt_eval_count: 5 });
      expect(last?.context?.length).toBeGreaterThan(0);

      // Ollama's own refusal comes back in its words: llama3.2 cannot fill in the middle.
      await expect(
        ollamaClient().generate({ model: 'llama3.2', prompt: 'x', suffix: 'y', stream: false }),
      ).rejects.toMatchObject({
        status_code: 400,
        error: expect.stringContaining('does not support insert'),
      });

      const raw = await ollamaClient().generate({
        model: 'llama3.2',
        prompt: '[INST] hi [/INST]',
        raw: true,
        stream: false,
      });
      expect(raw.context).toBeUndefined();
      const logged = (await usageLog(user)).filter((i) => i.endpoint === 'api/generate');
      expect(logged.length).toBeGreaterThanOrEqual(3);
    });

    it('charges a priced model exactly its final counts, with the hold as num_predict', async () => {
      const payer = await given(platform).user({ plan: 'enterprise' });
      const before = await balanceOf(payer);
      let last: { prompt_eval_count?: number; eval_count?: number } = {};
      for await (const part of await ollamaClient(payer).generate({
        model: 'priced',
        prompt: 'one two three',
        options: { num_ctx: 4096 },
        stream: true,
      }))
        last = part;
      expect(lastRequest(ollama, '/api/generate')?.body).toMatchObject({
        options: { num_ctx: 4096, num_predict: 50 },
      });
      expect(last).toMatchObject({ prompt_eval_count: 3, eval_count: 4 });
      expect(await balanceOf(payer)).toBe(before - (3 + 4 * 2));
    });

    it('has settled a streamed chat when its final object arrives (the balance read then is paid)', async () => {
      const payer = await given(platform).user({ plan: 'enterprise' });
      const before = await balanceOf(payer);
      let charged: number | undefined;
      let expected: number | undefined;
      for await (const part of await ollamaClient(payer).chat({
        model: 'priced',
        messages: [{ role: 'user', content: 'one two three' }],
        stream: true,
      })) {
        if (!part.done) continue;
        expected = part.prompt_eval_count + part.eval_count * 2;
        charged = before - (await balanceOf(payer));
      }
      expect(expected).toBeGreaterThan(0);
      expect(charged).toBe(expected);
    });

    it("answers LangChain's Ollama LLM, whole and streamed", async () => {
      const llm = new OllamaLLM({
        model: 'llama3.2',
        baseUrl: `${platform.url}/ai`,
        headers: { authorization: `Bearer ${user.accessToken}` },
        numCtx: 4096,
      });
      expect(await llm.invoke('lang chain soup now')).toBe('lang chain soup now');
      expect(lastRequest(ollama, '/api/generate')?.body).toMatchObject({
        model: 'llama3.2:latest',
        prompt: 'lang chain soup now',
        options: { num_ctx: 4096 },
      });
      let streamed = '';
      for await (const piece of await llm.stream('stream lang chain soup')) streamed += piece;
      expect(streamed).toBe('stream lang chain soup');
    });

    it('keeps think, keep_alive and options on /api/chat', async () => {
      await ollamaClient().chat({
        model: 'qwen3',
        messages: [{ role: 'user', content: 'hi' }],
        think: true,
        keep_alive: 0,
        options: { num_ctx: 2048, mirostat: 1 },
        stream: false,
      });
      expect(lastRequest(ollama, '/api/chat')?.body).toMatchObject({
        think: true,
        keep_alive: 0,
        options: { num_ctx: 2048, mirostat: 1 },
      });
    });
  });

  describe('/v1/completions', () => {
    it('answers the openai client whole and streamed, on Ollama generate, with suffix and max_tokens', async () => {
      const openai = openaiClient();
      const whole = await openai.completions.create({
        model: 'qwen2.5-coder',
        prompt: 'write a soup recipe please',
        suffix: 'enjoy',
        max_tokens: 3,
      });
      expect(whole.object).toBe('text_completion');
      expect(whole.id).toMatch(/^cmpl-/);
      expect(whole.choices).toEqual([
        { text: 'write a soup', index: 0, logprobs: null, finish_reason: 'length' },
      ]);
      expect(whole.usage).toEqual({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
      expect(lastRequest(ollama, '/api/generate')?.body).toEqual({
        model: 'qwen2.5-coder:latest',
        prompt: 'write a soup recipe please',
        suffix: 'enjoy',
        stream: false,
        options: { num_predict: 3 },
      });

      const stream = await openai.completions.create({
        model: 'llama3.2',
        prompt: ['red soup', 'green soup'],
        stream: true,
        stream_options: { include_usage: true },
        temperature: 0.5,
      });
      const texts = ['', ''];
      const finishes: (string | null)[] = [];
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        for (const choice of chunk.choices) {
          texts[choice.index] += choice.text;
          if (choice.finish_reason) finishes.push(choice.finish_reason);
        }
        if (chunk.usage) usage = chunk.usage;
      }
      expect(texts).toEqual(['red soup red soup', 'green soup green soup']);
      expect(finishes).toEqual(['stop', 'stop']);
      expect(usage).toEqual({ prompt_tokens: 4, completion_tokens: 8, total_tokens: 12 });
      // OpenAI's default output limit of 16 reaches Ollama as num_predict.
      expect(lastRequest(ollama, '/api/generate')?.body).toMatchObject({
        options: { num_predict: 16, temperature: 0.5 },
      });
      expect(
        (await usageLog(user)).filter((i) => i.endpoint === 'v1/completions').length,
      ).toBeGreaterThanOrEqual(3);
    });

    it("answers LangChain's OpenAI LLM (completions), whole and streamed", async () => {
      const llm = new OpenAILLM({
        model: 'llama3.2',
        apiKey: user.accessToken,
        configuration: { baseURL: `${platform.url}/ai/v1` },
        maxTokens: 3,
        maxRetries: 0,
      });
      expect(await llm.invoke('old school soup please')).toBe('old school soup');
      let streamed = '';
      for await (const piece of await llm.stream('streamed old soup')) streamed += piece;
      expect(streamed).toBe('streamed old soup');
      expect(lastRequest(ollama, '/api/generate')?.body).toMatchObject({ options: { num_predict: 3 } });
    });

    it("passes on OpenAI's refusal of a chat model, and refuses bad input in OpenAI shape", async () => {
      // An OpenAI model goes to OpenAI's /v1/completions (gateway-openai-completions.test.ts),
      // which serves completion models only.
      const provider = await openaiClient()
        .completions.create({ model: 'gpt-4o', prompt: 'x' })
        .catch((error: unknown) => error as InstanceType<typeof OpenAI.APIError>);
      expect(provider).toMatchObject({ status: 404, code: 'MODEL_NOT_FOUND' });
      const tooMany = await openaiClient()
        .completions.create({ model: 'llama3.2', prompt: ['a', 'b', 'c'], n: 3 })
        .catch((error: unknown) => error as InstanceType<typeof OpenAI.APIError>);
      expect(tooMany).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    });
  });

  describe('/v1/responses', () => {
    it.each(['llama3.2', 'gpt-4o'])('answers responses.create for %s, whole and streamed', async (model) => {
      const openai = openaiClient();
      const whole = await openai.responses.create({
        model,
        instructions: 'be brief',
        input: 'tell me about soup',
      });
      expect(whole.object).toBe('response');
      expect(whole.id).toMatch(/^resp_/);
      expect(whole.status).toBe('completed');
      expect(whole.output_text).toBe('tell me about soup');
      expect(whole.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
      expect(whole.usage).toMatchObject({ input_tokens: 6, output_tokens: 4, total_tokens: 10 });
      const upstreamPath = model === 'gpt-4o' ? '/v1/chat/completions' : '/api/chat';
      const server = model === 'gpt-4o' ? openaiServer : ollama;
      expect(
        (lastRequest(server, upstreamPath)?.body as { messages?: unknown[] } | undefined)?.messages,
      ).toEqual([
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'tell me about soup' },
      ]);

      const types: string[] = [];
      let deltas = '';
      const stream = await openai.responses.create({
        model,
        input: [{ role: 'user', content: [{ type: 'input_text', text: 'stream the soup now' }] }],
        stream: true,
      });
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === 'response.output_text.delta') deltas += event.delta;
      }
      expect(deltas).toBe('stream the soup now');
      expect(types[0]).toBe('response.created');
      expect(types.at(-1)).toBe('response.completed');
      expect(types).toEqual(
        expect.arrayContaining([
          'response.in_progress',
          'response.output_item.added',
          'response.content_part.added',
          'response.output_text.delta',
          'response.output_text.done',
          'response.content_part.done',
          'response.output_item.done',
        ]),
      );

      // The SDK's own stream helper puts the events back together.
      const final = await openai.responses.stream({ model, input: 'one more soup please' }).finalResponse();
      expect(final.output_text).toBe('one more soup please');
      expect(final.usage?.output_tokens).toBe(4);
    });

    it.each(['llama3.2', 'gpt-4o'])(
      'calls function tools of %s and takes function_call_output back, whole and streamed',
      async (model) => {
        const openai = openaiClient();
        const called = await openai.responses.create({
          model,
          input: 'what about get_weather in Oslo',
          tools: [weatherTool],
        });
        const call = called.output.find((item) => item.type === 'function_call');
        expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
        if (call?.type !== 'function_call') throw new Error('no function call');
        expect(JSON.parse(call.arguments)).toEqual({ city: 'what' });

        const streamed = await openai.responses
          .stream({ model, input: 'get_weather please', tools: [weatherTool] })
          .finalResponse();
        const streamedCall = streamed.output.find((item) => item.type === 'function_call');
        expect(streamedCall).toMatchObject({ name: 'get_weather', arguments: '{"city":"get_weather"}' });

        const answered = await openai.responses.create({
          model,
          input: [
            { role: 'user', content: 'what about get_weather in Oslo' },
            { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
            { type: 'function_call_output', call_id: call.call_id, output: 'snowy minus four' },
          ],
          tools: [weatherTool],
        });
        expect(answered.output_text).toContain('snowy');
      },
    );

    it("answers LangChain's ChatOpenAI on the Responses API, with bindTools", async () => {
      const chat = new ChatOpenAI({
        model: 'llama3.2',
        apiKey: user.accessToken,
        configuration: { baseURL: `${platform.url}/ai/v1` },
        useResponsesApi: true,
        maxRetries: 0,
      });
      const answer = await chat.invoke('responses via lang chain');
      expect(answer.content).toEqual([
        expect.objectContaining({ type: 'text', text: 'responses via lang chain' }),
      ]);
      expect(lastRequest(ollama, '/api/chat')).toBeDefined();
      // LangChain takes tools in the Chat Completions shape and sends them in the Responses one.
      const { type, strict: _strict, ...fn } = weatherTool;
      const withTools = chat.bindTools([{ type, function: fn }]);
      const called = await withTools.invoke('what about get_weather now');
      expect(called.tool_calls).toEqual([
        expect.objectContaining({ name: 'get_weather', args: { city: 'what' } }),
      ]);
    });

    it('refuses an unknown previous_response_id and hosted tools in OpenAI shape', async () => {
      const previous = await openaiClient()
        .responses.create({ model: 'llama3.2', input: 'x', previous_response_id: 'resp_123' })
        .catch((error: unknown) => error as InstanceType<typeof OpenAI.APIError>);
      expect(previous).toMatchObject({
        status: 404,
        code: 'RESPONSE_NOT_FOUND',
        param: 'previous_response_id',
      });
      const hosted = await openaiClient()
        .responses.create({ model: 'llama3.2', input: 'x', tools: [{ type: 'web_search_preview' }] })
        .catch((error: unknown) => error as InstanceType<typeof OpenAI.APIError>);
      expect(hosted).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    });

    it('runs an OpenAI Agents SDK agent with one tool through CALOS', async () => {
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
      const agent = new Agent({
        name: 'Weather',
        instructions: 'Answer with the weather.',
        model: 'llama3.2',
        tools: [getWeather],
      });
      const runner = new Runner({
        modelProvider: new OpenAIProvider({
          apiKey: user.accessToken,
          baseURL: `${platform.url}/ai/v1`,
          useResponses: true,
        }),
        tracingDisabled: true,
      });
      const result = await runner.run(agent, 'what about get_weather today');
      expect(seen).toEqual(['what']);
      expect(result.finalOutput).toContain('sunny in what');
      const sent = ollama.requests.filter((r) => r.path === '/api/chat').slice(-2);
      expect(sent.map((r) => (r.body as { stream?: boolean }).stream)).toEqual([false, false]);
      expect(
        (sent[1]?.body as { messages?: { role: string }[] } | undefined)?.messages?.map((m) => m.role),
      ).toEqual(['system', 'user', 'assistant', 'tool']);
    });

    it('runs the agent streamed too', async () => {
      const getWeather = tool({
        name: 'get_weather',
        description: 'The weather in a city',
        parameters: z.object({ city: z.string() }),
        execute: async ({ city }) => `rainy in ${city}`,
      });
      const agent = new Agent({ name: 'Weather', model: 'gpt-4o', tools: [getWeather] });
      const runner = new Runner({
        modelProvider: new OpenAIProvider({
          apiKey: user.accessToken,
          baseURL: `${platform.url}/ai/v1`,
          useResponses: true,
        }),
        tracingDisabled: true,
      });
      const streamed = await runner.run(agent, 'get_weather in Bergen', { stream: true });
      const kinds = new Set<string>();
      for await (const event of streamed) kinds.add(event.type);
      await streamed.completed;
      expect(streamed.finalOutput).toContain('rainy in get_weather');
      expect(kinds.has('raw_model_stream_event')).toBe(true);
      const sent = openaiServer.requests.filter((r) => r.path === '/v1/chat/completions').slice(-2);
      expect(sent.map((r) => (r.body as { stream?: boolean }).stream)).toEqual([true, true]);
    });
  });

  it('ends passthrough and Responses streams broken upstream with an error in their own format, logged as errors', async () => {
    ollama.setOptions({ failAfterChunks: 2, tokensPerReply: 6 });
    try {
      const response = await fetch(`${platform.url}/ai/api/generate`, {
        method: 'POST',
        headers: { ...user.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'llama3.2', prompt: 'break this stream please right now' }),
      });
      expect(response.status).toBe(200);
      const lines = (await response.text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { done?: boolean; error?: string });
      expect(lines.slice(0, 2).every((line) => line.done === false)).toBe(true);
      expect(lines.at(-1)).toEqual({ error: expect.stringContaining('broke off') });

      const types: string[] = [];
      const stream = await openaiClient().responses.create({
        model: 'llama3.2',
        input: 'break this one too please',
        stream: true,
      });
      for await (const event of stream) types.push(event.type);
      expect(types).toContain('response.output_text.delta');
      expect(types.slice(-2)).toEqual(['error', 'response.failed']);
    } finally {
      ollama.setOptions({ failAfterChunks: undefined, tokensPerReply: 4 });
    }
    const failed = (await usageLog(user)).filter((i) => i.outcome === 'error').map((i) => i.endpoint);
    expect(failed).toEqual(expect.arrayContaining(['api/generate', 'v1/responses']));
  });
});

// Tool calling and images through the gateway, as integrators use them: the official `openai`
// and `ollama` clients and LangChain's bindTools, against the Ollama pool and against OpenAI and
// Anthropic with the user's own key, streamed and whole, with the history of calls and results
// reaching the upstream in its own format.
import type { AIMessageChunk } from '@langchain/core/messages';
import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAI } from '@langchain/openai';
import { Ollama } from 'ollama';
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

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['city', 'unit'],
    },
  },
};
const timeTool = {
  type: 'function' as const,
  function: {
    name: 'get_time',
    description: 'The time in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const PIXEL =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe.each(testEngines())('tools and images through the gateway on %s', (engine) => {
  let platform: TestPlatform;
  let ollama: OllamaStandIn;
  let openaiServer: OpenAIStandIn;
  let anthropic: AnthropicStandIn;
  let user: TestUser;

  beforeAll(async () => {
    ollama = await startOllamaStandIn({ models: ['llama3.2:latest'], tokensPerReply: 4 });
    openaiServer = await startOpenAIStandIn({ apiKeys: [OPENAI_KEY], models: ['gpt-4o'], tokensPerReply: 4 });
    anthropic = await startAnthropicStandIn({
      apiKeys: [ANTHROPIC_KEY],
      models: ['claude-sonnet-4-5'],
      tokensPerReply: 4,
    });
    platform = await startTestPlatform(engine, {
      services: ['identity', 'ai'],
      env: {
        OLLAMA_HOSTS: ollama.url,
        CALOS_OPENAI_URL: openaiServer.url,
        CALOS_ANTHROPIC_URL: anthropic.url,
      },
    });
    // The pro plan's 60 calls a minute cover every test of the file.
    user = await given(platform).user({ plan: 'pro' });
    await given(platform).apiKey(user, 'openai', OPENAI_KEY);
    await given(platform).apiKey(user, 'anthropic', ANTHROPIC_KEY);
  });
  afterAll(async () => {
    await platform.close();
    await Promise.all([ollama.close(), openaiServer.close(), anthropic.close()]);
  });

  const openaiClient = () =>
    new OpenAI({ apiKey: user.accessToken, baseURL: `${platform.url}/ai/v1`, maxRetries: 0 });
  const ollamaClient = () =>
    new Ollama({ host: `${platform.url}/ai`, headers: { authorization: `Bearer ${user.accessToken}` } });
  const lastBody = (server: { requests: { path: string; body: unknown }[] }, path: string) =>
    server.requests.filter((r) => r.path === path).at(-1)?.body as Record<string, unknown>;

  it.each(['llama3.2', 'gpt-4o', 'claude-sonnet-4-5'])(
    'the openai client calls tools of %s, whole and streamed, and sends the results back',
    async (model) => {
      const openai = openaiClient();
      const whole = await openai.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'what about get_weather and get_time in Oslo' }],
        tools: [weatherTool, timeTool],
      });
      const choice = whole.choices[0];
      expect(choice?.finish_reason).toBe('tool_calls');
      const calls = (choice?.message.tool_calls ?? []) as OpenAI.ChatCompletionMessageFunctionToolCall[];
      expect(calls.map((c) => c.function.name)).toEqual(['get_weather', 'get_time']);
      expect(JSON.parse(calls[0]?.function.arguments ?? '')).toEqual({ city: 'what', unit: 'celsius' });
      expect(calls.every((c) => c.id.length > 0 && c.type === 'function')).toBe(true);

      // Streamed: the client's helper puts the tool-call deltas back together.
      const runner = openai.chat.completions.stream({
        model,
        messages: [{ role: 'user', content: 'the get_time please' }],
        tools: [weatherTool, timeTool],
        parallel_tool_calls: false,
      });
      const streamed = await runner.finalChatCompletion();
      expect(streamed.choices[0]?.finish_reason).toBe('tool_calls');
      const streamedCalls = streamed.choices[0]?.message
        .tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[];
      expect(streamedCalls.map((c) => c.function.name)).toEqual(['get_time']);
      expect(JSON.parse(streamedCalls[0]?.function.arguments ?? '')).toEqual({ city: 'the' });

      // The results go back with the calls in the history; the model answers about them.
      const answer = await openai.chat.completions.create({
        model,
        messages: [
          { role: 'user', content: 'what about get_weather and get_time in Oslo' },
          { role: 'assistant', content: null, tool_calls: calls },
          { role: 'tool', tool_call_id: calls[0]?.id ?? '', content: 'snowy minus four' },
          { role: 'tool', tool_call_id: calls[1]?.id ?? '', content: 'noon' },
        ],
        tools: [weatherTool, timeTool],
      });
      expect(answer.choices[0]?.finish_reason).toBe('stop');
      expect(answer.choices[0]?.message.content?.length).toBeGreaterThan(0);
    },
  );

  it('hands the history to each upstream in its own format', async () => {
    const history: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'weather?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_w', content: 'snowy minus four' },
    ];
    const openai = openaiClient();
    const fromOllama = await openai.chat.completions.create({
      model: 'llama3.2',
      messages: history,
      tools: [weatherTool],
    });
    expect(fromOllama.choices[0]?.message.content).toBe('snowy minus four snowy');
    const toOllama = lastBody(ollama, '/api/chat');
    expect(toOllama.tools).toEqual([weatherTool]);
    expect(toOllama.messages).toEqual([
      { role: 'user', content: 'weather?' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { id: 'call_w', function: { index: 0, name: 'get_weather', arguments: { city: 'Oslo' } } },
        ],
      },
      { role: 'tool', content: 'snowy minus four', tool_name: 'get_weather' },
    ]);

    await openai.chat.completions.create({
      model: 'claude-sonnet-4-5',
      messages: history,
      tools: [weatherTool],
    });
    const toAnthropic = lastBody(anthropic, '/v1/messages');
    expect(toAnthropic.tools).toEqual([
      {
        name: 'get_weather',
        description: 'The weather in a city',
        input_schema: weatherTool.function.parameters,
      },
    ]);
    expect(toAnthropic.messages).toEqual([
      { role: 'user', content: 'weather?' },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'call_w', name: 'get_weather', input: { city: 'Oslo' } }],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'call_w', content: 'snowy minus four' }],
      },
    ]);

    await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: history,
      tools: [weatherTool],
      tool_choice: 'required',
    });
    const toOpenAI = lastBody(openaiServer, '/v1/chat/completions');
    expect(toOpenAI.messages).toEqual(history);
    expect(toOpenAI.tool_choice).toBe('required');
  });

  it('the ollama client calls tools, whole and streamed, over the pool and with a provider', async () => {
    const client = ollamaClient();
    for (const model of ['llama3.2', 'gpt-4o', 'claude-sonnet-4-5']) {
      const whole = await client.chat({
        model,
        messages: [{ role: 'user', content: 'get_weather in Oslo' }],
        tools: [weatherTool],
        stream: false,
      });
      expect(whole.message.tool_calls?.map((c) => c.function)).toEqual([
        expect.objectContaining({ name: 'get_weather', arguments: { city: 'get_weather', unit: 'celsius' } }),
      ]);

      const parts = await client.chat({
        model,
        messages: [{ role: 'user', content: 'get_weather and get_time' }],
        tools: [weatherTool, timeTool],
        stream: true,
      });
      const calls: string[] = [];
      let last: { done: boolean } | undefined;
      for await (const part of parts) {
        for (const call of part.message.tool_calls ?? []) calls.push(call.function.name);
        last = part;
      }
      expect(calls).toEqual(['get_weather', 'get_time']);
      expect(last?.done).toBe(true);

      // A result sent back with only Ollama's tool_name reaches a provider paired with its call.
      const answer = await client.chat({
        model,
        messages: [
          { role: 'user', content: 'get_weather in Oslo' },
          whole.message,
          { role: 'tool', content: 'rain all day', tool_name: 'get_weather' },
        ],
        tools: [weatherTool],
        stream: false,
      });
      expect(answer.message.content).toBe('rain all day rain');
    }
    const toOpenAI = lastBody(openaiServer, '/v1/chat/completions');
    const messages = toOpenAI.messages as { tool_calls?: { id: string }[]; tool_call_id?: string }[];
    expect(messages[2]?.tool_call_id).toBe(messages[1]?.tool_calls?.[0]?.id);
  });

  it('LangChain bindTools gets tool calls through both front doors', async () => {
    const viaOpenAI = new ChatOpenAI({
      model: 'llama3.2',
      apiKey: user.accessToken,
      configuration: { baseURL: `${platform.url}/ai/v1` },
      maxRetries: 0,
    }).bindTools([weatherTool]);
    const fromOpenAI = await viaOpenAI.invoke('the weather in Oslo');
    expect(fromOpenAI.tool_calls).toEqual([
      expect.objectContaining({
        name: 'get_weather',
        args: { city: 'the', unit: 'celsius' },
        type: 'tool_call',
      }),
    ]);

    const viaOllama = new ChatOllama({
      model: 'llama3.2',
      baseUrl: `${platform.url}/ai`,
      headers: { authorization: `Bearer ${user.accessToken}` },
    }).bindTools([weatherTool]);
    const fromOllama = await viaOllama.invoke('the weather in Oslo');
    expect(fromOllama.tool_calls).toEqual([
      expect.objectContaining({ name: 'get_weather', args: { city: 'the', unit: 'celsius' } }),
    ]);

    // Streamed through LangChain's OpenAI model from Anthropic: the tool-call pieces add up.
    const streamingOpenAI = new ChatOpenAI({
      model: 'claude-sonnet-4-5',
      apiKey: user.accessToken,
      configuration: { baseURL: `${platform.url}/ai/v1` },
      maxRetries: 0,
    }).bindTools([weatherTool]);
    let streamed: AIMessageChunk | undefined;
    for await (const chunk of await streamingOpenAI.stream('weather in Oslo'))
      streamed = streamed ? streamed.concat(chunk) : chunk;
    expect(streamed?.tool_calls?.map((c) => [c.name, c.args])).toEqual([
      ['get_weather', { city: 'weather', unit: 'celsius' }],
    ]);
  });

  it('passes images from the openai client to Ollama and to Anthropic', async () => {
    const openai = openaiClient();
    const content: OpenAI.ChatCompletionContentPart[] = [
      { type: 'text', text: 'what is in this picture' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${PIXEL}` } },
    ];
    await openai.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content }] });
    expect((lastBody(ollama, '/api/chat').messages as unknown[])[0]).toEqual({
      role: 'user',
      content: 'what is in this picture',
      images: [PIXEL],
    });
    await openai.chat.completions.create({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content }],
    });
    expect((lastBody(anthropic, '/v1/messages').messages as { content: unknown }[])[0]?.content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PIXEL } },
      { type: 'text', text: 'what is in this picture' },
    ]);
  });

  it('answers n choices, each metered as a call of its own', async () => {
    const openai = openaiClient();
    const completion = await openai.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'three takes please' }],
      n: 3,
    });
    expect(completion.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(completion.usage?.completion_tokens).toBe(12);

    const stream = await openai.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'two streamed takes' }],
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    const texts = ['', ''];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      for (const c of chunk.choices) texts[c.index] += c.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(texts).toEqual(['two streamed takes two', 'two streamed takes two']);
    expect(usage?.completion_tokens).toBe(8);
  });
});

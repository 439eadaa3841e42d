// The OpenAI and DeepSeek providers against the OpenAI stand-in (both dialects) over real HTTP.
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type OpenAIStandIn, startOpenAIStandIn } from '../../../test/stand-ins/openai.ts';
import { closeUpstreamConnections } from './http.ts';
import { deepseekProvider, openaiChatBody, openaiProvider, strictSchema } from './openai.ts';
import { type ChatCall, type ChatEvent, type ChatProvider, UpstreamError } from './types.ts';

const KEY = 'sk-user-openai-key-123456';
let openai: OpenAIStandIn;
let deepseek: OpenAIStandIn;

beforeEach(async () => {
  openai = await startOpenAIStandIn({ apiKeys: [KEY], models: ['gpt-4o-mini'], tokensPerReply: 4 });
  deepseek = await startOpenAIStandIn({
    apiKeys: [KEY],
    models: ['deepseek-chat'],
    dialect: 'deepseek',
    tokensPerReply: 4,
  });
});
afterEach(() => Promise.all([openai.kill(), deepseek.kill()]));
afterAll(() => closeUpstreamConnections());

const call = (extra: Partial<ChatCall> = {}): ChatCall => ({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'you are a helpful assistant who answers briefly' },
    { role: 'user', content: 'why is the sky blue' },
  ],
  stream: true,
  ...extra,
});

async function collect(events: AsyncIterable<ChatEvent>): Promise<ChatEvent[]> {
  const all: ChatEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const textOf = (events: ChatEvent[]) => events.map((e) => (e.type === 'delta' ? e.content : '')).join('');

const run = (
  extra: Partial<ChatCall> = {},
  {
    provider = openaiProvider as ChatProvider,
    url = openai.url,
    apiKey = KEY,
    signal = new AbortController().signal,
  } = {},
) => provider.chat({ baseUrl: url, apiKey }, call(extra), signal);

describe('the OpenAI provider', () => {
  it('streams deltas with include_usage and ends with the usage, cached prompt tokens included', async () => {
    const first = await collect(run());
    expect(textOf(first)).toBe('why is the sky');
    expect(first.at(-1)).toEqual({
      type: 'done',
      usage: { promptTokens: 13, completionTokens: 4, cachedPromptTokens: 0 },
      doneReason: 'stop',
      model: 'gpt-4o-mini',
    });
    const request = openai.requests[0];
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });

    // The same first message again: the stand-in serves its 8 words from the prompt cache.
    const second = await collect(run());
    expect(second.at(-1)).toMatchObject({
      usage: { promptTokens: 13, completionTokens: 4, cachedPromptTokens: 8 },
    });
  });

  it('answers a non-streamed call with the whole text and the usage', async () => {
    const events = await collect(run({ stream: false }));
    expect(events).toEqual([
      { type: 'delta', content: 'why is the sky' },
      {
        type: 'done',
        usage: { promptTokens: 13, completionTokens: 4, cachedPromptTokens: 0 },
        doneReason: 'stop',
        model: 'gpt-4o-mini',
      },
    ]);
    expect(openai.requests[0]?.body).not.toHaveProperty('stream_options');
  });

  it('sends maxTokens as max_completion_tokens and maps a cut answer to "length"', async () => {
    const events = await collect(run({ maxTokens: 2, temperature: 0.5, topP: 0.9, stop: ['x'], seed: 3 }));
    expect(openai.requests[0]?.body).toMatchObject({
      max_completion_tokens: 2,
      temperature: 0.5,
      top_p: 0.9,
      stop: ['x'],
      seed: 3,
    });
    expect(openai.requests[0]?.body).not.toHaveProperty('max_tokens');
    expect(events.at(-1)).toMatchObject({ doneReason: 'length', usage: { completionTokens: 2 } });
  });

  it('asks for a strict json_schema answer when the call has a schema', async () => {
    const schema = {
      type: 'object',
      properties: { color: { type: 'string' }, certain: { type: 'boolean' } },
      required: ['color'],
    };
    const events = await collect(run({ format: schema, stream: false }));
    expect(openai.requests[0]?.body).toMatchObject({
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'answer',
          strict: true,
          schema: { ...schema, required: ['color', 'certain'], additionalProperties: false },
        },
      },
    });
    expect(JSON.parse(textOf(events))).toEqual({ color: 'why is the sky', certain: true });
  });

  it('asks for json_object for format "json", adding an instruction when no message mentions JSON', async () => {
    const events = await collect(run({ format: 'json' }));
    const body = openai.requests[0]?.body as { response_format: unknown; messages: { content: string }[] };
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(body.messages[0]?.content).toMatch(/JSON/);
    expect(JSON.parse(textOf(events))).toHaveProperty('reply');
  });

  it('sends images as data: URL parts', async () => {
    await collect(run({ messages: [{ role: 'user', content: 'what is it', images: ['/9j/4AAQ'] }] }));
    expect(openai.requests[0]?.body).toMatchObject({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is it' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
          ],
        },
      ],
    });
  });

  it('works with a base URL that already ends in /v1', async () => {
    const events = await collect(run({}, { url: `${openai.url}/v1/` }));
    expect(events.at(-1)).toMatchObject({ type: 'done' });
  });

  it('reports a rejected key as "rejected_key" naming OpenAI', async () => {
    const failure = await collect(run({}, { apiKey: 'sk-wrong-key-000000' })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure).toMatchObject({
      kind: 'rejected_key',
      status: 401,
      provider: 'openai',
      isRetryable: false,
    });
    expect((failure as Error).message).toMatch(
      /^OpenAI rejected the API key \(401\): Incorrect API key provided/,
    );
  });

  it('reports an unknown model as "not_found" and a 429 as "rate_limited"', async () => {
    const missing = await collect(run({ model: 'gpt-9' })).catch((e: unknown) => e);
    expect(missing).toMatchObject({ kind: 'not_found', status: 404 });
    openai.setOptions({ failWith: { status: 429 } });
    const limited = await collect(run()).catch((e: unknown) => e);
    expect(limited).toMatchObject({ kind: 'rate_limited', status: 429, isRetryable: false });
  });

  it('ends a stream cut off before data: [DONE] with "broken_stream"', async () => {
    openai.setOptions({ failAfterChunks: 2 });
    const seen: ChatEvent[] = [];
    const failure = await (async () => {
      for await (const event of run()) seen.push(event);
    })().catch((e: unknown) => e);
    expect(textOf(seen)).toBe('why is');
    expect(failure).toMatchObject({ kind: 'broken_stream', provider: 'openai' });
  });

  it('reports a refused connection as "unreachable"', async () => {
    const url = openai.url;
    await openai.kill();
    const failure = await collect(run({}, { url })).catch((e: unknown) => e);
    expect(failure).toMatchObject({ kind: 'unreachable', provider: 'openai', isRetryable: true });
  });

  it('cancels the upstream request when aborted: the stand-in sees the connection closed', async () => {
    openai.setOptions({ chunkDelayMs: 200, tokensPerReply: 50 });
    const controller = new AbortController();
    const iterator = run({}, { signal: controller.signal })[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    await expect(iterator.next()).rejects.toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(openai.requests[0]?.outcome).toBe('client-closed'), { timeout: 1_000 });
  });
});

describe('the DeepSeek provider', () => {
  const viaDeepSeek = (extra: Partial<ChatCall> = {}, apiKey = KEY) =>
    run({ model: 'deepseek-chat', ...extra }, { provider: deepseekProvider, url: deepseek.url, apiKey });

  it('streams with the same protocol, sending max_tokens, and counts its cache hits', async () => {
    await collect(viaDeepSeek());
    const events = await collect(viaDeepSeek({ maxTokens: 3 }));
    expect(deepseek.requests[1]?.body).toMatchObject({ max_tokens: 3 });
    expect(deepseek.requests[1]?.body).not.toHaveProperty('max_completion_tokens');
    expect(deepseek.requests[1]?.path).toBe('/v1/chat/completions');
    expect(events.at(-1)).toEqual({
      type: 'done',
      usage: { promptTokens: 13, completionTokens: 3, cachedPromptTokens: 8 },
      doneReason: 'length',
      model: 'deepseek-chat',
    });
  });

  it('puts a schema in a system instruction with json_object, as DeepSeek has no json_schema', async () => {
    const schema = { type: 'object', properties: { color: { type: 'string' } } };
    await collect(viaDeepSeek({ format: schema, stream: false }));
    const body = deepseek.requests[0]?.body as { response_format: unknown; messages: { content: string }[] };
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(body.messages[0]?.content).toContain(JSON.stringify(schema));
  });

  it('reports a rejected key as "rejected_key" naming DeepSeek', async () => {
    const failure = await collect(viaDeepSeek({}, 'sk-wrong')).catch((e: unknown) => e);
    expect(failure).toMatchObject({ kind: 'rejected_key', provider: 'deepseek' });
    expect((failure as Error).message).toMatch(
      /^DeepSeek rejected the API key \(401\): Authentication Fails/,
    );
  });
});

describe('openaiChatBody', () => {
  it('leaves sampling parameters out for reasoning models, which refuse them', () => {
    const body = openaiChatBody(call({ model: 'o3-mini', temperature: 0.2, topP: 0.5 }));
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('top_p');
  });
});

describe('strictSchema', () => {
  it('closes every nested object and requires all its properties', () => {
    const schema = {
      type: 'object',
      properties: {
        items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
      },
      $defs: { tag: { type: 'object', properties: { label: { type: 'string' } } } },
    };
    expect(strictSchema(schema)).toEqual({
      type: 'object',
      properties: {
        items: {
          type: 'array',
          items: {
            type: 'object',
            properties: { name: { type: 'string' } },
            additionalProperties: false,
            required: ['name'],
          },
        },
      },
      $defs: {
        tag: {
          type: 'object',
          properties: { label: { type: 'string' } },
          additionalProperties: false,
          required: ['label'],
        },
      },
      additionalProperties: false,
      required: ['items'],
    });
  });

  it('gives up when a schema allows extra properties on purpose, so strict is turned off', () => {
    const open = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: true };
    expect(strictSchema(open)).toBeUndefined();
    expect(openaiChatBody(call({ format: open }))).toMatchObject({
      response_format: { type: 'json_schema', json_schema: { strict: false, schema: open } },
    });
  });
});

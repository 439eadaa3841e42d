// The Anthropic provider against the Anthropic stand-in over real HTTP, and against a scripted
// server for the parts of the event stream the stand-in does not produce (prompt-cache reads,
// in-stream errors).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AnthropicStandIn, startAnthropicStandIn } from '../../../test/stand-ins/anthropic.ts';
import { anthropicProvider } from './anthropic.ts';
import { closeUpstreamConnections } from './http.ts';
import { type ChatCall, type ChatEvent, UpstreamError } from './types.ts';

const KEY = 'sk-ant-user-key';
let standIn: AnthropicStandIn;

beforeEach(async () => {
  standIn = await startAnthropicStandIn({ apiKeys: [KEY], models: ['claude-sonnet-4-5'], tokensPerReply: 4 });
});
afterEach(() => standIn.kill());
afterAll(() => closeUpstreamConnections());

const call = (extra: Partial<ChatCall> = {}): ChatCall => ({
  model: 'claude-sonnet-4-5',
  messages: [
    { role: 'system', content: 'be brief' },
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
  { url = standIn.url, apiKey = KEY, signal = new AbortController().signal } = {},
) => anthropicProvider.chat({ baseUrl: url, apiKey }, call(extra), signal);

describe('the Anthropic provider', () => {
  it('streams text deltas and ends with the usage and stop reason, system lifted to `system`', async () => {
    const events = await collect(run());
    expect(events.slice(0, -1)).toEqual([
      { type: 'delta', content: 'why' },
      { type: 'delta', content: ' is' },
      { type: 'delta', content: ' the' },
      { type: 'delta', content: ' sky' },
    ]);
    expect(events.at(-1)).toEqual({
      type: 'done',
      usage: { promptTokens: 7, completionTokens: 4, cachedPromptTokens: 0 },
      doneReason: 'stop',
      model: 'claude-sonnet-4-5',
    });
    const request = standIn.requests[0];
    expect(request?.headers['x-api-key']).toBe(KEY);
    expect(request?.headers['anthropic-version']).toBe('2023-06-01');
    expect(request?.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'why is the sky blue' }],
      system: 'be brief',
      stream: true,
    });
  });

  it('answers a non-streamed call with the whole text, and maps max_tokens to "length"', async () => {
    const events = await collect(run({ stream: false, maxTokens: 2, temperature: 0.3, stop: ['END'] }));
    expect(events).toEqual([
      { type: 'delta', content: 'why is' },
      {
        type: 'done',
        usage: { promptTokens: 7, completionTokens: 2, cachedPromptTokens: 0 },
        doneReason: 'length',
        model: 'claude-sonnet-4-5',
      },
    ]);
    expect(standIn.requests[0]?.body).toMatchObject({
      max_tokens: 2,
      temperature: 0.3,
      stop_sequences: ['END'],
    });
  });

  it('asks for JSON with a system instruction and a `{` prefill, and returns the whole JSON text', async () => {
    standIn.script('"color": "blue"}');
    const schema = { type: 'object', properties: { color: { type: 'string' } } };
    const events = await collect(run({ format: schema }));
    expect(JSON.parse(textOf(events))).toEqual({ color: 'blue' });
    const body = standIn.requests[0]?.body as { system: string; messages: unknown[] };
    expect(body.system).toContain('be brief');
    expect(body.system).toContain(JSON.stringify(schema));
    expect(body.messages.at(-1)).toEqual({ role: 'assistant', content: '{' });
  });

  it('sends images as base64 image blocks', async () => {
    await collect(run({ messages: [{ role: 'user', content: 'what is it', images: ['iVBORw0KGgo='] }] }));
    expect(standIn.requests[0]?.body).toMatchObject({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'text', text: 'what is it' },
          ],
        },
      ],
    });
  });

  it('reports a rejected key as "rejected_key" naming Anthropic', async () => {
    const failure = await collect(run({}, { apiKey: 'sk-ant-wrong' })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure).toMatchObject({ kind: 'rejected_key', status: 401, provider: 'anthropic' });
    expect((failure as Error).message).toBe('Anthropic rejected the API key (401): invalid x-api-key');
  });

  it('reports an overloaded upstream (529) as a retryable server error', async () => {
    standIn.setOptions({ failWith: { status: 529 } });
    const failure = await collect(run()).catch((e: unknown) => e);
    expect(failure).toMatchObject({ kind: 'server_error', status: 529, isRetryable: true });
  });

  it('ends a stream cut off before message_stop with "broken_stream"', async () => {
    standIn.setOptions({ failAfterChunks: 1 });
    const seen: ChatEvent[] = [];
    const failure = await (async () => {
      for await (const event of run()) seen.push(event);
    })().catch((e: unknown) => e);
    expect(textOf(seen)).toBe('why');
    expect(failure).toMatchObject({ kind: 'broken_stream', provider: 'anthropic' });
  });

  it('reports a refused connection as "unreachable"', async () => {
    const url = standIn.url;
    await standIn.kill();
    const failure = await collect(run({}, { url })).catch((e: unknown) => e);
    expect(failure).toMatchObject({ kind: 'unreachable', provider: 'anthropic', isRetryable: true });
  });

  it('cancels the upstream request when aborted: the stand-in sees the connection closed', async () => {
    standIn.setOptions({ chunkDelayMs: 200, tokensPerReply: 50 });
    const controller = new AbortController();
    const iterator = run({}, { signal: controller.signal })[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    await expect(iterator.next()).rejects.toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(standIn.requests[0]?.outcome).toBe('client-closed'), { timeout: 1_000 });
  });
});

describe('the Anthropic provider with a scripted event stream', () => {
  let server: Server;
  let url: string;
  let script = '';

  beforeEach(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(script);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    server.closeAllConnections();
    server.close();
  });

  const sse = (event: string, data: object) =>
    `event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`;

  it('counts the whole prompt, cache reads and writes included, and the cache reads as cached', async () => {
    script = [
      sse('message_start', {
        message: {
          model: 'claude-sonnet-4-5-20250929',
          usage: {
            input_tokens: 5,
            cache_read_input_tokens: 100,
            cache_creation_input_tokens: 20,
            output_tokens: 1,
          },
        },
      }),
      sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      sse('ping', {}),
      sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hi' } }),
      sse('content_block_stop', { index: 0 }),
      sse('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } }),
      sse('message_stop', {}),
    ].join('');
    const events = await collect(run({}, { url }));
    expect(events).toEqual([
      { type: 'delta', content: 'Hi' },
      {
        type: 'done',
        usage: { promptTokens: 125, completionTokens: 9, cachedPromptTokens: 100 },
        doneReason: 'stop',
        model: 'claude-sonnet-4-5-20250929',
      },
    ]);
  });

  it('turns an error event before any text into a retryable server error', async () => {
    script = [
      sse('message_start', { message: { usage: { input_tokens: 5, output_tokens: 1 } } }),
      sse('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }),
    ].join('');
    const failure = await collect(run({}, { url })).catch((e: unknown) => e);
    expect(failure).toMatchObject({ kind: 'server_error', provider: 'anthropic', isRetryable: true });
    expect((failure as Error).message).toContain('Overloaded');
  });

  it('treats a stream that ends cleanly but without message_stop as broken', async () => {
    script = sse('message_start', { message: { usage: { input_tokens: 5, output_tokens: 1 } } });
    const failure = await collect(run({}, { url })).catch((e: unknown) => e);
    expect(failure).toMatchObject({ kind: 'broken_stream' });
  });
});

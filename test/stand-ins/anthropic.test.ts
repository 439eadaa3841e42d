// The Anthropic stand-in, driven with plain fetch (the Anthropic SDK is not a dependency).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AnthropicStandIn, startAnthropicStandIn } from './anthropic.ts';

const KEY = 'sk-ant-user-key';
let standIn: AnthropicStandIn;

beforeEach(async () => {
  standIn = await startAnthropicStandIn({ apiKeys: [KEY], models: ['claude-sonnet-4-5'], tokensPerReply: 3 });
});
afterEach(() => standIn.close());

const post = (body: object, headers: Record<string, string> = {}) =>
  fetch(`${standIn.url}/v1/messages`, {
    method: 'POST',
    headers: {
      'x-api-key': KEY,
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
      ...headers,
    },
    body: JSON.stringify(body),
  });
const request = (content: unknown, extra: object = {}) => ({
  model: 'claude-sonnet-4-5',
  max_tokens: 100,
  messages: [{ role: 'user', content }],
  ...extra,
});

/** Server-sent events as [event name, parsed data]. */
function parseEvents(text: string): Array<[string, Record<string, unknown>]> {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '{}';
      return [event, JSON.parse(data) as Record<string, unknown>];
    });
}

describe('the Anthropic stand-in', () => {
  it('answers a message with usage, and records the key it was sent', async () => {
    const response = await post(request('why is the sky blue', { system: 'be brief' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(await response.json()).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'why is the' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 7,
        output_tokens: 3,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
    expect(standIn.requests[0]?.headers['x-api-key']).toBe(KEY);
    expect(standIn.requests[0]?.headers['anthropic-version']).toBe('2023-06-01');
  });

  it('streams the documented event sequence, the final usage in message_delta', async () => {
    const response = await post(request('one two three four', { stream: true }));
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = parseEvents(await response.text());

    expect(events.map(([name]) => name)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const [name, data] of events) expect(data.type).toBe(name);
    expect(events[0]?.[1]).toMatchObject({
      message: { content: [], usage: { input_tokens: 4, output_tokens: 1 } },
    });
    const text = events
      .filter(([name]) => name === 'content_block_delta')
      .map(([, data]) => (data.delta as { type: string; text: string }).text)
      .join('');
    expect(text).toBe('one two three');
    expect(events[3]?.[1]).toMatchObject({ index: 0, delta: { type: 'text_delta', text: 'one' } });
    expect(events[7]?.[1]).toMatchObject({
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 3 },
    });
  });

  it('writes a cache_control prefix once, then reads it, keeping it out of input_tokens', async () => {
    const system = [
      { type: 'text', text: 'a long shared system prompt', cache_control: { type: 'ephemeral' } },
    ];
    const ask = async (question: string) => {
      const body = (await (await post(request(question, { system }))).json()) as { usage: object };
      return body.usage;
    };
    expect(await ask('first question')).toMatchObject({
      input_tokens: 2,
      cache_creation_input_tokens: 5,
      cache_read_input_tokens: 0,
    });
    expect(await ask('second question here')).toMatchObject({
      input_tokens: 3,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 5,
    });
  });

  it('stops at max_tokens with stop_reason "max_tokens"', async () => {
    const body = await (await post(request('a b c', { max_tokens: 2 }))).json();
    expect(body).toMatchObject({
      content: [{ text: 'a b' }],
      stop_reason: 'max_tokens',
      usage: { output_tokens: 2 },
    });
  });

  it('refuses wrong or missing keys and a missing anthropic-version as the real API does', async () => {
    const wrong = await post(request('hi'), { 'x-api-key': 'sk-ant-wrong' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'invalid x-api-key' },
    });
    const noVersion = await fetch(`${standIn.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': KEY },
      body: JSON.stringify(request('hi')),
    });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    const noMaxTokens = await post({ model: 'claude-sonnet-4-5', messages: [] });
    expect(await noMaxTokens.json()).toMatchObject({ error: { message: 'max_tokens: Field required' } });
    const unknownModel = await post(request('hi', { model: 'claude-0' }));
    expect(unknownModel.status).toBe(404);
  });

  it('breaks a stream after failAfterChunks: no message_stop arrives', async () => {
    standIn.setOptions({ failAfterChunks: 2, tokensPerReply: 6 });
    const response = await post(request('a b c d e f', { stream: true }));
    await expect(response.text()).rejects.toThrow();
  });
});

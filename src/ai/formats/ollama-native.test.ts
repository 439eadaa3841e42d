// The Ollama-native front: request parsing, and rendered answers read by the official `ollama`
// client from a small node:http server that translates an Anthropic stand-in's answers.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnthropicStandIn, startAnthropicStandIn } from '../../../test/stand-ins/anthropic.ts';
import { isAppError } from '../../platform/errors.ts';
import { anthropicProvider } from '../providers/anthropic.ts';
import { closeUpstreamConnections } from '../providers/http.ts';
import type { Usage } from '../providers/types.ts';
import {
  measureDurations,
  ndjsonLine,
  ollamaChatChunk,
  ollamaChatFinal,
  ollamaError,
  ollamaGenerateChunk,
  ollamaGenerateFinal,
  parseOllamaChat,
  parseOllamaGenerate,
} from './ollama-native.ts';

const usage: Usage = { promptTokens: 10, completionTokens: 4, cachedPromptTokens: 0 };
const durations = { total: 5_000_000, load: 0, promptEval: 1_000_000, eval: 4_000_000 };

describe('parseOllamaChat', () => {
  it('turns a request into a ChatCall, streaming by default as Ollama does', () => {
    expect(
      parseOllamaChat({
        model: 'llama3.2',
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'what is this', images: ['iVBORw0KGgo='] },
        ],
        format: 'json',
        options: { temperature: 0.2, top_p: 0.9, num_predict: 64, stop: ['END'], seed: 1, num_ctx: 8192 },
        keep_alive: '10m',
      }),
    ).toEqual({
      model: 'llama3.2',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'what is this', images: ['iVBORw0KGgo='] },
      ],
      stream: true,
      format: 'json',
      temperature: 0.2,
      topP: 0.9,
      maxTokens: 64,
      stop: ['END'],
      seed: 1,
      // Every option and keep_alive travel on to an Ollama upstream as they came.
      ollama: {
        options: { temperature: 0.2, top_p: 0.9, num_predict: 64, stop: ['END'], seed: 1, num_ctx: 8192 },
        keepAlive: '10m',
      },
    });
  });

  it('honours stream false, a schema format, and an endless num_predict', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(
      parseOllamaChat({
        model: 'llama3.2',
        messages: [{ role: 'user', content: 'hi' }],
        stream: false,
        format: schema,
        options: { num_predict: -1 },
      }),
    ).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'hi' }],
      stream: false,
      format: schema,
      ollama: { options: { num_predict: -1 } },
    });
  });

  it('carries tools, tool calls and tool results, pairing results with calls by name', () => {
    const call = parseOllamaChat({
      model: 'llama3.2',
      messages: [
        { role: 'user', content: 'weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { function: { name: 'weather', arguments: { city: 'Paris' } } },
            { function: { name: 'time', arguments: { city: 'Rome' } } },
          ],
        },
        { role: 'tool', content: '12:00', tool_name: 'time' },
        { role: 'tool', content: 'sunny' },
      ],
      tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }],
      think: true,
    });
    expect(call.tools).toEqual([{ name: 'weather', parameters: { type: 'object' } }]);
    expect(call.messages[1]?.toolCalls).toEqual([
      { id: 'call_1_0', name: 'weather', arguments: '{"city":"Paris"}' },
      { id: 'call_1_1', name: 'time', arguments: '{"city":"Rome"}' },
    ]);
    expect(call.messages[2]).toMatchObject({ toolCallId: 'call_1_1', toolName: 'time' });
    expect(call.messages[3]).toMatchObject({ toolCallId: 'call_1_0', toolName: 'weather' });
    expect(call.ollama).toEqual({ think: true });
  });

  it.each([
    ['no model', { messages: [] }, 'model'],
    ['messages that are not a list', { model: 'm', messages: 'hi' }, 'messages'],
    ['an unknown role', { model: 'm', messages: [{ role: 'robot', content: 'hi' }] }, 'messages[0].role'],
    [
      'content that is not text',
      { model: 'm', messages: [{ role: 'user', content: 5 }] },
      'messages[0].content',
    ],
    [
      'images that are not strings',
      { model: 'm', messages: [{ role: 'user', content: '', images: [1] }] },
      'messages[0].images',
    ],
    ['a format of another kind', { model: 'm', messages: [], format: 'xml' }, 'format'],
    [
      'a temperature that is not a number',
      { model: 'm', messages: [], options: { temperature: 'hot' } },
      'options.temperature',
    ],
    ['stream that is not a boolean', { model: 'm', messages: [], stream: 'yes' }, 'stream'],
  ])('refuses %s with a 400 naming the field', (_name, body, field) => {
    let caught: unknown;
    try {
      parseOllamaChat(body);
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught)).toBe(true);
    expect(caught).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', details: { field } });
  });
});

describe('parseOllamaGenerate', () => {
  it('makes system a system message and prompt (with images) a user message', () => {
    expect(
      parseOllamaGenerate({
        model: 'llava',
        system: 'be brief',
        prompt: 'describe',
        images: ['/9j/'],
        stream: false,
      }),
    ).toEqual({
      model: 'llava',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'describe', images: ['/9j/'] },
      ],
      stream: false,
    });
  });

  it('gives no messages for an empty prompt (Ollama then only loads the model)', () => {
    expect(parseOllamaGenerate({ model: 'llama3.2' })).toEqual({
      model: 'llama3.2',
      messages: [],
      stream: true,
    });
  });
});

describe('the renderers', () => {
  it('produce Ollama objects field by field, in Ollama order', () => {
    const at = new Date('2026-10-31T18:00:00.123Z');
    const chunk = ollamaChatChunk('llama3.2', 'hel', at);
    expect(chunk).toEqual({
      model: 'llama3.2',
      created_at: '2026-10-31T18:00:00.123Z',
      message: { role: 'assistant', content: 'hel' },
      done: false,
    });
    const final = ollamaChatFinal('llama3.2', usage, 'length', durations, '', at);
    expect(Object.keys(final)).toEqual([
      'model',
      'created_at',
      'message',
      'done_reason',
      'done',
      'total_duration',
      'load_duration',
      'prompt_eval_count',
      'prompt_eval_duration',
      'eval_count',
      'eval_duration',
    ]);
    expect(final).toMatchObject({
      message: { role: 'assistant', content: '' },
      done_reason: 'length',
      done: true,
      total_duration: 5_000_000,
      prompt_eval_count: 10,
      eval_count: 4,
    });
    expect(ollamaChatFinal('m', usage, 'content_filter', durations, '', at).done_reason).toBe('stop');
    expect(ollamaGenerateChunk('m', 'x', at)).toMatchObject({ response: 'x', done: false });
    expect(ollamaGenerateFinal('m', usage, 'stop', durations, 'all', at)).toMatchObject({
      response: 'all',
      done: true,
      done_reason: 'stop',
      eval_duration: 4_000_000,
    });
    expect(ndjsonLine(ollamaError('boom'))).toBe('{"error":"boom"}\n');
  });

  it('measures durations in nanoseconds from hrtime readings', () => {
    expect(measureDurations(1_000n, 3_000n, 10_000n)).toEqual({
      total: 9_000,
      load: 0,
      promptEval: 2_000,
      eval: 7_000,
    });
  });
});

describe('rendered answers read by the official ollama client', () => {
  const KEY = 'sk-ant-user-key';
  let anthropic: AnthropicStandIn;
  let front: Server;
  let client: Ollama;

  // The smallest gateway: Ollama-native in front, the Anthropic provider behind.
  beforeAll(async () => {
    anthropic = await startAnthropicStandIn({
      apiKeys: [KEY],
      models: ['claude-sonnet-4-5'],
      tokensPerReply: 4,
    });
    front = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const isChat = req.url === '/api/chat';
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const call = isChat ? parseOllamaChat(body) : parseOllamaGenerate(body);
        const startedAt = process.hrtime.bigint();
        let firstTokenAt: bigint | undefined;
        let text = '';
        const events = anthropicProvider.chat(
          { baseUrl: anthropic.url, apiKey: KEY },
          { ...call, model: 'claude-sonnet-4-5' },
          new AbortController().signal,
        );
        res.writeHead(200, { 'content-type': call.stream ? 'application/x-ndjson' : 'application/json' });
        try {
          for await (const event of events) {
            if (event.type === 'delta') {
              firstTokenAt ??= process.hrtime.bigint();
              if (!call.stream) text += event.content;
              else if (isChat) res.write(ndjsonLine(ollamaChatChunk(call.model, event.content, new Date())));
              else res.write(ndjsonLine(ollamaGenerateChunk(call.model, event.content, new Date())));
              continue;
            }
            if (event.type !== 'done') continue;
            const timings = measureDurations(startedAt, firstTokenAt);
            const final = isChat
              ? ollamaChatFinal(call.model, event.usage, event.doneReason, timings, text, new Date())
              : ollamaGenerateFinal(call.model, event.usage, event.doneReason, timings, text, new Date());
            res.end(call.stream ? ndjsonLine(final) : JSON.stringify(final));
          }
        } catch (error) {
          res.end(ndjsonLine(ollamaError((error as Error).message)));
        }
      });
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    client = new Ollama({ host: `http://127.0.0.1:${(front.address() as AddressInfo).port}` });
  });
  afterAll(async () => {
    front.closeAllConnections();
    front.close();
    await anthropic.kill();
    await closeUpstreamConnections();
  });

  const messages = [{ role: 'user', content: 'why is the sky blue' }];

  it('accepts a whole chat answer', async () => {
    const reply = await client.chat({ model: 'claude-sonnet-4-5', messages, stream: false });
    expect(reply).toMatchObject({
      model: 'claude-sonnet-4-5',
      message: { role: 'assistant', content: 'why is the sky' },
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 5,
      eval_count: 4,
    });
    expect(reply.total_duration).toBeGreaterThan(0);
  });

  it('accepts a streamed chat ending with the counts', async () => {
    const parts = [];
    for await (const part of await client.chat({ model: 'claude-sonnet-4-5', messages, stream: true })) {
      parts.push(part);
    }
    expect(parts.map((p) => p.message.content).join('')).toBe('why is the sky');
    expect(parts.at(-1)).toMatchObject({
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 5,
      eval_count: 4,
    });
  });

  it('accepts generate answers, whole and streamed', async () => {
    const whole = await client.generate({
      model: 'claude-sonnet-4-5',
      prompt: 'tell me a story',
      stream: false,
    });
    expect(whole).toMatchObject({ response: 'tell me a story', done: true, eval_count: 4 });
    const parts = [];
    for await (const part of await client.generate({
      model: 'claude-sonnet-4-5',
      prompt: 'tell me a story',
      stream: true,
    })) {
      parts.push(part);
    }
    expect(parts.map((p) => p.response).join('')).toBe('tell me a story');
    expect(parts.at(-1)).toMatchObject({ done: true, prompt_eval_count: 4 });
  });

  it('surfaces an error object inside the stream as an error in the client', async () => {
    anthropic.setOptions({ failAfterChunks: 1 });
    try {
      const consume = async () => {
        for await (const _part of await client.chat({ model: 'claude-sonnet-4-5', messages, stream: true })) {
          // reading on until the error
        }
      };
      await expect(consume()).rejects.toThrow(/Anthropic cut the connection/);
    } finally {
      anthropic.setOptions({ failAfterChunks: undefined });
    }
  });
});

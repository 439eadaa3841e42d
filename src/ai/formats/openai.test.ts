// The OpenAI-compatible front: request parsing, and rendered answers read by the official
// `openai` client from a small node:http server that translates an Ollama stand-in's answers.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OllamaStandIn, startOllamaStandIn } from '../../../test/stand-ins/ollama.ts';
import { isAppError } from '../../platform/errors.ts';
import { closeUpstreamConnections } from '../providers/http.ts';
import { ollamaProvider } from '../providers/ollama.ts';
import type { Usage } from '../providers/types.ts';
import {
  openaiChunk,
  openaiCompletion,
  openaiCompletionId,
  openaiUsageChunk,
  parseOpenAIChat,
  SSE_DONE,
  sseData,
} from './openai.ts';

const usage: Usage = { promptTokens: 10, completionTokens: 4, cachedPromptTokens: 6 };

describe('parseOpenAIChat', () => {
  it('turns a request into a ChatCall', () => {
    expect(
      parseOpenAIChat({
        model: 'gpt-4o',
        messages: [
          { role: 'developer', content: 'be brief' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            ],
          },
          { role: 'assistant', content: null },
        ],
        stream: true,
        stream_options: { include_usage: true },
        response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
        max_tokens: 50,
        max_completion_tokens: 100,
        temperature: 0.7,
        top_p: 0.9,
        stop: 'END',
        seed: 42,
        n: 1,
      }),
    ).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'what is this', images: ['iVBORw0KGgo='] },
        { role: 'assistant', content: '' },
      ],
      stream: true,
      includeUsage: true,
      choices: 1,
      format: { type: 'object' },
      maxTokens: 100,
      temperature: 0.7,
      topP: 0.9,
      stop: ['END'],
      seed: 42,
    });
  });

  it('does not stream unless asked, and maps json_object to "json" and max_tokens to maxTokens', () => {
    expect(
      parseOpenAIChat({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'hi' }],
        response_format: { type: 'json_object' },
        max_tokens: 5,
      }),
    ).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      stream: false,
      includeUsage: false,
      choices: 1,
      format: 'json',
      maxTokens: 5,
    });
  });

  it.each([
    ['a model that is not a string', { model: 42, messages: [{ role: 'user', content: 'hi' }] }, 'model'],
    ['no messages', { model: 'gpt-4o', messages: [] }, 'messages'],
    ['n above 8', { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], n: 9 }, 'n'],
    [
      'a tool message without tool_call_id',
      { model: 'gpt-4o', messages: [{ role: 'tool', content: 'sunny' }] },
      'messages[0].tool_call_id',
    ],
    [
      'a tool_choice naming an unknown tool',
      {
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'hi' }],
        tools: [{ type: 'function', function: { name: 'weather' } }],
        tool_choice: { type: 'function', function: { name: 'time' } },
      },
      'tool_choice',
    ],
    [
      'an unknown role',
      { model: 'gpt-4o', messages: [{ role: 'robot', content: 'hi' }] },
      'messages[0].role',
    ],
    [
      'a remote image',
      {
        model: 'gpt-4o',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }],
      },
      'messages[0].content[0]',
    ],
    [
      'a temperature above 2',
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], temperature: 3 },
      'temperature',
    ],
    [
      'a tool without a name',
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function' }] },
      'tools[0]',
    ],
  ])('refuses %s with a 400 naming the field', (_name, body, field) => {
    let caught: unknown;
    try {
      parseOpenAIChat(body);
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught)).toBe(true);
    expect(caught).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', details: { field } });
  });
});

describe('tools in parseOpenAIChat', () => {
  it('carries tools, tool_choice, parallel_tool_calls, tool calls and results', () => {
    const call = parseOpenAIChat({
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_a', content: 'snow' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'weather',
            description: 'the weather',
            parameters: { type: 'object' },
            strict: true,
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      parallel_tool_calls: false,
      n: 3,
    });
    expect(call.tools).toEqual([
      { name: 'weather', description: 'the weather', parameters: { type: 'object' }, strict: true },
    ]);
    expect(call.toolChoice).toEqual({ name: 'weather' });
    expect(call.parallelToolCalls).toBe(false);
    expect(call.choices).toBe(3);
    expect(call.messages[1]).toEqual({
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'call_a', name: 'weather', arguments: '{"city":"Oslo"}' }],
    });
    expect(call.messages[2]).toEqual({
      role: 'tool',
      content: 'snow',
      toolCallId: 'call_a',
      toolName: 'weather',
    });
  });
});

describe('the renderers', () => {
  it('produce OpenAI objects field by field', () => {
    const id = openaiCompletionId();
    expect(id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(openaiCompletion(id, 'gpt-4o', 'hello', usage, 'stop', 1_700_000_000)).toEqual({
      id,
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-4o',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'hello', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 4,
        total_tokens: 14,
        prompt_tokens_details: { cached_tokens: 6 },
      },
    });
    expect(openaiChunk(id, 'gpt-4o', 'hel', undefined, { created: 1, includeUsage: true })).toEqual({
      id,
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o',
      choices: [{ index: 0, delta: { content: 'hel' }, logprobs: null, finish_reason: null }],
      usage: null,
    });
    expect(openaiChunk(id, 'gpt-4o', {}, 'length', { created: 1 }).choices[0]?.finish_reason).toBe('length');
    expect(openaiUsageChunk(id, 'gpt-4o', usage, 1)).toMatchObject({
      choices: [],
      usage: { total_tokens: 14 },
    });
    expect(sseData({ a: 1 })).toBe('data: {"a":1}\n\n');
    expect(SSE_DONE).toBe('data: [DONE]\n\n');
  });
});

describe('rendered answers read by the official openai client', () => {
  let ollama: OllamaStandIn;
  let front: Server;
  let client: OpenAI;

  // The smallest gateway: OpenAI in front, the Ollama provider behind.
  beforeAll(async () => {
    ollama = await startOllamaStandIn({ models: ['llama3.2:latest'], tokensPerReply: 4 });
    front = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const call = parseOpenAIChat(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        const id = openaiCompletionId();
        const created = Math.floor(Date.now() / 1000);
        const events = ollamaProvider.chat({ baseUrl: ollama.url }, call, new AbortController().signal);
        if (!call.stream) {
          let text = '';
          for await (const event of events) {
            if (event.type === 'delta') text += event.content;
            else if (event.type === 'done') {
              res.writeHead(200, { 'content-type': 'application/json' });
              res.end(
                JSON.stringify(
                  openaiCompletion(id, event.model, text, event.usage, event.doneReason, created),
                ),
              );
            }
          }
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const options = { created, includeUsage: call.includeUsage };
        res.write(
          sseData(openaiChunk(id, call.model, { role: 'assistant', content: '' }, undefined, options)),
        );
        for await (const event of events) {
          if (event.type === 'delta') {
            res.write(sseData(openaiChunk(id, call.model, event.content, undefined, options)));
            continue;
          }
          if (event.type !== 'done') continue;
          res.write(sseData(openaiChunk(id, event.model, {}, event.doneReason, options)));
          if (call.includeUsage) res.write(sseData(openaiUsageChunk(id, event.model, event.usage, created)));
        }
        res.end(SSE_DONE);
      });
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    client = new OpenAI({
      apiKey: 'calos-token',
      baseURL: `http://127.0.0.1:${(front.address() as AddressInfo).port}/v1`,
      maxRetries: 0,
    });
  });
  afterAll(async () => {
    front.closeAllConnections();
    front.close();
    await ollama.kill();
    await closeUpstreamConnections();
  });

  const messages = [{ role: 'user' as const, content: 'why is the sky blue' }];

  it('accepts a whole completion', async () => {
    const completion = await client.chat.completions.create({ model: 'llama3.2:latest', messages });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'llama3.2:latest',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'why is the sky' }, finish_reason: 'stop' },
      ],
      usage: {
        prompt_tokens: 5,
        completion_tokens: 4,
        total_tokens: 9,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    });
  });

  it('accepts a stream with include_usage, ending with the usage chunk and [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: 'llama3.2:latest',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('why is the sky');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 4 } });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('accepts a stream read with the client helper that assembles the final completion', async () => {
    const runner = client.chat.completions.stream({ model: 'llama3.2:latest', messages });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('why is the sky');
    expect(final.choices[0]?.finish_reason).toBe('stop');
  });
});

// The OpenAI stand-in (and its DeepSeek dialect), driven by the official `openai` client.
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OpenAIStandIn, startOpenAIStandIn } from './openai.ts';

const KEY = 'sk-user-byok-1234567890';
let standIn: OpenAIStandIn;

const clientFor = (url: string, apiKey = KEY) => new OpenAI({ apiKey, baseURL: `${url}/v1`, maxRetries: 0 });
const user = (content: string) => ({ role: 'user' as const, content });

afterEach(() => standIn.close());

describe('the OpenAI stand-in with the official client', () => {
  beforeEach(async () => {
    standIn = await startOpenAIStandIn({ apiKeys: [KEY], models: ['gpt-4o-mini'], tokensPerReply: 3 });
  });

  it('completes a chat with usage, and the user key reaches the server', async () => {
    const completion = await clientFor(standIn.url).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'system', content: 'be kind' }, user('hello big world')],
    });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'hello big world' }, finish_reason: 'stop' },
      ],
      usage: {
        prompt_tokens: 5,
        completion_tokens: 3,
        total_tokens: 8,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    });
    expect(standIn.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('answers embeddings as OpenAI does: floats, base64 (the client decodes it), dimensions, usage', async () => {
    standIn.setOptions({ models: ['text-embedding-3-small'] });
    const client = clientFor(standIn.url);
    const floats = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['red soup', 'blue'],
      encoding_format: 'float',
      dimensions: 4,
    });
    expect(floats).toMatchObject({
      object: 'list',
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
    expect(floats.data.map((d) => [d.object, d.index, d.embedding.length])).toEqual([
      ['embedding', 0, 4],
      ['embedding', 1, 4],
    ]);
    // Without encoding_format the client asks for base64 and decodes the float32 bytes itself.
    const decoded = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'red soup',
      dimensions: 4,
    });
    expect(decoded.data[0]?.embedding).toEqual(floats.data[0]?.embedding);
    expect(standIn.requests.at(-1)?.body).toMatchObject({ encoding_format: 'base64' });
    await expect(
      client.embeddings.create({ model: 'text-embedding-3-small', input: '' }),
    ).rejects.toMatchObject({
      status: 400,
    });
    await expect(client.embeddings.create({ model: 'nope', input: 'x' })).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
  });

  it('streams with include_usage: a usage chunk with empty choices comes last', async () => {
    const stream = await clientFor(standIn.url).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [user('one two three four')],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks[0]?.choices[0]?.delta).toMatchObject({ role: 'assistant', content: '' });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('one two three');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 },
    });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('ends the raw stream with data: [DONE], and leaves usage out without include_usage', async () => {
    const response = await fetch(`${standIn.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [user('hi')], stream: true }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await response.text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text).not.toContain('"usage"');
  });

  it('reports cached prompt tokens when the first message repeats', async () => {
    const client = clientFor(standIn.url);
    const system = { role: 'system' as const, content: 'a long shared system prompt' };
    const ask = (question: string) =>
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: [system, user(question)] });
    expect((await ask('first question')).usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect((await ask('second question')).usage).toMatchObject({
      prompt_tokens: 7,
      prompt_tokens_details: { cached_tokens: 5 },
    });
    standIn.setOptions({ cachedPromptTokens: 3 });
    expect((await ask('third')).usage?.prompt_tokens_details?.cached_tokens).toBe(3);
  });

  it('refuses a wrong key with 401 and OpenAI error body: AuthenticationError', async () => {
    const call = clientFor(standIn.url, 'sk-wrong-key-abcdef').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [user('hi')],
    });
    await expect(call).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(call).rejects.toMatchObject({
      status: 401,
      code: 'invalid_api_key',
      type: 'invalid_request_error',
      param: null,
      message: expect.stringContaining('Incorrect API key provided: sk-************cdef'),
    });
  });

  it('shapes JSON for response_format, cuts at max_tokens, and lists models', async () => {
    const client = clientFor(standIn.url);
    const shaped = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [user('x y z')],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'r', schema: { type: 'object', properties: { ok: { type: 'boolean' } } } },
      },
    });
    expect(JSON.parse(shaped.choices[0]?.message.content ?? '')).toEqual({ ok: true });

    const cut = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [user('x y z')],
      max_completion_tokens: 1,
    });
    expect(cut.choices[0]).toMatchObject({ message: { content: 'x' }, finish_reason: 'length' });

    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['gpt-4o-mini']);
    await expect(
      client.chat.completions.create({ model: 'gpt-5-nope', messages: [user('hi')] }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('breaks an SSE stream after failAfterChunks, before [DONE]', async () => {
    standIn.setOptions({ failAfterChunks: 1, tokensPerReply: 5 });
    const stream = await clientFor(standIn.url).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [user('a b c d e')],
      stream: true,
    });
    const contents: string[] = [];
    const consume = async () => {
      for await (const chunk of stream) contents.push(chunk.choices[0]?.delta.content ?? '');
    };
    await expect(consume()).rejects.toThrow();
    expect(contents.join('')).toBe('a');
  });
});

describe('the same stand-in playing DeepSeek', () => {
  beforeEach(async () => {
    standIn = await startOpenAIStandIn({
      apiKeys: [KEY],
      models: ['deepseek-chat'],
      dialect: 'deepseek',
      tokensPerReply: 2,
    });
  });

  it('serves the API with and without /v1 and reports cache hits in DeepSeek fields', async () => {
    const client = new OpenAI({ apiKey: KEY, baseURL: standIn.url, maxRetries: 0 });
    const messages = [user('shared prefix here'), user('q')];
    await client.chat.completions.create({ model: 'deepseek-chat', messages });
    const second = await clientFor(standIn.url).chat.completions.create({ model: 'deepseek-chat', messages });
    expect(second.usage).toMatchObject({
      prompt_tokens: 4,
      prompt_tokens_details: { cached_tokens: 3 },
      prompt_cache_hit_tokens: 3,
      prompt_cache_miss_tokens: 1,
    });
    expect(standIn.requests.map((r) => r.path)).toEqual(['/chat/completions', '/v1/chat/completions']);
  });

  it('refuses a wrong key in DeepSeek words', async () => {
    const call = clientFor(standIn.url, 'sk-nope-9999').chat.completions.create({
      model: 'deepseek-chat',
      messages: [user('hi')],
    });
    await expect(call).rejects.toMatchObject({
      status: 401,
      type: 'authentication_error',
      message: expect.stringContaining('Authentication Fails, Your api key: ****9999 is invalid'),
    });
  });
});

describe('legacy completions on the OpenAI stand-in with the official client', () => {
  beforeEach(async () => {
    standIn = await startOpenAIStandIn({
      apiKeys: [KEY],
      models: ['gpt-4o-mini', 'gpt-3.5-turbo-instruct'],
      tokensPerReply: 3,
    });
  });

  it('answers a completion model whole, n per prompt, with max_tokens 16 unless set', async () => {
    const whole = await clientFor(standIn.url).completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: ['red soup now', 'green'],
      n: 2,
      max_tokens: 2,
    });
    expect(whole).toMatchObject({ object: 'text_completion', model: 'gpt-3.5-turbo-instruct' });
    expect(whole.id).toMatch(/^cmpl-/);
    expect(whole.choices.map((c) => [c.index, c.text, c.finish_reason])).toEqual([
      [0, 'red soup', 'length'],
      [1, 'red soup', 'length'],
      [2, 'green green', 'length'],
      [3, 'green green', 'length'],
    ]);
    expect(whole.usage).toEqual({ prompt_tokens: 4, completion_tokens: 8, total_tokens: 12 });
  });

  it('streams chunks per choice, the finish reasons, then the usage when asked, and refuses a chat model', async () => {
    const stream = await clientFor(standIn.url).completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'tell a story',
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        text += choice.text;
        finish = choice.finish_reason ?? finish;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect([text, finish]).toEqual(['tell a story', 'stop']);
    expect(usage).toEqual({ prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 });

    const chat = await clientFor(standIn.url)
      .completions.create({ model: 'gpt-4o-mini', prompt: 'x' })
      .catch((error: unknown) => error as InstanceType<typeof OpenAI.APIError>);
    expect(chat).toMatchObject({
      status: 404,
      param: 'model',
      message: expect.stringContaining('This is a chat model'),
    });
  });
});

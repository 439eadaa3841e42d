// The Ollama stand-in, driven by the official `ollama` client as the gateway's callers will.
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OllamaStandIn, startOllamaStandIn } from './ollama.ts';

let standIn: OllamaStandIn;
let ollama: Ollama;

beforeEach(async () => {
  standIn = await startOllamaStandIn({ models: ['llama3.2:latest', 'mistral:7b'], tokensPerReply: 4 });
  ollama = new Ollama({ host: standIn.url, headers: { authorization: 'Bearer calos-token' } });
});
afterEach(() => standIn.close());

const ask = (content: string) => [{ role: 'user', content }];

describe('the Ollama stand-in with the official client', () => {
  it('answers a chat at once with the reply, counts and durations', async () => {
    const reply = await ollama.chat({
      model: 'llama3.2',
      messages: ask('why is the sky blue'),
      stream: false,
    });
    expect(reply).toMatchObject({
      model: 'llama3.2',
      message: { role: 'assistant', content: 'why is the sky' },
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 5,
      eval_count: 4,
    });
    for (const key of ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration'] as const) {
      expect(reply[key]).toBeGreaterThan(0);
    }
  });

  it('streams a chat one word per chunk and ends with the counts', async () => {
    const chunks = [];
    const stream = await ollama.chat({
      model: 'mistral:7b',
      messages: ask('one two three four five'),
      stream: true,
    });
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.message.content)).toEqual(['one', ' two', ' three', ' four', '']);
    expect(chunks.slice(0, -1).every((c) => !c.done)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 5,
      eval_count: 4,
    });
  });

  it('streams by default when the request does not say, as Ollama does', async () => {
    const response = await fetch(`${standIn.url}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ model: 'llama3.2', messages: ask('hello there') }),
    });
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await response.text()).trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({ done: true, eval_count: 4 });
  });

  it('generates, with JSON shaped by a schema when `format` asks for one', async () => {
    const plain = await ollama.generate({ model: 'llama3.2', prompt: 'tell me a story', system: 'be brief' });
    expect(plain).toMatchObject({ response: 'tell me a story', prompt_eval_count: 6, eval_count: 4 });
    expect(plain.context.length).toBeGreaterThan(0);

    const schema = {
      type: 'object',
      properties: {
        age: { type: 'integer' },
        available: { type: 'boolean' },
        mood: { enum: ['calm', 'busy'] },
      },
      required: ['age', 'available'],
    };
    const shaped = await ollama.generate({ model: 'llama3.2', prompt: 'Ollama is 22', format: schema });
    expect(JSON.parse(shaped.response ?? '')).toEqual({ age: 4, available: true, mood: 'calm' });
    const json = await ollama.generate({ model: 'llama3.2', prompt: 'say hi', format: 'json' });
    expect(JSON.parse(json.response ?? '')).toEqual({ reply: 'say hi say hi' });
  });

  it('answers scripted replies in order, including malformed JSON', async () => {
    standIn.script('{"age": 22}', '{"age": 2');
    const first = await ollama.chat({ model: 'llama3.2', messages: ask('x'), format: 'json' });
    const second = await ollama.chat({ model: 'llama3.2', messages: ask('x'), format: 'json', stream: true });
    const streamed: string[] = [];
    for await (const chunk of second) streamed.push(chunk.message.content);
    const third = await ollama.chat({ model: 'llama3.2', messages: ask('back to default') });

    expect(first.message.content).toBe('{"age": 22}');
    expect(first.eval_count).toBe(2);
    expect(streamed.join('')).toBe('{"age": 2');
    expect(third.message.content).toBe('back to default back');
  });

  it('stops at num_predict words with done_reason "length"', async () => {
    const reply = await ollama.chat({
      model: 'llama3.2',
      messages: ask('a b c d e'),
      options: { num_predict: 2 },
    });
    expect(reply).toMatchObject({ message: { content: 'a b' }, done_reason: 'length', eval_count: 2 });
  });

  it('embeds deterministically: unit vectors, equal for equal texts', async () => {
    const result = await ollama.embed({ model: 'llama3.2', input: ['the sky', 'the sea', 'the sky'] });
    expect(result.prompt_eval_count).toBe(6);
    const [sky, sea, skyAgain] = result.embeddings;
    expect(sky).toEqual(skyAgain);
    expect(sky).not.toEqual(sea);
    expect(Math.hypot(...(sky as number[]))).toBeCloseTo(1, 5);
    const short = await ollama.embed({ model: 'llama3.2', input: 'the sky', dimensions: 4 });
    expect(short.embeddings[0]).toHaveLength(4);
  });

  it('lists installed models, loaded models and the version', async () => {
    const list = await ollama.list();
    expect(list.models.map((m) => m.name)).toEqual(['llama3.2:latest', 'mistral:7b']);
    expect(list.models[1]?.details).toMatchObject({
      family: 'mistral',
      parameter_size: '7B',
      format: 'gguf',
    });
    expect((await ollama.ps()).models).toEqual([]);

    await ollama.chat({ model: 'mistral:7b', messages: ask('load it') });
    const ps = await ollama.ps();
    expect(ps.models.map((m) => m.name)).toEqual(['mistral:7b']);
    expect(new Date(ps.models[0]?.expires_at as Date).getTime()).toBeGreaterThan(Date.now());

    standIn.setOptions({ loaded: ['llama3.2'], version: '0.9.9' });
    expect((await ollama.ps()).models.map((m) => m.name)).toEqual(['llama3.2:latest']);
    expect(await ollama.version()).toEqual({ version: '0.9.9' });
  });

  it('refuses an unknown model with 404 in Ollama words', async () => {
    await expect(ollama.chat({ model: 'phi3', messages: ask('hi') })).rejects.toMatchObject({
      status_code: 404,
      error: 'model "phi3" not found, try pulling it first',
    });
  });

  it('shows a model as Ollama does, and 404s one it does not have', async () => {
    const shown = await ollama.show({ model: 'llama3.2' });
    expect(shown).toMatchObject({
      details: { format: 'gguf', family: 'llama' },
      capabilities: ['completion', 'tools'],
    });
    expect(shown.modelfile).toContain('FROM');
    expect(typeof shown.template).toBe('string');
    await expect(ollama.show({ model: 'nope' })).rejects.toMatchObject({ status_code: 404 });
  });

  it('refuses suffix and think for models without insert or thinking, as Ollama does', async () => {
    await expect(ollama.generate({ model: 'llama3.2', prompt: 'a', suffix: 'b' })).rejects.toMatchObject({
      status_code: 400,
      error: 'registry.ollama.ai/library/llama3.2:latest does not support insert',
    });
    await expect(ollama.chat({ model: 'llama3.2', messages: ask('hi'), think: true })).rejects.toMatchObject({
      status_code: 400,
      error: '"llama3.2" does not support thinking',
    });
    standIn.setOptions({ models: ['qwen2.5-coder:7b', 'qwen3:8b'] });
    const filled = await ollama.generate({
      model: 'qwen2.5-coder:7b',
      prompt: 'a b',
      suffix: 'c',
      stream: false,
    });
    expect(filled.done).toBe(true);
    const thought = await ollama.chat({ model: 'qwen3:8b', messages: ask('hi'), think: true, stream: false });
    expect(thought.done).toBe(true);
  });

  it('records each request: path, model, headers and body', async () => {
    await ollama.chat({ model: 'llama3.2', messages: ask('remember me') });
    const [request] = standIn.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/api/chat',
      model: 'llama3.2',
      status: 200,
      outcome: 'completed',
      body: { messages: ask('remember me') },
    });
    expect(request?.headers.authorization).toBe('Bearer calos-token');
  });

  it('answers unknown paths, wrong methods, bad JSON and oversized bodies as Ollama does', async () => {
    const post = (path: string, body: string) => fetch(`${standIn.url}${path}`, { method: 'POST', body });
    const missing = await fetch(`${standIn.url}/api/nothing`);
    expect([missing.status, await missing.text()]).toEqual([404, '404 page not found']);
    const wrongMethod = await fetch(`${standIn.url}/api/chat`);
    expect(wrongMethod.status).toBe(405);
    const badJson = await post('/api/chat', '{"model":');
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toHaveProperty('error');
    const huge = await post(
      '/api/chat',
      JSON.stringify({ model: 'llama3.2', prompt: 'x'.repeat(1024 * 1024) }),
    );
    expect(huge.status).toBe(413);
  });
});

describe("the Ollama stand-in's OpenAI-compatible endpoint, with the official openai client", () => {
  it('answers /v1/chat/completions as Ollama does, and a model not installed with 404', async () => {
    const openai = new OpenAI({ baseURL: `${standIn.url}/v1`, apiKey: 'ollama' });
    const completion = await openai.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'why is the sky blue' }],
    });
    expect(completion.choices[0]).toMatchObject({
      message: { role: 'assistant', content: 'why is the sky' },
      finish_reason: 'stop',
    });
    expect(completion.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 4 });
    const missing = await openai.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(missing).toMatchObject({ status: 404 });
  });
});

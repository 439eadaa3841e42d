// The Ollama provider against the Ollama stand-in over real HTTP: whole and streamed answers,
// options and counts, and every way an instance fails.
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type OllamaStandIn, startOllamaStandIn } from '../../../test/stand-ins/ollama.ts';
import { closeUpstreamConnections } from './http.ts';
import { ndjsonLines, ollamaProvider } from './ollama.ts';
import { type ChatCall, type ChatEvent, UpstreamError } from './types.ts';

let standIn: OllamaStandIn;

beforeEach(async () => {
  standIn = await startOllamaStandIn({ models: ['llama3.2:latest', 'mistral:7b'], tokensPerReply: 4 });
});
afterEach(() => standIn.kill());
afterAll(() => closeUpstreamConnections());

const call = (extra: Partial<ChatCall> = {}): ChatCall => ({
  model: 'llama3.2:latest',
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

const run = (extra: Partial<ChatCall> = {}, signal = new AbortController().signal, url = standIn.url) =>
  ollamaProvider.chat({ baseUrl: url }, call(extra), signal);

describe('the Ollama provider', () => {
  it('streams the answer as deltas and ends with one done carrying the counts', async () => {
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
      model: 'llama3.2:latest',
      timings: {
        totalNs: expect.any(Number),
        loadNs: expect.any(Number),
        promptEvalNs: 700_000,
        evalNs: expect.any(Number),
      },
    });
    expect(standIn.requests[0]).toMatchObject({ path: '/api/chat', outcome: 'completed' });
  });

  it('answers a non-streamed call with the whole text and the same counts', async () => {
    const events = await collect(run({ stream: false }));
    expect(events).toEqual([
      { type: 'delta', content: 'why is the sky' },
      {
        type: 'done',
        usage: { promptTokens: 7, completionTokens: 4, cachedPromptTokens: 0 },
        doneReason: 'stop',
        model: 'llama3.2:latest',
        timings: expect.objectContaining({ totalNs: expect.any(Number) }),
      },
    ]);
    expect(standIn.requests[0]?.body).toMatchObject({ stream: false });
  });

  it('sends format and the sampling options the way Ollama names them, and maps a cut answer to "length"', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } } };
    const events = await collect(
      run({ format: schema, temperature: 0.2, topP: 0.9, maxTokens: 2, stop: ['END'], seed: 7 }),
    );
    expect(standIn.requests[0]?.body).toEqual({
      model: 'llama3.2:latest',
      messages: call().messages,
      stream: true,
      format: schema,
      options: { temperature: 0.2, top_p: 0.9, num_predict: 2, stop: ['END'], seed: 7 },
    });
    expect(events.at(-1)).toMatchObject({
      type: 'done',
      doneReason: 'length',
      usage: { completionTokens: 2 },
    });
  });

  it('passes images on with their message', async () => {
    await collect(run({ messages: [{ role: 'user', content: 'what is this', images: ['iVBORw0KGgo='] }] }));
    expect(standIn.requests[0]?.body).toMatchObject({
      messages: [{ role: 'user', content: 'what is this', images: ['iVBORw0KGgo='] }],
    });
  });

  it('yields each delta as it arrives, while the stream is still open', async () => {
    standIn.setOptions({ chunkDelayMs: 100 });
    const iterator = run()[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ type: 'delta', content: 'why' });
    expect(standIn.requests[0]?.outcome).toBe('pending');
    await iterator.return?.();
  });

  it('ends a stream cut off mid-way with UpstreamError "broken_stream", after the deltas that came', async () => {
    standIn.setOptions({ failAfterChunks: 2 });
    const seen: ChatEvent[] = [];
    const failure = await (async () => {
      for await (const event of run()) seen.push(event);
    })().catch((e: unknown) => e);
    expect(textOf(seen)).toBe('why is');
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure).toMatchObject({ kind: 'broken_stream', provider: 'ollama', isRetryable: false });
  });

  it('reports a refused connection as "unreachable", which may be retried elsewhere', async () => {
    const url = standIn.url;
    await standIn.kill();
    const failure = await collect(run({}, undefined, url)).catch((e: unknown) => e);
    expect(failure).toMatchObject({ kind: 'unreachable', provider: 'ollama', isRetryable: true });
  });

  it('reports an instance that dies before answering a non-streamed call as retryable', async () => {
    standIn.setOptions({ latencyMs: 2_000 });
    const pending = collect(run({ stream: false })).catch((e: unknown) => e);
    await vi.waitFor(() => expect(standIn.inFlight).toBe(1));
    await standIn.kill();
    expect(await pending).toMatchObject({ kind: 'unreachable', provider: 'ollama', isRetryable: true });
  });

  it('classifies error statuses: 500 is a retryable server error, a missing model is "not_found"', async () => {
    const missing = await collect(run({ model: 'qwen:7b' })).catch((e: unknown) => e);
    expect(missing).toMatchObject({ kind: 'not_found', status: 404 });
    expect((missing as Error).message).toContain('model "qwen:7b" not found');

    standIn.setOptions({ failWith: { status: 500 } });
    const broken = await collect(run()).catch((e: unknown) => e);
    expect(broken).toMatchObject({ kind: 'server_error', status: 500, isRetryable: true });
  });

  it('cancels the upstream request when aborted mid-stream: the stand-in sees the connection closed', async () => {
    standIn.setOptions({ chunkDelayMs: 200, tokensPerReply: 50 });
    const controller = new AbortController();
    const iterator = run({}, controller.signal)[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    await expect(iterator.next()).rejects.toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(standIn.requests[0]?.outcome).toBe('client-closed'), { timeout: 1_000 });
    expect(standIn.inFlight).toBe(0);
  });

  it('cancels the upstream request when aborted before the answer starts', async () => {
    standIn.setOptions({ latencyMs: 5_000 });
    const controller = new AbortController();
    const pending = collect(run({ stream: false }, controller.signal));
    await vi.waitFor(() => expect(standIn.inFlight).toBe(1));
    const startedAt = Date.now();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - startedAt).toBeLessThan(500);
    await vi.waitFor(() => expect(standIn.requests[0]?.outcome).toBe('client-closed'), { timeout: 1_000 });
  });
});

describe('ndjsonLines', () => {
  it('yields one JSON text per line as lines complete, skipping blank lines', async () => {
    async function* body() {
      const encode = (text: string) => new TextEncoder().encode(text);
      yield encode('{"a":1}\n{"b"');
      yield encode(':2}\n\n  \n{"c":3}');
    }
    const lines: string[] = [];
    for await (const line of ndjsonLines(body())) lines.push(line);
    expect(lines.map((line) => JSON.parse(line))).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });
});

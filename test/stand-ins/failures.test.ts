// The failure knobs the gateway's tests lean on: broken streams, crashes, error statuses,
// resets, hangs, latency and the in-flight counters.
import { Ollama } from 'ollama';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type OllamaStandIn, startOllamaStandIn } from './ollama.ts';

let standIn: OllamaStandIn;
let ollama: Ollama;

beforeEach(async () => {
  standIn = await startOllamaStandIn({ models: ['llama3.2:latest'], tokensPerReply: 10 });
  ollama = new Ollama({ host: standIn.url });
});
afterEach(() => standIn.kill());

const messages = [{ role: 'user', content: 'a b c d e f g h i j' }];
const chatRequest = (signal?: AbortSignal) =>
  fetch(`${standIn.url}/api/chat`, {
    method: 'POST',
    body: JSON.stringify({ model: 'llama3.2', messages, stream: false }),
    signal,
  });

describe('failure knobs', () => {
  it('failAfterChunks sends that many chunks, then cuts the connection before the end', async () => {
    standIn.setOptions({ failAfterChunks: 3 });
    const received: string[] = [];
    const consume = async () => {
      for await (const chunk of await ollama.chat({ model: 'llama3.2', messages, stream: true })) {
        received.push(chunk.message.content);
      }
    };
    await expect(consume()).rejects.toThrow();
    expect(received).toEqual(['a', ' b', ' c']);
    await vi.waitFor(() => expect(standIn.requests[0]?.outcome).toBe('broken'));
  });

  it('kill() cuts open streams and refuses new connections, like a crashed instance', async () => {
    standIn.setOptions({ chunkDelayMs: 50 });
    const stream = await ollama.chat({ model: 'llama3.2', messages, stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ message: { content: 'a' } });

    await standIn.kill();
    await expect(iterator.next()).rejects.toThrow();
    await expect(fetch(`${standIn.url}/api/version`)).rejects.toMatchObject({
      cause: { code: 'ECONNREFUSED' },
    });
    expect(standIn.requests[0]?.outcome).toBe('broken');
  });

  it('failWith { status } answers every path with that status in the provider error shape', async () => {
    standIn.setOptions({ failWith: { status: 503, headers: { 'retry-after': '7' } } });
    await expect(ollama.version()).rejects.toMatchObject({ status_code: 503 });
    const response = await chatRequest();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await response.json()).toEqual({ error: expect.any(String) });
  });

  it('records a client that leaves mid-stream', async () => {
    standIn.setOptions({ chunkDelayMs: 50 });
    const stream = await ollama.chat({ model: 'llama3.2', messages, stream: true });
    const readOneAndLeave = async () => {
      for await (const _chunk of stream) stream.abort();
    };
    await expect(readOneAndLeave()).rejects.toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(standIn.requests[0]?.outcome).toBe('client-closed'));
    expect(standIn.inFlight).toBe(0);
  });

  it('failPaths limits the failure to inference while health checks still pass', async () => {
    standIn.setOptions({ failWith: 'reset', failPaths: ['/api/chat'] });
    expect(await ollama.version()).toHaveProperty('version');
    await expect(chatRequest()).rejects.toMatchObject({ cause: { code: 'ECONNRESET' } });
    expect(standIn.requests.at(-1)).toMatchObject({
      path: '/api/chat',
      model: 'llama3.2',
      outcome: 'broken',
    });
  });

  it('hang never answers; the client giving up is recorded', async () => {
    standIn.setOptions({ failWith: 'hang' });
    await expect(chatRequest(AbortSignal.timeout(100))).rejects.toThrow();
    await vi.waitFor(() => expect(standIn.requests[0]?.outcome).toBe('client-closed'));
    expect(standIn.inFlight).toBe(0);
  });

  it('latencyMs holds the first byte back, and counts requests in flight at once', async () => {
    standIn.setOptions({ latencyMs: 150 });
    const started = performance.now();
    const pending = Array.from({ length: 5 }, () => chatRequest());
    await vi.waitFor(() => expect(standIn.inFlight).toBe(5));
    const responses = await Promise.all(pending);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(standIn.maxInFlight).toBe(5);
    await vi.waitFor(() => expect(standIn.inFlight).toBe(0));
  });

  it('close() lets an answer in progress finish', async () => {
    standIn.setOptions({ latencyMs: 100 });
    const pending = chatRequest();
    await vi.waitFor(() => expect(standIn.inFlight).toBe(1));
    const closed = standIn.close();
    const response = await pending;
    const body = (await response.json()) as { message: { content: string } };
    expect(body.message.content).toBe('a b c d e f g h i j');
    await closed;
  });
});

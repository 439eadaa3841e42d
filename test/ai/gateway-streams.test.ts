// The gateway's own long-lived answers (chat streamed as Ollama NDJSON and as OpenAI SSE) end
// within 2 s when the caller's access ends: signed out, account deleted, access token expired.
// The same rule as every other stream (platform/http/caller-access.ts); the last line says why,
// and the model upstream stops generating.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OllamaStandIn, startOllamaStandIn } from '../stand-ins/ollama.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

type Format = 'ndjson' | 'sse';

interface OpenStream {
  /** Lines received so far (NDJSON objects, or the data of SSE events). */
  lines: string[];
  waitForLine(match: (line: string) => boolean, ms?: number): Promise<string>;
  /** Resolves when the server ends the answer. */
  ended: Promise<void>;
}

describe.each(testEngines())('the gateway’s streams end when access ends, on %s', (engine) => {
  let platform: TestPlatform;
  let ollama: OllamaStandIn;

  beforeAll(async () => {
    // 400 words, one every 50 ms: a 20-second answer, cut long before it would end.
    ollama = await startOllamaStandIn({ models: ['llama3.2:latest'], tokensPerReply: 400, chunkDelayMs: 50 });
    platform = await startTestPlatform(engine, {
      services: ['identity', 'ai'],
      env: { OLLAMA_HOSTS: ollama.url },
    });
  });
  afterAll(async () => {
    await platform?.close();
    await ollama?.close();
  });

  async function openStream(user: TestUser, format: Format): Promise<OpenStream> {
    const response = await fetch(
      `${platform.url}${format === 'ndjson' ? '/ai/api/chat' : '/ai/v1/chat/completions'}`,
      {
        method: 'POST',
        headers: { ...user.headers, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'llama3.2',
          messages: [{ role: 'user', content: 'tell me a very long story' }],
          stream: true,
        }),
      },
    );
    expect(response.status).toBe(200);
    const lines: string[] = [];
    const waiters = new Set<() => void>();
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const ended = (async () => {
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        const parts = buffer.split('\n');
        buffer = parts.pop() ?? '';
        for (const part of parts) {
          const line = format === 'sse' ? (part.startsWith('data: ') ? part.slice(6) : '') : part;
          if (line.trim()) lines.push(line);
        }
        for (const wake of waiters) wake();
      }
    })();
    const waitForLine = async (match: (line: string) => boolean, ms = 5_000) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = lines.find(match);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`no such line within ${ms} ms: ${lines.slice(-3).join(' | ')}`);
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            resolve();
          };
          waiters.add(wake);
          setTimeout(wake, 50);
        });
      }
    };
    // Generation has started: the first words are here.
    await waitForLine((line) => line.includes(format === 'ndjson' ? '"message"' : '"delta"'));
    return { lines, waitForLine, ended };
  }

  /** The stream ends within 2 s with a last line naming `reason`, and the upstream is cut. */
  async function endsWithin2s(stream: OpenStream, format: Format, reason: string) {
    const started = performance.now();
    const last = await stream.waitForLine((line) => line.includes(`"${reason}"`), 2_000);
    await stream.ended;
    expect(performance.now() - started).toBeLessThan(2_000);
    const parsed = JSON.parse(last) as { error: unknown; reason?: string };
    if (format === 'ndjson') expect(parsed).toMatchObject({ reason, error: expect.any(String) });
    else expect(parsed.error).toMatchObject({ code: reason, type: 'access_ended' });
    // Nothing generated after the cut reaches the client, and the model stops.
    expect(stream.lines.at(-1) === last || (format === 'sse' && stream.lines.at(-1) === '[DONE]')).toBe(true);
  }

  const upstreamCut = async (before: number) => {
    const deadline = Date.now() + 2_000;
    for (;;) {
      const mine = ollama.requests.filter((r) => r.path === '/api/chat').slice(before);
      if (mine.length > 0 && mine.every((r) => r.outcome === 'client-closed')) return;
      if (Date.now() > deadline) throw new Error(`upstream still answering: ${mine.map((r) => r.outcome)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const chats = () => ollama.requests.filter((r) => r.path === '/api/chat').length;

  it.each(['ndjson', 'sse'] as const)('ends a %s stream when the caller signs out', async (format) => {
    const user = await given(platform).user();
    const before = chats();
    const stream = await openStream(user, format);
    const out = await platform.app.inject({
      method: 'POST',
      url: '/calos/api/auth/logout',
      headers: user.headers,
    });
    expect(out.statusCode).toBe(204);
    await endsWithin2s(stream, format, 'session_ended');
    await upstreamCut(before);
  });

  it.each(['ndjson', 'sse'] as const)('ends a %s stream when the account is deleted', async (format) => {
    const user = await given(platform).user();
    const stream = await openStream(user, format);
    const deleted = await platform.app.inject({
      method: 'DELETE',
      url: '/calos/api/account',
      headers: user.headers,
      payload: { password: user.password },
    });
    expect(deleted.statusCode).toBe(204);
    await endsWithin2s(stream, format, 'session_ended');
  });

  it.each(['ndjson', 'sse'] as const)('ends a %s stream when the access token expires', async (format) => {
    const user = await given(platform).user();
    const stream = await openStream(user, format);
    platform.clock.advance(301_000);
    try {
      await endsWithin2s(stream, format, 'token_expired');
    } finally {
      platform.clock.advance(-301_000);
    }
  });

  it('lets a stream of a caller who keeps access run to its end', async () => {
    const user = await given(platform).user();
    const other = await given(platform).user();
    ollama.setOptions({ tokensPerReply: 20 });
    try {
      const stream = await openStream(user, 'ndjson');
      await platform.app.inject({ method: 'POST', url: '/calos/api/auth/logout', headers: other.headers });
      await stream.ended;
      expect(JSON.parse(stream.lines.at(-1) as string)).toMatchObject({ done: true, eval_count: 20 });
    } finally {
      ollama.setOptions({ tokensPerReply: 400 });
    }
  });
});

// Upstream HTTP: line and event splitting at any chunk boundary, status classification,
// connection failures and timeouts, and keep-alive reuse.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import {
  closeUpstreamConnections,
  endpoint,
  request,
  sseEvents,
  statusError,
  textLines,
  upstreamMessage,
} from './http.ts';
import { UpstreamError } from './types.ts';

afterAll(() => closeUpstreamConnections());

async function* chunksOf(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? new TextEncoder().encode(part) : part;
}

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A URL nothing listens on. */
async function refusingUrl(): Promise<string> {
  const server = createServer();
  const url = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return url;
}

describe('textLines', () => {
  it('splits at every newline whatever the chunk boundaries, joining split UTF-8 characters', async () => {
    const euro = new TextEncoder().encode('€'); // three bytes
    const lines = await collect(
      textLines(
        chunksOf('first\r', '\nsec', 'ond\n\nprice ', euro.subarray(0, 1), euro.subarray(1), '5\nlast'),
      ),
    );
    expect(lines).toEqual(['first', 'second', '', 'price €5', 'last']);
  });
});

describe('sseEvents', () => {
  it('dispatches events at blank lines, with names, joined data lines and comments skipped', async () => {
    const events = await collect(
      sseEvents(
        chunksOf(
          ': keep-alive\n\n',
          'event: message_start\ndata: {"a"',
          ':1}\n\n',
          'data: one\ndata:two\n\n',
        ),
      ),
    );
    expect(events).toEqual([
      { event: 'message_start', data: '{"a":1}' },
      { event: 'message', data: 'one\ntwo' },
    ]);
  });

  it('never dispatches an event cut off before its blank line', async () => {
    const events = await collect(sseEvents(chunksOf('data: {"whole":true}\n\ndata: {"cut', 'off":')));
    expect(events).toEqual([{ event: 'message', data: '{"whole":true}' }]);
  });
});

describe('statusError', () => {
  it.each([
    [401, 'rejected_key', false],
    [403, 'rejected_key', false],
    [404, 'not_found', false],
    [429, 'rate_limited', false],
    [400, 'bad_request', false],
    [422, 'bad_request', false],
    [500, 'server_error', true],
    [529, 'server_error', true],
  ] as const)('classifies %i as %s', (status, kind, isRetryable) => {
    const error = statusError(status, 'upstream says no', 'openai');
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ kind, status, provider: 'openai', isRetryable });
    expect(error.message).toContain('upstream says no');
  });

  it('names the provider whose key was rejected', () => {
    expect(statusError(401, 'invalid x-api-key', 'anthropic').message).toBe(
      'Anthropic rejected the API key (401): invalid x-api-key',
    );
  });

  it('finds the message in each provider error shape', () => {
    expect(upstreamMessage('{"error":"model \\"x\\" not found"}')).toBe('model "x" not found');
    expect(upstreamMessage('{"error":{"message":"Incorrect API key","type":"invalid_request_error"}}')).toBe(
      'Incorrect API key',
    );
    expect(
      upstreamMessage('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'),
    ).toBe('Overloaded');
    expect(upstreamMessage('404 page not found')).toBe('404 page not found');
  });
});

describe('request', () => {
  it('turns a refused connection into a retryable UpstreamError "unreachable"', async () => {
    const url = await refusingUrl();
    const failure = await request(`${url}/api/version`, { provider: 'ollama' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure).toMatchObject({ kind: 'unreachable', provider: 'ollama', isRetryable: true });
    expect((failure as Error).message).toContain(url);
  });

  it('turns a response head that never comes into "timeout"', async () => {
    const server = createServer(() => undefined);
    const url = await listen(server);
    try {
      const failure = await request(`${url}/slow`, { headersTimeoutMs: 100 }).catch((e: unknown) => e);
      expect(failure).toMatchObject({ kind: 'timeout', isRetryable: true });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('reuses one keep-alive connection for requests one after another', async () => {
    let connections = 0;
    const server = createServer((_req, res) => res.end('{"ok":true}'));
    server.on('connection', () => {
      connections += 1;
    });
    const url = await listen(server);
    try {
      for (let i = 0; i < 10; i += 1) expect(await (await request(`${url}/x`)).json()).toEqual({ ok: true });
      // undici may open a second connection while the first is being released; then it reuses them.
      expect(connections).toBeLessThanOrEqual(2);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('reports a body cut off mid-way as "broken_stream"', async () => {
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write('{"part":1}\n', () => setTimeout(() => req.socket.destroy(), 20));
    });
    const url = await listen(server);
    try {
      const response = await request(`${url}/stream`, { provider: 'ollama' });
      const failure = await collect(response.body).catch((e: unknown) => e);
      expect(failure).toMatchObject({ kind: 'broken_stream', provider: 'ollama', isRetryable: false });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('rejects with the abort reason, not an UpstreamError, when the caller aborts', async () => {
    const server = createServer(() => undefined);
    const url = await listen(server);
    try {
      const controller = new AbortController();
      const pending = request(`${url}/slow`, { signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      const failure = await pending.catch((e: unknown) => e);
      expect(failure).not.toBeInstanceOf(UpstreamError);
      expect(failure).toMatchObject({ name: 'AbortError' });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('endpoint', () => {
  it('accepts a base URL with or without /v1 and a trailing slash', () => {
    expect(endpoint('https://api.openai.com', '/v1/chat/completions')).toBe(
      'https://api.openai.com/v1/chat/completions',
    );
    expect(endpoint('https://api.openai.com/v1/', '/v1/chat/completions')).toBe(
      'https://api.openai.com/v1/chat/completions',
    );
  });
});

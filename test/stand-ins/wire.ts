// Writing answers: whole JSON bodies, NDJSON and SSE streams, and the paced loop that sends a
// reply one word at a time and breaks off where the failure knobs say.
import type { ServerResponse } from 'node:http';
import type { CommonOptions, Exchange } from './server.ts';

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  const body = JSON.stringify(value);
  res.writeHead(status, {
    ...headers,
    'content-type': headers['content-type'] ?? 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  if (res.destroyed) return;
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Starts a chunked stream; node sends it with Transfer-Encoding: chunked. */
export function openStream(
  res: ServerResponse,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(200, { ...headers, 'content-type': contentType, 'cache-control': 'no-cache' });
  res.flushHeaders();
}

export const writeNdjson = (res: ServerResponse, value: unknown): void => {
  if (!res.destroyed) res.write(`${JSON.stringify(value)}\n`);
};

/** One server-sent event; Anthropic names its events, OpenAI sends bare `data:` lines. */
export const writeSse = (res: ServerResponse, data: unknown, event?: string): void => {
  if (res.destroyed) return;
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  res.write(`${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`);
};

/** Resolves after `ms`, or earlier when the connection closes. */
export function sleepWhileOpen(res: ServerResponse, ms: number): Promise<void> {
  if (ms <= 0 || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.once('close', done);
  });
}

/**
 * Sends the pieces through `write`, `chunkDelayMs` apart. With `failAfterChunks` set it sends at
 * most that many and then cuts the connection, so the end of the stream never arrives.
 * True when every piece went out and the caller should finish the stream.
 */
export async function streamPieces<O extends CommonOptions>(
  exchange: Exchange<O>,
  pieces: readonly string[],
  write: (piece: string) => void,
): Promise<boolean> {
  const { failAfterChunks, chunkDelayMs = 0 } = exchange.options;
  const count = Math.min(pieces.length, failAfterChunks ?? pieces.length);
  for (let i = 0; i < count; i += 1) {
    if (i > 0) await sleepWhileOpen(exchange.res, chunkDelayMs);
    if (exchange.res.destroyed) return false;
    write(pieces[i] as string);
  }
  if (failAfterChunks !== undefined) {
    exchange.breakConnection();
    return false;
  }
  if (count > 0) await sleepWhileOpen(exchange.res, chunkDelayMs);
  return !exchange.res.destroyed;
}

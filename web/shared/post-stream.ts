// A POST whose answer is a stream of server-sent events, read over fetch (EventSource can neither
// POST nor send the access token). What the server refuses before the stream opens comes back as
// an ordinary error answer and is thrown as an ApiError; aborting the signal closes the stream.
import { ApiError } from './errors.ts';
import type { StreamEvent } from './stream.ts';

export interface PostStreamOptions {
  body: unknown;
  token: string | null;
  signal: AbortSignal;
  headers?: Record<string, string>;
}

/** Resolves when the server ends the stream; every complete event is handed to onEvent first. */
export async function postForEvents(
  url: string,
  options: PostStreamOptions,
  onEvent: (event: StreamEvent) => void,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        accept: 'text/event-stream',
        'content-type': 'application/json',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'Network error');
  }
  if (!response.ok) throw await errorOf(response);
  if (!response.body) throw new ApiError(0, 'NETWORK', 'The answer had no body');
  try {
    await readEvents(response.body, onEvent);
  } catch (error) {
    if (options.signal.aborted || (error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'The stream broke');
  }
}

/** An error answer ({"error": {code, message, details}}) as an ApiError, with its Retry-After. */
async function errorOf(response: Response): Promise<ApiError> {
  const retry = Number(response.headers.get('retry-after'));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : undefined;
  let body: { error?: { code?: string; message?: string; details?: unknown } } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // Not JSON (a proxy's page): the status alone says what happened.
  }
  if (body.error && typeof body.error === 'object') {
    return new ApiError(
      response.status,
      body.error.code ?? 'UNKNOWN',
      body.error.message ?? response.statusText,
      body.error.details,
      retryAfter,
    );
  }
  const code = response.status === 429 ? 'RATE_LIMITED' : response.status >= 500 ? 'INTERNAL' : 'UNKNOWN';
  return new ApiError(response.status, code, response.statusText, undefined, retryAfter);
}

/** Splits an event stream into events: blocks end with a blank line; comments are heartbeats. */
export async function readEvents(
  body: NonNullable<Response['body']>,
  onEvent: (event: StreamEvent) => void,
): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let boundary = buffer.indexOf('\n\n');
    while (boundary >= 0) {
      const event = parseBlock(buffer.slice(0, boundary));
      buffer = buffer.slice(boundary + 2);
      if (event) onEvent(event);
      boundary = buffer.indexOf('\n\n');
    }
  }
}

function parseBlock(block: string): StreamEvent | undefined {
  const event: StreamEvent = { event: 'message', data: '' };
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') event.id = text;
    else if (field === 'event') event.event = text;
    else if (field === 'data') data.push(text);
  }
  if (data.length === 0) return undefined;
  event.data = data.join('\n');
  return event;
}

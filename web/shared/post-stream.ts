// A POST whose answer is a stream of server-sent events, read over fetch (EventSource can neither
// POST nor send the access token). What the server refuses before the stream opens comes back as
// an ordinary error answer and is thrown as an ApiError; aborting the signal closes the stream.
import { errorOfResponse, fetchOrNetworkError } from './api.ts';
import { ApiError } from './errors.ts';
import { readEvents, type StreamEvent } from './server-sent-events.ts';

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
  const response = await fetchOrNetworkError(url, {
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
  if (!response.ok) throw await errorOfResponse(response);
  if (!response.body) throw new ApiError(0, 'NETWORK', 'The answer had no body');
  try {
    await readEvents(response.body, onEvent);
  } catch (error) {
    if (options.signal.aborted || (error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'The stream broke');
  }
}

// fetch for the CALOS APIs: JSON in and out, errors as ApiError.
import { ApiError } from './errors.ts';

export interface RequestOptions {
  method?: string;
  body?: unknown;
  token?: string | null;
  query?: Record<string, string | number | boolean | undefined | null | string[]>;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** A page of a list the APIs hand out a page at a time. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export function withQuery(url: string, query: RequestOptions['query']): string {
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${url}${url.includes('?') ? '&' : '?'}${text}` : url;
}

/** fetch, with a failure to reach the server as ApiError NETWORK; an abort stays an AbortError. */
export async function fetchOrNetworkError(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'Network error');
  }
}

export async function requestJson<T>(url: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetchOrNetworkError(withQuery(url, options.query), {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  if (!response.ok) throw await errorOfResponse(response);
  if (response.status === 204) return undefined as T;
  return (await readJson(response)) as T;
}

/** An error answer ({"error": {code, message, details}}) as an ApiError, with its Retry-After. */
export async function errorOfResponse(response: Response): Promise<ApiError> {
  const body = ((await readJson(response)) ?? {}) as {
    error?: { code?: string; message?: string; details?: unknown } | string;
  };
  const retry = Number(response.headers.get('retry-after'));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : undefined;
  if (body.error && typeof body.error === 'object') {
    return new ApiError(
      response.status,
      body.error.code ?? 'UNKNOWN',
      body.error.message ?? response.statusText,
      body.error.details,
      retryAfter,
    );
  }
  // Not the API's JSON (a proxy's page): the status alone says what happened.
  const code = response.status === 429 ? 'RATE_LIMITED' : response.status >= 500 ? 'INTERNAL' : 'UNKNOWN';
  return new ApiError(response.status, code, response.statusText, undefined, retryAfter);
}

/** The body as JSON; undefined when it is empty or not JSON. */
async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

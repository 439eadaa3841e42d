// Upstream HTTP for the AI gateway: one keep-alive undici Pool per origin, every failure turned
// into an UpstreamError the gateway can act on, and line / server-sent-event splitting of bodies
// as their bytes arrive.
import { Pool } from 'undici';
import { type ChatProvider, UpstreamError } from './types.ts';

type ProviderName = ChatProvider['name'];

export interface UpstreamRequest {
  method?: 'GET' | 'POST' | 'HEAD' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Aborting cancels the upstream request at once (its connection is closed). */
  signal?: AbortSignal;
  /** Which upstream this is, for error messages and UpstreamError.provider. */
  provider?: ProviderName;
  /** Longest wait for the response head: a model may have to load, and non-streamed answers come whole. */
  headersTimeoutMs?: number;
  /** Longest silence between two body chunks. */
  bodyTimeoutMs?: number;
}

export interface UpstreamResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /**
   * The body as it arrives; iterate it once. A connection cut before the end surfaces as
   * UpstreamError 'broken_stream', an abort as the signal's reason.
   */
  readonly body: AsyncIterable<Uint8Array>;
  /** The whole body as text; beyond `limitBytes` it is cut off there. */
  text(limitBytes?: number): Promise<string>;
  json(limitBytes?: number): Promise<unknown>;
  /** Drop the rest of the body (its connection is closed unless the body had already ended). */
  cancel(): void;
}

export const DEFAULT_HEADERS_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_BODY_TIMEOUT_MS = 5 * 60_000;
const CONNECT_TIMEOUT_MS = 10_000;
const MAX_JSON_BYTES = 64 * 1024 * 1024;
const MAX_ERROR_BYTES = 64 * 1024;

const LABELS: Record<ProviderName, string> = {
  ollama: 'Ollama',
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  deepseek: 'DeepSeek',
};

/** How messages name the upstream: 'OpenAI', or the origin when the provider is unknown. */
export const upstreamLabel = (provider: ProviderName | undefined, origin = 'the upstream'): string =>
  provider ? LABELS[provider] : origin;

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

const pools = new Map<string, Pool>();

/** The keep-alive connection pool of one origin (scheme, host and port), made on first use. */
export function dispatcherFor(origin: string): Pool {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Pool(origin, {
      connect: { timeout: CONNECT_TIMEOUT_MS },
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 10 * 60_000,
      headersTimeout: DEFAULT_HEADERS_TIMEOUT_MS,
      bodyTimeout: DEFAULT_BODY_TIMEOUT_MS,
    });
    pools.set(origin, pool);
  }
  return pool;
}

/** Closes every cached pool (shutdown, tests); requests in progress are cut. */
export async function closeUpstreamConnections(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((pool) => pool.destroy().catch(() => undefined)));
}

const abortReason = (signal: AbortSignal): unknown =>
  signal.reason ?? new DOMException('This operation was aborted', 'AbortError');

const errorCode = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

const describe = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error);
  // Connecting to localhost tries ::1 and 127.0.0.1 and fails with an AggregateError without a message.
  return message || errorCode(error) || 'connection failed';
};

function connectionFailure(
  error: unknown,
  provider: ProviderName | undefined,
  origin: string,
): UpstreamError {
  const code = errorCode(error);
  const label = upstreamLabel(provider, origin);
  if (code && TIMEOUT_CODES.has(code)) {
    return new UpstreamError(
      `${label} at ${origin} did not answer in time (${code})`,
      'timeout',
      undefined,
      provider,
    );
  }
  return new UpstreamError(
    `${label} at ${origin} is unreachable: ${describe(error)}`,
    'unreachable',
    undefined,
    provider,
  );
}

/** The origin and path of an upstream URL; the few URLs a gateway calls are parsed once. */
const targets = new Map<string, { origin: string; path: string }>();
const TARGETS_KEPT = 256;

function targetOf(url: string): { origin: string; path: string } {
  let target = targets.get(url);
  if (!target) {
    const parsed = new URL(url);
    target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    if (targets.size >= TARGETS_KEPT) targets.clear();
    targets.set(url, target);
  }
  return target;
}

const BOM = 0xfeff;

/**
 * Sends one request over the origin's pool. Resolves with the response head whatever its status
 * (see ensureOk); rejects with UpstreamError 'unreachable' or 'timeout' when no answer came, or
 * with the signal's reason when aborted.
 */
export async function request(url: string, init: UpstreamRequest = {}): Promise<UpstreamResponse> {
  const { signal, provider } = init;
  if (signal?.aborted) throw abortReason(signal);
  const target = targetOf(url);
  let data: Awaited<ReturnType<Pool['request']>>;
  try {
    data = await dispatcherFor(target.origin).request({
      path: target.path,
      method: init.method ?? 'GET',
      headers: init.headers,
      body: init.body,
      signal,
      headersTimeout: init.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
      bodyTimeout: init.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
    });
  } catch (error) {
    if (signal?.aborted) throw abortReason(signal);
    throw connectionFailure(error, provider, target.origin);
  }
  return new Response(data, signal, provider, target.origin);
}

/** What a body that broke off throws: the signal's reason when aborted, else 'broken_stream'. */
function bodyFailure(response: Response, error: unknown): unknown {
  if (response.signal?.aborted) return abortReason(response.signal);
  const how = TIMEOUT_CODES.has(errorCode(error) ?? '') ? 'went silent' : 'cut the connection';
  return new UpstreamError(
    `${upstreamLabel(response.provider, response.origin)} ${how} before the end of its answer (${describe(error)})`,
    'broken_stream',
    response.status,
    response.provider,
  );
}

/** An answer's head and body. A class: a request builds no closures it may never call. */
class Response implements UpstreamResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly #raw: Awaited<ReturnType<Pool['request']>>['body'];
  #body: AsyncIterable<Uint8Array> | undefined;

  constructor(
    data: Awaited<ReturnType<Pool['request']>>,
    readonly signal: AbortSignal | undefined,
    readonly provider: ProviderName | undefined,
    readonly origin: string,
  ) {
    this.status = data.statusCode;
    this.headers = data.headers;
    this.#raw = data.body;
  }

  get body(): AsyncIterable<Uint8Array> {
    this.#body ??= this.#guarded();
    return this.#body;
  }

  async *#guarded(): AsyncGenerator<Uint8Array> {
    const raw = this.#raw;
    try {
      for await (const chunk of raw) yield chunk as Uint8Array;
    } catch (error) {
      throw bodyFailure(this, error);
    } finally {
      // Left early: the rest cannot be read any more, so the connection goes rather than being reused.
      if (!raw.destroyed) raw.destroy();
    }
  }

  /**
   * The whole body as text; beyond `limitBytes` it is cut off there. Read from the stream's
   * events rather than through an async iterator: a whole answer is what most calls wait for.
   */
  text(limitBytes = MAX_JSON_BYTES): Promise<string> {
    const raw = this.#raw;
    return new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const settle = (error?: unknown) => {
        raw.off('data', onData);
        raw.off('end', onEnd);
        raw.off('error', onError);
        raw.off('close', onClose);
        if (!raw.destroyed) raw.destroy();
        if (error !== undefined) {
          reject(bodyFailure(this, error));
          return;
        }
        const whole = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
        const text = whole.toString('utf8');
        // As TextDecoder does: a byte order mark is not part of the text.
        resolve(text.charCodeAt(0) === BOM ? text.slice(1) : text);
      };
      const onData = (chunk: Buffer) => {
        const room = limitBytes - size;
        chunks.push(chunk.byteLength > room ? chunk.subarray(0, room) : chunk);
        size += Math.min(chunk.byteLength, room);
        if (size >= limitBytes) settle();
      };
      const onEnd = () => settle();
      const onError = (error: unknown) => settle(error);
      // Destroyed without an error (an abort): what the signal says.
      const onClose = () => settle(this.signal?.aborted ? this.signal.reason : new Error('closed'));
      raw.on('data', onData);
      raw.on('end', onEnd);
      raw.on('error', onError);
      raw.on('close', onClose);
    });
  }

  async json(limitBytes?: number): Promise<unknown> {
    const content = await this.text(limitBytes);
    try {
      return JSON.parse(content) as unknown;
    } catch {
      throw new UpstreamError(
        `${upstreamLabel(this.provider, this.origin)} answered with a body that is not JSON`,
        'broken_stream',
        this.status,
        this.provider,
      );
    }
  }

  cancel(): void {
    if (!this.#raw.destroyed) this.#raw.destroy();
  }
}

/** The human message inside a provider's error body (Ollama, OpenAI, Anthropic shapes), or the text. */
export function upstreamMessage(text: string): string {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null) {
      const { error, message } = value as { error?: unknown; message?: unknown };
      if (typeof error === 'string') return error;
      const nested = (error as { message?: unknown } | null)?.message;
      if (typeof nested === 'string') return nested;
      if (typeof message === 'string') return message;
    }
  } catch {
    // Not JSON: a proxy's HTML page or Ollama's plain-text 404; the text says it.
  }
  const trimmed = text.trim();
  return trimmed.length > 500 ? `${trimmed.slice(0, 500)}…` : trimmed || 'no details given';
}

/** The UpstreamError for an HTTP status the upstream answered with. */
export function statusError(status: number, message: string, provider?: ProviderName): UpstreamError {
  const label = upstreamLabel(provider);
  if (status === 401 || status === 403) {
    return new UpstreamError(
      `${label} rejected the API key (${status}): ${message}`,
      'rejected_key',
      status,
      provider,
    );
  }
  const said = `${label} answered ${status}: ${message}`;
  if (status >= 500) return new UpstreamError(said, 'server_error', status, provider);
  if (status === 404) return new UpstreamError(said, 'not_found', status, provider);
  if (status === 429) return new UpstreamError(said, 'rate_limited', status, provider);
  return new UpstreamError(said, 'bad_request', status, provider);
}

/** Throws the classified UpstreamError unless the status is 2xx (reading the error body first). */
export async function ensureOk(response: UpstreamResponse, provider?: ProviderName): Promise<void> {
  if (response.status >= 200 && response.status < 300) return;
  const text = await response.text(MAX_ERROR_BYTES).catch(() => '');
  throw statusError(response.status, upstreamMessage(text), provider);
}

/** POSTs JSON and resolves with a 2xx response, or throws the classified UpstreamError. */
export async function postJson(
  url: string,
  payload: unknown,
  init: Omit<UpstreamRequest, 'method' | 'body'> = {},
): Promise<UpstreamResponse> {
  const response = await request(url, {
    ...init,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: JSON.stringify(payload),
  });
  await ensureOk(response, init.provider);
  return response;
}

/** `base` without a trailing slash or `/v1`, then `path`: settings may name either form. */
export function endpoint(base: string, path: string): string {
  return `${base.replace(/\/+$/, '').replace(/\/v1$/, '')}${path}`;
}

/**
 * The lines of a body as they arrive, without their `\n` or `\r\n`; bytes of one UTF-8
 * character split across chunks are joined. A last line without a newline is kept.
 */
export async function* textLines(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of body) {
    // What was pending holds no newline, so only the new text needs scanning.
    const scanFrom = pending.length;
    pending += decoder.decode(chunk, { stream: true });
    let start = 0;
    let end = pending.indexOf('\n', scanFrom);
    while (end !== -1) {
      yield pending.charCodeAt(end - 1) === 13 && end > start
        ? pending.slice(start, end - 1)
        : pending.slice(start, end);
      start = end + 1;
      end = pending.indexOf('\n', start);
    }
    if (start > 0) pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending !== '') yield pending.endsWith('\r') ? pending.slice(0, -1) : pending;
}

export interface ServerSentEvent {
  /** The `event:` field, or 'message' when the event had none. */
  event: string;
  /** The `data:` lines joined by `\n`. */
  data: string;
}

/**
 * Server-sent events as they arrive (the WHATWG rules for `event:`, `data:` and comments). An
 * event is dispatched at its blank line, so one cut off by a broken connection never is.
 */
export async function* sseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  let event = '';
  let data: string[] = [];
  for await (const line of textLines(body)) {
    if (line === '') {
      if (data.length > 0) yield { event: event || 'message', data: data.join('\n') };
      event = '';
      data = [];
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1);
    if (name === 'data') data.push(value);
    else if (name === 'event') event = value;
  }
}

// The machinery every stand-in shares: a node:http server on 127.0.0.1 that records what it
// receives and misbehaves on demand (latency, error statuses, resets, hangs, broken streams,
// a crash) the way real upstreams do. Each protocol only says how to answer.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readJsonBody, stringField } from './body.ts';
import { sendJson, sleepWhileOpen } from './wire.ts';

/**
 * An injected failure: an error status (with extra headers such as Retry-After), a connection
 * reset before any answer, or no answer at all.
 */
export type Failure = { status: number; headers?: Record<string, string> } | 'reset' | 'hang';

export interface CommonOptions {
  /** 0 (default): any free port. */
  port?: number;
  models: string[];
  /** Milliseconds before the first byte of an inference answer (model latency). */
  latencyMs?: number;
  /** Milliseconds between two chunks of a stream. */
  chunkDelayMs?: number;
  failWith?: Failure;
  /** Paths `failWith` applies to; every path when absent (a broken instance fails its health checks too). */
  failPaths?: string[];
  /** For streams: send this many content chunks, then destroy the connection before the end. */
  failAfterChunks?: number;
  /** Words in a default (unscripted) reply. */
  tokensPerReply?: number;
}

export type Outcome = 'pending' | 'completed' | 'broken' | 'client-closed';

export interface RecordedRequest {
  method: string;
  path: string;
  /** `model` of the JSON body, when there is one. */
  model: string | undefined;
  /** Lower-cased names, as node parses them. */
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined. */
  body: unknown;
  /** Status sent, once the response has ended or failed. */
  status: number | undefined;
  /** broken: the stand-in cut the connection on purpose (reset, failAfterChunks, kill). */
  outcome: Outcome;
}

export interface StandIn<O extends CommonOptions> {
  readonly url: string;
  readonly port: number;
  /** In arrival order; beyond RECORD_LIMIT the oldest are dropped. */
  readonly requests: RecordedRequest[];
  /** Inference requests being answered now, and the most seen at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Queue exact reply texts, one per generating request, first in first out. */
  script(...replies: string[]): void;
  setOptions(partial: Partial<O>): void;
  /** Crash: stop listening and destroy every open connection at once. */
  kill(): Promise<void>;
  /** Stop listening, let answers in progress finish (up to CLOSE_GRACE_MS), then destroy the rest. */
  close(): Promise<void>;
}

/** One request as a protocol sees it. */
export interface Exchange<O extends CommonOptions> {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  /** The options as they were when the request arrived. */
  readonly options: Readonly<O>;
  /** process.hrtime.bigint() at arrival and after the latency wait, for Ollama's durations. */
  readonly arrivedAt: bigint;
  readonly answeringAt: bigint;
  nextScripted(): string | undefined;
  /** Cut the connection after what was written so far has left, as a crashing upstream does. */
  breakConnection(): void;
}

export interface Protocol<O extends CommonOptions> {
  isInference(method: string, path: string): boolean;
  /** The provider's error body for a status and message. */
  errorBody(status: number, message: string): unknown;
  handle(exchange: Exchange<O>): Promise<void> | void;
  optionsChanged?(options: Readonly<O>, partial: Partial<O>): void;
}

export const RECORD_LIMIT = 10_000;
export const CLOSE_GRACE_MS = 2_000;
/** A hung request is dropped after this long, so nothing waits forever. */
export const HANG_LIMIT_MS = 5 * 60_000;

export async function startStandIn<O extends CommonOptions>(
  protocol: Protocol<O>,
  initial: O,
): Promise<StandIn<O>> {
  let options: O = { ...initial };
  const requests: RecordedRequest[] = [];
  const scripted: string[] = [];
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;
  let isKilled = false;
  let stopping: Promise<void> | undefined;

  const server = createServer((req, res) => {
    answer(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, protocol.errorBody(500, (error as Error).message));
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function answer(req: IncomingMessage, res: ServerResponse) {
    const arrivedAt = process.hrtime.bigint();
    const snapshot = options;
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
    const record: RecordedRequest = {
      method,
      path,
      model: undefined,
      headers: req.headers,
      body: undefined,
      status: undefined,
      outcome: 'pending',
    };
    requests.push(record);
    if (requests.length > RECORD_LIMIT) requests.splice(0, requests.length - RECORD_LIMIT);

    const isInference = protocol.isInference(method, path);
    let isBroken = false;
    if (isInference) {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
    }
    res.on('close', () => {
      // While closing, a keep-alive connection is let go as soon as its answer is done.
      if (stopping) setImmediate(() => server.closeIdleConnections());
      if (isInference) inFlight -= 1;
      record.status = res.headersSent ? res.statusCode : undefined;
      if (res.writableFinished) record.outcome = 'completed';
      else record.outcome = isBroken || isKilled ? 'broken' : 'client-closed';
    });

    const body = method === 'GET' || method === 'HEAD' ? { kind: 'empty' as const } : await readJsonBody(req);
    if (body.kind === 'too-large') {
      res.setHeader('connection', 'close');
      return sendJson(res, 413, protocol.errorBody(413, 'request body is larger than 1 MiB'));
    }
    if (body.kind === 'json') {
      record.body = body.value;
      record.model = stringField(body.value, 'model');
    }

    if (isInference && snapshot.latencyMs) await sleepWhileOpen(res, snapshot.latencyMs);
    if (res.destroyed) return;

    const failure = snapshot.failWith;
    if (failure && (!snapshot.failPaths || snapshot.failPaths.includes(path))) {
      if (failure === 'reset') {
        isBroken = true;
        req.socket.resetAndDestroy();
      } else if (failure === 'hang') {
        const timer = setTimeout(() => req.socket.destroy(), HANG_LIMIT_MS);
        res.once('close', () => clearTimeout(timer));
      } else {
        const body = protocol.errorBody(failure.status, 'failure injected by the stand-in');
        sendJson(res, failure.status, body, failure.headers);
      }
      return;
    }
    if (body.kind === 'invalid') return sendJson(res, 400, protocol.errorBody(400, body.message));

    await protocol.handle({
      req,
      res,
      method,
      path,
      body: record.body,
      options: snapshot,
      arrivedAt,
      answeringAt: process.hrtime.bigint(),
      nextScripted: () => scripted.shift(),
      breakConnection: () => {
        isBroken = true;
        breakAfterFlush(req.socket);
      },
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(initial.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const destroyAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  const stop = (isCrash: boolean) => {
    if (isCrash) {
      isKilled = true;
      destroyAll();
    }
    stopping ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      if (isCrash) return;
      server.closeIdleConnections();
      setTimeout(destroyAll, CLOSE_GRACE_MS).unref();
    });
    return stopping;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    script: (...replies) => {
      scripted.push(...replies);
    },
    setOptions: (partial) => {
      options = { ...options, ...partial };
      protocol.optionsChanged?.(options, partial);
    },
    kill: () => stop(true),
    close: () => stop(false),
  };
}

/**
 * node corks a response's socket until the next tick, so destroying it at once would drop the
 * chunks just written; wait until they have left (or a second has passed).
 */
function breakAfterFlush(socket: Socket) {
  setImmediate(() => {
    if (socket.writableLength === 0) return socket.destroy();
    const timer = setTimeout(() => socket.destroy(), 1_000);
    socket.once('drain', () => {
      clearTimeout(timer);
      socket.destroy();
    });
  });
}

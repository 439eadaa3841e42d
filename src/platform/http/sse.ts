// Server-Sent Events: a response that stays open, one `id:`/`event:`/`data:` block per event,
// comments as heartbeats so proxies keep it open, and a clean end when the client leaves.
import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface SseEvent {
  id?: string | number;
  event?: string;
  data: unknown;
}

export interface SseStream {
  send(event: SseEvent): boolean;
  /** Resolves when the client has gone (or the stream was closed). */
  readonly closed: Promise<void>;
  close(): void;
}

const HEARTBEAT_MS = 15_000;

declare module 'fastify' {
  interface FastifyInstance {
    /** Every open event stream of this server, ended first when it stops (see server.ts). */
    openStreams: Set<SseStream>;
  }
}

/** The id a reconnecting EventSource sends, from the header (or `?last_event_id=`). */
export function lastEventId(request: FastifyRequest): string | undefined {
  const header = request.headers['last-event-id'];
  if (typeof header === 'string' && header.trim() !== '') return header.trim();
  const query = (request.query as Record<string, unknown> | undefined)?.last_event_id;
  return typeof query === 'string' && query !== '' ? query : undefined;
}

export function openSse(request: FastifyRequest, reply: FastifyReply): SseStream {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    // Whatever the hooks set (CORS for an app page on another host) goes out with the head.
    ...(reply.getHeaders() as OutgoingHttpHeaders),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': request.id,
  });
  // Tells EventSource how long to wait before reconnecting.
  res.write('retry: 2000\n\n');
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  let isOpen = true;
  const end = () => {
    if (!isOpen) return;
    isOpen = false;
    clearInterval(heartbeat);
    resolveClosed();
  };
  res.on('close', end);
  const stream: SseStream = {
    send(event) {
      if (!isOpen) return false;
      let block = '';
      if (event.id !== undefined) block += `id: ${event.id}\n`;
      if (event.event) block += `event: ${event.event}\n`;
      for (const line of JSON.stringify(event.data).split('\n')) block += `data: ${line}\n`;
      return res.write(`${block}\n`);
    },
    closed,
    close() {
      end();
      res.end();
    },
  };
  const registry = request.server.openStreams;
  registry?.add(stream);
  void closed.then(() => registry?.delete(stream));
  return stream;
}

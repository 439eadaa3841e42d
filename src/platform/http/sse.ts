// Server-Sent Events: a response that stays open, one `id:`/`event:`/`data:` block per event,
// comments as heartbeats so proxies keep it open, and a clean end when the client leaves.
//
// A stream lasts only as long as the caller's right to it. Every stream of every service ends
// (with an `end` event naming why) when the caller's access ends (session ended, account
// deleted, token expired, server stopping: the rule of every long-lived answer, in
// caller-access.ts), and when
// - the route's own rule (`access.check`) no longer holds: re-checked as soon as `access.watch`
//   signals a change (e.g. a family's members changed, from any process), and every few seconds.
// And it never sends an event while such a change is unchecked: events wait for the check.
import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type EndReason, followCallerAccess, TICK_MS } from './caller-access.ts';

export type { EndReason } from './caller-access.ts';

export interface SseEvent {
  id?: string | number;
  event?: string;
  data: unknown;
}

export interface SseStream {
  /** Sends now, or after a pending access check; false once the stream has ended. */
  send(event: SseEvent): boolean;
  /** Resolves when the client has gone (or the stream was closed). */
  readonly closed: Promise<void>;
  /** Ends the stream; with a reason, the client is told why in a last `end` event. */
  close(reason?: EndReason): void;
}

/** The route's own rule for who may follow the stream. */
export interface StreamAccess {
  /** Whether the caller may still read what the stream carries. */
  check(): Promise<boolean>;
  /** Calls `onChange` when access may have changed; resolves with the unsubscribe. */
  watch?(onChange: () => void): Promise<() => void>;
}

const HEARTBEAT_MS = 15_000;
/** How often the route's rule is checked without a signal (a safety net, not the mechanism). */
export const RECHECK_MS = 10_000;

/** The id a reconnecting EventSource sends, from the header (or `?last_event_id=`). */
export function lastEventId(request: FastifyRequest): string | undefined {
  const header = request.headers['last-event-id'];
  if (typeof header === 'string' && header.trim() !== '') return header.trim();
  const query = (request.query as Record<string, unknown> | undefined)?.last_event_id;
  return typeof query === 'string' && query !== '' ? query : undefined;
}

const block = (event: SseEvent) => {
  let text = '';
  if (event.id !== undefined) text += `id: ${event.id}\n`;
  if (event.event) text += `event: ${event.event}\n`;
  for (const line of JSON.stringify(event.data).split('\n')) text += `data: ${line}\n`;
  return `${text}\n`;
};

export function openSse(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { access?: StreamAccess } = {},
): SseStream {
  const access = options.access;
  let isOpen = true;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const cleanups: (() => void)[] = [];
  const res = reply.raw;

  const end = () => {
    if (!isOpen) return;
    isOpen = false;
    for (const cleanup of cleanups.splice(0)) cleanup();
    resolveClosed();
  };

  /** Events waiting for an access check, and whether one is due or running. */
  const queue: SseEvent[] = [];
  let isDirty = false;
  let checking: Promise<void> | undefined;

  const stream: SseStream = {
    send(event) {
      if (!isOpen) return false;
      if (isDirty || checking || queue.length > 0) {
        queue.push(event);
        void recheck();
        return true;
      }
      return res.write(block(event));
    },
    closed,
    close(reason) {
      if (!isOpen) return;
      if (reason) res.write(block({ event: 'end', data: { reason } }));
      end();
      res.end();
    },
  };

  /** Runs the route's rule; ends the stream when it fails, else sends what waited. */
  const recheck = (): Promise<void> => {
    if (!access) {
      isDirty = false;
      for (const event of queue.splice(0)) res.write(block(event));
      return Promise.resolve();
    }
    checking ??= (async () => {
      try {
        while (isOpen && isDirty) {
          isDirty = false;
          let allowed: boolean;
          try {
            allowed = await access.check();
          } catch {
            // Cannot tell: wait and ask again rather than send what may not be theirs.
            allowed = true;
            isDirty = true;
            await new Promise((resolve) => setTimeout(resolve, TICK_MS));
            continue;
          }
          if (!allowed) {
            queue.length = 0;
            stream.close('access_ended');
            return;
          }
        }
        if (isOpen) for (const event of queue.splice(0)) res.write(block(event));
      } finally {
        checking = undefined;
      }
    })();
    return checking;
  };
  const markChanged = () => {
    isDirty = true;
    void recheck();
  };

  reply.hijack();
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
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  let ticks = 0;
  cleanups.push(
    () => clearInterval(heartbeat),
    followCallerAccess(request, (reason) => stream.close(reason), {
      onTick() {
        ticks++;
        if (access && ticks % (RECHECK_MS / TICK_MS) === 0) markChanged();
      },
    }),
  );
  res.on('close', end);
  if (access) {
    // The rule may have changed since the route first checked it: events wait until the watch
    // is in place and the rule has been checked once more.
    isDirty = true;
    checking = (async () => {
      try {
        const unwatch = await access.watch?.(markChanged);
        if (unwatch) {
          if (isOpen) cleanups.push(unwatch);
          else unwatch();
        }
      } catch {
        // Without a watch the periodic check still ends the stream.
      } finally {
        checking = undefined;
      }
      await recheck();
    })();
  }
  return stream;
}

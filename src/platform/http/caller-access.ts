// How long a long-lived answer may last: as long as its caller's access, whatever the answer's
// format (SSE events, an NDJSON or SSE stream of generated text, a whole answer still being
// made). One rule for every such answer of every service: it ends when
// - the caller's session ends or the account is deleted (the process's revocation list says so
//   at once; see platform/auth/revocations.ts),
// - the access token's `exp` passes (the client comes back with a fresh token),
// - the server stops (clients reconnect, to another process behind the load balancer).
// Routes add their own rules on top (openSse's `access.check`).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/guard.ts';
import type { RevocationList } from '../auth/revocations.ts';
import { type Clock, systemClock } from '../clock.ts';
import { clientGone } from './client-gone.ts';

export type EndReason = 'session_ended' | 'token_expired' | 'access_ended' | 'server_stopping';

/** Anything the server ends first when it stops. */
export interface LongAnswer {
  close(reason?: EndReason): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every open long-lived answer of this server, ended first when it stops (see server.ts). */
    openStreams: Set<LongAnswer>;
    /** The process's clock and revocation list, for streams and long requests (see server.ts). */
    accessContext: { clock: Clock; revocations?: Pick<RevocationList, 'onRevoked' | 'isRevoked'> };
  }
}

/** How often an answer looks at its token's expiry. */
export const TICK_MS = 1_000;

/**
 * Calls `onEnd` once, with the reason, when the caller's access ends or the server stops; and
 * `onTick` every TICK_MS meanwhile (for a route's own periodic checks). Returns the stop, to call
 * when the answer ends by itself.
 */
export function followCallerAccess(
  request: FastifyRequest,
  onEnd: (reason: EndReason) => void,
  options: { onTick?: () => void } = {},
): () => void {
  const { clock, revocations } = request.server.accessContext ?? { clock: systemClock };
  const caller: AuthUser | null = request.auth ?? null;
  const cleanups: (() => void)[] = [];
  let isFollowing = true;
  const stop = () => {
    if (!isFollowing) return;
    isFollowing = false;
    for (const cleanup of cleanups.splice(0)) cleanup();
  };
  const end = (reason: EndReason) => {
    if (!isFollowing) return;
    stop();
    onEnd(reason);
  };

  if (caller && revocations) {
    cleanups.push(
      revocations.onRevoked((revocation) => {
        if (
          revocation.sessionId
            ? revocation.sessionId === caller.sessionId || revocation.sessionId === caller.delegated?.grantKey
            : revocation.userId === caller.userId
        )
          end('session_ended');
      }),
    );
  }
  const ticker = setInterval(() => {
    if (caller && caller.expiresAt * 1000 <= clock.nowMs()) {
      end('token_expired');
      return;
    }
    options.onTick?.();
  }, TICK_MS);
  ticker.unref();
  cleanups.push(() => clearInterval(ticker));

  const registry = request.server.openStreams;
  if (registry) {
    const entry: LongAnswer = { close: (reason) => end(reason ?? 'server_stopping') };
    registry.add(entry);
    cleanups.push(() => registry.delete(entry));
  }
  return stop;
}

export interface GuardedAnswer {
  /** Aborts when the client goes away or the caller's access ends: stop the work behind the answer. */
  signal: AbortSignal;
  /** Why access ended, once it has (undefined while it lasts, and when the client left). */
  readonly endReason: EndReason | undefined;
}

/**
 * For an answer that is not an SSE event stream (an NDJSON stream of generated text, a
 * provider-format SSE stream): a signal that stops the work behind it when its caller's access
 * ends, as openSse does for event streams. The route writes a last line naming `endReason`.
 */
export function guardAnswer(request: FastifyRequest, reply: FastifyReply): GuardedAnswer {
  const controller = new AbortController();
  let endReason: EndReason | undefined;
  const gone = clientGone(request, reply);
  const stop = followCallerAccess(request, (reason) => {
    endReason = reason;
    controller.abort(new Error(`the caller's access ended (${reason})`));
  });
  gone.addEventListener('abort', () => controller.abort(gone.reason), { once: true });
  // The answer is over (finished or cut): nothing more to follow.
  reply.raw.once('close', stop);
  return {
    signal: controller.signal,
    get endReason() {
      return endReason;
    },
  };
}

/** The words a stream's last line carries when access ended. */
export const endReasonMessage: Record<EndReason, string> = {
  session_ended: 'The session ended (signed out, device revoked or account deleted): the answer stops here',
  token_expired: 'The access token expired: the answer stops here; ask again with a fresh token',
  access_ended: 'Access to what this answer carries ended: the answer stops here',
  server_stopping: 'The server is stopping: the answer stops here; ask again',
};

// Who is calling the gateway (from the CALOS access token; the app from X-CALOS-App) and a
// signal that fires when the client goes away, so upstream work stops with it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requireUser } from '../../platform/auth/guard.ts';
import type { Caller } from '../gateway/route.ts';

const APP = /^[a-z][a-z0-9-]{0,39}$/;

export function callerOf(request: FastifyRequest): Caller {
  const user = requireUser(request);
  const header = request.headers['x-calos-app'];
  const app = typeof header === 'string' && APP.test(header) ? header : 'api';
  return { userId: user.userId, plan: user.plan, app };
}

/** Aborts when the client disconnects before the answer is complete. */
export function clientGone(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) controller.abort();
  };
  reply.raw.once('close', onClose);
  request.raw.once('aborted', () => controller.abort());
  return controller.signal;
}

export function limitHeaders(
  reply: FastifyReply,
  limit: { limit: number; remaining: number; resetSeconds: number; window: string },
) {
  reply.header('x-ratelimit-limit', String(limit.limit));
  reply.header('x-ratelimit-remaining', String(limit.remaining));
  reply.header('x-ratelimit-reset', String(limit.resetSeconds));
  reply.header('x-ratelimit-window', limit.window);
}

// Who is calling the gateway (from the CALOS access token; the app from X-CALOS-App), and its
// rate-limit headers.
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

export function limitHeaders(
  reply: FastifyReply,
  limit: { limit: number; remaining: number; resetSeconds: number; window: string },
) {
  reply.header('x-ratelimit-limit', String(limit.limit));
  reply.header('x-ratelimit-remaining', String(limit.remaining));
  reply.header('x-ratelimit-reset', String(limit.resetSeconds));
  reply.header('x-ratelimit-window', limit.window);
}

/** X-CALOS-Fallback: off asks for a refusal (402/403) instead of an answer from the fallback model. */
export function allowsFallback(request: FastifyRequest): boolean {
  const header = request.headers['x-calos-fallback'];
  return !(typeof header === 'string' && header.trim().toLowerCase() === 'off');
}

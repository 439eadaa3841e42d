// Where a request came from, for the audit log and per-address limits.
import type { FastifyRequest } from 'fastify';
import type { RequestOrigin } from '../deps.ts';

export const originOf = (request: FastifyRequest): RequestOrigin => ({
  ip: request.ip,
  userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : undefined,
});

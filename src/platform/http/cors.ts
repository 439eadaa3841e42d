// CORS for the CALOS web pages: an app page on its own host (CALOS_HOSTS) calls identity and the
// other apps' APIs cross-origin with bearer tokens, never cookies; only origins whose host maps
// to a CALOS service with pages are answered.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceName } from '../config.ts';
import type { App } from './service.ts';
import { isWebOrigin } from './static.ts';

export function allowWebOrigins(app: App, hosts: ReadonlyMap<string, ServiceName>): void {
  const allowed = (request: FastifyRequest) => {
    const origin = request.headers.origin;
    return typeof origin === 'string' && isWebOrigin(hosts, origin) ? origin : undefined;
  };
  const allow = (request: FastifyRequest, reply: FastifyReply) => {
    const origin = allowed(request);
    if (!origin) return;
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-expose-headers', 'retry-after, x-request-id');
    reply.header('vary', 'origin');
  };
  // onRequest for streams, which write their own head (openSse takes the reply's headers);
  // onSend, so that errors (a 401 from the token check) carry the headers too. Callback-style:
  // every request passes both, and most carry no Origin.
  app.addHook('onRequest', (request, reply, done) => {
    allow(request, reply);
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    allow(request, reply);
    done(null, payload);
  });
  app.options('/*', { schema: { hide: true } }, async (request, reply) => {
    if (!allowed(request)) return reply.status(204).send();
    return reply
      .status(204)
      .header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE')
      .header(
        'access-control-allow-headers',
        'authorization, content-type, idempotency-key, last-event-id, x-request-id',
      )
      .header('access-control-max-age', '600')
      .send();
  });
}

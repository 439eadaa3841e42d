// Each service's API documentation page (Swagger UI) at <prefix>/docs/: served with and without
// the trailing slash (a relative redirect keeps the prefix the browser used, on the shared host
// and on a service's own host alike), with the pages' security headers, and its static bundle
// cached and compressed like the rest.
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './service.ts';

/**
 * Swagger UI runs only its own files and calls only this origin (the document at ./json). Its
 * React views set style attributes, hence 'unsafe-inline' for styles and nothing else.
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Swagger UI's files have no hash in their names: a day, then revalidated by ETag. */
const STATIC_CACHE = 'public, max-age=86400';

const pathOf = (request: FastifyRequest) => request.url.split('?')[0] ?? request.url;

export async function registerApiDocs(scope: App): Promise<void> {
  await scope.register(async (docs) => {
    docs.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const path = pathOf(request);
      if (path.endsWith('/docs')) {
        const query = request.url.slice(path.length);
        return reply.redirect(`docs/${query}`, 301);
      }
      reply.header('x-content-type-options', 'nosniff');
      reply.header('x-frame-options', 'DENY');
      reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    });
    docs.addHook('onSend', async (request, reply, payload) => {
      if (pathOf(request).includes('/docs/static/') && reply.statusCode < 400) {
        reply.header('cache-control', STATIC_CACHE);
      }
      return payload;
    });
    await docs.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP });
  });
}

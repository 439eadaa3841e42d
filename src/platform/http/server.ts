// The one Fastify server: every service under its prefix (or its own host), one error shape,
// request ids, OpenAPI per service, /healthz and /readyz.
import { randomUUID } from 'node:crypto';
import compress from '@fastify/compress';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import type { RevocationList } from '../auth/revocations.ts';
import { type Clock, systemClock } from '../clock.ts';
import type { Config, ServiceName } from '../config.ts';
import type { DBPoolManager } from '../db/pool-manager.ts';
import { PlatformErrors } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { migrationStatus } from '../migrations/migrator.ts';
import type { LongAnswer } from './caller-access.ts';
import { allowWebOrigins } from './cors.ts';
import { registerApiDocs } from './docs.ts';
import { clientErrorResponse, errorBody, handleError, MAX_PARAM_LENGTH } from './error-handler.ts';
import { createUrlRewriter } from './host-routing.ts';
import { refuseInvalidText } from './input-text.ts';
import { compileSerializer, compileValidator } from './schema-compilers.ts';
import type { App, MountedService } from './service.ts';
import { registerWebPages } from './static.ts';

export interface DependencyStatus {
  name: string;
  ok: boolean;
  detail: string;
}

export interface HttpServerOptions {
  config: Config;
  logger: Logger;
  databases: DBPoolManager;
  services: readonly MountedService[];
  migrationsDir?: string;
  /** Routes of the process itself, outside every service (the composition root's). */
  processRoutes?: (app: App) => void | Promise<void>;
  /**
   * What this process needs from others (services served elsewhere, identity's revocations):
   * /readyz reports each; one that is down makes the process degraded, not unready.
   */
  dependencies?: () => Promise<DependencyStatus[]>;
  /** The process's clock and revocation list: event streams end when their caller's access does. */
  clock?: Clock;
  revocations?: Pick<RevocationList, 'onRevoked' | 'isRevoked'>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
const COMPRESSIBLE =
  /^(application\/(json|javascript|xml|yaml|x-yaml|[a-z0-9.+-]+\+(json|xml))|text\/(html|css|plain|calendar|javascript|xml|csv|markdown)|image\/svg\+xml)\s*(;|$)/i;

/**
 * Fastify's trustProxy from CALOS_TRUST_PROXY. A hop count trusts that many proxies nearest this
 * server, whoever they are (Fastify itself reads a bare number as "trust none"); addresses are
 * the safer setting, since a client that reaches the server directly is then never believed.
 */
function trustedProxies(
  setting: Config['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== 'number') return setting;
  return (_address, hop) => hop < setting;
}

export async function createHttpServer(options: HttpServerOptions): Promise<App> {
  const { config, logger, databases, services } = options;
  const prefixes = new Map<ServiceName, string>(
    services.map((s) => [s.definition.name, s.definition.prefix]),
  );
  const rewrite = createUrlRewriter(config.hosts, prefixes);

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    // Behind a reverse proxy, the client's address comes from X-Forwarded-For (CALOS_TRUST_PROXY).
    trustProxy: trustedProxies(config.trustProxy),
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    rewriteUrl: (req) => (rewrite ? rewrite(req.headers.host, req.url ?? '/') : (req.url ?? '/')),
    // While closing, answers are 503 in the error shape (the hook below), not Fastify's own body.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // A path that does not decode, or a parameter over the limit, gets the one error shape too.
    frameworkErrors: (error, request, reply) =>
      handleError(error, request as FastifyRequest, reply as FastifyReply),
    // So does a request Node's HTTP parser refuses (headers over 16 KiB, a broken request line).
    clientErrorHandler: (error, socket) => {
      if ((error as NodeJS.ErrnoException).code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.write(clientErrorResponse(error as NodeJS.ErrnoException));
      socket.destroy(error);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // While closing, answers tell keep-alive clients to hang up, so close() does not wait on
  // connections that finished their last request after the stop began.
  let isClosing = false;
  // Event streams never end by themselves: they end first, so that close() does not wait for
  // them (clients reconnect, to another process behind the load balancer).
  app.decorate('openStreams', new Set<LongAnswer>());
  app.decorate('accessContext', { clock: options.clock ?? systemClock, revocations: options.revocations });
  app.addHook('preClose', async () => {
    isClosing = true;
    for (const stream of app.openStreams) stream.close('server_stopping');
  });
  // Every request passes these hooks: callback-style, so that none costs a promise and a turn.
  app.addHook('onRequest', (_request, _reply, done) => {
    if (isClosing) done(PlatformErrors.shuttingDown());
    else done();
  });
  // Text no database can hold (NUL, lone surrogates) is refused before any schema or handler.
  app.addHook('preValidation', refuseInvalidText);
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    if (isClosing) reply.header('connection', 'close');
    done(null, payload);
  });
  // Validators and serializers are compiled once per process (schema-compilers.ts).
  app.setValidatorCompiler(compileValidator);
  app.setSerializerCompiler(compileSerializer);
  // brotli or gzip by Accept-Encoding for JSON, pages, scripts and documents over 1 KiB. Streams
  // that must arrive as they are written (SSE, NDJSON) are not compressible types here: a
  // compressor would hold their events back until its buffer fills.
  await app.register(compress, { global: true, threshold: 1024, customTypes: COMPRESSIBLE });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(errorBody(PlatformErrors.routeNotFound(request.method, request.url))),
  );

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const checks = await Promise.all(
      databases.names.map(async (name) => {
        try {
          const statuses = await migrationStatus(databases.get(name), {
            migrationsDir: options.migrationsDir,
          });
          const pending = statuses.filter((s) => s.state !== 'applied').length;
          return { database: name, reachable: true, migrated: pending === 0, pending };
        } catch (error) {
          return { database: name, reachable: false, migrated: false, error: (error as Error).message };
        }
      }),
    );
    const ready = checks.every((c) => c.reachable && c.migrated);
    if (!ready) return reply.status(503).send(errorBody(PlatformErrors.notReady(checks)));
    const dependencies = (await options.dependencies?.()) ?? [];
    const degraded = dependencies.filter((d) => !d.ok).map((d) => d.name);
    return {
      status: degraded.length > 0 ? 'degraded' : 'ready',
      databases: checks,
      ...(dependencies.length > 0 ? { dependencies, degraded } : {}),
    };
  });

  for (const { definition: service, instance } of services) {
    await app.register(
      async (scope) => {
        await scope.register(swagger, {
          openapi: {
            openapi: '3.1.0',
            info: { title: service.title, description: service.description, version: '1.0.0' },
            servers: [{ url: service.prefix, description: 'on the shared CALOS server' }],
            components: {
              securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
            },
          },
          // Paths are documented without the prefix: the same API answers on its own host.
          transform: ({ schema, url }) => ({ schema, url: url.slice(service.prefix.length) || '/' }),
        });
        await registerApiDocs(scope);
        // For other CALOS processes (and a proxy's health checks): this service answers here.
        scope.get('/internal/health', { schema: { hide: true } }, async () => ({
          service: service.name,
          status: 'ok',
        }));
        // App pages on their own hosts call every service's API, not only their own.
        allowWebOrigins(scope, config.hosts);
        scope.get('/openapi.json', { schema: { hide: true } }, async () => scope.swagger());
        await instance.routes(scope);
      },
      { prefix: service.prefix },
    );
  }

  for (const { instance } of services) await instance.rootRoutes?.(app);
  await options.processRoutes?.(app);
  // The web pages (web/dist) answer only the paths that no service route claims.
  await registerWebPages(app, {
    config,
    services: services.map((s) => s.definition.name),
    distDir: config.webDist,
  });
  return app;
}

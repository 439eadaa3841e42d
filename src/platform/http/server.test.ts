import { connect } from 'node:net';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedDatabases, isolatedDatabases } from '../../../test/support/databases.ts';
import { testEngines } from '../../../test/support/engines.ts';
import { loadConfig } from '../config.ts';
import type { DBPoolManager } from '../db/pool-manager.ts';
import { AppError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { migrate, rollback } from '../migrations/migrator.ts';
import { createHttpServer } from './server.ts';
import type { App, MountedService, ServiceDefinition } from './service.ts';
import { stopGracefully } from './shutdown.ts';

/** The slow-write route announces that it started and waits for the test to let it go on. */
const slowWrite = { started: deferred(), release: deferred() };
function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const definition: ServiceDefinition = {
  name: 'hollowtown',
  prefix: '/hollowtown',
  title: 'Things',
  description: 'A service made for these tests',
  database: 'hollowtown',
  create: () => ({ routes: () => undefined }),
};

const thingsService = (databases: DBPoolManager): MountedService => ({
  definition,
  instance: { routes: (app) => thingsRoutes(app, databases) },
});

function thingsRoutes(app: App, databases: DBPoolManager) {
  app.post(
    '/api/things',
    {
      schema: {
        summary: 'Create a thing',
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 10 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => reply.status(201).send({ name: request.body.name }),
  );
  app.post(
    '/api/notes/:key',
    {
      schema: {
        params: Type.Object({ key: Type.String({ maxLength: 100 }) }),
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })) }),
        body: Type.Object({
          title: Type.String({ maxLength: 50 }),
          tags: Type.Optional(Type.Array(Type.String({ maxLength: 20 }))),
          meta: Type.Optional(Type.Record(Type.String(), Type.String())),
          on: Type.Optional(Type.String({ format: 'date' })),
          at: Type.Optional(Type.String({ format: 'date-time' })),
        }),
      },
    },
    async (request, reply) => reply.status(201).send(request.body),
  );
  // Documents its own shape for 400 (as RFC 8628's token endpoint does).
  app.post(
    '/api/oauth-like',
    {
      schema: {
        body: Type.Object({ code: Type.String({ maxLength: 10 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ ok: Type.Boolean() }),
          400: Type.Object({ error: Type.String(), error_description: Type.String() }),
        },
      },
    },
    async () => ({ ok: true }),
  );
  app.get('/api/boom', async () => {
    throw new Error('database password is hunter2');
  });
  app.get('/api/taken', async () => {
    throw new AppError(409, 'THING_TAKEN', 'That thing is taken', { name: 'x' });
  });
  app.post('/api/slow-write', async () => {
    slowWrite.started.resolve();
    await slowWrite.release.promise;
    await databases
      .get('hollowtown')
      .query(
        "INSERT INTO haunted_house_plans (user_id, room_name, scare_level) VALUES (gen_random_uuid(), 'Crypt', 5)",
      );
    return { written: true };
  });
}

describe.each(testEngines())('the HTTP kit on %s', (engine) => {
  let isolated: IsolatedDatabases;
  let pools: DBPoolManager;
  let app: App;

  beforeAll(async () => {
    isolated = await isolatedDatabases(engine);
    pools = await isolated.open(['hollowtown']);
    const config = loadConfig({ NODE_ENV: 'test', CALOS_HOSTS: 'api.hollowtown.test=hollowtown' });
    app = await createHttpServer({
      config,
      logger: createLogger(config),
      databases: pools,
      services: [thingsService(pools)],
    });
  });
  afterAll(async () => {
    await app.close();
    await isolated.cleanup();
  });

  it('answers an unknown route with 404 in the error shape', async () => {
    const response = await app.inject({ method: 'GET', url: '/hollowtown/api/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { code: 'ROUTE_NOT_FOUND', message: 'No route for GET /hollowtown/api/nothing-here' },
    });
  });

  it('answers malformed JSON with 400 MALFORMED_BODY', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/hollowtown/api/things',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('MALFORMED_BODY');
  });

  it('answers a body that breaks the schema with 400 VALIDATION_FAILED naming the field', async () => {
    const tooLong = await app.inject({
      method: 'POST',
      url: '/hollowtown/api/things',
      payload: { name: 'x'.repeat(11) },
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'body.name', message: expect.stringContaining('10') }],
    });
    const extra = await app.inject({
      method: 'POST',
      url: '/hollowtown/api/things',
      payload: { name: 'a', admin: true },
    });
    expect(extra.json().error.details[0].field).toBe('body.admin');
    const missing = await app.inject({ method: 'POST', url: '/hollowtown/api/things', payload: {} });
    expect(missing.json().error.message).toContain('body.name');
  });

  it('answers a body that is too large with 413 and an unsupported type with 415', async () => {
    const large = await app.inject({
      method: 'POST',
      url: '/hollowtown/api/things',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(large.statusCode).toBe(413);
    expect(large.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const xml = await app.inject({
      method: 'POST',
      url: '/hollowtown/api/things',
      headers: { 'content-type': 'application/xml' },
      payload: '<name>x</name>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a NUL or a lone surrogate anywhere in the request with 400 INVALID_TEXT naming the field', async () => {
    const cases: { url: string; payload: unknown; field: string }[] = [
      { url: '/hollowtown/api/notes/k', payload: { title: 'a\u0000b' }, field: 'body.title' },
      {
        url: '/hollowtown/api/notes/k',
        payload: { title: 'x', tags: ['ok', 'b\ud800'] },
        field: 'body.tags.1',
      },
      {
        url: '/hollowtown/api/notes/k',
        payload: { title: 'x', meta: { 'k\u0000': 'v' } },
        field: 'body.meta.k\\u0000',
      },
      { url: '/hollowtown/api/notes/k', payload: { title: '\udc00x' }, field: 'body.title' },
      { url: '/hollowtown/api/notes/k?q=a%00b', payload: { title: 'x' }, field: 'query.q' },
      { url: '/hollowtown/api/notes/a%00b', payload: { title: 'x' }, field: 'params.key' },
    ];
    for (const { url, payload, field } of cases) {
      const response = await app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(payload),
      });
      expect(response.statusCode, field).toBe(400);
      expect(response.json().error, field).toMatchObject({
        code: 'INVALID_TEXT',
        message: expect.stringContaining(field),
        details: [{ field }],
      });
    }
    const fine = await app.inject({
      method: 'POST',
      url: '/hollowtown/api/notes/k',
      payload: { title: 'Crypt 🎃 ß', tags: ['😱'] },
    });
    expect(fine.statusCode).toBe(201);
    expect(fine.json()).toEqual({ title: 'Crypt 🎃 ß', tags: ['😱'] });
  });

  it('refuses days and times outside the years 0001 to 9999 with 400', async () => {
    for (const payload of [
      { title: 'x', on: '0000-01-01' },
      { title: 'x', on: '2025-02-29' },
      { title: 'x', at: '0000-01-01T00:00:00Z' },
      { title: 'x', at: '0001-01-01T00:00:00+01:00' },
      { title: 'x', at: '2025-06-30T23:59:60Z' },
    ]) {
      const response = await app.inject({ method: 'POST', url: '/hollowtown/api/notes/k', payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    const edges = await app.inject({
      method: 'POST',
      url: '/hollowtown/api/notes/k',
      payload: { title: 'x', on: '0001-01-01', at: '9999-12-31T23:59:59.999Z' },
    });
    expect(edges.statusCode).toBe(201);
  });

  it('answers a request the route cannot take in the error shape even where the route documents another 400', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/hollowtown/api/oauth-like',
      payload: { code: 'x', extra: 1 },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED', details: [{ field: 'body.extra' }] },
    });
  });

  it('answers a path that does not decode, and an over-long path parameter, in the error shape', async () => {
    for (const url of [
      '/hollowtown/api/notes/%',
      '/hollowtown/api/notes/a%zz',
      '/hollowtown/api/notes/%ED%A0%80',
    ]) {
      const response = await app.inject({ method: 'POST', url, payload: { title: 'x' } });
      expect(response.statusCode, url).toBe(400);
      expect(response.json(), url).toEqual({
        error: { code: 'INVALID_URL', message: expect.any(String) },
      });
    }
    const long = await app.inject({
      method: 'POST',
      url: `/hollowtown/api/notes/${'k'.repeat(101)}`,
      payload: { title: 'x' },
    });
    expect(long.statusCode).toBe(414);
    expect(long.json().error).toMatchObject({ code: 'URI_TOO_LONG', details: { limit: 100 } });
  });

  it('answers what the HTTP parser refuses (20 kB of query string, a broken request line) in the error shape', async () => {
    const address = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
    try {
      const huge = await rawHttp(
        address,
        `GET /hollowtown/api/notes/k?q=${'q'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
      );
      expect(huge.status).toBe(431);
      expect(JSON.parse(huge.body)).toEqual({
        error: { code: 'HEADERS_TOO_LARGE', message: expect.any(String) },
      });
      const broken = await rawHttp(address, 'GET /\u0001 nonsense\r\n\r\n');
      expect(broken.status).toBe(400);
      expect(JSON.parse(broken.body).error.code).toBe('MALFORMED_REQUEST');
    } finally {
      // The other tests use inject; the server stops listening with app.close() in afterAll.
    }
  });

  it('passes an AppError through with its status, code and details', async () => {
    const response = await app.inject({ method: 'GET', url: '/hollowtown/api/taken' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      error: { code: 'THING_TAKEN', message: 'That thing is taken', details: { name: 'x' } },
    });
  });

  it('hides an unexpected error behind INTERNAL with the request id', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/hollowtown/api/boom',
      headers: { 'x-request-id': 'req-123' },
    });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('hunter2');
    expect(response.json().error).toMatchObject({ code: 'INTERNAL', details: { requestId: 'req-123' } });
    expect(response.headers['x-request-id']).toBe('req-123');
  });

  it('gives every response a request id', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.json()).toEqual({ status: 'ok' });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('documents each service at /<prefix>/openapi.json, with paths relative to the prefix', async () => {
    const response = await app.inject({ method: 'GET', url: '/hollowtown/openapi.json' });
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.title).toBe('Things');
    expect(document.servers[0].url).toBe('/hollowtown');
    expect(document.paths['/api/things'].post.summary).toBe('Create a thing');
    const docs = await app.inject({ method: 'GET', url: '/hollowtown/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('serves the API docs page with and without the slash, on the shared host and on its own, every asset found', async () => {
    for (const { start, host } of [
      { start: '/hollowtown/docs', host: 'localhost' },
      { start: '/docs', host: 'api.hollowtown.test' },
    ]) {
      const redirect = await app.inject({ method: 'GET', url: start, headers: { host } });
      expect(redirect.statusCode).toBe(301);
      const page = new URL(redirect.headers.location as string, `http://${host}${start}`);
      expect(page.pathname).toBe(`${start}/`);
      const html = await app.inject({ method: 'GET', url: page.pathname, headers: { host } });
      expect(html.statusCode).toBe(200);
      expect(html.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(html.headers['content-security-policy']).toContain("script-src 'self'");
      expect(html.headers['x-frame-options']).toBe('DENY');
      expect(html.headers['x-content-type-options']).toBe('nosniff');
      const assets = [...html.body.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1] as string);
      expect(assets.length).toBeGreaterThan(3);
      for (const asset of assets) {
        const url = new URL(asset, `http://${host}${page.pathname}`);
        const answer = await app.inject({ method: 'GET', url: url.pathname, headers: { host } });
        expect(answer.statusCode, `${url.pathname} on ${host}`).toBe(200);
      }
    }
  });

  it('compresses the docs bundle by Accept-Encoding (brotli or gzip) and lets it be cached for a day', async () => {
    const brotli = await app.inject({
      method: 'GET',
      url: '/hollowtown/docs/static/swagger-ui-bundle.js',
      headers: { 'accept-encoding': 'br, gzip' },
    });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.headers.vary).toContain('accept-encoding');
    const gzip = await app.inject({
      method: 'GET',
      url: '/hollowtown/docs/static/swagger-ui-bundle.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(gzip.statusCode).toBe(200);
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers['cache-control']).toBe('public, max-age=86400');
    expect(gzip.rawPayload.length).toBeLessThan(600_000);
    const plain = await app.inject({ method: 'GET', url: '/hollowtown/openapi.json' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.json().openapi).toBe('3.1.0');
  });

  it('serves a service on its own host without the prefix', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/things',
      headers: { host: 'api.hollowtown.test:443' },
      payload: { name: 'bat' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ name: 'bat' });
    const health = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { host: 'api.hollowtown.test' },
    });
    expect(health.statusCode).toBe(200);
  });

  it('is ready only while every database is reachable and migrated', async () => {
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().databases).toEqual([
      { database: 'hollowtown', reachable: true, migrated: true, pending: 0 },
    ]);
    const db = pools.get('hollowtown');
    await rollback(db);
    const behind = await app.inject({ method: 'GET', url: '/readyz' });
    expect(behind.statusCode).toBe(503);
    expect(behind.json().error).toMatchObject({
      code: 'NOT_READY',
      details: [{ database: 'hollowtown', pending: 1 }],
    });
    await migrate(db);
  });
});

/** Writes raw bytes to the server and reads the answer until it closes the connection. */
function rawHttp(address: URL, request: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(address.port), address.hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body });
    });
  });
}

describe.each(testEngines())('a graceful stop on %s', (engine) => {
  it('answers a request that arrives while stopping with 503 SHUTTING_DOWN in the error shape', async () => {
    const isolated = await isolatedDatabases(engine);
    try {
      const pools = await isolated.open(['hollowtown']);
      const config = loadConfig({ NODE_ENV: 'test' });
      const app = await createHttpServer({
        config,
        logger: createLogger(config),
        databases: pools,
        services: [thingsService(pools)],
      });
      const address = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
      // A client half-way through its request headers when the stop begins: its connection is
      // not idle, so it stays, and the request arrives once the server is stopping.
      const socket = connect(Number(address.port), address.hostname);
      await new Promise((resolve) => socket.once('connect', resolve));
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const stopping = stopGracefully(app, pools);
      socket.write('\r\n');
      await closed;
      await stopping;
      const [head = '', body = ''] = Buffer.concat(chunks).toString('utf8').split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 503 /);
      expect(head.toLowerCase()).toContain('retry-after: 1');
      expect(JSON.parse(body)).toEqual({
        error: { code: 'SHUTTING_DOWN', message: expect.any(String), details: { retryAfterSeconds: 1 } },
      });
    } finally {
      await isolated.cleanup();
    }
  });

  it('finishes a request in flight, writes its row, and only then closes the pools', async () => {
    const isolated = await isolatedDatabases(engine);
    try {
      const pools = await isolated.open(['hollowtown']);
      const config = loadConfig({ NODE_ENV: 'test' });
      const app = await createHttpServer({
        config,
        logger: createLogger(config),
        databases: pools,
        services: [thingsService(pools)],
      });
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      slowWrite.started = deferred();
      slowWrite.release = deferred();
      const inFlight = fetch(`${address}/hollowtown/api/slow-write`, { method: 'POST' });
      await slowWrite.started.promise;
      const stopping = stopGracefully(app, pools);
      const refused = await fetch(`${address}/healthz`).then(
        (r) => r.status,
        () => 'refused',
      );
      expect([503, 'refused']).toContain(refused);
      slowWrite.release.resolve();
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ written: true });
      await stopping;
      const check = await isolated.open(['hollowtown']);
      const { rows } = await check
        .get('hollowtown')
        .query<{ n: number }>('SELECT count(*) AS n FROM haunted_house_plans');
      expect(rows[0]?.n).toBe(1);
    } finally {
      await isolated.cleanup();
    }
  });
});

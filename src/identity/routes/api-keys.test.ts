import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedDatabases, isolatedDatabases } from '../../../test/support/databases.ts';
import { testEngines } from '../../../test/support/engines.ts';
import { given } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { loadConfig } from '../../platform/config.ts';
import type { Database } from '../../platform/db/database.ts';
import { createHttpServer } from '../../platform/http/server.ts';
import type { App, ServiceDefinition } from '../../platform/http/service.ts';
import { REDACTED_PATHS } from '../../platform/logger.ts';
import type { IdentityClient } from '../client.ts';
import type { IdentityDeps } from '../deps.ts';
import { registerApiKeyRoutes } from './api-keys.ts';

const OPENAI_KEY = 'sk-proj-Abc123Def456Ghi789Jkl012Mno345Pqr678Stu9xyz';

// The key routes alone, behind a stand-in for identity's token check (x-test-user names the
// caller), with every log line kept so that the test can look for keys in them.
const definition: ServiceDefinition = {
  name: 'identity',
  prefix: '/calos',
  title: 'CALOS identity',
  description: 'Bring-your-own keys under test',
  database: 'identity',
  create: () => ({ routes: () => undefined }),
};

function keyRoutes(deps: IdentityDeps) {
  return (app: App) => {
    app.addHook('onRequest', async (request) => {
      const userId = request.headers['x-test-user'];
      request.auth =
        typeof userId === 'string'
          ? { userId, sessionId: 'test-session', plan: 'free', expiresAt: 0, token: 'test' }
          : null;
    });
    registerApiKeyRoutes(app, deps);
  };
}

let counter = 0;
async function givenUserId(db: Database): Promise<string> {
  counter += 1;
  const name = `routes_${counter}_${Math.random().toString(36).slice(2, 8)}`;
  const { rows } = await db.query<{ user_id: string }>(
    "INSERT INTO users (username, email, password_hash) VALUES ($1, $2, 'not-a-real-hash') RETURNING user_id",
    [name, `${name}@example.test`],
  );
  return (rows[0] as { user_id: string }).user_id;
}

describe.each(testEngines())('the key routes on %s', (engine) => {
  let isolated: IsolatedDatabases;
  let db: Database;
  let app: App;
  const logLines: string[] = [];

  beforeAll(async () => {
    isolated = await isolatedDatabases(engine);
    const pools = await isolated.open(['identity']);
    db = pools.get('identity');
    const config = loadConfig({ NODE_ENV: 'test' });
    const logger = pino(
      { level: 'trace', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
      { write: (line: string) => logLines.push(line) },
    );
    const deps: IdentityDeps = { db, config, logger, masterKey: randomBytes(32), now: () => new Date() };
    app = await createHttpServer({
      config,
      logger,
      databases: pools,
      services: [{ definition, instance: { routes: keyRoutes(deps) } }],
    });
  });
  afterAll(async () => {
    await app.close();
    await isolated.cleanup();
  });

  const as = (userId: string) => ({ 'x-test-user': userId });

  it('asks for a signed-in user on every key route', async () => {
    for (const [method, url] of [
      ['POST', '/calos/api/keys/add'],
      ['GET', '/calos/api/keys'],
      ['DELETE', `/calos/api/keys/${crypto.randomUUID()}`],
    ] as const) {
      const response = await app.inject({
        method,
        url,
        ...(method === 'POST' ? { payload: { provider: 'openai', api_key: OPENAI_KEY } } : {}),
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('adds a key, answers and lists it only masked, and stores it sealed', async () => {
    const userId = await givenUserId(db);
    const added = await app.inject({
      method: 'POST',
      url: '/calos/api/keys/add',
      headers: as(userId),
      payload: { provider: 'openai', api_key: OPENAI_KEY, label: 'personal' },
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toEqual({
      key_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      provider: 'openai',
      label: 'personal',
      masked: '…9xyz',
      is_active: true,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(added.body).not.toContain(OPENAI_KEY.slice(0, -4));

    const listed = await app.inject({ method: 'GET', url: '/calos/api/keys', headers: as(userId) });
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toEqual({ items: [added.json()] });
    expect(listed.body).not.toContain(OPENAI_KEY.slice(0, -4));
    expect(listed.body).not.toContain('v1.');

    const { rows } = await db.query<{ api_key_encrypted: string }>(
      'SELECT api_key_encrypted FROM user_api_keys WHERE key_id = $1',
      [added.json().key_id],
    );
    const sealed = rows[0]?.api_key_encrypted as string;
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain(OPENAI_KEY);
    expect(sealed).not.toContain(Buffer.from(OPENAI_KEY).toString('base64'));
    expect(sealed).not.toContain(Buffer.from(OPENAI_KEY).toString('base64url'));
  });

  it('shows user B nothing of user A’s keys: not listed, and deleting one is 404', async () => {
    const alice = await givenUserId(db);
    const bob = await givenUserId(db);
    const added = await app.inject({
      method: 'POST',
      url: '/calos/api/keys/add',
      headers: as(alice),
      payload: { provider: 'anthropic', api_key: OPENAI_KEY },
    });
    const keyId = added.json().key_id;

    const bobsList = await app.inject({ method: 'GET', url: '/calos/api/keys', headers: as(bob) });
    expect(bobsList.json()).toEqual({ items: [] });
    for (const id of [keyId, 'not-a-uuid', crypto.randomUUID()]) {
      const response = await app.inject({ method: 'DELETE', url: `/calos/api/keys/${id}`, headers: as(bob) });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: { code: 'API_KEY_NOT_FOUND', message: 'No such API key' } });
    }

    const removed = await app.inject({
      method: 'DELETE',
      url: `/calos/api/keys/${keyId}`,
      headers: as(alice),
    });
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe('');
    const again = await app.inject({ method: 'DELETE', url: `/calos/api/keys/${keyId}`, headers: as(alice) });
    expect(again.statusCode).toBe(404);
    const alicesList = await app.inject({ method: 'GET', url: '/calos/api/keys', headers: as(alice) });
    expect(alicesList.json()).toEqual({ items: [] });
  });

  it('answers bad input with 400 in the error shape, naming the field', async () => {
    const userId = await givenUserId(db);
    const cases: [Record<string, unknown>, string][] = [
      [{ provider: 'openai' }, 'body.api_key'],
      [{ provider: 'mistral', api_key: OPENAI_KEY }, 'body.provider'],
      [{ provider: 'openai', api_key: 'too-short' }, 'body.api_key'],
      [{ provider: 'openai', api_key: `${OPENAI_KEY} ${OPENAI_KEY}` }, 'body.api_key'],
      [{ provider: 'openai', api_key: 'x'.repeat(700) }, 'body.api_key'],
      [{ provider: 'openai', api_key: OPENAI_KEY, label: '' }, 'body.label'],
      [{ provider: 'openai', api_key: OPENAI_KEY, label: 'x'.repeat(101) }, 'body.label'],
      [{ provider: 'openai', api_key: OPENAI_KEY, label: '  ' }, 'body.label'],
      [{ provider: 'openai', api_key: OPENAI_KEY, is_active: false }, 'body.is_active'],
    ];
    for (const [payload, field] of cases) {
      const response = await app.inject({
        method: 'POST',
        url: '/calos/api/keys/add',
        headers: as(userId),
        payload,
      });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json()).toEqual({
        error: {
          code: 'VALIDATION_FAILED',
          message: expect.stringContaining(field),
          details: [expect.objectContaining({ field })],
        },
      });
    }
    const listed = await app.inject({ method: 'GET', url: '/calos/api/keys', headers: as(userId) });
    expect(listed.json()).toEqual({ items: [] });
  });

  it('refuses an eleventh key with 409 API_KEY_LIMIT_REACHED', async () => {
    const userId = await givenUserId(db);
    for (let i = 0; i < 10; i++) {
      const response = await app.inject({
        method: 'POST',
        url: '/calos/api/keys/add',
        headers: as(userId),
        payload: { provider: 'deepseek', api_key: `${OPENAI_KEY}-${i}` },
      });
      expect(response.statusCode).toBe(201);
    }
    const eleventh = await app.inject({
      method: 'POST',
      url: '/calos/api/keys/add',
      headers: as(userId),
      payload: { provider: 'openai', api_key: OPENAI_KEY },
    });
    expect(eleventh.statusCode).toBe(409);
    expect(eleventh.json().error).toMatchObject({ code: 'API_KEY_LIMIT_REACHED', details: { limit: 10 } });
    const listed = await app.inject({ method: 'GET', url: '/calos/api/keys', headers: as(userId) });
    expect(listed.json().items.filter((k: { is_active: boolean }) => k.is_active)).toHaveLength(1);
  });

  it('documents the routes, including that a new key deactivates the old one', async () => {
    const document = (await app.inject({ method: 'GET', url: '/calos/openapi.json' })).json();
    expect(document.paths['/api/keys/add'].post.description).toContain('deactivated');
    expect(document.paths['/api/keys'].get.summary).toBeTruthy();
    expect(document.paths['/api/keys/{keyId}'].delete.summary).toBeTruthy();
  });

  it('never writes a key to the log', async () => {
    // Runs last: every request above, good and bad, has been logged at trace level by now.
    expect(logLines.length).toBeGreaterThan(20);
    const log = logLines.join('\n');
    expect(log).not.toContain(OPENAI_KEY.slice(0, -4));
    expect(log).not.toContain(Buffer.from(OPENAI_KEY).toString('base64'));
  });
});

describe.each(testEngines())('bring-your-own keys for signed-up users on %s', (engine) => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity'] });
  });
  afterAll(() => platform.close());

  it('adds, lists masked, hides from another user, hands the gateway the key, and deletes', async () => {
    const alice = await given(platform).user();
    const bob = await given(platform).user();
    const added = await platform.app.inject({
      method: 'POST',
      url: '/calos/api/keys/add',
      headers: alice.headers,
      payload: { provider: 'openai', api_key: OPENAI_KEY, label: 'mine' },
    });
    expect(added.statusCode).toBe(201);
    const key = added.json();
    expect(key).toMatchObject({ provider: 'openai', label: 'mine', masked: '…9xyz', is_active: true });

    const listed = await platform.app.inject({
      method: 'GET',
      url: '/calos/api/keys',
      headers: alice.headers,
    });
    expect(listed.json()).toEqual({ items: [key] });
    expect(listed.body).not.toContain(OPENAI_KEY.slice(0, -4));

    const bobsList = await platform.app.inject({
      method: 'GET',
      url: '/calos/api/keys',
      headers: bob.headers,
    });
    expect(bobsList.json()).toEqual({ items: [] });
    const bobsDelete = await platform.app.inject({
      method: 'DELETE',
      url: `/calos/api/keys/${key.key_id}`,
      headers: bob.headers,
    });
    expect(bobsDelete.statusCode).toBe(404);
    expect(bobsDelete.json().error.code).toBe('API_KEY_NOT_FOUND');

    const identity = platform.clients.get<IdentityClient>('identity');
    expect(await identity.apiKeys.activeKey(alice.userId, 'openai')).toEqual({
      keyId: key.key_id,
      apiKey: OPENAI_KEY,
    });
    expect(await identity.apiKeys.activeKey(bob.userId, 'openai')).toBeNull();

    const audit = await platform.app.inject({
      method: 'GET',
      url: '/calos/api/audit',
      headers: alice.headers,
    });
    expect(audit.json().items).toContainEqual(
      expect.objectContaining({
        event: 'api_key.added',
        details: { key_id: key.key_id, provider: 'openai', masked: '…9xyz' },
      }),
    );

    const removed = await platform.app.inject({
      method: 'DELETE',
      url: `/calos/api/keys/${key.key_id}`,
      headers: alice.headers,
    });
    expect(removed.statusCode).toBe(204);
    expect(await identity.apiKeys.activeKey(alice.userId, 'openai')).toBeNull();
  });

  it('answers without a token with 401, and bad input with 400 in the error shape', async () => {
    const anonymous = await platform.app.inject({ method: 'GET', url: '/calos/api/keys' });
    expect(anonymous.statusCode).toBe(401);
    const carol = await given(platform).user();
    const bad = await platform.app.inject({
      method: 'POST',
      url: '/calos/api/keys/add',
      headers: carol.headers,
      payload: { provider: 'openai', api_key: 'sk-with spaces inside-it' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining('body.api_key'),
        details: [{ field: 'body.api_key', message: expect.any(String) }],
      },
    });
  });
});

// Services run alone (`calos serve ai`, `calos serve hollowtown`) against identity in another
// process: they verify tokens from identity's JWKS over HTTP and reach identity's client through
// its internal API; Hollowtown reaches the gateway in a third process with the user's token, hands
// its staff actions to identity's audit log from its outbox, and hears identity's staff.changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HollowtownClient } from '../src/hollowtown/client.ts';
import { goodAnswer } from '../src/hollowtown/testing/recipe-answers.ts';
import { createStaffService } from '../src/identity/index.ts';
import { type RunningPlatform, startPlatform } from '../src/main.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logger.ts';
import { type OllamaStandIn, startOllamaStandIn } from './stand-ins/ollama.ts';
import { type IsolatedDatabases, isolatedDatabases } from './support/databases.ts';
import { testEngines } from './support/engines.ts';

const SERVICE_TOKEN = 'a-service-token-that-is-long-enough-0123456789';

describe.runIf(testEngines().includes('postgres'))('a service served alone', () => {
  let isolated: IsolatedDatabases;
  let ollama: OllamaStandIn;
  let identity: RunningPlatform;
  let gateway: RunningPlatform;
  let hollowtown: RunningPlatform;

  beforeAll(async () => {
    isolated = await isolatedDatabases('postgres');
    ollama = await startOllamaStandIn({ models: ['llama3.2:latest'] });
    const base = {
      NODE_ENV: 'test',
      PORT: '0',
      CALOS_DATA_DIR: isolated.dataDir,
      CALOS_SERVICE_TOKEN: SERVICE_TOKEN,
    };
    const identityConfig = { ...loadConfig(base), databases: isolated.targets };
    identity = await startPlatform({
      config: identityConfig,
      logger: createLogger(identityConfig),
      services: ['identity'],
    });
    const gatewayConfig = {
      ...loadConfig({ ...base, OLLAMA_HOSTS: ollama.url, CALOS_IDENTITY_URL: identity.url }),
      databases: isolated.targets,
    };
    gateway = await startPlatform({
      config: gatewayConfig,
      logger: createLogger(gatewayConfig),
      services: ['ai'],
    });
    const hollowtownConfig = {
      ...loadConfig({ ...base, CALOS_IDENTITY_URL: identity.url, CALOS_AI_URL: gateway.url }),
      databases: isolated.targets,
    };
    hollowtown = await startPlatform({
      config: hollowtownConfig,
      logger: createLogger(hollowtownConfig),
      services: ['hollowtown'],
    });
  });
  afterAll(async () => {
    await hollowtown?.stop();
    await gateway?.stop();
    await identity?.stop();
    await ollama.close();
    await isolated.cleanup();
  });

  it('accepts identity’s tokens and records usage in identity over HTTP', async () => {
    const registered = await fetch(`${identity.url}/calos/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'alone_user',
        email: 'alone@example.test',
        password: 'correct horse battery staple',
      }),
    });
    const { access_token: token } = (await registered.json()) as { access_token: string };
    const chat = await fetch(`${gateway.url}/ai/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }], stream: false }),
    });
    expect(chat.status).toBe(200);
    const usage = await fetch(`${gateway.url}/ai/api/usage`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await usage.json()) as { items: { outcome: string }[] }).items).toMatchObject([
      { outcome: 'ok' },
    ]);
  });

  it('stores Responses API answers in identity over HTTP, continued with previous_response_id', async () => {
    const registered = await fetch(`${identity.url}/calos/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'alone_talker',
        email: 'alone-talker@example.test',
        password: 'correct horse battery staple',
      }),
    });
    const { access_token: token } = (await registered.json()) as { access_token: string };
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const respond = async (body: object) =>
      (await (
        await fetch(`${gateway.url}/ai/v1/responses`, { method: 'POST', headers, body: JSON.stringify(body) })
      ).json()) as { id: string; previous_response_id: string | null; store: boolean };
    const first = await respond({ model: 'llama3.2', input: 'first words' });
    const second = await respond({
      model: 'llama3.2',
      input: 'second words',
      previous_response_id: first.id,
    });
    expect(second).toMatchObject({ previous_response_id: first.id, store: true });
    const kept = await fetch(`${gateway.url}/ai/v1/responses/${second.id}`, { headers });
    const stored = (await kept.json()) as { id: string; output: { id: string }[] };
    expect(stored.id).toBe(second.id);
    // Streamed (how it was cut kept over HTTP), replayed, and its output referenced by item id.
    const streamed = await fetch(`${gateway.url}/ai/v1/responses`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'llama3.2', input: 'third words', stream: true }),
    });
    const live = await streamed.text();
    const id = /"id":"(resp_[0-9a-f]+)"/.exec(live)?.[1];
    const replay = await fetch(`${gateway.url}/ai/v1/responses/${id}?stream=true`, { headers });
    expect(await replay.text()).toBe(live);
    const referenced = await respond({
      model: 'llama3.2',
      input: [
        { type: 'item_reference', id: stored.output[0]?.id },
        { role: 'user', content: 'more' },
      ],
    });
    expect(referenced.store).toBe(true);
  });

  it('generates a Hollowtown recipe through a gateway in a third process, whole and streamed', async () => {
    const registered = await fetch(`${identity.url}/calos/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'alone_cook',
        email: 'alone-cook@example.test',
        password: 'correct horse battery staple',
      }),
    });
    const { access_token: token } = (await registered.json()) as { access_token: string };
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const body = JSON.stringify({ theme: 'a crypt picnic' });

    ollama.script(goodAnswer({ recipe_name: 'Crypt picnic pie' }));
    const whole = await fetch(`${hollowtown.url}/hollowtown/api/recipes/generate`, {
      method: 'POST',
      headers,
      body,
    });
    expect(whole.status, await whole.clone().text()).toBe(201);
    expect(await whole.json()).toMatchObject({ recipe_name: 'Crypt picnic pie', source: 'ai' });

    ollama.script(goodAnswer({ recipe_name: 'Streamed crypt pie' }));
    const streamed = await fetch(`${hollowtown.url}/hollowtown/api/recipes/generate`, {
      method: 'POST',
      headers: { ...headers, accept: 'text/event-stream' },
      body,
    });
    expect(streamed.status).toBe(200);
    const text = await streamed.text();
    expect(text.match(/^event: text$/gm)?.length ?? 0).toBeGreaterThan(1);
    expect(text).toMatch(/^event: recipe\ndata: .*"Streamed crypt pie"/m);
  });

  it('hands a vote on Hollowtown to identity’s karma over its client over HTTP', async () => {
    const register = async (username: string) => {
      const response = await fetch(`${identity.url}/calos/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          username,
          email: `${username}@example.test`,
          password: 'correct horse battery staple',
        }),
      });
      const body = (await response.json()) as { access_token: string };
      return { authorization: `Bearer ${body.access_token}`, 'content-type': 'application/json' };
    };
    const author = await register('alone_author');
    const fan = await register('alone_fan');
    const created = await fetch(`${hollowtown.url}/hollowtown/api/recipes/spooky`, {
      method: 'POST',
      headers: author,
      body: JSON.stringify({ recipe_name: 'Bat wing soup', is_published: true }),
    });
    const { recipe_id: id } = (await created.json()) as { recipe_id: string };
    const vote = await fetch(`${hollowtown.url}/hollowtown/api/recipes/spooky/${id}/vote`, {
      method: 'POST',
      headers: { authorization: fan.authorization },
    });
    expect(await vote.json()).toEqual({ votes: 1, has_voted: true });
    // Handed over by Hollowtown's community consumer (woken by NOTIFY, else within a second).
    const deadline = Date.now() + 10_000;
    let karma = 0;
    while (karma !== 1 && Date.now() < deadline) {
      const response = await fetch(`${identity.url}/calos/api/users/alone_author/karma`);
      karma = ((await response.json()) as { karma: number }).karma;
      if (karma !== 1) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(karma).toBe(1);
  });

  it('audits a Hollowtown refund in identity from Hollowtown’s outbox, and refuses a role taken back at once', async () => {
    const register = async (username: string) => {
      const response = await fetch(`${identity.url}/calos/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          username,
          email: `${username}@example.test`,
          password: 'correct horse battery staple',
        }),
      });
      const body = (await response.json()) as { access_token: string };
      return { authorization: `Bearer ${body.access_token}`, 'content-type': 'application/json' };
    };
    const [seller, buyer, support] = [
      await register('alone_seller'),
      await register('alone_buyer'),
      await register('alone_support'),
    ];
    const staff = createStaffService({
      db: identity.databases.get('identity'),
      now: () => identity.clock.now(),
    });
    await staff.grant(
      { login: 'alone_support', role: 'support', domain: 'hollowtown' },
      { operator: 'test' },
    );
    const at = (path: string, headers: Record<string, string>, body?: unknown, key?: string) =>
      fetch(`${hollowtown.url}/hollowtown${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: key ? { ...headers, 'idempotency-key': key } : headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const plan = (await (
      await at('/api/haunted-house/plans', seller, { room_name: 'Far crypt', scare_level: 6 })
    ).json()) as { plan_id: string };
    const listed = (await (
      await at('/api/market/listings', seller, { item_kind: 'plan', item_id: plan.plan_id, price: 40 })
    ).json()) as { listing_id: string };
    const bought = await fetch(
      `${hollowtown.url}/hollowtown/api/market/listings/${listed.listing_id}/purchase`,
      {
        method: 'POST',
        headers: { authorization: buyer.authorization, 'idempotency-key': 'alone-1' },
      },
    );
    expect(bought.status).toBe(201);
    const { purchase_id: purchaseId } = (await bought.json()) as { purchase_id: string };
    const refunded = await at(`/api/market/purchases/${purchaseId}/refund`, support, { reason: 'Far away' });
    expect(refunded.status).toBe(200);

    // Delivered from Hollowtown's outbox over identity's client over HTTP, once per person.
    const entries = async () =>
      (
        await identity.databases
          .get('identity')
          .query<{ dedupe_key: string }>(
            `SELECT dedupe_key FROM staff_audit_log WHERE details->>'purchase_id' = $1 ORDER BY dedupe_key`,
            [purchaseId],
          )
      ).rows;
    const app = hollowtown.clients.get<HollowtownClient>('hollowtown');
    const deadline = Date.now() + 10_000;
    while ((await entries()).length < 2 && Date.now() < deadline) {
      await app.syncCommunityEvents();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const written = await entries();
    expect(written).toHaveLength(2);
    for (const e of written) expect(e.dedupe_key).toMatch(/^hollowtown:outbox:\d+$/);

    // staff.changed reaches Hollowtown from identity's outbox over HTTP: refused at once.
    await app.syncIdentityEvents();
    expect((await at('/api/admin/market', support)).status).toBe(200);
    await staff.revoke(
      { login: 'alone_support', role: 'support', domain: 'hollowtown' },
      { operator: 'test' },
    );
    await app.syncIdentityEvents();
    expect((await at('/api/admin/market', support)).status).toBe(403);
  });

  it('keeps identity’s internal API closed to callers without the service token', async () => {
    const response = await fetch(`${identity.url}/calos/internal/rpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-calos-service-token': 'wrong' },
      body: JSON.stringify({ method: 'apiKeys.activeKey', args: ['x', 'openai'] }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('SERVICE_TOKEN_INVALID');
  });
});

// The family Halloween party with every service served alone (`calos serve <service>`), each of
// the five in its own server, each domain on its own PostgreSQL database, behind one path-routing proxy that every
// service reaches the others through (CALOS_IDENTITY_URL, the default of CALOS_<APP>_URL): what
// needs two apps goes over their typed HTTP clients, nothing is lost to the split.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from '../src/main.ts';
import { type Config, loadConfig, type ServiceName } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logger.ts';
import { type IsolatedDatabases, isolatedDatabases } from './support/databases.ts';
import { testEngines, uniqueSuffix } from './support/engines.ts';
import { joinFamily } from './support/family.ts';
import { deleteNatsStream, natsStreamState } from './support/nats.ts';
import { type PathProxy, startPathProxy } from './support/proxy.ts';
import { openEventStream } from './support/sse.ts';

const SERVICE_TOKEN = 'a-service-token-that-is-long-enough-0123456789';
const PREFIX: Record<ServiceName, string> = {
  identity: '/calos',
  hollowtown: '/hollowtown',
  recipes: '/recipes',
  family: '/family',
  ai: '/ai',
};

interface Person {
  userId: string;
  username: string;
  password: string;
  headers: Record<string, string>;
}

const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

describe.runIf(testEngines().includes('postgres')).each([
  { events: 'outboxes read over HTTP', nats: false },
  { events: 'NATS JetStream', nats: true },
])('the family party with each service served alone, events through $events', ({ nats }) => {
  const natsPrefix = `t${uniqueSuffix()}`;
  let isolated: IsolatedDatabases;
  let proxy: PathProxy;
  const servers = new Map<string, RunningPlatform>();
  let mom: Person;
  let dad: Person;
  let kid: Person;
  let familyId: string;
  let eventId: string;
  let listId: string;
  let sharedRecipeId: string;

  const api = async (
    who: Person | null,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${proxy.url}${path}`, {
      method,
      headers: {
        ...(who?.headers ?? {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    // biome-ignore lint/suspicious/noExplicitAny: JSON of several APIs, read field by field
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
  };

  async function serve(service: ServiceName) {
    const config: Config = {
      ...loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        CALOS_DATA_DIR: isolated.dataDir,
        CALOS_SERVICE_TOKEN: SERVICE_TOKEN,
        ...(nats ? { CALOS_NATS_URL: NATS_URL, CALOS_NATS_PREFIX: natsPrefix } : {}),
        ...(service === 'identity' ? {} : { CALOS_IDENTITY_URL: proxy.url }),
        // Identity calls no app; the apps reach each other through the proxy (the default).
        ...(service === 'identity'
          ? { CALOS_HOLLOWTOWN_URL: proxy.url, CALOS_RECIPES_URL: proxy.url, CALOS_FAMILY_URL: proxy.url }
          : {}),
      }),
      databases: isolated.targets,
    };
    const server = await startPlatform({ config, logger: createLogger(config), services: [service] });
    servers.set(service, server);
    proxy.route(PREFIX[service], server.url);
    return server;
  }

  async function person(name: string): Promise<Person> {
    const username = `${name}_${uniqueSuffix()}`.slice(0, 30);
    const password = 'correct horse battery staple';
    const answer = await api(null, 'POST', '/calos/api/auth/register', {
      username,
      email: `${username}@example.test`,
      password,
    });
    expect(answer.status).toBe(201);
    return {
      userId: answer.body.user.user_id,
      username,
      password,
      headers: { authorization: `Bearer ${answer.body.access_token}` },
    };
  }

  beforeAll(async () => {
    isolated = await isolatedDatabases('postgres');
    proxy = await startPathProxy({});
    for (const service of ['identity', 'ai', 'hollowtown', 'recipes', 'family'] as const)
      await serve(service);
    [mom, dad, kid] = await Promise.all([person('mom'), person('dad'), person('kid')]);
  });
  afterAll(async () => {
    for (const server of [...servers.values()].reverse()) await server.stop();
    await proxy?.close();
    await isolated?.cleanup();
    if (nats) await deleteNatsStream(NATS_URL, natsPrefix);
  });

  it('plans the party with the family across five processes', async () => {
    familyId = (await api(mom, 'POST', '/family/api/families', { family_name: 'The Split Family' })).body
      .family_id;
    for (const [who, role] of [
      [dad, 'parent'],
      [kid, 'child'],
    ] as const) {
      await joinFamily(api, { familyId, admin: mom, invitee: who, login: who.username, role });
    }
    // Hollowtown asks Family Planner (over HTTP) whether mom belongs to the family.
    const event = await api(mom, 'POST', '/hollowtown/api/events', {
      family_id: familyId,
      event_name: 'Split-level party',
      event_type: 'party',
      event_date: '2026-10-31',
      guest_count: 8,
    });
    expect(event.status, JSON.stringify(event.body)).toBe(201);
    eventId = event.body.event_id;
    expect((await api(dad, 'GET', `/hollowtown/api/events/${eventId}`)).status).toBe(200);

    const momsRecipe = await api(mom, 'POST', '/hollowtown/api/recipes/spooky', {
      recipe_name: 'Cobweb cake',
      serves: 4,
      ingredients: ['200 g flour', '2 eggs'],
    });
    const dadsRecipe = await api(dad, 'POST', '/recipes/api/recipes', {
      recipe_name: 'Bone broth',
      difficulty: 'easy',
      serves: 4,
      ingredients: ['1 l water', '500 g bones'],
    });
    expect(dadsRecipe.status).toBe(201);
    // Hollowtown reads dad's recipe from HowToCookAtHome over HTTP.
    for (const [who, domain, id] of [
      [mom, 'hollowtown', momsRecipe.body.recipe_id],
      [dad, 'recipes', dadsRecipe.body.recipe_id],
    ] as const) {
      const added = await api(who, 'POST', `/hollowtown/api/events/${eventId}/recipes`, {
        domain,
        recipe_id: id,
      });
      expect(added.status, JSON.stringify(added.body)).toBe(201);
    }
    // The list lands in Family Planner (over HTTP), scaled to 8 guests.
    const made = await api(mom, 'POST', `/hollowtown/api/events/${eventId}/shopping-list`);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.skipped_recipes).toEqual([]);
    listId = made.body.list_id;
    const list = await api(kid, 'GET', `/family/api/shopping-lists/${listId}`);
    expect(list.body.items.map((i: { name: string }) => i.name).sort()).toEqual([
      'bones',
      'eggs',
      'flour',
      'water',
    ]);
    sharedRecipeId = momsRecipe.body.recipe_id;
  });

  it('lets the kid see a check-off live, and puts the party on the family calendar', async () => {
    const stream = await openEventStream(
      `${proxy.url}/family/api/shopping-lists/${listId}/stream`,
      kid.headers,
    );
    await stream.waitFor((e) => e.event === 'snapshot');
    const list = await api(dad, 'GET', `/family/api/shopping-lists/${listId}`);
    const item = list.body.items[0];
    const checked = await api(
      dad,
      'PATCH',
      `/family/api/shopping-lists/${listId}/items/${item.item_id}`,
      { checked: true },
      { 'idempotency-key': 'split-check' },
    );
    expect(checked.status).toBe(200);
    await stream.waitFor((e) => e.event === 'item.updated');
    stream.close();
    // Family Planner asks Hollowtown (over HTTP) for the family's events.
    const calendar = await api(
      kid,
      'GET',
      `/family/api/calendar?family_id=${familyId}&from=2026-10-01T00:00:00Z&to=2026-11-30T00:00:00Z`,
    );
    expect(calendar.body.linked).toEqual([expect.objectContaining({ title: 'Split-level party' })]);
  });

  it('shares a recipe to HowToCookAtHome and keeps the copy in step over HTTP', async () => {
    const shared = await api(mom, 'POST', `/hollowtown/api/recipes/spooky/${sharedRecipeId}/share`, {
      to: 'recipes',
    });
    expect(shared.status, JSON.stringify(shared.body)).toBeLessThan(300);
    const copyId = shared.body.recipe_id;
    expect((await api(mom, 'GET', `/recipes/api/recipes/${copyId}`)).body.recipe_name).toBe('Cobweb cake');
    expect(
      (
        await api(mom, 'PATCH', `/hollowtown/api/recipes/spooky/${sharedRecipeId}`, {
          recipe_name: 'Cobweb cake, iced',
        })
      ).status,
    ).toBe(200);
    const deadline = performance.now() + 15_000;
    for (;;) {
      const copy = await api(mom, 'GET', `/recipes/api/recipes/${copyId}`);
      if (copy.body.recipe_name === 'Cobweb cake, iced') break;
      if (performance.now() > deadline)
        throw new Error(`the copy did not follow: ${JSON.stringify(copy.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it('serves its own features while another is down, says which in /readyz, and catches up after a restart', async () => {
    const hollowtown = servers.get('hollowtown') as RunningPlatform;
    const ready = async () =>
      (await fetch(`${hollowtown.url}/readyz`)).json() as Promise<{ status: string; degraded?: string[] }>;
    const first = await ready();
    expect(first, JSON.stringify(first)).toMatchObject({ status: 'ready' });

    await (servers.get('recipes') as RunningPlatform).stop();
    servers.delete('recipes');
    expect(await ready()).toMatchObject({ status: 'degraded', degraded: ['recipes'] });
    // Hollowtown's own things work; an edit of the shared recipe waits in its outbox.
    expect((await api(mom, 'GET', '/hollowtown/api/recipes/spooky')).status).toBe(200);
    expect(
      (
        await api(mom, 'PATCH', `/hollowtown/api/recipes/spooky/${sharedRecipeId}`, {
          recipe_name: 'Cobweb cake, while away',
        })
      ).status,
    ).toBe(200);
    const addRecipesRecipe = await api(dad, 'GET', `/hollowtown/api/events/${eventId}/recipes`);
    expect(addRecipesRecipe.status).toBe(200);
    expect(
      addRecipesRecipe.body.items.find((i: { domain: string }) => i.domain === 'recipes').available,
    ).toBe(false);

    await serve('recipes');
    expect(await ready()).toMatchObject({ status: 'ready' });
    const copies = await api(mom, 'GET', '/recipes/api/recipes?scope=mine');
    const copy = copies.body.items.find(
      (r: { source?: { recipe_id?: string } }) => r.source?.recipe_id === sharedRecipeId,
    );
    const deadline = performance.now() + 15_000;
    for (;;) {
      const now = await api(mom, 'GET', `/recipes/api/recipes/${copy.recipe_id}`);
      if (now.body.recipe_name === 'Cobweb cake, while away') break;
      if (performance.now() > deadline)
        throw new Error(`the copy did not catch up: ${JSON.stringify(now.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it('cleans every app when an account is deleted', async () => {
    expect((await api(dad, 'DELETE', '/calos/api/account', { password: dad.password })).status).toBe(204);
    const deadline = performance.now() + 20_000;
    for (;;) {
      const counts = await Promise.all(
        [
          ['recipes', 'SELECT count(*)::int AS n FROM recipes WHERE user_id = $1'],
          ['family', 'SELECT count(*)::int AS n FROM family_members WHERE user_id = $1'],
        ].map(async ([db, sql]) => {
          const server = servers.get(db as string) as RunningPlatform;
          return (await server.databases.get(db as string).query<{ n: number }>(sql as string, [dad.userId]))
            .rows[0]?.n;
        }),
      );
      if (counts.every((n) => n === 0)) break;
      if (performance.now() > deadline) throw new Error(`left behind: ${counts}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (nats) {
      // The events went through JetStream: identity's and Hollowtown's, read by durable consumers
      // (the gateway's follows identity's plan changes).
      const state = await natsStreamState(NATS_URL, natsPrefix);
      expect(state.messages).toBeGreaterThanOrEqual(3);
      expect(state.consumers).toEqual([
        'ai-from-identity',
        'family-from-identity',
        'hollowtown-from-identity',
        'recipes-from-hollowtown',
        'recipes-from-identity',
      ]);
    }
  });
});

// The authorization sweep: every Hollowtown endpoint, with another user's token and with none.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface Operation {
  tags?: string[];
  summary?: string;
  security?: unknown[];
  requestBody?: { content: Record<string, { example?: unknown; examples?: unknown }> };
}

describe.each(testEngines())('who may touch what in Hollowtown on %s', (engine) => {
  let platform: TestPlatform;
  let alice: TestUser;
  let bob: TestUser;
  const ids: Record<string, string> = {};
  const inject = (options: InjectOptions) => platform.app.inject(options);

  const post = async (user: TestUser, url: string, payload: Record<string, unknown>) => {
    const response = await inject({
      method: 'POST',
      url: `/hollowtown${url}`,
      headers: user.headers,
      payload,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'hollowtown'] });
    alice = await given(platform).user();
    bob = await given(platform).user();
    ids.recipe = (await post(alice, '/api/recipes/spooky', { recipe_name: 'Secret stew' })).recipe_id;
    ids.published = (
      await post(alice, '/api/recipes/spooky', { recipe_name: 'Public punch', is_published: true })
    ).recipe_id;
    ids.event = (
      await post(alice, '/api/events', {
        event_name: 'Private party',
        event_type: 'party',
        event_date: '2025-10-31',
      })
    ).event_id;
    ids.costume = (await post(alice, '/api/costumes', { costume_name: 'Shared ghost' })).costume_id;
    ids.plan = (
      await post(alice, '/api/haunted-house/plans', { room_name: 'Crypt', scare_level: 9 })
    ).plan_id;
  });
  afterAll(() => platform.close());

  /** Every operation of the service as documented; the sweep below must cover each one. */
  async function documentedOperations(): Promise<Map<string, Operation>> {
    const doc = (await inject({ method: 'GET', url: '/hollowtown/openapi.json' })).json() as {
      paths: Record<string, Record<string, Operation>>;
    };
    const operations = new Map<string, Operation>();
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        // Fastify answers HEAD for every GET by itself; those are not endpoints of ours.
        if (method === 'head') continue;
        // An affiliate link is opened from a page by a plain click: its signed token is the key,
        // as a calendar's secret URL is (test/affiliate.test.ts refuses forged and foreign tokens).
        if (path === '/go/{*}') continue;
        operations.set(`${method.toUpperCase()} ${path}`, operation);
      }
    }
    return operations;
  }

  const bodies: Record<string, Record<string, unknown>> = {
    'POST /api/market/listings': {
      item_kind: 'plan',
      item_id: '6f1c2a4e-8b7d-4e1f-9a3c-2d5e7f901234',
      price: 10,
    },
    'PATCH /api/market/listings/{id}': { price: 5 },
    'POST /api/market/purchases/{id}/refund': { reason: 'swept' },
    'POST /api/admin/moderation/{kind}/{id}/restore': { reason: 'swept' },
    'POST /api/admin/moderation/{kind}/{id}/remove': { reason: 'swept' },
    'POST /api/recipes/spooky': { recipe_name: 'x' },
    'PATCH /api/recipes/spooky/{id}': { recipe_name: 'Taken over' },
    'POST /api/recipes/spooky/{id}/share': { to: 'recipes' },
    'POST /api/recipes/generate': { theme: 'bats' },
    'POST /api/ingredients/parse': { lines: ['24 gummy worms'] },
    'POST /api/events': { event_name: 'x', event_type: 'party', event_date: '2025-10-31' },
    'PATCH /api/events/{id}': { guest_count: 99 },
    'POST /api/costumes': { costume_name: 'x' },
    'PATCH /api/costumes/{id}': { costume_name: 'Taken over' },
    'POST /api/haunted-house/plans': { room_name: 'x', scare_level: 1 },
    'PATCH /api/haunted-house/plans/{id}': { scare_level: 1 },
    'POST /api/recipes/spooky/{id}/report': { reason: 'Looks copied' },
    'POST /api/costumes/{id}/report': { reason: 'Looks copied' },
    'POST /api/haunted-house/plans/{id}/report': { reason: 'Looks copied' },
    'POST /api/events/{id}/recipes': {
      domain: 'hollowtown',
      recipe_id: '00000000-0000-4000-8000-000000000001',
    },
  };

  /** Path parameters other than {id}, filled with values that pass validation. */
  const fill = (path: string, id: string) =>
    path
      .replace('{id}', id)
      .replace('{kind}', 'recipe')
      .replace('{domain}', 'hollowtown')
      .replace('{recipeId}', '00000000-0000-4000-8000-000000000001');

  /** Bob on Alice's rows: what each row-level endpoint answers him. */
  const rowSweep: [Method, string, string, number][] = [
    ['GET', '/api/recipes/spooky/{id}', 'recipe', 404],
    ['PATCH', '/api/recipes/spooky/{id}', 'recipe', 404],
    ['DELETE', '/api/recipes/spooky/{id}', 'recipe', 404],
    // Published: readable by everyone, still only the owner's to change.
    ['GET', '/api/recipes/spooky/{id}', 'published', 200],
    ['PATCH', '/api/recipes/spooky/{id}', 'published', 404],
    ['DELETE', '/api/recipes/spooky/{id}', 'published', 404],
    // Sharing to another app is the owner's alone, published or not.
    ['POST', '/api/recipes/spooky/{id}/share', 'recipe', 404],
    ['POST', '/api/recipes/spooky/{id}/share', 'published', 404],
    // So is where its copy lives.
    ['GET', '/api/recipes/spooky/{id}/share', 'recipe', 404],
    ['GET', '/api/recipes/spooky/{id}/share', 'published', 404],
    ['GET', '/api/events/{id}', 'event', 404],
    ['PATCH', '/api/events/{id}', 'event', 404],
    ['DELETE', '/api/events/{id}', 'event', 404],
    // Costume ideas are a shared gallery: seen and upvoted by all, changed by the author only.
    ['GET', '/api/costumes/{id}', 'costume', 200],
    ['PATCH', '/api/costumes/{id}', 'costume', 404],
    ['DELETE', '/api/costumes/{id}', 'costume', 404],
    ['POST', '/api/costumes/{id}/upvote', 'costume', 200],
    ['DELETE', '/api/costumes/{id}/upvote', 'costume', 204],
    ['POST', '/api/costumes/{id}/vote', 'costume', 200],
    ['DELETE', '/api/costumes/{id}/vote', 'costume', 200],
    ['POST', '/api/costumes/{id}/report', 'costume', 201],
    // Votes and reports: only on published items; a private one is not there.
    ['POST', '/api/recipes/spooky/{id}/vote', 'recipe', 404],
    ['DELETE', '/api/recipes/spooky/{id}/vote', 'recipe', 404],
    ['POST', '/api/recipes/spooky/{id}/report', 'recipe', 404],
    ['POST', '/api/haunted-house/plans/{id}/vote', 'plan', 404],
    ['DELETE', '/api/haunted-house/plans/{id}/vote', 'plan', 404],
    ['POST', '/api/haunted-house/plans/{id}/report', 'plan', 404],
    ['GET', '/api/haunted-house/plans/{id}', 'plan', 404],
    ['PATCH', '/api/haunted-house/plans/{id}', 'plan', 404],
    ['DELETE', '/api/haunted-house/plans/{id}', 'plan', 404],
    // An event's recipes and family list: the owner's, or its family's members'.
    ['POST', '/api/events/{id}/recipes', 'event', 404],
    ['GET', '/api/events/{id}/recipes', 'event', 404],
    ['DELETE', '/api/events/{id}/recipes/{domain}/{recipeId}', 'event', 404],
    ['POST', '/api/events/{id}/shopping-list', 'event', 404],
  ];

  it('answers another user 404 for every row that is not theirs to see or change, and changes nothing', async () => {
    const before = await Promise.all(
      (['recipe', 'published'] as const).map(async (key) =>
        (
          await inject({
            method: 'GET',
            url: `/hollowtown/api/recipes/spooky/${ids[key]}`,
            headers: alice.headers,
          })
        ).json(),
      ),
    );
    for (const [method, path, key, status] of rowSweep) {
      const route = `${method} ${path}`;
      const response = await inject({
        method,
        url: `/hollowtown${fill(path, ids[key] ?? '')}`,
        headers: bob.headers,
        ...(bodies[route] ? { payload: bodies[route] } : {}),
      });
      expect(response.statusCode, `${route} on ${key}: ${response.body}`).toBe(status);
      if (status === 404) expect(response.json().error.code).toMatch(/_NOT_FOUND$/);
    }
    // The same 404 for an id that exists nowhere.
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const [method, path] of rowSweep) {
      const response = await inject({
        method,
        url: `/hollowtown${fill(path, missing)}`,
        headers: bob.headers,
        ...(bodies[`${method} ${path}`] ? { payload: bodies[`${method} ${path}`] } : {}),
      });
      expect(response.statusCode, `${method} ${path} on a missing id`).toBe(404);
    }

    // Alice's rows are as they were.
    const after = await Promise.all(
      (['recipe', 'published'] as const).map(async (key) =>
        (
          await inject({
            method: 'GET',
            url: `/hollowtown/api/recipes/spooky/${ids[key]}`,
            headers: alice.headers,
          })
        ).json(),
      ),
    );
    expect(after).toEqual(before);
    for (const [path, key] of [
      ['/api/events/{id}', 'event'],
      ['/api/costumes/{id}', 'costume'],
      ['/api/haunted-house/plans/{id}', 'plan'],
    ] as const) {
      const response = await inject({
        method: 'GET',
        url: `/hollowtown${fill(path, ids[key] ?? '')}`,
        headers: alice.headers,
      });
      expect(response.statusCode, path).toBe(200);
    }
    const event = await inject({
      method: 'GET',
      url: `/hollowtown/api/events/${ids.event}`,
      headers: alice.headers,
    });
    expect(event.json().guest_count).toBe(0);
    const costume = await inject({
      method: 'GET',
      url: `/hollowtown/api/costumes/${ids.costume}`,
      headers: alice.headers,
    });
    expect(costume.json().costume_name).toBe('Shared ghost');

    // Bob's lists show only what he may see.
    const listed = async (url: string) =>
      (await inject({ method: 'GET', url: `/hollowtown${url}`, headers: bob.headers })).json()
        .items as Record<string, unknown>[];
    const bobsRecipes = (await listed('/api/recipes/spooky?scope=all')).map((r) => r.recipe_id);
    expect(bobsRecipes).toContain(ids.published);
    expect(bobsRecipes).not.toContain(ids.recipe);
    expect(await listed('/api/recipes/spooky')).toEqual([]);
    expect(await listed('/api/events')).toEqual([]);
    expect(await listed('/api/haunted-house/plans')).toEqual([]);
    expect((await listed('/api/costumes')).map((c) => c.costume_id)).toContain(ids.costume);
  });

  it('sweeps every documented endpoint: 401 without a token or with a bad one', async () => {
    const operations = await documentedOperations();
    const swept = new Set([...rowSweep.map(([m, p]) => `${m} ${p}`), ...Object.keys(bodies)]);
    for (const route of operations.keys()) {
      if (!route.includes('{id}')) swept.add(route);
    }
    // Another user's listing or purchase: src/hollowtown/routes/market.test.ts (404s, 403 to staff
    // of other domains); the 401s are swept below with every other route.
    for (const route of [
      'GET /api/market/listings/{id}',
      'PATCH /api/market/listings/{id}',
      'POST /api/market/listings/{id}/purchase',
      'GET /api/market/purchases/{id}',
      'POST /api/market/purchases/{id}/refund',
      // The operator console's, for Hollowtown's staff: test/cross-app/operator-console.test.ts
      // (403 to everyone else, staff of other domains included).
      'POST /api/admin/moderation/{kind}/{id}/restore',
      'POST /api/admin/moderation/{kind}/{id}/remove',
    ])
      swept.add(route);
    expect([...operations.keys()].filter((route) => !swept.has(route))).toEqual([]);
    expect(operations.size).toBe(54);

    for (const route of operations.keys()) {
      const [method, path] = route.split(' ') as [Method, string];
      const url = `/hollowtown${fill(path, ids.recipe ?? '')}`;
      const payload = bodies[route];
      const anonymous = await inject({ method, url, ...(payload ? { payload } : {}) });
      expect(anonymous.statusCode, route).toBe(401);
      expect(anonymous.json().error.code, route).toBe('UNAUTHENTICATED');
      const forged = await inject({
        method,
        url,
        headers: { authorization: 'Bearer not.a.token' },
        ...(payload ? { payload } : {}),
      });
      expect(forged.statusCode, route).toBe(401);
    }
  });

  it('documents every endpoint with a tag, a summary, bearer security and examples on bodies', async () => {
    for (const [route, operation] of await documentedOperations()) {
      expect(operation.tags?.length, route).toBeGreaterThan(0);
      expect(operation.summary, route).toEqual(expect.any(String));
      expect(operation.security, route).toEqual([{ bearerAuth: [] }]);
      if (operation.requestBody) {
        // @fastify/swagger moves the schema's examples beside it: one as `example`, several as `examples`.
        const content = operation.requestBody.content['application/json'];
        expect(content?.example ?? content?.examples, `${route} body examples`).toBeDefined();
      }
    }
  });
});

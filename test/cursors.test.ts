// Every cursor-paged list of every service, on both engines: a cursor of another list, another
// sort order or other filters, or one that is not a cursor at all, is 400 INVALID_CURSOR with a
// message (never a 500, never some page); and rows sharing a timestamp to the microsecond are
// paged with none skipped or repeated.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffService } from '../src/identity/index.ts';
import { keyset, TIME_KEY } from '../src/platform/http/pagination.ts';
import { testEngines } from './support/engines.ts';
import { given, type TestUser } from './support/given.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

const PREFIXES = ['/calos', '/ai', '/hollowtown', '/recipes', '/family'];
const ELSEWHERE = keyset('test.elsewhere', TIME_KEY).encode({
  at: '2026-10-31T18:00:00.123456Z',
  id: '0b6f8c1e-2d3a-4e5f-8a9b-0c1d2e3f4a5b',
});
/** Values for the query parameters some lists require. */
const REQUIRED: Record<string, string> = {
  q: 'user',
  from: '2026-10-01T00:00:00Z',
  to: '2026-11-01T00:00:00Z',
};

interface Operation {
  path: string;
  parameters?: { in: string; name: string; required?: boolean }[];
}

describe.each(testEngines())('cursors on %s', (engine) => {
  let platform: TestPlatform;
  let alice: TestUser;
  /** Path parameters of the lists below a resource: alice's own. */
  const ids: Record<string, string> = {};

  const inject = (options: InjectOptions) => platform.app.inject(options);
  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const response = await inject({ method, url, headers: alice.headers, payload: payload as object });
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
    return response.json();
  };

  beforeAll(async () => {
    platform = await startTestPlatform(engine);
    alice = await given(platform).user();
    const staff = createStaffService({
      db: platform.databases.get('identity'),
      now: () => platform.clock.now(),
    });
    await staff.grant({ login: alice.username, role: 'admin', domain: 'identity' }, { operator: 'test' });
    for (const domain of ['hollowtown', 'recipes'] as const)
      await staff.grant({ login: alice.username, role: 'moderator', domain }, { operator: 'test' });
    // The whole staff audit log is for admins of all; the grants above are its first entries.
    await staff.grant({ login: alice.username, role: 'admin', domain: 'all' }, { operator: 'test' });
    ids.family = (await call('POST', '/family/api/families', { family_name: 'Cursor family' })).family_id;
    ids.otherFamily = (await call('POST', '/family/api/families', { family_name: 'Other family' })).family_id;
    for (const familyId of [ids.family, ids.otherFamily])
      for (let i = 0; i < 3; i++)
        await call('POST', `/family/api/families/${familyId}/messages`, { body: `Message ${i}` });
    // Notifications come from reminders as time passes; written here as the reminder job writes them.
    for (let i = 0; i < 3; i++)
      await platform.databases.get('family').query(
        `INSERT INTO family_notifications (user_id, family_id, kind, subject_id, occurrence_at, minutes_before,
                                           title, fire_at, created_at)
         VALUES ($1, $2, 'event_reminder', gen_random_uuid(), now(), 15, $3, now(), now())`,
        [alice.userId, ids.family, `Reminder ${i}`],
      );
    ids.list = (
      await call('POST', '/family/api/todos', { family_id: ids.family, list_name: 'A', list_type: 'shared' })
    ).list_id;
    ids.otherList = (
      await call('POST', '/family/api/todos', { family_id: ids.family, list_name: 'B', list_type: 'shared' })
    ).list_id;
    ids.recipe = (
      await call('POST', '/recipes/api/recipes', { recipe_name: 'Soup', is_published: true })
    ).recipe_id;
    ids.cookbook = (await call('POST', '/recipes/api/cookbooks', { title: 'Soups' })).cookbook_id;
  });
  afterAll(() => platform.close());

  /** A path parameter's value, by the path it is in. */
  function fill(path: string): string | undefined {
    const value = (name: string): string | undefined => {
      if (path.startsWith('/family/api/families/')) return ids.family;
      if (path.startsWith('/family/api/todos/')) return ids.list;
      if (path.startsWith('/recipes/api/recipes/')) return ids.recipe;
      if (path.startsWith('/recipes/api/cookbooks/')) return ids.cookbook;
      return name === 'never' ? '' : undefined;
    };
    let missing = false;
    const filled = path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const found = value(name);
      if (found === undefined) missing = true;
      return found ?? '';
    });
    return missing ? undefined : filled;
  }

  it('refuses a foreign or malformed cursor on every cursor-paged list with 400 INVALID_CURSOR', async () => {
    const covered: string[] = [];
    const skipped: string[] = [];
    for (const prefix of PREFIXES) {
      const document = (await inject({ url: `${prefix}/openapi.json` })).json() as {
        paths: Record<string, Record<string, Operation>>;
      };
      for (const [path, operations] of Object.entries(document.paths)) {
        const get = operations.get;
        if (!get?.parameters?.some((p) => p.in === 'query' && p.name === 'cursor')) continue;
        const full = fill(path.startsWith(prefix) ? path : `${prefix}${path}`);
        if (!full) {
          skipped.push(path);
          continue;
        }
        const required = (get.parameters ?? [])
          .filter((p) => p.in === 'query' && p.required)
          .map((p) => `${p.name}=${encodeURIComponent(REQUIRED[p.name] ?? 'x')}`);
        for (const cursor of [ELSEWHERE, 'not-a-cursor', `${ELSEWHERE}x`]) {
          const query = [...required, `cursor=${encodeURIComponent(cursor)}`].join('&');
          const response = await inject({ method: 'GET', url: `${full}?${query}`, headers: alice.headers });
          expect(response.statusCode, `${full}: ${response.body}`).toBe(400);
          expect(response.json().error.code, full).toBe('INVALID_CURSOR');
          expect(response.json().error.message, full).toMatch(/start again without it/);
        }
        covered.push(full);
      }
    }
    expect(skipped).toEqual([]);
    expect(covered.length).toBeGreaterThanOrEqual(34);
    for (const list of [
      `/family/api/families/${ids.family}/messages`,
      '/family/api/notifications',
      '/calos/api/admin/audit',
    ])
      expect(covered).toContain(list);
    for (const app of ['hollowtown', 'recipes'])
      for (const list of ['listings', 'purchases', 'sales'])
        expect(covered).toContain(`/${app}/api/market/${list}`);
  });

  it("binds each marketplace list's cursors to it: purchases are not sales, nor one app's another's", async () => {
    const position = { at: '2026-10-31T18:00:00.123456Z', id: '0b6f8c1e-2d3a-4e5f-8a9b-0c1d2e3f4a5b' };
    for (const app of ['hollowtown', 'recipes'])
      for (const list of ['listings', 'purchases', 'sales']) {
        const own = keyset(`${app}.market.${list}`, TIME_KEY).encode(position);
        const ok = await call('GET', `/${app}/api/market/${list}?cursor=${own}`);
        expect(ok.items, `${app} ${list}`).toEqual([]);
        const others = [
          ...['listings', 'purchases', 'sales']
            .filter((other) => other !== list)
            .map((other) => `/${app}/api/market/${other}`),
          `/${app === 'recipes' ? 'hollowtown' : 'recipes'}/api/market/${list}`,
        ];
        for (const url of others) {
          const response = await inject({
            method: 'GET',
            url: `${url}?cursor=${own}`,
            headers: alice.headers,
          });
          expect(response.statusCode, `${app} ${list} -> ${url}`).toBe(400);
          expect(response.json().error.code).toBe('INVALID_CURSOR');
        }
      }
    // A listings cursor is bound to the filters it was made with (scope=listed is the default).
    for (let i = 0; i < 3; i++) {
      const plan = await call('POST', '/hollowtown/api/haunted-house/plans', {
        room_name: `Crypt ${i}`,
        scare_level: 3,
      });
      await call('POST', '/hollowtown/api/market/listings', {
        item_kind: 'plan',
        item_id: plan.plan_id,
        price: 10,
      });
    }
    const first = await call('GET', '/hollowtown/api/market/listings?scope=mine&limit=1');
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await call(
      'GET',
      `/hollowtown/api/market/listings?scope=mine&limit=2&cursor=${first.next_cursor}`,
    );
    expect(second.items.map((item: { listing_id: string }) => item.listing_id)).not.toContain(
      first.items[0].listing_id,
    );
    expect(second.items).toHaveLength(2);
    for (const other of ['scope=mine&kind=plan', 'scope=listed', '']) {
      const response = await inject({
        method: 'GET',
        url: `/hollowtown/api/market/listings?${other}&cursor=${first.next_cursor}`,
        headers: alice.headers,
      });
      expect(response.statusCode, other).toBe(400);
      expect(response.json().error.code).toBe('INVALID_CURSOR');
    }
    const listed = await call('GET', '/hollowtown/api/market/listings?limit=1');
    await call('GET', `/hollowtown/api/market/listings?scope=listed&cursor=${listed.next_cursor}`);
  });

  it('refuses a cursor of another sort order, and of the same list with other filters', async () => {
    for (let i = 0; i < 3; i++) {
      await call('POST', '/hollowtown/api/costumes', { costume_name: `Ghost ${i}` });
      await call('POST', '/hollowtown/api/recipes/spooky', { recipe_name: `Stew ${i}` });
      await call('POST', '/recipes/api/recipes', { recipe_name: `Pie ${i}` });
      await call('POST', `/family/api/todos/${ids.list}/items`, { title: `Item ${i}` });
    }
    for (let i = 0; i < 2; i++)
      await platform.databases.get('hollowtown').query(
        `INSERT INTO moderation_items (item_kind, item_id, author_id, item_title, state, reason, updated_at)
           VALUES ('recipe', gen_random_uuid(), $1, 'Reported', 'hidden', 'Reported', now())`,
        [alice.userId],
      );
    const cases: [string, string][] = [
      ['/hollowtown/api/costumes?limit=1', '/hollowtown/api/costumes?sort=new'],
      ['/hollowtown/api/costumes?limit=1&sort=new', '/hollowtown/api/costumes'],
      ['/hollowtown/api/recipes/spooky?limit=1&sort=top', '/hollowtown/api/recipes/spooky?sort=new'],
      ['/recipes/api/recipes?limit=1&scope=mine', '/recipes/api/recipes?scope=mine&sort=top'],
      ['/recipes/api/recipes?limit=1&scope=mine', '/recipes/api/recipes?scope=all'],
      [`/family/api/todos/${ids.list}/items?limit=1`, `/family/api/todos/${ids.otherList}/items`],
      [`/family/api/todos/${ids.list}/items?limit=1`, '/family/api/todos'],
      ['/hollowtown/api/admin/moderation?limit=1', '/recipes/api/admin/moderation'],
      [
        `/family/api/families/${ids.family}/messages?limit=1`,
        `/family/api/families/${ids.otherFamily}/messages`,
      ],
      [`/family/api/families/${ids.family}/messages?limit=1`, '/family/api/notifications'],
      ['/family/api/notifications?limit=1', '/family/api/notifications?unread=true'],
      ['/calos/api/admin/audit?limit=1', '/calos/api/admin/audit?domain=identity'],
      ['/calos/api/admin/audit?limit=1', `/calos/api/admin/audit?user_id=${alice.userId}`],
      ['/calos/api/admin/audit?limit=1', '/calos/api/audit'],
    ];
    for (const [from, to] of cases) {
      const first = await call('GET', from);
      expect(first.next_cursor, from).toEqual(expect.any(String));
      const again = await call('GET', `${from.replace('limit=1', 'limit=2')}&cursor=${first.next_cursor}`);
      expect(again.items.length, from).toBeGreaterThan(0);
      const response = await inject({
        method: 'GET',
        url: `${to}${to.includes('?') ? '&' : '?'}cursor=${first.next_cursor}`,
        headers: alice.headers,
      });
      expect(response.statusCode, `${from} -> ${to}: ${response.body}`).toBe(400);
      expect(response.json().error).toMatchObject({
        code: 'INVALID_CURSOR',
        message: expect.stringMatching(/another list, sort order or filter/),
      });
    }
  });

  it('pages the AI usage log, the security log, the chat, the notifications and the staff audit log by id or seq, newest first, each row once', async () => {
    const identity = platform.databases.get('identity');
    for (let i = 0; i < 5; i++)
      await identity.query(
        `INSERT INTO ai_usage_log (user_id, app, endpoint, model, provider, latency_ms, outcome, created_at)
         VALUES ($1, 'test', '/v1/chat/completions', $2, 'ollama', 1, 'ok', '2026-10-31 18:00:00.5+00')`,
        [alice.userId, `model-${i}`],
      );
    for (const [path, count] of [
      ['/ai/api/usage', 5],
      ['/calos/api/audit', 1],
      [`/family/api/families/${ids.family}/messages`, 3],
      ['/family/api/notifications', 3],
      ['/calos/api/admin/audit', 4],
    ] as const) {
      const all = (await call('GET', `${path}?limit=100`)).items as unknown[];
      expect(all.length, path).toBeGreaterThanOrEqual(count);
      const paged: unknown[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: unknown[]; next_cursor: string | null } = await call(
          'GET',
          `${path}?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        paged.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor);
      expect(paged, path).toEqual(all);
    }
  });

  it('pages rows that share a timestamp to the microsecond, none skipped or repeated', async () => {
    const family = platform.databases.get('family');
    const recipes = platform.databases.get('recipes');
    for (let i = 0; i < 7; i++) {
      await call('POST', `/family/api/todos/${ids.otherList}/items`, { title: `Tie ${i}` });
      await call('POST', '/recipes/api/meal-plans', { plan_name: `Week ${i}`, start_date: '2026-10-26' });
    }
    await family.query(
      `UPDATE todo_items SET created_at = '2026-10-31 18:00:00.123456+00' WHERE list_id = $1`,
      [ids.otherList],
    );
    await recipes.query(
      `UPDATE meal_plans SET created_at = '2026-10-31 18:00:00.654321+00' WHERE user_id = $1`,
      [alice.userId],
    );
    const walk = async (path: string, limit: number, idOf: (item: Record<string, string>) => string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: Record<string, string>[]; next_cursor: string | null } = await call(
          'GET',
          `${path}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...page.items.map(idOf));
        cursor = page.next_cursor;
      } while (cursor);
      return seen;
    };
    const items = await walk(`/family/api/todos/${ids.otherList}/items`, 100, (i) => i.item_id as string);
    const plans = await walk('/recipes/api/meal-plans', 100, (p) => p.plan_id as string);
    expect(items).toHaveLength(7);
    expect(plans).toHaveLength(7);
    // Equal times: the id decides, ascending for the oldest-first list, descending for newest-first.
    expect(items).toEqual([...items].sort());
    expect(plans).toEqual([...plans].sort().reverse());
    for (const limit of [1, 2, 3, 6]) {
      expect(
        await walk(`/family/api/todos/${ids.otherList}/items`, limit, (i) => i.item_id as string),
      ).toEqual(items);
      expect(await walk('/recipes/api/meal-plans', limit, (p) => p.plan_id as string)).toEqual(plans);
    }
  });
});

// "Buy at …" affiliate links across the apps: which answers carry them (per configuration and per
// account preference), the /go/ redirect that records exactly one click and sends people only to
// a configured retailer, and `calos affiliate report`'s figures.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { affiliateKey, signLink } from '../src/affiliate/links.ts';
import { NO_USER } from '../src/affiliate/store.ts';
import { createLogger } from '../src/platform/logger.ts';
import { calosInProcess, cliEnvFor } from './support/cli.ts';
import { testEngines } from './support/engines.ts';
import { joinFamily } from './support/family.ts';
import { given, type TestUser } from './support/given.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

const MASTER_KEY = 'a1'.repeat(32);
const RETAILERS = JSON.stringify([
  {
    id: 'amazon',
    name: 'Amazon',
    url: 'https://www.amazon.example/s?k={query}&tag={tag}',
    tag: 'calos-20',
    apps: ['recipes', 'family'],
    kinds: ['grocery'],
  },
  {
    id: 'etsy',
    name: 'Etsy',
    url: 'https://www.etsy.example/search?q={query}',
    apps: ['hollowtown'],
    kinds: ['costume-material'],
  },
]);
const DAY_MS = 86_400_000;

interface Link {
  retailer: string;
  url: string;
}

describe.each(testEngines())('affiliate links on %s', (engine) => {
  let platform: TestPlatform;
  let stopped = false;
  const logLines: string[] = [];

  let keys = 0;
  const call = async (user: TestUser | undefined, method: string, url: string, payload?: unknown) => {
    const response = await platform.app.inject({
      method: method as 'GET',
      url,
      // Family Planner's item changes want one (a retry applies once).
      headers: { ...(user?.headers ?? {}), 'idempotency-key': `affiliate-${++keys}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    const json = response.headers['content-type']?.toString().includes('json');
    return {
      status: response.statusCode,
      body: json && response.body ? response.json() : undefined,
      location: response.headers.location,
      headers: response.headers,
    };
  };

  const clicks = async (app: 'recipes' | 'family' | 'hollowtown', userId?: string) => {
    const { rows } = await platform.databases
      .get(app)
      .query<{ app: string; retailer: string; item_kind: string; user_id: string }>(
        `SELECT app, retailer, item_kind, user_id::text AS user_id FROM affiliate_clicks
          WHERE $1::uuid IS NULL OR user_id = $1::uuid ORDER BY click_id`,
        [userId ?? null],
      );
    return rows;
  };

  const shoppingList = async (user: TestUser, items: unknown[]) => {
    const created = await call(user, 'POST', '/recipes/api/shopping-lists', { list_name: 'Weekend', items });
    expect(created.status).toBe(201);
    return created.body;
  };

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    platform = await startTestPlatform(engine, {
      env: { CALOS_AFFILIATE_RETAILERS: RETAILERS, CALOS_MASTER_KEY: MASTER_KEY },
      logger: createLogger({ logLevel: 'info' }, sink),
    });
  });
  afterAll(async () => {
    if (!stopped) await platform.close();
  });

  it('shows "Buy at" links and the disclosure on HowToCookAtHome shopping lists', async () => {
    const cook = await given(platform).user();
    const list = await shoppingList(cook, ['2 lemons', { name: 'black pepper', note: 'whole' }]);
    expect(list.affiliate_disclosure).toMatch(/affiliate links/i);
    expect(list.items[1].buy_links).toEqual([
      { retailer: 'Amazon', url: expect.stringMatching(/^\/recipes\/go\/[\w-]+\.[\w-]+$/) },
    ]);
    // Every answer with the list carries them; sending them back unchanged is accepted.
    const got = await call(cook, 'GET', `/recipes/api/shopping-lists/${list.list_id}`);
    expect(got.body.items[0].buy_links).toHaveLength(1);
    const page = await call(cook, 'GET', '/recipes/api/shopping-lists');
    expect(page.body.items[0].items[0].buy_links).toHaveLength(1);
    const patched = await call(cook, 'PATCH', `/recipes/api/shopping-lists/${list.list_id}`, {
      items: got.body.items.map((item: object) => ({ ...item, checked: true })),
    });
    expect(patched.status).toBe(200);
    expect(patched.body.items.map((i: { checked: boolean }) => i.checked)).toEqual([true, true]);
  });

  it('shows them on Family Planner lists and on Hollowtown costume materials, from the retailers of each app', async () => {
    const parent = await given(platform).user();
    const family = await call(parent, 'POST', '/family/api/families', { family_name: 'Links' });
    const list = await call(parent, 'POST', '/family/api/shopping-lists', {
      family_id: family.body.family_id,
      list_name: 'Groceries',
    });
    expect(list.status).toBe(201);
    const item = await call(parent, 'POST', `/family/api/shopping-lists/${list.body.list_id}/items`, {
      name: 'pumpkins',
    });
    expect(item.status).toBe(201);
    expect(item.body.buy_links).toEqual([
      { retailer: 'Amazon', url: expect.stringMatching(/^\/family\/go\//) },
    ]);
    const read = await call(parent, 'GET', `/family/api/shopping-lists/${list.body.list_id}`);
    expect(read.body.items[0].buy_links).toHaveLength(1);
    expect(read.body.affiliate_disclosure).toMatch(/affiliate links/i);

    const costume = await call(parent, 'POST', '/hollowtown/api/costumes', {
      costume_name: 'Cardboard robot',
      materials: [{ name: 'cardboard boxes', quantity: 3 }, { name: 'aluminium foil' }],
    });
    expect(costume.status).toBe(201);
    expect(costume.body.materials[0].buy_links).toEqual([
      { retailer: 'Etsy', url: expect.stringMatching(/^\/hollowtown\/go\//) },
    ]);
    expect(costume.body.affiliate_disclosure).toMatch(/affiliate links/i);
    const gallery = await call(parent, 'GET', '/hollowtown/api/costumes?scope=mine');
    expect(gallery.body.items[0].materials[1].buy_links).toHaveLength(1);
  });

  it('shows a shopping item’s links on its family chat card, and none once links are off', async () => {
    const parent = await given(platform).user();
    const family = await call(parent, 'POST', '/family/api/families', { family_name: 'Chat links' });
    const list = await call(parent, 'POST', '/family/api/shopping-lists', {
      family_id: family.body.family_id,
      list_name: 'Party',
    });
    const item = await call(parent, 'POST', `/family/api/shopping-lists/${list.body.list_id}/items`, {
      name: 'paper lanterns',
    });
    const messages = `/family/api/families/${family.body.family_id}/messages`;
    const posted = await call(parent, 'POST', messages, {
      body: 'Who gets these?',
      link: { kind: 'shopping_item', id: item.body.item_id },
    });
    expect(posted.status).toBe(201);
    expect(posted.body.link).toMatchObject({
      kind: 'shopping_item',
      title: 'paper lanterns',
      buy_links: [{ retailer: 'Amazon', url: expect.stringMatching(/^\/family\/go\//) }],
      affiliate_disclosure: expect.stringMatching(/affiliate links/i),
    });
    const read = await call(parent, 'GET', messages);
    expect(read.body.items[0].link.buy_links).toHaveLength(1);
    // A HEAD is answered like the click, without counting one (the report test counts them).
    const followed = await platform.app.inject({
      method: 'HEAD',
      url: read.body.items[0].link.buy_links[0].url,
    });
    expect(followed.headers.location).toBe('https://www.amazon.example/s?k=paper%20lanterns&tag=calos-20');
    // A message linking something else carries no links.
    const todo = await call(parent, 'POST', messages, { body: 'No link here' });
    expect(todo.body.link).toBeNull();

    // A member who switched links off sees the card without them (and without the disclosure).
    const other = await given(platform).user();
    await call(other, 'PUT', '/calos/api/account/affiliate-links', { enabled: false });
    await joinFamily(call, {
      familyId: family.body.family_id,
      admin: parent,
      invitee: other,
      login: other.username,
    });
    const seen = await call(other, 'GET', messages);
    expect(seen.body.items.find((m: { link: unknown }) => m.link)?.link).toMatchObject({
      title: 'paper lanterns',
      buy_links: [],
      affiliate_disclosure: null,
    });
  });

  it('refuses a link older than CALOS_AFFILIATE_LINK_MAX_AGE_DAYS with 410, while links made then work', async () => {
    const cook = await given(platform).user();
    const list = await shoppingList(cook, ['cinnamon']);
    const old = list.items[0].buy_links[0].url as string;
    const now = platform.clock.now();
    try {
      platform.clock.set(new Date(now.getTime() + 31 * DAY_MS));
      const expired = await call(undefined, 'GET', old);
      expect([expired.status, expired.body?.error?.code]).toEqual([410, 'AFFILIATE_LINK_EXPIRED']);
      expect(expired.location).toBeUndefined();
      // (Access tokens expired too: someone signing in then gets links that work.)
      const later = await shoppingList(await given(platform).user(), ['cinnamon']);
      // (A HEAD, answered alike without counting a click, keeps the report test's figures.)
      const head = await platform.app.inject({ method: 'HEAD', url: later.items[0].buy_links[0].url });
      expect(head.statusCode).toBe(302);
    } finally {
      platform.clock.set(now);
    }
  });

  it('shows no links to someone who switched them off in their account', async () => {
    const user = await given(platform).user();
    expect((await call(user, 'GET', '/calos/api/account/affiliate-links')).body).toEqual({ enabled: true });
    const off = await call(user, 'PUT', '/calos/api/account/affiliate-links', { enabled: false });
    expect(off.body).toEqual({ enabled: false });
    expect((await call(user, 'GET', '/calos/api/account/affiliate-links')).body).toEqual({ enabled: false });
    const list = await shoppingList(user, ['2 lemons']);
    expect(list.items[0].buy_links).toEqual([]);
    expect(list.affiliate_disclosure).toBeNull();
    const costume = await call(user, 'POST', '/hollowtown/api/costumes', {
      costume_name: 'Ghost',
      materials: [{ name: 'white sheet' }],
    });
    expect(costume.body.materials[0].buy_links).toEqual([]);
    expect(costume.body.affiliate_disclosure).toBeNull();
  });

  it('records exactly one click and answers 302 to the URL built from the retailer template', async () => {
    const cook = await given(platform).user();
    const list = await shoppingList(cook, [{ name: 'black pepper & salt' }]);
    const [link] = list.items[0].buy_links as Link[];
    const before = await clicks('recipes');
    const head = await platform.app.inject({ method: 'HEAD', url: link?.url ?? '' });
    expect(head.statusCode).toBe(302);
    expect(await clicks('recipes')).toHaveLength(before.length);

    const followed = await call(undefined, 'GET', link?.url ?? '');
    expect(followed.status).toBe(302);
    expect(followed.location).toBe('https://www.amazon.example/s?k=black%20pepper%20%26%20salt&tag=calos-20');
    expect(followed.headers['cache-control']).toBe('no-store');
    expect(await clicks('recipes', cook.userId)).toEqual([
      { app: 'recipes', retailer: 'amazon', item_kind: 'grocery', user_id: cook.userId },
    ]);
    expect(await clicks('recipes')).toHaveLength(before.length + 1);
    // The token names the account and counts a click for whoever holds it: the log never has it.
    const token = link?.url.split('/go/')[1] ?? '';
    expect(token.length).toBeGreaterThan(40);
    expect(logLines.join('\n')).not.toContain(token.slice(0, 40));
    expect(
      logLines.map((line) => JSON.parse(line).req?.url).filter((url) => url?.includes('/go/')),
    ).toContain('/recipes/go/[redacted]');
  });

  it('refuses a tampered token, another app’s token, an unknown retailer and any attempt at an open redirect', async () => {
    const cook = await given(platform).user();
    const list = await shoppingList(cook, ['2 lemons']);
    const url: string = list.items[0].buy_links[0].url;
    const token = url.slice('/recipes/go/'.length);
    const [body = '', mac = ''] = token.split('.');
    const before = (await clicks('recipes')).length;
    const key = affiliateKey(Buffer.from(MASTER_KEY, 'hex'));
    const claims = {
      retailer: 'amazon',
      query: 'lemons',
      app: 'recipes',
      kind: 'grocery',
      userId: cook.userId,
      issuedAt: platform.clock.now(),
    } as const;

    // A changed payload (another search) under the old signature.
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString());
    const changed = Buffer.from(JSON.stringify({ ...payload, q: 'something else' })).toString('base64url');
    const refusals = [
      [`/recipes/go/${changed}.${mac}`, 400, 'AFFILIATE_LINK_INVALID'],
      [`/recipes/go/${body}.${mac.slice(0, -2)}xx`, 400, 'AFFILIATE_LINK_INVALID'],
      [`/recipes/go/${body}`, 400, 'AFFILIATE_LINK_INVALID'],
      // Recipes' link on Family Planner's door.
      [`/family/go/${token}`, 400, 'AFFILIATE_LINK_INVALID'],
      // Signed alike, but for a retailer not configured (or not for this app and kind).
      [`/recipes/go/${signLink(key, { ...claims, retailer: 'evil' })}`, 404, 'AFFILIATE_RETAILER_NOT_FOUND'],
      [`/recipes/go/${signLink(key, { ...claims, retailer: 'etsy' })}`, 404, 'AFFILIATE_RETAILER_NOT_FOUND'],
      // A URL where a token goes.
      [`/recipes/go/${encodeURIComponent('https://evil.example/')}`, 400, 'AFFILIATE_LINK_INVALID'],
      [`/recipes/go/${encodeURIComponent('//evil.example')}`, 400, 'AFFILIATE_LINK_INVALID'],
      // Signed by another key.
      [`/recipes/go/${signLink(affiliateKey(Buffer.alloc(32, 7)), claims)}`, 400, 'AFFILIATE_LINK_INVALID'],
    ] as const;
    for (const [path, status, code] of refusals) {
      const answer = await call(undefined, 'GET', path);
      expect({ path, status: answer.status, code: answer.body?.error?.code }).toEqual({ path, status, code });
      expect(answer.location).toBeUndefined();
    }
    // A redirect target in the query is ignored; a search that looks like a URL stays a search.
    const sneaky = await call(undefined, 'GET', `${url}?url=https://evil.example/`);
    expect(new URL(sneaky.location ?? '').host).toBe('www.amazon.example');
    const hostile = signLink(key, { ...claims, query: 'x@evil.example/../#//evil.example' });
    const followed = await call(undefined, 'GET', `/recipes/go/${hostile}`);
    expect(followed.status).toBe(302);
    expect(new URL(followed.location ?? '').host).toBe('www.amazon.example');
    expect((await clicks('recipes')).length).toBe(before + 2);
  });

  it("keeps a deleted account's clicks counted but no longer naming it", async () => {
    const gone = await given(platform).user();
    const family = await call(gone, 'POST', '/family/api/families', { family_name: 'Gone' });
    const list = await call(gone, 'POST', '/family/api/shopping-lists', {
      family_id: family.body.family_id,
      list_name: 'Gone',
    });
    const item = await call(gone, 'POST', `/family/api/shopping-lists/${list.body.list_id}/items`, {
      name: 'bread',
    });
    expect((await call(undefined, 'GET', item.body.buy_links[0].url)).status).toBe(302);
    expect(await clicks('family', gone.userId)).toHaveLength(1);
    expect((await call(gone, 'DELETE', '/calos/api/account', { password: gone.password })).status).toBe(204);
    await platform.clients.get<{ syncIdentityEvents(): Promise<number> }>('family').syncIdentityEvents();
    expect(await clicks('family', gone.userId)).toEqual([]);
    expect(await clicks('family', NO_USER)).toEqual([
      { app: 'family', retailer: 'amazon', item_kind: 'grocery', user_id: NO_USER },
    ]);
  });

  it('calos affiliate report counts clicks by app, retailer and kind of item since a date', async () => {
    const [a, b] = [await given(platform).user(), await given(platform).user()];
    const follow = async (url: string) => expect((await call(undefined, 'GET', url)).status).toBe(302);
    const recipesList = await shoppingList(a, ['flour']);
    const recipesLink = recipesList.items[0].buy_links[0].url;
    const family = await call(a, 'POST', '/family/api/families', { family_name: 'Report' });
    const familyList = await call(a, 'POST', '/family/api/shopping-lists', {
      family_id: family.body.family_id,
      list_name: 'Report',
    });
    const item = await call(a, 'POST', `/family/api/shopping-lists/${familyList.body.list_id}/items`, {
      name: 'milk',
    });
    const costume = await call(b, 'POST', '/hollowtown/api/costumes', {
      costume_name: 'Witch',
      materials: [{ name: 'black hat' }],
    });
    // One click ten days ago, outside the report (on a link of then: links carry when they were made).
    const now = platform.clock.now();
    platform.clock.set(new Date(now.getTime() - 10 * DAY_MS));
    await follow(
      (await call(a, 'GET', `/recipes/api/shopping-lists/${recipesList.list_id}`)).body.items[0].buy_links[0]
        .url,
    );
    platform.clock.set(now);
    const since = new Date(now.getTime() - DAY_MS).toISOString();
    await follow(recipesLink);
    await follow(recipesLink);
    await follow(item.body.buy_links[0].url);
    await follow(costume.body.materials[0].buy_links[0].url);
    // With the earlier tests' clicks on recipes' Amazon links (1, then 2 in the refusals test): 5
    // since `since`, by 3 people; 6 in all.
    expect(await clicks('recipes')).toHaveLength(6);

    await platform.stop();
    stopped = true;
    const env = cliEnvFor(platform.isolated);
    try {
      const json = await calosInProcess(['affiliate', 'report', '--since', since, '--json'], env);
      expect(json.stderr).toBe('');
      expect(json.code).toBe(0);
      const report = JSON.parse(json.stdout);
      const row = (app: string, retailer: string, kind: string) =>
        report.rows.find(
          (r: { app: string; retailer: string; item_kind: string }) =>
            r.app === app && r.retailer === retailer && r.item_kind === kind,
        );
      expect(row('recipes', 'amazon', 'grocery')).toEqual({
        app: 'recipes',
        retailer: 'amazon',
        item_kind: 'grocery',
        clicks: 5,
        users: 3,
      });
      // One of them by an account deleted since (counted as one person: nobody).
      expect(row('family', 'amazon', 'grocery')).toMatchObject({ clicks: 2, users: 2 });
      expect(row('hollowtown', 'etsy', 'costume-material')).toMatchObject({ clicks: 1, users: 1 });
      expect(report.rows).toHaveLength(3);
      expect(report.total_clicks).toBe(8);

      const text = await calosInProcess(['affiliate', 'report', '--since', since], env);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`Affiliate clicks since ${since}: 8`);
      expect(text.stdout).toMatch(/hollowtown\s+etsy\s+costume-material\s+1\s+1/);

      const bad = await calosInProcess(['affiliate', 'report', '--since', 'yesterday'], env);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/--since/);
    } finally {
      await platform.isolated.cleanup();
    }
  });
});

describe.each(testEngines())('without affiliate retailers on %s', (engine) => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform(engine, {
      services: ['identity', 'recipes'],
      env: { CALOS_MASTER_KEY: MASTER_KEY },
    });
  });
  afterAll(() => platform.close());

  it('shows no links, no disclosure, and a link signed before the retailer was removed is 404', async () => {
    const cook = await given(platform).user();
    const created = await platform.app.inject({
      method: 'POST',
      url: '/recipes/api/shopping-lists',
      headers: cook.headers,
      payload: { list_name: 'Plain', items: ['2 lemons'] },
    });
    expect(created.statusCode).toBe(201);
    // Answers are as they were before affiliate links existed.
    expect(created.json().items[0]).not.toHaveProperty('buy_links');
    expect(created.json()).not.toHaveProperty('affiliate_disclosure');
    const key = affiliateKey(Buffer.from(MASTER_KEY, 'hex'));
    const token = signLink(key, {
      retailer: 'amazon',
      query: 'lemons',
      app: 'recipes',
      kind: 'grocery',
      userId: cook.userId,
      issuedAt: new Date(),
    });
    const go = await platform.app.inject({ method: 'GET', url: `/recipes/go/${token}` });
    expect(go.statusCode).toBe(404);
    expect(go.json().error.code).toBe('AFFILIATE_RETAILER_NOT_FOUND');
    expect(go.headers.location).toBeUndefined();
  });
});

// "Download my data" end to end (GDPR Art. 15/20): a user with data in every app downloads one
// zip, read back here with yauzl (an independent zip reader): README, manifest, one JSON per
// part, and no secret of the account in any byte of it; nothing of another member's private
// family data. The zip imported into a fresh platform gives the same content under new ids (a
// meal plan's and an event's recipes followed), and a second import adds nothing. Refusals: not
// signed in, a wrong password, one export at a time, what is not such an archive, too large.
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBufferPromise } from 'yauzl';
import { ZipFile } from 'yazl';
import { testEngines } from '../support/engines.ts';
import { injectCall, joinFamily } from '../support/family.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

type Json = Record<string, unknown>;
type Part = { format: string; version: number; app: string; collections: Record<string, Json[]> };

/** Every file of a zip, as yauzl reads it. */
async function unzip(buffer: Buffer): Promise<Map<string, string>> {
  const zip = await fromBufferPromise(buffer, { lazyEntries: true, validateEntrySizes: true });
  const files = new Map<string, string>();
  for await (const entry of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    files.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
  }
  zip.close();
  return files;
}

async function zipOf(files: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, content] of Object.entries(files)) zip.addBuffer(Buffer.from(content), name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Keys that name rows or say when they changed: not content, and new in another CALOS. */
const NOT_CONTENT = /(^|_)id$|^updated_at$|^version$|^created_by_me$|^is_published$|^upvotes$|^shared_at$/;
const strip = (row: Json, more: readonly string[] = []): Json =>
  Object.fromEntries(Object.entries(row).filter(([key]) => !NOT_CONTENT.test(key) && !more.includes(key)));
const sorted = (rows: Json[]) => rows.map((r) => JSON.stringify(r)).sort();

/** What the archive says, with every id replaced by what it names (the comparison across CALOSes). */
function contentOf(parts: { recipes: Part; hollowtown: Part; family: Part }) {
  const r = parts.recipes.collections;
  const recipeName = new Map(r.recipes?.map((x) => [x.recipe_id as string, x.recipe_name as string]));
  const planName = new Map(r.meal_plans?.map((x) => [x.plan_id as string, x.plan_name as string]));
  const h = parts.hollowtown.collections;
  const spookyName = new Map(h.spooky_recipes?.map((x) => [x.recipe_id as string, x.recipe_name as string]));
  const eventName = new Map(h.halloween_events?.map((x) => [x.event_id as string, x.event_name as string]));
  const f = parts.family.collections;
  const mine = <T extends Json>(rows: T[] | undefined) =>
    (rows ?? []).filter((x) => x.created_by_me !== false);
  const families = mine(f.families);
  const familyName = new Map(families.map((x) => [x.family_id as string, x.family_name as string]));
  const lists = mine(f.todo_lists).filter((x) => familyName.has(x.family_id as string));
  const listName = new Map(lists.map((x) => [x.list_id as string, x.list_name as string]));
  const shopping = mine(f.family_shopping_lists).filter((x) => familyName.has(x.family_id as string));
  const shoppingName = new Map(shopping.map((x) => [x.list_id as string, x.list_name as string]));
  return {
    recipes: sorted((r.recipes ?? []).map((x) => strip(x, ['rating_avg', 'rating_count']))),
    meal_plans: sorted(
      (r.meal_plans ?? []).map((x) => ({
        ...strip(x, ['template_key']),
        meals: Object.fromEntries(
          Object.entries(x.meals as Record<string, Record<string, string>>).map(([day, slots]) => [
            day,
            Object.fromEntries(Object.entries(slots).map(([slot, id]) => [slot, recipeName.get(id)])),
          ]),
        ),
      })),
    ),
    pantry_items: sorted((r.pantry_items ?? []).map((x) => strip(x))),
    cookbooks: sorted(
      (r.cookbooks ?? []).map((x) => ({
        ...strip(x),
        recipe_ids: (x.recipe_ids as string[]).map((id) => recipeName.get(id)),
      })),
    ),
    shopping_lists: sorted(
      (r.shopping_lists ?? []).map((x) => ({ ...strip(x), plan: planName.get(x.plan_id as string) ?? null })),
    ),
    spooky_recipes: sorted((h.spooky_recipes ?? []).map((x) => strip(x))),
    halloween_events: sorted((h.halloween_events ?? []).map((x) => strip(x))),
    event_recipes: sorted(
      (h.event_recipes ?? []).map((x) => ({
        event: eventName.get(x.event_id as string),
        domain: x.domain,
        recipe: (x.domain === 'recipes' ? recipeName : spookyName).get(x.recipe_id as string),
      })),
    ),
    costume_ideas: sorted((h.costume_ideas ?? []).map((x) => strip(x))),
    haunted_house_plans: sorted((h.haunted_house_plans ?? []).map((x) => strip(x))),
    families: sorted(families.map((x) => strip(x))),
    todo_lists: sorted(lists.map((x) => ({ ...strip(x), family: familyName.get(x.family_id as string) }))),
    todo_items: sorted(
      (f.todo_items ?? [])
        .filter((x) => listName.has(x.list_id as string))
        .map((x) => ({
          ...strip(x, ['assigned_to', 'completed_by']),
          list: listName.get(x.list_id as string),
        })),
    ),
    family_events: sorted(
      mine(f.family_events)
        .filter((x) => familyName.has(x.family_id as string))
        .map((x) => ({ ...strip(x, ['attendees']), family: familyName.get(x.family_id as string) })),
    ),
    family_shopping_lists: sorted(
      shopping.map((x) => ({
        ...strip(x, ['source_domain']),
        family: familyName.get(x.family_id as string),
      })),
    ),
    family_shopping_items: sorted(
      (f.family_shopping_items ?? [])
        .filter((x) => shoppingName.has(x.list_id as string))
        .map((x) => ({ ...strip(x), list: shoppingName.get(x.list_id as string) })),
    ),
  };
}

describe.each(testEngines())('"Download my data" and its import on %s', (engine) => {
  let source: TestPlatform;
  let fresh: TestPlatform;
  let alice: TestUser;
  let bob: TestUser;
  let archive: Buffer;
  let files: Map<string, string>;

  const call = async (
    platform: TestPlatform,
    user: TestUser | undefined,
    method: InjectOptions['method'],
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await platform.app.inject({
      method,
      url,
      headers: { ...(user ? user.headers : {}), ...headers },
      ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
    });
    const json = response.headers['content-type']?.toString().startsWith('application/json');
    return {
      status: response.statusCode,
      body: json ? response.json() : undefined,
      raw: response.rawPayload,
    };
  };
  const created = async (
    platform: TestPlatform,
    user: TestUser,
    url: string,
    payload: unknown,
    headers = {},
  ) => {
    const answer = await call(platform, user, 'POST', url, payload, headers);
    expect(answer.status, `${url}: ${JSON.stringify(answer.body)}`).toBe(201);
    return answer.body;
  };
  const download = async (platform: TestPlatform, user: TestUser) => {
    const answer = await call(platform, user, 'POST', '/calos/api/account/export', {
      password: user.password,
    });
    expect(answer.status, answer.raw.toString('utf8').slice(0, 300)).toBe(200);
    return answer.raw;
  };
  const importInto = (platform: TestPlatform, user: TestUser, zip: Buffer) =>
    call(platform, user, 'POST', '/calos/api/account/import', zip, { 'content-type': 'application/zip' });
  const partsOf = (zipFiles: Map<string, string>) => ({
    recipes: JSON.parse(zipFiles.get('recipes.json') as string) as Part,
    hollowtown: JSON.parse(zipFiles.get('hollowtown.json') as string) as Part,
    family: JSON.parse(zipFiles.get('family.json') as string) as Part,
  });

  beforeAll(async () => {
    // One after the other: two platforms starting at once on a busy machine can miss Fastify's start timeout.
    source = await startTestPlatform(engine);
    fresh = await startTestPlatform(engine);
    [alice, bob] = await Promise.all([given(source).user(), given(source).user()]);
    // HowToCookAtHome: two recipes, a meal plan naming one, a list from the plan, the pantry.
    const soup = await created(source, alice, '/recipes/api/recipes', {
      recipe_name: 'Pumpkin soup',
      description: 'Velvety, with toasted seeds.',
      difficulty: 'easy',
      serves: 4,
      prep_time_minutes: 15,
      ingredients: [{ name: 'pumpkin', quantity: 1, unit: 'kg', note: null }],
      instructions: ['Roast the pumpkin.', 'Blend with stock.'],
      tags: ['autumn'],
    });
    const toast = await created(source, alice, '/recipes/api/recipes', {
      recipe_name: 'Plain toast',
      difficulty: 'easy',
    });
    const plan = await created(source, alice, '/recipes/api/meal-plans', {
      plan_name: 'Spooky week',
      start_date: '2026-10-26',
      duration_days: 7,
      meals: { '2026-10-30': { dinner: soup.recipe_id } },
    });
    await created(source, alice, `/recipes/api/meal-plans/${plan.plan_id}/shopping-list`, {});
    await created(source, alice, '/recipes/api/shopping-lists', {
      list_name: 'Plain',
      items: ['2 lemons', '1 l milk'],
      aisle_order: ['dairy', 'produce'],
    });
    // A cookbook shared with no one, and one once shared with a family there (private here).
    const autumn = await created(source, alice, '/recipes/api/cookbooks', {
      title: 'Autumn',
      visibility: 'private',
    });
    for (const recipe of [soup.recipe_id, toast.recipe_id]) {
      const put = await call(
        source,
        alice,
        'PUT',
        `/recipes/api/cookbooks/${autumn.cookbook_id}/recipes/${recipe}`,
      );
      expect(put.status).toBe(200);
    }
    await created(source, alice, '/recipes/api/pantry/items', {
      item_name: 'Flour',
      quantity: 1.5,
      unit: 'kg',
      expiration_date: '2027-01-31',
    });
    // Hollowtown: a recipe, an event with it and with the soup, a costume, a plan; a vote.
    const cups = await created(source, alice, '/hollowtown/api/recipes/spooky', {
      recipe_name: 'Graveyard dirt cups',
      spookiness_level: 6,
      difficulty: 'nightmare',
      ingredients: [{ name: 'gummy worms', quantity: 12, unit: 'piece' }],
      instructions: ['Add the worms.'],
    });
    const party = await created(source, alice, '/hollowtown/api/events', {
      event_name: 'Monster mash',
      event_type: 'party',
      event_date: '2026-10-31',
      guest_count: 12,
    });
    await created(source, alice, `/hollowtown/api/events/${party.event_id}/recipes`, {
      domain: 'hollowtown',
      recipe_id: cups.recipe_id,
    });
    await created(source, alice, `/hollowtown/api/events/${party.event_id}/recipes`, {
      domain: 'recipes',
      recipe_id: soup.recipe_id,
    });
    await created(source, alice, '/hollowtown/api/costumes', {
      costume_name: 'Paper ghost',
      difficulty: 'easy',
      materials: [{ name: 'sheet' }],
    });
    await created(source, alice, '/hollowtown/api/haunted-house/plans', {
      room_name: 'Crypt',
      scare_level: 9,
    });
    const bobs = await created(source, bob, '/hollowtown/api/costumes', { costume_name: 'Vampire' });
    const vote = await call(source, alice, 'POST', `/hollowtown/api/costumes/${bobs.costume_id}/upvote`);
    expect(vote.status, JSON.stringify(vote.body)).toBeLessThan(300);
    // Alice buys Bob's haunted-house plan in the marketplace: her copy of it is hers to take along.
    const maze = await created(source, bob, '/hollowtown/api/haunted-house/plans', {
      room_name: 'Mirror maze',
      scare_level: 7,
      props_needed: [{ name: 'mirror panel', quantity: 12 }],
      setup_instructions: ['Angle the panels so every path ends in a reflection.'],
    });
    const mazeListing = await created(source, bob, '/hollowtown/api/market/listings', {
      item_kind: 'plan',
      item_id: maze.plan_id,
      price: 40,
    });
    await created(
      source,
      alice,
      `/hollowtown/api/market/listings/${mazeListing.listing_id}/purchase`,
      undefined,
      {
        'idempotency-key': 'maze-1',
      },
    );
    // Family Planner: Alice's family with Bob in it; lists, items, an event, a shopping list.
    const family = await created(source, alice, '/family/api/families', { family_name: 'The Addams' });
    await joinFamily(injectCall(source), {
      familyId: family.family_id,
      admin: alice,
      invitee: bob,
      login: bob.username,
      role: 'parent',
    });
    const chores = await created(source, alice, '/family/api/todos', {
      family_id: family.family_id,
      list_name: 'Weekend chores',
      list_type: 'shared',
    });
    await created(source, alice, `/family/api/todos/${chores.list_id}/items`, { title: 'Carve pumpkins' });
    await created(source, alice, '/family/api/calendar/events', {
      family_id: family.family_id,
      event_name: 'Dentist',
      event_type: 'appointment',
      start_time: '2026-11-02T09:00:00.000Z',
    });
    const shop = await created(source, alice, '/family/api/shopping-lists', {
      family_id: family.family_id,
      list_name: 'Party shop',
    });
    await created(
      source,
      alice,
      `/family/api/shopping-lists/${shop.list_id}/items`,
      { name: 'candy corn', quantity: 2, unit: 'kg' },
      { 'idempotency-key': randomUUID() },
    );
    // What Bob keeps to himself in the same family, and what he says there.
    await created(source, bob, '/family/api/todos', {
      family_id: family.family_id,
      list_name: 'Bob secret gift ideas',
      list_type: 'personal',
    });
    await created(source, bob, `/family/api/families/${family.family_id}/messages`, {
      body: 'Bob private words about the party',
    });
    await created(source, alice, `/family/api/families/${family.family_id}/messages`, {
      body: 'See you at six',
    });

    archive = await download(source, alice);
    files = await unzip(archive);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([source?.close(), fresh?.close()]);
  });

  it('is one zip with a README, a manifest and one JSON file per part, with data of every app', async () => {
    expect([...files.keys()].sort()).toEqual(
      [
        'README.md',
        'family.json',
        'hollowtown.json',
        'identity.json',
        'manifest.json',
        'recipes.json',
      ].sort(),
    );
    expect(files.get('README.md')).toContain('GDPR Art. 15');
    expect(files.get('README.md')).toContain('Art. 20');
    const manifest = JSON.parse(files.get('manifest.json') as string);
    expect(manifest).toMatchObject({
      format: 'calos-account-export',
      version: 1,
      user_id: alice.userId,
      missing: [],
    });
    const identity = JSON.parse(files.get('identity.json') as string) as Part;
    expect(identity.collections.profile).toEqual([
      expect.objectContaining({ user_id: alice.userId, username: alice.username, email: alice.email }),
    ]);
    expect(identity.collections.sessions?.length).toBeGreaterThan(0);
    expect(identity.collections.credits).toHaveLength(1);
    expect(identity.collections.security_log?.map((e) => e.event)).toEqual(
      expect.arrayContaining(['account.created', 'account.exported']),
    );
    const { recipes, hollowtown, family } = partsOf(files);
    expect(recipes.collections.recipes?.map((r) => r.recipe_name).sort()).toEqual([
      'Plain toast',
      'Pumpkin soup',
    ]);
    expect(recipes.collections.meal_plans).toHaveLength(1);
    expect(recipes.collections.shopping_lists).toHaveLength(2);
    expect(recipes.collections.pantry_items).toHaveLength(1);
    expect(hollowtown.collections.event_recipes).toHaveLength(2);
    expect(hollowtown.collections.votes).toEqual([expect.objectContaining({ item_kind: 'costume' })]);
    expect(hollowtown.collections.costume_ideas?.map((c) => c.costume_name)).toEqual(['Paper ghost']);
    expect(hollowtown.collections.market_purchases).toEqual([
      expect.objectContaining({
        side: 'bought',
        title: 'Mirror maze',
        status: 'completed',
        item_copy: {
          item_kind: 'plan',
          plan_id: expect.any(String),
          room_name: 'Mirror maze',
          scare_level: 7,
          props_needed: [{ name: 'mirror panel', quantity: 12, note: null }],
          setup_instructions: ['Angle the panels so every path ends in a reflection.'],
        },
      }),
    ]);
    expect(family.collections.families?.map((f) => f.family_name)).toEqual(['The Addams']);
    expect(family.collections.family_members).toHaveLength(2);
    expect(family.collections.family_messages?.map((m) => m.body)).toEqual(['See you at six']);
  });

  it('holds no secret of the account and nothing another member keeps to themselves', async () => {
    const text = [...files.values()].join('\n');
    const identityDb = source.databases.get('identity');
    const secrets = [
      ...(
        await identityDb.query<{ s: string }>('SELECT password_hash AS s FROM users WHERE user_id = $1', [
          alice.userId,
        ])
      ).rows,
      ...(
        await identityDb.query<{ s: string }>(
          `SELECT t.token_hash AS s FROM refresh_tokens t JOIN user_sessions s ON s.session_id = t.session_id
            WHERE s.user_id = $1`,
          [alice.userId],
        )
      ).rows,
    ].map((row) => row.s);
    expect(secrets.length).toBeGreaterThan(1);
    for (const secret of [...secrets, alice.password, alice.refreshToken, alice.accessToken]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/password_hash|token_hash|code_hash|api_key_encrypted|secret_encrypted|p256dh/);
    expect(text).not.toMatch(/\$argon2/);
    expect(text).not.toContain('Bob secret gift ideas');
    expect(text).not.toContain('Bob private words');
  });

  it('imports into a fresh CALOS with the same content, once', async () => {
    const there = await given(fresh).user({ username: alice.username, email: alice.email });
    const first = await importInto(fresh, there, archive);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.unavailable).toEqual([]);
    expect(first.body.apps.recipes.recipes).toMatchObject({ created: 2, existing: 0, skipped: [] });
    expect(first.body.apps.hollowtown.event_recipes).toMatchObject({ created: 2, skipped: [] });
    expect(first.body.apps.family.families).toMatchObject({ created: 1, skipped: [] });

    const back = await unzip(await download(fresh, there));
    const expected = contentOf(partsOf(files));
    expect(contentOf(partsOf(back))).toEqual(expected);
    expect(expected.recipes).toHaveLength(2);
    expect(expected.cookbooks).toEqual([
      expect.stringContaining('"recipe_ids":["Pumpkin soup","Plain toast"]'),
    ]);
    expect(expected.shopping_lists).toContainEqual(
      expect.stringContaining('"aisle_order":["dairy","produce"]'),
    );
    expect(expected.event_recipes).toHaveLength(2);
    expect(expected.todo_items).toHaveLength(1);
    expect(expected.family_shopping_items).toHaveLength(1);
    // The soup is what the meal plan and the event name there, under its new id.
    const imported = partsOf(back);
    const soup = imported.recipes.collections.recipes?.find((r) => r.recipe_name === 'Pumpkin soup');
    expect(soup?.recipe_id).not.toBe(
      partsOf(files).recipes.collections.recipes?.find((r) => r.recipe_name === 'Pumpkin soup')?.recipe_id,
    );
    expect(JSON.stringify(imported.recipes.collections.meal_plans)).toContain(soup?.recipe_id as string);
    expect(imported.hollowtown.collections.event_recipes?.map((l) => l.recipe_id)).toContain(soup?.recipe_id);
    // Imported recipes are theirs to read there.
    expect((await call(fresh, there, 'GET', `/recipes/api/recipes/${soup?.recipe_id}`)).status).toBe(200);

    const again = await importInto(fresh, there, archive);
    expect(again.status).toBe(200);
    for (const [app, collections] of Object.entries(
      again.body.apps as Record<string, Record<string, Json>>,
    )) {
      for (const [collection, counts] of Object.entries(collections)) {
        expect(counts.created, `${app}.${collection}`).toBe(0);
      }
    }
    expect(contentOf(partsOf(await unzip(await download(fresh, there))))).toEqual(expected);
    const log = await call(fresh, there, 'GET', '/calos/api/audit');
    expect(JSON.stringify(log.body)).toContain('account.imported');
  });

  it('gives a browser a ticket that fetches the same archive once, within a minute', async () => {
    const wrong = await call(source, alice, 'POST', '/calos/api/account/export/ticket', {
      password: 'not it',
    });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'PASSWORD_INCORRECT']);
    expect(
      (await call(source, undefined, 'POST', '/calos/api/account/export/ticket', { password: 'x' })).status,
    ).toBe(401);
    const ticket = async () => {
      const answer = await call(source, alice, 'POST', '/calos/api/account/export/ticket', {
        password: alice.password,
      });
      expect(answer.status).toBe(200);
      expect(answer.body.expires_in).toBe(60);
      return answer.body.ticket as string;
    };
    const first = await ticket();
    // No session needed: the ticket is the key.
    const got = await call(source, undefined, 'GET', `/calos/api/account/export/${first}`);
    expect(got.status).toBe(200);
    const parts = await unzip(got.raw);
    expect(parts.get('README.md')).toContain('GDPR Art. 15');
    expect(contentOf(partsOf(parts))).toEqual(contentOf(partsOf(files)));
    const again = await call(source, undefined, 'GET', `/calos/api/account/export/${first}`);
    expect([again.status, again.body.error.code]).toEqual([404, 'ACCOUNT_EXPORT_TICKET_INVALID']);
    const late = await ticket();
    source.clock.advance(61_000);
    try {
      const expired = await call(source, undefined, 'GET', `/calos/api/account/export/${late}`);
      expect([expired.status, expired.body.error.code]).toEqual([404, 'ACCOUNT_EXPORT_TICKET_INVALID']);
    } finally {
      source.clock.advance(-61_000);
    }
    expect((await call(source, undefined, 'GET', '/calos/api/account/export/made-up')).status).toBe(404);
  });

  it('refuses without a session, with a wrong password, and a second export at the same time', async () => {
    expect(
      (await call(source, undefined, 'POST', '/calos/api/account/export', { password: 'x' })).status,
    ).toBe(401);
    const wrong = await call(source, alice, 'POST', '/calos/api/account/export', { password: 'not it' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('PASSWORD_INCORRECT');
    expect((await importInto(source, undefined as unknown as TestUser, archive)).status).toBe(401);

    // The first download is held at HowToCookAtHome's part (its table locked here): the second
    // is refused while it runs.
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let locked = () => {};
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holding = source.databases.get('recipes').transaction(async (tx) => {
      await tx.query('LOCK TABLE recipes IN ACCESS EXCLUSIVE MODE');
      locked();
      await gate;
    });
    await isLocked;
    const first = await request(`${source.url}/calos/api/account/export`, {
      method: 'POST',
      headers: { ...alice.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ password: alice.password }),
    });
    expect(first.statusCode).toBe(200);
    const second = await call(source, alice, 'POST', '/calos/api/account/export', {
      password: alice.password,
    });
    expect(second.status).toBe(429);
    expect(second.body.error.code).toBe('ACCOUNT_DATA_BUSY');
    open();
    await holding;
    const whole = Buffer.from(await first.body.arrayBuffer());
    expect((await unzip(whole)).has('recipes.json')).toBe(true);
    // Once it ended, the next one runs.
    await download(source, alice);
  });

  it('refuses what is not a CALOS data archive, a newer format, and too large an archive', async () => {
    const expectRefused = async (zip: Buffer, status: number, code: string) => {
      const answer = await importInto(source, alice, zip);
      expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      expect(answer.body.error.code).toBe(code);
    };
    await expectRefused(Buffer.from('not a zip at all'), 400, 'ACCOUNT_ARCHIVE_INVALID');
    await expectRefused(await zipOf({ 'recipes.json': '{}' }), 400, 'ACCOUNT_ARCHIVE_INVALID');
    const manifest = JSON.stringify({ format: 'calos-account-export', version: 1 });
    await expectRefused(
      await zipOf({ 'manifest.json': manifest, 'recipes.json': '{"format": "calos-account-export", "ver' }),
      400,
      'ACCOUNT_ARCHIVE_INVALID',
    );
    await expectRefused(
      await zipOf({ 'manifest.json': JSON.stringify({ format: 'calos-account-export', version: 2 }) }),
      422,
      'ACCOUNT_ARCHIVE_UNSUPPORTED',
    );
    const many = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`extra${i}.txt`, 'x']));
    await expectRefused(
      await zipOf({ 'manifest.json': manifest, ...many }),
      413,
      'ACCOUNT_ARCHIVE_TOO_LARGE',
    );
    const rows = Array.from({ length: 20_001 }, (_, i) => ({ item_id: String(i) }));
    const big = JSON.stringify({
      format: 'calos-account-export',
      version: 1,
      app: 'recipes',
      collections: { pantry_items: rows },
    });
    await expectRefused(
      await zipOf({ 'manifest.json': manifest, 'recipes.json': big }),
      413,
      'ACCOUNT_ARCHIVE_TOO_LARGE',
    );
    // A row whose lists are not what the app reads is skipped, with why; the others are kept.
    const recipesPart = JSON.stringify({
      format: 'calos-account-export',
      version: 1,
      app: 'recipes',
      collections: {
        recipes: [
          { recipe_id: randomUUID(), recipe_name: 'Odd lists', difficulty: 'easy', ingredients: ['salt'] },
          {
            recipe_id: randomUUID(),
            recipe_name: 'Fine lists',
            difficulty: 'easy',
            ingredients: [{ name: 'salt' }],
          },
        ],
      },
    });
    const mixed = await importInto(
      source,
      alice,
      await zipOf({ 'manifest.json': manifest, 'recipes.json': recipesPart }),
    );
    expect(mixed.status).toBe(200);
    expect(mixed.body.apps.recipes.recipes).toMatchObject({
      created: 1,
      skipped: [{ reason: 'ingredients is not a list of items with a name' }],
    });
    // Nothing of the refused archives reached the user's data.
    const pantry = await source.databases
      .get('recipes')
      .query('SELECT count(*)::int AS n FROM pantry_items WHERE user_id = $1', [alice.userId]);
    expect(pantry.rows[0]).toEqual({ n: 1 });
  });
});

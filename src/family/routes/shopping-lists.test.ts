import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { injectCall, joinFamily } from '../../../test/support/family.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { openEventStream } from '../../../test/support/sse.ts';
import type { FamilyClient } from '../client.ts';

describe.each(testEngines())('family shopping lists on %s', (engine) => {
  let platform: TestPlatform;
  let mom: TestUser;
  let kid: TestUser;
  let stranger: TestUser;
  let familyId: string;

  const api = async (user: TestUser, method: string, url: string, body?: unknown, key?: string) => {
    const response = await platform.app.inject({
      method: method as 'GET',
      url: `/family/api${url}`,
      headers: { ...user.headers, ...(key ? { 'idempotency-key': key } : {}) },
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    return { status: response.statusCode, body: response.body ? response.json() : undefined };
  };

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'family'] });
    [mom, kid, stranger] = await Promise.all([
      given(platform).user(),
      given(platform).user(),
      given(platform).user(),
    ]);
    familyId = (await api(mom, 'POST', '/families', { family_name: 'The Addams' })).body.family_id;
    await joinFamily(injectCall(platform), { familyId, admin: mom, invitee: kid, login: kid.username });
  });
  afterAll(() => platform.close());

  const newList = async () =>
    (await api(mom, 'POST', '/shopping-lists', { family_id: familyId, list_name: 'Party' })).body;

  it('lets every member read a list and a stranger get 404', async () => {
    const list = await newList();
    expect((await api(kid, 'GET', `/shopping-lists/${list.list_id}`)).status).toBe(200);
    expect((await api(stranger, 'GET', `/shopping-lists/${list.list_id}`)).status).toBe(404);
    expect(
      (await api(stranger, 'POST', `/shopping-lists/${list.list_id}/items`, { name: 'x' }, randomUUID()))
        .status,
    ).toBe(404);
    expect(
      (await api(kid, 'POST', '/shopping-lists', { family_id: familyId, list_name: 'kid list' })).status,
    ).toBe(403);
    expect((await api(stranger, 'GET', `/shopping-lists?family_id=${familyId}`)).status).toBe(404);
  });

  it('applies a retried change once, refuses a reused key for another change, and needs a key', async () => {
    const list = await newList();
    const key = randomUUID();
    const first = await api(
      kid,
      'POST',
      `/shopping-lists/${list.list_id}/items`,
      { name: 'candy corn', quantity: 2, unit: 'kg' },
      key,
    );
    const retry = await api(
      kid,
      'POST',
      `/shopping-lists/${list.list_id}/items`,
      { name: 'candy corn', quantity: 2, unit: 'kg' },
      key,
    );
    expect(first.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    const other = await api(kid, 'POST', `/shopping-lists/${list.list_id}/items`, { name: 'apples' }, key);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(
      (await api(kid, 'POST', `/shopping-lists/${list.list_id}/items`, { name: 'apples' })).body.error.code,
    ).toBe('IDEMPOTENCY_KEY_REQUIRED');
    const read = await api(mom, 'GET', `/shopping-lists/${list.list_id}`);
    expect(read.body.items.map((i: { name: string }) => i.name)).toEqual(['candy corn']);
    expect(read.body.version).toBe(1);
  });

  it('joins two members adding the same thing into one line, amounts added, and a replay changes nothing', async () => {
    const list = await newList();
    const at = `/shopping-lists/${list.list_id}/items`;
    const momKey = randomUUID();
    const first = await api(
      mom,
      'POST',
      at,
      { name: 'Milk', quantity: 1, unit: 'l', cost_cents: 120 },
      momKey,
    );
    expect(first.status).toBe(201);
    // The kid, offline meanwhile, wanted milk too: sent later, it joins the line.
    const kidKey = randomUUID();
    const joined = await api(
      kid,
      'POST',
      at,
      { name: '  milk ', quantity: 2, unit: 'l', cost_cents: 240 },
      kidKey,
    );
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({
      item_id: first.body.item_id,
      name: 'Milk',
      quantity: 3,
      cost_cents: 360,
    });
    expect(joined.body).not.toHaveProperty('merged');
    // The kid's outbox sends again after a lost answer: the same answer, nothing added twice.
    const replay = await api(
      kid,
      'POST',
      at,
      { name: '  milk ', quantity: 2, unit: 'l', cost_cents: 240 },
      kidKey,
    );
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(joined.body);
    // Another unit, or a line already bought, is a new line.
    expect(
      (await api(kid, 'POST', at, { name: 'milk', quantity: 1, unit: 'bottle' }, randomUUID())).status,
    ).toBe(201);
    await api(mom, 'PATCH', `${at}/${first.body.item_id}`, { checked: true }, randomUUID());
    const again = await api(kid, 'POST', at, { name: 'Milk', quantity: 1, unit: 'l' }, randomUUID());
    expect(again.status).toBe(201);
    expect(again.body.item_id).not.toBe(first.body.item_id);
    // Without amounts, the line keeps the one it has.
    const bread = await api(mom, 'POST', at, { name: 'bread' }, randomUUID());
    const moreBread = await api(kid, 'POST', at, { name: 'Bread', quantity: 2 }, randomUUID());
    expect(moreBread.body).toMatchObject({ item_id: bread.body.item_id, quantity: 2 });
    const items = (await api(mom, 'GET', `/shopping-lists/${list.list_id}`)).body.items;
    expect(
      items.map((i: { name: string; unit: string | null; quantity: number | null }) => [
        i.name,
        i.unit,
        i.quantity,
      ]),
    ).toEqual([
      ['Milk', 'l', 3],
      ['milk', 'bottle', 1],
      ['Milk', 'l', 1],
      ['bread', null, 2],
    ]);
    // One event per change that applied: two adds and one join for the milk, never the replay.
    const version = (await api(mom, 'GET', `/shopping-lists/${list.list_id}`)).body.version;
    expect(version).toBe(list.version + 7);
  });

  it('puts each item in an aisle, guessed from its name unless given, and keeps a store’s aisle order per list', async () => {
    const list = await newList();
    expect(list).toMatchObject({ store_name: null, aisle_order: [] });
    const at = `/shopping-lists/${list.list_id}/items`;
    const aisles: Record<string, string> = {};
    for (const name of ['2 bottles of milk', 'Sourdough bread', 'ice cream', 'dish soap', 'gummy worms']) {
      aisles[name] = (await api(kid, 'POST', at, { name }, randomUUID())).body.aisle;
    }
    expect(aisles).toEqual({
      '2 bottles of milk': 'dairy',
      'Sourdough bread': 'bakery',
      'ice cream': 'frozen',
      'dish soap': 'household',
      'gummy worms': 'other',
    });
    const given = await api(kid, 'POST', at, { name: 'gummy bears', aisle: 'pantry' }, randomUUID());
    expect(given.body.aisle).toBe('pantry');
    const moved = await api(kid, 'PATCH', `${at}/${given.body.item_id}`, { aisle: 'drinks' }, randomUUID());
    expect(moved.body.aisle).toBe('drinks');
    expect((await api(kid, 'POST', at, { name: 'x', aisle: 'attic' }, randomUUID())).status).toBe(400);

    // The kid, in the shop, sets its order; everyone reading the list gets it.
    const order = { store_name: ' Corner market ', aisle_order: ['bakery', 'produce', 'dairy'] };
    const set = await api(kid, 'PATCH', `/shopping-lists/${list.list_id}`, order, randomUUID());
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      store_name: 'Corner market',
      aisle_order: ['bakery', 'produce', 'dairy'],
    });
    expect((await api(mom, 'GET', `/shopping-lists/${list.list_id}`)).body).toMatchObject({
      store_name: 'Corner market',
      aisle_order: ['bakery', 'produce', 'dairy'],
      version: set.body.version,
    });
    const repeated = await api(
      mom,
      'PATCH',
      `/shopping-lists/${list.list_id}`,
      { aisle_order: ['dairy', 'dairy'] },
      randomUUID(),
    );
    expect(repeated.status).toBe(400);
    expect(repeated.body.error.code).toBe('SHOPPING_AISLE_REPEATED');
    for (const bad of [{}, { aisle_order: ['attic'] }, { store_name: 'x'.repeat(101) }]) {
      expect((await api(mom, 'PATCH', `/shopping-lists/${list.list_id}`, bad, randomUUID())).status).toBe(
        400,
      );
    }
    expect(
      (await api(mom, 'PATCH', `/shopping-lists/${list.list_id}`, { store_name: 'x' })).body.error.code,
    ).toBe('IDEMPOTENCY_KEY_REQUIRED');
    expect(
      (await api(stranger, 'PATCH', `/shopping-lists/${list.list_id}`, { store_name: 'Mine' }, randomUUID()))
        .status,
    ).toBe(404);
    // Cleared again: the default order.
    const cleared = await api(
      mom,
      'PATCH',
      `/shopping-lists/${list.list_id}`,
      { store_name: null, aisle_order: [] },
      randomUUID(),
    );
    expect(cleared.body).toMatchObject({ store_name: null, aisle_order: [] });
  });

  it('refuses a join that would go past what an item may hold', async () => {
    const list = await newList();
    const at = `/shopping-lists/${list.list_id}/items`;
    await api(mom, 'POST', at, { name: 'rice', quantity: 999_000, unit: 'g' }, randomUUID());
    const over = await api(kid, 'POST', at, { name: 'rice', quantity: 2000, unit: 'g' }, randomUUID());
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('SHOPPING_ITEM_TOO_LARGE');
  });

  it('lets a queued check-off of an item someone removed fail alone, and the next change go through', async () => {
    const list = await newList();
    const at = `/shopping-lists/${list.list_id}/items`;
    const eggs = (await api(mom, 'POST', at, { name: 'eggs' }, randomUUID())).body;
    const tea = (await api(mom, 'POST', at, { name: 'tea' }, randomUUID())).body;
    expect((await api(mom, 'DELETE', `${at}/${eggs.item_id}`, undefined, randomUUID())).status).toBe(200);
    const late = await api(kid, 'PATCH', `${at}/${eggs.item_id}`, { checked: true }, randomUUID());
    expect(late.status).toBe(404);
    expect(late.body.error.code).toBe('SHOPPING_ITEM_NOT_FOUND');
    const key = randomUUID();
    const ticked = await api(kid, 'PATCH', `${at}/${tea.item_id}`, { checked: true }, key);
    expect(ticked.body.checked).toBe(true);
    // Setting, not toggling: a resend leaves it ticked.
    expect((await api(kid, 'PATCH', `${at}/${tea.item_id}`, { checked: true }, key)).body).toEqual(
      ticked.body,
    );
  });

  it('records who checked an item, bumps the version, and refuses a stale expected_version', async () => {
    const list = await newList();
    const item = (
      await api(mom, 'POST', `/shopping-lists/${list.list_id}/items`, { name: 'bats' }, randomUUID())
    ).body;
    const checked = await api(
      kid,
      'PATCH',
      `/shopping-lists/${list.list_id}/items/${item.item_id}`,
      { checked: true, expected_version: item.version },
      randomUUID(),
    );
    expect(checked.body).toMatchObject({ checked: true, checked_by: kid.userId, version: item.version + 1 });
    const stale = await api(
      mom,
      'PATCH',
      `/shopping-lists/${list.list_id}/items/${item.item_id}`,
      { checked: false, expected_version: item.version },
      randomUUID(),
    );
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'VERSION_CONFLICT',
      details: { current_version: item.version + 1 },
    });
    const unchecked = await api(
      mom,
      'PATCH',
      `/shopping-lists/${list.list_id}/items/${item.item_id}`,
      { checked: false },
      randomUUID(),
    );
    expect(unchecked.body).toMatchObject({ checked: false, checked_by: null });
    const removed = await api(
      kid,
      'DELETE',
      `/shopping-lists/${list.list_id}/items/${item.item_id}`,
      undefined,
      randomUUID(),
    );
    expect(removed.body).toEqual({ item_id: item.item_id, removed: true });
  });

  it('streams every change to members live, and replays what a reconnecting member missed', async () => {
    const list = await newList();
    const kidStream = await openEventStream(
      `${platform.url}/family/api/shopping-lists/${list.list_id}/stream`,
      kid.headers,
    );
    expect(kidStream.status).toBe(200);
    const snapshot = await kidStream.waitFor((e) => e.event === 'snapshot');
    expect(snapshot.id).toBe('0');
    const item = (
      await api(mom, 'POST', `/shopping-lists/${list.list_id}/items`, { name: 'fog juice' }, randomUUID())
    ).body;
    await api(
      mom,
      'PATCH',
      `/shopping-lists/${list.list_id}/items/${item.item_id}`,
      { checked: true },
      randomUUID(),
    );
    const update = await kidStream.waitFor((e) => e.event === 'item.updated');
    expect(update.id).toBe('2');
    expect(update.data).toMatchObject({
      seq: 2,
      actor: mom.userId,
      data: { item: { item_id: item.item_id, checked: true } },
    });
    kidStream.close();

    await api(mom, 'POST', `/shopping-lists/${list.list_id}/items`, { name: 'cobwebs' }, randomUUID());
    await api(mom, 'POST', `/shopping-lists/${list.list_id}/items`, { name: 'candles' }, randomUUID());
    const again = await openEventStream(`${platform.url}/family/api/shopping-lists/${list.list_id}/stream`, {
      ...kid.headers,
      'last-event-id': '2',
    });
    const missed = await again.waitFor((e) => e.id === '4');
    expect(again.events.map((e) => e.id)).toEqual(['3', '4']);
    expect(again.events.some((e) => e.event === 'snapshot')).toBe(false);
    expect(missed.data).toMatchObject({ kind: 'item.added', data: { item: { name: 'candles' } } });
    again.close();
    const strangerStream = await openEventStream(
      `${platform.url}/family/api/shopping-lists/${list.list_id}/stream`,
      stranger.headers,
    );
    expect(strangerStream.status).toBe(404);
  });

  it('regenerates a generated list in place, keeping what members checked', async () => {
    const family = platform.clients.get<FamilyClient>('family');
    const eventId = randomUUID();
    const items = [
      { name: 'pumpkin', quantity: 3, unit: 'count', costCents: 900 },
      { name: 'flour', quantity: 500, unit: 'g', costCents: 150 },
    ];
    const first = await family.saveGeneratedList({
      familyId,
      actorUserId: mom.userId,
      sourceDomain: 'hollowtown',
      sourceId: eventId,
      listName: 'Halloween party',
      items,
    });
    expect(first).toMatchObject({ created: true, estimatedCostCents: 1050 });
    const list = (await api(kid, 'GET', `/shopping-lists/${first.listId}`)).body;
    const pumpkin = list.items.find((i: { name: string }) => i.name === 'pumpkin');
    await api(
      kid,
      'PATCH',
      `/shopping-lists/${first.listId}/items/${pumpkin.item_id}`,
      { checked: true },
      randomUUID(),
    );
    const second = await family.saveGeneratedList({
      familyId,
      actorUserId: mom.userId,
      sourceDomain: 'hollowtown',
      sourceId: eventId,
      listName: 'Halloween party',
      items: [
        ...items.map((i) => ({ ...i, quantity: (i.quantity ?? 0) * 2 })),
        { name: 'sugar', quantity: 200, unit: 'g', costCents: 80 },
      ],
    });
    expect(second).toMatchObject({ created: false, listId: first.listId });
    const after = (await api(kid, 'GET', `/shopping-lists/${first.listId}`)).body;
    expect(
      after.items.map((i: { name: string; checked: boolean; quantity: number }) => [
        i.name,
        i.checked,
        i.quantity,
      ]),
    ).toEqual([
      ['pumpkin', true, 3],
      ['flour', false, 1000],
      ['sugar', false, 200],
    ]);
    await expect(
      family.saveGeneratedList({
        familyId,
        actorUserId: stranger.userId,
        sourceDomain: 'hollowtown',
        sourceId: randomUUID(),
        listName: 'x',
        items: [],
      }),
    ).rejects.toMatchObject({ code: 'FAMILY_NOT_FOUND' });
  });
});

// The design document's family scenario end to end: Mom plans a Halloween party for the family,
// Dad adds a recipe from HowToCookAtHome, the list is made in Family Planner, and the kids see
// it and check items off live — in one process, and across two server processes.
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from '../../src/main.ts';
import { createTestClock } from '../../src/platform/clock.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { type IsolatedDatabases, isolatedDatabases } from '../support/databases.ts';
import { testEngines } from '../support/engines.ts';
import { joinFamily } from '../support/family.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { openEventStream } from '../support/sse.ts';

interface Household {
  mom: TestUser;
  dad: TestUser;
  kid: TestUser;
  familyId: string;
  eventId: string;
}

type Call = (
  user: TestUser,
  method: string,
  url: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<{
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers of several APIs, read field by field
  body: any;
}>;

/** Builds the household and the party through the public APIs. */
async function planParty(call: Call, users: TestUser[]): Promise<Household> {
  const [mom, dad, kid] = users as [TestUser, TestUser, TestUser];
  // Shared calendars (the meal plan on the calendar, the iCal feed) come with the Family plan.
  const upgraded = await call(mom, 'POST', '/calos/api/subscription', {
    plan_code: 'family',
    provider: 'dev',
  });
  expect(upgraded.status).toBe(200);
  const family = await call(mom, 'POST', '/family/api/families', { family_name: 'The Halloweens' });
  expect(family.status).toBe(201);
  const familyId = family.body.family_id;
  await joinFamily(call, { familyId, admin: mom, invitee: dad, login: dad.username, role: 'parent' });
  await joinFamily(call, { familyId, admin: mom, invitee: kid, login: kid.email, role: 'child' });

  const event = await call(mom, 'POST', '/hollowtown/api/events', {
    family_id: familyId,
    event_name: 'Monster mash',
    event_type: 'party',
    event_date: '2026-10-31',
    guest_count: 12,
    budget_cents: 15000,
  });
  expect(event.status).toBe(201);
  expect(event.body.family_id).toBe(familyId);
  const eventId = event.body.event_id;

  const momsRecipe = await call(mom, 'POST', '/hollowtown/api/recipes/spooky', {
    recipe_name: 'Pumpkin guts bread',
    serves: 6,
    ingredients: [
      { name: 'flour', quantity: 0.5, unit: 'kg' },
      { name: 'pumpkin', quantity: 1, unit: 'count' },
    ],
  });
  expect(momsRecipe.status).toBe(201);
  const dadsRecipe = await call(dad, 'POST', '/recipes/api/recipes', {
    recipe_name: 'Bat wing cookies',
    difficulty: 'easy',
    serves: 4,
    ingredients: [
      { name: 'flour', quantity: 500, unit: 'g' },
      { name: 'sugar', quantity: 200, unit: 'g' },
      { name: 'eggs', quantity: 2, unit: 'count' },
    ],
  });
  expect(dadsRecipe.status).toBe(201);

  // Dad sees the family's event and adds his (private) recipe from the other app.
  expect((await call(dad, 'GET', `/hollowtown/api/events/${eventId}`)).status).toBe(200);
  expect(
    (
      await call(mom, 'POST', `/hollowtown/api/events/${eventId}/recipes`, {
        domain: 'hollowtown',
        recipe_id: momsRecipe.body.recipe_id,
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await call(dad, 'POST', `/hollowtown/api/events/${eventId}/recipes`, {
        domain: 'recipes',
        recipe_id: dadsRecipe.body.recipe_id,
      })
    ).status,
  ).toBe(201);
  return { mom, dad, kid, familyId, eventId };
}

describe.each(testEngines())('the family Halloween party across apps on %s', (engine) => {
  let platform: TestPlatform;
  let household: Household;
  let outsider: TestUser;

  const call: Call = async (user, method, url, body, headers = {}) => {
    const response = await platform.app.inject({
      method: method as InjectOptions['method'],
      url,
      headers: { ...user.headers, ...headers },
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    return { status: response.statusCode, body: response.body ? response.json() : undefined };
  };

  beforeAll(async () => {
    // The test's own date: ten days before the party, whatever day the suite runs on.
    platform = await startTestPlatform(engine, {
      services: ['identity', 'hollowtown', 'recipes', 'family'],
      clock: createTestClock('2026-10-21T18:00:00Z'),
    });
    const users = await Promise.all([0, 1, 2, 3].map(() => given(platform).user()));
    outsider = users[3] as TestUser;
    household = await planParty(call, users);
  });
  afterAll(() => platform.close());

  it('makes one merged, scaled shopping list in Family Planner that the kids read and check off live', async () => {
    const { mom, dad, kid, eventId, familyId } = household;
    const made = await call(mom, 'POST', `/hollowtown/api/events/${eventId}/shopping-list`);
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ family_id: familyId, skipped_recipes: [] });
    const listId = made.body.list_id;

    const list = await call(kid, 'GET', `/family/api/shopping-lists/${listId}`);
    expect(list.status).toBe(200);
    const amounts = Object.fromEntries(
      list.body.items.map((i: { name: string; quantity: number; unit: string }) => [
        i.name,
        `${i.quantity} ${i.unit}`,
      ]),
    );
    // 12 guests: Mom's bread (serves 6) twice, Dad's cookies (serves 4) three times; 1.5 kg and 1000 g of flour merged.
    expect(amounts).toEqual({ flour: '2.5 kg', pumpkin: '2 count', sugar: '600 g', eggs: '6 count' });

    const kidsScreen = await openEventStream(
      `${platform.url}/family/api/shopping-lists/${listId}/stream`,
      kid.headers,
    );
    await kidsScreen.waitFor((e) => e.event === 'snapshot');
    const eggs = list.body.items.find((i: { name: string }) => i.name === 'eggs');
    const check = await call(
      dad,
      'PATCH',
      `/family/api/shopping-lists/${listId}/items/${eggs.item_id}`,
      { checked: true },
      { 'idempotency-key': randomUUID() },
    );
    expect(check.status).toBe(200);
    const seen = await kidsScreen.waitFor((e) => e.event === 'item.updated');
    expect(seen.data).toMatchObject({
      actor: dad.userId,
      data: { item: { name: 'eggs', checked: true, checked_by: dad.userId } },
    });
    kidsScreen.close();

    // Remaking the list keeps Dad's check.
    await call(mom, 'POST', `/hollowtown/api/events/${eventId}/shopping-list`);
    const again = await call(kid, 'GET', `/family/api/shopping-lists/${listId}`);
    expect(again.body.items.find((i: { name: string }) => i.name === 'eggs')).toMatchObject({
      checked: true,
    });

    const event = await call(dad, 'GET', `/hollowtown/api/events/${eventId}`);
    expect(event.body.family_shopping_list).toMatchObject({
      list_id: listId,
      items: 4,
      checked: 1,
      budget_remaining_cents: 15000,
    });
    expect(event.body.is_mine).toBe(false);
  });

  it("weighs members' prices against the budget, and keeps them, scaled, when the list is remade", async () => {
    const { mom, dad, eventId } = household;
    const made = await call(mom, 'POST', `/hollowtown/api/events/${eventId}/shopping-list`);
    const listId = made.body.list_id;
    const items = (await call(dad, 'GET', `/family/api/shopping-lists/${listId}`)).body.items as {
      item_id: string;
      name: string;
    }[];
    const flour = items.find((i) => i.name === 'flour') as { item_id: string };
    const priced = await call(
      dad,
      'PATCH',
      `/family/api/shopping-lists/${listId}/items/${flour.item_id}`,
      { cost_cents: 500 },
      { 'idempotency-key': randomUUID() },
    );
    expect(priced.status).toBe(200);
    expect(priced.body.cost_cents).toBe(500);
    const added = await call(
      dad,
      'POST',
      `/family/api/shopping-lists/${listId}/items`,
      { name: 'candles', quantity: 20, unit: 'count', cost_cents: 1200 },
      { 'idempotency-key': randomUUID() },
    );
    expect(added.status).toBe(201);
    const bad = await call(
      dad,
      'PATCH',
      `/family/api/shopping-lists/${listId}/items/${flour.item_id}`,
      { cost_cents: -1 },
      { 'idempotency-key': randomUUID() },
    );
    expect(bad.status).toBe(400);

    let event = await call(mom, 'GET', `/hollowtown/api/events/${eventId}`);
    expect(event.body.family_shopping_list).toMatchObject({
      estimated_cost_cents: 1700,
      budget_remaining_cents: 15000 - 1700,
    });
    // Everything planned: the event's own list plus the family list, also in the events list.
    expect(event.body).toMatchObject({
      total_cost_cents: event.body.shopping_total_cents + 1700,
      total_budget_remaining_cents: 15000 - event.body.shopping_total_cents - 1700,
    });
    const listed = (await call(dad, 'GET', '/hollowtown/api/events')).body.items.find(
      (e: { event_id: string }) => e.event_id === eventId,
    );
    expect(listed.family_shopping_list).toMatchObject({ estimated_cost_cents: 1700 });
    expect(listed.total_cost_cents).toBe(event.body.total_cost_cents);

    // Twice the guests: 5 kg of flour, so its price doubles; the candles are a member's own line.
    expect((await call(mom, 'PATCH', `/hollowtown/api/events/${eventId}`, { guest_count: 24 })).status).toBe(
      200,
    );
    await call(mom, 'POST', `/hollowtown/api/events/${eventId}/shopping-list`);
    const remade = (await call(dad, 'GET', `/family/api/shopping-lists/${listId}`)).body.items as {
      name: string;
      quantity: number;
      cost_cents: number | null;
    }[];
    expect(remade.find((i) => i.name === 'flour')).toMatchObject({ quantity: 5, cost_cents: 1000 });
    event = await call(mom, 'GET', `/hollowtown/api/events/${eventId}`);
    expect(event.body.family_shopping_list.estimated_cost_cents).toBe(2200);
    expect((await call(mom, 'PATCH', `/hollowtown/api/events/${eventId}`, { guest_count: 12 })).status).toBe(
      200,
    );
  });

  it('puts the party on the family calendar and its iCal feed', async () => {
    const { kid, familyId, eventId } = household;
    const calendar = await call(
      kid,
      'GET',
      `/family/api/calendar?family_id=${familyId}&from=2026-10-01T00:00:00Z&to=2026-11-30T00:00:00Z`,
    );
    expect(calendar.status).toBe(200);
    expect(calendar.body.linked).toEqual([
      expect.objectContaining({
        source: { domain: 'hollowtown', id: eventId },
        title: 'Monster mash',
        all_day: true,
      }),
    ]);
  });

  it('shows a member’s meal plan on the family calendar and in its iCal feed', async () => {
    const { dad, kid, familyId } = household;
    const recipe = await call(dad, 'POST', '/recipes/api/recipes', {
      recipe_name: 'Witch stew',
      difficulty: 'easy',
      serves: 4,
    });
    const plan = await call(dad, 'POST', '/recipes/api/meal-plans', {
      plan_name: 'Spooky week',
      start_date: '2026-10-26',
      duration_days: 7,
      meals: { '2026-10-30': { dinner: recipe.body.recipe_id } },
    });
    expect(plan.status).toBe(201);
    expect(
      (
        await call(outsider, 'POST', '/family/api/calendar/meal-plans', {
          family_id: familyId,
          meal_plan_id: plan.body.plan_id,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call(kid, 'POST', '/family/api/calendar/meal-plans', {
          family_id: familyId,
          meal_plan_id: plan.body.plan_id,
        })
      ).status,
    ).toBe(404);
    const linked = await call(dad, 'POST', '/family/api/calendar/meal-plans', {
      family_id: familyId,
      meal_plan_id: plan.body.plan_id,
    });
    expect(linked.status).toBe(201);
    const calendar = await call(
      kid,
      'GET',
      `/family/api/calendar?family_id=${familyId}&from=2026-10-01T00:00:00Z&to=2026-11-30T00:00:00Z`,
    );
    expect(calendar.body.linked).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          source: { domain: 'recipes', id: plan.body.plan_id },
          title: 'Spooky week — dinner: Witch stew',
        }),
      ]),
    );
    const feed = await call(kid, 'POST', `/family/api/families/${familyId}/ical`);
    const path = new URL(feed.body.url).pathname;
    const ics = await platform.app.inject({ method: 'GET', url: path });
    expect(ics.body).toContain('SUMMARY:Spooky week — dinner: Witch stew');
    expect(ics.body).toContain('SUMMARY:Monster mash');

    // In December, the October party and dinners are still in the calendar people keep.
    platform.clock.set('2026-12-06T09:00:00Z');
    try {
      const december = await platform.app.inject({ method: 'GET', url: path });
      expect(december.body).toContain('SUMMARY:Spooky week — dinner: Witch stew');
      expect(december.body).toContain('SUMMARY:Monster mash');
    } finally {
      platform.clock.set('2026-10-21T18:00:00Z');
    }
  });

  it("lists the family's party among each member's events, and only with scope=mine for its owner", async () => {
    const { mom, dad, eventId } = household;
    const idsOf = async (user: TestUser, query = '') =>
      (
        (await call(user, 'GET', `/hollowtown/api/events${query}`)).body.items as {
          event_id: string;
          is_mine: boolean;
        }[]
      )
        .filter((e) => e.event_id === eventId)
        .map((e) => e.is_mine);
    expect(await idsOf(dad)).toEqual([false]);
    expect(await idsOf(dad, '?scope=mine')).toEqual([]);
    expect(await idsOf(mom)).toEqual([true]);
    expect(await idsOf(mom, '?scope=mine')).toEqual([true]);
    expect(await idsOf(outsider)).toEqual([]);
  });

  it('keeps the family’s things from everyone else', async () => {
    const { eventId, familyId } = household;
    expect((await call(outsider, 'GET', `/hollowtown/api/events/${eventId}`)).status).toBe(404);
    expect((await call(outsider, 'POST', `/hollowtown/api/events/${eventId}/shopping-list`)).status).toBe(
      404,
    );
    const linkToStrangers = await call(outsider, 'POST', '/hollowtown/api/events', {
      family_id: familyId,
      event_name: 'Gatecrash',
      event_type: 'party',
      event_date: '2026-10-31',
    });
    expect(linkToStrangers.status).toBe(404);
    expect(linkToStrangers.body.error.code).toBe('FAMILY_NOT_FOUND');
    const { rows } = await platform.databases
      .get('hollowtown')
      .query("SELECT 1 FROM halloween_events WHERE event_name = 'Gatecrash'");
    expect(rows).toEqual([]);
    // A member who is not the owner cannot re-link or delete the event.
    const { dad } = household;
    expect((await call(dad, 'PATCH', `/hollowtown/api/events/${eventId}`, { family_id: null })).status).toBe(
      404,
    );
    expect((await call(dad, 'DELETE', `/hollowtown/api/events/${eventId}`)).status).toBe(404);
  });
});

describe.runIf(testEngines().includes('postgres'))('the family list across two server processes', () => {
  let isolated: IsolatedDatabases;
  const platforms: RunningPlatform[] = [];

  beforeAll(async () => {
    isolated = await isolatedDatabases('postgres');
    for (let i = 0; i < 2; i++) {
      const config = {
        ...loadConfig({ NODE_ENV: 'test', PORT: '0', CALOS_DATA_DIR: isolated.dataDir }),
        databases: isolated.targets,
      };
      platforms.push(
        await startPlatform({
          config,
          logger: createLogger(config),
          services: ['identity', 'hollowtown', 'recipes', 'family'],
        }),
      );
    }
  });
  afterAll(async () => {
    for (const platform of platforms) await platform.stop();
    await isolated.cleanup();
  });

  it('shows a member on one process the check-offs made on the other', async () => {
    const [first, second] = platforms as [RunningPlatform, RunningPlatform];
    const register = async (name: string): Promise<TestUser> => {
      const username = `${name}_${randomUUID().slice(0, 8)}`;
      const response = await fetch(`${first.url}/calos/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          username,
          email: `${username}@example.test`,
          password: 'correct horse battery staple',
        }),
      });
      const body = (await response.json()) as {
        user: { user_id: string };
        access_token: string;
        refresh_token: string;
        session_id: string;
      };
      return {
        userId: body.user.user_id,
        username,
        email: `${username}@example.test`,
        password: 'correct horse battery staple',
        accessToken: body.access_token,
        refreshToken: body.refresh_token,
        sessionId: body.session_id,
        headers: { authorization: `Bearer ${body.access_token}` },
      };
    };
    const over =
      (platform: RunningPlatform): Call =>
      async (user, method, url, body, headers = {}) => {
        const response = await fetch(`${platform.url}${url}`, {
          method,
          headers: {
            ...user.headers,
            ...headers,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        return { status: response.status, body: text ? JSON.parse(text) : undefined };
      };
    const users = [await register('mom'), await register('dad'), await register('kid')];
    const household = await planParty(over(first), users);
    const made = await over(first)(
      household.mom,
      'POST',
      `/hollowtown/api/events/${household.eventId}/shopping-list`,
    );
    const listId = made.body.list_id;

    // The kid is connected to the second process; Dad checks items on the first.
    const kidsScreen = await openEventStream(
      `${second.url}/family/api/shopping-lists/${listId}/stream`,
      household.kid.headers,
    );
    await kidsScreen.waitFor((e) => e.event === 'snapshot');
    const list = await over(first)(household.dad, 'GET', `/family/api/shopping-lists/${listId}`);
    for (const item of list.body.items as { item_id: string }[]) {
      const checked = await over(first)(
        household.dad,
        'PATCH',
        `/family/api/shopping-lists/${listId}/items/${item.item_id}`,
        { checked: true },
        {
          'idempotency-key': randomUUID(),
        },
      );
      expect(checked.status).toBe(200);
    }
    await kidsScreen.waitFor(
      (e) => e.event === 'item.updated' && Number(e.id) === list.body.version + list.body.items.length,
    );
    const updates = kidsScreen.events.filter((e) => e.event === 'item.updated');
    expect(updates).toHaveLength(list.body.items.length);
    expect(updates.map((e) => Number(e.id))).toEqual(
      [...updates.map((e) => Number(e.id))].sort((a, b) => a - b),
    );
    kidsScreen.close();
  });
});

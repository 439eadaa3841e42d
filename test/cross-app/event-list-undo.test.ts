// The event → family shopping list flow changes two apps: Family Planner saves the list, then
// Hollowtown records it on the event. When the second step cannot happen (here: the event is
// deleted between the two), the list made by the first is taken back, so no family is left
// with a list of an event that no longer exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hollowtownLinks } from '../../src/cross-app/index.ts';
import type { HollowtownDeps } from '../../src/hollowtown/deps.ts';
import type { FamilyLink } from '../../src/hollowtown/links.ts';
import { createHollowtownCommunity } from '../../src/hollowtown/service/community.ts';
import { createEventFamilyService } from '../../src/hollowtown/service/event-family.ts';
import { createRecipeService } from '../../src/hollowtown/service/recipes.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe.each(testEngines())('the event → family list flow undone on %s', (engine) => {
  let platform: TestPlatform;
  let planner: TestUser;
  let familyId: string;

  const call = async (user: TestUser, method: string, url: string, payload?: unknown) => {
    const response = await platform.app.inject({
      method: method as 'GET',
      url,
      headers: user.headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: response.statusCode, body: response.body ? response.json() : undefined };
  };

  /** An event of the planner's family with one recipe: ready for its shopping list. */
  async function plannedEvent(name: string): Promise<string> {
    const event = await call(planner, 'POST', '/hollowtown/api/events', {
      family_id: familyId,
      event_name: name,
      event_type: 'party',
      event_date: '2026-10-31',
      guest_count: 8,
    });
    expect(event.status).toBe(201);
    const recipe = await call(planner, 'POST', '/hollowtown/api/recipes/spooky', {
      recipe_name: `${name} punch`,
      serves: 4,
      ingredients: ['1 l apple juice', '2 oranges'],
    });
    const added = await call(planner, 'POST', `/hollowtown/api/events/${event.body.event_id}/recipes`, {
      domain: 'hollowtown',
      recipe_id: recipe.body.recipe_id,
    });
    expect(added.status).toBe(201);
    return event.body.event_id;
  }

  /** Hollowtown's event → family flow, with the real Family Planner behind `family`. */
  function eventFamily(family: (real: FamilyLink) => FamilyLink) {
    const links = hollowtownLinks(platform.clients);
    const deps: HollowtownDeps = {
      db: platform.databases.get('hollowtown'),
      logger: createLogger({ logLevel: 'silent' }),
      clients: platform.clients,
      links: {
        recipes: links.recipes,
        family: () => {
          const real = links.family();
          return real && family(real);
        },
      },
      now: () => platform.clock.now(),
    };
    return createEventFamilyService(deps, createRecipeService(deps, createHollowtownCommunity(deps)));
  }

  const familyLists = async () =>
    (await call(planner, 'GET', `/family/api/shopping-lists?family_id=${familyId}`)).body.items as {
      list_id: string;
    }[];

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'hollowtown', 'recipes', 'family'] });
    planner = await given(platform).user();
    familyId = (await call(planner, 'POST', '/family/api/families', { family_name: 'Undo' })).body.family_id;
  });
  afterAll(() => platform.close());

  it('takes back the list it made when the event is deleted before it could record it', async () => {
    const eventId = await plannedEvent('Vanishing party');
    const before = await familyLists();
    let madeListId: string | undefined;
    const flow = eventFamily((real) => ({
      ...real,
      async saveEventList(input) {
        const saved = await real.saveEventList(input);
        madeListId = saved.listId;
        // The planner deletes the event while the list is being made.
        expect((await call(planner, 'DELETE', `/hollowtown/api/events/${eventId}`)).status).toBe(204);
        return saved;
      },
    }));
    await expect(flow.generateShoppingList(planner.userId, eventId)).rejects.toMatchObject({
      code: 'EVENT_NOT_FOUND',
    });
    expect(madeListId).toBeDefined();
    expect((await call(planner, 'GET', `/family/api/shopping-lists/${madeListId}`)).status).toBe(404);
    expect(await familyLists()).toEqual(before);
  });

  it('keeps a list the event already held when only remaking it fails', async () => {
    const eventId = await plannedEvent('Sturdy party');
    const made = await call(planner, 'POST', `/hollowtown/api/events/${eventId}/shopping-list`);
    expect(made.status).toBe(201);
    const flow = eventFamily((real) => ({
      ...real,
      async saveEventList(input) {
        const saved = await real.saveEventList(input);
        expect(saved).toMatchObject({ listId: made.body.list_id, created: false });
        await call(planner, 'DELETE', `/hollowtown/api/events/${eventId}`);
        return saved;
      },
    }));
    await expect(flow.generateShoppingList(planner.userId, eventId)).rejects.toMatchObject({
      code: 'EVENT_NOT_FOUND',
    });
    // Remade, not made: the family keeps the list (what members checked stays theirs).
    expect((await call(planner, 'GET', `/family/api/shopping-lists/${made.body.list_id}`)).status).toBe(200);
  });
});

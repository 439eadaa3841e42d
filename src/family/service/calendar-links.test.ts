// Meal plans on a family calendar after a downgrade, on both engines: linked while the family's
// creator had the Family plan, the link stays stored when they downgrade but its meals leave the
// calendar and the iCal feed, and the list says "plan_required" with the plans that include shared
// calendars and the upgrade page; after an upgrade the meals show again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';

describe.each(testEngines())('meal plans on a family calendar after a downgrade on %s', (engine) => {
  let platform: TestPlatform;
  let parent: TestUser;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'recipes', 'family'] });
    platform.clock.set('2026-10-21T18:00:00Z');
    parent = await given(platform).user({ plan: 'family' });
  });
  afterAll(() => platform.close());

  const call = async (method: string, url: string, payload?: unknown) => {
    const response = await platform.app.inject({
      method: method as 'GET',
      url,
      headers: parent.headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: response.statusCode, body: response.body ? response.json() : undefined };
  };
  const changePlan = async (plan_code: 'free' | 'family') =>
    expect((await call('POST', '/calos/api/subscription', { plan_code, provider: 'dev' })).status).toBe(200);

  it('keeps the link but stops showing its meals until the family plan is back', async () => {
    const family = await call('POST', '/family/api/families', { family_name: 'Downgraders' });
    const familyId = family.body.family_id as string;
    const recipe = await call('POST', '/recipes/api/recipes', {
      recipe_name: 'Bat soup',
      difficulty: 'easy',
    });
    const plan = await call('POST', '/recipes/api/meal-plans', {
      plan_name: 'Soup week',
      start_date: '2026-10-26',
      duration_days: 7,
      meals: { '2026-10-29': { dinner: recipe.body.recipe_id } },
    });
    expect(plan.status).toBe(201);
    const linked = await call('POST', '/family/api/calendar/meal-plans', {
      family_id: familyId,
      meal_plan_id: plan.body.plan_id,
    });
    expect(linked.status).toBe(201);
    expect(linked.body).toMatchObject({ state: 'shown', plan_required: null });
    const feed = await call('POST', `/family/api/families/${familyId}/ical`);
    expect(feed.status).toBe(201);
    const calendar = `/family/api/calendar?family_id=${familyId}&from=2026-10-01T00:00:00Z&to=2026-11-30T00:00:00Z`;
    const titles = async () =>
      ((await call('GET', calendar)).body.linked as { title: string }[]).map((l) => l.title);
    expect(await titles()).toEqual(['Soup week — dinner: Bat soup']);

    await changePlan('free');
    expect(await titles()).toEqual([]);
    const list = await call('GET', `/family/api/calendar/meal-plans?family_id=${familyId}`);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        meal_plan_id: plan.body.plan_id,
        state: 'plan_required',
        plan_required: { entitlement: 'shared_calendars', plans: ['family'], upgrade_url: '/account/plan' },
      }),
    ]);
    // Nothing new can be linked meanwhile, and the family's feed is closed too.
    const again = await call('POST', '/family/api/calendar/meal-plans', {
      family_id: familyId,
      meal_plan_id: plan.body.plan_id,
    });
    expect([again.status, again.body.error.code]).toEqual([402, 'PLAN_REQUIRED']);
    const ics = await platform.app.inject({ method: 'GET', url: new URL(feed.body.url).pathname });
    expect(ics.statusCode).toBe(402);

    await changePlan('family');
    expect(await titles()).toEqual(['Soup week — dinner: Bat soup']);
    const back = await call('GET', `/family/api/calendar/meal-plans?family_id=${familyId}`);
    expect(back.body.items).toEqual([expect.objectContaining({ state: 'shown', plan_required: null })]);
  });
});

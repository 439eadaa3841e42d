// The family roles across apps: every cell of the matrix in src/hollowtown/service/event-family.ts
// (and README), through the APIs; and an event's family link ends with its planner's membership.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../support/engines.ts';
import { joinFamily } from '../support/family.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

type Who = 'child' | 'parent' | 'admin' | 'planner' | 'outsider';

describe.each(testEngines())('family roles on a family’s Halloween event, on %s', (engine) => {
  let platform: TestPlatform;
  let users: Record<Who, TestUser>;
  let familyId: string;
  let eventId: string;
  let plannerMemberId: string;

  const call = async (user: TestUser, method: string, url: string, payload?: unknown) => {
    const response = await platform.app.inject({
      method: method as 'GET',
      url,
      headers: user.headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: response.statusCode, body: response.body ? response.json() : undefined };
  };

  /** A recipe of the user's own in Hollowtown, to add to the event. */
  const recipeOf = async (user: TestUser, name: string) =>
    (
      await call(user, 'POST', '/hollowtown/api/recipes/spooky', {
        recipe_name: name,
        serves: 4,
        ingredients: ['200 g flour', '2 eggs'],
      })
    ).body.recipe_id as string;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'hollowtown', 'recipes', 'family'] });
    const [child, parent, admin, planner, outsider] = await Promise.all(
      [0, 1, 2, 3, 4].map(() => given(platform).user()),
    );
    users = { child, parent, admin, planner, outsider } as Record<Who, TestUser>;
    familyId = (await call(users.admin, 'POST', '/family/api/families', { family_name: 'Matrix' })).body
      .family_id;
    for (const [who, role] of [
      ['child', 'child'],
      ['parent', 'parent'],
      ['planner', 'child'],
    ] as const) {
      const added = await joinFamily(call, {
        familyId,
        admin: users.admin,
        invitee: users[who],
        login: users[who].username,
        role,
      });
      if (who === 'planner') plannerMemberId = added.memberId;
    }
    // The planner is a child of the family: their own event is theirs to plan all the same.
    const event = await call(users.planner, 'POST', '/hollowtown/api/events', {
      family_id: familyId,
      event_name: 'Costume party',
      event_type: 'party',
      event_date: '2026-10-31',
      guest_count: 8,
    });
    expect(event.status).toBe(201);
    eventId = event.body.event_id;
  });
  afterAll(() => platform.close());

  const members: Who[] = ['child', 'parent', 'admin', 'planner'];

  it('lets every member see the event and its recipes, and nobody else', async () => {
    for (const who of members) {
      expect((await call(users[who], 'GET', `/hollowtown/api/events/${eventId}`)).status, who).toBe(200);
      expect((await call(users[who], 'GET', `/hollowtown/api/events/${eventId}/recipes`)).status, who).toBe(
        200,
      );
    }
    expect((await call(users.outsider, 'GET', `/hollowtown/api/events/${eventId}`)).status).toBe(404);
    expect((await call(users.outsider, 'GET', `/hollowtown/api/events/${eventId}/recipes`)).status).toBe(404);
  });

  it('lets the planner, parents and admins add and take off recipes; a child gets 403, an outsider 404', async () => {
    const expected: Record<Who, [number, number]> = {
      child: [403, 403],
      parent: [201, 204],
      admin: [201, 204],
      planner: [201, 204],
      outsider: [404, 404],
    };
    // A recipe the planner added stays for the child to try to take off.
    const kept = await recipeOf(users.planner, 'Kept stew');
    expect(
      (
        await call(users.planner, 'POST', `/hollowtown/api/events/${eventId}/recipes`, {
          domain: 'hollowtown',
          recipe_id: kept,
        })
      ).status,
    ).toBe(201);
    for (const who of ['child', 'parent', 'admin', 'planner', 'outsider'] as Who[]) {
      const recipeId = await recipeOf(users[who], `${who} pie`);
      const add = await call(users[who], 'POST', `/hollowtown/api/events/${eventId}/recipes`, {
        domain: 'hollowtown',
        recipe_id: recipeId,
      });
      expect(add.status, `${who} adds`).toBe(expected[who][0]);
      if (add.status === 403)
        expect(add.body.error).toMatchObject({ code: 'EVENT_ROLE_FORBIDDEN', details: { role: 'child' } });
      const target = add.status === 201 ? recipeId : kept;
      const off = await call(
        users[who],
        'DELETE',
        `/hollowtown/api/events/${eventId}/recipes/hollowtown/${target}`,
      );
      expect(off.status, `${who} takes off`).toBe(expected[who][1]);
    }
    const left = await call(users.admin, 'GET', `/hollowtown/api/events/${eventId}/recipes`);
    expect(left.body.items.map((i: { recipe_id: string }) => i.recipe_id)).toEqual([kept]);
  });

  it('lets the planner, parents and admins make the family list; a child gets 403', async () => {
    const expected: Record<Who, number> = {
      child: 403,
      parent: 201,
      admin: 201,
      planner: 201,
      outsider: 404,
    };
    for (const who of ['child', 'parent', 'admin', 'planner', 'outsider'] as Who[]) {
      const made = await call(users[who], 'POST', `/hollowtown/api/events/${eventId}/shopping-list`);
      expect(made.status, who).toBe(expected[who]);
    }
  });

  it('lets only the planner change, relink or delete the event (others: 404)', async () => {
    for (const who of ['child', 'parent', 'admin', 'outsider'] as Who[]) {
      expect(
        (await call(users[who], 'PATCH', `/hollowtown/api/events/${eventId}`, { guest_count: 9 })).status,
        who,
      ).toBe(404);
      expect(
        (await call(users[who], 'PATCH', `/hollowtown/api/events/${eventId}`, { family_id: null })).status,
        who,
      ).toBe(404);
      expect((await call(users[who], 'DELETE', `/hollowtown/api/events/${eventId}`)).status, who).toBe(404);
    }
    expect(
      (await call(users.planner, 'PATCH', `/hollowtown/api/events/${eventId}`, { guest_count: 9 })).status,
    ).toBe(200);
  });

  it('drops the event from the family (views, lists, calendar) once its planner leaves or is removed', async () => {
    expect(
      (await call(users.admin, 'DELETE', `/family/api/families/${familyId}/members/${plannerMemberId}`))
        .status,
    ).toBe(204);
    // The removed planner renames their own event: the family must not see it.
    expect(
      (
        await call(users.planner, 'PATCH', `/hollowtown/api/events/${eventId}`, {
          event_name: 'INJECTED BY REMOVED MEMBER',
        })
      ).status,
    ).toBe(200);
    for (const who of ['child', 'parent', 'admin'] as Who[]) {
      expect((await call(users[who], 'GET', `/hollowtown/api/events/${eventId}`)).status, who).toBe(404);
      const listed = await call(users[who], 'GET', '/hollowtown/api/events');
      expect(JSON.stringify(listed.body), who).not.toContain('INJECTED');
      const calendar = await call(
        users[who],
        'GET',
        `/family/api/calendar?family_id=${familyId}&from=2026-10-01T00:00:00Z&to=2026-11-30T00:00:00Z`,
      );
      expect(calendar.status).toBe(200);
      expect(JSON.stringify(calendar.body), who).not.toContain('INJECTED');
    }
    const own = await call(users.planner, 'GET', `/hollowtown/api/events/${eventId}`);
    expect(own.status).toBe(200);
    expect(own.body.family_id).toBeNull();
  });
});

// The role matrix of index.ts, checked through the API for each role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import type { FamilyRole } from '../client.ts';
import { PERMISSIONS } from '../service/roles.ts';
import { familyApi, type TestFamily } from '../test-helpers.ts';

describe.each(testEngines())('the role matrix on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof familyApi>;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'family'] });
    api = familyApi(platform);
  });
  afterAll(() => platform.close());

  it('documents the matrix the code enforces', () => {
    expect(PERMISSIONS).toEqual({
      manageFamily: ['admin'],
      manageMembers: ['admin'],
      manageLists: ['admin', 'parent'],
      manageItems: ['admin', 'parent'],
      progressOwnItems: ['admin', 'parent', 'child'],
      manageEvents: ['admin', 'parent'],
    });
  });

  /** What each role may do; each case runs on fresh rows so one role's deletion does not hide another's. */
  const abilities = async (family: TestFamily, role: FamilyRole) => {
    const actor = family.byRole(role);
    const { admin, familyId } = family;
    const child = family.byRole('child');
    // Someone other than the actor and the child (whose role changeRole may change).
    const bystander = family.members.find((m) => m.userId !== actor.userId && m.role !== 'child');
    if (!bystander) throw new Error('the family needs a second parent for this role');
    const list = await api.list(admin, familyId);
    const ownItem = await api.item(admin, list.list_id, { assigned_to: actor.userId });
    const otherItem = await api.item(admin, list.list_id, {
      assigned_to: role === 'child' ? null : child.userId,
    });
    const event = await api.event(admin, familyId);
    const status = async (response: Promise<{ statusCode: number }>) => (await response).statusCode;
    return {
      seeFamily: await status(api.call(actor, 'GET', `/api/families/${familyId}`)),
      seeMembers: await status(api.call(actor, 'GET', `/api/families/${familyId}/members`)),
      seeLists: await status(api.call(actor, 'GET', `/api/todos?family_id=${familyId}`)),
      seeItems: await status(api.call(actor, 'GET', `/api/todos/${list.list_id}/items`)),
      seeCalendar: await status(
        api.call(
          actor,
          'GET',
          `/api/calendar?family_id=${familyId}&from=2030-01-01T00:00:00Z&to=2030-12-31T00:00:00Z`,
        ),
      ),
      completeOwnItem: await status(
        api.call(actor, 'PATCH', `/api/todos/${list.list_id}/items/${ownItem.item_id}`, { status: 'done' }),
      ),
      completeOtherItem: await status(
        api.call(actor, 'PATCH', `/api/todos/${list.list_id}/items/${otherItem.item_id}`, { status: 'done' }),
      ),
      editOwnItem: await status(
        api.call(actor, 'PATCH', `/api/todos/${list.list_id}/items/${ownItem.item_id}`, { title: 'Renamed' }),
      ),
      addItem: await status(api.call(actor, 'POST', `/api/todos/${list.list_id}/items`, { title: 'More' })),
      deleteItem: await status(
        api.call(actor, 'DELETE', `/api/todos/${list.list_id}/items/${otherItem.item_id}`),
      ),
      createList: await status(
        api.call(actor, 'POST', '/api/todos', { family_id: familyId, list_name: 'New' }),
      ),
      createPersonalList: await status(
        api.call(actor, 'POST', '/api/todos', {
          family_id: familyId,
          list_name: 'Mine',
          list_type: 'personal',
        }),
      ),
      renameList: await status(
        api.call(actor, 'PATCH', `/api/todos/${list.list_id}`, { list_name: 'Renamed' }),
      ),
      deleteList: await status(api.call(actor, 'DELETE', `/api/todos/${list.list_id}`)),
      createEvent: await status(
        api.call(actor, 'POST', '/api/calendar/events', {
          family_id: familyId,
          event_name: 'Picnic',
          start_time: '2030-06-01T12:00:00Z',
        }),
      ),
      editEvent: await status(
        api.call(actor, 'PATCH', `/api/calendar/events/${event.event_id}`, { location: 'Park' }),
      ),
      deleteEvent: await status(api.call(actor, 'DELETE', `/api/calendar/events/${event.event_id}`)),
      invite: await status(
        api.call(actor, 'POST', `/api/families/${familyId}/invitations`, {
          login: (await given(platform).user()).username,
        }),
      ),
      changeRole: await status(
        api.call(actor, 'PATCH', `/api/families/${familyId}/members/${child.memberId}`, { role: 'parent' }),
      ),
      removeOther: await status(
        api.call(actor, 'DELETE', `/api/families/${familyId}/members/${bystander.memberId}`),
      ),
      renameFamily: await status(
        api.call(actor, 'PATCH', `/api/families/${familyId}`, { family_name: 'New name' }),
      ),
    };
  };

  it('lets a child see everything and complete their own items, and nothing else', async () => {
    const family = await api.family(['parent', 'child']);
    const result = await abilities(family, 'child');
    expect(result).toEqual({
      seeFamily: 200,
      seeMembers: 200,
      seeLists: 200,
      seeItems: 200,
      seeCalendar: 200,
      completeOwnItem: 200,
      completeOtherItem: 403,
      editOwnItem: 403,
      addItem: 403,
      deleteItem: 403,
      createList: 403,
      createPersonalList: 201,
      renameList: 403,
      deleteList: 403,
      createEvent: 403,
      editEvent: 403,
      deleteEvent: 403,
      invite: 403,
      changeRole: 403,
      removeOther: 403,
      renameFamily: 403,
    });
    const denied = await api.call(family.byRole('child'), 'DELETE', `/api/families/${family.familyId}`);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toMatchObject({ code: 'FAMILY_ROLE_FORBIDDEN', details: { role: 'child' } });
  });

  it('lets a parent manage lists, items and events, but not members, roles or the family', async () => {
    const family = await api.family(['parent', 'child', 'parent']);
    const result = await abilities(family, 'parent');
    expect(result).toEqual({
      seeFamily: 200,
      seeMembers: 200,
      seeLists: 200,
      seeItems: 200,
      seeCalendar: 200,
      completeOwnItem: 200,
      completeOtherItem: 200,
      editOwnItem: 200,
      addItem: 201,
      deleteItem: 204,
      createList: 201,
      createPersonalList: 201,
      renameList: 200,
      deleteList: 204,
      createEvent: 201,
      editEvent: 200,
      deleteEvent: 204,
      invite: 403,
      changeRole: 403,
      removeOther: 403,
      renameFamily: 403,
    });
    expect(
      (await api.call(family.byRole('parent'), 'DELETE', `/api/families/${family.familyId}`)).statusCode,
    ).toBe(403);
  });

  it('lets an admin do everything', async () => {
    const family = await api.family(['parent', 'child']);
    const result = await abilities(family, 'admin');
    expect(Object.entries(result).filter(([, status]) => status >= 400)).toEqual([]);
  });

  it('lets any member leave, but only admins remove others', async () => {
    const family = await api.family(['parent', 'child', 'child']);
    const [, child, otherChild] = family.members;
    if (!child || !otherChild) throw new Error('missing children');
    const removeOther = await api.call(
      child,
      'DELETE',
      `/api/families/${family.familyId}/members/${otherChild.memberId}`,
    );
    expect(removeOther.statusCode).toBe(403);
    const leave = await api.call(
      child,
      'DELETE',
      `/api/families/${family.familyId}/members/${child.memberId}`,
    );
    expect(leave.statusCode).toBe(204);
    const parent = family.byRole('parent');
    const parentLeaves = await api.call(
      parent,
      'DELETE',
      `/api/families/${family.familyId}/members/${parent.memberId}`,
    );
    expect(parentLeaves.statusCode).toBe(204);
    const members = api.expectStatus(
      await api.call(family.admin, 'GET', `/api/families/${family.familyId}/members`),
      200,
    );
    expect(members.items.map((m: { user_id: string }) => m.user_id)).toEqual([
      family.admin.userId,
      otherChild.userId,
    ]);
  });

  it('takes a demoted member’s rights away at once', async () => {
    const family = await api.family(['parent']);
    const parent = family.byRole('parent');
    const list = await api.list(parent, family.familyId);
    api.expectStatus(
      await api.call(family.admin, 'PATCH', `/api/families/${family.familyId}/members/${parent.memberId}`, {
        role: 'child',
      }),
      200,
    );
    expect((await api.call(parent, 'DELETE', `/api/todos/${list.list_id}`)).statusCode).toBe(403);
  });
});

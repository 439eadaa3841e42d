// Every endpoint, with another user's token (404, as if nothing existed), without a token
// (401), and with malformed ids (404).
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { familyApi } from '../test-helpers.ts';

describe.each(testEngines())('isolation between families on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof familyApi>;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'family'] });
    api = familyApi(platform);
  });
  afterAll(() => platform.close());

  interface Call {
    method: InjectOptions['method'];
    url: string;
    payload?: Record<string, unknown>;
  }

  /** Every endpoint of the service, aimed at the first family's rows. */
  const everyEndpoint = (ids: {
    familyId: string;
    memberId: string;
    listId: string;
    itemId: string;
    eventId: string;
    userId: string;
    shoppingListId: string;
    shoppingItemId: string;
    feedId: string;
    invitationId: string;
    messageId: string;
  }): Call[] => [
    { method: 'GET', url: '/api/families' },
    { method: 'POST', url: '/api/families', payload: { family_name: 'Mine' } },
    { method: 'GET', url: `/api/families/${ids.familyId}` },
    { method: 'PATCH', url: `/api/families/${ids.familyId}`, payload: { family_name: 'Taken over' } },
    { method: 'DELETE', url: `/api/families/${ids.familyId}` },
    { method: 'GET', url: `/api/families/${ids.familyId}/members` },
    { method: 'POST', url: `/api/families/${ids.familyId}/invitations`, payload: { login: 'someone' } },
    { method: 'GET', url: `/api/families/${ids.familyId}/invitations` },
    { method: 'DELETE', url: `/api/families/${ids.familyId}/invitations/${ids.invitationId}` },
    { method: 'POST', url: `/api/invitations/${ids.invitationId}/accept` },
    { method: 'POST', url: `/api/invitations/${ids.invitationId}/decline` },
    { method: 'POST', url: `/api/invitations/${ids.invitationId}/approve` },
    { method: 'POST', url: `/api/invitations/${ids.invitationId}/reject` },
    { method: 'GET', url: `/api/families/${ids.familyId}/messages` },
    { method: 'POST', url: `/api/families/${ids.familyId}/messages`, payload: { body: 'Sneaky' } },
    {
      method: 'PATCH',
      url: `/api/families/${ids.familyId}/messages/${ids.messageId}`,
      payload: { body: 'Sneaky' },
    },
    { method: 'DELETE', url: `/api/families/${ids.familyId}/messages/${ids.messageId}` },
    { method: 'GET', url: `/api/families/${ids.familyId}/messages/unread` },
    { method: 'POST', url: `/api/families/${ids.familyId}/messages/read`, payload: { seq: '1' } },
    { method: 'GET', url: `/api/families/${ids.familyId}/messages/stream` },
    { method: 'GET', url: `/api/families/${ids.familyId}/members/${ids.memberId}` },
    {
      method: 'PATCH',
      url: `/api/families/${ids.familyId}/members/${ids.memberId}`,
      payload: { role: 'child' },
    },
    { method: 'DELETE', url: `/api/families/${ids.familyId}/members/${ids.memberId}` },
    { method: 'POST', url: '/api/todos', payload: { family_id: ids.familyId, list_name: 'Sneaky' } },
    { method: 'GET', url: `/api/todos?family_id=${ids.familyId}` },
    { method: 'GET', url: `/api/todos/${ids.listId}` },
    { method: 'PATCH', url: `/api/todos/${ids.listId}`, payload: { list_name: 'Sneaky' } },
    { method: 'DELETE', url: `/api/todos/${ids.listId}` },
    { method: 'POST', url: `/api/todos/${ids.listId}/items`, payload: { title: 'Sneaky' } },
    { method: 'GET', url: `/api/todos/${ids.listId}/items` },
    { method: 'GET', url: `/api/todos/${ids.listId}/items/${ids.itemId}` },
    { method: 'PATCH', url: `/api/todos/${ids.listId}/items/${ids.itemId}`, payload: { status: 'done' } },
    { method: 'DELETE', url: `/api/todos/${ids.listId}/items/${ids.itemId}` },
    {
      method: 'GET',
      url: `/api/calendar?family_id=${ids.familyId}&from=2030-01-01T00:00:00Z&to=2030-12-31T00:00:00Z`,
    },
    {
      method: 'POST',
      url: '/api/calendar/events',
      payload: { family_id: ids.familyId, event_name: 'Sneaky', start_time: '2030-03-10T09:00:00Z' },
    },
    { method: 'GET', url: `/api/calendar/events/${ids.eventId}` },
    { method: 'PATCH', url: `/api/calendar/events/${ids.eventId}`, payload: { event_name: 'Sneaky' } },
    { method: 'DELETE', url: `/api/calendar/events/${ids.eventId}` },
    { method: 'GET', url: `/api/shopping-lists?family_id=${ids.familyId}` },
    { method: 'POST', url: '/api/shopping-lists', payload: { family_id: ids.familyId, list_name: 'Sneaky' } },
    { method: 'GET', url: `/api/shopping-lists/${ids.shoppingListId}` },
    { method: 'DELETE', url: `/api/shopping-lists/${ids.shoppingListId}` },
    { method: 'PATCH', url: `/api/shopping-lists/${ids.shoppingListId}`, payload: { store_name: 'Sneaky' } },
    { method: 'POST', url: `/api/shopping-lists/${ids.shoppingListId}/items`, payload: { name: 'Sneaky' } },
    {
      method: 'PATCH',
      url: `/api/shopping-lists/${ids.shoppingListId}/items/${ids.shoppingItemId}`,
      payload: { checked: true },
    },
    { method: 'DELETE', url: `/api/shopping-lists/${ids.shoppingListId}/items/${ids.shoppingItemId}` },
    { method: 'GET', url: `/api/shopping-lists/${ids.shoppingListId}/stream` },
    { method: 'POST', url: `/api/families/${ids.familyId}/ical` },
    { method: 'GET', url: `/api/families/${ids.familyId}/ical` },
    { method: 'DELETE', url: `/api/families/${ids.familyId}/ical/${ids.feedId}` },
    {
      method: 'POST',
      url: '/api/calendar/meal-plans',
      payload: { family_id: ids.familyId, meal_plan_id: '00000000-0000-4000-8000-000000000001' },
    },
    { method: 'GET', url: `/api/calendar/meal-plans?family_id=${ids.familyId}` },
    {
      method: 'DELETE',
      url: `/api/calendar/meal-plans/00000000-0000-4000-8000-000000000002?family_id=${ids.familyId}`,
    },
  ];

  /** Collections that answer the caller's own (empty) rows rather than 404. */
  const ownCollections = new Set(['GET /api/families', 'POST /api/families']);

  it('answers 404 for every row of a family one is not in, and changes nothing; 401 without a token', async () => {
    const family = await api.family(['child']);
    const child = family.byRole('child');
    const list = await api.list(family.admin, family.familyId);
    const item = await api.item(family.admin, list.list_id, { assigned_to: child.userId });
    const event = await api.event(family.admin, family.familyId, { attendees: [child.userId] });
    const shopping = api.expectStatus(
      await api.call(family.admin, 'POST', '/api/shopping-lists', {
        family_id: family.familyId,
        list_name: 'Party',
      }),
      201,
    );
    const withKey = { headers: { ...family.admin.headers, 'idempotency-key': 'isolation-item' } };
    const shoppingItem = api.expectStatus(
      await api.call(withKey, 'POST', `/api/shopping-lists/${shopping.list_id}/items`, { name: 'candles' }),
      201,
    );
    await api.upgrade(family.admin);
    const feed = api.expectStatus(
      await api.call(family.admin, 'POST', `/api/families/${family.familyId}/ical`),
      201,
    );
    const invitation = api.expectStatus(
      await api.call(family.admin, 'POST', `/api/families/${family.familyId}/invitations`, {
        login: 'someone-else',
      }),
      201,
    );
    const message = api.expectStatus(
      await api.call(family.admin, 'POST', `/api/families/${family.familyId}/messages`, { body: 'Hello' }),
      201,
    );
    const ids = {
      familyId: family.familyId,
      memberId: child.memberId,
      listId: list.list_id,
      itemId: item.item_id,
      eventId: event.event_id,
      userId: child.userId,
      shoppingListId: shopping.list_id,
      shoppingItemId: shoppingItem.item_id,
      feedId: feed.feed_id,
      invitationId: invitation.invitation_id,
      messageId: message.message_id,
    };
    // Mallory has a family of her own, so her token is a member's token, just not of this family.
    const mallory = await api.family(['child']);
    const calls = everyEndpoint(ids);
    expect(calls).toHaveLength(53);

    for (const call of calls) {
      const key = `${call.method} ${call.url.split('?')[0]}`;
      const response = await api.call(mallory.admin, call.method, call.url, call.payload);
      if (ownCollections.has(key)) {
        expect(response.statusCode, key).toBeLessThan(300);
        continue;
      }
      expect(response.statusCode, key).toBe(404);
      expect(response.json().error.code, key).toMatch(/_NOT_FOUND$/);
    }
    const mine = api.expectStatus(await api.call(mallory.admin, 'GET', '/api/families'), 200);
    expect(mine.items.map((f: { family_id: string }) => f.family_id)).not.toContain(family.familyId);

    for (const call of calls) {
      const response = await api.call(null, call.method, call.url, call.payload);
      expect(response.statusCode, `${call.method} ${call.url}`).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    }
    const badToken = await api.call(
      { headers: { authorization: 'Bearer not.a.token' } },
      'GET',
      '/api/families',
    );
    expect(badToken.statusCode).toBe(401);

    // Nothing changed for the family.
    const after = api.expectStatus(
      await api.call(family.admin, 'GET', `/api/families/${family.familyId}`),
      200,
    );
    expect(after).toMatchObject({ family_name: 'The Addams', member_count: 2 });
    expect(
      api.expectStatus(
        await api.call(family.admin, 'GET', `/api/todos/${list.list_id}/items/${item.item_id}`),
        200,
      ),
    ).toEqual(item);
    expect(
      api.expectStatus(await api.call(family.admin, 'GET', `/api/calendar/events/${event.event_id}`), 200),
    ).toEqual(event);
    expect(
      api.expectStatus(await api.call(family.admin, 'GET', `/api/todos/${list.list_id}`), 200).list_name,
    ).toBe('Chores');
  });

  it('answers 404, not 400, for malformed ids in paths, and does not mix rows of two families', async () => {
    const family = await api.family(['child']);
    const other = await api.family(['child']);
    const list = await api.list(family.admin, family.familyId);
    const item = await api.item(family.admin, list.list_id);
    const otherList = await api.list(other.admin, other.familyId);
    const otherItem = await api.item(other.admin, otherList.list_id);
    const user = family.admin;
    for (const url of [
      '/api/families/not-a-uuid',
      '/api/families/not-a-uuid/members',
      `/api/families/${family.familyId}/members/42`,
      '/api/todos/123',
      `/api/todos/${list.list_id}/items/zzz`,
      '/api/calendar/events/%27%20OR%201%3D1',
    ]) {
      const response = await api.call(user, 'GET', url);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code, url).toMatch(/_NOT_FOUND$/);
    }
    // Signing in comes first: a malformed id without a token is still 401.
    expect((await api.call(null, 'GET', '/api/families/not-a-uuid')).statusCode).toBe(401);
    // A member of one family naming another family's item through their own list.
    const crossed = await api.call(user, 'GET', `/api/todos/${list.list_id}/items/${otherItem.item_id}`);
    expect(crossed.statusCode).toBe(404);
    const crossedPatch = await api.call(
      user,
      'PATCH',
      `/api/todos/${list.list_id}/items/${otherItem.item_id}`,
      {
        title: 'x',
      },
    );
    expect(crossedPatch.statusCode).toBe(404);
    const crossedMember = await api.call(
      user,
      'DELETE',
      `/api/families/${family.familyId}/members/${other.byRole('child').memberId}`,
    );
    expect(crossedMember.statusCode).toBe(404);
    expect(item.list_id).toBe(list.list_id);
  });

  it('keeps a stranger out after they leave', async () => {
    const family = await api.family(['parent']);
    const parent = family.byRole('parent');
    const list = await api.list(parent, family.familyId);
    const stranger = await given(platform).user();
    expect((await api.call(stranger, 'GET', `/api/todos/${list.list_id}`)).statusCode).toBe(404);
    await api.call(parent, 'DELETE', `/api/families/${family.familyId}/members/${parent.memberId}`);
    expect((await api.call(parent, 'GET', `/api/todos/${list.list_id}`)).statusCode).toBe(404);
    const lists = api.expectStatus(await api.call(parent, 'GET', '/api/todos'), 200);
    expect(lists.items).toEqual([]);
  });
});

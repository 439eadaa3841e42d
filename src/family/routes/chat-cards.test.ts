// Chat messages that link a thing of the family (a todo, a shopping item, a calendar event, a
// Hollowtown event planned with the family), shown as cards read when the message is read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { createTestClock } from '../../platform/clock.ts';
import type { TestMember } from '../test-helpers.ts';
import { familyApi } from '../test-helpers.ts';

describe.each(testEngines())('cards in the family chat on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof familyApi>;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, {
      services: ['identity', 'hollowtown', 'family'],
      clock: createTestClock('2031-10-20T09:00:00Z'),
    });
    api = familyApi(platform);
  });
  afterAll(() => platform.close());

  const messages = (familyId: string) => `/api/families/${familyId}/messages`;
  const post = (who: TestMember, familyId: string, link: { kind: string; id: string }) =>
    api.call(who, 'POST', messages(familyId), { body: 'Look at this', link });

  it('shows a todo, a shopping item, an event and a Hollowtown event as cards that stay current', async () => {
    const family = await api.family(['child']);
    const kid = family.byRole('child');
    const todos = await api.list(family.admin, family.familyId, 'shared', 'Errands');
    const todo = await api.item(family.admin, todos.list_id, {
      title: 'Buy candles',
      due_date: '2031-10-30',
    });
    const shopping = api.expectStatus(
      await platform.app.inject({
        method: 'POST',
        url: '/family/api/shopping-lists',
        headers: { ...family.admin.headers, 'idempotency-key': 'party-shop' },
        payload: { family_id: family.familyId, list_name: 'Party shop' },
      }),
      201,
    );
    const candy = api.expectStatus(
      await platform.app.inject({
        method: 'POST',
        url: `/family/api/shopping-lists/${shopping.list_id}/items`,
        headers: { ...family.admin.headers, 'idempotency-key': 'candy-1' },
        payload: { name: 'Candy corn' },
      }),
      201,
    );
    const dentist = await api.event(family.admin, family.familyId, {
      event_name: 'Dentist',
      start_time: '2031-10-22T09:00:00Z',
      end_time: '2031-10-22T09:30:00Z',
    });
    const party = await platform.app.inject({
      method: 'POST',
      url: '/hollowtown/api/events',
      headers: family.admin.headers,
      payload: {
        family_id: family.familyId,
        event_name: 'Monster mash',
        event_type: 'party',
        event_date: '2031-10-31',
        guest_count: 10,
      },
    });
    expect(party.statusCode).toBe(201);
    const partyId = party.json().event_id;

    // What may be linked, as cards.
    const offered = api.expectStatus(
      await api.call(kid, 'GET', `${messages(family.familyId)}/links`),
      200,
    ).items;
    expect(offered).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'todo', id: todo.item_id, title: 'Buy candles', when: '2031-10-30' }),
        expect.objectContaining({
          kind: 'shopping_item',
          id: candy.item_id,
          title: 'Candy corn',
          done: false,
        }),
        expect.objectContaining({ kind: 'event', id: dentist.event_id, when: '2031-10-22T09:00:00Z' }),
        expect.objectContaining({
          kind: 'hollowtown_event',
          id: partyId,
          title: 'Monster mash',
          context: 'Hollowtown',
          when: '2031-10-31',
        }),
      ]),
    );

    const sent = [];
    for (const link of [
      { kind: 'todo', id: todo.item_id },
      { kind: 'shopping_item', id: candy.item_id },
      { kind: 'event', id: dentist.event_id },
      { kind: 'hollowtown_event', id: partyId },
    ]) {
      sent.push(api.expectStatus(await post(kid, family.familyId, link), 201));
    }
    expect(sent[0].link).toMatchObject({
      kind: 'todo',
      available: true,
      title: 'Buy candles',
      context: 'Errands',
      done: false,
      list_id: todos.list_id,
    });
    expect(sent[3].link).toMatchObject({ kind: 'hollowtown_event', available: true, title: 'Monster mash' });

    // Cards are read with the message: a todo done, an item checked, an event gone.
    api.expectStatus(
      await api.call(family.admin, 'PATCH', `/api/todos/${todos.list_id}/items/${todo.item_id}`, {
        status: 'done',
      }),
      200,
    );
    api.expectStatus(
      await platform.app.inject({
        method: 'PATCH',
        url: `/family/api/shopping-lists/${shopping.list_id}/items/${candy.item_id}`,
        headers: { ...family.admin.headers, 'idempotency-key': 'candy-2' },
        payload: { checked: true },
      }),
      200,
    );
    expect(
      (await api.call(family.admin, 'DELETE', `/api/calendar/events/${dentist.event_id}`)).statusCode,
    ).toBe(204);
    const read = api.expectStatus(await api.call(family.admin, 'GET', messages(family.familyId)), 200).items;
    const cards = Object.fromEntries(read.map((m: { link: { kind: string } }) => [m.link.kind, m.link]));
    expect(cards.todo).toMatchObject({ available: true, done: true });
    expect(cards.shopping_item).toMatchObject({ available: true, done: true });
    expect(cards.event).toEqual({
      kind: 'event',
      id: dentist.event_id,
      available: false,
      title: null,
      context: null,
      when: null,
      done: null,
      list_id: null,
    });
    expect(cards.hollowtown_event).toMatchObject({ available: true, when: '2031-10-31' });
  });

  it('links only things of the family that every member may see', async () => {
    const family = await api.family(['parent']);
    const other = await api.family();
    const theirs = await api.item(other.admin, (await api.list(other.admin, other.familyId)).list_id);
    const privateList = await api.list(family.admin, family.familyId, 'personal', 'Mine');
    const secret = await api.item(family.admin, privateList.list_id, { title: 'Surprise gift' });
    const refused = async (link: { kind: string; id: string }) => {
      const response = await post(family.admin, family.familyId, link);
      expect(response.statusCode, JSON.stringify(link)).toBe(400);
      expect(response.json().error.code).toBe('LINK_NOT_FOUND');
    };
    // Another family's todo, a personal list's todo, a thing of the wrong kind, nothing at all.
    await refused({ kind: 'todo', id: theirs.item_id });
    await refused({ kind: 'todo', id: secret.item_id });
    await refused({ kind: 'event', id: theirs.item_id });
    await refused({ kind: 'hollowtown_event', id: '7b0e7d52-1f1d-4a0b-8f4e-0d5e5a1c2b3d' });
    const malformed = await api.call(family.admin, 'POST', messages(family.familyId), {
      body: 'x',
      link: { kind: 'recipe', id: theirs.item_id },
    });
    expect(malformed.statusCode).toBe(400);
    const offered = api.expectStatus(
      await api.call(family.admin, 'GET', `${messages(family.familyId)}/links`),
      200,
    );
    expect(offered.items.map((c: { id: string }) => c.id)).not.toContain(secret.item_id);
    // Nothing was written.
    expect(
      api.expectStatus(await api.call(family.admin, 'GET', messages(family.familyId)), 200).items,
    ).toEqual([]);
    // Another family's links: 404 like the rest of its chat.
    expect((await api.call(family.admin, 'GET', `${messages(other.familyId)}/links`)).statusCode).toBe(404);
  });
});

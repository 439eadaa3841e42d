// Chores: recurring todo items that rotate among members, with their history and points, over
// four weeks of the injectable clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { createTestClock } from '../../platform/clock.ts';
import { familyApi } from '../test-helpers.ts';

describe.each(testEngines())('chores on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof familyApi>;

  beforeAll(async () => {
    // 2031-03-01 is a Saturday; every date below is relative to it.
    platform = await startTestPlatform(engine, {
      services: ['identity', 'family'],
      clock: createTestClock('2031-02-28T12:00:00Z'),
    });
    api = familyApi(platform);
  });
  afterAll(() => platform.close());

  it('rotates a weekly chore over four weeks, keeps its history and tallies points', async () => {
    const family = await api.family(['child', 'child', 'parent']);
    const [wednesday, pugsley, gomez] = family.members as [
      (typeof family.members)[0],
      (typeof family.members)[0],
      (typeof family.members)[0],
    ];
    const list = await api.list(family.admin, family.familyId, 'chores', 'Chores');
    const created = await api.item(family.admin, list.list_id, {
      title: 'Take out the bins',
      due_date: '2031-03-01T18:00:00Z',
      recurrence_rule: 'FREQ=WEEKLY',
      rotation: [wednesday.userId, pugsley.userId, gomez.userId],
      points: 5,
    });
    expect(created).toMatchObject({
      assigned_to: wednesday.userId,
      recurrence_rule: 'FREQ=WEEKLY',
      rotation_index: 0,
      points: 5,
    });
    const url = `/api/todos/${list.list_id}/items/${created.item_id}`;
    const done = async (who: typeof family.admin) =>
      api.expectStatus(await api.call(who, 'PATCH', url, { status: 'done' }), 200);

    const turns: string[] = [];
    const dues: string[] = [];
    // Week 1: on time.
    platform.clock.set('2031-03-01T17:00:00Z');
    await api.renew(family.admin, wednesday, pugsley, gomez);
    turns.push((await api.expectStatus(await api.call(wednesday, 'GET', url), 200)).assigned_to);
    let item = await done(wednesday);
    dues.push(item.due_date);
    // Not her turn any more: a child moves only her own items.
    expect((await api.call(wednesday, 'PATCH', url, { status: 'done' })).statusCode).toBe(403);
    // Week 2: an hour late.
    platform.clock.set('2031-03-08T19:00:00Z');
    await api.renew(family.admin, wednesday, pugsley, gomez);
    turns.push(item.assigned_to);
    item = await done(pugsley);
    dues.push(item.due_date);
    // Week 3: Gomez's turn, done by the admin for him.
    platform.clock.set('2031-03-15T10:00:00Z');
    await api.renew(family.admin, wednesday, pugsley, gomez);
    turns.push(item.assigned_to);
    item = await done(family.admin);
    dues.push(item.due_date);
    // Week 4: back to the first member.
    platform.clock.set('2031-03-22T18:30:00Z');
    await api.renew(family.admin, wednesday, pugsley, gomez);
    turns.push(item.assigned_to);
    item = await done(wednesday);
    dues.push(item.due_date);

    expect(turns).toEqual([wednesday.userId, pugsley.userId, gomez.userId, wednesday.userId]);
    expect(dues).toEqual([
      '2031-03-08T18:00:00.000Z',
      '2031-03-15T18:00:00.000Z',
      '2031-03-22T18:00:00.000Z',
      '2031-03-29T18:00:00.000Z',
    ]);
    expect(item).toMatchObject({
      status: 'todo',
      completed_at: null,
      assigned_to: pugsley.userId,
      rotation_index: 4,
    });

    const history = api.expectStatus(await api.call(gomez, 'GET', `${url}/completions`), 200).items;
    expect(history.map((c: { completed_by: string }) => c.completed_by)).toEqual([
      wednesday.userId,
      family.admin.userId,
      pugsley.userId,
      wednesday.userId,
    ]);
    expect(history.map((c: { assigned_to: string }) => c.assigned_to)).toEqual([
      wednesday.userId,
      gomez.userId,
      pugsley.userId,
      wednesday.userId,
    ]);
    expect(history.map((c: { due_at: string }) => c.due_at)).toEqual([
      '2031-03-22T18:00:00.000Z',
      '2031-03-15T18:00:00.000Z',
      '2031-03-08T18:00:00.000Z',
      '2031-03-01T18:00:00.000Z',
    ]);
    // Completion times are the service clock's.
    expect(history.map((c: { completed_at: string }) => c.completed_at.slice(0, 13))).toEqual([
      '2031-03-22T18',
      '2031-03-15T10',
      '2031-03-08T19',
      '2031-03-01T17',
    ]);

    const points = api.expectStatus(
      await api.call(pugsley, 'GET', `/api/families/${family.familyId}/points`),
      200,
    ).items;
    const byUser = Object.fromEntries(
      points.map((p: { user_id: string; points: number }) => [p.user_id, p.points]),
    );
    expect(byUser).toEqual({
      [wednesday.userId]: 10,
      [pugsley.userId]: 5,
      [family.admin.userId]: 5,
      [gomez.userId]: 0,
    });
    expect(points[0]).toMatchObject({ user_id: wednesday.userId, points: 10, completions: 2 });
    const since = api.expectStatus(
      await api.call(pugsley, 'GET', `/api/families/${family.familyId}/points?since=2031-03-10T00:00:00Z`),
      200,
    ).items;
    expect(since.find((p: { user_id: string }) => p.user_id === wednesday.userId)).toMatchObject({
      points: 5,
    });

    // A member who leaves leaves the rotation too.
    expect(
      (await api.call(family.admin, 'DELETE', `/api/families/${family.familyId}/members/${gomez.memberId}`))
        .statusCode,
    ).toBe(204);
    const after = api.expectStatus(await api.call(wednesday, 'GET', url), 200);
    expect(after.rotation).toEqual([wednesday.userId, pugsley.userId]);
    // Strangers see neither history nor points.
    const stranger = await api.family();
    expect((await api.call(stranger.admin, 'GET', `${url}/completions`)).statusCode).toBe(404);
    expect(
      (await api.call(stranger.admin, 'GET', `/api/families/${family.familyId}/points`)).statusCode,
    ).toBe(404);
  });

  it('keeps all-day chores on days, custom rules on their days, and ends with COUNT', async () => {
    platform.clock.set('2031-03-02T08:00:00Z');
    const family = await api.family(['child']);
    const list = await api.list(family.admin, family.familyId, 'chores', 'House');
    const cat = await api.item(family.admin, list.list_id, {
      title: 'Feed the cat',
      due_date: '2031-03-02',
      recurrence_rule: 'FREQ=DAILY',
    });
    const fed = api.expectStatus(
      await api.call(family.admin, 'PATCH', `/api/todos/${list.list_id}/items/${cat.item_id}`, {
        status: 'done',
      }),
      200,
    );
    expect(fed).toMatchObject({ due_date: '2031-03-03', due_all_day: true, status: 'todo' });

    // Mondays and Thursdays (2031-03-03 is a Monday), twice only.
    const plants = await api.item(family.admin, list.list_id, {
      title: 'Water the plants',
      due_date: '2031-03-03T07:00:00Z',
      recurrence_rule: 'FREQ=WEEKLY;BYDAY=MO,TH;COUNT=2',
      rotation: [family.byRole('child').userId],
    });
    const plantsUrl = `/api/todos/${list.list_id}/items/${plants.item_id}`;
    const first = api.expectStatus(
      await api.call(family.byRole('child'), 'PATCH', plantsUrl, { status: 'done' }),
      200,
    );
    expect(first).toMatchObject({ due_date: '2031-03-06T07:00:00.000Z', status: 'todo' });
    const last = api.expectStatus(
      await api.call(family.byRole('child'), 'PATCH', plantsUrl, { status: 'done' }),
      200,
    );
    expect(last).toMatchObject({ status: 'done', completed_by: family.byRole('child').userId });

    const refused = async (body: Record<string, unknown>, code: string) => {
      const response = await api.call(family.admin, 'POST', `/api/todos/${list.list_id}/items`, {
        title: 'x',
        ...body,
      });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error.code).toBe(code);
    };
    await refused({ recurrence_rule: 'FREQ=DAILY' }, 'INVALID_RECURRENCE');
    await refused({ rotation: [family.admin.userId], due_date: '2031-03-04' }, 'INVALID_RECURRENCE');
    const stranger = await api.family();
    await refused(
      { recurrence_rule: 'FREQ=DAILY', due_date: '2031-03-04', rotation: [stranger.admin.userId] },
      'ASSIGNEE_NOT_MEMBER',
    );
    await refused(
      {
        recurrence_rule: 'FREQ=DAILY',
        due_date: '2031-03-04',
        rotation: [family.admin.userId],
        assigned_to: family.byRole('child').userId,
      },
      'ASSIGNEE_NOT_IN_ROTATION',
    );
  });
  it('keeps a timed chore at its wall-clock time in the family’s time zone across summer time', async () => {
    platform.clock.set('2031-03-19T12:00:00Z');
    const family = await api.family(['child']);
    api.expectStatus(
      await api.call(family.admin, 'PATCH', `/api/families/${family.familyId}`, {
        default_time_zone: 'Europe/Berlin',
      }),
      200,
    );
    const list = await api.list(family.admin, family.familyId, 'chores', 'Evenings');
    // Thursdays at 17:00 in Berlin: 16:00 UTC in winter; summer time starts on 2031-03-30.
    const chore = await api.item(family.admin, list.list_id, {
      title: 'Walk the dog',
      due_date: '2031-03-20T16:00:00Z',
      recurrence_rule: 'FREQ=WEEKLY',
    });
    expect(chore).toMatchObject({ recurrence_time_zone: 'Europe/Berlin' });
    const url = `/api/todos/${list.list_id}/items/${chore.item_id}`;
    // The family moves on to another zone: the chore keeps the one its rule was set in.
    api.expectStatus(
      await api.call(family.admin, 'PATCH', `/api/families/${family.familyId}`, {
        default_time_zone: 'America/New_York',
      }),
      200,
    );
    const dues: string[] = [];
    for (const at of ['2031-03-20T16:30:00Z', '2031-03-27T16:30:00Z', '2031-04-03T15:30:00Z']) {
      platform.clock.set(at);
      await api.renew(family.admin);
      dues.push(
        api.expectStatus(await api.call(family.admin, 'PATCH', url, { status: 'done' }), 200).due_date,
      );
    }
    expect(dues).toEqual([
      '2031-03-27T16:00:00.000Z',
      '2031-04-03T15:00:00.000Z',
      '2031-04-10T15:00:00.000Z',
    ]);

    // Due on a day, a chore recurs by days, whatever the zone.
    const plants = await api.item(family.admin, list.list_id, {
      title: 'Water the plants',
      due_date: '2031-04-05',
      recurrence_rule: 'FREQ=WEEKLY',
    });
    expect(plants).toMatchObject({ recurrence_time_zone: null });
  });
});

// Reminders fired by the job on the injectable clock, shown as notifications: list, unread count,
// mark read, and live over SSE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import type { TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { openEventStream } from '../../../test/support/sse.ts';
import type { IdentityClient } from '../../identity/client.ts';
import { createTestClock } from '../../platform/clock.ts';
import { createNotifyHub, type NotifyHub } from '../../platform/db/notify-hub.ts';
import { createLogger } from '../../platform/logger.ts';
import { NOTIFICATION_CHANNEL } from '../index.ts';
import {
  createNotificationPruning,
  createReminderJob,
  NOTIFICATION_RETENTION_DAYS,
} from '../service/notifications.ts';
import { familyApi } from '../test-helpers.ts';

describe.each(testEngines())('reminders and notifications on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof familyApi>;
  let hub: NotifyHub;
  let runReminders: () => Promise<number>;
  let pruneOld: () => Promise<number>;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, {
      services: ['identity', 'family'],
      clock: createTestClock('2032-05-10T08:00:00Z'),
    });
    api = familyApi(platform);
    const db = platform.databases.get('family');
    hub = createNotifyHub(db, NOTIFICATION_CHANNEL);
    // The service runs the same job on a timer; this one is run when the test has moved the clock.
    const deps = {
      db,
      identity: () => platform.clients.get<IdentityClient>('identity'),
      logger: createLogger({ logLevel: 'silent' }),
      now: () => platform.clock.now(),
    };
    runReminders = createReminderJob(deps, hub);
    pruneOld = createNotificationPruning(deps);
  });
  afterAll(async () => {
    await hub.close();
    await platform.close();
  });

  const list = async (user: TestUser, query = '') =>
    api.expectStatus(await api.call(user, 'GET', `/api/notifications${query}`), 200);
  const titles = async (user: TestUser) =>
    (await list(user)).items.map((n: { title: string }) => n.title).sort();

  it('fires event, occurrence and todo reminders once, at their time, to the members they concern', async () => {
    const family = await api.family(['child', 'parent']);
    const kid = family.byRole('child');
    const parent = family.byRole('parent');
    await api.event(family.admin, family.familyId, {
      event_name: 'Dentist',
      start_time: '2032-05-10T10:00:00Z',
      end_time: '2032-05-10T10:30:00Z',
      attendees: [kid.userId],
      reminders: [{ minutes_before: 60 }, { minutes_before: 1440 }],
    });
    const walk = await api.event(family.admin, family.familyId, {
      event_name: 'Walk the dog',
      start_time: '2032-05-10T09:00:00Z',
      end_time: '2032-05-10T09:30:00Z',
      recurrence_rule: 'FREQ=DAILY',
      reminders: [{ minutes_before: 15 }],
    });
    // The third walk is called off: it reminds nobody.
    await api.call(
      family.admin,
      'DELETE',
      `/api/calendar/events/${walk.event_id}/occurrences/${encodeURIComponent('2032-05-12T09:00:00Z')}`,
    );
    const todos = await api.list(family.admin, family.familyId, 'shared', 'Errands');
    await api.item(family.admin, todos.list_id, {
      title: 'Buy a present',
      assigned_to: kid.userId,
      due_date: '2032-05-10T12:00:00Z',
      reminders: [{ minutes_before: 30 }],
    });
    // A stream lasts as long as its token (five minutes): after each move of the clock the kid's
    // page reconnects with a fresh one, as the web page does.
    const follow = async () => {
      const stream = await openEventStream(`${platform.url}/family/api/notifications/stream`, kid.headers);
      expect(stream.status).toBe(200);
      return stream;
    };

    // 08:00: nothing yet (the day-before reminder of the dentist was due yesterday, long past).
    await runReminders();
    expect(await titles(kid)).toEqual([]);

    platform.clock.set('2032-05-10T08:46:00Z');
    await api.renew(family.admin, kid, parent);
    const morning = await follow();
    await runReminders();
    expect(await titles(kid)).toEqual(['Walk the dog']);
    expect(await titles(parent)).toEqual(['Walk the dog']);
    expect(await titles(family.admin)).toEqual(['Walk the dog']);
    const live = await morning.waitFor((e) => e.event === 'notification.created');
    morning.close();
    expect(live.data).toMatchObject({
      title: 'Walk the dog',
      kind: 'event_reminder',
      subject_id: walk.event_id,
      occurrence_at: '2032-05-10T09:00:00.000Z',
      minutes_before: 15,
    });
    // Running again (or in another process) fires nothing twice.
    await runReminders();
    expect(await titles(kid)).toEqual(['Walk the dog']);

    platform.clock.set('2032-05-10T09:00:30Z');
    await api.renew(family.admin, kid, parent);
    await runReminders();
    expect(await titles(kid)).toEqual(['Dentist', 'Walk the dog']);
    expect(await titles(parent)).toEqual(['Walk the dog']);

    platform.clock.set('2032-05-10T11:31:00Z');
    await api.renew(family.admin, kid, parent);
    const noon = await follow();
    await runReminders();
    expect(await titles(kid)).toEqual(['Buy a present', 'Dentist', 'Walk the dog']);
    const todo = await noon.waitFor((e) => e.event === 'notification.created');
    expect(todo.data).toMatchObject({
      title: 'Buy a present',
      kind: 'todo_reminder',
      occurrence_at: '2032-05-10T12:00:00.000Z',
    });
    noon.close();

    // The next two mornings: the second walk reminds, the removed third does not.
    platform.clock.set('2032-05-11T08:50:00Z');
    await api.renew(family.admin, kid, parent);
    await runReminders();
    platform.clock.set('2032-05-12T08:50:00Z');
    await api.renew(family.admin, kid, parent);
    await runReminders();
    expect(await titles(parent)).toEqual(['Walk the dog', 'Walk the dog']);

    const mine = await list(kid);
    expect(mine.unread_count).toBe(4);
    expect(mine.items.map((n: { occurrence_at: string }) => n.occurrence_at)).toEqual([
      '2032-05-11T09:00:00.000Z',
      '2032-05-10T12:00:00.000Z',
      '2032-05-10T10:00:00.000Z',
      '2032-05-10T09:00:00.000Z',
    ]);
    const page = await list(kid, '?limit=3');
    expect(page.items).toHaveLength(3);
    const rest = await list(kid, `?limit=3&cursor=${page.next_cursor}`);
    expect([...page.items, ...rest.items]).toEqual(mine.items);
    expect(rest.next_cursor).toBeNull();
    // A cursor is bound to the unread filter it was made with; a malformed one is refused too.
    for (const query of [`?unread=true&cursor=${page.next_cursor}`, '?cursor=12', '?before=12']) {
      const refused = await api.call(kid, 'GET', `/api/notifications${query}`);
      expect(refused.statusCode, query).toBe(400);
    }
    const unreadPage = await list(kid, '?unread=true&limit=2');
    expect((await list(kid, `?unread=true&limit=2&cursor=${unreadPage.next_cursor}`)).items).toHaveLength(2);

    const [first] = mine.items;
    const read = api.expectStatus(
      await api.call(kid, 'POST', `/api/notifications/${first.notification_id}/read`),
      200,
    );
    expect(read.unread_count).toBe(3);
    // The answer says when, by the server's clock (it runs on from the time set), as the list
    // does from then on.
    const inMinute = (at: string, minute: string) =>
      Date.parse(at) >= Date.parse(minute) && Date.parse(at) < Date.parse(minute) + 60_000;
    expect(inMinute(read.read_at, '2032-05-12T08:50:00Z'), read.read_at).toBe(true);
    expect((await list(kid, '?unread=true')).items).toHaveLength(3);
    // Someone else's notification is not theirs to read.
    expect(
      (await api.call(parent, 'POST', `/api/notifications/${first.notification_id}/read`)).statusCode,
    ).toBe(404);
    // Read again later, it keeps the time it was first read; "all" stamps the others with now.
    platform.clock.set('2032-05-12T08:51:00Z');
    const again = api.expectStatus(
      await api.call(kid, 'POST', `/api/notifications/${first.notification_id}/read`),
      200,
    );
    expect(again).toEqual({ unread_count: 3, read_at: read.read_at });
    const all = api.expectStatus(await api.call(kid, 'POST', '/api/notifications/read'), 200);
    expect(all.unread_count).toBe(0);
    expect(inMinute(all.read_at, '2032-05-12T08:51:00Z'), all.read_at).toBe(true);
    expect((await list(kid)).items.map((n: { read_at: string }) => n.read_at)).toEqual([
      read.read_at,
      all.read_at,
      all.read_at,
      all.read_at,
    ]);

    // A member who leaves keeps none of the family's notifications, and gets no more.
    const removed = await api.call(
      family.admin,
      'DELETE',
      `/api/families/${family.familyId}/members/${parent.memberId}`,
    );
    expect(removed.statusCode).toBe(204);
    expect((await list(parent)).items).toEqual([]);
    platform.clock.set('2032-05-13T08:50:00Z');
    await api.renew(family.admin, kid, parent);
    await runReminders();
    expect(await titles(parent)).toEqual([]);
    expect((await list(family.admin)).items).toHaveLength(3);
  });

  it('expands a series only when its next reminder has come, and again once it changes', async () => {
    platform.clock.set('2032-06-01T08:00:00Z');
    const family = await api.family();
    const walk = await api.event(family.admin, family.familyId, {
      event_name: 'Feed the fish',
      start_time: '2032-06-01T09:00:00Z',
      end_time: '2032-06-01T09:10:00Z',
      recurrence_rule: 'FREQ=DAILY',
      reminders: [{ minutes_before: 15 }],
    });
    /** The series' schedule: when its next reminder fires, and when that was computed. */
    const schedule = async () =>
      (
        await platform.databases
          .get('family')
          .query<{ next_at: Date; computed_at: Date }>(
            'SELECT next_at, computed_at FROM family_event_reminder_schedule WHERE event_id = $1',
            [walk.event_id],
          )
      ).rows.map((row) => ({ next: row.next_at.toISOString(), at: row.computed_at.getTime() }));
    const computedNow = async (next: string) => {
      const before = platform.clock.now().getTime();
      await runReminders();
      const [row] = await schedule();
      expect(row?.next).toBe(next);
      expect(row?.at).toBeGreaterThanOrEqual(before);
      return row?.at;
    };

    const first = await computedNow('2032-06-01T08:45:00.000Z');
    // Before its time the series is not looked at again: its schedule stays as computed.
    platform.clock.set('2032-06-01T08:30:00Z');
    await runReminders();
    expect(await schedule()).toEqual([{ next: '2032-06-01T08:45:00.000Z', at: first }]);
    platform.clock.set('2032-06-01T08:46:00Z');
    await api.renew(family.admin);
    await computedNow('2032-06-02T08:45:00.000Z');
    expect(await titles(family.admin)).toEqual(['Feed the fish']);

    // A change of its reminders (or rule, start, zone, occurrences) makes it computed afresh.
    api.expectStatus(
      await api.call(family.admin, 'PATCH', `/api/calendar/events/${walk.event_id}`, {
        reminders: [{ minutes_before: 30 }],
      }),
      200,
    );
    expect(await schedule()).toEqual([]);
    await computedNow('2032-06-02T08:30:00.000Z');
    await api.call(
      family.admin,
      'DELETE',
      `/api/calendar/events/${walk.event_id}/occurrences/${encodeURIComponent('2032-06-02T09:00:00Z')}`,
    );
    expect(await schedule()).toEqual([]);
    await computedNow('2032-06-03T08:30:00.000Z');
    // A clock set back behind the computation (a restored server, a test) computes it again.
    platform.clock.set('2032-06-01T08:40:00Z');
    await computedNow('2032-06-03T08:30:00.000Z');
  });

  it(`keeps notifications ${NOTIFICATION_RETENTION_DAYS} days, then prunes them`, async () => {
    const db = platform.databases.get('family');
    const families: string[] = [];
    const kept = async () =>
      (
        await db.query<{ title: string }>(
          'SELECT title FROM family_notifications WHERE family_id = ANY($1::uuid[]) ORDER BY title',
          [families],
        )
      ).rows.map((row) => row.title);
    for (const [day, name] of [
      ['2032-07-01', 'Old news'],
      ['2032-09-20', 'Fresh news'],
    ] as const) {
      platform.clock.set(`${day}T08:00:00Z`);
      // A family of the day: a session does not last the months between.
      const family = await api.family();
      families.push(family.familyId);
      await api.event(family.admin, family.familyId, {
        event_name: name,
        start_time: `${day}T08:30:00Z`,
        end_time: `${day}T09:00:00Z`,
        reminders: [{ minutes_before: 60 }],
      });
      await runReminders();
    }
    expect(await kept()).toEqual(['Fresh news', 'Old news']);
    // 2032-07-01 + 90 days is 2032-09-29.
    platform.clock.set('2032-09-29T07:59:00Z');
    await pruneOld();
    expect(await kept()).toEqual(['Fresh news', 'Old news']);
    platform.clock.set('2032-09-29T08:01:00Z');
    expect(await pruneOld()).toBeGreaterThanOrEqual(1);
    expect(await kept()).toEqual(['Fresh news']);
  });

  it('answers the signed-in user only', async () => {
    expect((await api.call(null, 'GET', '/api/notifications')).statusCode).toBe(401);
    expect((await api.call(null, 'GET', '/api/notifications/stream')).statusCode).toBe(401);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { familyApi } from '../test-helpers.ts';

describe.each(testEngines())('the family calendar on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof familyApi>;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity', 'family'] });
    api = familyApi(platform);
  });
  afterAll(() => platform.close());

  const names = (page: { items: { event_name: string }[] }) => page.items.map((e) => e.event_name);

  it('creates, reads, changes and deletes events with attendees and reminders', async () => {
    const family = await api.family(['parent', 'child']);
    const child = family.byRole('child');
    const created = await api.call(family.admin, 'POST', '/api/calendar/events', {
      family_id: family.familyId,
      event_name: 'Dentist',
      event_type: 'appointment',
      description: 'Bring the card',
      start_time: '2030-11-04T09:30:00+01:00',
      end_time: '2030-11-04T10:00:00+01:00',
      location: 'Main Street 12',
      attendees: [child.userId],
      reminders: [{ minutes_before: 60 }, { minutes_before: 1440 }],
    });
    expect(created.statusCode).toBe(201);
    const event = created.json();
    expect(event).toMatchObject({
      event_name: 'Dentist',
      start_time: '2030-11-04T08:30:00.000Z',
      end_time: '2030-11-04T09:00:00.000Z',
      attendees: [child.userId],
      reminders: [{ minutes_before: 60 }, { minutes_before: 1440 }],
      created_by: family.admin.userId,
    });
    const url = `/api/calendar/events/${event.event_id}`;
    expect(api.expectStatus(await api.call(child, 'GET', url), 200)).toEqual(event);

    const changed = api.expectStatus(
      await api.call(family.byRole('parent'), 'PATCH', url, {
        location: null,
        attendees: [child.userId, family.admin.userId],
        reminders: [],
        end_time: null,
      }),
      200,
    );
    expect(changed).toMatchObject({ location: null, reminders: [], end_time: null, event_name: 'Dentist' });
    expect(changed.attendees).toEqual([child.userId, family.admin.userId]);

    expect((await api.call(family.admin, 'DELETE', url)).statusCode).toBe(204);
    expect((await api.call(family.admin, 'GET', url)).statusCode).toBe(404);
  });

  it('answers a date range: overlapping events, soonest first, paged', async () => {
    const family = await api.family(['child']);
    const child = family.byRole('child');
    const at = (day: number, hour: number) =>
      `2030-05-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;
    await api.event(family.admin, family.familyId, {
      event_name: 'Vacation',
      event_type: 'vacation',
      start_time: at(1, 0),
      end_time: at(10, 0),
    });
    await api.event(family.admin, family.familyId, {
      event_name: 'Before',
      start_time: at(2, 8),
      end_time: at(2, 9),
    });
    await api.event(family.admin, family.familyId, {
      event_name: 'Birthday',
      event_type: 'birthday',
      start_time: at(5, 12),
      end_time: null,
      attendees: [child.userId],
    });
    await api.event(family.admin, family.familyId, {
      event_name: 'School',
      event_type: 'school',
      start_time: at(6, 8),
      end_time: at(6, 14),
    });
    await api.event(family.admin, family.familyId, {
      event_name: 'After',
      start_time: at(20, 8),
      end_time: at(20, 9),
    });

    const range = `from=${at(5, 0)}&to=${at(7, 0)}`;
    const all = api.expectStatus(
      await api.call(child, 'GET', `/api/calendar?family_id=${family.familyId}&${range}`),
      200,
    );
    expect(names(all)).toEqual(['Vacation', 'Birthday', 'School']);
    // An event that ends exactly where the range starts is not in it.
    const edge = api.expectStatus(
      await api.call(child, 'GET', `/api/calendar?from=${at(2, 9)}&to=${at(3, 0)}`),
      200,
    );
    expect(names(edge)).toEqual(['Vacation']);
    const attending = api.expectStatus(
      await api.call(child, 'GET', `/api/calendar?${range}&attendee=${child.userId}`),
      200,
    );
    expect(names(attending)).toEqual(['Birthday']);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const suffix: string = cursor ? `&cursor=${cursor}` : '';
      const page = api.expectStatus(
        await api.call(
          child,
          'GET',
          `/api/calendar?from=${at(1, 0)}&to=2030-06-01T00:00:00Z&limit=2${suffix}`,
        ),
        200,
      );
      seen.push(...names(page));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['Vacation', 'Before', 'Birthday', 'School', 'After']);
  });

  it('requires a range of at most 366 days, ending after it starts', async () => {
    const family = await api.family();
    const user = family.admin;
    const cases: [string, string][] = [
      ['', 'VALIDATION_FAILED'],
      ['from=2030-01-01T00:00:00Z', 'VALIDATION_FAILED'],
      ['from=2030-01-01&to=2030-02-01', 'VALIDATION_FAILED'],
      ['from=2030-01-01T00:00:00Z&to=2031-01-03T00:00:00Z', 'INVALID_CALENDAR_RANGE'],
      ['from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z', 'INVALID_CALENDAR_RANGE'],
      ['from=2030-01-01T00:00:00Z&to=2030-01-01T00:00:00Z', 'INVALID_CALENDAR_RANGE'],
    ];
    for (const [query, code] of cases) {
      const response = await api.call(user, 'GET', `/api/calendar?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code, query).toBe(code);
    }
    const fullYear = await api.call(
      user,
      'GET',
      '/api/calendar?from=2028-01-01T00:00:00Z&to=2029-01-01T00:00:00Z',
    );
    expect(fullYear.statusCode).toBe(200);
  });

  it('validates events: members as attendees, bounded reminders, an end after the start', async () => {
    const family = await api.family(['parent']);
    const stranger = await given(platform).user();
    const notMember = await api.call(family.admin, 'POST', '/api/calendar/events', {
      family_id: family.familyId,
      event_name: 'Party',
      start_time: '2030-10-31T18:00:00Z',
      attendees: [family.admin.userId, stranger.userId],
    });
    expect(notMember.statusCode).toBe(400);
    expect(notMember.json().error).toMatchObject({
      code: 'ATTENDEE_NOT_MEMBER',
      details: { user_ids: [stranger.userId] },
    });

    const base = { family_id: family.familyId, event_name: 'Party', start_time: '2030-10-31T18:00:00Z' };
    const bad: [Record<string, unknown>, string][] = [
      [{ ...base, end_time: '2030-10-31T17:00:00Z' }, 'INVALID_TIME_RANGE'],
      [{ ...base, end_time: '2031-12-01T17:00:00Z' }, 'INVALID_TIME_RANGE'],
      [
        { ...base, reminders: Array.from({ length: 11 }, (_, i) => ({ minutes_before: i })) },
        'VALIDATION_FAILED',
      ],
      [{ ...base, reminders: [{ minutes_before: 5 }, { minutes_before: 5 }] }, 'VALIDATION_FAILED'],
      [{ ...base, reminders: [{ minutes_before: -1 }] }, 'VALIDATION_FAILED'],
      [{ ...base, reminders: [{ minutes_before: 40_321 }] }, 'VALIDATION_FAILED'],
      [{ ...base, reminders: [{ minutes_before: 5, sound: 'bell' }] }, 'VALIDATION_FAILED'],
      [{ ...base, reminders: { minutes_before: 5 } }, 'VALIDATION_FAILED'],
      [{ ...base, attendees: [family.admin.userId, family.admin.userId] }, 'VALIDATION_FAILED'],
      [{ ...base, event_type: 'party' }, 'VALIDATION_FAILED'],
      [{ ...base, location: 'x'.repeat(301) }, 'VALIDATION_FAILED'],
      [{ ...base, start_time: '1066-10-14T09:00:00Z' }, 'VALIDATION_FAILED'],
      [{ ...base, event_name: '' }, 'VALIDATION_FAILED'],
    ];
    for (const [body, code] of bad) {
      const response = await api.call(family.admin, 'POST', '/api/calendar/events', body);
      expect(response.statusCode, JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(response.json().error.code).toBe(code);
    }
    const { rows } = await platform.databases
      .get('family')
      .query('SELECT count(*) AS n FROM family_events WHERE family_id = $1', [family.familyId]);
    expect(rows[0]).toEqual({ n: 0 });

    const event = await api.event(family.admin, family.familyId);
    const url = `/api/calendar/events/${event.event_id}`;
    const endBefore = await api.call(family.admin, 'PATCH', url, { start_time: '2030-03-10T11:00:00Z' });
    expect(endBefore.json().error.code).toBe('INVALID_TIME_RANGE');
    const stranger_ = await api.call(family.admin, 'PATCH', url, { attendees: [stranger.userId] });
    expect(stranger_.json().error.code).toBe('ATTENDEE_NOT_MEMBER');
    const unchanged = api.expectStatus(await api.call(family.admin, 'GET', url), 200);
    expect(unchanged).toEqual(event);
  });
});

// Recurring events: CALOS's own expansion (the calendar API) against ical.js reading CALOS's iCal
// feed of the same events, for a table of RRULEs with removed and changed occurrences, in UTC and
// in the wall-clock time of IANA time zones across their summer-time changes.
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { createTestClock } from '../../platform/clock.ts';
import { familyApi, type TestFamily } from '../test-helpers.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * name, rule (undefined: the default of its type), first start, duration (null: a point in time),
 * time zone (undefined: the family's default, UTC).
 */
const TABLE: {
  name: string;
  rule?: string | null;
  start: string;
  hours: number | null;
  type?: string;
  zone?: string;
}[] = [
  { name: 'Ten mornings', rule: 'FREQ=DAILY;COUNT=10', start: '2030-03-01T08:00:00Z', hours: 1 },
  { name: 'Training', rule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR', start: '2030-01-07T17:00:00Z', hours: 1.5 },
  {
    name: 'Choir',
    rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20300630',
    start: '2030-01-01T18:30:00Z',
    hours: 2,
  },
  { name: 'Rent', rule: 'FREQ=MONTHLY;BYMONTHDAY=31', start: '2030-01-31T12:00:00Z', hours: null },
  { name: 'Game night', rule: 'FREQ=MONTHLY;BYDAY=-1FR', start: '2030-01-25T19:00:00Z', hours: 3 },
  {
    name: 'Payday',
    rule: 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
    start: '2030-01-31T09:00:00Z',
    hours: null,
  },
  { name: 'Grandma', type: 'birthday', start: '2020-05-17T00:00:00Z', hours: 24 },
  {
    name: 'Leap baby',
    rule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29',
    start: '2028-02-29T10:00:00Z',
    hours: 24,
  },
  {
    name: 'Swimming',
    rule: 'FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=SU,TU',
    start: '2030-01-06T10:00:00Z',
    hours: 1,
  },
  { name: 'Camp', rule: 'FREQ=WEEKLY', start: '2029-12-30T12:00:00Z', hours: 72 },
  { name: 'Pills', rule: 'FREQ=DAILY;INTERVAL=3', start: '2030-12-20T07:00:00Z', hours: 0.25 },
  {
    name: 'Quarterly',
    rule: 'FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1,15;COUNT=7',
    start: '2030-02-01T00:00:00Z',
    hours: 8,
  },
  { name: 'Dentist', rule: null, start: '2030-04-02T09:00:00Z', hours: 0.5 },
  // Zoned: Europe/Berlin changes on 2030-03-31 and 2030-10-27, America/New_York on 03-10 and 11-03.
  // Tuesdays 17:00 Berlin (16:00Z in winter).
  {
    name: 'Piano',
    rule: 'FREQ=WEEKLY;BYDAY=TU',
    start: '2030-01-08T16:00:00Z',
    hours: 1,
    zone: 'Europe/Berlin',
  },
  // Saturdays 09:00 New York (14:00Z in winter).
  {
    name: 'Soccer',
    rule: 'FREQ=WEEKLY;BYDAY=SA',
    start: '2030-01-05T14:00:00Z',
    hours: 1.5,
    zone: 'America/New_York',
  },
  // The last Sunday of the month, 11:00 Berlin: on the very days of both changes.
  {
    name: 'Brunch',
    rule: 'FREQ=MONTHLY;BYDAY=-1SU',
    start: '2030-01-27T10:00:00Z',
    hours: 2,
    zone: 'Europe/Berlin',
  },
  // Thursdays 20:30 New York until 14 March local (which is already 15 March in UTC).
  {
    name: 'Book club',
    rule: 'FREQ=WEEKLY;BYDAY=TH;UNTIL=20300314',
    start: '2030-01-04T01:30:00Z',
    hours: null,
    zone: 'America/New_York',
  },
];

const FROM = '2030-01-01T00:00:00Z';
const TO = '2031-01-01T00:00:00Z';

interface Occurrence {
  name: string;
  start: string;
  end: string | null;
}

const key = (o: Occurrence) => `${o.start} ${o.name}`;
const sorted = (list: Occurrence[]) => [...list].sort((a, b) => key(a).localeCompare(key(b)));

describe.each(testEngines())('recurring events on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof familyApi>;
  let family: TestFamily;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    // The feed covers a year around the clock's now: the clock stands in mid-2030.
    platform = await startTestPlatform(engine, {
      services: ['identity', 'family'],
      clock: createTestClock('2030-07-01T00:00:00Z'),
    });
    api = familyApi(platform);
    family = await api.family(['child']);
    for (const row of TABLE) {
      const start = new Date(row.start);
      const event = await api.event(family.admin, family.familyId, {
        event_name: row.name,
        event_type: row.type ?? 'other',
        start_time: row.start,
        end_time: row.hours === null ? null : new Date(start.getTime() + row.hours * HOUR).toISOString(),
        ...(row.rule === undefined ? {} : { recurrence_rule: row.rule }),
        ...(row.zone ? { time_zone: row.zone } : {}),
        reminders: row.name === 'Training' ? [{ minutes_before: 90 }] : [],
      });
      ids.set(row.name, event.event_id);
    }
  });
  afterAll(() => platform.close());

  const occurrenceUrl = (name: string, at: string) =>
    `/api/calendar/events/${ids.get(name)}/occurrences/${encodeURIComponent(at)}`;

  /** Every entry of the calendar API in the range, page by page. */
  async function calosOccurrences(from = FROM, to = TO, limit = 7): Promise<Occurrence[]> {
    const found: Occurrence[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ family_id: family.familyId, from, to, limit: String(limit) });
      if (cursor) query.set('cursor', cursor);
      const page = api.expectStatus(
        await api.call(family.byRole('child'), 'GET', `/api/calendar?${query}`),
        200,
      );
      expect(page.items.length).toBeLessThanOrEqual(limit);
      for (const item of page.items) {
        found.push({ name: item.event_name, start: item.start_time, end: item.end_time });
      }
      cursor = page.next_cursor;
    } while (cursor);
    return found;
  }

  /** ical.js reads the family's feed and expands every event over the same range. */
  async function icalOccurrences(): Promise<{ occurrences: Occurrence[]; calendar: ICAL.Component }> {
    await api.upgrade(family.admin);
    const feed = api.expectStatus(
      await api.call(family.admin, 'POST', `/api/families/${family.familyId}/ical`),
      201,
    );
    const response = await platform.app.inject({ method: 'GET', url: new URL(feed.url).pathname });
    expect(response.statusCode).toBe(200);
    const calendar = new ICAL.Component(ICAL.parse(response.body));
    // As calendar apps do, the feed's VTIMEZONEs define what its TZIDs mean.
    for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
    const components = calendar.getAllSubcomponents('vevent');
    // Exceptions are related by UID (RFC 5545); given explicitly, as ical.js would otherwise relate
    // every RECURRENCE-ID of the calendar to each event.
    const exceptions = components.filter((c) => c.hasProperty('recurrence-id'));
    const masters = components
      .filter((c) => !c.hasProperty('recurrence-id'))
      .map(
        (c) =>
          new ICAL.Event(c, {
            strictExceptions: true,
            exceptions: exceptions.filter(
              (e) => e.getFirstPropertyValue('uid') === c.getFirstPropertyValue('uid'),
            ),
          }),
      );
    const from = new Date(FROM).getTime();
    const to = new Date(TO).getTime();
    const occurrences: Occurrence[] = [];
    const push = (name: string, start: ICAL.Time, end: ICAL.Time | null, isPoint: boolean) => {
      const s = start.toJSDate().getTime();
      const e = isPoint || !end ? null : end.toJSDate().getTime();
      if (s < to && ((e !== null && e > from) || s >= from)) {
        occurrences.push({
          name,
          start: new Date(s).toISOString(),
          end: e === null ? null : new Date(e).toISOString(),
        });
      }
    };
    for (const event of masters) {
      const isPoint = !event.component.hasProperty('dtend');
      if (!event.isRecurring()) {
        push(event.summary, event.startDate, event.endDate, isPoint);
        continue;
      }
      const iterator = event.iterator();
      // Past the range by the longest move of a changed occurrence.
      const stop = ICAL.Time.fromJSDate(new Date(to + 400 * DAY), true);
      for (let next = iterator.next(); next && next.compare(stop) < 0; next = iterator.next()) {
        const details = event.getOccurrenceDetails(next);
        push(
          details.item.summary,
          details.startDate,
          details.endDate,
          !details.item.component.hasProperty('dtend'),
        );
      }
    }
    return { occurrences, calendar };
  }

  it('expands a table of RRULEs as ical.js expands the feed, with EXDATEs and changed occurrences', async () => {
    // One Training removed, one moved to the next day and renamed, one moved into another month.
    expect(
      (await api.call(family.admin, 'DELETE', occurrenceUrl('Training', '2030-03-04T17:00:00Z'))).statusCode,
    ).toBe(204);
    const moved = api.expectStatus(
      await api.call(family.admin, 'PUT', occurrenceUrl('Training', '2030-03-06T17:00:00.000Z'), {
        event_name: 'Training (gym)',
        start_time: '2030-03-07T16:00:00Z',
        end_time: '2030-03-07T18:00:00Z',
      }),
      200,
    );
    expect(moved).toMatchObject({
      event_name: 'Training (gym)',
      start_time: '2030-03-07T16:00:00.000Z',
      recurrence_id: '2030-03-06T17:00:00.000Z',
      recurrence_rule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR',
    });
    api.expectStatus(
      await api.call(family.admin, 'PUT', occurrenceUrl('Rent', '2030-03-31T12:00:00Z'), {
        start_time: '2030-04-01T08:00:00Z',
      }),
      200,
    );
    // A changed occurrence that is then removed goes altogether; one at the range's end stays out.
    api.expectStatus(
      await api.call(family.admin, 'PUT', occurrenceUrl('Pills', '2030-12-23T07:00:00Z'), {
        location: 'Kitchen',
      }),
      200,
    );
    expect(
      (await api.call(family.admin, 'DELETE', occurrenceUrl('Pills', '2030-12-23T07:00:00Z'))).statusCode,
    ).toBe(204);
    expect(
      (await api.call(family.admin, 'DELETE', occurrenceUrl('Camp', '2029-12-30T12:00:00Z'))).statusCode,
    ).toBe(204);

    // Zoned: one Piano lesson removed (after the March change, so 17:00 CEST), one moved an hour
    // later on the next day (after the October change), both named by their local occurrence.
    expect(
      (await api.call(family.admin, 'DELETE', occurrenceUrl('Piano', '2030-04-02T15:00:00Z'))).statusCode,
    ).toBe(204);
    const recital = api.expectStatus(
      await api.call(family.admin, 'PUT', occurrenceUrl('Piano', '2030-10-29T16:00:00Z'), {
        event_name: 'Piano recital',
        start_time: '2030-10-30T17:00:00Z',
        end_time: '2030-10-30T19:00:00Z',
      }),
      200,
    );
    expect(recital).toMatchObject({ recurrence_id: '2030-10-29T16:00:00.000Z', time_zone: 'Europe/Berlin' });
    // 16:00Z on 2 April is 18:00 Berlin: not an occurrence.
    expect(
      (await api.call(family.admin, 'DELETE', occurrenceUrl('Piano', '2030-04-02T16:00:00Z'))).json().error
        .code,
    ).toBe('OCCURRENCE_NOT_FOUND');

    const calos = await calosOccurrences();
    const { occurrences: ical } = await icalOccurrences();
    expect(sorted(calos)).toEqual(sorted(ical));
    // The table is not trivially empty: every row contributes what a person would expect.
    const count = (name: string) => calos.filter((o) => o.name === name).length;
    expect(count('Ten mornings')).toBe(10);
    expect(count('Choir')).toBe(13);
    expect(count('Rent')).toBe(7);
    expect(count('Grandma')).toBe(1);
    expect(count('Leap baby')).toBe(0);
    expect(count('Training (gym)')).toBe(1);
    expect(count('Quarterly')).toBe(7);
    expect(calos.find((o) => o.name === 'Grandma')?.start).toBe('2030-05-17T00:00:00.000Z');
    expect(calos.some((o) => o.name === 'Camp' && o.start.startsWith('2029'))).toBe(false);
    expect(calos.map((o) => o.start)).not.toContain('2030-03-04T17:00:00.000Z');
    expect(calos.filter((o) => o.name === 'Pills').map((o) => o.start)).toEqual([
      '2030-12-20T07:00:00.000Z',
      '2030-12-26T07:00:00.000Z',
      '2030-12-29T07:00:00.000Z',
    ]);
    expect(count('Piano')).toBe(50);
    expect(count('Piano recital')).toBe(1);
    expect(count('Soccer')).toBe(52);
    expect(count('Brunch')).toBe(12);
    expect(count('Book club')).toBe(11);
    // Always the same local time, whatever the offset of the day.
    const localTimes = (name: string, zone: string) =>
      new Set(
        calos
          .filter((o) => o.name === name)
          .map((o) =>
            new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit' }).format(
              new Date(o.start),
            ),
          ),
      );
    expect(localTimes('Piano', 'Europe/Berlin')).toEqual(new Set(['17:00']));
    expect(localTimes('Soccer', 'America/New_York')).toEqual(new Set(['09:00']));
    expect(localTimes('Brunch', 'Europe/Berlin')).toEqual(new Set(['11:00']));
    expect(localTimes('Book club', 'America/New_York')).toEqual(new Set(['20:30']));
    const brunch = calos.filter((o) => o.name === 'Brunch').map((o) => o.start);
    expect(brunch).toContain('2030-03-31T09:00:00.000Z'); // the day summer time starts: CEST
    expect(brunch).toContain('2030-10-27T10:00:00.000Z'); // the day it ends: CET again
    expect(calos.filter((o) => o.name === 'Book club').at(-1)?.start).toBe('2030-03-15T00:30:00.000Z');
    // The order of the API is the calendar's: soonest first, across pages.
    const starts = calos.map((o) => o.start);
    expect(starts).toEqual([...starts].sort());
    // A narrower range, paged by one, gives the same slice.
    const march = await calosOccurrences('2030-03-01T00:00:00Z', '2030-04-01T00:00:00Z', 1);
    expect(march).toEqual(calos.filter((o) => o.start < '2030-04-01' && (o.end ?? o.start) > '2030-03-01'));
  });

  it('writes RRULE, EXDATE, RECURRENCE-ID and the reminder as VALARM into the feed', async () => {
    const { calendar } = await icalOccurrences();
    const training = calendar
      .getAllSubcomponents('vevent')
      .filter((c) => String(c.getFirstPropertyValue('summary')).startsWith('Training'));
    const master = training.find((c) => c.hasProperty('rrule'));
    expect(master?.getFirstPropertyValue('rrule')?.toString()).toBe('FREQ=WEEKLY;BYDAY=MO,WE,FR');
    expect(
      master
        ?.getAllProperties('exdate')
        .flatMap((p) => p.getValues())
        .map((v) => (v as ICAL.Time).toJSDate().toISOString()),
    ).toContain('2030-03-04T17:00:00.000Z');
    expect(master?.getFirstSubcomponent('valarm')?.getFirstPropertyValue('trigger')?.toString()).toBe(
      '-PT90M',
    );
    const changed = training.find((c) => c.hasProperty('recurrence-id'));
    if (!changed) throw new Error('no changed occurrence in the feed');
    expect((changed.getFirstPropertyValue('recurrence-id') as ICAL.Time).toJSDate().toISOString()).toBe(
      '2030-03-06T17:00:00.000Z',
    );
  });

  it('writes zoned series with TZID and a VTIMEZONE per zone, and UTC ones in UTC', async () => {
    const { calendar } = await icalOccurrences();
    const zones = calendar.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'));
    expect(zones.sort()).toEqual(['America/New_York', 'Europe/Berlin']);
    const events = calendar.getAllSubcomponents('vevent');
    const byName = (name: string) => events.find((c) => c.getFirstPropertyValue('summary') === name);
    const dtstart = (name: string) => byName(name)?.getFirstProperty('dtstart');
    expect(dtstart('Piano')?.getParameter('tzid')).toBe('Europe/Berlin');
    expect(dtstart('Piano')?.toICALString()).toBe('DTSTART;TZID=Europe/Berlin:20300108T170000');
    expect(dtstart('Soccer')?.toICALString()).toBe('DTSTART;TZID=America/New_York:20300105T090000');
    expect(dtstart('Training')?.toICALString()).toBe('DTSTART:20300107T170000Z');
    expect(byName('Piano')?.getFirstProperty('exdate')?.toICALString()).toBe(
      'EXDATE;TZID=Europe/Berlin:20300402T170000',
    );
    expect(byName('Piano recital')?.getFirstProperty('recurrence-id')?.toICALString()).toBe(
      'RECURRENCE-ID;TZID=Europe/Berlin:20301029T170000',
    );
    // UNTIL stays an instant (RFC 5545 wants UTC with a zoned DTSTART): the end of 14 March in New York.
    expect(byName('Book club')?.getFirstPropertyValue('rrule')?.toString()).toBe(
      'FREQ=WEEKLY;BYDAY=TH;UNTIL=20300315T035959Z',
    );
  });

  it('keeps a 17:00 Berlin lesson at 17:00 local: 16:00Z in winter, 15:00Z in summer', async () => {
    const own = await api.family();
    const lesson = await api.event(own.admin, own.familyId, {
      event_name: 'Cello',
      start_time: '2031-03-20T16:00:00Z',
      end_time: '2031-03-20T17:00:00Z',
      recurrence_rule: 'FREQ=WEEKLY;COUNT=6',
      time_zone: 'Europe/Berlin',
    });
    expect(lesson.time_zone).toBe('Europe/Berlin');
    const query = new URLSearchParams({
      family_id: own.familyId,
      from: '2031-03-01T00:00:00Z',
      to: '2031-05-01T00:00:00Z',
    });
    const page = api.expectStatus(await api.call(own.admin, 'GET', `/api/calendar?${query}`), 200);
    const cello = page.items.filter((item: { event_name: string }) => item.event_name === 'Cello');
    // Europe/Berlin moves to summer time on 2031-03-30.
    expect(cello.map((item: { start_time: string }) => item.start_time)).toEqual([
      '2031-03-20T16:00:00.000Z',
      '2031-03-27T16:00:00.000Z',
      '2031-04-03T15:00:00.000Z',
      '2031-04-10T15:00:00.000Z',
      '2031-04-17T15:00:00.000Z',
      '2031-04-24T15:00:00.000Z',
    ]);
    expect(cello.map((item: { end_time: string }) => item.end_time).at(-1)).toBe('2031-04-24T16:00:00.000Z');
    expect(new Set(cello.map((item: { time_zone: string }) => item.time_zone))).toEqual(
      new Set(['Europe/Berlin']),
    );
  });

  it("takes the family's default time zone, which only admins set, and refuses unknown zones", async () => {
    const other = await api.family(['parent']);
    const before = api.expectStatus(
      await api.call(other.admin, 'GET', `/api/families/${other.familyId}`),
      200,
    );
    expect(before.default_time_zone).toBe('UTC');
    const unset = await api.event(other.admin, other.familyId, {
      event_name: 'Old habit',
      start_time: '2030-01-07T17:00:00Z',
      end_time: null,
      recurrence_rule: 'FREQ=WEEKLY',
    });
    expect(unset.time_zone).toBe('UTC');
    expect(
      (
        await api.call(other.byRole('parent'), 'PATCH', `/api/families/${other.familyId}`, {
          default_time_zone: 'Europe/Berlin',
        })
      ).statusCode,
    ).toBe(403);
    const bad = await api.call(other.admin, 'PATCH', `/api/families/${other.familyId}`, {
      default_time_zone: 'Mars/Olympus_Mons',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('INVALID_TIME_ZONE');
    const set = api.expectStatus(
      await api.call(other.admin, 'PATCH', `/api/families/${other.familyId}`, {
        default_time_zone: 'america/new_york',
      }),
      200,
    );
    expect(set.default_time_zone).toBe('America/New_York');
    const zoned = await api.event(other.admin, other.familyId, {
      event_name: 'Soccer',
      start_time: '2030-01-05T14:00:00Z',
      end_time: null,
      recurrence_rule: 'FREQ=WEEKLY',
    });
    expect(zoned.time_zone).toBe('America/New_York');
    const refused = await api.call(other.admin, 'POST', '/api/calendar/events', {
      family_id: other.familyId,
      event_name: 'Nowhere',
      start_time: '2030-01-05T14:00:00Z',
      time_zone: 'Europe/Atlantis',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('INVALID_TIME_ZONE');
    // A new zone re-plans a series in the new wall-clock time; an unknown one is refused.
    const moved = api.expectStatus(
      await api.call(other.admin, 'PATCH', `/api/calendar/events/${unset.event_id}`, {
        time_zone: 'Europe/Berlin',
      }),
      200,
    );
    expect(moved.time_zone).toBe('Europe/Berlin');
    const patchedBad = await api.call(other.admin, 'PATCH', `/api/calendar/events/${unset.event_id}`, {
      time_zone: '',
    });
    expect(patchedBad.statusCode).toBe(400);
    const range = new URLSearchParams({
      family_id: other.familyId,
      from: '2030-07-01T00:00:00Z',
      to: '2030-07-08T00:00:00Z',
    });
    const july = api.expectStatus(await api.call(other.admin, 'GET', `/api/calendar?${range}`), 200);
    const habit = july.items.find((item: { event_name: string }) => item.event_name === 'Old habit');
    // Its start, 17:00Z on a January Monday, is 18:00 in Berlin: in July that is 16:00Z (CEST).
    expect(habit?.start_time).toBe('2030-07-01T16:00:00.000Z');
  });

  it('makes birthdays yearly unless told otherwise, and refuses rules it does not take', async () => {
    const once = await api.event(family.admin, family.familyId, {
      event_name: 'Party for the 18th',
      event_type: 'birthday',
      start_time: '2030-08-01T15:00:00Z',
      end_time: null,
      recurrence_rule: null,
    });
    expect(once.recurrence_rule).toBeNull();
    const refused = async (rule: string, start = '2030-01-07T10:00:00Z') => {
      const response = await api.call(family.admin, 'POST', '/api/calendar/events', {
        family_id: family.familyId,
        event_name: 'Odd',
        start_time: start,
        recurrence_rule: rule,
      });
      expect(response.statusCode, rule).toBe(400);
      expect(response.json().error.code, rule).toBe('INVALID_RECURRENCE');
    };
    await refused('FREQ=HOURLY');
    await refused('FREQ=SECONDLY;COUNT=5');
    await refused('FREQ=WEEKLY;BYDAY=XX');
    await refused('FREQ=DAILY;COUNT=5000');
    await refused('BYDAY=MO');
    await refused('FREQ=DAILY;COUNT=3;UNTIL=20300101');
    await refused('FREQ=WEEKLY;BYDAY=TU'); // 2030-01-07 is a Monday
    await refused('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', '2030-02-28T10:00:00Z');
    await refused('FREQ=DAILY;DTSTART=20300101T000000Z');
  });

  it('lets only parents and admins change occurrences, of events of their own families', async () => {
    const child = family.byRole('child');
    const url = occurrenceUrl('Training', '2030-01-09T17:00:00Z');
    const forbidden = await api.call(child, 'DELETE', url);
    expect(forbidden.statusCode).toBe(403);
    const stranger = await api.family();
    expect((await api.call(stranger.admin, 'DELETE', url)).statusCode).toBe(404);
    const notOne = await api.call(family.admin, 'DELETE', occurrenceUrl('Training', '2030-01-09T17:30:00Z'));
    expect(notOne.json().error.code).toBe('OCCURRENCE_NOT_FOUND');
    const single = await api.call(
      family.admin,
      'DELETE',
      `/api/calendar/events/${ids.get('Dentist')}/occurrences/${encodeURIComponent('2030-04-02T09:00:00Z')}`,
    );
    expect(single.json().error.code).toBe('EVENT_NOT_RECURRING');
    // A new rule re-plans the series: removed and changed occurrences go with the old rule.
    const replanned = api.expectStatus(
      await api.call(family.admin, 'PATCH', `/api/calendar/events/${ids.get('Rent')}`, {
        recurrence_rule: 'FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=2',
      }),
      200,
    );
    expect(replanned).toMatchObject({
      recurrence_rule: 'FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=2',
      recurrence_exdates: [],
    });
    const rent = (await calosOccurrences()).filter((o) => o.name === 'Rent').map((o) => o.start);
    expect(rent).toEqual(['2030-01-31T12:00:00.000Z', '2030-02-28T12:00:00.000Z']);
  });
});

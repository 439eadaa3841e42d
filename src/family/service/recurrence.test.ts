// Expansion in the wall-clock time of an IANA zone, without a database: summer-time changes,
// local times they skip or repeat, and independence from the process's own time zone.
import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  checkRecurrence,
  instantOf,
  nextOccurrence,
  occurrenceStarts,
} from './recurrence.ts';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
const window = (from: string, to: string, zone: string) => ({
  from: new Date(from),
  to: new Date(to),
  limit: 100,
  zone,
});

describe('recurrence in a time zone', () => {
  it('keeps a weekly 17:00 in Berlin at 17:00 local across both changes of 2030', () => {
    const start = new Date('2030-03-19T16:00:00Z'); // Tuesday 17:00 CET
    const starts = occurrenceStarts(
      'FREQ=WEEKLY',
      start,
      window('2030-03-01T00:00:00Z', '2030-04-10T00:00:00Z', 'Europe/Berlin'),
    );
    expect(iso(starts)).toEqual([
      '2030-03-19T16:00:00.000Z',
      '2030-03-26T16:00:00.000Z',
      '2030-04-02T15:00:00.000Z',
      '2030-04-09T15:00:00.000Z',
    ]);
    const autumn = occurrenceStarts(
      'FREQ=WEEKLY',
      start,
      window('2030-10-20T00:00:00Z', '2030-11-06T00:00:00Z', 'Europe/Berlin'),
    );
    expect(iso(autumn)).toEqual([
      '2030-10-22T15:00:00.000Z',
      '2030-10-29T16:00:00.000Z',
      '2030-11-05T16:00:00.000Z',
    ]);
    // The same rule in UTC stays at 16:00Z, i.e. moves to 18:00 local in summer.
    expect(
      iso(
        occurrenceStarts('FREQ=WEEKLY', start, window('2030-04-01T00:00:00Z', '2030-04-03T00:00:00Z', 'UTC')),
      ),
    ).toEqual(['2030-04-02T16:00:00.000Z']);
  });

  it('moves a skipped local time forward and takes the first of a repeated one (RFC 5545 3.3.5)', () => {
    // 02:30 does not exist in Berlin on 2030-03-31 (02:00 → 03:00): 03:30 CEST.
    expect(instantOf(new Date('2030-03-31T02:30:00Z'), 'Europe/Berlin').toISOString()).toBe(
      '2030-03-31T01:30:00.000Z',
    );
    // 02:30 happens twice on 2030-10-27 (03:00 → 02:00): the first, still CEST.
    expect(instantOf(new Date('2030-10-27T02:30:00Z'), 'Europe/Berlin').toISOString()).toBe(
      '2030-10-27T00:30:00.000Z',
    );
    // New York: 2030-11-03 01:30 happens twice; the first is EDT (-04:00).
    expect(instantOf(new Date('2030-11-03T01:30:00Z'), 'America/New_York').toISOString()).toBe(
      '2030-11-03T05:30:00.000Z',
    );
    const daily = occurrenceStarts(
      'FREQ=DAILY;COUNT=3',
      new Date('2030-10-26T00:30:00Z'), // 02:30 CEST
      window('2030-10-25T00:00:00Z', '2030-11-01T00:00:00Z', 'Europe/Berlin'),
    );
    expect(iso(daily)).toEqual([
      '2030-10-26T00:30:00.000Z',
      '2030-10-27T00:30:00.000Z',
      '2030-10-28T01:30:00.000Z',
    ]);
  });

  it('ends a date-only UNTIL at the end of that day in the zone, and finds the next occurrence', () => {
    const start = new Date('2030-01-04T01:30:00Z'); // Thursday 20:30 EST
    const checked = checkRecurrence('FREQ=WEEKLY;UNTIL=20300314', start, 'America/New_York');
    expect(checked.rule).toBe('FREQ=WEEKLY;UNTIL=20300315T035959Z');
    expect(checked.lastStart?.toISOString()).toBe('2030-03-15T00:30:00.000Z');
    expect(
      nextOccurrence(
        checked.rule,
        start,
        new Date('2030-03-08T00:00:00Z'),
        'America/New_York',
      )?.toISOString(),
    ).toBe('2030-03-08T01:30:00.000Z');
    expect(
      nextOccurrence(checked.rule, start, new Date('2030-03-15T00:30:00Z'), 'America/New_York'),
    ).toBeNull();
  });

  it('knows IANA zones by their canonical names and nothing else', () => {
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('Mars/Olympus_Mons')).toBeNull();
    expect(canonicalTimeZone('')).toBeNull();
    expect(canonicalTimeZone('x'.repeat(65))).toBeNull();
  });
});

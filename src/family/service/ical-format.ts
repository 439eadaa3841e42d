// Writes an iCalendar document (RFC 5545): CRLF lines folded at 75 octets, text escaped, times
// in UTC, or for an entry with an IANA time zone as local times with TZID and one VTIMEZONE per
// zone used (generated from the IANA data by timezones-ical-library). Small enough to own rather
// than take a dependency for.
import { tzlib_get_ical_block } from 'timezones-ical-library';
import { floatingOf } from './recurrence.ts';

export interface CalendarEntry {
  uid: string;
  start: Date;
  end: Date | null;
  /** An all-day entry (DATE values) instead of a timed one. */
  allDay?: boolean;
  summary: string;
  description?: string | null;
  location?: string | null;
  lastModified: Date;
  categories?: string[];
  /** Minutes before the start to alert. */
  alarms?: number[];
  /**
   * The IANA time zone the entry's times are written in (DTSTART;TZID=…), and a recurring entry
   * repeats in; UTC or none writes them in UTC (…Z).
   */
  timeZone?: string;
  /** A recurring entry: its RRULE value and removed occurrences (EXDATE). */
  rrule?: string;
  exdates?: Date[];
  /** One changed occurrence of a recurring entry (same uid): where the rule puts it. */
  recurrenceId?: Date;
  /** The app and id it comes from, when another app put it on the family calendar. */
  source?: { domain: string; id: string };
}

const escapeText = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');

const utc = (date: Date) =>
  `${date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')}`;
const local = (date: Date, zone: string) => utc(floatingOf(date, zone)).slice(0, -1);
const day = (date: Date) => date.toISOString().slice(0, 10).replace(/-/g, '');

/** Folds a content line into 75-octet pieces, never splitting a UTF-8 character. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** A VTIMEZONE component for an IANA zone, with the TZID it declares. */
function vtimezone(zone: string): { tzid: string; lines: string[] } {
  const block = tzlib_get_ical_block(zone);
  const text = Array.isArray(block) ? (block[0] ?? '') : '';
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  const tzid = lines.find((line) => line.startsWith('TZID:'))?.slice(5);
  if (!tzid || lines[0] !== 'BEGIN:VTIMEZONE') throw new Error(`no VTIMEZONE for ${zone}`);
  return { tzid, lines };
}

/**
 * The document for a list of entries. It depends on nothing but them (DTSTAMP is each entry's
 * last change), so an unchanged calendar gives the same bytes and a poll can be answered 304.
 */
export function renderCalendar(input: { name: string; entries: CalendarEntry[] }): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//CALOS//Family Planner//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(input.name)}`,
    'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
  ];
  const tzids = new Map<string, string>();
  for (const entry of input.entries) {
    const zone = entry.timeZone;
    if (!zone || zone === 'UTC' || entry.allDay || tzids.has(zone)) continue;
    const { tzid, lines: component } = vtimezone(zone);
    tzids.set(zone, tzid);
    lines.push(...component);
  }
  for (const entry of input.entries) {
    const zone = entry.timeZone && !entry.allDay ? entry.timeZone : undefined;
    const tzid = zone && tzids.get(zone);
    /** A date-time property: local time with TZID in the entry's zone, else UTC. */
    const time = (name: string, dates: Date[]) =>
      tzid && zone
        ? `${name};TZID=${tzid}:${dates.map((d) => local(d, zone)).join(',')}`
        : `${name}:${dates.map(utc).join(',')}`;
    lines.push(
      'BEGIN:VEVENT',
      `UID:${entry.uid}`,
      `DTSTAMP:${utc(entry.lastModified)}`,
      `LAST-MODIFIED:${utc(entry.lastModified)}`,
    );
    if (entry.recurrenceId) lines.push(time('RECURRENCE-ID', [entry.recurrenceId]));
    if (entry.allDay) {
      lines.push(`DTSTART;VALUE=DATE:${day(entry.start)}`);
      const end = entry.end ?? new Date(entry.start.getTime() + 86_400_000);
      lines.push(`DTEND;VALUE=DATE:${day(end)}`);
    } else {
      lines.push(time('DTSTART', [entry.start]));
      if (entry.end) lines.push(time('DTEND', [entry.end]));
    }
    if (entry.rrule) lines.push(`RRULE:${entry.rrule}`);
    if (entry.exdates?.length) lines.push(time('EXDATE', entry.exdates));
    lines.push(`SUMMARY:${escapeText(entry.summary)}`);
    if (entry.description) lines.push(`DESCRIPTION:${escapeText(entry.description)}`);
    if (entry.location) lines.push(`LOCATION:${escapeText(entry.location)}`);
    if (entry.categories?.length) lines.push(`CATEGORIES:${entry.categories.map(escapeText).join(',')}`);
    for (const minutes of entry.alarms ?? []) {
      lines.push(
        'BEGIN:VALARM',
        'ACTION:DISPLAY',
        `DESCRIPTION:${escapeText(entry.summary)}`,
        `TRIGGER:-PT${minutes}M`,
        'END:VALARM',
      );
    }
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}

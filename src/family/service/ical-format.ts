// Writes an iCalendar document (RFC 5545): CRLF lines folded at 75 octets, text escaped, times
// in UTC. Small enough to own rather than take a dependency for.

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
  for (const entry of input.entries) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${entry.uid}`,
      `DTSTAMP:${utc(entry.lastModified)}`,
      `LAST-MODIFIED:${utc(entry.lastModified)}`,
    );
    if (entry.recurrenceId) lines.push(`RECURRENCE-ID:${utc(entry.recurrenceId)}`);
    if (entry.allDay) {
      lines.push(`DTSTART;VALUE=DATE:${day(entry.start)}`);
      const end = entry.end ?? new Date(entry.start.getTime() + 86_400_000);
      lines.push(`DTEND;VALUE=DATE:${day(end)}`);
    } else {
      lines.push(`DTSTART:${utc(entry.start)}`);
      if (entry.end) lines.push(`DTEND:${utc(entry.end)}`);
    }
    if (entry.rrule) lines.push(`RRULE:${entry.rrule}`);
    if (entry.exdates?.length) lines.push(`EXDATE:${entry.exdates.map(utc).join(',')}`);
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

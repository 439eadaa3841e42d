// What the calendar shows: the family's own events and what other apps planned with it (a
// Hollowtown party, a meal plan), loaded for the days on screen.
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/family.ts';
import type { RequestOptions } from '../shared/api.ts';

type CalendarPage = Answer<paths, '/api/calendar', 'get'>;

/** An entry as the calendar grid shows it: the family's own event or one linked from another app. */
export interface CalendarEntry {
  key: string;
  title: string;
  start: Date;
  end: Date | null;
  allDay: boolean;
  location: string | null;
  description: string | null;
  /** "Appointment", "Birthday", or the app it comes from. */
  kind: string;
  /** Set for the family's own events, which parents and admins may delete. */
  eventId?: string;
  /** The event's IANA time zone (its times are shown in the viewer's own). */
  timeZone?: string;
  /** A recurring event's rule, and which occurrence this entry is. */
  recurrenceRule?: string | null;
  recurrenceId?: string | null;
}

const KINDS: Record<string, string> = {
  appointment: 'Appointment',
  birthday: 'Birthday',
  school: 'School',
  vacation: 'Vacation',
  other: 'Other',
};
const SOURCES: Record<string, string> = { hollowtown: 'Hollowtown', recipes: 'Meal plan' };

export const EVENT_KINDS = Object.entries(KINDS) as ReadonlyArray<readonly [string, string]>;

/** At most this many pages of 100: a month of a very busy family, without loading forever. */
const MAX_PAGES = 10;

type Api = <T>(path: string, options?: RequestOptions) => Promise<T>;

export async function loadEntries(
  api: Api,
  familyId: string,
  from: Date,
  to: Date,
  signal: AbortSignal,
): Promise<CalendarEntry[]> {
  const events: CalendarPage['items'] = [];
  let linked: CalendarPage['linked'] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await api<CalendarPage>('/api/calendar', {
      signal,
      query: { family_id: familyId, from: from.toISOString(), to: to.toISOString(), limit: 100, cursor },
    });
    events.push(...answer.items);
    if (page === 0) linked = answer.linked;
    if (!answer.next_cursor) break;
    cursor = answer.next_cursor;
  }
  const entries: CalendarEntry[] = [
    ...events.map((event) => ({
      key: `event-${event.event_id}-${event.recurrence_id ?? ''}`,
      title: event.event_name,
      start: new Date(event.start_time),
      end: event.end_time ? new Date(event.end_time) : null,
      allDay: false,
      location: event.location,
      description: event.description,
      kind: KINDS[event.event_type] ?? 'Event',
      eventId: event.event_id,
      recurrenceRule: event.recurrence_rule,
      recurrenceId: event.recurrence_id,
      timeZone: event.time_zone,
    })),
    ...linked.map((entry) => ({
      key: `${entry.source.domain}-${entry.source.id}-${entry.start}`,
      title: entry.title,
      start: new Date(entry.start),
      end: entry.end ? new Date(entry.end) : null,
      allDay: entry.all_day,
      location: entry.location,
      description: null,
      kind: `From ${SOURCES[entry.source.domain] ?? entry.source.domain}`,
    })),
  ];
  return entries.sort((a, b) => a.start.getTime() - b.start.getTime());
}

const time = (d: Date) => d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/** "(17:00 in Europe/Berlin)" for an event of another zone than the viewer's (UTC, the old default, aside), else "". */
function zoneNote(entry: CalendarEntry): string {
  const zone = entry.timeZone;
  if (!zone || zone === 'UTC' || zone === Intl.DateTimeFormat().resolvedOptions().timeZone) return '';
  const there = entry.start.toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: zone,
  });
  return ` (${there} in ${zone.replace(/_/g, ' ')})`;
}

/**
 * "18:30", "18:30–19:30" or "All day", as the calendar grid shows it, in the viewer's time zone;
 * with the end, also the start in the event's own zone when that is another.
 */
export function entryTime(entry: CalendarEntry, withEnd = false): string {
  if (entry.allDay) return 'All day';
  if (!withEnd) return time(entry.start);
  if (!entry.end) return `${time(entry.start)}${zoneNote(entry)}`;
  const sameDay = entry.end.toDateString() === entry.start.toDateString();
  const span = sameDay
    ? `${time(entry.start)}–${time(entry.end)}`
    : `${time(entry.start)} until ${entry.end.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}`;
  return `${span}${zoneNote(entry)}`;
}

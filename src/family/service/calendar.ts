// The family calendar: events any member can see, that parents and admins plan, with
// attendees among the members and reminders; read by date range. A recurring event (a series,
// RFC 5545 RRULE) is expanded into its occurrences for the range asked, with removed occurrences
// (EXDATE) left out and changed ones (RECURRENCE-ID) shown as changed. Each event has an IANA
// time zone (its own, or its family's default): a series recurs in that zone's wall-clock time,
// while the API speaks instants (ISO with Z) plus the event's time_zone.
import type { Queryable } from '../../platform/db/database.ts';
import { pageFilters } from '../../platform/http/pagination.ts';
import type { FamilyDeps } from '../deps.ts';
import { FamilyErrors } from '../errors.ts';
import {
  type AccessibleEventRow,
  countOccurrenceChanges,
  countSeries,
  deleteEvent,
  type EventChanges,
  type EventRow,
  type EventType,
  excludeOccurrence,
  findAccessibleEvent,
  insertEvent,
  listEventsInRange,
  listOverrides,
  listSeriesInRange,
  MAX_EVENT_DAYS,
  type OverrideRow,
  type Reminder,
  type SeriesChanges,
  updateEvent,
  upsertOverride,
} from '../store/events.ts';
import { findMyFamily, membersAmong } from '../store/families.ts';
import type { PageQuery } from './families.ts';
import type { CalendarSource } from './ical.ts';
import { CALENDAR, isUuid, type Page } from './pages.ts';
import {
  canonicalTimeZone,
  checkRecurrence,
  isOccurrence,
  occurrenceStarts,
  type Recurrence,
} from './recurrence.ts';
import { assertCan } from './roles.ts';
import { checkInstant } from './time.ts';

/** The longest range one calendar request may cover. */
export const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;
/** Recurring events per family, and changed or removed occurrences per recurring event. */
export const MAX_SERIES_PER_FAMILY = 200;
export const MAX_OCCURRENCE_CHANGES = 200;
/** Series one calendar request expands at most (each yields at most one page of occurrences). */
const MAX_SERIES_PER_REQUEST = 1000;

/**
 * An event as the API shows it. For an occurrence of a series, start_time and end_time (and
 * what was changed for it alone) are the occurrence's, and recurrence_id is where the rule puts
 * it; for a single event or a whole series recurrence_id is null.
 */
export interface EventView extends Omit<EventRow, 'cursor_at' | 'recurrence_last_start'> {
  recurrence_id: Date | null;
}

const eventView = ({ cursor_at: _, recurrence_last_start: __, ...event }: EventRow): EventView => ({
  ...event,
  recurrence_id: null,
});

/** Sort position of a calendar entry: start, then event id (a series has one occurrence per start). */
interface Positioned {
  /** The start as cursors carry it: UTC to the microsecond (a stored event's may use them all). */
  at: string;
  view: EventView;
}

/** A start computed in JavaScript (an occurrence), in the cursors' format. */
const cursorTimeOf = (date: Date) => date.toISOString().replace('Z', '000Z');

function occurrenceView(series: EventRow, recurrenceId: Date, override?: OverrideRow): EventView {
  const duration = series.end_time ? series.end_time.getTime() - series.start_time.getTime() : null;
  const base = eventView(series);
  if (override) {
    return {
      ...base,
      event_name: override.event_name,
      description: override.description,
      location: override.location,
      start_time: override.start_time,
      end_time: override.end_time,
      recurrence_id: recurrenceId,
    };
  }
  return {
    ...base,
    start_time: recurrenceId,
    end_time: duration === null ? null : new Date(recurrenceId.getTime() + duration),
    recurrence_id: recurrenceId,
  };
}

/** Whether [start, end) overlaps [from, to); an event without an end is a point in time. */
const overlaps = (start: Date, end: Date | null, from: Date, to: Date) =>
  start < to && ((end !== null && end > from) || start >= from);

// The same order as the SQL (start_time, event_id): the fixed-width UTC texts sort as the times.
const byPosition = (a: Positioned, b: Positioned) =>
  a.at < b.at
    ? -1
    : a.at > b.at
      ? 1
      : a.view.event_id < b.view.event_id
        ? -1
        : a.view.event_id > b.view.event_id
          ? 1
          : 0;

/** A birthday recurs every year unless the request says otherwise. */
const defaultRule = (type: EventType) => (type === 'birthday' ? 'FREQ=YEARLY' : null);

export interface OccurrenceChanges {
  event_name?: string;
  description?: string | null;
  start_time?: string;
  end_time?: string | null;
  location?: string | null;
}

export interface NewEvent {
  family_id: string;
  event_name: string;
  event_type: EventType;
  description?: string | null;
  start_time: string;
  end_time?: string | null;
  location?: string | null;
  attendees?: string[];
  reminders?: Reminder[];
  /** An RRULE value (FREQ=WEEKLY;BYDAY=MO); null for a single event. Birthdays default to yearly. */
  recurrence_rule?: string | null;
  /** An IANA time zone; the family's default_time_zone when not given. */
  time_zone?: string;
}

export interface EventUpdate extends EventChanges {
  recurrence_rule?: string | null;
}

/** The canonical name of a time zone from a request, or 400 INVALID_TIME_ZONE. */
function timeZoneOf(field: string, name: string): string {
  const zone = canonicalTimeZone(name);
  if (!zone) throw FamilyErrors.invalidTimeZone(field, name);
  return zone;
}

/** An end, when there is one, is not before the start and at most MAX_EVENT_DAYS after it. */
function checkSpan(start: string | Date, end: string | Date | null): void {
  if (end === null) return;
  const span = new Date(end).getTime() - new Date(start).getTime();
  if (span < 0) throw FamilyErrors.invalidTimeRange('end_time must not be before start_time');
  if (span > MAX_EVENT_DAYS * DAY_MS) {
    throw FamilyErrors.invalidTimeRange(`An event lasts at most ${MAX_EVENT_DAYS} days`);
  }
}

export type CalendarService = ReturnType<typeof createCalendarService>;

export interface LinkedEntry {
  source: { domain: string; id: string };
  title: string;
  start: Date;
  end: Date | null;
  all_day: boolean;
  location: string | null;
}

export function createCalendarService(deps: FamilyDeps, sources: () => CalendarSource[] = () => []) {
  const { db } = deps;

  async function eventOf(userId: string, eventId: string): Promise<AccessibleEventRow> {
    const event = isUuid(eventId) ? await findAccessibleEvent(db, eventId, userId) : undefined;
    if (!event) throw FamilyErrors.eventNotFound();
    return event;
  }

  /** Attendees must be members; their rows stay share-locked until the write commits. */
  async function checkAttendees(tx: Queryable, familyId: string, attendees: string[]): Promise<void> {
    const members = await membersAmong(tx, familyId, attendees, { lock: true });
    const strangers = attendees.filter((id) => !members.has(id));
    if (strangers.length > 0) throw FamilyErrors.attendeeNotMember(strangers);
  }

  /**
   * Occurrences of the series the user sees that overlap [from, to) and come after the page
   * position: at most `limit` per series, so a request expands a bounded number of them.
   */
  async function expandSeries(query: {
    userId: string;
    familyId?: string;
    attendee?: string;
    from: Date;
    to: Date;
    limit: number;
    after?: { at: Date; id: string };
  }): Promise<Positioned[]> {
    const series = await listSeriesInRange(db, {
      userId: query.userId,
      familyId: query.familyId,
      attendee: query.attendee,
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      limit: MAX_SERIES_PER_REQUEST,
    });
    const overrides = new Map<string, OverrideRow[]>();
    for (const override of await listOverrides(
      db,
      series.map((s) => s.event_id),
    )) {
      overrides.set(override.event_id, [...(overrides.get(override.event_id) ?? []), override]);
    }
    const { after } = query;
    const isAfter = (at: Date, id: string) =>
      !after || at.getTime() > after.at.getTime() || (at.getTime() === after.at.getTime() && id > after.id);
    const found: Positioned[] = [];
    for (const event of series) {
      const changed = new Map(
        (overrides.get(event.event_id) ?? []).map((o) => [o.recurrence_id.getTime(), o]),
      );
      const skip = new Set([...event.recurrence_exdates.map((d) => d.getTime()), ...changed.keys()]);
      const duration = event.end_time ? event.end_time.getTime() - event.start_time.getTime() : 0;
      // An occurrence that started before `from` may still be going on.
      const from = new Date(query.from.getTime() - duration + (duration > 0 ? 1 : 0));
      const ownAfter = after && (after.id < event.event_id ? new Date(after.at.getTime() - 1) : after.at);
      const starts = occurrenceStarts(event.recurrence_rule as string, event.start_time, {
        from,
        to: query.to,
        limit: query.limit,
        skip,
        after: ownAfter && ownAfter >= from ? ownAfter : undefined,
        zone: event.time_zone,
      });
      const views = starts.map((start) => occurrenceView(event, start));
      for (const override of changed.values()) {
        if (overlaps(override.start_time, override.end_time, query.from, query.to)) {
          views.push(occurrenceView(event, override.recurrence_id, override));
        }
      }
      for (const view of views) {
        if (isAfter(view.start_time, event.event_id)) found.push({ at: cursorTimeOf(view.start_time), view });
      }
    }
    return found;
  }

  /** A checked rule for a series starting at `start` in `zone`, or null for a single event. */
  function recurrenceOf(rule: string | null, start: string | Date, zone: string): Recurrence | null {
    return rule === null ? null : checkRecurrence(rule, new Date(start), zone);
  }

  /** Throws unless `at` is an occurrence of this series (one already removed is not). */
  function checkOccurrence(event: EventRow, at: string): Date {
    if (!event.recurrence_rule) throw FamilyErrors.notRecurring();
    const time = Date.parse(at);
    const date = new Date(time);
    if (
      Number.isNaN(time) ||
      !isOccurrence(event.recurrence_rule, event.start_time, date, event.recurrence_exdates, event.time_zone)
    ) {
      throw FamilyErrors.occurrenceNotFound();
    }
    return date;
  }

  return {
    async calendar(
      userId: string,
      query: PageQuery & { family_id?: string; from: string; to: string; attendee?: string },
    ): Promise<Page<EventView> & { linked: LinkedEntry[] }> {
      const from = checkInstant('querystring.from', query.from);
      const to = checkInstant('querystring.to', query.to);
      const span = Date.parse(to) - Date.parse(from);
      if (span <= 0) throw FamilyErrors.invalidCalendarRange('to must be after from');
      if (span > MAX_RANGE_DAYS * DAY_MS) {
        throw FamilyErrors.invalidCalendarRange(`A calendar range covers at most ${MAX_RANGE_DAYS} days`);
      }
      if (query.family_id && !(await findMyFamily(db, query.family_id, userId))) {
        throw FamilyErrors.familyNotFound();
      }
      const filters = pageFilters(query);
      const after = CALENDAR.decode(query.cursor, filters);
      const rows = await listEventsInRange(db, {
        userId,
        familyId: query.family_id,
        from,
        to,
        attendee: query.attendee,
        limit: query.limit,
        after,
      });
      const entries: Positioned[] = rows.map((row) => ({ at: row.cursor_at, view: eventView(row) }));
      entries.push(
        ...(await expandSeries({
          userId,
          familyId: query.family_id,
          attendee: query.attendee,
          from: new Date(from),
          to: new Date(to),
          limit: query.limit + 1,
          after: after && { at: new Date(after.at), id: after.id },
        })),
      );
      entries.sort(byPosition);
      const page = CALENDAR.page(
        entries.slice(0, query.limit + 1),
        query.limit,
        (entry) => entry.view,
        (entry) => ({ at: entry.at, id: entry.view.event_id }),
        filters,
      );
      // Other apps' entries of one family come with the first page (they are few and unpaged).
      const linked: LinkedEntry[] = [];
      if (query.family_id && !query.cursor) {
        for (const source of sources()) {
          try {
            for (const entry of await source(query.family_id, new Date(from), new Date(to))) {
              if (!entry.source) continue;
              linked.push({
                source: entry.source,
                title: entry.summary,
                start: entry.start,
                end: entry.end,
                all_day: entry.allDay ?? false,
                location: entry.location ?? null,
              });
            }
          } catch (error) {
            deps.logger.warn({ err: error }, 'a calendar source failed');
          }
        }
      }
      return { ...page, linked };
    },

    async createEvent(userId: string, input: NewEvent): Promise<EventView> {
      const family = await findMyFamily(db, input.family_id, userId);
      if (!family) throw FamilyErrors.familyNotFound();
      assertCan(family.my_role, 'manageEvents');
      const start = checkInstant('body.start_time', input.start_time);
      const end = input.end_time ? checkInstant('body.end_time', input.end_time) : null;
      checkSpan(start, end);
      const attendees = input.attendees ?? [];
      const zone =
        input.time_zone === undefined
          ? family.default_time_zone
          : timeZoneOf('body.time_zone', input.time_zone);
      const recurrence = recurrenceOf(
        input.recurrence_rule === undefined ? defaultRule(input.event_type) : input.recurrence_rule,
        start,
        zone,
      );
      return db.transaction(async (tx) => {
        await checkAttendees(tx, input.family_id, attendees);
        if (recurrence && (await countSeries(tx, input.family_id)) >= MAX_SERIES_PER_FAMILY) {
          throw FamilyErrors.recurringLimit(MAX_SERIES_PER_FAMILY);
        }
        return eventView(
          await insertEvent(tx, {
            familyId: input.family_id,
            name: input.event_name,
            type: input.event_type,
            description: input.description ?? null,
            startTime: start,
            endTime: end,
            location: input.location ?? null,
            attendees,
            reminders: input.reminders ?? [],
            timeZone: zone,
            recurrenceRule: recurrence?.rule ?? null,
            recurrenceLastStart: recurrence?.lastStart ?? null,
            createdBy: userId,
          }),
        );
      });
    },

    async getEvent(userId: string, eventId: string): Promise<EventView> {
      return eventView(await eventOf(userId, eventId));
    },

    async updateEvent(userId: string, eventId: string, update: EventUpdate): Promise<EventView> {
      const { recurrence_rule: rule, ...changes } = update;
      const event = await eventOf(userId, eventId);
      assertCan(event.my_role, 'manageEvents');
      if (changes.start_time !== undefined) checkInstant('body.start_time', changes.start_time);
      if (changes.end_time) checkInstant('body.end_time', changes.end_time);
      if (changes.time_zone !== undefined)
        changes.time_zone = timeZoneOf('body.time_zone', changes.time_zone);
      return db.transaction(async (tx) => {
        // Locked, so the span checked here is the span written.
        const current = await findAccessibleEvent(tx, event.event_id, userId, { lock: true });
        if (!current) throw FamilyErrors.eventNotFound();
        assertCan(current.my_role, 'manageEvents');
        checkSpan(
          changes.start_time ?? current.start_time,
          changes.end_time === undefined ? current.end_time : changes.end_time,
        );
        if (changes.attendees) await checkAttendees(tx, current.family_id, changes.attendees);
        // A new rule, start or time zone re-plans the series: its removed and changed occurrences go.
        let series: SeriesChanges | undefined;
        const newRule = rule === undefined ? current.recurrence_rule : rule;
        const moved =
          changes.start_time !== undefined ||
          (changes.time_zone !== undefined && changes.time_zone !== current.time_zone);
        if (rule !== undefined || (moved && current.recurrence_rule)) {
          const recurrence = recurrenceOf(
            newRule,
            changes.start_time ?? current.start_time,
            changes.time_zone ?? current.time_zone,
          );
          if (
            recurrence &&
            !current.recurrence_rule &&
            (await countSeries(tx, current.family_id)) >= MAX_SERIES_PER_FAMILY
          ) {
            throw FamilyErrors.recurringLimit(MAX_SERIES_PER_FAMILY);
          }
          series = {
            recurrence_rule: recurrence?.rule ?? null,
            recurrence_last_start: recurrence?.lastStart ?? null,
          };
        }
        return eventView(await updateEvent(tx, current.event_id, changes, series));
      });
    },

    /**
     * Changes one occurrence of a series (what is not sent stays as the series has it), or
     * changes it again. `recurrenceId` is where the rule puts the occurrence.
     */
    async changeOccurrence(
      userId: string,
      eventId: string,
      recurrenceId: string,
      changes: OccurrenceChanges,
    ): Promise<EventView> {
      const event = await eventOf(userId, eventId);
      assertCan(event.my_role, 'manageEvents');
      if (changes.start_time !== undefined) checkInstant('body.start_time', changes.start_time);
      if (changes.end_time) checkInstant('body.end_time', changes.end_time);
      return db.transaction(async (tx) => {
        const current = await findAccessibleEvent(tx, event.event_id, userId, { lock: true });
        if (!current) throw FamilyErrors.eventNotFound();
        const at = checkOccurrence(current, recurrenceId);
        const [existing] = (await listOverrides(tx, [current.event_id])).filter(
          (o) => o.recurrence_id.getTime() === at.getTime(),
        );
        if (!existing && (await countOccurrenceChanges(tx, current.event_id)) >= MAX_OCCURRENCE_CHANGES) {
          throw FamilyErrors.overrideLimit(MAX_OCCURRENCE_CHANGES);
        }
        const before = existing ?? occurrenceView(current, at);
        const start = changes.start_time === undefined ? before.start_time : new Date(changes.start_time);
        const end =
          changes.end_time === undefined
            ? before.end_time
            : changes.end_time === null
              ? null
              : new Date(changes.end_time);
        checkSpan(start, end);
        if (Math.abs(start.getTime() - at.getTime()) > MAX_EVENT_DAYS * DAY_MS) {
          throw FamilyErrors.invalidTimeRange(`An occurrence moves at most ${MAX_EVENT_DAYS} days`);
        }
        const saved = await upsertOverride(tx, {
          event_id: current.event_id,
          recurrence_id: at,
          event_name: changes.event_name ?? before.event_name,
          description: changes.description === undefined ? before.description : changes.description,
          location: changes.location === undefined ? before.location : changes.location,
          start_time: start,
          end_time: end,
          updated_at: deps.now(),
        });
        return occurrenceView(current, at, saved);
      });
    },

    /** Removes one occurrence of a series (an EXDATE), with any change made to it. */
    async removeOccurrence(userId: string, eventId: string, recurrenceId: string): Promise<void> {
      const event = await eventOf(userId, eventId);
      assertCan(event.my_role, 'manageEvents');
      await db.transaction(async (tx) => {
        const current = await findAccessibleEvent(tx, event.event_id, userId, { lock: true });
        if (!current) throw FamilyErrors.eventNotFound();
        const at = checkOccurrence(current, recurrenceId);
        const isChanged = (await listOverrides(tx, [current.event_id])).some(
          (o) => o.recurrence_id.getTime() === at.getTime(),
        );
        if (!isChanged && (await countOccurrenceChanges(tx, current.event_id)) >= MAX_OCCURRENCE_CHANGES) {
          throw FamilyErrors.overrideLimit(MAX_OCCURRENCE_CHANGES);
        }
        await excludeOccurrence(tx, current.event_id, at);
      });
    },

    async deleteEvent(userId: string, eventId: string): Promise<void> {
      const event = await eventOf(userId, eventId);
      assertCan(event.my_role, 'manageEvents');
      await deleteEvent(db, event.event_id);
    },
  };
}

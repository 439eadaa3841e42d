// The family calendar: events any member can see, that parents and admins plan, with
// attendees among the members and reminders; read by date range.
import type { Queryable } from '../../platform/db/database.ts';
import type { FamilyDeps } from '../deps.ts';
import { FamilyErrors } from '../errors.ts';
import {
  type AccessibleEventRow,
  deleteEvent,
  type EventChanges,
  type EventRow,
  type EventType,
  findAccessibleEvent,
  insertEvent,
  listEventsInRange,
  MAX_EVENT_DAYS,
  type Reminder,
  updateEvent,
} from '../store/events.ts';
import { findMyFamily, membersAmong } from '../store/families.ts';
import type { PageQuery } from './families.ts';
import type { CalendarSource } from './ical.ts';
import { isUuid, type Page, pageOf, positionOf } from './pages.ts';
import { assertCan } from './roles.ts';
import { checkInstant } from './time.ts';

/** The longest range one calendar request may cover. */
export const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;

export type EventView = Omit<EventRow, 'cursor_at'>;

const eventView = ({ cursor_at: _, ...event }: EventRow): EventView => event;

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
      const rows = await listEventsInRange(db, {
        userId,
        familyId: query.family_id,
        from,
        to,
        attendee: query.attendee,
        limit: query.limit,
        after: positionOf(query.cursor),
      });
      const page = pageOf(rows, query.limit, (row) => row.event_id, eventView);
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
      return db.transaction(async (tx) => {
        await checkAttendees(tx, input.family_id, attendees);
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
            createdBy: userId,
          }),
        );
      });
    },

    async getEvent(userId: string, eventId: string): Promise<EventView> {
      return eventView(await eventOf(userId, eventId));
    },

    async updateEvent(userId: string, eventId: string, changes: EventChanges): Promise<EventView> {
      const event = await eventOf(userId, eventId);
      assertCan(event.my_role, 'manageEvents');
      if (changes.start_time !== undefined) checkInstant('body.start_time', changes.start_time);
      if (changes.end_time) checkInstant('body.end_time', changes.end_time);
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
        return eventView(await updateEvent(tx, current.event_id, changes));
      });
    },

    async deleteEvent(userId: string, eventId: string): Promise<void> {
      const event = await eventOf(userId, eventId);
      assertCan(event.my_role, 'manageEvents');
      await deleteEvent(db, event.event_id);
    },
  };
}

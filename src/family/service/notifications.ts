// Reminders and the in-app notifications they become. A job driven by the service clock looks
// for reminders whose time has come (an event's, or an occurrence's of a recurring event, or an
// open todo's before its due date) and writes one notification per member it concerns, once:
// a reminder that came due while nothing ran fires late, up to LOOKBACK_MS late. New
// notifications are published per member, for their live stream.
import type { NotifyHub } from '../../platform/db/notify-hub.ts';
import type { FamilyDeps } from '../deps.ts';
import { FamilyErrors } from '../errors.ts';
import { listOverrides } from '../store/events.ts';
import {
  countUnread,
  eventsWithRemindersBetween,
  findNotification,
  insertNotifications,
  itemsWithRemindersBetween,
  listNotifications,
  markRead,
  membersOfFamilies,
  type NewNotification,
  type NotificationRow,
  pruneNotifications,
  type ReminderEventRow,
  saveReminderSchedule,
  seriesDueForReminders,
} from '../store/notifications.ts';
import { isUuid, NOTIFICATIONS } from './pages.ts';
import type { PushService } from './push.ts';
import { occurrenceStarts } from './recurrence.ts';

/** How late a reminder may still fire (the job runs far more often). */
export const LOOKBACK_MS = 60 * 60_000;
/** The furthest ahead a reminder may be set (the schemas' MAX_REMINDER_MINUTES: four weeks). */
const MAX_AHEAD_MS = 40_320 * 60_000;
/** Occurrences of one series a run looks at. */
const MAX_OCCURRENCES_PER_SERIES = 100;
/**
 * How far past now a run looks for a series' next reminder: a series with none in that span is
 * looked at again when the span ends (so about once a week for a series whose reminders are far
 * apart, instead of on every run).
 */
export const SCHEDULE_SPAN_MS = 7 * 86_400_000;
/** How long notifications are kept, read or not. */
export const NOTIFICATION_RETENTION_DAYS = 90;
/** Notifications one run of the pruning job deletes at most. */
const PRUNE_BATCH = 5000;

export type NotificationView = Omit<NotificationRow, 'user_id'>;

const view = ({ user_id: _, ...row }: NotificationRow): NotificationView => row;

/**
 * The job: writes the notifications whose time has come; resolves with how many it wrote. Each
 * new one is also handed to `push` (Web Push to the member's browsers), which returns at once.
 */
export function createReminderJob(deps: FamilyDeps, hub: NotifyHub, push?: Pick<PushService, 'deliver'>) {
  const { db } = deps;

  return async function runReminders(): Promise<number> {
    const now = deps.now();
    const from = new Date(now.getTime() - LOOKBACK_MS);
    const horizon = new Date(now.getTime() + MAX_AHEAD_MS);
    const due: { familyId: string; recipients: string[] | null; row: Omit<NewNotification, 'user_id'> }[] =
      [];
    /** Each reminder of something starting at `at` that fires in (from, now]. */
    const fire = (
      at: Date,
      reminders: { minutes_before: number }[],
      make: (minutes: number, fireAt: Date) => void,
    ) => {
      for (const { minutes_before: minutes } of reminders) {
        const fireAt = new Date(at.getTime() - minutes * 60_000);
        if (fireAt > from && fireAt <= now) make(minutes, fireAt);
      }
    };
    const eventReminder = (event: ReminderEventRow, at: Date, title: string) =>
      fire(at, event.reminders, (minutes, fireAt) =>
        due.push({
          familyId: event.family_id,
          recipients: event.attendees.length > 0 ? event.attendees : null,
          row: {
            family_id: event.family_id,
            kind: 'event_reminder',
            subject_id: event.event_id,
            occurrence_at: at,
            minutes_before: minutes,
            title,
            fire_at: fireAt,
            created_at: now,
          },
        }),
      );

    for (const event of await eventsWithRemindersBetween(db, from, horizon)) {
      eventReminder(event, event.start_time, event.event_name);
    }
    // Recurring events: only those whose schedule says their next reminder has come (or that
    // have none yet) are expanded; for each, the next reminder's time is written back.
    const series = await seriesDueForReminders(db, now, from);
    const overrides = await listOverrides(
      db,
      series.map((s) => s.event_id),
    );
    const schedule: { eventId: string; nextAt: Date }[] = [];
    for (const event of series) {
      const latest = Math.max(...event.reminders.map((r) => r.minutes_before)) * 60_000;
      const until = new Date(now.getTime() + latest + SCHEDULE_SPAN_MS);
      let nextAt = new Date(now.getTime() + SCHEDULE_SPAN_MS);
      const consider = (at: Date, title: string) => {
        eventReminder(event, at, title);
        for (const { minutes_before: minutes } of event.reminders) {
          const fireAt = new Date(at.getTime() - minutes * 60_000);
          if (fireAt > now && fireAt < nextAt) nextAt = fireAt;
        }
      };
      const changed = overrides.filter((o) => o.event_id === event.event_id);
      const skip = new Set([
        ...event.recurrence_exdates.map((d) => d.getTime()),
        ...changed.map((o) => o.recurrence_id.getTime()),
      ]);
      const starts = occurrenceStarts(event.recurrence_rule as string, event.start_time, {
        from: new Date(from.getTime() + 1),
        to: new Date(until.getTime() + 1),
        limit: MAX_OCCURRENCES_PER_SERIES,
        skip,
        zone: event.time_zone,
      });
      for (const start of starts) consider(start, event.event_name);
      for (const override of changed) {
        if (override.start_time > from && override.start_time <= until) {
          consider(override.start_time, override.event_name);
        }
      }
      schedule.push({ eventId: event.event_id, nextAt });
    }
    for (const item of await itemsWithRemindersBetween(db, from, horizon)) {
      const at = item.due_on ? new Date(`${item.due_on}T00:00:00Z`) : (item.due_date as Date);
      const recipients = item.assigned_to
        ? [item.assigned_to]
        : item.list_type === 'personal' && item.list_owner
          ? [item.list_owner]
          : null;
      fire(at, item.reminders, (minutes, fireAt) =>
        due.push({
          familyId: item.family_id,
          recipients,
          row: {
            family_id: item.family_id,
            kind: 'todo_reminder',
            subject_id: item.item_id,
            occurrence_at: at,
            minutes_before: minutes,
            title: item.title,
            fire_at: fireAt,
            created_at: now,
          },
        }),
      );
    }
    // Written after the notifications: a run that fails before them leaves the series due.
    const saveSchedule = () => saveReminderSchedule(db, schedule, now);
    if (due.length === 0) {
      await saveSchedule();
      return 0;
    }
    // Only current members are reminded (attendees and assignees are members; this is the check).
    const members = await membersOfFamilies(db, [...new Set(due.map((d) => d.familyId))]);
    const rows: NewNotification[] = due.flatMap(({ familyId, recipients, row }) => {
      const family = members.get(familyId) ?? [];
      return (recipients ?? family)
        .filter((id) => family.includes(id))
        .map((userId) => ({ ...row, user_id: userId }));
    });
    const inserted = await insertNotifications(db, rows);
    await saveSchedule();
    for (const row of inserted) {
      hub.publish(row.user_id, { notification_id: row.notification_id }).catch((error: unknown) => {
        deps.logger.warn({ err: error }, 'notification notify failed');
      });
    }
    push?.deliver(inserted);
    return inserted.length;
  };
}

/** The job that deletes notifications older than NOTIFICATION_RETENTION_DAYS; resolves with how many. */
export function createNotificationPruning(deps: FamilyDeps) {
  return async function pruneOld(): Promise<number> {
    const before = new Date(deps.now().getTime() - NOTIFICATION_RETENTION_DAYS * 86_400_000);
    return pruneNotifications(deps.db, before, PRUNE_BATCH);
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;

export function createNotificationService(deps: FamilyDeps, hub: NotifyHub) {
  const { db } = deps;

  return {
    async list(userId: string, query: { limit: number; cursor?: string; unread?: boolean }) {
      // unread=false is the whole list, as without the filter.
      const filters = { unread: query.unread === true || undefined };
      const after = NOTIFICATIONS.decode(query.cursor, filters);
      const rows = await listNotifications(db, userId, {
        limit: query.limit,
        before: after?.seq,
        unreadOnly: query.unread,
      });
      const page = NOTIFICATIONS.page(rows, query.limit, view, (row) => ({ seq: Number(row.seq) }), filters);
      return { ...page, unread_count: await countUnread(db, userId) };
    },

    /**
     * Marks one notification read, or all of them without an id; answers the unread count and
     * when it was read (for all: the time stamped on those not read before), so a page shows the
     * server's time, not its own clock's.
     */
    async read(userId: string, notificationId?: string) {
      const at = deps.now();
      let readBefore: Date | string | null = null;
      if (notificationId !== undefined) {
        const found = isUuid(notificationId) ? await findNotification(db, userId, notificationId) : undefined;
        if (!found) throw FamilyErrors.notificationNotFound();
        readBefore = found.read_at;
      }
      await markRead(db, userId, at, notificationId);
      return { unread_count: await countUnread(db, userId), read_at: readBefore ?? at };
    },

    /**
     * Calls `deliver` with each new notification of the user, in order, while they are still a
     * member of its family (checked when it is delivered, as the family's lists re-check access);
     * resolves once listening.
     */
    async follow(userId: string, deliver: (notification: NotificationView) => void): Promise<() => void> {
      let chain = Promise.resolve();
      return hub.subscribe(userId, (payload) => {
        const id = payload.notification_id;
        if (typeof id !== 'string') return;
        chain = chain
          .then(async () => {
            // Found only while the user is a member of its family.
            const row = await findNotification(db, userId, id);
            if (row) deliver(view(row));
          })
          .catch((error: unknown) => deps.logger.warn({ err: error }, 'notification delivery failed'));
      });
    },
  };
}

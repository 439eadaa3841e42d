// Private iCal feeds: a member asks for a secret URL that calendar apps subscribe to; whoever
// holds it reads the family's calendar (its own events and what other apps put there) until it
// is revoked. Only a hash of the secret is stored.
import { createHash } from 'node:crypto';
import { hashToken, randomToken } from '../../platform/crypto/tokens.ts';
import type { FamilyDeps } from '../deps.ts';
import { CalendarFeedErrors, FamilyErrors } from '../errors.ts';
import { listOverrides } from '../store/events.ts';
import { findRole } from '../store/families.ts';
import {
  familyEventsBetween,
  familySeriesBetween,
  findLiveFeed,
  insertFeed,
  listFeeds,
  recordFeedContent,
  revokeFeed,
} from '../store/ical.ts';
import { createFamilyEntitlements } from './entitlements.ts';
import { type CalendarEntry, renderCalendar } from './ical-format.ts';
import { isUuid } from './pages.ts';

/**
 * What the feed covers: a year back and a year ahead. A subscribed calendar is one people keep,
 * so last October's party must still be there in December (calendar apps drop what a feed no
 * longer lists).
 */
const PAST_DAYS = 366;
const FUTURE_DAYS = 366;
const MAX_FEED_EVENTS = 5000;

/** A feed's document with what HTTP caches and calendar apps revalidate it by. */
export interface RenderedFeed {
  document: string;
  /** A strong validator: the document's SHA-256. */
  etag: string;
  /** When the document last changed (as first noticed), to the second. */
  lastModified: Date;
}

/** Entries of other apps (a Hollowtown party, a meal plan) for a family's calendar. */
export type CalendarSource = (familyId: string, from: Date, to: Date) => Promise<CalendarEntry[]>;

export function createIcalService(deps: FamilyDeps, sources: () => CalendarSource[]) {
  const { db } = deps;
  const entitlements = createFamilyEntitlements(deps);

  async function memberRole(userId: string, familyId: string) {
    if (!isUuid(familyId)) throw FamilyErrors.familyNotFound();
    const role = await findRole(db, familyId, userId);
    if (!role) throw FamilyErrors.familyNotFound();
    return role;
  }

  return {
    /** `base`: where the family API answers for this client (origin, plus /family on a shared host). */
    async create(userId: string, familyId: string, base: string) {
      await memberRole(userId, familyId);
      await entitlements.assertSharedCalendars(familyId);
      const token = randomToken(32);
      const feed = await insertFeed(db, familyId, hashToken(token), userId);
      return {
        feed_id: feed.feed_id,
        url: `${base}/ical/${token}.ics`,
        created_at: feed.created_at,
      };
    },

    async list(userId: string, familyId: string) {
      await memberRole(userId, familyId);
      return (await listFeeds(db, familyId)).map((feed) => ({
        feed_id: feed.feed_id,
        created_by: feed.created_by,
        created_at: feed.created_at,
        revoked_at: feed.revoked_at,
      }));
    },

    /** Admins revoke any feed of the family; other members their own. */
    async revoke(userId: string, familyId: string, feedId: string) {
      const role = await memberRole(userId, familyId);
      if (!isUuid(feedId)) throw CalendarFeedErrors.feedNotFound();
      const feed = (await listFeeds(db, familyId)).find((f) => f.feed_id === feedId);
      if (!feed || (role !== 'admin' && feed.created_by !== userId)) throw CalendarFeedErrors.feedNotFound();
      if (!(await revokeFeed(db, familyId, feedId, deps.now()))) throw CalendarFeedErrors.feedNotFound();
    },

    /** The calendar document behind a secret, or 404 for an unknown or revoked one. */
    async render(token: string): Promise<RenderedFeed> {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw CalendarFeedErrors.feedNotFound();
      const feed = await findLiveFeed(db, hashToken(token));
      if (!feed) throw CalendarFeedErrors.feedNotFound();
      // A feed made under a plan that has since lapsed serves again once the plan is back.
      await entitlements.assertSharedCalendars(feed.family_id);
      const now = deps.now().getTime();
      const from = new Date(now - PAST_DAYS * 86_400_000);
      const to = new Date(now + FUTURE_DAYS * 86_400_000);
      const events = await familyEventsBetween(db, feed.family_id, from, to, MAX_FEED_EVENTS);
      const series = await familySeriesBetween(db, feed.family_id, from, to, MAX_FEED_EVENTS);
      const entryOf = (event: (typeof events)[number]): CalendarEntry => ({
        uid: `${event.event_id}@family.calos`,
        start: event.start_time,
        end: event.end_time,
        summary: event.event_name,
        description: event.description,
        location: event.location,
        lastModified: event.updated_at,
        categories: [event.event_type],
        alarms: event.reminders.map((r) => r.minutes_before),
        timeZone: event.time_zone,
      });
      const entries: CalendarEntry[] = events.map(entryOf);
      // A series goes whole, with its RRULE and EXDATEs: calendar apps expand it themselves.
      const seriesById = new Map(series.map((event) => [event.event_id, event]));
      for (const event of series) {
        entries.push({
          ...entryOf(event),
          rrule: event.recurrence_rule ?? undefined,
          exdates: event.recurrence_exdates,
        });
      }
      for (const override of await listOverrides(db, [...seriesById.keys()])) {
        const event = seriesById.get(override.event_id);
        if (!event) continue;
        entries.push({
          ...entryOf(event),
          recurrenceId: override.recurrence_id,
          start: override.start_time,
          end: override.end_time,
          summary: override.event_name,
          description: override.description,
          location: override.location,
          lastModified: event.updated_at,
        });
      }
      for (const source of sources()) {
        try {
          entries.push(...(await source(feed.family_id, from, to)));
        } catch (error) {
          // A feed still serves the family's own events when another app is unreachable.
          deps.logger.warn({ err: error }, 'a calendar source failed for an iCal feed');
        }
      }
      entries.sort((a, b) => a.start.getTime() - b.start.getTime() || a.uid.localeCompare(b.uid));
      const document = renderCalendar({ name: feed.family_name, entries });
      const hash = createHash('sha256').update(document).digest('hex');
      let lastModified = feed.content_changed_at;
      if (hash !== feed.content_hash || !lastModified) {
        lastModified = new Date(Math.floor(now / 1000) * 1000);
        await recordFeedContent(db, feed.feed_id, hash, lastModified);
      }
      return { document, etag: `"${hash.slice(0, 32)}"`, lastModified };
    },
  };
}

export type IcalService = ReturnType<typeof createIcalService>;

// Private iCal feeds of a family: the secret is only ever stored as a hash.
import type { Queryable } from '../../platform/db/database.ts';
import type { EventRow } from './events.ts';
import type { Tables } from './tables.ts';

export type FeedRow = Pick<
  Tables['family_ical_feeds'],
  'feed_id' | 'family_id' | 'created_by' | 'created_at' | 'revoked_at'
>;

export async function insertFeed(
  db: Queryable,
  familyId: string,
  tokenHash: string,
  createdBy: string,
): Promise<FeedRow> {
  const { rows } = await db.query<FeedRow>(
    `INSERT INTO family_ical_feeds (family_id, token_hash, created_by) VALUES ($1, $2, $3)
     RETURNING feed_id, family_id, created_by, created_at, revoked_at`,
    [familyId, tokenHash, createdBy],
  );
  return rows[0] as FeedRow;
}

export async function listFeeds(db: Queryable, familyId: string): Promise<FeedRow[]> {
  const { rows } = await db.query<FeedRow>(
    `SELECT feed_id, family_id, created_by, created_at, revoked_at FROM family_ical_feeds
     WHERE family_id = $1 ORDER BY created_at DESC LIMIT 50`,
    [familyId],
  );
  return rows;
}

export async function revokeFeed(
  db: Queryable,
  familyId: string,
  feedId: string,
  at: Date,
): Promise<boolean> {
  const result = await db.query(
    'UPDATE family_ical_feeds SET revoked_at = $3 WHERE family_id = $1 AND feed_id = $2 AND revoked_at IS NULL',
    [familyId, feedId, at],
  );
  return result.rowCount > 0;
}

export interface LiveFeed {
  feed_id: string;
  family_id: string;
  family_name: string;
  /** SHA-256 (hex) of the document last served, and when it last changed. */
  content_hash: string | null;
  content_changed_at: Date | null;
}

/** The family of a live feed, with its name: not revoked, and its creator still a member. */
export async function findLiveFeed(db: Queryable, tokenHash: string): Promise<LiveFeed | undefined> {
  const { rows } = await db.query<LiveFeed>(
    `SELECT f.feed_id, f.family_id, fam.family_name, f.content_hash, f.content_changed_at
     FROM family_ical_feeds f JOIN families fam ON fam.family_id = f.family_id
     WHERE f.token_hash = $1 AND f.revoked_at IS NULL
       AND EXISTS (SELECT 1 FROM family_members m WHERE m.family_id = f.family_id AND m.user_id = f.created_by)`,
    [tokenHash],
  );
  return rows[0];
}

/** Records a new version of what the feed serves (only when it differs from the last one). */
export async function recordFeedContent(
  db: Queryable,
  feedId: string,
  contentHash: string,
  changedAt: Date,
): Promise<void> {
  await db.query(
    `UPDATE family_ical_feeds SET content_hash = $2, content_changed_at = $3
     WHERE feed_id = $1 AND content_hash IS DISTINCT FROM $2`,
    [feedId, contentHash, changedAt],
  );
}

export async function familyEventsBetween(
  db: Queryable,
  familyId: string,
  from: Date,
  to: Date,
  limit: number,
): Promise<Omit<EventRow, 'cursor_at'>[]> {
  const { rows } = await db.query<Omit<EventRow, 'cursor_at'>>(
    `SELECT event_id, family_id, event_name, event_type, description, start_time, end_time, location, attendees,
            reminders, time_zone, recurrence_rule, recurrence_exdates, recurrence_last_start, created_by, created_at, updated_at
     FROM family_events WHERE family_id = $1 AND recurrence_rule IS NULL
       AND start_time < $3 AND coalesce(end_time, start_time) >= $2
     ORDER BY start_time LIMIT $4`,
    [familyId, from, to, limit],
  );
  return rows;
}

/** Recurring events of the family with occurrences in [from, to): started before it ends, not ended before. */
export async function familySeriesBetween(
  db: Queryable,
  familyId: string,
  from: Date,
  to: Date,
  limit: number,
): Promise<Omit<EventRow, 'cursor_at'>[]> {
  const { rows } = await db.query<Omit<EventRow, 'cursor_at'>>(
    `SELECT event_id, family_id, event_name, event_type, description, start_time, end_time, location, attendees,
            reminders, time_zone, recurrence_rule, recurrence_exdates, recurrence_last_start, created_by, created_at, updated_at
     FROM family_events WHERE family_id = $1 AND recurrence_rule IS NOT NULL AND start_time < $3
       AND (recurrence_last_start IS NULL OR recurrence_last_start >= $2)
     ORDER BY start_time LIMIT $4`,
    [familyId, from, to, limit],
  );
  return rows;
}

// votes, vote_tallies, reports, moderation_items and moderation_decisions: the same tables in
// each app's own database (hollowtown_db, recipes_db), written only by that app (or by the
// operator's `calos moderation` on it).
import type { Queryable } from '../platform/db/database.ts';
import { cursorTime, keysetSql, Params } from '../platform/db/sql.ts';

/** comment: a comment on a published recipe (HowToCookAtHome), reported and moderated, never voted on. */
export type ItemKind = 'recipe' | 'costume' | 'plan' | 'comment';
export type ModerationState = 'hidden' | 'restored' | 'removed';

export interface VoteSummaryRow {
  item_id: string;
  votes: number;
  has_voted: boolean;
  state: ModerationState | null;
  reason: string | null;
}

/**
 * Makes the voter's vote active; the vote's version when this call changed it, undefined when it
 * was active already.
 */
export async function activateVote(
  tx: Queryable,
  kind: ItemKind,
  itemId: string,
  voterId: string,
  at: Date,
): Promise<number | undefined> {
  const { rows } = await tx.query<{ version: number }>(
    `INSERT INTO votes (item_kind, item_id, voter_id, is_active, version, created_at, updated_at)
     VALUES ($1, $2, $3, true, 1, $4, $4)
     ON CONFLICT (item_kind, item_id, voter_id) DO UPDATE
       SET is_active = true, version = votes.version + 1, updated_at = EXCLUDED.updated_at
       WHERE NOT votes.is_active
     RETURNING version::int AS version`,
    [kind, itemId, voterId, at],
  );
  return rows[0]?.version;
}

/** Withdraws the voter's vote; its version when this call changed it, undefined without one. */
export async function withdrawVote(
  tx: Queryable,
  kind: ItemKind,
  itemId: string,
  voterId: string,
  at: Date,
): Promise<number | undefined> {
  const { rows } = await tx.query<{ version: number }>(
    `UPDATE votes SET is_active = false, version = version + 1, updated_at = $4
     WHERE item_kind = $1 AND item_id = $2 AND voter_id = $3 AND is_active
     RETURNING version::int AS version`,
    [kind, itemId, voterId, at],
  );
  return rows[0]?.version;
}

/** Adds delta to the item's count of active votes; the count after. */
export async function adjustTally(
  tx: Queryable,
  kind: ItemKind,
  itemId: string,
  delta: number,
): Promise<number> {
  const { rows } = await tx.query<{ votes: number }>(
    `INSERT INTO vote_tallies (item_kind, item_id, votes) VALUES ($1, $2, GREATEST($3, 0))
     ON CONFLICT (item_kind, item_id) DO UPDATE SET votes = GREATEST(vote_tallies.votes + $3, 0)
     RETURNING votes`,
    [kind, itemId, delta],
  );
  return rows[0]?.votes ?? 0;
}

/** Counts, the viewer's vote and the moderation state of these items. */
export async function summariseItems(
  db: Queryable,
  kind: ItemKind,
  itemIds: readonly string[],
  viewerId: string | null,
): Promise<VoteSummaryRow[]> {
  if (itemIds.length === 0) return [];
  const { rows } = await db.query<VoteSummaryRow>(
    `SELECT i.item_id::text AS item_id, COALESCE(t.votes, 0) AS votes,
       EXISTS (SELECT 1 FROM votes v WHERE v.item_kind = $1 AND v.item_id = i.item_id
               AND v.voter_id = $3::uuid AND v.is_active) AS has_voted,
       m.state, m.reason
     FROM unnest($2::uuid[]) AS i (item_id)
     LEFT JOIN vote_tallies t ON t.item_kind = $1 AND t.item_id = i.item_id
     LEFT JOIN moderation_items m ON m.item_kind = $1 AND m.item_id = i.item_id`,
    [kind, [...itemIds], viewerId],
  );
  return rows;
}

/** Whether the item is kept from the public (hidden pending review, or removed). */
export async function isWithheld(db: Queryable, kind: ItemKind, itemId: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM moderation_items WHERE item_kind = $1 AND item_id = $2 AND state IN ('hidden', 'removed')`,
    [kind, itemId],
  );
  return rows.length > 0;
}

/** One open report per person per item; false when this person's report is already open. */
export async function insertReport(
  tx: Queryable,
  report: { kind: ItemKind; itemId: string; reporterId: string; reason: string; at: Date },
): Promise<boolean> {
  const result = await tx.query(
    `INSERT INTO reports (item_kind, item_id, reporter_id, reason, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (item_kind, item_id, reporter_id) WHERE cleared_at IS NULL DO NOTHING`,
    [report.kind, report.itemId, report.reporterId, report.reason, report.at],
  );
  return result.rowCount > 0;
}

export async function countOpenReports(tx: Queryable, kind: ItemKind, itemId: string): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM reports WHERE item_kind = $1 AND item_id = $2 AND cleared_at IS NULL',
    [kind, itemId],
  );
  return rows[0]?.n ?? 0;
}

/** Serialises the reports and decisions of one item (a transaction-scoped lock). */
export async function lockItemModeration(tx: Queryable, kind: ItemKind, itemId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`calos.moderation.${kind}.${itemId}`]);
}

export interface ModerationItemRow {
  item_kind: ItemKind;
  item_id: string;
  author_id: string;
  item_title: string;
  state: ModerationState;
  reason: string | null;
  open_reports: number;
  updated_at: Date;
}

export async function findModerationItem(
  db: Queryable,
  kind: ItemKind,
  itemId: string,
): Promise<ModerationItemRow | undefined> {
  const { rows } = await db.query<ModerationItemRow>(
    `SELECT item_kind, item_id::text AS item_id, author_id::text AS author_id, item_title, state, reason,
       (SELECT count(*)::int FROM reports r WHERE r.item_kind = m.item_kind AND r.item_id = m.item_id
        AND r.cleared_at IS NULL) AS open_reports, updated_at
     FROM moderation_items m WHERE item_kind = $1 AND item_id = $2`,
    [kind, itemId],
  );
  return rows[0];
}

export async function setModerationState(
  tx: Queryable,
  item: { kind: ItemKind; itemId: string; authorId: string; title: string },
  state: ModerationState,
  reason: string,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO moderation_items (item_kind, item_id, author_id, item_title, state, reason, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (item_kind, item_id) DO UPDATE
       SET state = EXCLUDED.state, reason = EXCLUDED.reason, item_title = EXCLUDED.item_title,
           updated_at = EXCLUDED.updated_at`,
    [item.kind, item.itemId, item.authorId, item.title, state, reason, at],
  );
}

/** Closes the item's open reports (after a review): new ones start counting from zero. */
export async function clearReports(tx: Queryable, kind: ItemKind, itemId: string, at: Date): Promise<void> {
  await tx.query(
    'UPDATE reports SET cleared_at = $3 WHERE item_kind = $1 AND item_id = $2 AND cleared_at IS NULL',
    [kind, itemId, at],
  );
}

export async function insertDecision(
  tx: Queryable,
  decision: {
    kind: ItemKind;
    itemId: string;
    decision: ModerationState;
    reason: string;
    decidedBy: string;
    at: Date;
  },
): Promise<string> {
  const { rows } = await tx.query<{ decision_id: string }>(
    `INSERT INTO moderation_decisions (item_kind, item_id, decision, reason, decided_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING decision_id::text AS decision_id`,
    [decision.kind, decision.itemId, decision.decision, decision.reason, decision.decidedBy, decision.at],
  );
  return rows[0]?.decision_id as string;
}

/** Where a page of the queue ended: updated_at to the microsecond, then kind and id. */
export interface QueuePosition {
  at: string;
  kind: string;
  id: string;
}

const OLDEST_HIDDEN = keysetSql('asc', [
  ['updated_at', 'timestamptz'],
  ['item_kind', 'text'],
  ['item_id', 'uuid'],
]);

/**
 * Items hidden pending review, oldest first (kind and id break ties), after `after`; limit + 1
 * rows tell a next page.
 */
export async function listQueue(
  db: Queryable,
  limit: number,
  after?: QueuePosition,
): Promise<(ModerationItemRow & { cursor_at: string })[]> {
  const params = new Params([limit + 1]);
  const { rows } = await db.query<ModerationItemRow & { cursor_at: string }>(
    `SELECT item_kind, item_id::text AS item_id, author_id::text AS author_id, item_title, state, reason,
       (SELECT count(*)::int FROM reports r WHERE r.item_kind = m.item_kind AND r.item_id = m.item_id
        AND r.cleared_at IS NULL) AS open_reports, updated_at,
       ${cursorTime('updated_at')} AS cursor_at
     FROM moderation_items m WHERE state = 'hidden'
       ${after ? `AND ${OLDEST_HIDDEN.after([after.at, after.kind, after.id], params)}` : ''}
     ORDER BY ${OLDEST_HIDDEN.orderBy} LIMIT $1`,
    params.values,
  );
  return rows;
}

export interface DecisionRow {
  decision: ModerationState;
  reason: string;
  decided_by: string;
  created_at: Date;
}

export async function listDecisions(db: Queryable, kind: ItemKind, itemId: string): Promise<DecisionRow[]> {
  const { rows } = await db.query<DecisionRow>(
    `SELECT decision, reason, decided_by, created_at FROM moderation_decisions
     WHERE item_kind = $1 AND item_id = $2 ORDER BY decision_id`,
    [kind, itemId],
  );
  return rows;
}

export async function listOpenReports(
  db: Queryable,
  kind: ItemKind,
  itemId: string,
): Promise<{ reason: string; created_at: Date }[]> {
  const { rows } = await db.query<{ reason: string; created_at: Date }>(
    `SELECT reason, created_at FROM reports WHERE item_kind = $1 AND item_id = $2 AND cleared_at IS NULL
     ORDER BY created_at`,
    [kind, itemId],
  );
  return rows;
}

/** Everything of one user (account deleted): their votes (counts go down) and their reports. */
export async function deleteVoterData(tx: Queryable, userId: string): Promise<void> {
  await tx.query(
    `WITH gone AS (DELETE FROM votes WHERE voter_id = $1 RETURNING item_kind, item_id, is_active)
     UPDATE vote_tallies t SET votes = GREATEST(t.votes - g.n, 0)
     FROM (SELECT item_kind, item_id, count(*)::int AS n FROM gone WHERE is_active GROUP BY item_kind, item_id) g
     WHERE t.item_kind = g.item_kind AND t.item_id = g.item_id`,
    [userId],
  );
  await tx.query('DELETE FROM reports WHERE reporter_id = $1', [userId]);
}

/**
 * SQL for "moderation holds this item back" (hidden or removed), for the apps' list queries:
 * `idColumn` names the item's id column; kind is a fixed literal, never input.
 */
export const withheldSql = (kind: ItemKind, idColumn: string) =>
  `EXISTS (SELECT 1 FROM moderation_items mi WHERE mi.item_kind = '${kind}' AND mi.item_id = ${idColumn}
    AND mi.state IN ('hidden', 'removed'))`;

/** SQL for the item's vote count (0 without a tally), for sorting lists by votes. */
export const tallySql = (kind: ItemKind, idColumn: string) =>
  `COALESCE((SELECT vt.votes FROM vote_tallies vt WHERE vt.item_kind = '${kind}' AND vt.item_id = ${idColumn}), 0)`;

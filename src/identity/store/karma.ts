// karma_votes, reward_items and karma_ledger in calos_identity: each voter's current vote as the
// apps report it, the counted votes and paid milestones per item, and every change of karma.
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import type { Tables } from './tables.ts';

export type KarmaVoteRow = Pick<Tables['karma_votes'], 'is_active' | 'is_counted' | 'version'>;

export type RewardItemRow = Pick<Tables['reward_items'], 'author_id' | 'counted_votes' | 'milestones_paid'>;

export type KarmaLedgerRow = Refine<
  Pick<
    Tables['karma_ledger'],
    'entry_id' | 'delta' | 'app' | 'item_kind' | 'item_id' | 'item_title' | 'reason' | 'created_at'
  >,
  {
    item_kind: 'recipe' | 'costume' | 'plan';
  }
>;

export interface ItemKey {
  app: string;
  itemKind: string;
  itemId: string;
}

/** Locks (making it first when missing) the item's reward row: its votes apply one at a time. */
export async function lockRewardItem(tx: Queryable, item: ItemKey, authorId: string): Promise<RewardItemRow> {
  await tx.query(
    `INSERT INTO reward_items (app, item_kind, item_id, author_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (app, item_kind, item_id) DO NOTHING`,
    [item.app, item.itemKind, item.itemId, authorId],
  );
  const { rows } = await tx.query<RewardItemRow>(
    `SELECT author_id, counted_votes, milestones_paid FROM reward_items
     WHERE app = $1 AND item_kind = $2 AND item_id = $3 FOR UPDATE`,
    [item.app, item.itemKind, item.itemId],
  );
  return rows[0] as RewardItemRow;
}

export async function updateRewardItem(
  tx: Queryable,
  item: ItemKey,
  counts: { countedVotes: number; milestonesPaid: number },
): Promise<void> {
  await tx.query(
    `UPDATE reward_items SET counted_votes = $4, milestones_paid = $5
     WHERE app = $1 AND item_kind = $2 AND item_id = $3`,
    [item.app, item.itemKind, item.itemId, counts.countedVotes, counts.milestonesPaid],
  );
}

export async function findKarmaVote(
  tx: Queryable,
  item: ItemKey,
  voterId: string,
): Promise<KarmaVoteRow | undefined> {
  const { rows } = await tx.query<KarmaVoteRow>(
    `SELECT is_active, is_counted, version::int AS version FROM karma_votes
     WHERE app = $1 AND item_kind = $2 AND item_id = $3 AND voter_id = $4`,
    [item.app, item.itemKind, item.itemId, voterId],
  );
  return rows[0];
}

export async function upsertKarmaVote(
  tx: Queryable,
  item: ItemKey,
  vote: {
    voterId: string;
    authorId: string;
    isActive: boolean;
    isCounted: boolean;
    version: number;
    at: Date;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO karma_votes (app, item_kind, item_id, voter_id, author_id, is_active, is_counted, version, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (app, item_kind, item_id, voter_id) DO UPDATE SET
       is_active = EXCLUDED.is_active, is_counted = EXCLUDED.is_counted,
       version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`,
    [
      item.app,
      item.itemKind,
      item.itemId,
      vote.voterId,
      vote.authorId,
      vote.isActive,
      vote.isCounted,
      vote.version,
      vote.at,
    ],
  );
}

/** One change of karma, once per key; false when the key was already used. */
export async function insertKarmaEntry(
  tx: Queryable,
  entry: ItemKey & {
    userId: string;
    delta: 1 | -1;
    itemTitle: string;
    reason: string;
    idempotencyKey: string;
    at: Date;
  },
): Promise<boolean> {
  const result = await tx.query(
    `INSERT INTO karma_ledger (user_id, delta, app, item_kind, item_id, item_title, reason, idempotency_key, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [
      entry.userId,
      entry.delta,
      entry.app,
      entry.itemKind,
      entry.itemId,
      entry.itemTitle,
      entry.reason,
      entry.idempotencyKey,
      entry.at,
    ],
  );
  return result.rowCount > 0;
}

export async function karmaOf(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ karma: number }>(
    'SELECT COALESCE(sum(delta), 0)::int AS karma FROM karma_ledger WHERE user_id = $1',
    [userId],
  );
  return rows[0]?.karma ?? 0;
}

/** Newest first. */
export async function recentKarma(db: Queryable, userId: string, limit: number): Promise<KarmaLedgerRow[]> {
  const { rows } = await db.query<KarmaLedgerRow>(
    `SELECT entry_id::int AS entry_id, delta, app, item_kind, item_id, item_title, reason, created_at
     FROM karma_ledger WHERE user_id = $1 ORDER BY entry_id DESC LIMIT $2`,
    [userId, limit],
  );
  return rows;
}

export async function userCreatedAt(db: Queryable, userId: string): Promise<Date | undefined> {
  const { rows } = await db.query<{ created_at: Date }>('SELECT created_at FROM users WHERE user_id = $1', [
    userId,
  ]);
  return rows[0]?.created_at;
}

/** The version a closed account's votes end at: no report of the app can come after it. */
const FINAL_VERSION = Number.MAX_SAFE_INTEGER;

/**
 * A voter's account is closed: their active votes end (their authors lose that karma, and the
 * votes stop counting towards rewards; rewards already paid stay), for good. Resolves with how
 * many votes ended.
 */
export async function endVotesOf(tx: Queryable, voterId: string, at: Date): Promise<number> {
  const { rows } = await tx.query<{ ended: number }>(
    `WITH before AS (
       SELECT app, item_kind, item_id, author_id, is_counted FROM karma_votes
       WHERE voter_id = $1 AND is_active FOR UPDATE
     ),
     ended AS (
       UPDATE karma_votes k SET is_active = false, is_counted = false, version = $3, updated_at = $2
       FROM before b
       WHERE k.voter_id = $1 AND k.app = b.app AND k.item_kind = b.item_kind AND k.item_id = b.item_id
       RETURNING b.app, b.item_kind, b.item_id, b.author_id, b.is_counted AS was_counted
     ),
     uncounted AS (
       UPDATE reward_items r SET counted_votes = GREATEST(r.counted_votes - e.n, 0)
       FROM (SELECT app, item_kind, item_id, count(*)::int AS n FROM ended WHERE was_counted
             GROUP BY app, item_kind, item_id) e
       WHERE r.app = e.app AND r.item_kind = e.item_kind AND r.item_id = e.item_id
     ),
     karma AS (
       INSERT INTO karma_ledger (user_id, delta, app, item_kind, item_id, item_title, reason, idempotency_key,
                                 created_at)
       SELECT e.author_id, -1, e.app, e.item_kind, e.item_id,
              COALESCE((SELECT l.item_title FROM karma_ledger l
                        WHERE l.app = e.app AND l.item_kind = e.item_kind AND l.item_id = e.item_id
                        ORDER BY l.entry_id DESC LIMIT 1), 'Untitled'),
              'Upvote gone: the voter closed their account',
              'vote:' || e.app || ':' || e.item_kind || ':' || e.item_id || ':' || $1 || ':closed', $2
       FROM ended e WHERE e.author_id <> $1
       ON CONFLICT (idempotency_key) DO NOTHING
     )
     SELECT count(*)::int AS ended FROM ended`,
    [voterId, at, FINAL_VERSION],
  );
  return rows[0]?.ended ?? 0;
}

/**
 * An item moderation removed for good: its active votes end (its author loses the karma they
 * gave, and they stop counting towards rewards; rewards already paid stay). The votes end at the
 * final version, so no late report of the app brings them back. Resolves with how many ended.
 */
export async function endVotesOnItem(tx: Queryable, item: ItemKey, at: Date): Promise<number> {
  const { rows } = await tx.query<{ ended: number }>(
    `WITH ended AS (
       UPDATE karma_votes SET is_active = false, is_counted = false, version = $5, updated_at = $4
       WHERE app = $1 AND item_kind = $2 AND item_id = $3 AND is_active
       RETURNING voter_id, author_id
     ),
     uncounted AS (
       UPDATE reward_items SET counted_votes = 0 WHERE app = $1 AND item_kind = $2 AND item_id = $3
     ),
     karma AS (
       INSERT INTO karma_ledger (user_id, delta, app, item_kind, item_id, item_title, reason, idempotency_key,
                                 created_at)
       SELECT e.author_id, -1, $1, $2, $3,
              COALESCE((SELECT l.item_title FROM karma_ledger l
                        WHERE l.app = $1 AND l.item_kind = $2 AND l.item_id = $3
                        ORDER BY l.entry_id DESC LIMIT 1), 'Untitled'),
              'Upvote gone: the item was removed by moderation',
              'vote:' || $1 || ':' || $2 || ':' || $3 || ':' || e.voter_id || ':removed', $4
       FROM ended e WHERE e.author_id <> e.voter_id
       ON CONFLICT (idempotency_key) DO NOTHING
     )
     SELECT count(*)::int AS ended FROM ended`,
    [item.app, item.itemKind, item.itemId, at, FINAL_VERSION],
  );
  return rows[0]?.ended ?? 0;
}

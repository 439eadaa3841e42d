// The feed of ended sessions and accounts (token_revocations): written in the transaction that
// ends them, read by every service that verifies access tokens itself. A NOTIFY at commit wakes
// the readers waiting for news.
import type { Queryable } from '../../platform/db/database.ts';
import type { Tables } from './tables.ts';

export const REVOCATIONS_CHANNEL = 'calos_token_revocations';

export type RevocationRow = Pick<
  Tables['token_revocations'],
  'revocation_id' | 'user_id' | 'session_id' | 'reason' | 'revoked_at'
>;

const COLUMNS = 'revocation_id, user_id, session_id, reason, revoked_at';

/** Records that every token of a user stops working (the account is gone). */
export async function revokeUserTokens(
  db: Queryable,
  userId: string,
  reason: string,
  now: Date,
): Promise<void> {
  await db.query(
    'INSERT INTO token_revocations (user_id, session_id, reason, revoked_at) VALUES ($1, NULL, $2, $3)',
    [userId, reason, now],
  );
  await db.query('SELECT pg_notify($1, $2)', [REVOCATIONS_CHANNEL, userId]);
}

/** Revocations after `cursor` (ascending), at most `limit`. */
export async function revocationsAfter(
  db: Queryable,
  cursor: number,
  limit: number,
): Promise<RevocationRow[]> {
  const { rows } = await db.query<RevocationRow>(
    `SELECT ${COLUMNS} FROM token_revocations WHERE revocation_id > $1 ORDER BY revocation_id LIMIT $2`,
    [cursor, limit],
  );
  return rows.map((r) => ({ ...r, revocation_id: Number(r.revocation_id) }));
}

/** Revocations made since `since` (a reader starting up), oldest first, and the newest id. */
export async function revocationsSince(
  db: Queryable,
  since: Date,
  limit: number,
): Promise<{ rows: RevocationRow[]; cursor: number }> {
  const { rows } = await db.query<RevocationRow>(
    `SELECT ${COLUMNS} FROM token_revocations WHERE revoked_at >= $1 ORDER BY revocation_id LIMIT $2`,
    [since, limit],
  );
  const found = rows.map((r) => ({ ...r, revocation_id: Number(r.revocation_id) }));
  // A full page continues from its last row; otherwise from the newest revocation of all.
  if (found.length === limit) return { rows: found, cursor: found.at(-1)?.revocation_id ?? 0 };
  const latest = await db.query<{ id: string | null }>(
    'SELECT max(revocation_id)::text AS id FROM token_revocations',
  );
  return { rows: found, cursor: Number(latest.rows[0]?.id ?? 0) };
}

export async function pruneRevocations(db: Queryable, before: Date): Promise<number> {
  const result = await db.query('DELETE FROM token_revocations WHERE revoked_at < $1', [before]);
  return result.rowCount;
}

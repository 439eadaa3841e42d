// Sessions and their rotating refresh tokens (only SHA-256 hashes are stored).
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import { REVOCATIONS_CHANNEL } from './revocations.ts';
import type { Tables } from './tables.ts';

export type RevokeReason =
  | 'logout'
  | 'device_revoked'
  | 'refresh_reuse'
  | 'password_changed'
  | 'account_deleted'
  | 'password_reset'
  | 'staff_sign_out'
  | 'account_disabled';

/**
 * How a session was authenticated, as RFC 8176 names it: pwd (password), otp (a one-time code:
 * authenticator app or recovery code), hwk/swk (a passkey bound to one device / synced), user
 * (the passkey verified its user), mfa (more than one factor).
 */
export type AuthMethod = 'pwd' | 'otp' | 'hwk' | 'swk' | 'user' | 'mfa';

export type SessionRow = Refine<
  Pick<
    Tables['user_sessions'],
    | 'session_id'
    | 'user_id'
    | 'device_id'
    | 'created_at'
    | 'last_used_at'
    | 'expires_at'
    | 'revoked_at'
    | 'amr'
  >,
  {
    amr: AuthMethod[];
  }
>;

const SESSION_COLUMNS =
  'session_id, user_id, device_id, created_at, last_used_at, expires_at, revoked_at, amr';

export async function insertSession(
  db: Queryable,
  input: {
    userId: string;
    deviceId: string | null;
    ip?: string;
    userAgent?: string;
    expiresAt: Date;
    amr?: readonly AuthMethod[];
  },
): Promise<SessionRow> {
  const { rows } = await db.query<SessionRow>(
    `INSERT INTO user_sessions (user_id, device_id, ip_address, user_agent, expires_at, amr)
     VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING ${SESSION_COLUMNS}`,
    [
      input.userId,
      input.deviceId,
      input.ip ?? null,
      input.userAgent?.slice(0, 512) ?? null,
      input.expiresAt,
      [...(input.amr ?? [])],
    ],
  );
  return rows[0] as SessionRow;
}

export async function findSession(db: Queryable, sessionId: string): Promise<SessionRow | undefined> {
  const { rows } = await db.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM user_sessions WHERE session_id = $1`,
    [sessionId],
  );
  return rows[0];
}

export async function extendSession(
  db: Queryable,
  sessionId: string,
  expiresAt: Date,
  at: Date,
): Promise<void> {
  await db.query('UPDATE user_sessions SET last_used_at = $3, expires_at = $2 WHERE session_id = $1', [
    sessionId,
    expiresAt,
    at,
  ]);
}

/**
 * The one way a session ends: marks the live sessions `where` names as revoked and, in the same
 * statement, adds them to the revocation feed that every service follows (token_revocations),
 * then wakes its readers. Resolves with how many ended.
 */
async function endSessions(
  db: Queryable,
  where: { sql: string; params: unknown[] },
  reason: RevokeReason,
  now: Date,
): Promise<number> {
  const n = where.params.length;
  const result = await db.query(
    `WITH ended AS (
       UPDATE user_sessions SET revoked_at = $${n + 1}, revoked_reason = $${n + 2}
       WHERE ${where.sql} AND revoked_at IS NULL
       RETURNING session_id, user_id)
     INSERT INTO token_revocations (user_id, session_id, reason, revoked_at)
     SELECT user_id, session_id, $${n + 2}, $${n + 1} FROM ended`,
    [...where.params, now, reason],
  );
  if (result.rowCount > 0) await db.query('SELECT pg_notify($1, $2)', [REVOCATIONS_CHANNEL, reason]);
  return result.rowCount;
}

export async function revokeSession(
  db: Queryable,
  sessionId: string,
  reason: RevokeReason,
  now: Date,
): Promise<void> {
  await endSessions(db, { sql: 'session_id = $1', params: [sessionId] }, reason, now);
}

export async function revokeSessionsOfDevice(
  db: Queryable,
  deviceId: string,
  reason: RevokeReason,
  now: Date,
): Promise<number> {
  return endSessions(db, { sql: 'device_id = $1', params: [deviceId] }, reason, now);
}

export async function revokeOtherSessions(
  db: Queryable,
  userId: string,
  keepSessionId: string,
  reason: RevokeReason,
  now: Date,
): Promise<number> {
  return endSessions(
    db,
    { sql: 'user_id = $1 AND session_id <> $2', params: [userId, keepSessionId] },
    reason,
    now,
  );
}

/** Ends every session of an account (a password reset): every device and app signs in again. */
export async function revokeAllSessions(
  db: Queryable,
  userId: string,
  reason: RevokeReason,
  now: Date,
): Promise<number> {
  return endSessions(db, { sql: 'user_id = $1', params: [userId] }, reason, now);
}

export async function insertRefreshToken(
  db: Queryable,
  input: { tokenHash: string; sessionId: string; expiresAt: Date },
): Promise<void> {
  await db.query('INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)', [
    input.tokenHash,
    input.sessionId,
    input.expiresAt,
  ]);
}

export type RefreshTokenRow = Pick<
  Tables['refresh_tokens'],
  'token_hash' | 'session_id' | 'expires_at' | 'used_at'
>;

/** Locks the row so that two refreshes with the same token cannot both succeed. */
export async function findRefreshTokenForUpdate(
  db: Queryable,
  tokenHash: string,
): Promise<RefreshTokenRow | undefined> {
  const { rows } = await db.query<RefreshTokenRow>(
    'SELECT token_hash, session_id, expires_at, used_at FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE',
    [tokenHash],
  );
  return rows[0];
}

export async function markRefreshTokenUsed(db: Queryable, tokenHash: string, at: Date): Promise<void> {
  await db.query('UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1', [tokenHash, at]);
}

/** An account's live sessions, newest first (the operator console's view). */
export async function listLiveSessions(
  db: Queryable,
  userId: string,
  now: Date,
): Promise<
  {
    session_id: string;
    device_id: string | null;
    ip_address: string | null;
    created_at: Date;
    expires_at: Date;
  }[]
> {
  const { rows } = await db.query<{
    session_id: string;
    device_id: string | null;
    ip_address: string | null;
    created_at: Date;
    expires_at: Date;
  }>(
    `SELECT session_id, device_id, ip_address, created_at, expires_at FROM user_sessions
     WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY created_at DESC LIMIT 200`,
    [userId, now],
  );
  return rows;
}

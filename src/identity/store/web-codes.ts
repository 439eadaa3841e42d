// One-time web sign-in codes (only their SHA-256 hashes) and the app sessions they became.
import type { Queryable } from '../../platform/db/database.ts';
import type { Tables } from './tables.ts';

export type WebCodeRow = Pick<
  Tables['web_auth_codes'],
  | 'code_hash'
  | 'user_id'
  | 'client'
  | 'redirect_uri'
  | 'code_challenge'
  | 'expires_at'
  | 'used_at'
  | 'issued_by_session'
>;

export async function insertWebCode(
  db: Queryable,
  input: {
    codeHash: string;
    userId: string;
    client: string;
    redirectUri: string;
    codeChallenge: string;
    issuedBySession: string;
    expiresAt: Date;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO web_auth_codes (code_hash, user_id, client, redirect_uri, code_challenge, issued_by_session, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      input.codeHash,
      input.userId,
      input.client,
      input.redirectUri,
      input.codeChallenge,
      input.issuedBySession,
      input.expiresAt,
    ],
  );
}

/**
 * Spends a code: marks it used and returns it, or nothing when it is unknown or was already
 * used. Two exchanges of one code cannot both get it.
 */
export async function spendWebCode(
  db: Queryable,
  codeHash: string,
  at: Date,
): Promise<WebCodeRow | undefined> {
  const { rows } = await db.query<WebCodeRow>(
    `UPDATE web_auth_codes SET used_at = $2
     WHERE code_hash = $1 AND used_at IS NULL
     RETURNING code_hash, user_id, client, redirect_uri, code_challenge, expires_at, used_at, issued_by_session`,
    [codeHash, at],
  );
  return rows[0];
}

export async function linkWebCodeSession(db: Queryable, codeHash: string, sessionId: string): Promise<void> {
  await db.query('UPDATE web_auth_codes SET session_id = $2 WHERE code_hash = $1', [codeHash, sessionId]);
}

/** Codes nobody exchanged in time are of no use to anyone. */
export async function deleteStaleWebCodes(db: Queryable, before: Date): Promise<void> {
  await db.query('DELETE FROM web_auth_codes WHERE used_at IS NULL AND expires_at < $1', [before]);
}

/** The live app sessions this user signed into with web codes. */
export async function liveWebSessionIds(db: Queryable, userId: string): Promise<string[]> {
  const { rows } = await db.query<{ session_id: string }>(
    `SELECT c.session_id FROM web_auth_codes c
     JOIN user_sessions s ON s.session_id = c.session_id
     WHERE c.user_id = $1 AND s.revoked_at IS NULL`,
    [userId],
  );
  return rows.map((row) => row.session_id);
}

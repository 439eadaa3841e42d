// Single-use tokens of an account (account_tokens): links mailed for a password reset and an
// email verification, and the ticket of a data download.
// Only SHA-256 hashes are stored.
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import type { Tables } from './tables.ts';

export type AccountTokenPurpose = 'password_reset' | 'email_verify' | 'data_export';

export type AccountTokenRow = Refine<
  Pick<
    Tables['account_tokens'],
    'token_hash' | 'user_id' | 'purpose' | 'email' | 'created_at' | 'expires_at' | 'used_at'
  >,
  {
    purpose: AccountTokenPurpose;
  }
>;

const COLUMNS = 'token_hash, user_id, purpose, email, created_at, expires_at, used_at';

export async function insertAccountToken(
  db: Queryable,
  input: {
    tokenHash: string;
    userId: string;
    purpose: AccountTokenPurpose;
    email?: string;
    createdAt: Date;
    expiresAt: Date;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO account_tokens (token_hash, user_id, purpose, email, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [input.tokenHash, input.userId, input.purpose, input.email ?? null, input.createdAt, input.expiresAt],
  );
}

/** A token that still works (unspent, unexpired) for this purpose, without spending it. */
export async function findLiveAccountToken(
  db: Queryable,
  tokenHash: string,
  purpose: AccountTokenPurpose,
  now: Date,
): Promise<AccountTokenRow | undefined> {
  const { rows } = await db.query<AccountTokenRow>(
    `SELECT ${COLUMNS} FROM account_tokens
     WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3`,
    [tokenHash, purpose, now],
  );
  return rows[0];
}

/**
 * Spends a token that still works: marks it used and returns it; undefined when it is unknown,
 * spent, expired or for another purpose. Of two requests with one token, one wins.
 */
export async function spendAccountToken(
  db: Queryable,
  tokenHash: string,
  purpose: AccountTokenPurpose,
  now: Date,
): Promise<AccountTokenRow | undefined> {
  const { rows } = await db.query<AccountTokenRow>(
    `UPDATE account_tokens SET used_at = $3
     WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
     RETURNING ${COLUMNS}`,
    [tokenHash, purpose, now],
  );
  return rows[0];
}

/** Voids the unspent tokens of an account for one purpose (a newer link, or the reset done). */
export async function voidAccountTokens(
  db: Queryable,
  userId: string,
  purpose: AccountTokenPurpose,
  at: Date,
): Promise<number> {
  const result = await db.query(
    'UPDATE account_tokens SET used_at = $3 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL',
    [userId, purpose, at],
  );
  return result.rowCount;
}

/** The address an email change waits to have verified, if any (the newest unspent link). */
export async function pendingEmailChange(
  db: Queryable,
  userId: string,
  currentEmail: string,
  now: Date,
): Promise<{ email: string; expires_at: Date } | undefined> {
  const { rows } = await db.query<{ email: string; expires_at: Date }>(
    `SELECT email, expires_at FROM account_tokens
     WHERE user_id = $1 AND purpose = 'email_verify' AND used_at IS NULL AND expires_at > $3
       AND lower(email) <> lower($2)
     ORDER BY created_at DESC LIMIT 1`,
    [userId, currentEmail, now],
  );
  return rows[0];
}

export async function deleteStaleAccountTokens(db: Queryable, before: Date): Promise<number> {
  const result = await db.query('DELETE FROM account_tokens WHERE expires_at < $1', [before]);
  return result.rowCount;
}

// Second factors: the TOTP secret (sealed), recovery codes (hashes), the challenge between a
// right password and the code, and browsers remembered after a code (hashes of their tokens).
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import type { Tables } from './tables.ts';

export type TotpRow = Pick<
  Tables['user_totp'],
  'user_id' | 'secret_encrypted' | 'created_at' | 'confirmed_at' | 'last_used_step'
>;

export async function findTotp(db: Queryable, userId: string): Promise<TotpRow | undefined> {
  const { rows } = await db.query<TotpRow>(
    `SELECT user_id, secret_encrypted, created_at, confirmed_at, last_used_step
     FROM user_totp WHERE user_id = $1`,
    [userId],
  );
  const row = rows[0];
  return row && { ...row, last_used_step: row.last_used_step === null ? null : Number(row.last_used_step) };
}

/** Starts (or restarts) setting up an app: a new secret, not yet confirmed. */
export async function upsertPendingTotp(
  db: Queryable,
  userId: string,
  secretEncrypted: string,
  now: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO user_totp (user_id, secret_encrypted, created_at) VALUES ($1, $2, $3)
     ON CONFLICT (user_id) DO UPDATE
       SET secret_encrypted = EXCLUDED.secret_encrypted, created_at = EXCLUDED.created_at,
           confirmed_at = NULL, last_used_step = NULL
       WHERE user_totp.confirmed_at IS NULL`,
    [userId, secretEncrypted, now],
  );
}

export async function confirmTotp(db: Queryable, userId: string, step: number, now: Date): Promise<boolean> {
  const result = await db.query(
    `UPDATE user_totp SET confirmed_at = $3, last_used_step = $2
     WHERE user_id = $1 AND confirmed_at IS NULL`,
    [userId, step, now],
  );
  return result.rowCount > 0;
}

/**
 * Records that the code of time step `step` was used; false when that step (or a later one)
 * was already used: a code works once, and never after a newer one.
 */
export async function useTotpStep(db: Queryable, userId: string, step: number): Promise<boolean> {
  const result = await db.query(
    `UPDATE user_totp SET last_used_step = $2
     WHERE user_id = $1 AND confirmed_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < $2)`,
    [userId, step],
  );
  return result.rowCount > 0;
}

export async function deleteTotp(db: Queryable, userId: string): Promise<boolean> {
  const result = await db.query('DELETE FROM user_totp WHERE user_id = $1', [userId]);
  return result.rowCount > 0;
}

export async function hasConfirmedTotp(db: Queryable, userId: string): Promise<boolean> {
  const { rows } = await db.query<{ on: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM user_totp WHERE user_id = $1 AND confirmed_at IS NOT NULL) AS on',
    [userId],
  );
  return rows[0]?.on === true;
}

/** Replaces every recovery code of an account with these (hashes). */
export async function replaceRecoveryCodes(
  db: Queryable,
  userId: string,
  codeHashes: readonly string[],
  now: Date,
): Promise<void> {
  await db.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
  await db.query(
    `INSERT INTO recovery_codes (user_id, code_hash, created_at)
     SELECT $1, hash, $3 FROM unnest($2::text[]) AS hash`,
    [userId, [...codeHashes], now],
  );
}

export async function deleteRecoveryCodes(db: Queryable, userId: string): Promise<void> {
  await db.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
}

/** Spends a recovery code; false when it is not one of the account's unused codes. */
export async function useRecoveryCode(
  db: Queryable,
  userId: string,
  codeHash: string,
  now: Date,
): Promise<boolean> {
  const result = await db.query(
    'UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL',
    [userId, codeHash, now],
  );
  return result.rowCount > 0;
}

export async function countUnusedRecoveryCodes(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL',
    [userId],
  );
  return rows[0]?.n ?? 0;
}

export type ChallengeRow = Refine<
  Pick<
    Tables['mfa_challenges'],
    'challenge_hash' | 'user_id' | 'device' | 'expires_at' | 'used_at' | 'failed_attempts'
  >,
  {
    device: Record<string, unknown>;
  }
>;

export async function insertChallenge(
  db: Queryable,
  input: {
    challengeHash: string;
    userId: string;
    device: Record<string, unknown>;
    now: Date;
    expiresAt: Date;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO mfa_challenges (challenge_hash, user_id, device, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [input.challengeHash, input.userId, JSON.stringify(input.device), input.now, input.expiresAt],
  );
}

/** A live challenge, locked for the rest of the transaction. */
export async function findLiveChallengeForUpdate(
  db: Queryable,
  challengeHash: string,
  now: Date,
  maxFailures: number,
): Promise<ChallengeRow | undefined> {
  const { rows } = await db.query<ChallengeRow>(
    `SELECT challenge_hash, user_id, device, expires_at, used_at, failed_attempts FROM mfa_challenges
     WHERE challenge_hash = $1 AND used_at IS NULL AND expires_at > $2 AND failed_attempts < $3
     FOR UPDATE`,
    [challengeHash, now, maxFailures],
  );
  return rows[0];
}

export async function countChallengeFailure(db: Queryable, challengeHash: string): Promise<void> {
  await db.query(
    'UPDATE mfa_challenges SET failed_attempts = failed_attempts + 1 WHERE challenge_hash = $1',
    [challengeHash],
  );
}

export async function spendChallenge(db: Queryable, challengeHash: string, now: Date): Promise<void> {
  await db.query('UPDATE mfa_challenges SET used_at = $2 WHERE challenge_hash = $1', [challengeHash, now]);
}

export async function deleteStaleChallenges(db: Queryable, before: Date): Promise<number> {
  const result = await db.query('DELETE FROM mfa_challenges WHERE expires_at < $1', [before]);
  return result.rowCount;
}

export async function insertTrustedDevice(
  db: Queryable,
  input: { tokenHash: string; userId: string; deviceId: string | null; now: Date; expiresAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO mfa_trusted_devices (token_hash, user_id, device_id, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [input.tokenHash, input.userId, input.deviceId, input.now, input.expiresAt],
  );
}

export async function isTrustedDevice(
  db: Queryable,
  userId: string,
  tokenHash: string,
  now: Date,
): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM mfa_trusted_devices
       WHERE token_hash = $1 AND user_id = $2 AND expires_at > $3) AS found`,
    [tokenHash, userId, now],
  );
  return rows[0]?.found === true;
}

/** Forgets every remembered browser of an account (password reset, two-step turned off). */
export async function forgetTrustedDevices(db: Queryable, userId: string): Promise<number> {
  const result = await db.query('DELETE FROM mfa_trusted_devices WHERE user_id = $1', [userId]);
  return result.rowCount;
}

/** Forgets that a device was trusted (it was revoked). */
export async function forgetTrustedDevice(db: Queryable, deviceId: string): Promise<void> {
  await db.query('DELETE FROM mfa_trusted_devices WHERE device_id = $1', [deviceId]);
}

export async function deleteExpiredTrustedDevices(db: Queryable, before: Date): Promise<number> {
  const result = await db.query('DELETE FROM mfa_trusted_devices WHERE expires_at < $1', [before]);
  return result.rowCount;
}

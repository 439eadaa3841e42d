// Accounts in calos_identity.users.
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import { keysetSql, Params } from '../../platform/db/sql.ts';
import type { Tables } from './tables.ts';

export type UserRow = Refine<
  Pick<
    Tables['users'],
    | 'user_id'
    | 'username'
    | 'email'
    | 'password_hash'
    | 'display_name'
    | 'email_verified_at'
    | 'locale'
    | 'password_changed_at'
    | 'created_at'
  >,
  {
    /** The language the account's mails are written in (BCP 47, e.g. `en`). */
    locale: string;
  }
>;

const COLUMNS =
  'user_id, username, email, password_hash, display_name, email_verified_at, locale, password_changed_at, created_at';

export async function insertUser(
  db: Queryable,
  input: { username: string; email: string; passwordHash: string; displayName?: string },
): Promise<UserRow> {
  const { rows } = await db.query<UserRow>(
    `INSERT INTO users (username, email, password_hash, display_name) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
    [input.username, input.email, input.passwordHash, input.displayName ?? null],
  );
  return rows[0] as UserRow;
}

/** By username or email, case-insensitively (both are unique on lower()). */
export async function findUserByLogin(db: Queryable, login: string): Promise<UserRow | undefined> {
  const { rows } = await db.query<UserRow>(
    `SELECT ${COLUMNS} FROM users WHERE lower(username) = lower($1) OR lower(email) = lower($1) LIMIT 1`,
    [login],
  );
  return rows[0];
}

export async function findUserById(db: Queryable, userId: string): Promise<UserRow | undefined> {
  const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE user_id = $1`, [userId]);
  return rows[0];
}

export async function updatePasswordHash(
  db: Queryable,
  userId: string,
  passwordHash: string,
  /** When the password changed (from the service clock); null for a rehash of the same password. */
  changedAt: Date | null,
) {
  await db.query(
    `UPDATE users SET password_hash = $2, password_changed_at = coalesce($3, password_changed_at)
     WHERE user_id = $1`,
    [userId, passwordHash, changedAt],
  );
}

export async function deleteUser(db: Queryable, userId: string): Promise<boolean> {
  const result = await db.query('DELETE FROM users WHERE user_id = $1', [userId]);
  return result.rowCount > 0;
}

export async function existingUserIds(db: Queryable, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const { rows } = await db.query<{ user_id: string }>(
    'SELECT user_id FROM users WHERE user_id = ANY($1::uuid[])',
    [[...userIds]],
  );
  return new Set(rows.map((r) => r.user_id));
}

/** Marks the account's address verified, if it is still `email` (the address the link proved). */
export async function markEmailVerified(
  db: Queryable,
  userId: string,
  email: string,
  at: Date,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE users SET email_verified_at = COALESCE(email_verified_at, $3)
     WHERE user_id = $1 AND lower(email) = lower($2)`,
    [userId, email, at],
  );
  return result.rowCount > 0;
}

/** Moves the account to a new address, verified by the link just followed. */
export async function changeEmail(db: Queryable, userId: string, email: string, at: Date): Promise<void> {
  await db.query('UPDATE users SET email = $2, email_verified_at = $3 WHERE user_id = $1', [
    userId,
    email,
    at,
  ]);
}

export async function updateLocale(db: Queryable, userId: string, locale: string): Promise<void> {
  await db.query('UPDATE users SET locale = $2 WHERE user_id = $1', [userId, locale]);
}

/** Whether another account already uses this address (case-insensitively). */
export async function isEmailTaken(db: Queryable, email: string, exceptUserId: string): Promise<boolean> {
  const { rows } = await db.query<{ taken: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($1) AND user_id <> $2) AS taken',
    [email, exceptUserId],
  );
  return rows[0]?.taken === true;
}

/** Whether staff disabled the account (migration 072). */
export async function isUserDisabled(db: Queryable, userId: string): Promise<boolean> {
  const { rows } = await db.query<{ disabled: boolean }>(
    'SELECT disabled_at IS NOT NULL AS disabled FROM users WHERE user_id = $1',
    [userId],
  );
  return rows[0]?.disabled ?? false;
}

export async function setUserDisabled(db: Queryable, userId: string, at: Date | null): Promise<boolean> {
  const result = await db.query('UPDATE users SET disabled_at = $2 WHERE user_id = $1', [userId, at]);
  return result.rowCount > 0;
}

export type UserSummaryRow = Pick<
  Tables['users'],
  'user_id' | 'username' | 'email' | 'display_name' | 'disabled_at' | 'created_at'
>;

/** Where a page of found accounts ended: the last row's lower-case username and its id. */
export interface UserSearchPosition {
  name: string;
  id: string;
}

const BY_NAME = keysetSql('asc', [
  ['lower(username)', 'text'],
  ['user_id', 'uuid'],
]);

/**
 * Accounts whose username, email or display name contains the text (case-insensitive), by
 * lower-case username then id (the tiebreaker), after `after`; limit + 1 rows tell a next page.
 */
export async function searchUsers(
  db: Queryable,
  text: string,
  limit: number,
  after?: UserSearchPosition,
): Promise<(UserSummaryRow & { sort_name: string })[]> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const params = new Params([pattern, limit + 1]);
  const { rows } = await db.query<UserSummaryRow & { sort_name: string }>(
    `SELECT user_id, username, email, display_name, disabled_at, created_at, lower(username) AS sort_name
     FROM users
     WHERE (lower(username) LIKE $1 OR lower(email) LIKE $1 OR lower(coalesce(display_name, '')) LIKE $1)
       ${after ? `AND ${BY_NAME.after([after.name, after.id], params)}` : ''}
     ORDER BY ${BY_NAME.orderBy} LIMIT $2`,
    params.values,
  );
  return rows;
}

export async function findUserSummary(db: Queryable, userId: string): Promise<UserSummaryRow | undefined> {
  const { rows } = await db.query<UserSummaryRow>(
    'SELECT user_id, username, email, display_name, disabled_at, created_at FROM users WHERE user_id = $1',
    [userId],
  );
  return rows[0];
}

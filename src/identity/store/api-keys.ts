// SQL for bring-your-own keys (user_api_keys), and for re-sealing every secret held under the
// master key (user_api_keys and signing_keys) when the master key rotates.
import type { Queryable } from '../../platform/db/database.ts';
import type { ApiKeyProvider } from '../client.ts';

/** What may be shown about a key: never the ciphertext. */
export interface ApiKeyRecord {
  key_id: string;
  provider: ApiKeyProvider;
  key_last_four: string;
  label: string | null;
  is_active: boolean;
  created_at: Date;
}

export interface SealedApiKey {
  key_id: string;
  user_id: string;
  provider: ApiKeyProvider;
  api_key_encrypted: string;
}

export interface SealedSigningKey {
  kid: string;
  private_jwk_encrypted: string;
}

const PUBLIC_COLUMNS = 'key_id, provider, key_last_four, label, is_active, created_at';

/**
 * Serialises adds for one user (the key cap and "one active key per provider" are checked
 * and then written): false when the user does not exist. NO KEY UPDATE so that inserts of
 * rows referencing the user elsewhere are not blocked.
 */
export async function lockUserKeys(db: Queryable, userId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM users WHERE user_id = $1 FOR NO KEY UPDATE', [userId]);
  return rows.length > 0;
}

export async function countApiKeys(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*) AS n FROM user_api_keys WHERE user_id = $1',
    [userId],
  );
  return rows[0]?.n ?? 0;
}

/** Deactivates the user's active keys for a provider; returns their ids. */
export async function deactivateApiKeys(
  db: Queryable,
  userId: string,
  provider: ApiKeyProvider,
): Promise<string[]> {
  const { rows } = await db.query<{ key_id: string }>(
    `UPDATE user_api_keys SET is_active = false
     WHERE user_id = $1 AND provider = $2 AND is_active
     RETURNING key_id`,
    [userId, provider],
  );
  return rows.map((row) => row.key_id);
}

export async function insertApiKey(
  db: Queryable,
  key: {
    keyId: string;
    userId: string;
    provider: ApiKeyProvider;
    sealed: string;
    lastFour: string;
    label: string | null;
    createdAt: Date;
  },
): Promise<ApiKeyRecord> {
  const { rows } = await db.query<ApiKeyRecord>(
    `INSERT INTO user_api_keys
       (key_id, user_id, provider, api_key_encrypted, key_last_four, label, is_active, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, true, $7, $7)
     RETURNING ${PUBLIC_COLUMNS}`,
    [key.keyId, key.userId, key.provider, key.sealed, key.lastFour, key.label, key.createdAt],
  );
  return rows[0] as ApiKeyRecord;
}

/** Newest first (at most the per-user cap, so no paging). */
export async function selectApiKeys(db: Queryable, userId: string): Promise<ApiKeyRecord[]> {
  const { rows } = await db.query<ApiKeyRecord>(
    `SELECT ${PUBLIC_COLUMNS} FROM user_api_keys WHERE user_id = $1 ORDER BY created_at DESC, key_id`,
    [userId],
  );
  return rows;
}

/** Deletes one of the user's keys; null when the user has no key with that id. */
export async function deleteApiKey(
  db: Queryable,
  userId: string,
  keyId: string,
): Promise<ApiKeyRecord | null> {
  const { rows } = await db.query<ApiKeyRecord>(
    `DELETE FROM user_api_keys WHERE key_id = $1 AND user_id = $2 RETURNING ${PUBLIC_COLUMNS}`,
    [keyId, userId],
  );
  return rows[0] ?? null;
}

export async function selectActiveApiKey(
  db: Queryable,
  userId: string,
  provider: ApiKeyProvider,
): Promise<SealedApiKey | null> {
  const { rows } = await db.query<SealedApiKey>(
    `SELECT key_id, user_id, provider, api_key_encrypted FROM user_api_keys
     WHERE user_id = $1 AND provider = $2 AND is_active
     ORDER BY created_at DESC LIMIT 1`,
    [userId, provider],
  );
  return rows[0] ?? null;
}

/** Records a use, at most once a minute per key, so that every AI call is not also a write. */
export async function touchApiKey(db: Queryable, keyId: string, now: Date): Promise<void> {
  await db.query(
    `UPDATE user_api_keys SET last_used_at = $2
     WHERE key_id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
    [keyId, now],
  );
}

/**
 * For a master-key rotation, inside its transaction: blocks every write to the sealed tables
 * until commit (reads go on), so that no secret is added under the old key meanwhile.
 */
export async function lockSealedSecrets(tx: Queryable): Promise<void> {
  await tx.query('LOCK TABLE user_api_keys, signing_keys IN SHARE ROW EXCLUSIVE MODE');
}

export async function selectSealedApiKeys(tx: Queryable): Promise<SealedApiKey[]> {
  const { rows } = await tx.query<SealedApiKey>(
    'SELECT key_id, user_id, provider, api_key_encrypted FROM user_api_keys ORDER BY key_id',
  );
  return rows;
}

export async function selectSealedSigningKeys(tx: Queryable): Promise<SealedSigningKey[]> {
  const { rows } = await tx.query<SealedSigningKey>(
    'SELECT kid, private_jwk_encrypted FROM signing_keys ORDER BY kid',
  );
  return rows;
}

export async function updateApiKeySeal(tx: Queryable, keyId: string, sealed: string): Promise<void> {
  await tx.query('UPDATE user_api_keys SET api_key_encrypted = $2 WHERE key_id = $1', [keyId, sealed]);
}

export async function updateSigningKeySeal(tx: Queryable, kid: string, sealed: string): Promise<void> {
  await tx.query('UPDATE signing_keys SET private_jwk_encrypted = $2 WHERE kid = $1', [kid, sealed]);
}

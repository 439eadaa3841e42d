// Ed25519 signing keys for access tokens; private halves sealed under the master key.
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import type { Tables } from './tables.ts';

export type SigningKeyRow = Refine<
  Pick<Tables['signing_keys'], 'kid' | 'public_jwk' | 'private_jwk_encrypted' | 'created_at' | 'retired_at'>,
  {
    public_jwk: Record<string, unknown>;
  }
>;

const COLUMNS = 'kid, public_jwk, private_jwk_encrypted, created_at, retired_at';

export async function findActiveSigningKey(db: Queryable): Promise<SigningKeyRow | undefined> {
  const { rows } = await db.query<SigningKeyRow>(
    `SELECT ${COLUMNS} FROM signing_keys WHERE retired_at IS NULL`,
  );
  return rows[0];
}

/** Keys whose tokens may still be alive: the active one and those retired within `graceSeconds`. */
export async function listPublishedSigningKeys(
  db: Queryable,
  graceSeconds: number,
  now: Date,
): Promise<SigningKeyRow[]> {
  const { rows } = await db.query<SigningKeyRow>(
    `SELECT ${COLUMNS} FROM signing_keys
     WHERE retired_at IS NULL OR retired_at > $2::timestamptz - make_interval(secs => $1)
     ORDER BY created_at DESC`,
    [graceSeconds, now],
  );
  return rows;
}

/** Inserts a new active key; false when another process installed one first. */
export async function insertActiveSigningKey(
  db: Queryable,
  input: { kid: string; publicJwk: object; privateJwkEncrypted: string },
): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO signing_keys (kid, public_jwk, private_jwk_encrypted) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING`,
    [input.kid, JSON.stringify(input.publicJwk), input.privateJwkEncrypted],
  );
  return result.rowCount > 0;
}

export async function retireActiveSigningKey(db: Queryable, now: Date): Promise<void> {
  await db.query('UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL', [now]);
}

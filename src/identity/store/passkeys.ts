// Passkeys (WebAuthn credentials) and the challenges of ceremonies under way.
import type { Queryable } from '../../platform/db/database.ts';
import type { Tables } from './tables.ts';

export type PasskeyRow = Pick<
  Tables['passkeys'],
  | 'passkey_id'
  | 'user_id'
  | 'credential_id'
  | 'public_key'
  | 'counter'
  | 'transports'
  | 'device_type'
  | 'backed_up'
  | 'aaguid'
  | 'name'
  | 'rp_id'
  | 'created_at'
  | 'last_used_at'
>;

const COLUMNS = `passkey_id, user_id, credential_id, public_key, counter, transports, device_type, backed_up,
  aaguid, name, rp_id, created_at, last_used_at`;

const parse = (row: PasskeyRow): PasskeyRow => ({ ...row, counter: Number(row.counter) });

export async function insertPasskey(
  db: Queryable,
  input: Omit<PasskeyRow, 'passkey_id' | 'last_used_at'>,
): Promise<PasskeyRow> {
  const { rows } = await db.query<PasskeyRow>(
    `INSERT INTO passkeys (user_id, credential_id, public_key, counter, transports, device_type, backed_up,
       aaguid, name, rp_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     RETURNING ${COLUMNS}`,
    [
      input.user_id,
      input.credential_id,
      input.public_key,
      input.counter,
      input.transports,
      input.device_type,
      input.backed_up,
      input.aaguid,
      input.name,
      input.rp_id,
      input.created_at,
    ],
  );
  return parse(rows[0] as PasskeyRow);
}

export async function listPasskeys(db: Queryable, userId: string): Promise<PasskeyRow[]> {
  const { rows } = await db.query<PasskeyRow>(
    `SELECT ${COLUMNS} FROM passkeys WHERE user_id = $1 ORDER BY created_at, passkey_id`,
    [userId],
  );
  return rows.map(parse);
}

export async function findPasskeyByCredential(
  db: Queryable,
  credentialId: string,
): Promise<PasskeyRow | undefined> {
  const { rows } = await db.query<PasskeyRow>(`SELECT ${COLUMNS} FROM passkeys WHERE credential_id = $1`, [
    credentialId,
  ]);
  return rows[0] && parse(rows[0]);
}

export async function renamePasskey(
  db: Queryable,
  userId: string,
  passkeyId: string,
  name: string,
): Promise<PasskeyRow | undefined> {
  const { rows } = await db.query<PasskeyRow>(
    `UPDATE passkeys SET name = $3 WHERE user_id = $1 AND passkey_id = $2 RETURNING ${COLUMNS}`,
    [userId, passkeyId, name],
  );
  return rows[0] && parse(rows[0]);
}

export async function deletePasskey(
  db: Queryable,
  userId: string,
  passkeyId: string,
): Promise<PasskeyRow | undefined> {
  const { rows } = await db.query<PasskeyRow>(
    `DELETE FROM passkeys WHERE user_id = $1 AND passkey_id = $2 RETURNING ${COLUMNS}`,
    [userId, passkeyId],
  );
  return rows[0] && parse(rows[0]);
}

export async function recordPasskeyUse(
  db: Queryable,
  passkeyId: string,
  input: { counter: number; backedUp: boolean; now: Date },
): Promise<void> {
  await db.query(
    'UPDATE passkeys SET counter = $2, backed_up = $3, last_used_at = $4 WHERE passkey_id = $1',
    [passkeyId, input.counter, input.backedUp, input.now],
  );
}

export type WebauthnChallengeRow = Pick<
  Tables['webauthn_challenges'],
  'challenge' | 'user_id' | 'purpose' | 'rp_id' | 'origin'
>;

export async function insertWebauthnChallenge(
  db: Queryable,
  input: WebauthnChallengeRow & { now: Date; expiresAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO webauthn_challenges (challenge, user_id, purpose, rp_id, origin, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [input.challenge, input.user_id, input.purpose, input.rp_id, input.origin, input.now, input.expiresAt],
  );
}

/** Spends a live challenge of this purpose; undefined when unknown, spent or expired. */
export async function spendWebauthnChallenge(
  db: Queryable,
  challenge: string,
  purpose: WebauthnChallengeRow['purpose'],
  now: Date,
): Promise<WebauthnChallengeRow | undefined> {
  const { rows } = await db.query<WebauthnChallengeRow>(
    `UPDATE webauthn_challenges SET used_at = $3
     WHERE challenge = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
     RETURNING challenge, user_id, purpose, rp_id, origin`,
    [challenge, purpose, now],
  );
  return rows[0];
}

export async function deleteStaleWebauthnChallenges(db: Queryable, before: Date): Promise<number> {
  const result = await db.query('DELETE FROM webauthn_challenges WHERE expires_at < $1', [before]);
  return result.rowCount;
}

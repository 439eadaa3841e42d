// The OpenID Connect provider's rows: its objects (codes, tokens, grants, interactions), the
// registered clients, and the CALOS session each user grant belongs to.
import type { Queryable } from '../../platform/db/database.ts';

export interface OidcPayloadRow {
  payload: Record<string, unknown>;
  consumed_at: Date | null;
  /** False when the grant's CALOS session has ended (or the grant was never tied to one). */
  is_live: boolean;
}

/**
 * One object of the provider. A user's object with a grant (code, tokens, the grant itself) is
 * live only while the CALOS session its grant belongs to is: sign-out anywhere reaches it.
 */
export async function findOidcPayload(
  db: Queryable,
  where: { model: string } & ({ id: string } | { userCode: string } | { uid: string }),
  now: Date,
): Promise<OidcPayloadRow | undefined> {
  const [column, value] =
    'id' in where
      ? ['id', where.id]
      : 'userCode' in where
        ? ['user_code', where.userCode]
        : ['uid', where.uid];
  const { rows } = await db.query<OidcPayloadRow>(
    `SELECT p.payload, p.consumed_at,
            (p.grant_id IS NULL OR p.payload->>'accountId' IS NULL OR
             (s.session_id IS NOT NULL AND s.revoked_at IS NULL AND s.expires_at > $3)) AS is_live
       FROM oidc_payloads p
       LEFT JOIN oidc_grant_sessions g ON g.grant_id = p.grant_id
       LEFT JOIN user_sessions s ON s.session_id = g.session_id
      WHERE p.model = $1 AND p.${column} = $2 AND (p.expires_at IS NULL OR p.expires_at > $3)`,
    [where.model, value, now],
  );
  return rows[0];
}

export async function upsertOidcPayload(
  db: Queryable,
  input: {
    model: string;
    id: string;
    payload: Record<string, unknown>;
    grantId?: string;
    userCode?: string;
    uid?: string;
    expiresAt?: Date;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO oidc_payloads (model, id, payload, grant_id, user_code, uid, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
       user_code = EXCLUDED.user_code, uid = EXCLUDED.uid, expires_at = EXCLUDED.expires_at`,
    [
      input.model,
      input.id,
      JSON.stringify(input.payload),
      input.grantId ?? null,
      input.userCode ?? null,
      input.uid ?? null,
      input.expiresAt ?? null,
    ],
  );
}

export async function consumeOidcPayload(db: Queryable, model: string, id: string, now: Date): Promise<void> {
  await db.query('UPDATE oidc_payloads SET consumed_at = $3 WHERE model = $1 AND id = $2', [model, id, now]);
}

export async function deleteOidcPayload(db: Queryable, model: string, id: string): Promise<void> {
  await db.query('DELETE FROM oidc_payloads WHERE model = $1 AND id = $2', [model, id]);
}

/** Every object of a grant (the provider revokes a grant as a whole). */
export async function deleteOidcGrant(db: Queryable, grantId: string): Promise<void> {
  await db.query('DELETE FROM oidc_payloads WHERE grant_id = $1', [grantId]);
}

export async function deleteExpiredOidcPayloads(db: Queryable, now: Date): Promise<number> {
  const result = await db.query('DELETE FROM oidc_payloads WHERE expires_at <= $1', [now]);
  return result.rowCount;
}

export async function linkGrantToSession(
  db: Queryable,
  input: { grantId: string; sessionId: string; userId: string; clientId: string; now: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO oidc_grant_sessions (grant_id, session_id, user_id, client_id, created_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (grant_id) DO UPDATE SET session_id = EXCLUDED.session_id`,
    [input.grantId, input.sessionId, input.userId, input.clientId, input.now],
  );
}

export async function findGrantSession(
  db: Queryable,
  grantId: string,
): Promise<{ session_id: string; user_id: string; client_id: string } | undefined> {
  const { rows } = await db.query<{ session_id: string; user_id: string; client_id: string }>(
    'SELECT session_id, user_id, client_id FROM oidc_grant_sessions WHERE grant_id = $1',
    [grantId],
  );
  return rows[0];
}

/** The apps a user allowed, while the session of the grant lasts (newest first). */
export async function listUserGrants(
  db: Queryable,
  userId: string,
  now: Date,
): Promise<Array<{ grant_id: string; client_id: string; name: string; created_at: Date }>> {
  const { rows } = await db.query<{ grant_id: string; client_id: string; name: string; created_at: Date }>(
    `SELECT g.grant_id, g.client_id, c.name, g.created_at
       FROM oidc_grant_sessions g
       JOIN user_sessions s ON s.session_id = g.session_id
       JOIN oidc_clients c ON c.client_id = g.client_id
       JOIN oidc_payloads p ON p.model = 'Grant' AND p.id = g.grant_id
      WHERE g.user_id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
        AND (p.expires_at IS NULL OR p.expires_at > $2)
      ORDER BY g.created_at DESC
      LIMIT 200`,
    [userId, now],
  );
  return rows;
}

export interface OidcClientRow {
  client_id: string;
  name: string;
  metadata: Record<string, unknown>;
  secret_sealed: string | null;
  first_party: boolean;
  created_at: Date;
}

const CLIENT_COLUMNS = 'client_id, name, metadata, secret_sealed, first_party, created_at';

export async function findOidcClient(db: Queryable, clientId: string): Promise<OidcClientRow | undefined> {
  const { rows } = await db.query<OidcClientRow>(
    `SELECT ${CLIENT_COLUMNS} FROM oidc_clients WHERE client_id = $1`,
    [clientId],
  );
  return rows[0];
}

export async function listOidcClients(db: Queryable): Promise<OidcClientRow[]> {
  const { rows } = await db.query<OidcClientRow>(
    `SELECT ${CLIENT_COLUMNS} FROM oidc_clients ORDER BY created_at, client_id`,
  );
  return rows;
}

export async function insertOidcClient(
  db: Queryable,
  input: {
    clientId: string;
    name: string;
    metadata: Record<string, unknown>;
    secretSealed: string | null;
    firstParty: boolean;
    now: Date;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO oidc_clients (client_id, name, metadata, secret_sealed, first_party, created_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      input.clientId,
      input.name,
      JSON.stringify(input.metadata),
      input.secretSealed,
      input.firstParty,
      input.now,
    ],
  );
}

/** Removes a client and everything issued to it. */
export async function deleteOidcClient(db: Queryable, clientId: string): Promise<boolean> {
  await db.query(
    `DELETE FROM oidc_payloads WHERE grant_id IN (SELECT grant_id FROM oidc_grant_sessions WHERE client_id = $1)
        OR payload->>'clientId' = $1`,
    [clientId],
  );
  await db.query('DELETE FROM oidc_grant_sessions WHERE client_id = $1', [clientId]);
  const result = await db.query('DELETE FROM oidc_clients WHERE client_id = $1', [clientId]);
  return result.rowCount > 0;
}

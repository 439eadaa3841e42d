// The OpenID Connect provider's rows: its objects (codes, tokens, grants, interactions), the
// registered clients, and the CALOS session each user grant belongs to.
import type { Queryable, Session } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import { REVOCATIONS_CHANNEL } from './revocations.ts';
import type { Tables } from './tables.ts';

export type OidcPayloadRow = Refine<
  Pick<Tables['oidc_payloads'], 'payload' | 'consumed_at'>,
  {
    payload: Record<string, unknown>;
  }
> & {
  /** False when the grant's CALOS session has ended (or the grant was never tied to one). */
  is_live: boolean;
};

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

/**
 * Ends a grant (the person took the app's access away, the app revoked its refresh token, the
 * provider revoked it): removes its codes and tokens and, for a user's grant, puts its key in the
 * revocation feed, so its access tokens (claim `gid`) are refused by every service within seconds.
 */
export async function deleteOidcGrant(
  db: Queryable,
  grantId: string,
  reason: string,
  now: Date,
): Promise<void> {
  const deleted = await db.query('DELETE FROM oidc_payloads WHERE grant_id = $1', [grantId]);
  if (deleted.rowCount === 0) return;
  const fed = await db.query(
    `INSERT INTO token_revocations (user_id, session_id, reason, revoked_at)
     SELECT user_id, grant_key, $2, $3 FROM oidc_grant_sessions WHERE grant_id = $1`,
    [grantId, reason, now],
  );
  if (fed.rowCount > 0) await db.query('SELECT pg_notify($1, $2)', [REVOCATIONS_CHANNEL, reason]);
}

/** Whether the grant with this key still stands (identity checks it on each app request). */
export async function isGrantLive(db: Queryable, grantKey: string, now: Date): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM oidc_grant_sessions g
       JOIN oidc_payloads p ON p.model = 'Grant' AND p.id = g.grant_id
      WHERE g.grant_key = $1 AND (p.expires_at IS NULL OR p.expires_at > $2)`,
    [grantKey, now],
  );
  return rows.length > 0;
}

/** The `sid` an app's ID tokens of this grant carry (from its code), for back-channel logout. */
export async function recordProviderSid(db: Queryable, grantId: string, sid: string): Promise<void> {
  await db.query(
    'UPDATE oidc_grant_sessions SET provider_sid = $2 WHERE grant_id = $1 AND provider_sid IS DISTINCT FROM $2',
    [grantId, sid],
  );
}

/**
 * A device's poll of a code not yet approved (RFC 8628 §3.5): too soon after the last one (within
 * the interval) is slow_down, and the interval grows by `step` seconds (at most `max`).
 */
export async function recordDevicePoll(
  db: Session,
  deviceCode: string,
  now: Date,
  pacing: { interval: number; step: number; max: number },
): Promise<{ isTooSoon: boolean; interval: number }> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ last_polled_at: Date | null; poll_interval_seconds: number | null }>(
      `SELECT last_polled_at, poll_interval_seconds FROM oidc_payloads
        WHERE model = 'DeviceCode' AND id = $1 FOR UPDATE`,
      [deviceCode],
    );
    const row = rows[0];
    if (!row) return { isTooSoon: false, interval: pacing.interval };
    const interval = row.poll_interval_seconds ?? pacing.interval;
    const isTooSoon =
      row.last_polled_at !== null && now.getTime() - row.last_polled_at.getTime() < interval * 1000;
    const next = isTooSoon ? Math.min(interval + pacing.step, pacing.max) : interval;
    await tx.query(
      `UPDATE oidc_payloads SET last_polled_at = $2, poll_interval_seconds = $3
        WHERE model = 'DeviceCode' AND id = $1`,
      [deviceCode, now, next],
    );
    return { isTooSoon, interval: next };
  });
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

export type GrantSessionRow = Pick<
  Tables['oidc_grant_sessions'],
  'session_id' | 'user_id' | 'client_id' | 'grant_key'
>;

export async function findGrantSession(db: Queryable, grantId: string): Promise<GrantSessionRow | undefined> {
  const { rows } = await db.query<GrantSessionRow>(
    'SELECT session_id, user_id, client_id, grant_key FROM oidc_grant_sessions WHERE grant_id = $1',
    [grantId],
  );
  return rows[0];
}

/** One app to tell (back-channel logout) about one grant's end. */
export interface LogoutTarget {
  grant_id: string;
  user_id: string;
  client_id: string;
  provider_sid: string;
}
const LOGOUT_TARGET = 'grant_id, user_id, client_id, provider_sid';

/**
 * The apps to tell (back-channel logout) about ended sessions and grants: the grants of those
 * sessions, or with those keys, whose ID tokens named a `sid`.
 */
export async function grantsOfEnded(db: Queryable, ended: string[]): Promise<LogoutTarget[]> {
  if (ended.length === 0) return [];
  const { rows } = await db.query<LogoutTarget>(
    `SELECT ${LOGOUT_TARGET} FROM oidc_grant_sessions
      WHERE (session_id = ANY($1::uuid[]) OR grant_key = ANY($1::uuid[])) AND provider_sid IS NOT NULL`,
    [ended],
  );
  return rows;
}

/**
 * Keeps what the apps must be told of a user's grants before the user is deleted (the grants go
 * with the account): read by the logout sender once the account's revocation reaches it.
 */
export async function oweLogoutsOf(db: Queryable, userId: string, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO oidc_logouts_owed (user_id, client_id, provider_sid, grant_id, created_at)
     SELECT user_id, client_id, provider_sid, grant_id, $2 FROM oidc_grant_sessions
      WHERE user_id = $1 AND provider_sid IS NOT NULL
     ON CONFLICT (user_id, grant_id) DO NOTHING`,
    [userId, now],
  );
}

/** The logouts owed for these deleted users' grants, in the shape of grantsOfEnded. */
export async function owedLogoutsOf(db: Queryable, userIds: string[]): Promise<LogoutTarget[]> {
  if (userIds.length === 0) return [];
  const { rows } = await db.query<LogoutTarget>(
    `SELECT ${LOGOUT_TARGET} FROM oidc_logouts_owed WHERE user_id = ANY($1::uuid[])`,
    [userIds],
  );
  return rows;
}

/** Forgets owed logouts once sent (or given up on), and any older than `before`. */
export async function clearOwedLogouts(db: Queryable, userIds: string[], before: Date): Promise<void> {
  await db.query('DELETE FROM oidc_logouts_owed WHERE user_id = ANY($1::uuid[]) OR created_at < $2', [
    userIds,
    before,
  ]);
}

/** Where the back-channel logout sender stands in token_revocations. */
export async function logoutProgress(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ revocation_id: string }>(
    'SELECT revocation_id::text AS revocation_id FROM oidc_logout_progress',
  );
  return Number(rows[0]?.revocation_id ?? 0);
}

/** Moves the sender on from `from` to `to`; false when another process already did (it sends them). */
export async function claimLogoutProgress(db: Queryable, from: number, to: number): Promise<boolean> {
  const result = await db.query(
    'UPDATE oidc_logout_progress SET revocation_id = $2 WHERE revocation_id = $1',
    [from, to],
  );
  return result.rowCount > 0;
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

export type OidcClientRow = Refine<
  Pick<
    Tables['oidc_clients'],
    'client_id' | 'name' | 'metadata' | 'secret_sealed' | 'first_party' | 'created_at'
  >,
  {
    metadata: Record<string, unknown>;
  }
>;

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

/**
 * Registers or updates a client whose metadata the deployment's settings define (the first-party
 * apps): idempotent, and a change of redirect URIs takes effect at the next start.
 */
export async function upsertOidcClient(
  db: Queryable,
  input: {
    clientId: string;
    name: string;
    metadata: Record<string, unknown>;
    firstParty: boolean;
    now: Date;
  },
): Promise<'created' | 'updated' | 'unchanged'> {
  const { rows } = await db.query<{ inserted: boolean }>(
    `INSERT INTO oidc_clients (client_id, name, metadata, secret_sealed, first_party, created_at)
     VALUES ($1, $2, $3, NULL, $4, $5)
     ON CONFLICT (client_id) DO UPDATE SET name = EXCLUDED.name, metadata = EXCLUDED.metadata,
       secret_sealed = NULL, first_party = EXCLUDED.first_party
       WHERE oidc_clients.name IS DISTINCT FROM EXCLUDED.name
          OR oidc_clients.metadata IS DISTINCT FROM EXCLUDED.metadata
          OR oidc_clients.secret_sealed IS NOT NULL
          OR oidc_clients.first_party IS DISTINCT FROM EXCLUDED.first_party
     RETURNING (xmax = 0) AS inserted`,
    [input.clientId, input.name, JSON.stringify(input.metadata), input.firstParty, input.now],
  );
  const row = rows[0];
  return row === undefined ? 'unchanged' : row.inserted ? 'created' : 'updated';
}

/**
 * The live CALOS sessions of this user's first-party app grants (each app's own session, started
 * when the console let the app in): "sign out everywhere" ends them with the console's.
 */
export async function liveFirstPartySessionIds(db: Queryable, userId: string): Promise<string[]> {
  const { rows } = await db.query<{ session_id: string }>(
    `SELECT DISTINCT g.session_id FROM oidc_grant_sessions g
       JOIN oidc_clients c ON c.client_id = g.client_id AND c.first_party
       JOIN user_sessions s ON s.session_id = g.session_id
      WHERE g.user_id = $1 AND s.revoked_at IS NULL`,
    [userId],
  );
  return rows.map((row) => row.session_id);
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

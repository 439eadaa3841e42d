// The security audit log: append-only, one user's entries readable by that user.
import type { Queryable } from '../../platform/db/database.ts';
import { keysetSql, Params } from '../../platform/db/sql.ts';
import type { RequestOrigin } from '../deps.ts';

export const AUDIT_EVENTS = [
  'account.created',
  'account.deleted',
  'login.succeeded',
  'login.failed',
  'login.locked',
  'logout.succeeded',
  'password.changed',
  'session.refresh_reuse',
  'device.paired',
  'device.revoked',
  'api_key.added',
  'api_key.removed',
  'credits.purchased',
  'subscription.changed',
  'password.reset_requested',
  'password.reset',
  'email.verified',
  'email.change_requested',
  'email.changed',
  'two_factor.enabled',
  'two_factor.disabled',
  'two_factor.recovery_codes_created',
  'two_factor.recovery_code_used',
  'login.mfa_failed',
  'passkey.added',
  'passkey.renamed',
  'passkey.removed',
  'mail.preferences_changed',
  'oidc.granted',
  'oidc.revoked',
  'staff.action',
  'account.exported',
  'account.imported',
] as const;
export type AuditEvent = (typeof AUDIT_EVENTS)[number];

export interface AuditEntry {
  audit_id: number;
  event: AuditEvent;
  ip_address: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
  created_at: Date;
}

export async function recordAudit(
  db: Queryable,
  userId: string,
  event: AuditEvent,
  origin: RequestOrigin = {},
  details: Record<string, unknown> = {},
): Promise<void> {
  await db.query(
    'INSERT INTO audit_log (user_id, event, ip_address, user_agent, details) VALUES ($1, $2, $3, $4, $5)',
    [userId, event, origin.ip ?? null, origin.userAgent?.slice(0, 512) ?? null, JSON.stringify(details)],
  );
}

const NEWEST_AUDIT = keysetSql('desc', [['audit_id', 'bigint']]);

/** Newest first; `before` is the audit_id to continue below. */
export async function listAudit(
  db: Queryable,
  userId: string,
  limit: number,
  before?: number,
): Promise<AuditEntry[]> {
  const params = new Params([userId, limit]);
  const { rows } = await db.query<AuditEntry>(
    `SELECT audit_id, event, ip_address, user_agent, details, created_at FROM audit_log
     WHERE user_id = $1 ${before === undefined ? '' : `AND ${NEWEST_AUDIT.after([before], params)}`}
     ORDER BY ${NEWEST_AUDIT.orderBy} LIMIT $2`,
    params.values,
  );
  return rows;
}

export async function deleteAuditOf(db: Queryable, userId: string): Promise<void> {
  await db.query('DELETE FROM audit_log WHERE user_id = $1', [userId]);
}

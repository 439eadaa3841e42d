// Staff roles and the staff audit log in calos_identity (migration 071). The log is append-only:
// this module only inserts and reads it, and the database refuses UPDATE and DELETE on it.
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import { keysetSql, Params } from '../../platform/db/sql.ts';
import type { Tables } from './tables.ts';

export const STAFF_ROLES = ['admin', 'support', 'moderator'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const STAFF_DOMAINS = ['all', 'identity', 'hollowtown', 'recipes', 'family'] as const;
export type StaffDomain = (typeof STAFF_DOMAINS)[number];

export type StaffGrantRow = Refine<
  Pick<Tables['staff_roles'], 'user_id' | 'role' | 'domain' | 'granted_by' | 'created_at'>,
  {
    role: StaffRole;
    domain: StaffDomain;
  }
> & {
  username: string;
};

export type StaffAuditRow = Refine<
  Pick<
    Tables['staff_audit_log'],
    | 'staff_audit_id'
    | 'actor_user_id'
    | 'actor_label'
    | 'action'
    | 'subject_user_id'
    | 'domain'
    | 'reason'
    | 'details'
    | 'created_at'
  >,
  {
    domain: StaffDomain;
    details: Record<string, unknown>;
  }
>;

/** True when the grant is new. */
export async function insertStaffRole(
  tx: Queryable,
  input: { userId: string; role: StaffRole; domain: StaffDomain; grantedBy: string; at: Date },
): Promise<boolean> {
  const { rows } = await tx.query(
    `INSERT INTO staff_roles (user_id, role, domain, granted_by, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING RETURNING user_id`,
    [input.userId, input.role, input.domain, input.grantedBy, input.at],
  );
  return rows.length > 0;
}

/** How many grants were removed (a role without --domain is taken back in every domain). */
export async function deleteStaffRole(
  tx: Queryable,
  input: { userId: string; role: StaffRole; domain: StaffDomain | null },
): Promise<StaffDomain[]> {
  const { rows } = await tx.query<{ domain: StaffDomain }>(
    `DELETE FROM staff_roles WHERE user_id = $1 AND role = $2 AND ($3::text IS NULL OR domain = $3)
     RETURNING domain`,
    [input.userId, input.role, input.domain],
  );
  return rows.map((r) => r.domain);
}

/** Locks the admin-of-all grants (a revoke of one waits for another) and counts them. */
export async function lockAdminsOfAll(tx: Queryable): Promise<number> {
  const { rows } = await tx.query(
    `SELECT user_id FROM staff_roles WHERE role = 'admin' AND domain = 'all' FOR UPDATE`,
  );
  return rows.length;
}

export async function listStaffRoles(db: Queryable, userId?: string): Promise<StaffGrantRow[]> {
  const { rows } = await db.query<StaffGrantRow>(
    `SELECT s.user_id, u.username, s.role, s.domain, s.granted_by, s.created_at
     FROM staff_roles s JOIN users u ON u.user_id = s.user_id
     WHERE ($1::uuid IS NULL OR s.user_id = $1)
     ORDER BY lower(u.username), s.domain, s.role`,
    [userId ?? null],
  );
  return rows;
}

/**
 * Appends an entry; answers its id, or undefined when an entry under the same `dedupeKey` is
 * there already (a second delivery of the same action).
 */
export async function insertStaffAudit(
  tx: Queryable,
  input: {
    actorUserId: string | null;
    actorLabel: string;
    action: string;
    subjectUserId: string | null;
    domain: StaffDomain;
    reason: string | null;
    details: Record<string, unknown>;
    at: Date;
    dedupeKey?: string;
  },
): Promise<number | undefined> {
  const { rows } = await tx.query<{ staff_audit_id: number }>(
    `INSERT INTO staff_audit_log (actor_user_id, actor_label, action, subject_user_id, domain, reason, details, created_at, dedupe_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
     RETURNING staff_audit_id`,
    [
      input.actorUserId,
      input.actorLabel.slice(0, 100),
      input.action,
      input.subjectUserId,
      input.domain,
      input.reason,
      JSON.stringify(input.details),
      input.at,
      input.dedupeKey ?? null,
    ],
  );
  return rows[0] ? Number(rows[0].staff_audit_id) : undefined;
}

/** The entry written under a delivering service's key, if any. */
export async function findStaffAuditByKey(db: Queryable, dedupeKey: string): Promise<number | undefined> {
  const { rows } = await db.query<{ staff_audit_id: number }>(
    'SELECT staff_audit_id FROM staff_audit_log WHERE dedupe_key = $1',
    [dedupeKey],
  );
  return rows[0] ? Number(rows[0].staff_audit_id) : undefined;
}

const NEWEST_STAFF_AUDIT = keysetSql('desc', [['staff_audit_id', 'bigint']]);

/**
 * Newest first, below the id `before` when given; filtered by the account concerned or by the
 * staff member who acted.
 */
export async function listStaffAudit(
  db: Queryable,
  filter: { subjectUserId?: string; actorUserId?: string; domains?: readonly StaffDomain[] },
  limit: number,
  before?: number,
): Promise<StaffAuditRow[]> {
  const params = new Params([
    filter.subjectUserId ?? null,
    filter.actorUserId ?? null,
    filter.domains ?? null,
    limit,
  ]);
  const { rows } = await db.query<StaffAuditRow>(
    `SELECT staff_audit_id, actor_user_id, actor_label, action, subject_user_id, domain, reason, details, created_at
     FROM staff_audit_log
     WHERE ($1::uuid IS NULL OR subject_user_id = $1) AND ($2::uuid IS NULL OR actor_user_id = $2)
       AND ($3::text[] IS NULL OR domain = ANY($3))
       ${before === undefined ? '' : `AND ${NEWEST_STAFF_AUDIT.after([before], params)}`}
     ORDER BY ${NEWEST_STAFF_AUDIT.orderBy} LIMIT $4`,
    params.values,
  );
  return rows.map((r) => ({ ...r, staff_audit_id: Number(r.staff_audit_id) }));
}

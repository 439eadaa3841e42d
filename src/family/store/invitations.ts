// Invitations into a family (family_invitations): to an account by login, or a link with a
// secret code. Every time comes from the caller (the service's clock).
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import { cursorTime, type KeysetPosition, keysetSql, Params } from '../../platform/db/sql.ts';
import type { FamilyRole } from '../client.ts';
import type { Tables } from './tables.ts';

export type InvitationKind = 'login' | 'link';
export type InvitationStatus = 'pending' | 'awaiting_approval' | 'accepted' | 'declined';

export type InvitationRow = Refine<
  Pick<
    Tables['family_invitations'],
    | 'invitation_id'
    | 'family_id'
    | 'kind'
    | 'role'
    | 'invitee_login'
    | 'invitee_user_id'
    | 'max_uses'
    | 'use_count'
    | 'via_invitation_id'
    | 'status'
    | 'created_by'
    | 'created_at'
    | 'expires_at'
    | 'revoked_at'
    | 'answered_at'
  >,
  {
    kind: InvitationKind;
    role: FamilyRole;
    status: InvitationStatus;
  }
> & {
  cursor_at: string;
};

/** An invitation with its family's name, as the invitee or a guardian sees it. */
export interface InvitationWithFamilyRow extends InvitationRow {
  family_name: string;
}

const COLUMNS = `i.invitation_id, i.family_id, i.kind, i.role, i.invitee_login, i.invitee_user_id, i.max_uses,
  i.use_count, i.via_invitation_id, i.status, i.created_by, i.created_at, i.expires_at, i.revoked_at,
  i.answered_at, ${cursorTime('i.created_at')} AS cursor_at`;

/** Still open: not revoked, not expired, not answered, and (a link) with uses left. */
const OPEN = `i.revoked_at IS NULL AND i.expires_at > $2
  AND i.status IN ('pending', 'awaiting_approval')
  AND (i.kind = 'login' OR i.use_count < i.max_uses)`;

export async function insertInvitation(
  tx: Queryable,
  row: {
    familyId: string;
    kind: InvitationKind;
    role: FamilyRole;
    inviteeLogin: string | null;
    inviteeUserId: string | null;
    codeHash: string | null;
    maxUses: number | null;
    viaInvitationId: string | null;
    status: InvitationStatus;
    createdBy: string | null;
    createdAt: Date;
    expiresAt: Date;
  },
): Promise<InvitationRow | undefined> {
  const { rows } = await tx.query<InvitationRow>(
    `INSERT INTO family_invitations AS i (family_id, kind, role, invitee_login, invitee_user_id, code_hash,
       max_uses, via_invitation_id, status, created_by, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      row.familyId,
      row.kind,
      row.role,
      row.inviteeLogin,
      row.inviteeUserId,
      row.codeHash,
      row.maxUses,
      row.viaInvitationId,
      row.status,
      row.createdBy,
      row.createdAt,
      row.expiresAt,
    ],
  );
  return rows[0];
}

/** Expired, still-pending invitations of a login stop holding its place (one open per login). */
export async function closeExpiredForLogin(
  tx: Queryable,
  familyId: string,
  login: string,
  now: Date,
): Promise<void> {
  await tx.query(
    `UPDATE family_invitations SET revoked_at = $3
     WHERE family_id = $1 AND lower(invitee_login) = lower($2) AND kind = 'login' AND status = 'pending'
       AND revoked_at IS NULL AND via_invitation_id IS NULL AND expires_at <= $3`,
    [familyId, login, now],
  );
}

export async function countOpenInvitations(tx: Queryable, familyId: string, now: Date): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM family_invitations i WHERE i.family_id = $1 AND ${OPEN}`,
    [familyId, now],
  );
  return rows[0]?.n ?? 0;
}

const OPEN_INVITATIONS = keysetSql('asc', [
  ['i.created_at', 'timestamptz'],
  ['i.invitation_id', 'uuid'],
]);

/** A family's open invitations, oldest first. */
export async function listOpenInvitations(
  db: Queryable,
  familyId: string,
  now: Date,
  limit: number,
  after?: KeysetPosition,
): Promise<InvitationRow[]> {
  const params = new Params([familyId, now, limit + 1]);
  const keyset = after ? `AND ${OPEN_INVITATIONS.after([after.at, after.id], params)}` : '';
  const { rows } = await db.query<InvitationRow>(
    `SELECT ${COLUMNS} FROM family_invitations i
     WHERE i.family_id = $1 AND ${OPEN} ${keyset}
     ORDER BY ${OPEN_INVITATIONS.orderBy} LIMIT $3`,
    params.values,
  );
  return rows;
}

/** Open invitations addressed to a user, oldest first (at most `limit`). */
export async function listInvitationsFor(
  db: Queryable,
  userId: string,
  now: Date,
  limit: number,
): Promise<InvitationWithFamilyRow[]> {
  const { rows } = await db.query<InvitationWithFamilyRow>(
    `SELECT ${COLUMNS}, f.family_name FROM family_invitations i JOIN families f ON f.family_id = i.family_id
     WHERE i.invitee_user_id = $1 AND i.kind = 'login' AND ${OPEN}
     ORDER BY i.created_at, i.invitation_id LIMIT $3`,
    [userId, now, limit],
  );
  return rows;
}

/**
 * Answers of children waiting for this user's approval: the child is a child of a family in
 * which this user is a parent or admin.
 */
export async function listApprovalsFor(
  db: Queryable,
  guardianId: string,
  now: Date,
  limit: number,
): Promise<InvitationWithFamilyRow[]> {
  const { rows } = await db.query<InvitationWithFamilyRow>(
    `SELECT ${COLUMNS}, f.family_name FROM family_invitations i JOIN families f ON f.family_id = i.family_id
     WHERE i.status = 'awaiting_approval' AND ${OPEN}
       AND i.invitee_user_id IN (
         SELECT c.user_id FROM family_members c JOIN family_members g ON g.family_id = c.family_id
         WHERE c.role = 'child' AND g.user_id = $1 AND g.role IN ('admin', 'parent') AND c.user_id <> $1)
     ORDER BY i.created_at, i.invitation_id LIMIT $3`,
    [guardianId, now, limit],
  );
  return rows;
}

export async function findInvitation(
  db: Queryable,
  invitationId: string,
  options: { lock?: boolean } = {},
): Promise<InvitationRow | undefined> {
  const { rows } = await db.query<InvitationRow>(
    `SELECT ${COLUMNS} FROM family_invitations i WHERE i.invitation_id = $1 ${options.lock ? 'FOR UPDATE' : ''}`,
    [invitationId],
  );
  return rows[0];
}

export async function findLinkByCodeHash(
  db: Queryable,
  codeHash: string,
): Promise<InvitationRow | undefined> {
  const { rows } = await db.query<InvitationRow>(
    `SELECT ${COLUMNS} FROM family_invitations i WHERE i.code_hash = $1 AND i.kind = 'link'`,
    [codeHash],
  );
  return rows[0];
}

/** A user's own answer to a link that waits for approval (one per link and user). */
export async function findAnswerToLink(
  db: Queryable,
  linkId: string,
  userId: string,
): Promise<InvitationRow | undefined> {
  const { rows } = await db.query<InvitationRow>(
    `SELECT ${COLUMNS} FROM family_invitations i WHERE i.via_invitation_id = $1 AND i.invitee_user_id = $2`,
    [linkId, userId],
  );
  return rows[0];
}

export async function answerInvitation(
  tx: Queryable,
  invitationId: string,
  status: InvitationStatus,
  at: Date,
  approvedBy: string | null = null,
): Promise<void> {
  await tx.query(
    `UPDATE family_invitations SET status = $2, answered_at = $3, approved_by = coalesce($4, approved_by)
     WHERE invitation_id = $1`,
    [invitationId, status, at, approvedBy],
  );
}

export async function countUse(tx: Queryable, invitationId: string): Promise<void> {
  await tx.query('UPDATE family_invitations SET use_count = use_count + 1 WHERE invitation_id = $1', [
    invitationId,
  ]);
}

/** Revokes an open invitation of the family (and what waits on it); false when there is none. */
export async function revokeInvitation(
  tx: Queryable,
  familyId: string,
  invitationId: string,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE family_invitations i SET revoked_at = $2
     WHERE i.family_id = $1 AND i.invitation_id = $3 AND ${OPEN}`,
    [familyId, now, invitationId],
  );
  if (!rowCount) return false;
  await tx.query(
    `UPDATE family_invitations SET revoked_at = $2
     WHERE via_invitation_id = $1 AND status = 'awaiting_approval' AND revoked_at IS NULL`,
    [invitationId, now],
  );
  return true;
}

/** Whether the user is a child in any family. */
export async function isChildSomewhere(db: Queryable, userId: string): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM family_members WHERE user_id = $1 AND role = 'child') AS found",
    [userId],
  );
  return rows[0]?.found === true;
}

/** Whether the guardian is a parent or admin of a family in which the child is a child. */
export async function isGuardianOf(db: Queryable, guardianId: string, childId: string): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM family_members c JOIN family_members g ON g.family_id = c.family_id
       WHERE c.user_id = $2 AND c.role = 'child' AND g.user_id = $1 AND g.role IN ('admin', 'parent')
     ) AS found`,
    [guardianId, childId],
  );
  return rows[0]?.found === true;
}

/** Takes the family row's lock (changes of members run one at a time); undefined when it is gone. */
export async function lockFamilyRow(
  tx: Queryable,
  familyId: string,
): Promise<{ created_by: string | null } | undefined> {
  const { rows } = await tx.query<{ created_by: string | null }>(
    'SELECT created_by FROM families WHERE family_id = $1 FOR UPDATE',
    [familyId],
  );
  return rows[0];
}

export async function findFamilyName(db: Queryable, familyId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ family_name: string }>(
    'SELECT family_name FROM families WHERE family_id = $1',
    [familyId],
  );
  return rows[0]?.family_name;
}

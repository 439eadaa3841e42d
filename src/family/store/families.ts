// Families and their members (families, family_members) in family_db.
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import { cursorTime, type KeysetPosition, keysetSql, Params } from '../../platform/db/sql.ts';
import type { FamilyRole } from '../client.ts';
import type { Tables } from './tables.ts';

export type FamilyRow = Refine<
  Pick<
    Tables['families'],
    'family_id' | 'family_name' | 'default_time_zone' | 'created_by' | 'created_at' | 'updated_at'
  >,
  {
    /** The IANA time zone new calendar events take unless they name one. */
    default_time_zone: string;
  }
>;

/** A family as one of its members sees it. */
export interface MyFamilyRow extends FamilyRow {
  my_role: FamilyRole;
  my_member_id: string;
  member_count: number;
  cursor_at: string;
}

export type MemberRow = Refine<
  Pick<Tables['family_members'], 'member_id' | 'family_id' | 'user_id' | 'role' | 'joined_at'>,
  {
    role: FamilyRole;
  }
> & {
  cursor_at: string;
};

/** The caller's membership, read with (and locking) the family row. */
export interface Membership {
  family_id: string;
  created_by: string | null;
  member_id: string;
  role: FamilyRole;
}

const FAMILY_COLUMNS =
  'f.family_id, f.family_name, f.default_time_zone, f.created_by, f.created_at, f.updated_at';
const MY_FAMILY_COLUMNS = `${FAMILY_COLUMNS}, m.role AS my_role, m.member_id AS my_member_id,
  (SELECT count(*) FROM family_members c WHERE c.family_id = f.family_id) AS member_count,
  ${cursorTime('m.joined_at')} AS cursor_at`;
const MEMBER_COLUMNS = `member_id, family_id, user_id, role, joined_at, ${cursorTime('joined_at')} AS cursor_at`;

export async function insertFamily(tx: Queryable, name: string, createdBy: string): Promise<FamilyRow> {
  const { rows } = await tx.query<FamilyRow>(
    `INSERT INTO families AS f (family_name, created_by) VALUES ($1, $2) RETURNING ${FAMILY_COLUMNS}`,
    [name, createdBy],
  );
  return rows[0] as FamilyRow;
}

export async function findMyFamily(
  db: Queryable,
  familyId: string,
  userId: string,
): Promise<MyFamilyRow | undefined> {
  const { rows } = await db.query<MyFamilyRow>(
    `SELECT ${MY_FAMILY_COLUMNS}
     FROM families f JOIN family_members m ON m.family_id = f.family_id AND m.user_id = $2
     WHERE f.family_id = $1`,
    [familyId, userId],
  );
  return rows[0];
}

const MY_FAMILIES = keysetSql('asc', [
  ['m.joined_at', 'timestamptz'],
  ['m.family_id', 'uuid'],
]);

/** The families a user belongs to, in the order they joined them. */
export async function listMyFamilies(
  db: Queryable,
  userId: string,
  limit: number,
  after?: KeysetPosition,
): Promise<MyFamilyRow[]> {
  const params = new Params([userId, limit + 1]);
  const keyset = after ? `AND ${MY_FAMILIES.after([after.at, after.id], params)}` : '';
  const { rows } = await db.query<MyFamilyRow>(
    `SELECT ${MY_FAMILY_COLUMNS}
     FROM family_members m JOIN families f ON f.family_id = m.family_id
     WHERE m.user_id = $1 ${keyset}
     ORDER BY ${MY_FAMILIES.orderBy}
     LIMIT $2`,
    params.values,
  );
  return rows;
}

export async function updateFamilyName(tx: Queryable, familyId: string, name: string): Promise<void> {
  await tx.query('UPDATE families SET family_name = $2 WHERE family_id = $1', [familyId, name]);
}

export async function updateFamilyTimeZone(tx: Queryable, familyId: string, zone: string): Promise<void> {
  await tx.query('UPDATE families SET default_time_zone = $2 WHERE family_id = $1', [familyId, zone]);
}

export async function deleteFamily(tx: Queryable, familyId: string): Promise<void> {
  await tx.query('DELETE FROM families WHERE family_id = $1', [familyId]);
}

/**
 * The caller's membership, taking the family row's lock: changes to membership and roles of
 * one family run one at a time, so caps and "the last admin" hold under concurrency.
 */
export async function lockMembership(
  tx: Queryable,
  familyId: string,
  userId: string,
): Promise<Membership | undefined> {
  // Two statements: a row read in the locking statement's join could predate the change the
  // lock waited for; read after the lock, the membership is current.
  const locked = await tx.query<{ created_by: string | null }>(
    'SELECT created_by FROM families WHERE family_id = $1 FOR UPDATE',
    [familyId],
  );
  const family = locked.rows[0];
  if (!family) return undefined;
  const { rows } = await tx.query<{ member_id: string; role: FamilyRole }>(
    'SELECT member_id, role FROM family_members WHERE family_id = $1 AND user_id = $2',
    [familyId, userId],
  );
  const member = rows[0];
  return member && { family_id: familyId, created_by: family.created_by, ...member };
}

export async function findRole(
  db: Queryable,
  familyId: string,
  userId: string,
): Promise<FamilyRole | undefined> {
  const { rows } = await db.query<{ role: FamilyRole }>(
    'SELECT role FROM family_members WHERE family_id = $1 AND user_id = $2',
    [familyId, userId],
  );
  return rows[0]?.role;
}

export async function insertMember(
  tx: Queryable,
  familyId: string,
  userId: string,
  role: FamilyRole,
): Promise<MemberRow | undefined> {
  const { rows } = await tx.query<MemberRow>(
    `INSERT INTO family_members (family_id, user_id, role) VALUES ($1, $2, $3)
     ON CONFLICT (family_id, user_id) DO NOTHING
     RETURNING ${MEMBER_COLUMNS}`,
    [familyId, userId, role],
  );
  return rows[0];
}

export async function countMembers(db: Queryable, familyId: string): Promise<number> {
  const { rows } = await db.query<{ count: number }>(
    'SELECT count(*) AS count FROM family_members WHERE family_id = $1',
    [familyId],
  );
  return rows[0]?.count ?? 0;
}

export async function countAdmins(db: Queryable, familyId: string): Promise<number> {
  const { rows } = await db.query<{ count: number }>(
    "SELECT count(*) AS count FROM family_members WHERE family_id = $1 AND role = 'admin'",
    [familyId],
  );
  return rows[0]?.count ?? 0;
}

export async function findMember(
  db: Queryable,
  familyId: string,
  memberId: string,
): Promise<MemberRow | undefined> {
  const { rows } = await db.query<MemberRow>(
    `SELECT ${MEMBER_COLUMNS} FROM family_members WHERE family_id = $1 AND member_id = $2`,
    [familyId, memberId],
  );
  return rows[0];
}

const MEMBERS = keysetSql('asc', [
  ['joined_at', 'timestamptz'],
  ['member_id', 'uuid'],
]);

/** Members, longest-standing first; all of them without a limit. */
export async function listMembers(
  db: Queryable,
  familyId: string,
  limit?: number,
  after?: KeysetPosition,
): Promise<MemberRow[]> {
  const params = new Params([familyId]);
  const keyset = after ? `AND ${MEMBERS.after([after.at, after.id], params)}` : '';
  const limitSql = limit === undefined ? '' : `LIMIT ${params.add(limit + 1)}`;
  const { rows } = await db.query<MemberRow>(
    `SELECT ${MEMBER_COLUMNS} FROM family_members
     WHERE family_id = $1 ${keyset}
     ORDER BY ${MEMBERS.orderBy} ${limitSql}`,
    params.values,
  );
  return rows;
}

/** Which of these users are members of the family. */
export async function membersAmong(
  db: Queryable,
  familyId: string,
  userIds: readonly string[],
  options: { lock?: boolean } = {},
): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  // Share-locked, a member row cannot be deleted before the caller's transaction ends.
  const { rows } = await db.query<{ user_id: string }>(
    `SELECT user_id FROM family_members WHERE family_id = $1 AND user_id = ANY($2::uuid[])
     ${options.lock ? 'FOR SHARE' : ''}`,
    [familyId, userIds],
  );
  return new Set(rows.map((r) => r.user_id));
}

export async function updateMemberRole(
  tx: Queryable,
  memberId: string,
  role: FamilyRole,
): Promise<MemberRow> {
  const { rows } = await tx.query<MemberRow>(
    `UPDATE family_members SET role = $2 WHERE member_id = $1 RETURNING ${MEMBER_COLUMNS}`,
    [memberId, role],
  );
  return rows[0] as MemberRow;
}

export async function deleteMember(tx: Queryable, memberId: string): Promise<void> {
  await tx.query('DELETE FROM family_members WHERE member_id = $1', [memberId]);
}

/**
 * What a user leaves behind in a family they no longer belong to: their personal lists go
 * (nobody else may see them), their assignments and event attendance are cleared.
 */
export async function clearMemberTraces(
  tx: Queryable,
  familyId: string,
  userId: string,
  at: Date,
): Promise<void> {
  await tx.query(
    "DELETE FROM todo_lists WHERE family_id = $1 AND created_by = $2 AND list_type = 'personal'",
    [familyId, userId],
  );
  await tx.query(
    `UPDATE todo_items SET assigned_to = NULL
     WHERE assigned_to = $2 AND list_id IN (SELECT list_id FROM todo_lists WHERE family_id = $1)`,
    [familyId, userId],
  );
  await tx.query(
    `UPDATE todo_items SET rotation = array_remove(rotation, $2::uuid)
     WHERE rotation @> ARRAY[$2::uuid] AND list_id IN (SELECT list_id FROM todo_lists WHERE family_id = $1)`,
    [familyId, userId],
  );
  await tx.query(
    `UPDATE family_events SET attendees = array_remove(attendees, $2::uuid)
     WHERE family_id = $1 AND attendees @> ARRAY[$2::uuid]`,
    [familyId, userId],
  );
  // A former member's calendar subscription must not keep showing the family's calendar, and
  // their meal plans leave it.
  await tx.query(
    'UPDATE family_ical_feeds SET revoked_at = $3 WHERE family_id = $1 AND created_by = $2 AND revoked_at IS NULL',
    [familyId, userId, at],
  );
  await tx.query('DELETE FROM family_chat_reads WHERE family_id = $1 AND user_id = $2', [familyId, userId]);
  await tx.query('DELETE FROM family_notifications WHERE family_id = $1 AND user_id = $2', [
    familyId,
    userId,
  ]);
  await tx.query('DELETE FROM family_calendar_links WHERE family_id = $1 AND owner_id = $2', [
    familyId,
    userId,
  ]);
}

/** Every family of a user with their role, in the order they joined (for other services). */
export async function familiesOfUser(
  db: Queryable,
  userId: string,
): Promise<{ family_id: string; family_name: string; role: FamilyRole }[]> {
  const { rows } = await db.query<{ family_id: string; family_name: string; role: FamilyRole }>(
    `SELECT f.family_id, f.family_name, m.role
     FROM family_members m JOIN families f ON f.family_id = m.family_id
     WHERE m.user_id = $1 ORDER BY m.joined_at, m.family_id`,
    [userId],
  );
  return rows;
}

/** Who created a family (whose plan it runs on); null once that account is gone, undefined: no family. */
export async function familyCreator(db: Queryable, familyId: string): Promise<string | null | undefined> {
  const { rows } = await db.query<{ created_by: string | null }>(
    'SELECT created_by FROM families WHERE family_id = $1',
    [familyId],
  );
  return rows[0]?.created_by;
}

// Families and membership rules: the creator is the first admin, members join by accepting an
// invitation (service/invitations.ts) up to the creator's plan's cap, and a family always keeps an admin.
import { DEFAULT_PLANS } from '../../identity/client.ts';
import type { Queryable } from '../../platform/db/database.ts';
import type { FamilyRole } from '../client.ts';
import type { FamilyDeps } from '../deps.ts';
import { FamilyErrors } from '../errors.ts';
import {
  clearMemberTraces,
  countAdmins,
  deleteFamily,
  deleteMember,
  findMember,
  findMyFamily,
  insertFamily,
  insertMember,
  listMembers,
  listMyFamilies,
  lockMembership,
  type MemberRow,
  type MyFamilyRow,
  updateFamilyName,
  updateFamilyTimeZone,
  updateMemberRole,
} from '../store/families.ts';
import { isUuid, MEMBERS, MY_FAMILIES, type Page } from './pages.ts';
import { canonicalTimeZone } from './recurrence.ts';
import { assertCan } from './roles.ts';

export interface FamilyView {
  family_id: string;
  family_name: string;
  /** The IANA time zone new calendar events take unless they name one. */
  default_time_zone: string;
  created_by: string | null;
  my_role: FamilyRole;
  /** The caller's own membership (to leave: DELETE /api/families/:id/members/:my_member_id). */
  my_member_id: string;
  member_count: number;
  /** How many members the family may have (from its creator's plan); null is unlimited. */
  member_cap?: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface MemberView {
  member_id: string;
  family_id: string;
  user_id: string;
  username: string | null;
  display_name: string | null;
  role: FamilyRole;
  joined_at: Date;
}

export interface PageQuery {
  limit: number;
  cursor?: string;
}

const familyView = (row: MyFamilyRow): FamilyView => ({
  family_id: row.family_id,
  family_name: row.family_name,
  default_time_zone: row.default_time_zone,
  created_by: row.created_by,
  my_role: row.my_role,
  my_member_id: row.my_member_id,
  member_count: row.member_count,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

export type FamilyService = ReturnType<typeof createFamilyService>;

export function createFamilyService(deps: FamilyDeps) {
  const { db } = deps;

  /** The family as this member sees it; 404 for anyone else, like a family that does not exist. */
  async function familyOf(userId: string, familyId: string): Promise<MyFamilyRow> {
    const family = isUuid(familyId) ? await findMyFamily(db, familyId, userId) : undefined;
    if (!family) throw FamilyErrors.familyNotFound();
    return family;
  }

  /** The cap of the creator's plan; a family whose creator's account is gone gets the free plan's. */
  async function memberCapOf(createdBy: string | null): Promise<number | null> {
    if (!createdBy) return DEFAULT_PLANS.free.familyMemberCap;
    return (await deps.identity().planOf(createdBy)).entitlements.familyMemberCap;
  }

  async function memberView(row: MemberRow): Promise<MemberView> {
    const user = await deps.identity().findUser({ userId: row.user_id });
    return {
      member_id: row.member_id,
      family_id: row.family_id,
      user_id: row.user_id,
      username: user?.username ?? null,
      display_name: user?.displayName ?? null,
      role: row.role,
      joined_at: row.joined_at,
    };
  }

  /** Locks the family for a change of members or roles; 404 once the caller is no longer a member. */
  async function lockForChange(tx: Queryable, userId: string, familyId: string) {
    const membership = await lockMembership(tx, familyId, userId);
    if (!membership) throw FamilyErrors.familyNotFound();
    return membership;
  }

  return {
    familyOf,

    async create(userId: string, name: string): Promise<FamilyView> {
      const created = await db.transaction(async (tx) => {
        const family = await insertFamily(tx, name, userId);
        const member = await insertMember(tx, family.family_id, userId, 'admin');
        return { family, member: member as MemberRow };
      });
      return {
        ...created.family,
        my_role: 'admin',
        my_member_id: created.member.member_id,
        member_count: 1,
        member_cap: await memberCapOf(userId),
      };
    },

    async list(userId: string, query: PageQuery): Promise<Page<FamilyView>> {
      const rows = await listMyFamilies(db, userId, query.limit, MY_FAMILIES.decode(query.cursor));
      return MY_FAMILIES.page(rows, query.limit, familyView, (row) => ({
        at: row.cursor_at,
        id: row.family_id,
      }));
    },

    async get(userId: string, familyId: string): Promise<FamilyView> {
      const family = await familyOf(userId, familyId);
      return { ...familyView(family), member_cap: await memberCapOf(family.created_by) };
    },

    /** Renames the family and/or sets its default time zone (admins). */
    async update(
      userId: string,
      familyId: string,
      changes: { family_name?: string; default_time_zone?: string },
    ): Promise<FamilyView> {
      await familyOf(userId, familyId);
      const zone =
        changes.default_time_zone === undefined ? undefined : canonicalTimeZone(changes.default_time_zone);
      if (zone === null) {
        throw FamilyErrors.invalidTimeZone('body.default_time_zone', changes.default_time_zone as string);
      }
      await db.transaction(async (tx) => {
        const membership = await lockForChange(tx, userId, familyId);
        assertCan(membership.role, 'manageFamily');
        if (changes.family_name !== undefined) await updateFamilyName(tx, familyId, changes.family_name);
        if (zone !== undefined) await updateFamilyTimeZone(tx, familyId, zone);
      });
      const family = await familyOf(userId, familyId);
      return { ...familyView(family), member_cap: await memberCapOf(family.created_by) };
    },

    async remove(userId: string, familyId: string): Promise<void> {
      await familyOf(userId, familyId);
      await db.transaction(async (tx) => {
        const membership = await lockForChange(tx, userId, familyId);
        assertCan(membership.role, 'manageFamily');
        await deleteFamily(tx, familyId);
      });
    },

    async listMembers(userId: string, familyId: string, query: PageQuery): Promise<Page<MemberView>> {
      await familyOf(userId, familyId);
      const rows = await listMembers(db, familyId, query.limit, MEMBERS.decode(query.cursor, { familyId }));
      const page = MEMBERS.page(
        rows,
        query.limit,
        (row) => row,
        (row) => ({ at: row.cursor_at, id: row.member_id }),
        { familyId },
      );
      return { items: await Promise.all(page.items.map(memberView)), next_cursor: page.next_cursor };
    },

    async getMember(userId: string, familyId: string, memberId: string): Promise<MemberView> {
      await familyOf(userId, familyId);
      const member = isUuid(memberId) ? await findMember(db, familyId, memberId) : undefined;
      if (!member) throw FamilyErrors.memberNotFound();
      return memberView(member);
    },

    async changeRole(
      userId: string,
      familyId: string,
      memberId: string,
      role: FamilyRole,
    ): Promise<MemberView> {
      await familyOf(userId, familyId);
      if (!isUuid(memberId)) throw FamilyErrors.memberNotFound();
      const updated = await db.transaction(async (tx) => {
        const membership = await lockForChange(tx, userId, familyId);
        const target = await findMember(tx, familyId, memberId);
        if (!target) throw FamilyErrors.memberNotFound();
        assertCan(membership.role, 'manageMembers');
        if (target.role === 'admin' && role !== 'admin' && (await countAdmins(tx, familyId)) <= 1) {
          throw FamilyErrors.lastAdmin();
        }
        return target.role === role ? target : updateMemberRole(tx, memberId, role);
      });
      return memberView(updated);
    },

    /** Removes a member (admins), or the caller themself (leaving). */
    async removeMember(userId: string, familyId: string, memberId: string): Promise<void> {
      await familyOf(userId, familyId);
      if (!isUuid(memberId)) throw FamilyErrors.memberNotFound();
      await db.transaction(async (tx) => {
        const membership = await lockForChange(tx, userId, familyId);
        const target = await findMember(tx, familyId, memberId);
        if (!target) throw FamilyErrors.memberNotFound();
        if (target.member_id !== membership.member_id) assertCan(membership.role, 'manageMembers');
        if (target.role === 'admin' && (await countAdmins(tx, familyId)) <= 1) throw FamilyErrors.lastAdmin();
        await deleteMember(tx, target.member_id);
        await clearMemberTraces(tx, familyId, target.user_id, deps.now());
      });
    },
  };
}

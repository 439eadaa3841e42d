// Invitations with consent: an admin invites an account by username or email, or makes a link
// with a role, an expiry and a use limit; nobody becomes a member without accepting. The answer
// to an invitation by login is the same whether or not the login has an account (nothing tells
// an admin who has one). A child who already belongs to a family and accepts a child invitation
// waits for a parent or admin of one of their families to approve (see ../index.ts).
import { DEFAULT_PLANS } from '../../identity/client.ts';
import { hashToken, randomToken } from '../../platform/crypto/tokens.ts';
import type { Queryable } from '../../platform/db/database.ts';
import type { FamilyRole } from '../client.ts';
import type { FamilyDeps } from '../deps.ts';
import { FamilyErrors } from '../errors.ts';
import { countMembers, findRole, insertMember, lockMembership } from '../store/families.ts';
import {
  answerInvitation,
  closeExpiredForLogin,
  countOpenInvitations,
  countUse,
  findAnswerToLink,
  findFamilyName,
  findInvitation,
  findLinkByCodeHash,
  type InvitationKind,
  type InvitationRow,
  type InvitationStatus,
  type InvitationWithFamilyRow,
  insertInvitation,
  isChildSomewhere,
  isGuardianOf,
  listApprovalsFor,
  listInvitationsFor,
  listOpenInvitations,
  lockFamilyRow,
  revokeInvitation,
} from '../store/invitations.ts';
import type { FamilyService, MemberView, PageQuery } from './families.ts';
import { isUuid, OPEN_INVITATIONS, type Page } from './pages.ts';
import { assertCan } from './roles.ts';

/** Open invitations a family may have at once. */
export const MAX_OPEN_INVITATIONS = 50;
/** How many invitations (or approvals) one person's list shows. */
export const MAX_LISTED_INVITATIONS = 100;
export const DEFAULT_LOGIN_EXPIRY_DAYS = 14;
export const DEFAULT_LINK_EXPIRY_DAYS = 7;
const DAY_MS = 86_400_000;

export type InvitationInput =
  | { kind: 'login'; login: string; role: FamilyRole; expiresInDays?: number }
  | { kind: 'link'; role: FamilyRole; expiresInDays?: number; maxUses?: number };

/** An invitation as the family's admins see it. */
export interface InvitationView {
  invitation_id: string;
  family_id: string;
  kind: InvitationKind;
  role: FamilyRole;
  /** The username or email invited (kind login). */
  login: string | null;
  status: InvitationStatus;
  max_uses: number | null;
  use_count: number;
  created_by: string | null;
  created_at: Date;
  expires_at: Date;
  /** Only in the answer that creates a link: the secret, shown once. */
  code?: string;
}

/** An invitation as the person invited (or a guardian) sees it. */
export interface ReceivedInvitationView {
  invitation_id: string;
  family_id: string;
  family_name: string;
  role: FamilyRole;
  status: InvitationStatus;
  invited_by: string | null;
  /** Who answered (for a guardian: the child waiting for approval). */
  invitee: { user_id: string; username: string | null } | null;
  created_at: Date;
  expires_at: Date;
}

export interface AnswerView {
  status: 'accepted' | 'awaiting_approval' | 'declined';
  family_id: string;
  member: MemberView | null;
}

const invitationView = (row: InvitationRow): InvitationView => ({
  invitation_id: row.invitation_id,
  family_id: row.family_id,
  kind: row.kind,
  role: row.role,
  login: row.invitee_login,
  status: row.status,
  max_uses: row.max_uses,
  use_count: row.use_count,
  created_by: row.created_by,
  created_at: row.created_at,
  expires_at: row.expires_at,
});

export type InvitationService = ReturnType<typeof createInvitationService>;

export function createInvitationService(deps: FamilyDeps, families: FamilyService) {
  const { db } = deps;

  async function usernameOf(userId: string | null): Promise<string | null> {
    if (!userId) return null;
    return (await deps.identity().findUser({ userId }))?.username ?? null;
  }

  async function receivedView(row: InvitationWithFamilyRow): Promise<ReceivedInvitationView> {
    return {
      invitation_id: row.invitation_id,
      family_id: row.family_id,
      family_name: row.family_name,
      role: row.role,
      status: row.status,
      invited_by: await usernameOf(row.created_by),
      invitee: row.invitee_user_id
        ? { user_id: row.invitee_user_id, username: await usernameOf(row.invitee_user_id) }
        : null,
      created_at: row.created_at,
      expires_at: row.expires_at,
    };
  }

  async function memberCapOf(createdBy: string | null): Promise<number | null> {
    if (!createdBy) return DEFAULT_PLANS.free.familyMemberCap;
    return (await deps.identity().planOf(createdBy)).entitlements.familyMemberCap;
  }

  /** Why an invitation can no longer be used, or nothing when it can. */
  function assertUsable(row: InvitationRow, now: Date): void {
    if (row.revoked_at) throw FamilyErrors.invitationRevoked();
    if (row.status === 'accepted' || row.status === 'declined') throw FamilyErrors.invitationAnswered();
    if (row.expires_at.getTime() <= now.getTime()) throw FamilyErrors.invitationExpired();
    if (row.kind === 'link' && row.max_uses !== null && row.use_count >= row.max_uses) {
      throw FamilyErrors.invitationUsedUp();
    }
  }

  /**
   * Makes the user a member, inside the transaction that holds the family's lock: 409 when they
   * already are one or the family is full.
   */
  async function addMember(
    tx: Queryable,
    familyId: string,
    createdBy: string | null,
    userId: string,
    role: FamilyRole,
  ): Promise<void> {
    if (await findRole(tx, familyId, userId)) throw FamilyErrors.alreadyMember();
    const cap = await memberCapOf(createdBy);
    if (cap !== null && (await countMembers(tx, familyId)) >= cap) throw FamilyErrors.memberCapReached(cap);
    const inserted = await insertMember(tx, familyId, userId, role);
    if (!inserted) throw FamilyErrors.alreadyMember();
  }

  async function answered(
    userId: string,
    familyId: string,
    status: AnswerView['status'],
  ): Promise<AnswerView> {
    if (status !== 'accepted') return { status, family_id: familyId, member: null };
    const family = await families.familyOf(userId, familyId);
    return {
      status,
      family_id: familyId,
      member: await families.getMember(userId, familyId, family.my_member_id),
    };
  }

  /** Accepts a personal invitation (or a guardian approves one) under the family's lock. */
  async function acceptAs(
    invitation: InvitationRow,
    userId: string,
    options: { approvedBy?: string } = {},
  ): Promise<AnswerView['status']> {
    return db.transaction(async (tx) => {
      const now = deps.now();
      const family = await lockFamilyRow(tx, invitation.family_id);
      const row = family && (await findInvitation(tx, invitation.invitation_id, { lock: true }));
      if (!row) throw FamilyErrors.invitationNotFound();
      assertUsable(row, now);
      if (options.approvedBy) {
        if (row.status !== 'awaiting_approval') throw FamilyErrors.invitationNotFound();
      } else {
        if (row.status !== 'pending') throw FamilyErrors.invitationAnswered();
        if (row.role === 'child' && (await isChildSomewhere(tx, userId))) {
          if (await findRole(tx, row.family_id, userId)) throw FamilyErrors.alreadyMember();
          await answerInvitation(tx, row.invitation_id, 'awaiting_approval', now);
          return 'awaiting_approval';
        }
      }
      await addMember(tx, row.family_id, family.created_by, userId, row.role);
      await answerInvitation(tx, row.invitation_id, 'accepted', now, options.approvedBy ?? null);
      return 'accepted';
    });
  }

  /** The invitation addressed to this user (404 for anyone else's, like one that does not exist). */
  async function addressedTo(userId: string, invitationId: string): Promise<InvitationRow> {
    const row = isUuid(invitationId) ? await findInvitation(db, invitationId) : undefined;
    if (row?.kind !== 'login' || row.invitee_user_id !== userId) throw FamilyErrors.invitationNotFound();
    return row;
  }

  async function linkOf(code: string): Promise<InvitationRow> {
    const row = await findLinkByCodeHash(db, hashToken(code));
    if (!row) throw FamilyErrors.invitationNotFound();
    return row;
  }

  return {
    async create(userId: string, familyId: string, input: InvitationInput): Promise<InvitationView> {
      await families.familyOf(userId, familyId);
      const login = input.kind === 'login' ? input.login.trim() : null;
      // Looked up for every login, known or not, before anything else: the answer and the work
      // done are the same either way.
      const invitee = login ? await deps.identity().findUser({ login }) : null;
      const code = input.kind === 'link' ? randomToken(24) : null;
      const row = await db.transaction(async (tx) => {
        const now = deps.now();
        const membership = await lockMembership(tx, familyId, userId);
        if (!membership) throw FamilyErrors.familyNotFound();
        assertCan(membership.role, 'manageMembers');
        const cap = await memberCapOf(membership.created_by);
        if (cap !== null && (await countMembers(tx, familyId)) >= cap)
          throw FamilyErrors.memberCapReached(cap);
        if ((await countOpenInvitations(tx, familyId, now)) >= MAX_OPEN_INVITATIONS) {
          throw FamilyErrors.invitationLimit(MAX_OPEN_INVITATIONS);
        }
        if (login) await closeExpiredForLogin(tx, familyId, login, now);
        const days =
          input.expiresInDays ??
          (input.kind === 'link' ? DEFAULT_LINK_EXPIRY_DAYS : DEFAULT_LOGIN_EXPIRY_DAYS);
        const inserted = await insertInvitation(tx, {
          familyId,
          kind: input.kind,
          role: input.role,
          inviteeLogin: login,
          inviteeUserId: invitee?.userId ?? null,
          codeHash: code ? hashToken(code) : null,
          maxUses: input.kind === 'link' ? (input.maxUses ?? 1) : null,
          viaInvitationId: null,
          status: 'pending',
          createdBy: userId,
          createdAt: now,
          expiresAt: new Date(now.getTime() + days * DAY_MS),
        });
        if (!inserted) throw FamilyErrors.invitationOpen();
        return inserted;
      });
      return code ? { ...invitationView(row), code } : invitationView(row);
    },

    /** The family's open invitations (admins). */
    async listForFamily(userId: string, familyId: string, query: PageQuery): Promise<Page<InvitationView>> {
      const family = await families.familyOf(userId, familyId);
      assertCan(family.my_role, 'manageMembers');
      const after = OPEN_INVITATIONS.decode(query.cursor, { familyId });
      const rows = await listOpenInvitations(db, familyId, deps.now(), query.limit, after);
      return OPEN_INVITATIONS.page(
        rows,
        query.limit,
        invitationView,
        (row) => ({ at: row.cursor_at, id: row.invitation_id }),
        { familyId },
      );
    },

    async revoke(userId: string, familyId: string, invitationId: string): Promise<void> {
      await families.familyOf(userId, familyId);
      if (!isUuid(invitationId)) throw FamilyErrors.invitationNotFound();
      await db.transaction(async (tx) => {
        const membership = await lockMembership(tx, familyId, userId);
        if (!membership) throw FamilyErrors.familyNotFound();
        assertCan(membership.role, 'manageMembers');
        if (!(await revokeInvitation(tx, familyId, invitationId, deps.now()))) {
          throw FamilyErrors.invitationNotFound();
        }
      });
    },

    /** Open invitations addressed to the user. */
    async received(userId: string): Promise<ReceivedInvitationView[]> {
      const rows = await listInvitationsFor(db, userId, deps.now(), MAX_LISTED_INVITATIONS);
      return Promise.all(rows.map(receivedView));
    },

    async accept(userId: string, invitationId: string): Promise<AnswerView> {
      const invitation = await addressedTo(userId, invitationId);
      const status = await acceptAs(invitation, userId);
      return answered(userId, invitation.family_id, status);
    },

    async decline(userId: string, invitationId: string): Promise<AnswerView> {
      const invitation = await addressedTo(userId, invitationId);
      await db.transaction(async (tx) => {
        const row = await findInvitation(tx, invitation.invitation_id, { lock: true });
        if (!row) throw FamilyErrors.invitationNotFound();
        assertUsable(row, deps.now());
        await answerInvitation(tx, row.invitation_id, 'declined', deps.now());
      });
      return answered(userId, invitation.family_id, 'declined');
    },

    /** What a link invites to, before using it. */
    async preview(code: string): Promise<ReceivedInvitationView> {
      const link = await linkOf(code);
      assertUsable(link, deps.now());
      const familyName = await findFamilyName(db, link.family_id);
      if (familyName === undefined) throw FamilyErrors.invitationNotFound();
      return receivedView({ ...link, invitee_user_id: null, family_name: familyName });
    },

    /** Uses a link: the user joins, or (a child already in a family) waits for approval. */
    async join(userId: string, code: string): Promise<AnswerView> {
      const link = await linkOf(code);
      const status = await db.transaction(async (tx): Promise<AnswerView['status']> => {
        const now = deps.now();
        const family = await lockFamilyRow(tx, link.family_id);
        const row = family && (await findInvitation(tx, link.invitation_id, { lock: true }));
        if (!row) throw FamilyErrors.invitationNotFound();
        assertUsable(row, now);
        if (await findRole(tx, row.family_id, userId)) throw FamilyErrors.alreadyMember();
        if (row.role === 'child' && (await isChildSomewhere(tx, userId))) {
          if (await findAnswerToLink(tx, row.invitation_id, userId)) throw FamilyErrors.invitationAnswered();
          await insertInvitation(tx, {
            familyId: row.family_id,
            kind: 'login',
            role: row.role,
            inviteeLogin: null,
            inviteeUserId: userId,
            codeHash: null,
            maxUses: null,
            viaInvitationId: row.invitation_id,
            status: 'awaiting_approval',
            createdBy: row.created_by,
            createdAt: now,
            expiresAt: row.expires_at,
          });
          await countUse(tx, row.invitation_id);
          return 'awaiting_approval';
        }
        await addMember(tx, row.family_id, family.created_by, userId, row.role);
        await countUse(tx, row.invitation_id);
        return 'accepted';
      });
      return answered(userId, link.family_id, status);
    },

    /** Children's answers waiting for this user's approval as their parent or admin. */
    async approvals(userId: string): Promise<ReceivedInvitationView[]> {
      const rows = await listApprovalsFor(db, userId, deps.now(), MAX_LISTED_INVITATIONS);
      return Promise.all(rows.map(receivedView));
    },

    async approve(guardianId: string, invitationId: string): Promise<AnswerView> {
      const row = await awaitingApprovalBy(guardianId, invitationId);
      const userId = row.invitee_user_id as string;
      await acceptAs(row, userId, { approvedBy: guardianId });
      return { status: 'accepted', family_id: row.family_id, member: null };
    },

    async reject(guardianId: string, invitationId: string): Promise<AnswerView> {
      const row = await awaitingApprovalBy(guardianId, invitationId);
      await db.transaction(async (tx) => {
        const locked = await findInvitation(tx, row.invitation_id, { lock: true });
        if (locked?.status !== 'awaiting_approval') throw FamilyErrors.invitationNotFound();
        await answerInvitation(tx, row.invitation_id, 'declined', deps.now(), guardianId);
      });
      return { status: 'declined', family_id: row.family_id, member: null };
    },
  };

  /** An answer waiting for this guardian's approval (404 for anyone else). */
  async function awaitingApprovalBy(guardianId: string, invitationId: string): Promise<InvitationRow> {
    const row = isUuid(invitationId) ? await findInvitation(db, invitationId) : undefined;
    if (
      !row?.invitee_user_id ||
      row.status !== 'awaiting_approval' ||
      !(await isGuardianOf(db, guardianId, row.invitee_user_id))
    ) {
      throw FamilyErrors.invitationNotFound();
    }
    return row;
  }
}

// The Family Planner API's shapes as the pages use them, and small helpers about members.
export type { Page } from '../shared/api.ts';

export type Role = 'admin' | 'parent' | 'child';

export interface Family {
  family_id: string;
  family_name: string;
  /** The IANA time zone new events take unless they name one (admins set it). */
  default_time_zone: string;
  my_role: Role;
  member_count: number;
  member_cap?: number | null;
}

export interface Member {
  member_id: string;
  user_id: string;
  username: string | null;
  display_name: string | null;
  role: Role;
}

/** An invitation as the family's admins see it. */
export interface Invitation {
  invitation_id: string;
  kind: 'login' | 'link';
  role: Role;
  login: string | null;
  max_uses: number | null;
  use_count: number;
  expires_at: string;
  /** Only right after a link is made. */
  code?: string;
}

/** An invitation as the person invited (or a parent approving) sees it. */
export interface ReceivedInvitation {
  invitation_id: string;
  family_id: string;
  family_name: string;
  role: Role;
  status: 'pending' | 'awaiting_approval' | 'accepted' | 'declined';
  invited_by: string | null;
  invitee: { user_id: string; username: string | null } | null;
  expires_at: string;
}

export interface InvitationAnswer {
  status: 'accepted' | 'awaiting_approval' | 'declined';
  family_id: string;
}

export const ROLES = [
  ['parent', 'Parent'],
  ['child', 'Child'],
  ['admin', 'Admin'],
] as const;

export const memberName = (m: Member) => m.display_name ?? m.username ?? 'Member';

/** "an admin", "a parent", "a child". */
export const roleWithArticle = (role: Role) => (role === 'admin' ? 'an admin' : `a ${role}`);

/** Mirrors the role matrix of the Family service (src/family/service/roles.ts). */
export const canManageFamily = (role: Role) => role === 'admin';
export const canManageEvents = (role: Role) => role === 'admin' || role === 'parent';

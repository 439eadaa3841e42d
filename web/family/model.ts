// The Family Planner API's shapes as the pages use them, and small helpers about members.
export type { Page } from '../shared/api.ts';

export type Role = 'admin' | 'parent' | 'child';

export interface Family {
  family_id: string;
  family_name: string;
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

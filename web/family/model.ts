// The Family Planner API's shapes as the pages use them (named from web/api/generated/family.ts),
// and small helpers about members.
export type { Page } from '../shared/api.ts';

import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/family.ts';

export type Family = Answer<paths, '/api/families/{id}', 'get'>;
export type Member = Answer<paths, '/api/families/{id}/members/{memberId}', 'get'>;
export type Role = Member['role'];
/** An invitation as the family's admins see it (`code` only right after a link is made). */
export type Invitation = Answer<paths, '/api/families/{id}/invitations', 'post'>;
/** An invitation as the person invited (or a parent approving) sees it. */
export type ReceivedInvitation = Answer<paths, '/api/invitations', 'get'>['items'][number];
export type InvitationAnswer = Answer<paths, '/api/invitations/{id}/accept', 'post'>;

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

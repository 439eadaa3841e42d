// The role matrix in code: which role may do what in a family. index.ts documents the same
// table for people; routes/roles.test.ts checks the two agree through the API.
import type { FamilyRole } from '../client.ts';
import { FamilyErrors } from '../errors.ts';

export const PERMISSIONS = {
  /** Change the family's name, delete the family. */
  manageFamily: ['admin'],
  /** Invite and remove other members, change roles. */
  manageMembers: ['admin'],
  /** Create, rename and delete the family's shared and chores lists. */
  manageLists: ['admin', 'parent'],
  /** Create, edit, assign, complete and delete any item of a shared or chores list. */
  manageItems: ['admin', 'parent'],
  /** Move an item assigned to oneself between todo, in_progress and done. */
  progressOwnItems: ['admin', 'parent', 'child'],
  /** Create, edit and delete calendar events. */
  manageEvents: ['admin', 'parent'],
} as const satisfies Record<string, readonly FamilyRole[]>;

export type Permission = keyof typeof PERMISSIONS;

const DESCRIPTIONS: Record<Permission, string> = {
  manageFamily: 'change or delete the family',
  manageMembers: 'manage members or roles',
  manageLists: 'create, change or delete shared lists',
  manageItems: 'change items that are not assigned to them',
  progressOwnItems: 'change the status of their items',
  manageEvents: 'create, change or delete calendar events',
};

export const can = (role: FamilyRole, permission: Permission): boolean =>
  (PERMISSIONS[permission] as readonly FamilyRole[]).includes(role);

/** Throws 403 FAMILY_ROLE_FORBIDDEN unless the role has the permission. */
export function assertCan(role: FamilyRole, permission: Permission): void {
  if (!can(role, permission)) throw FamilyErrors.forbidden(role, DESCRIPTIONS[permission]);
}

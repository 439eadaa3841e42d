// Staff roles: who may use the operator console, in which domain ('all': every one). Granted and
// taken back by the operator (`calos staff grant|revoke`) or by an admin of `all`; each change is
// in the staff audit log and in the security log of the person concerned.
import type { IdentityDeps } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import { enqueueEvent } from '../store/outbox.ts';
import {
  deleteStaffRole,
  insertStaffRole,
  listStaffRoles,
  lockAdminsOfAll,
  STAFF_DOMAINS,
  STAFF_ROLES,
  type StaffDomain,
  type StaffGrantRow,
  type StaffRole,
} from '../store/staff.ts';
import { findUserByLogin } from '../store/users.ts';
import { actorLabel, recordStaffAction, type StaffActor } from './staff-audit.ts';

export const isStaffRole = (value: unknown): value is StaffRole =>
  typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
export const isStaffDomain = (value: unknown): value is StaffDomain =>
  typeof value === 'string' && (STAFF_DOMAINS as readonly string[]).includes(value);

export function createStaffService(deps: Pick<IdentityDeps, 'db' | 'now'>) {
  const { db } = deps;

  const parse = (input: { role: string; domain?: string }) => {
    if (!isStaffRole(input.role))
      throw IdentityErrors.staffInputInvalid(`role must be one of ${STAFF_ROLES.join(', ')}`);
    if (input.domain !== undefined && !isStaffDomain(input.domain))
      throw IdentityErrors.staffInputInvalid(`domain must be one of ${STAFF_DOMAINS.join(', ')}`);
    return { role: input.role, domain: input.domain as StaffDomain | undefined };
  };

  const userOf = async (login: string) => {
    if (!login || login.length > 254) throw IdentityErrors.userNotFound();
    const user = await findUserByLogin(db, login);
    if (!user) throw IdentityErrors.userNotFound();
    return user;
  };

  return {
    /** Grants a role in a domain (default 'all'); granting one held already changes nothing. */
    async grant(input: { login: string; role: string; domain?: string }, actor: StaffActor) {
      const { role, domain = 'all' } = parse(input);
      const user = await userOf(input.login);
      const added = await db.transaction(async (tx) => {
        const at = deps.now();
        const isNew = await insertStaffRole(tx, {
          userId: user.user_id,
          role,
          domain,
          grantedBy: actorLabel(actor),
          at,
        });
        if (isNew) await enqueueEvent(tx, 'staff.changed', { user_id: user.user_id }, at);
        if (isNew)
          await recordStaffAction(tx, {
            actor,
            action: 'staff.granted',
            subjectUserId: user.user_id,
            domain,
            reason: null,
            details: { role, domain },
            at,
          });
        return isNew;
      });
      return { userId: user.user_id, username: user.username, role, domain, added };
    },

    /** Takes a role back in one domain, or in every domain when none is named. */
    async revoke(input: { login: string; role: string; domain?: string }, actor: StaffActor) {
      const { role, domain } = parse(input);
      const user = await userOf(input.login);
      const removed = await db.transaction(async (tx) => {
        // From the console, the last admin of everything cannot be taken away (nobody could then
        // grant or revoke anything there); an operator at the machine (calos staff) still may.
        const guarded = !('operator' in actor) && role === 'admin' && (domain ?? 'all') === 'all';
        const adminsBefore = guarded ? await lockAdminsOfAll(tx) : 0;
        const domains = await deleteStaffRole(tx, { userId: user.user_id, role, domain: domain ?? null });
        if (guarded && domains.includes('all') && adminsBefore <= 1) throw IdentityErrors.lastAdminOfAll();
        if (domains.length > 0)
          await enqueueEvent(tx, 'staff.changed', { user_id: user.user_id }, deps.now());
        for (const d of domains)
          await recordStaffAction(tx, {
            actor,
            action: 'staff.revoked',
            subjectUserId: user.user_id,
            domain: d,
            reason: null,
            details: { role, domain: d },
            at: deps.now(),
          });
        return domains;
      });
      if (removed.length === 0) throw IdentityErrors.staffGrantNotFound();
      return { userId: user.user_id, username: user.username, role, domains: removed };
    },

    list: (): Promise<StaffGrantRow[]> => listStaffRoles(db),
  };
}

export type StaffService = ReturnType<typeof createStaffService>;

// Staff routes: requireStaff(request, lookup, domain, roles) lets through a person whose staff
// roles cover the domain (a grant in that domain or in 'all') with one of the roles; anyone else
// is 403 STAFF_ROLE_REQUIRED. Roles come from identity (its own table there; through identity's
// client, cached a few seconds, in other services). Partner apps' delegated tokens never reach staff routes.
import type { FastifyRequest } from 'fastify';
import { PlatformErrors } from '../errors.ts';
import { type AuthUser, requireUser } from './guard.ts';

export interface StaffRoleGrant {
  role: string;
  domain: string;
}

/** The staff roles of an account (identity's staffRolesOf, or its own store in identity). */
export type StaffRoleLookup = (userId: string) => Promise<readonly StaffRoleGrant[]>;

export const staffCovers = (
  grants: readonly StaffRoleGrant[],
  domain: string,
  roles: readonly string[],
): boolean => grants.some((g) => (g.domain === domain || g.domain === 'all') && roles.includes(g.role));

export async function requireStaff(
  request: FastifyRequest,
  lookup: StaffRoleLookup,
  domain: string,
  roles: readonly string[],
): Promise<AuthUser & { staff: readonly StaffRoleGrant[] }> {
  const user = requireUser(request);
  if (user.delegated && !user.delegated.isFirstParty) throw PlatformErrors.insufficientScope([]);
  const grants = await lookup(user.userId);
  if (!staffCovers(grants, domain, roles)) throw PlatformErrors.staffRoleRequired(domain, roles);
  return { ...user, staff: grants };
}

/**
 * A lookup that remembers each account's roles for `ttlMs` (a role taken back stops working
 * within that time, or at once where `invalidate` hears identity's staff.changed event).
 */
export function cachedStaffRoles(
  lookup: StaffRoleLookup,
  options: { ttlMs?: number; nowMs?: () => number; maxEntries?: number } = {},
): StaffRoleLookup & { invalidate(userId?: string): void } {
  const ttlMs = options.ttlMs ?? 10_000;
  const nowMs = options.nowMs ?? (() => performance.now());
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, { grants: readonly StaffRoleGrant[]; at: number }>();
  const cached = async (userId: string) => {
    const hit = cache.get(userId);
    const now = nowMs();
    if (hit && now - hit.at < ttlMs && now >= hit.at) return hit.grants;
    const grants = await lookup(userId);
    if (cache.size >= maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(userId, { grants, at: nowMs() });
    return grants;
  };
  return Object.assign(cached, {
    invalidate(userId?: string) {
      if (userId) cache.delete(userId);
      else cache.clear();
    },
  });
}

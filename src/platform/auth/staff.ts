// Staff routes: requireStaff(request, lookup, domain, roles) lets through a person whose staff
// roles cover the domain (a grant in that domain or in 'all') with one of the roles; anyone else
// is 403 STAFF_ROLE_REQUIRED. Roles come from identity (its own table there; through identity's
// client, cached a few seconds, in other services). Partner apps' delegated tokens never reach staff routes.
import type { FastifyRequest } from 'fastify';
import { PlatformErrors } from '../errors.ts';
import { type AuthUser, requireUser } from './guard.ts';

/** Identity's outbox topic when an account's staff roles change (payload: user_id). */
export const STAFF_CHANGED = 'staff.changed';

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

/** A cached lookup, dropped for one account by identity's staff.changed event. */
export type CachedStaffRoles = StaffRoleLookup & {
  invalidate(userId?: string): void;
  /** An identity outbox event: staff.changed forgets that account's roles; other topics are not ours. */
  handle(event: { topic: string; payload: Record<string, unknown> }): Promise<void>;
};

/**
 * A lookup that remembers each account's roles for `ttlMs` (a role taken back stops working
 * within that time, or at once where the service's consumer of identity's events hands
 * staff.changed to `handle`). `nowMs`: the service's clock, in milliseconds.
 */
export function cachedStaffRoles(
  lookup: StaffRoleLookup,
  options: { ttlMs?: number; nowMs?: () => number; maxEntries?: number } = {},
): CachedStaffRoles {
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
  const invalidate = (userId?: string) => {
    if (userId) cache.delete(userId);
    else cache.clear();
  };
  return Object.assign(cached, {
    invalidate,
    async handle(event: { topic: string; payload: Record<string, unknown> }) {
      if (event.topic !== STAFF_CHANGED) return;
      const userId = event.payload.user_id;
      // A staff.changed without an account: forget everyone rather than keep a stale role.
      invalidate(typeof userId === 'string' && userId ? userId : undefined);
    },
  });
}

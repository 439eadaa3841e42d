// requireStaff and the cached role lookup: a role covers its own domain or all of them, only
// the roles named pass, apps' delegated tokens never pass, and a cached answer is dropped on
// invalidate, on staff.changed or after its time.
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { cachedStaffRoles, requireStaff, type StaffRoleGrant } from './staff.ts';

const requestOf = (auth: Record<string, unknown> | null) =>
  ({ auth, routeOptions: { config: {} } }) as unknown as FastifyRequest;
const person = { userId: 'u1', sessionId: 's1', plan: 'free', expiresAt: 0, token: 't' };

describe('requireStaff', () => {
  const lookup = (grants: StaffRoleGrant[]) => async () => grants;

  it('lets a role through in its domain and in every domain for `all`', async () => {
    const request = requestOf(person);
    await expect(
      requireStaff(request, lookup([{ role: 'support', domain: 'family' }]), 'family', ['support']),
    ).resolves.toMatchObject({ userId: 'u1' });
    await expect(
      requireStaff(request, lookup([{ role: 'admin', domain: 'all' }]), 'recipes', ['admin']),
    ).resolves.toMatchObject({ staff: [{ role: 'admin', domain: 'all' }] });
  });

  it('refuses another domain, another role, no role and no sign-in', async () => {
    const request = requestOf(person);
    for (const grants of [
      [{ role: 'admin', domain: 'hollowtown' }],
      [{ role: 'moderator', domain: 'family' }],
      [],
    ]) {
      await expect(
        requireStaff(request, lookup(grants), 'family', ['admin', 'support']),
      ).rejects.toMatchObject({
        status: 403,
        code: 'STAFF_ROLE_REQUIRED',
      });
    }
    await expect(
      requireStaff(requestOf(null), lookup([{ role: 'admin', domain: 'all' }]), 'family', ['admin']),
    ).rejects.toMatchObject({ status: 401 });
  });

  it('refuses an app’s delegated token even for an admin of all', async () => {
    const request = requestOf({ ...person, delegated: { clientId: 'app', scopes: ['openid'] } });
    await expect(
      requireStaff(request, lookup([{ role: 'admin', domain: 'all' }]), 'family', ['admin']),
    ).rejects.toMatchObject({ status: 403 });
  });
});

describe('cachedStaffRoles', () => {
  it('asks once within its time, again after invalidate or expiry', async () => {
    let now = 0;
    let asked = 0;
    let grants: StaffRoleGrant[] = [{ role: 'admin', domain: 'all' }];
    const cached = cachedStaffRoles(
      async () => {
        asked++;
        return grants;
      },
      { ttlMs: 1000, nowMs: () => now },
    );
    await cached('u1');
    await cached('u1');
    expect(asked).toBe(1);
    grants = [];
    cached.invalidate('u1');
    expect(await cached('u1')).toEqual([]);
    grants = [{ role: 'support', domain: 'family' }];
    now = 1500;
    expect(await cached('u1')).toEqual([{ role: 'support', domain: 'family' }]);
    expect(asked).toBe(3);
  });

  it('forgets one account on identity’s staff.changed, and nothing on other topics', async () => {
    let asked = 0;
    const cached = cachedStaffRoles(
      async () => {
        asked++;
        return [];
      },
      { nowMs: () => 0 },
    );
    await cached('u1');
    await cached('u2');
    await cached.handle({ topic: 'plan.changed', payload: { user_id: 'u1' } });
    await cached('u1');
    expect(asked).toBe(2);
    await cached.handle({ topic: 'staff.changed', payload: { user_id: 'u1' } });
    await cached('u1');
    await cached('u2');
    expect(asked).toBe(3);
  });
});

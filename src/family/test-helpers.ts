// Factories for the family tests: families with members of given roles, built through the
// public API like a user would (`const { admin, members } = await givenFamily(platform, …)`).
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { injectCall, joinFamily } from '../../test/support/family.ts';
import { given, type TestUser } from '../../test/support/given.ts';
import type { TestPlatform } from '../../test/support/platform.ts';
import type { FamilyRole } from './client.ts';

export interface TestMember extends TestUser {
  memberId: string;
  role: FamilyRole;
}

export interface TestFamily {
  familyId: string;
  admin: TestMember;
  members: TestMember[];
  /** The first member with this role (the admin for 'admin'). */
  byRole(role: FamilyRole): TestMember;
}

export function familyApi(platform: TestPlatform) {
  const call = async (
    user: { headers: { authorization: string } } | null,
    method: InjectOptions['method'],
    url: string,
    payload?: unknown,
  ): Promise<LightMyRequestResponse> =>
    platform.app.inject({
      method,
      url: `/family${url}`,
      headers: user ? user.headers : {},
      ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
    });

  const expectStatus = (response: LightMyRequestResponse, status: number) => {
    if (response.statusCode !== status) {
      throw new Error(`expected ${status}, got ${response.statusCode}: ${response.body}`);
    }
    return response.json();
  };

  return {
    call,
    expectStatus,
    /**
     * New tokens for users whose access token expired because the test moved the clock: each
     * user object gets the new Authorization header (and refresh token) in place.
     */
    async renew(...users: TestUser[]): Promise<void> {
      for (const user of users) {
        const response = await platform.app.inject({
          method: 'POST',
          url: '/calos/api/auth/refresh',
          payload: { refresh_token: user.refreshToken },
        });
        const body = expectStatus(response, 200);
        user.accessToken = body.access_token;
        user.refreshToken = body.refresh_token ?? user.refreshToken;
        user.headers = { authorization: `Bearer ${body.access_token}` };
      }
    },
    /** Puts a user on a plan (the dev provider): a family's creator's plan covers the family. */
    async upgrade(user: TestUser, plan: 'pro' | 'family' | 'enterprise' = 'family'): Promise<void> {
      expectStatus(
        await platform.app.inject({
          method: 'POST',
          url: '/calos/api/subscription',
          headers: user.headers,
          payload: { plan_code: plan, provider: 'dev' },
        }),
        200,
      );
    },
    /** The admin invites the user, who accepts: a member with this role. */
    async invite(admin: TestUser, familyId: string, user: TestUser, role: FamilyRole): Promise<TestMember> {
      const joined = await joinFamily(injectCall(platform), {
        familyId,
        admin,
        invitee: user,
        login: user.username,
        role,
      });
      return { ...user, memberId: joined.memberId, role };
    },
    /** A family whose admin is a new user, plus new users with these roles. */
    async family(roles: FamilyRole[] = [], name = 'The Addams'): Promise<TestFamily> {
      const adminUser = await given(platform).user();
      const created = expectStatus(
        await call(adminUser, 'POST', '/api/families', { family_name: name }),
        201,
      );
      const admin: TestMember = { ...adminUser, memberId: created.my_member_id, role: 'admin' };
      const members: TestMember[] = [];
      for (const role of roles) {
        members.push(await this.invite(adminUser, created.family_id, await given(platform).user(), role));
      }
      return {
        familyId: created.family_id,
        admin,
        members,
        byRole(role) {
          const found = role === 'admin' ? admin : members.find((m) => m.role === role);
          if (!found) throw new Error(`no ${role} in this family`);
          return found;
        },
      };
    },
    async list(user: TestUser, familyId: string, listType = 'shared', name = 'Chores') {
      return expectStatus(
        await call(user, 'POST', '/api/todos', { family_id: familyId, list_name: name, list_type: listType }),
        201,
      );
    },
    async item(user: TestUser, listId: string, body: Record<string, unknown> = {}) {
      return expectStatus(
        await call(user, 'POST', `/api/todos/${listId}/items`, { title: 'Carve the pumpkins', ...body }),
        201,
      );
    },
    async event(user: TestUser, familyId: string, body: Record<string, unknown> = {}) {
      return expectStatus(
        await call(user, 'POST', '/api/calendar/events', {
          family_id: familyId,
          event_name: 'Dentist',
          event_type: 'appointment',
          start_time: '2030-03-10T09:00:00Z',
          end_time: '2030-03-10T10:00:00Z',
          ...body,
        }),
        201,
      );
    },
  };
}

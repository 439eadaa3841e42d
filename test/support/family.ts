// Joining a family the way people do: an admin invites by login, the person invited accepts.
// Tests with their own way to call the API (inject, real HTTP, a browser's fetch) pass it in.
import type { FamilyRole } from '../../src/family/client.ts';
import type { TestPlatform } from './platform.ts';

export interface ApiAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are read field by field in tests
  body: any;
}

/** Calls a CALOS API as a user; `path` is the whole path, e.g. /family/api/invitations. */
export type ApiCall<U> = (
  user: U,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
) => Promise<ApiAnswer>;

export interface Joined {
  memberId: string;
  userId: string;
  invitationId: string;
  // biome-ignore lint/suspicious/noExplicitAny: the member as the API answered
  member: any;
}

/** The admin invites `login` into the family with the role, and the invitee accepts. */
export async function joinFamily<U>(
  call: ApiCall<U>,
  input: { familyId: string; admin: U; invitee: U; login: string; role?: FamilyRole },
): Promise<Joined> {
  const invited = await call(input.admin, 'POST', `/family/api/families/${input.familyId}/invitations`, {
    login: input.login,
    role: input.role ?? 'child',
  });
  if (invited.status !== 201) {
    throw new Error(`invitation failed: ${invited.status} ${JSON.stringify(invited.body)}`);
  }
  const invitationId = invited.body.invitation_id as string;
  const accepted = await call(input.invitee, 'POST', `/family/api/invitations/${invitationId}/accept`);
  if (accepted.status !== 200 || accepted.body.status !== 'accepted') {
    throw new Error(`accepting failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  }
  const member = accepted.body.member;
  return { memberId: member.member_id, userId: member.user_id, invitationId, member };
}

/** An ApiCall through the test platform's in-process server, for users with auth headers. */
export function injectCall(platform: TestPlatform): ApiCall<{ headers: { authorization: string } }> {
  return async (user, method, path, body) => {
    const response = await platform.app.inject({
      method,
      url: path,
      headers: user.headers,
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: response.statusCode, body: response.body ? response.json() : undefined };
  };
}

// Calls to the CALOS APIs as one of the sample people, the way their apps would make them.
import type { TestUser, WebPlatform } from '../support.ts';

/** An app's own host, or localhost, where the services without one (the AI gateway) answer under their prefix. */
export type Host = 'account' | 'hollowtown' | 'recipes' | 'family' | 'localhost';
// biome-ignore lint/suspicious/noExplicitAny: JSON answers from the APIs, read field by field.
export type Json = any;
export type Caller = (
  host: Host,
  pathname: string,
  init?: { method?: string; body?: unknown },
) => Promise<Json>;

/** Signs the person up on their phone and returns a caller acting as them; any answer but 2xx stops the script. */
export async function signUp(web: WebPlatform, user: TestUser, displayName: string): Promise<Caller> {
  const answer = await web.http('account', '/api/auth/register', {
    body: {
      username: user.username,
      email: user.email,
      password: user.password,
      display_name: displayName,
      device: { type: 'mobile', name: `${displayName}’s phone` },
    },
  });
  if (answer.status !== 201) throw new Error(`signing up ${displayName}: ${JSON.stringify(answer.body)}`);
  return callerWith(web, `Bearer ${answer.body.access_token}`);
}

function callerWith(web: WebPlatform, authorization: string): Caller {
  return async (host, pathname, init = {}) => {
    const reply = await web.http(host, pathname, {
      ...init,
      headers: { authorization, 'idempotency-key': crypto.randomUUID() },
    });
    if (reply.status >= 300)
      throw new Error(
        `${init.method ?? (init.body === undefined ? 'GET' : 'POST')} ${host}${pathname} answered ${reply.status}: ${JSON.stringify(reply.body)}`,
      );
    return reply.body;
  };
}

/** Signs an existing person in again (a fresh session, as on a second device) and returns a caller acting as them. */
export async function signIn(web: WebPlatform, user: TestUser): Promise<Caller> {
  const answer = await web.http('account', '/api/auth/login', {
    body: { login: user.username, password: user.password },
  });
  if (answer.status !== 200) throw new Error(`signing in ${user.username}: ${JSON.stringify(answer.body)}`);
  return callerWith(web, `Bearer ${answer.body.access_token}`);
}

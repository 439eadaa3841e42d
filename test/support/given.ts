// Small factories that build what a test needs through the public API, e.g.
// `const alice = await given(platform).user()`.
import type { TestPlatform } from './platform.ts';

export interface TestUser {
  userId: string;
  username: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  /** Authorization header for this user. */
  headers: { authorization: string };
}

let counter = 0;

export function given(platform: TestPlatform) {
  return {
    async user(
      overrides: {
        username?: string;
        email?: string;
        password?: string;
        plan?: 'free' | 'pro' | 'family' | 'enterprise';
      } = {},
    ): Promise<TestUser> {
      counter += 1;
      const unique = `${process.pid.toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`;
      const username = overrides.username ?? `user_${unique}`;
      const email = overrides.email ?? `${username}@example.test`;
      const password = overrides.password ?? 'correct horse battery staple';
      const response = await platform.app.inject({
        method: 'POST',
        url: '/calos/api/auth/register',
        payload: { username, email, password },
      });
      if (response.statusCode !== 201)
        throw new Error(`register failed: ${response.statusCode} ${response.body}`);
      let body = response.json();
      if (overrides.plan && overrides.plan !== 'free') {
        const change = await platform.app.inject({
          method: 'POST',
          url: '/calos/api/subscription',
          headers: { authorization: `Bearer ${body.access_token}` },
          payload: { plan_code: overrides.plan, provider: 'dev' },
        });
        if (change.statusCode !== 200)
          throw new Error(`plan change failed: ${change.statusCode} ${change.body}`);
        // The plan travels in the access token: refresh to carry the new one.
        const refreshed = await platform.app.inject({
          method: 'POST',
          url: '/calos/api/auth/refresh',
          payload: { refresh_token: body.refresh_token },
        });
        body = { ...body, ...refreshed.json() };
      }
      return {
        userId: body.user.user_id,
        username,
        email,
        password,
        accessToken: body.access_token,
        refreshToken: body.refresh_token,
        sessionId: body.session_id,
        headers: { authorization: `Bearer ${body.access_token}` },
      };
    },

    /** Stores a bring-your-own key for a provider. */
    async apiKey(
      user: TestUser,
      provider: 'openai' | 'anthropic' | 'deepseek',
      apiKey: string,
    ): Promise<string> {
      const response = await platform.app.inject({
        method: 'POST',
        url: '/calos/api/keys/add',
        headers: user.headers,
        payload: { provider, api_key: apiKey },
      });
      if (response.statusCode !== 201)
        throw new Error(`adding a key failed: ${response.statusCode} ${response.body}`);
      return response.json().key_id;
    },
  };
}

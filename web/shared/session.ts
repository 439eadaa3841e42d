// A first-party session on this origin: the token pair in localStorage under this page's own
// key, refreshed before it expires (one tab at a time, so a rotated refresh token is never
// presented twice), and fetch helpers that add the access token. An app's session comes from
// CALOS's OpenID provider (refreshed with grant_type=refresh_token at its token endpoint, ended
// by revoking the refresh token); the console's own from its sign-in forms (/api/auth/*).
import * as oauth from 'oauth4webapi';
import { type RequestOptions, requestJson } from './api.ts';
import type { AppName } from './config.ts';
import { ApiError } from './errors.ts';
import { discover, httpOptions } from './sso.ts';

export interface Account {
  user_id: string;
  username: string;
  email: string;
  /** Whether the address was confirmed from a mailed link. */
  email_verified?: boolean;
  display_name: string | null;
}

export interface StoredSession {
  access_token: string;
  refresh_token: string;
  /** Milliseconds since the epoch. */
  expires_at: number;
  session_id?: string;
  user?: Account;
  /** Set for a session from the OpenID provider: the client it was issued to. */
  client_id?: string;
  id_token?: string;
}

export interface TokenAnswer {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  session_id?: string;
  user?: Account;
  client_id?: string;
  id_token?: string;
}

/** The provider refused the refresh token (spent, revoked, its session ended): signed out. */
const isRefused = (error: unknown) =>
  (error instanceof ApiError && (error.status === 401 || error.status === 400)) ||
  (error instanceof oauth.ResponseBodyError && (error.status === 400 || error.status === 401));

/** 401 answers about the token or session itself (not, say, a wrong password). */
const TOKEN_PROBLEMS = new Set(['TOKEN_EXPIRED', 'TOKEN_INVALID', 'SESSION_ENDED', 'UNAUTHENTICATED']);
const isTokenProblem = (error: unknown) =>
  error instanceof ApiError && error.status === 401 && TOKEN_PROBLEMS.has(error.code);

/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 30_000;

export type Session = ReturnType<typeof createSession>;

export function createSession(app: AppName, identity: string) {
  const key = `calos.session.${app}`;
  const listeners = new Set<() => void>();
  let cached: { raw: string | null; value: StoredSession | null } = { raw: null, value: null };

  const read = (): StoredSession | null => {
    const raw = localStorage.getItem(key);
    if (raw !== cached.raw) {
      let value: StoredSession | null = null;
      try {
        value = raw ? (JSON.parse(raw) as StoredSession) : null;
      } catch {
        value = null;
      }
      cached = { raw, value };
    }
    return cached.value;
  };
  const notify = () => {
    for (const listener of listeners) listener();
  };
  window.addEventListener('storage', (event) => {
    if (event.key === key) notify();
  });

  const write = (value: StoredSession | null) => {
    if (value) localStorage.setItem(key, JSON.stringify(value));
    else localStorage.removeItem(key);
    notify();
  };

  const withLock = async <T>(work: () => Promise<T>): Promise<T> =>
    navigator.locks ? navigator.locks.request(`${key}.refresh`, work) : work();

  /** RFC 6749 §6 at the provider's token endpoint; the answer carries the rotated refresh token. */
  async function refreshAtProvider(clientId: string, refreshToken: string): Promise<TokenAnswer> {
    const as = await discover(identity);
    const client: oauth.Client = { client_id: clientId };
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      oauth.None(),
      refreshToken,
      httpOptions(),
    );
    const tokens = await oauth.processRefreshTokenResponse(as, client, response);
    if (!tokens.refresh_token) throw new ApiError(401, 'SESSION_ENDED', 'CALOS sent no new refresh token');
    return {
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token,
      expires_in: tokens.expires_in ?? 300,
      id_token: tokens.id_token,
    };
  }

  async function refresh(stale: StoredSession): Promise<StoredSession | null> {
    return withLock(async () => {
      const current = read();
      if (!current) return null;
      // Another tab refreshed while this one waited: use its tokens.
      if (current.refresh_token !== stale.refresh_token) return current;
      try {
        const pair = current.client_id
          ? await refreshAtProvider(current.client_id, current.refresh_token)
          : await requestJson<TokenAnswer>(`${identity}/api/auth/refresh`, {
              body: { refresh_token: current.refresh_token },
            });
        const next: StoredSession = {
          ...current,
          access_token: pair.access_token,
          refresh_token: pair.refresh_token,
          expires_at: Date.now() + pair.expires_in * 1000,
          ...(pair.id_token ? { id_token: pair.id_token } : {}),
        };
        write(next);
        return next;
      } catch (error) {
        if (isRefused(error)) {
          write(null);
          return null;
        }
        throw error;
      }
    });
  }

  async function revokeAtProvider(clientId: string, refreshToken: string): Promise<void> {
    const as = await discover(identity);
    const client: oauth.Client = { client_id: clientId };
    const response = await oauth.revocationRequest(as, client, oauth.None(), refreshToken, {
      ...httpOptions(),
      additionalParameters: { token_type_hint: 'refresh_token' },
    });
    await oauth.processRevocationResponse(response);
  }

  async function accessToken(): Promise<string | null> {
    const current = read();
    if (!current) return null;
    if (current.expires_at - Date.now() > REFRESH_MARGIN_MS) return current.access_token;
    return (await refresh(current))?.access_token ?? null;
  }

  return {
    app,
    identity,
    read,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Keeps a token answer (from sign-in, sign-up or a web code exchange). */
    save(answer: TokenAnswer) {
      write({
        access_token: answer.access_token,
        refresh_token: answer.refresh_token,
        expires_at: Date.now() + answer.expires_in * 1000,
        session_id: answer.session_id,
        user: answer.user ?? read()?.user,
        ...(answer.client_id ? { client_id: answer.client_id, id_token: answer.id_token } : {}),
      });
    },
    setUser(user: Account) {
      const current = read();
      if (current) write({ ...current, user });
    },
    clear: () => write(null),
    accessToken,
    /** A request with this session's access token; one retry after a refresh on 401. */
    async fetch<T>(url: string, options: RequestOptions = {}): Promise<T> {
      let token: string | null;
      try {
        token = await accessToken();
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 'NETWORK')) throw error;
        // No signal to refresh with: the old token still names the user, so the app's service
        // worker can answer from what it kept for offline use (the server itself would say 401).
        token = read()?.access_token ?? null;
      }
      if (!token) throw new ApiError(401, 'UNAUTHENTICATED', 'Not signed in');
      try {
        return await requestJson<T>(url, { ...options, token });
      } catch (error) {
        if (!isTokenProblem(error)) throw error;
        const current = read();
        const renewed = current ? await refresh(current) : null;
        if (!renewed) throw error;
        try {
          return await requestJson<T>(url, { ...options, token: renewed.access_token });
        } catch (again) {
          if (isTokenProblem(again)) write(null);
          throw again;
        }
      }
    },
    /**
     * Ends this session on the server (best effort) and forgets it here. An app's session is
     * ended by revoking its refresh token (RFC 7009): the provider ends the app's grant and its
     * own CALOS session, and the console and the other apps stay signed in.
     */
    async signOut() {
      const current = read();
      write(null);
      if (!current) return;
      const ending = current.client_id
        ? revokeAtProvider(current.client_id, current.refresh_token)
        : requestJson(`${identity}/api/auth/logout`, { method: 'POST', token: current.access_token });
      await ending.catch(() => undefined);
    },
  };
}

// A first-party session on this origin: the token pair in localStorage under this page's own
// key, refreshed before it expires (one tab at a time, so a rotated refresh token is never
// presented twice), and fetch helpers that add the access token.
import { type RequestOptions, requestJson } from './api.ts';
import type { AppName } from './config.ts';
import { ApiError } from './errors.ts';

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
}

export interface TokenAnswer {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  session_id?: string;
  user?: Account;
}

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

  async function refresh(stale: StoredSession): Promise<StoredSession | null> {
    return withLock(async () => {
      const current = read();
      if (!current) return null;
      // Another tab refreshed while this one waited: use its tokens.
      if (current.refresh_token !== stale.refresh_token) return current;
      try {
        const pair = await requestJson<TokenAnswer>(`${identity}/api/auth/refresh`, {
          body: { refresh_token: current.refresh_token },
        });
        const next: StoredSession = {
          ...current,
          access_token: pair.access_token,
          refresh_token: pair.refresh_token,
          expires_at: Date.now() + pair.expires_in * 1000,
        };
        write(next);
        return next;
      } catch (error) {
        if (error instanceof ApiError && (error.status === 401 || error.status === 400)) {
          write(null);
          return null;
        }
        throw error;
      }
    });
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
    /** Ends this session on the server (best effort) and forgets it here. */
    async signOut() {
      const token = read()?.access_token;
      write(null);
      if (token) {
        await requestJson(`${identity}/api/auth/logout`, { method: 'POST', token }).catch(() => undefined);
      }
    },
  };
}

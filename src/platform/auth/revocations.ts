// Revoked sessions and accounts, known to every process that verifies access tokens itself.
// Identity records each ended session (sign-out, device revoked, password changed, refresh token
// reused) and each deleted account in a feed; each process follows it (in one process: woken by
// the commit's NOTIFY; elsewhere: a long poll on identity's internal API) and refuses the tokens
// it covers until they would have expired anyway. Open streams hear of it at once (onRevoked).
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';

export interface Revocation {
  userId: string;
  /** null: every token of the user. */
  sessionId: string | null;
  reason: string;
}

export interface FeedItem extends Revocation {
  revocationId: number;
}

/** Where revocations come from (identity's client, in this process or over HTTP). */
export interface RevocationSource {
  /** Revocations recent enough to cover tokens still alive, and the cursor to follow on from. */
  recent(): Promise<{ items: FeedItem[]; cursor: number }>;
  /** Revocations after `cursor`; waits up to `waitMs` for the next when there is none yet. */
  after(cursor: number, waitMs: number): Promise<{ items: FeedItem[]; cursor: number }>;
}

/** Whose token it is: a session, and for an app's token (OpenID Connect) the person's grant to it. */
export interface RevocationCaller {
  userId: string;
  sessionId: string;
  delegated?: { grantKey?: string };
}

export interface RevocationList {
  isRevoked(caller: RevocationCaller): boolean;
  add(revocation: Revocation): void;
  /** Calls `listener` with each revocation learnt from now on; returns the unsubscribe. */
  onRevoked(listener: (revocation: Revocation) => void): () => void;
  /** Whether the feed is being followed (false until the first read, and while identity is unreachable). */
  readonly isFollowing: boolean;
}

export function createRevocationList(clock: Clock, keepMs: number) {
  const sessions = new Map<string, number>();
  const users = new Map<string, number>();
  const listeners = new Set<(revocation: Revocation) => void>();
  let isFollowing = false;
  const live = (map: Map<string, number>, key: string) => {
    const until = map.get(key);
    if (until === undefined) return false;
    if (until > clock.nowMs()) return true;
    map.delete(key);
    return false;
  };
  const list = {
    // A revoked grant's key is in the feed as a session id (token_revocations.session_id).
    isRevoked: (caller: RevocationCaller) =>
      (sessions.size > 0 &&
        (live(sessions, caller.sessionId) ||
          (caller.delegated?.grantKey !== undefined && live(sessions, caller.delegated.grantKey)))) ||
      (users.size > 0 && live(users, caller.userId)),
    add(revocation: Revocation) {
      const until = clock.nowMs() + keepMs;
      if (revocation.sessionId) sessions.set(revocation.sessionId, until);
      else users.set(revocation.userId, until);
      for (const listener of listeners) listener(revocation);
    },
    onRevoked(listener: (revocation: Revocation) => void) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    get isFollowing() {
      return isFollowing;
    },
    /** Forgets what expired (called now and then by the follower). */
    sweep() {
      for (const map of [sessions, users]) for (const key of map.keys()) live(map, key);
    },
    setFollowing(value: boolean) {
      isFollowing = value;
    },
  };
  return list;
}

export type FollowedRevocationList = ReturnType<typeof createRevocationList>;

const LONG_POLL_MS = 20_000;
const RETRY_MS = 1_000;

/** Keeps `list` up to date from `source` until stopped. */
export function followRevocations(options: {
  source: RevocationSource;
  list: FollowedRevocationList;
  logger: Logger;
}) {
  const { source, list, logger } = options;
  let stopped = false;
  let cursor: number | undefined;
  let isFailing = false;
  let wake: () => void = () => undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /** One read: the recent revocations first, then whatever comes after the cursor. */
  const step = async () => {
    try {
      const page = cursor === undefined ? await source.recent() : await source.after(cursor, LONG_POLL_MS);
      if (stopped) return;
      for (const item of page.items) list.add(item);
      cursor = page.cursor;
      list.sweep();
      list.setFollowing(true);
      if (isFailing) logger.info('following identity’s revocations again');
      isFailing = false;
    } catch (error) {
      if (stopped) return;
      list.setFollowing(false);
      if (!isFailing)
        logger.warn({ err: error }, 'cannot follow identity’s revocations; retrying (tokens still expire)');
      isFailing = true;
      await pause(RETRY_MS);
    }
  };

  return {
    /** Resolves once the recent revocations are known (or the first read failed), then follows on. */
    async start(): Promise<void> {
      await step();
      void (async () => {
        while (!stopped) await step();
      })();
    },
    stop(): void {
      stopped = true;
      wake();
    },
  };
}

// The revocation feed other services follow: recent revocations for a process starting up, then
// each new one as it commits (a reader waiting for news is woken by the NOTIFY of the commit).
import type { FeedItem } from '../../platform/auth/revocations.ts';
import type { RevocationFeed } from '../client.ts';
import type { IdentityDeps } from '../deps.ts';
import {
  REVOCATIONS_CHANNEL,
  type RevocationRow,
  revocationsAfter,
  revocationsSince,
} from '../store/revocations.ts';
import { ACCESS_TOKEN_TTL_SECONDS, CLOCK_SKEW_SECONDS } from './tokens.ts';

const PAGE = 1000;
/** Longest a reader waits in one call. */
const MAX_WAIT_MS = 25_000;

const toItem = (row: RevocationRow): FeedItem => ({
  revocationId: row.revocation_id,
  userId: row.user_id,
  sessionId: row.session_id,
  reason: row.reason,
});

export function createRevocationFeed(deps: Pick<IdentityDeps, 'db' | 'now' | 'logger'>) {
  const waiters = new Set<() => void>();
  let listening: Promise<() => Promise<void>> | undefined;
  let isStopped = false;
  const wakeAll = () => {
    for (const wake of [...waiters]) wake();
  };
  const ensureListening = () => {
    listening ??= deps.db.listen(REVOCATIONS_CHANNEL, wakeAll);
    return listening;
  };

  const feed: RevocationFeed & { stop(): Promise<void> } = {
    async recent() {
      // Tokens issued before a revocation live at most their lifetime (plus clock skew) after it.
      const since = new Date(deps.now().getTime() - (ACCESS_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS) * 1000);
      const { rows, cursor } = await revocationsSince(deps.db, since, PAGE);
      return { items: rows.map(toItem), cursor };
    },
    async after(cursor, waitMs) {
      const read = async () => {
        const rows = await revocationsAfter(deps.db, cursor, PAGE);
        return { items: rows.map(toItem), cursor: rows.at(-1)?.revocation_id ?? cursor };
      };
      const wait = Math.min(Math.max(0, waitMs), MAX_WAIT_MS);
      if (wait === 0 || isStopped) return read();
      await ensureListening();
      // Waiting starts before the read, so a revocation committed in between is not missed.
      let wake: () => void = () => undefined;
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
      });
      waiters.add(wake);
      try {
        const first = await read();
        if (first.items.length > 0) return first;
        const timer = setTimeout(wake, wait);
        timer.unref();
        await woken;
        clearTimeout(timer);
        return await read();
      } finally {
        waiters.delete(wake);
      }
    },
    async stop() {
      isStopped = true;
      wakeAll();
      const unlisten = await listening?.catch(() => undefined);
      listening = undefined;
      await unlisten?.();
    },
  };
  return feed;
}

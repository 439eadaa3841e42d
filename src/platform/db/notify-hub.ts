// One LISTEN per channel per process, fanned out to in-process subscribers by key (e.g. a list
// id), so a thousand open streams cost one database connection, not a thousand. NOTIFY from any
// process reaches every process's subscribers.
import type { Database } from './database.ts';

export interface NotifyHub {
  /** Calls `onMessage` with each payload published for `key`; resolves once listening. */
  subscribe(key: string, onMessage: (payload: Record<string, unknown>) => void): Promise<() => void>;
  publish(key: string, payload: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export function createNotifyHub(db: Database, channel: string): NotifyHub {
  const subscribers = new Map<string, Set<(payload: Record<string, unknown>) => void>>();
  let listening: Promise<() => Promise<void>> | undefined;

  const ensureListening = () => {
    listening ??= db.listen(channel, (raw) => {
      let message: { key?: unknown; payload?: unknown };
      try {
        message = JSON.parse(raw) as typeof message;
      } catch {
        return;
      }
      if (typeof message.key !== 'string') return;
      for (const subscriber of subscribers.get(message.key) ?? []) {
        subscriber((message.payload ?? {}) as Record<string, unknown>);
      }
    });
    return listening;
  };

  return {
    async subscribe(key, onMessage) {
      await ensureListening();
      let set = subscribers.get(key);
      if (!set) {
        set = new Set();
        subscribers.set(key, set);
      }
      set.add(onMessage);
      return () => {
        set?.delete(onMessage);
        if (set?.size === 0) subscribers.delete(key);
      };
    },
    async publish(key, payload) {
      // NOTIFY payloads are limited to 8000 bytes: send references, not documents.
      await db.notify(channel, JSON.stringify({ key, payload }));
    },
    async close() {
      subscribers.clear();
      const unlisten = await listening?.catch(() => undefined);
      listening = undefined;
      await unlisten?.();
    },
  };
}

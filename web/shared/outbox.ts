// The outbox of a shopping list: check-offs, un-checks and additions made in the page are kept in
// IndexedDB, each with the Idempotency-Key it was made with, and sent in the order they were made,
// at once when there is signal, otherwise when the browser is back online (and when the page
// starts). A resend after a lost answer carries the same key, so the server applies it once.
// A change the server refuses for good (the item was removed by someone else meanwhile, the list
// is gone or full) is dropped with a notice and the queue goes on; a network failure, a 5xx or a
// 429 leaves it at the head of the queue for later.
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import { useEffect, useSyncExternalStore } from 'react';
import { ApiError, describeError } from './errors.ts';

export type ListChange =
  | {
      kind: 'check';
      list_id: string;
      /** The item's id, or (HowToCookAtHome, whose items have none) its name and unit as a key. */
      item_id: string;
      name: string;
      unit?: string | null;
      checked: boolean;
    }
  | {
      kind: 'add';
      list_id: string;
      local_id: string;
      name: string;
      quantity: number | null;
      /** The aisle the member chose; the server guesses one when there is none. */
      aisle?: string;
    };

export interface QueuedChange {
  seq: number;
  /** The user whose session made the change: only that user's session sends it. */
  user: string;
  idempotency_key: string;
  change: ListChange;
}

/** What sending one change came to; `item_id` is the server's id of an item an add made. */
export type SendOutcome = { item_id?: string; result?: unknown };

export type Sender = (queued: QueuedChange) => Promise<SendOutcome>;

/** The id an item added in this page has until the server gives it one. */
export const isLocalId = (id: string) => id.startsWith('local:');

interface OutboxSchema extends DBSchema {
  changes: { key: number; value: Omit<QueuedChange, 'seq'> & { seq?: number } };
}

/** Errors after which the same request may later succeed: the change waits. */
function isRetryable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return (
    error.code === 'NETWORK' ||
    error.status === 0 ||
    error.status >= 500 ||
    error.status === 429 ||
    error.status === 401
  );
}

function dropNotice(change: ListChange, error: unknown): string {
  if (error instanceof ApiError && error.code === 'SHOPPING_ITEM_NOT_FOUND')
    return `“${change.name}” had been removed from the list meanwhile, so your tick was not needed.`;
  if (error instanceof ApiError && error.code === 'SHOPPING_LIST_NOT_FOUND')
    return `The list is gone, so “${change.name}” was not saved.`;
  const what = change.kind === 'add' ? `Adding “${change.name}”` : `Ticking “${change.name}”`;
  return `${what} was not saved: ${describeError(error)}`;
}

const RETRY_MS = 10_000;
/** Sequence numbers from here on are of changes kept in the page only (no IndexedDB). */
const MEMORY_ONLY = 2 ** 50;

interface Outbox {
  entries(): readonly QueuedChange[];
  notices(): readonly string[];
  subscribe(listener: () => void): () => void;
  enqueue(change: ListChange): Promise<void>;
  drain(): Promise<void>;
  dismiss(): void;
  setSender(next: Sender): void;
  onSent(listener: SentListener): () => void;
}

type SentListener = (queued: QueuedChange, outcome: SendOutcome) => void;

const outboxes = new Map<string, Outbox>();

/** The outbox of an app for a user; one per page, whichever view uses it. */
export function outboxFor(app: string, user: string, send: Sender): Outbox {
  const name = `${app}|${user}`;
  const existing = outboxes.get(name);
  if (existing) return existing;
  let sender = send;
  const listeners = new Set<() => void>();
  let entries: QueuedChange[] = [];
  let notices: string[] = [];
  let draining: Promise<void> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const database: Promise<IDBPDatabase<OutboxSchema>> = openDB<OutboxSchema>(outboxDatabase(app), 1, {
    upgrade(db) {
      db.createObjectStore('changes', { keyPath: 'seq', autoIncrement: true });
    },
  });
  const notify = () => {
    for (const listener of listeners) listener();
  };
  database.catch(() => undefined);
  /** Work on IndexedDB; where the browser has none (or refuses it), changes live in the page only. */
  const kept = <T>(work: (db: IDBPDatabase<OutboxSchema>) => Promise<T>): Promise<T | undefined> =>
    database.then(work).catch(() => undefined);
  let memoryOnly = MEMORY_ONLY;
  // What IndexedDB holds when the page starts; from then on `entries` leads and IndexedDB keeps
  // a copy (another tab of the same app may send the same change too: its key makes that safe).
  const loaded = (async () => {
    const all = (await kept((db) => db.getAll('changes'))) ?? [];
    const stored = all.filter(
      (entry): entry is QueuedChange => entry.user === user && entry.seq !== undefined,
    );
    entries = [...stored, ...entries];
    notify();
  })().catch(() => undefined);

  async function drainOnce() {
    await loaded;
    // Offline as the browser says: the 'online' event drains.
    if (!navigator.onLine) return;
    // An entry still being written (seq 0) waits for its write, which drains again.
    while (entries.length > 0 && (entries[0] as QueuedChange).seq > 0) {
      const head = entries[0] as QueuedChange;
      let outcome: SendOutcome;
      try {
        outcome = await sender(head);
      } catch (error) {
        if (isRetryable(error)) {
          if (navigator.onLine) {
            clearTimeout(retry);
            retry = setTimeout(() => void outbox.drain(), RETRY_MS);
          }
          return;
        }
        notices = [...notices, dropNotice(head.change, error)].slice(-5);
        outcome = {};
      }
      // Later changes of an item added offline name it by the id the server gave it now.
      const added = head.change.kind === 'add' ? head.change.local_id : undefined;
      const renamed: QueuedChange[] = [];
      if (added && outcome.item_id) {
        for (const later of entries.slice(1)) {
          if (later.change.kind === 'check' && later.change.item_id === added) {
            later.change = { ...later.change, item_id: outcome.item_id };
            if (later.seq > 0 && later.seq < MEMORY_ONLY) renamed.push(later);
          }
        }
      }
      await kept(async (db) => {
        const tx = db.transaction('changes', 'readwrite');
        await Promise.all([
          tx.store.delete(head.seq),
          ...renamed.map((later) => tx.store.put(later)),
          tx.done,
        ]);
      });
      entries = entries.filter((entry) => entry !== head);
      for (const listener of sentListeners) listener(head, outcome);
      notify();
    }
  }

  const sentListeners = new Set<SentListener>();
  const outbox: Outbox = {
    entries: () => entries,
    notices: () => notices,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async enqueue(change) {
      // Shown at once (a ticked box stays ticked), kept in IndexedDB before it is sent.
      const entry: QueuedChange = { seq: 0, user, idempotency_key: crypto.randomUUID(), change };
      entries = [...entries, entry];
      notify();
      const { seq: _unsaved, ...stored } = entry;
      entry.seq = (await kept((db) => db.add('changes', stored))) ?? memoryOnly++;
      void outbox.drain();
    },
    drain() {
      // One drain at a time; a drain asked for while one runs runs after it.
      draining = (draining ?? Promise.resolve()).then(() => drainOnce()).catch(() => undefined);
      return draining;
    },
    dismiss() {
      notices = [];
      notify();
    },
    setSender(next) {
      sender = next;
    },
    onSent(listener) {
      sentListeners.add(listener);
      return () => sentListeners.delete(listener);
    },
  };
  window.addEventListener('online', () => void outbox.drain());
  outboxes.set(name, outbox);
  void outbox.drain();
  return outbox;
}

/** The IndexedDB database of an app's outbox (removed on sign-out, see offline.ts). */
export const outboxDatabase = (app: string) => `calos-outbox-${app}`;

/**
 * The outbox in a view: its waiting changes (for this list) and notices, live. `onSent` hears
 * each change the server took, with its answer, to show it before the live stream does.
 */
export function useOutbox(app: string, user: string, send: Sender, onSent?: SentListener) {
  const outbox = outboxFor(app, user, send);
  outbox.setSender(send);
  const entries = useSyncExternalStore(outbox.subscribe, outbox.entries);
  const notices = useSyncExternalStore(outbox.subscribe, outbox.notices);
  useEffect(() => (onSent ? outbox.onSent(onSent) : undefined), [outbox, onSent]);
  return { entries, notices, enqueue: outbox.enqueue, dismiss: outbox.dismiss };
}

/** Whether the browser says it is online, live. */
export function useOnline(): boolean {
  return useSyncExternalStore(
    (listener) => {
      window.addEventListener('online', listener);
      window.addEventListener('offline', listener);
      return () => {
        window.removeEventListener('online', listener);
        window.removeEventListener('offline', listener);
      };
    },
    () => navigator.onLine,
    () => true,
  );
}

// An installable app's offline side in the page: registers the app's service worker (sw.js at
// the app's root, see web/shared/offline-worker.ts) and, on sign-out, forgets what was kept for
// offline use on this device (the cached answers and the unsent changes).
import type { PageConfig } from './config.ts';
import { outboxDatabase } from './outbox.ts';

const API_CACHE = 'calos-api';

export function registerOfflineWorker(config: PageConfig) {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  // A page served from another origin than its own (a mapped host's fallback) has no worker.
  if (/^https?:\/\//.test(config.base)) return;
  navigator.serviceWorker
    .register(`${config.base}/sw.js`, { scope: `${config.base}/` })
    .catch(() => undefined);
}

export async function forgetOfflineData(config: PageConfig) {
  await Promise.all([
    typeof caches === 'undefined' ? undefined : caches.delete(API_CACHE).catch(() => undefined),
    new Promise<void>((resolve) => {
      if (typeof indexedDB === 'undefined') return resolve();
      const request = indexedDB.deleteDatabase(outboxDatabase(config.app));
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    }),
  ]);
}

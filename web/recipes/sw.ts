// HowToCookAtHome's service worker (served at <app>/sw.js, its scope the app): keeps the app and
// the last shopping lists for offline use (web/shared/offline-worker.ts). Built on its own by
// web/build.ts into one classic worker script.
import { type OfflineWorkerScope, serveOffline } from '../shared/offline-worker.ts';

serveOffline(self as unknown as OfflineWorkerScope, [/^shopping-lists$/, /^shopping-lists\/[^/]+$/]);

// The offline half of an app's service worker (family, recipes): keeps the app shell (its page and
// the assets web/build.ts lists for it) and the last answers of the APIs a shopper needs, so the
// app opens in a shop with no signal and shows the list as it was last loaded. Pages are fetched
// network first (a new build wins as soon as there is signal), hashed assets cache first, and the
// listed API reads network first with the cached answer as the fallback. Cached answers are kept
// per signed-in user (the `sub` of the bearer token) and dropped on sign-out (web/shared/offline.ts).
// Writes are never cached: the page's outbox (web/shared/outbox.ts) queues them.

/** Filled in by web/build.ts: the build's asset files for this page, and their hash. */
declare const __PRECACHE__: { version: string; assets: string[] };

export interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(response: Promise<Response> | Response): void;
}
export interface OfflineWorkerScope {
  registration: { scope: string };
  clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
}

/** The API cache's name: not versioned, so the last list outlives an update of the app. */
export const API_CACHE = 'calos-api';
const SHELL_PREFIX = 'calos-shell-';
/** The view whose page stands in for any view offline (the router picks the view client-side). */
const SHELL_VIEW = 'shopping';

/** The user a bearer token was issued to (its `sub`), unverified: it only keys the cache. */
function userOf(request: Request): string | null {
  const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const sub = (JSON.parse(json) as { sub?: unknown }).sub;
    return typeof sub === 'string' && sub.length <= 100 ? sub : null;
  } catch {
    return null;
  }
}

/**
 * Serves the app offline. `apiReads` are the API paths (after `<scope>api/`) whose GET answers
 * are kept for offline use, e.g. /^shopping-lists(\/[^/]+)?$/.
 */
export function serveOffline(worker: OfflineWorkerScope, apiReads: readonly RegExp[]) {
  const scope = new URL(worker.registration.scope);
  const shellCache = `${SHELL_PREFIX}${__PRECACHE__.version}`;
  const shellPage = new URL(SHELL_VIEW, scope).href;
  const assetRoot = new URL('assets/', scope).href;
  const apiRoot = new URL('api/', scope).href;

  worker.addEventListener('install', (event) =>
    event.waitUntil(
      (async () => {
        const cache = await caches.open(shellCache);
        // One by one: an asset that fails to load must not keep the worker (and push) from installing.
        await Promise.all(
          [shellPage, ...__PRECACHE__.assets.map((asset) => new URL(asset, assetRoot).href)].map((url) =>
            cache.add(new Request(url, { credentials: 'same-origin' })).catch(() => undefined),
          ),
        );
        await worker.skipWaiting();
      })(),
    ),
  );

  worker.addEventListener('activate', (event) =>
    event.waitUntil(
      (async () => {
        for (const name of await caches.keys()) {
          if (name.startsWith(SHELL_PREFIX) && name !== shellCache) await caches.delete(name);
        }
        await worker.clients.claim();
      })(),
    ),
  );

  worker.addEventListener('fetch', (event) => {
    const { request } = event;
    if (request.method !== 'GET') return;
    const url = new URL(request.url);
    if (url.origin !== scope.origin) return;
    if (request.mode === 'navigate' && url.href.startsWith(scope.href)) {
      event.respondWith(page(request));
    } else if (url.href.startsWith(assetRoot)) {
      event.respondWith(asset(request));
    } else if (url.href.startsWith(apiRoot)) {
      const path = url.href.slice(apiRoot.length).split('?')[0] ?? '';
      if (apiReads.some((pattern) => pattern.test(path))) event.respondWith(apiRead(request));
    }
  });

  async function page(request: Request): Promise<Response> {
    const cache = await caches.open(shellCache);
    try {
      const response = await fetch(request);
      // The page carries this host's config; a redirect or an error page is not a shell.
      if (response.ok && response.type === 'basic' && !response.redirected) {
        const key = new URL(request.url);
        key.search = '';
        await cache.put(key.href, response.clone());
      }
      return response;
    } catch {
      return (
        (await cache.match(request, { ignoreSearch: true })) ??
        (await cache.match(shellPage)) ??
        Response.error()
      );
    }
  }

  async function asset(request: Request): Promise<Response> {
    const cache = await caches.open(shellCache);
    const cached = await cache.match(request);
    if (cached) return cached;
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  }

  async function apiRead(request: Request): Promise<Response> {
    const user = userOf(request);
    if (!user) return fetch(request);
    const key = new URL(request.url);
    key.searchParams.set('calos-offline-user', user);
    const cache = await caches.open(API_CACHE);
    try {
      const response = await fetch(request);
      if (response.ok) await cache.put(key.href, response.clone());
      // Gone or no longer this user's: not shown offline either.
      else if (response.status === 404 || response.status === 403) await cache.delete(key.href);
      return response;
    } catch {
      return (await cache.match(key.href)) ?? Response.error();
    }
  }
}

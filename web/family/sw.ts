// Family Planner's service worker (served at <app>/sw.js, its scope the app): keeps the app and
// the last shopping list for offline use (web/shared/offline-worker.ts), and shows each Web Push
// message the server sends ({title, body, url, tag}, see src/family/service/push.ts) as a
// notification, and on a click focuses a tab of the app already open on that view, or opens one.
// Built on its own by web/build.ts into one classic worker script (its imports bundled in).
import { type ExtendableEvent, type OfflineWorkerScope, serveOffline } from '../shared/offline-worker.ts';

interface PushMessage {
  title: string;
  body?: string;
  url?: string;
  tag?: string;
}
interface PushEvent extends ExtendableEvent {
  data: { json(): unknown } | null;
}
interface NotificationEvent extends ExtendableEvent {
  notification: Notification;
}
interface WindowClient {
  url: string;
  focus(): Promise<WindowClient>;
  navigate(url: string): Promise<WindowClient | null>;
}
interface WorkerScope extends OfflineWorkerScope {
  registration: {
    scope: string;
    showNotification(title: string, options?: NotificationOptions): Promise<void>;
  };
  clients: {
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<readonly WindowClient[]>;
    openWindow(url: string): Promise<WindowClient | null>;
    claim(): Promise<void>;
  };
  addEventListener(type: 'push', listener: (event: PushEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationEvent) => void): void;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: Parameters<OfflineWorkerScope['addEventListener']>[1]): void;
}

const worker = self as unknown as WorkerScope;

/** A view of this app (a path relative to the scope); anything else opens the app's start. */
function target(url: unknown): string {
  const scope = new URL(worker.registration.scope);
  try {
    const resolved = new URL(typeof url === 'string' ? url : '', scope);
    if (resolved.origin === scope.origin && resolved.pathname.startsWith(scope.pathname))
      return resolved.href;
  } catch {
    // Not a URL: the app's start.
  }
  return scope.href;
}

// The family's lists and the lists themselves: what the Shopping view reads.
serveOffline(worker, [/^families$/, /^shopping-lists$/, /^shopping-lists\/[^/]+$/]);

worker.addEventListener('push', (event) => {
  let message: PushMessage = { title: 'Family Planner' };
  try {
    const data = event.data?.json() as Partial<PushMessage> | undefined;
    if (data && typeof data.title === 'string') message = data as PushMessage;
  } catch {
    // Not JSON: the generic notification.
  }
  event.waitUntil(
    worker.registration.showNotification(message.title.slice(0, 200), {
      body: typeof message.body === 'string' ? message.body.slice(0, 500) : undefined,
      tag: typeof message.tag === 'string' ? message.tag : undefined,
      data: { url: target(message.url) },
    }),
  );
});

worker.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = target((event.notification.data as { url?: unknown } | null)?.url);
  event.waitUntil(
    (async () => {
      const windows = await worker.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((w) => w.url === url) ?? windows[0];
      if (open) {
        const focused = await open.focus();
        if (focused.url !== url) await focused.navigate(url);
        return;
      }
      await worker.clients.openWindow(url);
    })(),
  );
});

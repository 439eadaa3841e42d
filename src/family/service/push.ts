// Web Push (RFC 8030, VAPID RFC 8292, payload encryption RFC 8291) of members' notifications to
// the browsers they allowed. The `web-push` library signs the VAPID token and encrypts the
// payload (aes128gcm); the request itself goes out through the same address policy as recipe
// imports (src/platform/safe-fetch.ts): in production only https to public addresses, checked on
// connect, so a subscription cannot make the server reach the internal network. Outside
// production http(s)://127.0.0.1 and localhost are allowed too, for a local push service.
//
// Sending never holds up or fails the reminder job: deliver() returns at once; a push service
// answering 404 or 410 deletes the subscription; other failures (5xx, 429, network) are retried
// at most MAX_ATTEMPTS - 1 times and then logged (the push service's host and the status, never
// the endpoint, which is a bearer capability, or keys).
import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import webpush from 'web-push';
import type { WebPushConfig } from '../../platform/config.ts';
import { checkUrl, publicOnlyDispatcher } from '../../platform/safe-fetch.ts';
import type { FamilyDeps } from '../deps.ts';
import { FamilyErrors } from '../errors.ts';
import type { NotificationRow } from '../store/notifications.ts';
import {
  deleteSubscription,
  deleteSubscriptionById,
  type PushSubscriptionRow,
  subscriptionsOf,
  upsertSubscription,
} from '../store/push.ts';

/** Subscriptions (browsers) per member. */
export const MAX_SUBSCRIPTIONS_PER_USER = 10;
/** Tries per message: the first and at most two retries. */
export const MAX_ATTEMPTS = 3;
/** How long a push service keeps a message for an offline browser (seconds): reminders go stale. */
export const PUSH_TTL_SECONDS = 4 * 60 * 60;
const REQUEST_TIMEOUT_MS = 10_000;
/** Messages in flight at once, across all members. */
const CONCURRENCY = 4;

export interface PushSubscriptionInput {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushMessage {
  title: string;
  body: string;
  url: string;
  tag: string;
}

export interface PushOptions {
  config: WebPushConfig | undefined;
  production: boolean;
  /** Waits before the second and third tries (tests shorten them). */
  retryDelaysMs?: readonly number[];
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const localAgent = new Agent({ connections: 4 });

/** The endpoint if the server may send to it, else a 400 PUSH_SUBSCRIPTION_INVALID. */
export function checkEndpoint(raw: string, production: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw FamilyErrors.pushSubscriptionInvalid('endpoint must be a URL');
  }
  if (!production && LOCAL_HOSTS.has(url.hostname) && (url.protocol === 'http:' || url.protocol === 'https:'))
    return url;
  if (url.protocol !== 'https:') throw FamilyErrors.pushSubscriptionInvalid('endpoint must be an https URL');
  try {
    checkUrl(url, { allowedHosts: new Set() });
  } catch {
    throw FamilyErrors.pushSubscriptionInvalid('endpoint must be a push service on the internet');
  }
  // A bare public IP is no push service's address either; push services have names.
  if (isIP(url.hostname.replace(/^\[|\]$/g, ''))) {
    throw FamilyErrors.pushSubscriptionInvalid('endpoint must name its push service (no bare IP address)');
  }
  return url;
}

const base64url = (value: string, bytes: number, name: string, first?: number) => {
  const decoded = /^[A-Za-z0-9_-]+={0,2}$/.test(value) ? Buffer.from(value, 'base64url') : Buffer.alloc(0);
  if (decoded.length !== bytes || (first !== undefined && decoded[0] !== first))
    throw FamilyErrors.pushSubscriptionInvalid(`keys.${name} must be ${bytes} bytes in base64url`);
  return value.replace(/=+$/, '');
};

/** What a member's notification says on their lock screen. */
export function pushMessage(row: NotificationRow): PushMessage {
  const minutes = row.minutes_before;
  const when =
    minutes === 0
      ? 'now'
      : minutes % 1440 === 0
        ? `in ${minutes / 1440} day${minutes === 1440 ? '' : 's'}`
        : minutes % 60 === 0
          ? `in ${minutes / 60} hour${minutes === 60 ? '' : 's'}`
          : `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  return {
    title: row.title,
    body: row.kind === 'todo_reminder' ? `Due ${when}` : `Starts ${when}`,
    // A view of the app, relative to the service worker's scope (the app's root, with or
    // without its prefix).
    url: 'notifications',
    tag: row.notification_id,
  };
}

export type PushService = ReturnType<typeof createPushService>;

export function createPushService(deps: FamilyDeps, options: PushOptions) {
  const { db } = deps;
  const { config, production } = options;
  const delays = options.retryDelaysMs ?? [2_000, 10_000];
  const inFlight = new Set<Promise<void>>();
  const queue: (() => Promise<void>)[] = [];
  let running = 0;
  let closed = false;

  const enabled = () => {
    if (!config) throw FamilyErrors.pushNotConfigured();
    return config;
  };

  const pump = () => {
    while (running < CONCURRENCY && queue.length > 0) {
      const task = queue.shift() as () => Promise<void>;
      running++;
      const done = task()
        .catch((error: unknown) => deps.logger.warn({ err: error }, 'web push failed'))
        .finally(() => {
          running--;
          inFlight.delete(done);
          pump();
        });
      inFlight.add(done);
    }
  };

  /** One message to one browser, with its retries. */
  async function sendOne(vapid: WebPushConfig, subscription: PushSubscriptionRow, message: PushMessage) {
    const details = webpush.generateRequestDetails(
      { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
      JSON.stringify(message),
      {
        vapidDetails: { subject: vapid.subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
        TTL: PUSH_TTL_SECONDS,
        urgency: 'normal',
        contentEncoding: 'aes128gcm',
      },
    );
    let url: URL;
    try {
      url = checkEndpoint(subscription.endpoint, production);
    } catch {
      // Stored before a stricter policy (or in another environment): it will never be sent to.
      await deleteSubscriptionById(db, subscription.subscription_id);
      return;
    }
    const local = !production && LOCAL_HOSTS.has(url.hostname);
    const where = { subscription_id: subscription.subscription_id, push_host: url.host };
    for (let attempt = 1; ; attempt++) {
      let status: number | undefined;
      let failure: string | undefined;
      try {
        const response = await request(url, {
          method: 'POST',
          headers: details.headers as Record<string, string>,
          body: details.body ?? undefined,
          dispatcher: local ? localAgent : publicOnlyDispatcher,
          headersTimeout: REQUEST_TIMEOUT_MS,
          bodyTimeout: REQUEST_TIMEOUT_MS,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        status = response.statusCode;
        await response.body.dump().catch(() => undefined);
      } catch (error) {
        failure = (error as { code?: string }).code ?? (error as Error).name;
      }
      if (status !== undefined && status >= 200 && status < 300) return;
      if (status === 404 || status === 410) {
        await deleteSubscriptionById(db, subscription.subscription_id);
        deps.logger.info({ ...where, status }, 'push subscription gone: deleted');
        return;
      }
      // Other 4xx (a bad request, a refused token) will not improve by trying again.
      const retry = status === undefined || status === 429 || status >= 500;
      if (!retry || attempt >= MAX_ATTEMPTS || closed) {
        deps.logger.warn({ ...where, status, failure, attempts: attempt }, 'web push not delivered');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delays[attempt - 1] ?? 10_000));
      if (closed) return;
    }
  }

  return {
    /** The VAPID public key browsers subscribe with; 409 PUSH_NOT_CONFIGURED without keys. */
    key() {
      return { public_key: enabled().publicKey };
    },

    async subscribe(userId: string, input: PushSubscriptionInput) {
      enabled();
      const endpoint = checkEndpoint(input.endpoint, production).toString();
      const p256dh = base64url(input.keys.p256dh, 65, 'p256dh', 0x04);
      const auth = base64url(input.keys.auth, 16, 'auth');
      const stored = await upsertSubscription(
        db,
        { user_id: userId, endpoint, p256dh, auth, created_at: deps.now() },
        MAX_SUBSCRIPTIONS_PER_USER,
      );
      if (!stored) throw FamilyErrors.pushSubscriptionLimit(MAX_SUBSCRIPTIONS_PER_USER);
      return {
        created: stored.created,
        subscription: { subscription_id: stored.row.subscription_id, created_at: stored.row.created_at },
      };
    },

    async unsubscribe(userId: string, endpoint: string) {
      let normal: string;
      try {
        normal = new URL(endpoint).toString();
      } catch {
        throw FamilyErrors.pushSubscriptionNotFound();
      }
      if (!(await deleteSubscription(db, userId, normal))) throw FamilyErrors.pushSubscriptionNotFound();
    },

    /**
     * Queues a push of each new notification to its member's browsers and returns at once
     * (nothing to do when push is off).
     */
    deliver(rows: NotificationRow[]): void {
      if (!config || rows.length === 0 || closed) return;
      const vapid = config;
      const start = subscriptionsOf(db, [...new Set(rows.map((r) => r.user_id))]).then((subscriptions) => {
        for (const row of rows) {
          const message = pushMessage(row);
          for (const subscription of subscriptions.filter((s) => s.user_id === row.user_id)) {
            queue.push(() => sendOne(vapid, subscription, message));
          }
        }
        pump();
      });
      const tracked: Promise<void> = start
        .catch((error: unknown) => deps.logger.warn({ err: error }, 'web push subscriptions not read'))
        .finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    },

    /** Resolves once everything queued so far has been sent or given up. */
    async idle(): Promise<void> {
      while (inFlight.size > 0 || queue.length > 0) await Promise.allSettled([...inFlight]);
    },

    /** Stops: nothing new is sent, nothing retried; waits for the requests under way. */
    async close(): Promise<void> {
      closed = true;
      queue.length = 0;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

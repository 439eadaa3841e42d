// "Notify me on this device": Web Push of your notifications to this browser. Turning it on asks
// the browser's permission, registers the app's service worker (sw.js, see web/family/sw.ts),
// subscribes with the server's VAPID key and hands the subscription to the server; turning it
// off removes it there and here.
import { useEffect, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/family.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import { Button, ErrorMessage } from '../shared/components.tsx';
import { ApiError } from '../shared/errors.ts';
import { useAction } from '../shared/hooks.ts';

type PushState = 'checking' | 'unsupported' | 'off-server' | 'denied' | 'on' | 'off';

const supported = () =>
  typeof navigator !== 'undefined' &&
  'serviceWorker' in navigator &&
  typeof window !== 'undefined' &&
  'PushManager' in window &&
  'Notification' in window;

/** The VAPID key (base64url) as the bytes PushManager.subscribe wants. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

export function PushToggle({ api, config }: Pick<ViewProps, 'api' | 'config'>) {
  const [state, setState] = useState<PushState>('checking');
  const action = useAction();
  const scope = `${config.base}/`;

  useEffect(() => {
    if (!supported()) {
      setState('unsupported');
      return;
    }
    let stale = false;
    void (async () => {
      const registration = await navigator.serviceWorker.getRegistration(scope);
      const subscription = await registration?.pushManager.getSubscription();
      if (stale) return;
      if (Notification.permission === 'denied') setState('denied');
      else setState(subscription ? 'on' : 'off');
    })().catch(() => !stale && setState('off'));
    return () => {
      stale = true;
    };
  }, [scope]);

  const turnOn = () =>
    action.run(async () => {
      let key: string;
      try {
        key = (await api<Answer<paths, '/api/push/key', 'get'>>('/api/push/key')).public_key;
      } catch (error) {
        if (error instanceof ApiError && error.code === 'PUSH_NOT_CONFIGURED') {
          setState('off-server');
          return;
        }
        throw error;
      }
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') {
        setState(permission === 'denied' ? 'denied' : 'off');
        return;
      }
      const registration = await navigator.serviceWorker.register(`${config.base}/sw.js`, { scope });
      await navigator.serviceWorker.ready;
      let subscription: PushSubscription;
      try {
        subscription = await registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(key),
        });
      } catch {
        // The browser's own push service (Google's, Mozilla's, Apple's) refused or was unreachable.
        action.setError(
          'This browser’s push service did not answer, so this device cannot get notifications now. Try again later.',
        );
        return;
      }
      try {
        await api('/api/push/subscriptions', { method: 'POST', body: subscription.toJSON() });
      } catch (error) {
        await subscription.unsubscribe().catch(() => undefined);
        throw error;
      }
      setState('on');
    });

  const turnOff = () =>
    action.run(async () => {
      const registration = await navigator.serviceWorker.getRegistration(scope);
      const subscription = await registration?.pushManager.getSubscription();
      if (subscription) {
        try {
          await api('/api/push/subscriptions', {
            method: 'DELETE',
            body: { endpoint: subscription.endpoint },
          });
        } catch (error) {
          // Already gone on the server (e.g. the push service had dropped it): off all the same.
          if (!(error instanceof ApiError && error.code === 'PUSH_SUBSCRIPTION_NOT_FOUND')) throw error;
        }
        await subscription.unsubscribe();
      }
      setState('off');
    });

  const note: Partial<Record<PushState, string>> = {
    unsupported: 'This browser cannot show notifications from Family Planner.',
    'off-server': 'Notifications on devices are not set up on this server.',
    denied: 'Notifications are blocked for this site: allow them in the browser’s site settings first.',
    on: 'Reminders also appear on this device.',
  };
  return (
    <div className="push-toggle">
      {action.error && <ErrorMessage>{action.error}</ErrorMessage>}
      {state === 'off' && (
        <Button variant="secondary" small busy={action.busy} onClick={() => void turnOn()}>
          Notify me on this device
        </Button>
      )}
      {state === 'on' && (
        <Button variant="secondary" small busy={action.busy} onClick={() => void turnOff()}>
          Stop notifying this device
        </Button>
      )}
      {note[state] && (
        <p className="muted" aria-live="polite">
          {note[state]}
        </p>
      )}
    </div>
  );
}

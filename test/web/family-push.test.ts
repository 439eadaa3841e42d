/// <reference lib="dom" />
// "Notify me on this device" in Debian's Chromium: the Notifications view registers the app's
// service worker (served by the family service, under the page's Content-Security-Policy) and
// asks for a push subscription with the server's VAPID key; without VAPID keys on the server the
// toggle says push is off. Headless Chromium has no push service of its own (its subscribe goes
// to Google's FCM, unreachable here), so whether the browser hands out a subscription is not
// asserted; the server side of push is tested against a push service stand-in in
// src/family/routes/push.test.ts.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import {
  cspViolations,
  familyOfOne,
  hasChromium,
  launchChromium,
  openSignedIn,
  seriousViolations,
  startWebPlatform,
  visible,
  type WebPlatform,
} from './support.ts';

describe.skipIf(!hasChromium)('web: Web Push toggle', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
  });

  const familyOf = (web: WebPlatform) =>
    familyOfOne(web, browser, { prefix: 'mom', familyName: 'The Addams' });

  it('registers the service worker and subscribes with the VAPID key', async () => {
    const keys = webpush.generateVAPIDKeys();
    const web = await startWebPlatform({
      CALOS_VAPID_PUBLIC_KEY: keys.publicKey,
      CALOS_VAPID_PRIVATE_KEY: keys.privateKey,
      CALOS_VAPID_SUBJECT: 'mailto:ops@calos.example',
    });
    try {
      const { context, page } = await familyOf(web);
      await openSignedIn(page, web, 'family', 'notifications');
      await context.grantPermissions(['notifications'], { origin: new URL(page.url()).origin });
      const toggle = page.getByRole('button', { name: 'Notify me on this device' });
      await visible(toggle);
      expect(await seriousViolations(page)).toEqual([]);
      await toggle.click();
      // The worker is the app's, at its root, and active.
      const active = () =>
        page.evaluate(async () => {
          const registration = await navigator.serviceWorker.getRegistration();
          return registration?.active
            ? { script: registration.active.scriptURL, scope: registration.scope }
            : null;
        });
      await expect.poll(active, { timeout: 15_000 }).not.toBeNull();
      const { script, scope } = (await active()) as { script: string; scope: string };
      expect(new URL(script).pathname).toMatch(/\/sw\.js$/);
      expect(script.startsWith(scope)).toBe(true);
      // Either the browser's push service answered (the toggle turns to "Stop…") or, as here
      // without Google's push service, subscribe() fails and the toggle says so.
      await visible(
        page
          .getByRole('button', { name: 'Stop notifying this device' })
          .or(page.getByText('This browser’s push service did not answer', { exact: false })),
      );
      expect(await seriousViolations(page)).toEqual([]);
      expect(await cspViolations(page)).toEqual([]);
      await context.close();
    } finally {
      await web.close();
    }
  }, 120_000);

  it('says so when the server has no VAPID keys', async () => {
    const web = await startWebPlatform();
    try {
      const { context, page } = await familyOf(web);
      await openSignedIn(page, web, 'family', 'notifications');
      await page.getByRole('button', { name: 'Notify me on this device' }).click();
      await visible(page.getByText('Notifications on devices are not set up on this server.'));
      expect(await seriousViolations(page)).toEqual([]);
      await context.close();
    } finally {
      await web.close();
    }
  }, 120_000);
});

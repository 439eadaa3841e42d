// Web Push of reminders: browsers subscribe through the API, and the reminder job's notifications
// reach them through a push service stand-in that checks the VAPID token (jose) and decrypts the
// aes128gcm payload with the browser's key (http_ece). A push service answering 410 deletes the
// subscription; a failing one is retried a couple of times; bad subscriptions are refused.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { type PushStandIn, startPushStandIn } from '../../../test/stand-ins/push.ts';
import { testEngines } from '../../../test/support/engines.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import type { IdentityClient } from '../../identity/client.ts';
import { createTestClock } from '../../platform/clock.ts';
import { createNotifyHub, type NotifyHub } from '../../platform/db/notify-hub.ts';
import { createLogger } from '../../platform/logger.ts';
import { NOTIFICATION_CHANNEL } from '../index.ts';
import { createReminderJob } from '../service/notifications.ts';
import { checkEndpoint, createPushService, MAX_ATTEMPTS, type PushService } from '../service/push.ts';
import { familyApi } from '../test-helpers.ts';

const vapid = webpush.generateVAPIDKeys();

describe.each(testEngines())('Web Push of reminders on %s', (engine) => {
  let platform: TestPlatform;
  let api: ReturnType<typeof familyApi>;
  let hub: NotifyHub;
  let pushService: PushService;
  let stand: PushStandIn;
  let runReminders: () => Promise<number>;

  beforeAll(async () => {
    stand = await startPushStandIn();
    platform = await startTestPlatform(engine, {
      services: ['identity', 'family'],
      clock: createTestClock('2032-05-10T08:00:00Z'),
      env: {
        CALOS_VAPID_PUBLIC_KEY: vapid.publicKey,
        CALOS_VAPID_PRIVATE_KEY: vapid.privateKey,
        CALOS_VAPID_SUBJECT: 'mailto:ops@calos.example',
      },
    });
    api = familyApi(platform);
    const deps = {
      db: platform.databases.get('family'),
      identity: () => platform.clients.get<IdentityClient>('identity'),
      logger: createLogger({ logLevel: 'silent' }),
      now: () => platform.clock.now(),
    };
    hub = createNotifyHub(deps.db, NOTIFICATION_CHANNEL);
    // The service runs the same job on a timer; this one runs when the test has moved the clock,
    // with retries a few milliseconds apart.
    pushService = createPushService(deps, {
      config: {
        publicKey: vapid.publicKey,
        privateKey: vapid.privateKey,
        subject: 'mailto:ops@calos.example',
      },
      production: false,
      retryDelaysMs: [5, 5],
    });
    runReminders = createReminderJob(deps, hub, pushService);
  });
  afterAll(async () => {
    await pushService?.close();
    await hub?.close();
    await platform?.close();
    await stand?.close();
  });

  it('answers the VAPID public key to subscribe with', async () => {
    const family = await api.family();
    expect(api.expectStatus(await api.call(family.admin, 'GET', '/api/push/key'), 200)).toEqual({
      public_key: vapid.publicKey,
    });
    expect((await api.call(null, 'GET', '/api/push/key')).statusCode).toBe(401);
  });

  it('pushes a reminder to each browser of the member it concerns, encrypted and signed', async () => {
    const family = await api.family(['child']);
    const kid = family.byRole('child');
    const phone = stand.subscribe();
    const laptop = stand.subscribe();
    const adminsPhone = stand.subscribe();
    const first = await api.call(kid, 'POST', '/api/push/subscriptions', { ...phone, expirationTime: null });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      subscription_id: expect.any(String),
      created_at: expect.stringMatching(/^2032-05-10T08:/),
    });
    // The same browser again: its keys are updated, it is not counted twice.
    expect((await api.call(kid, 'POST', '/api/push/subscriptions', phone)).statusCode).toBe(200);
    expect((await api.call(kid, 'POST', '/api/push/subscriptions', laptop)).statusCode).toBe(201);
    expect((await api.call(family.admin, 'POST', '/api/push/subscriptions', adminsPhone)).statusCode).toBe(
      201,
    );

    const dentist = await api.event(family.admin, family.familyId, {
      event_name: 'Dentist',
      start_time: '2032-05-10T10:00:00Z',
      end_time: '2032-05-10T10:30:00Z',
      attendees: [kid.userId],
      reminders: [{ minutes_before: 60 }],
    });
    platform.clock.set('2032-05-10T09:00:10Z');
    expect(await runReminders()).toBe(1);
    await pushService.idle();
    await api.renew(kid);

    const endpointId = (endpoint: string) => endpoint.slice(endpoint.lastIndexOf('/') + 1);
    const toKid = stand.received.filter((r) =>
      [endpointId(phone.endpoint), endpointId(laptop.endpoint)].includes(r.subscription),
    );
    expect(toKid).toHaveLength(2);
    const notifications = api.expectStatus(await api.call(kid, 'GET', '/api/notifications'), 200);
    for (const push of toKid) {
      expect(push.payload).toEqual({
        title: 'Dentist',
        body: 'Starts in 1 hour',
        url: 'notifications',
        tag: notifications.items[0].notification_id,
      });
      expect(push.claims).toMatchObject({ aud: stand.url, sub: 'mailto:ops@calos.example' });
      expect(push.vapidKey).toBe(vapid.publicKey);
      expect(Number(push.ttl)).toBeGreaterThan(0);
      expect(push.urgency).toBe('normal');
    }
    // The admin is not an attendee: nothing for their phone.
    expect(stand.received.some((r) => r.subscription === endpointId(adminsPhone.endpoint))).toBe(false);
    expect(stand.refused).toEqual([]);
    expect(dentist.event_id).toBeDefined();
  });

  it('deletes a subscription the push service says is gone (410), and retries other failures twice', async () => {
    const family = await api.family();
    const gone = stand.subscribe();
    const flaky = stand.subscribe();
    for (const subscription of [gone, flaky]) {
      expect((await api.call(family.admin, 'POST', '/api/push/subscriptions', subscription)).statusCode).toBe(
        201,
      );
    }
    stand.answer(gone.endpoint, 410);
    stand.answer(flaky.endpoint, 503);
    platform.clock.set('2032-05-11T08:00:00Z');
    await api.renew(family.admin);
    const todos = await api.list(family.admin, family.familyId, 'shared', 'Errands');
    await api.item(family.admin, todos.list_id, {
      title: 'Buy a present',
      due_date: '2032-05-11T08:30:00Z',
      reminders: [{ minutes_before: 30 }],
    });
    // The reminder job itself neither waits for nor fails with the push services.
    expect(await runReminders()).toBe(1);
    await pushService.idle();

    const tries = (endpoint: string) =>
      stand.attempts.filter((a) => a.subscription === endpoint.slice(endpoint.lastIndexOf('/') + 1));
    expect(tries(gone.endpoint)).toEqual([expect.objectContaining({ status: 410 })]);
    expect(tries(flaky.endpoint)).toHaveLength(MAX_ATTEMPTS);
    // The 410 one is gone; the failing one is still there (it may work tomorrow).
    expect(
      (await api.call(family.admin, 'DELETE', '/api/push/subscriptions', { endpoint: gone.endpoint }))
        .statusCode,
    ).toBe(404);
    expect(
      (await api.call(family.admin, 'DELETE', '/api/push/subscriptions', { endpoint: flaky.endpoint }))
        .statusCode,
    ).toBe(204);
    // Unsubscribed, the browser gets nothing more.
    stand.answer(flaky.endpoint, 201);
    await api.item(family.admin, todos.list_id, {
      title: 'Wrap the present',
      due_date: '2032-05-11T08:30:00Z',
      reminders: [{ minutes_before: 20 }],
    });
    platform.clock.set('2032-05-11T08:10:30Z');
    expect(await runReminders()).toBe(1);
    await pushService.idle();
    expect(tries(flaky.endpoint)).toHaveLength(MAX_ATTEMPTS);
  });

  it('refuses bad subscriptions with 400, caps them per member, and keeps them per member', async () => {
    const family = await api.family(['parent']);
    const parent = family.byRole('parent');
    const good = stand.subscribe();
    const post = (body: unknown, user = family.admin) =>
      api.call(user, 'POST', '/api/push/subscriptions', body);
    const refused = async (body: unknown, code: string) => {
      const response = await post(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error.code).toBe(code);
    };
    await refused({ endpoint: good.endpoint }, 'VALIDATION_FAILED');
    await refused({ ...good, extra: 1 }, 'VALIDATION_FAILED');
    await refused({ ...good, endpoint: 'not a url' }, 'PUSH_SUBSCRIPTION_INVALID');
    await refused({ ...good, endpoint: 'http://push.example.com/x' }, 'PUSH_SUBSCRIPTION_INVALID');
    await refused({ ...good, endpoint: 'https://10.0.0.7/push/x' }, 'PUSH_SUBSCRIPTION_INVALID');
    await refused({ ...good, endpoint: 'https://169.254.169.254/latest' }, 'PUSH_SUBSCRIPTION_INVALID');
    await refused({ ...good, endpoint: 'ftp://push.example.com/x' }, 'PUSH_SUBSCRIPTION_INVALID');
    await refused({ ...good, keys: { ...good.keys, p256dh: 'AAAA' } }, 'PUSH_SUBSCRIPTION_INVALID');
    await refused({ ...good, keys: { ...good.keys, auth: 'not base64!' } }, 'PUSH_SUBSCRIPTION_INVALID');
    await refused({ ...good, endpoint: `https://push.example.com/${'x'.repeat(1100)}` }, 'VALIDATION_FAILED');
    const huge = await post({ ...good, padding: 'x'.repeat(5000) });
    expect(huge.statusCode).toBe(413);

    for (let i = 0; i < 10; i++) {
      expect((await post({ ...good, endpoint: `https://push.example.com/send/${i}` })).statusCode).toBe(201);
    }
    const over = await post({ ...good, endpoint: 'https://push.example.com/send/10' });
    expect(over.statusCode).toBe(409);
    expect(over.json().error).toMatchObject({ code: 'PUSH_SUBSCRIPTION_LIMIT' });
    // Someone else's endpoint is not theirs to remove.
    const removeOthers = await api.call(parent, 'DELETE', '/api/push/subscriptions', {
      endpoint: 'https://push.example.com/send/3',
    });
    expect(removeOthers.statusCode).toBe(404);
    expect(removeOthers.json().error.code).toBe('PUSH_SUBSCRIPTION_NOT_FOUND');
    expect(
      (
        await api.call(family.admin, 'DELETE', '/api/push/subscriptions', {
          endpoint: 'https://push.example.com/send/3',
        })
      ).statusCode,
    ).toBe(204);
  });

  it('says push is off when the server has no VAPID keys', async () => {
    const plain = await startTestPlatform(engine, { services: ['identity', 'family'] });
    try {
      const off = familyApi(plain);
      const family = await off.family();
      for (const response of [
        await off.call(family.admin, 'GET', '/api/push/key'),
        await off.call(family.admin, 'POST', '/api/push/subscriptions', stand.subscribe()),
      ]) {
        expect(response.statusCode).toBe(409);
        expect(response.json().error.code).toBe('PUSH_NOT_CONFIGURED');
      }
    } finally {
      await plain.close();
    }
  });
});

describe('push endpoints in production', () => {
  it('are https addresses of push services on the internet, never local or private ones', () => {
    expect(checkEndpoint('https://fcm.googleapis.com/fcm/send/abc', true).host).toBe('fcm.googleapis.com');
    for (const endpoint of [
      'http://127.0.0.1:8080/push/x',
      'https://127.0.0.1/push/x',
      'https://localhost/push/x',
      'https://[::1]/push/x',
      'https://192.168.1.2/push',
      'https://[::ffff:10.0.0.1]/push',
      'https://93.184.216.34/push',
      'http://updates.push.services.mozilla.com/wpush/v2/x',
    ]) {
      expect(() => checkEndpoint(endpoint, true), endpoint).toThrow(
        expect.objectContaining({ code: 'PUSH_SUBSCRIPTION_INVALID' }),
      );
    }
    expect(checkEndpoint('http://127.0.0.1:8080/push/x', false).port).toBe('8080');
  });
});

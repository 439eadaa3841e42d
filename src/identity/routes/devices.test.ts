import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';

describe.each(testEngines())('devices and pairing on %s', (engine) => {
  let platform: TestPlatform;
  const inject = (options: InjectOptions) => platform.app.inject(options);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity'] });
  });
  afterAll(() => platform.close());

  const login = async (
    user: TestUser,
    device: { fingerprint: string; type: 'web' | 'mobile' | 'voice'; name?: string },
  ) => {
    const response = await inject({
      method: 'POST',
      url: '/calos/api/auth/login',
      payload: { login: user.username, password: user.password, device },
    });
    expect(response.statusCode).toBe(200);
    return response.json() as { access_token: string; refresh_token: string; device_id: string };
  };

  const startPairing = async (
    body: Record<string, unknown> = { device_type: 'voice', device_name: 'Kitchen speaker' },
  ) => {
    const response = await inject({ method: 'POST', url: '/calos/api/devices/pair/start', payload: body });
    expect(response.statusCode).toBe(200);
    return response.json() as {
      device_code: string;
      user_code: string;
      interval: number;
      verification_uri: string;
    };
  };

  const poll = (deviceCode: string) =>
    inject({
      method: 'POST',
      url: '/calos/api/devices/pair/token',
      payload: { device_code: deviceCode, grant_type: 'urn:ietf:params:oauth:grant-type:device_code' },
    });

  /** Lets the next poll count as on time, as if `interval` seconds had passed. */
  const waitOutInterval = (deviceCode: string) =>
    platform.databases
      .get('identity')
      .query(
        "UPDATE device_pairings SET last_polled_at = $2 WHERE device_code_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')",
        [deviceCode, new Date(platform.clock.nowMs() - 60_000)],
      );

  it('keeps one account on web, mobile and a paired voice device; revoking one leaves the others working', async () => {
    const user = await given(platform).user();
    const web = await login(user, { fingerprint: 'browser-1', type: 'web', name: 'Laptop' });
    const mobile = await login(user, { fingerprint: 'phone-1', type: 'mobile', name: 'Phone' });

    const pairing = await startPairing();
    const approve = await inject({
      method: 'POST',
      url: '/calos/api/devices/pair',
      headers: bearer(web.access_token),
      payload: { user_code: pairing.user_code.toLowerCase() },
    });
    expect(approve.statusCode).toBe(200);
    const voiceResponse = await poll(pairing.device_code);
    expect(voiceResponse.statusCode).toBe(200);
    const voice = voiceResponse.json();

    const listed = await inject({
      method: 'GET',
      url: '/calos/api/devices',
      headers: bearer(voice.access_token),
    });
    const devices = listed.json().items as {
      device_id: string;
      device_type: string;
      is_current: boolean;
      trust_level: number;
    }[];
    const byType = Object.fromEntries(devices.map((d) => [d.device_type, d]));
    expect(Object.keys(byType).sort()).toEqual(['mobile', 'voice', 'web']);
    expect(byType.voice?.is_current).toBe(true);
    expect(byType.web?.is_current).toBe(false);
    expect(byType.voice?.trust_level).toBeLessThan(byType.web?.trust_level ?? 0);

    const revoke = await inject({
      method: 'DELETE',
      url: `/calos/api/devices/${mobile.device_id}`,
      headers: bearer(web.access_token),
    });
    expect(revoke.statusCode).toBe(204);

    const mobileMe = await inject({
      method: 'GET',
      url: '/calos/api/auth/me',
      headers: bearer(mobile.access_token),
    });
    expect(mobileMe.statusCode).toBe(401);
    const mobileRefresh = await inject({
      method: 'POST',
      url: '/calos/api/auth/refresh',
      payload: { refresh_token: mobile.refresh_token },
    });
    expect(mobileRefresh.statusCode).toBe(401);

    for (const survivor of [web, voice]) {
      expect(
        (await inject({ method: 'GET', url: '/calos/api/auth/me', headers: bearer(survivor.access_token) }))
          .statusCode,
      ).toBe(200);
      const refreshed = await inject({
        method: 'POST',
        url: '/calos/api/auth/refresh',
        payload: { refresh_token: survivor.refresh_token },
      });
      expect(refreshed.statusCode).toBe(200);
    }
    const after = await inject({
      method: 'GET',
      url: '/calos/api/devices',
      headers: bearer(web.access_token),
    });
    const revoked = (after.json().items as { device_id: string; revoked_at: string | null }[]).find(
      (d) => d.device_id === mobile.device_id,
    );
    expect(revoked?.revoked_at).not.toBeNull();
    const audit = await inject({
      method: 'GET',
      url: '/calos/api/audit?limit=50',
      headers: bearer(web.access_token),
    });
    const events = audit.json().items.map((e: { event: string }) => e.event);
    expect(events).toEqual(expect.arrayContaining(['device.paired', 'device.revoked']));
  });

  it('gives a user 404 for another user’s device', async () => {
    const alice = await given(platform).user();
    const bob = await given(platform).user();
    const aliceDevices = await inject({ method: 'GET', url: '/calos/api/devices', headers: alice.headers });
    const aliceDevice = aliceDevices.json().items[0].device_id;
    const response = await inject({
      method: 'DELETE',
      url: `/calos/api/devices/${aliceDevice}`,
      headers: bob.headers,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('DEVICE_NOT_FOUND');
    const bobsList = await inject({ method: 'GET', url: '/calos/api/devices', headers: bob.headers });
    expect(bobsList.json().items.map((d: { device_id: string }) => d.device_id)).not.toContain(aliceDevice);
    const malformed = await inject({
      method: 'DELETE',
      url: '/calos/api/devices/not-a-uuid',
      headers: bob.headers,
    });
    expect(malformed.statusCode).toBe(404);
  });

  it('answers each poll as RFC 8628 says: pending, slow_down, then tokens, then invalid_grant', async () => {
    const user = await given(platform).user();
    const pairing = await startPairing();
    expect(pairing.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ2-9]{4}-[BCDFGHJKLMNPQRSTVWXZ2-9]{4}$/);
    expect(pairing.verification_uri).toMatch(/\/account\/pair$/);
    expect(pairing.interval).toBe(5);

    const pending = await poll(pairing.device_code);
    expect(pending.statusCode).toBe(400);
    expect(pending.json()).toEqual({ error: 'authorization_pending', error_description: expect.any(String) });

    const tooFast = await poll(pairing.device_code);
    expect(tooFast.json().error).toBe('slow_down');
    expect(tooFast.json().error_description).toContain('10 seconds');

    await inject({
      method: 'POST',
      url: '/calos/api/devices/pair',
      headers: user.headers,
      payload: { user_code: pairing.user_code },
    });
    await waitOutInterval(pairing.device_code);
    const tokens = await poll(pairing.device_code);
    expect(tokens.statusCode).toBe(200);
    expect(tokens.json()).toMatchObject({
      token_type: 'Bearer',
      access_token: expect.any(String),
      refresh_token: expect.any(String),
    });

    const again = await poll(pairing.device_code);
    expect(again.json().error).toBe('invalid_grant');
  });

  it('answers access_denied when the user denies the device', async () => {
    const user = await given(platform).user();
    const pairing = await startPairing();
    const deny = await inject({
      method: 'POST',
      url: '/calos/api/devices/pair',
      headers: user.headers,
      payload: { user_code: pairing.user_code, approve: false },
    });
    expect(deny.json().status).toBe('denied');
    const response = await poll(pairing.device_code);
    expect(response.json().error).toBe('access_denied');
  });

  it('answers expired_token once the code has expired, and will not approve it', async () => {
    const user = await given(platform).user();
    const pairing = await startPairing();
    await platform.databases
      .get('identity')
      .query('UPDATE device_pairings SET expires_at = $2 WHERE user_code = $1', [
        pairing.user_code.replace('-', ''),
        new Date(platform.clock.nowMs() - 1_000),
      ]);
    const response = await poll(pairing.device_code);
    expect(response.json().error).toBe('expired_token');
    const approve = await inject({
      method: 'POST',
      url: '/calos/api/devices/pair',
      headers: user.headers,
      payload: { user_code: pairing.user_code },
    });
    expect(approve.statusCode).toBe(404);
    expect(approve.json().error.code).toBe('USER_CODE_NOT_FOUND');
  });

  it('refuses an unknown device code and an unknown user code', async () => {
    const user = await given(platform).user();
    expect((await poll('made-up-device-code')).json().error).toBe('invalid_grant');
    const approve = await inject({
      method: 'POST',
      url: '/calos/api/devices/pair',
      headers: user.headers,
      payload: { user_code: 'BBBB-CCCC' },
    });
    expect(approve.statusCode).toBe(404);
    const anonymous = await inject({
      method: 'POST',
      url: '/calos/api/devices/pair',
      payload: { user_code: 'BBBB-CCCC' },
    });
    expect(anonymous.statusCode).toBe(401);
  });
});

import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import type { IdentityClient } from '../client.ts';

describe.each(testEngines())('accounts and sessions on %s', (engine) => {
  let platform: TestPlatform;
  const inject = (options: InjectOptions) => platform.app.inject(options);
  const identityDb = () => platform.databases.get('identity');

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity'] });
  });
  afterAll(() => platform.close());

  describe('sign-up', () => {
    it('creates the account, signs it in, and stores an Argon2id hash at OWASP strength', async () => {
      const alice = await given(platform).user({ username: 'Alice_signup' });
      const me = await inject({ method: 'GET', url: '/calos/api/auth/me', headers: alice.headers });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({
        user: { user_id: alice.userId, username: 'Alice_signup' },
        plan: 'free',
      });
      const { rows } = await identityDb().query<{ password_hash: string }>(
        'SELECT password_hash FROM users WHERE user_id = $1',
        [alice.userId],
      );
      // NODE_ENV=test hashes light (passwords.ts; passwords.test.ts shows OWASP's minimum elsewhere).
      expect(rows[0]?.password_hash).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=1\$/);
      expect(rows[0]?.password_hash).not.toContain(alice.password);
    });

    it('treats usernames and emails as the same whatever their case', async () => {
      const bob = await given(platform).user({ username: 'Bob_case', email: 'Bob.Case@Example.test' });
      const sameName = await inject({
        method: 'POST',
        url: '/calos/api/auth/register',
        payload: { username: 'bob_CASE', email: 'other@example.test', password: 'another long password' },
      });
      expect(sameName.statusCode).toBe(409);
      expect(sameName.json().error.code).toBe('USERNAME_TAKEN');
      const sameEmail = await inject({
        method: 'POST',
        url: '/calos/api/auth/register',
        payload: { username: 'bob_other', email: 'BOB.case@example.TEST', password: 'another long password' },
      });
      expect(sameEmail.statusCode).toBe(409);
      expect(sameEmail.json().error.code).toBe('EMAIL_TAKEN');
      const byEmail = await inject({
        method: 'POST',
        url: '/calos/api/auth/login',
        payload: { login: 'bob.case@EXAMPLE.test', password: bob.password },
      });
      expect(byEmail.statusCode).toBe(200);
    });

    it.each([
      [{ username: 'ab', email: 'a@b.test', password: 'long enough password' }, 'body.username'],
      [{ username: 'fine_name', email: 'not-an-email', password: 'long enough password' }, 'body.email'],
      [{ username: 'fine_name', email: 'a@b.test', password: 'short' }, 'body.password'],
      [{ username: 'bad name!', email: 'a@b.test', password: 'long enough password' }, 'body.username'],
    ])('refuses %o with 400 naming the field', async (payload, field) => {
      const response = await inject({ method: 'POST', url: '/calos/api/auth/register', payload });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field }] });
    });

    it('refuses a password that is the username', async () => {
      const response = await inject({
        method: 'POST',
        url: '/calos/api/auth/register',
        payload: { username: 'sameasmypassword', email: 'same@example.test', password: 'sameasmypassword' },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('PASSWORD_TOO_WEAK');
    });
  });

  describe('sign-in', () => {
    it('answers an unknown user and a wrong password the same way', async () => {
      const carol = await given(platform).user();
      const wrongPassword = await inject({
        method: 'POST',
        url: '/calos/api/auth/login',
        payload: { login: carol.username, password: 'not the password at all' },
      });
      const unknownUser = await inject({
        method: 'POST',
        url: '/calos/api/auth/login',
        payload: { login: 'nobody_by_this_name', password: 'not the password at all' },
      });
      expect(wrongPassword.statusCode).toBe(401);
      expect(unknownUser.statusCode).toBe(401);
      expect(wrongPassword.json()).toEqual(unknownUser.json());
    });

    it('locks an account after repeated failures with 429 and Retry-After, even for the right password', async () => {
      const dave = await given(platform).user();
      // From ten addresses: the per-account rule locks, not the one per address and account.
      const attempts = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          inject({
            method: 'POST',
            url: '/calos/api/auth/login',
            payload: { login: dave.username, password: 'wrong password!!' },
            remoteAddress: `203.0.113.${i + 1}`,
          }),
        ),
      );
      expect(attempts.every((r) => r.statusCode === 401)).toBe(true);
      const locked = await inject({
        method: 'POST',
        url: '/calos/api/auth/login',
        payload: { login: dave.username, password: dave.password },
      });
      expect(locked.statusCode).toBe(429);
      expect(locked.json().error.code).toBe('TOO_MANY_ATTEMPTS');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(60);
      const audit = await inject({ method: 'GET', url: '/calos/api/audit?limit=100', headers: dave.headers });
      const events = audit.json().items.map((e: { event: string }) => e.event);
      expect(events.filter((e: string) => e === 'login.failed').length).toBeGreaterThanOrEqual(9);
      expect(events).toContain('login.locked');
    });
  });

  describe('refresh tokens', () => {
    it('rotate on every refresh, and a spent one presented again ends the whole session', async () => {
      const erin = await given(platform).user();
      const first = await inject({
        method: 'POST',
        url: '/calos/api/auth/refresh',
        payload: { refresh_token: erin.refreshToken },
      });
      expect(first.statusCode).toBe(200);
      const rotated = first.json();
      expect(rotated.refresh_token).not.toBe(erin.refreshToken);
      expect(rotated.session_id).toBe(erin.sessionId);

      const replay = await inject({
        method: 'POST',
        url: '/calos/api/auth/refresh',
        payload: { refresh_token: erin.refreshToken },
      });
      expect(replay.statusCode).toBe(401);
      expect(replay.json().error.code).toBe('REFRESH_TOKEN_REUSED');

      const legit = await inject({
        method: 'POST',
        url: '/calos/api/auth/refresh',
        payload: { refresh_token: rotated.refresh_token },
      });
      expect(legit.statusCode).toBe(401);
      expect(legit.json().error.code).toBe('SESSION_ENDED');
      const me = await inject({
        method: 'GET',
        url: '/calos/api/auth/me',
        headers: { authorization: `Bearer ${rotated.access_token}` },
      });
      expect(me.statusCode).toBe(401);
      const { rows } = await identityDb().query(
        'SELECT token_hash FROM refresh_tokens WHERE token_hash = $1',
        [rotated.refresh_token],
      );
      expect(rows).toEqual([]);
    });

    it('refuses a made-up refresh token', async () => {
      const response = await inject({
        method: 'POST',
        url: '/calos/api/auth/refresh',
        payload: { refresh_token: 'made-up' },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('REFRESH_TOKEN_INVALID');
    });
  });

  describe('sign-out', () => {
    it('ends refresh and identity access at once, and other services within the token lifetime', async () => {
      const frank = await given(platform).user();
      const logout = await inject({ method: 'POST', url: '/calos/api/auth/logout', headers: frank.headers });
      expect(logout.statusCode).toBe(204);
      const refresh = await inject({
        method: 'POST',
        url: '/calos/api/auth/refresh',
        payload: { refresh_token: frank.refreshToken },
      });
      expect(refresh.statusCode).toBe(401);
      const me = await inject({ method: 'GET', url: '/calos/api/auth/me', headers: frank.headers });
      expect(me.statusCode).toBe(401);
      expect(me.json().error.code).toBe('SESSION_ENDED');
      const [, payload] = frank.accessToken.split('.');
      const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString());
      expect(claims.exp - claims.iat).toBe(300);
    });
  });

  it('takes the device in one shape everywhere: flat device_type/device_name/device_fingerprint, as listed', async () => {
    const ida = await given(platform).user();
    const signIn = (payload: Record<string, unknown>) =>
      inject({
        method: 'POST',
        url: '/calos/api/auth/login',
        payload: { login: ida.username, password: ida.password, ...payload },
      });
    const flat = await signIn({
      device_type: 'mobile',
      device_name: 'Ida’s phone',
      device_fingerprint: 'ida-phone',
    });
    expect(flat.statusCode).toBe(200);
    // The deprecated object still works and names the same device.
    const nested = await signIn({
      device: { type: 'mobile', name: 'Ida’s phone', fingerprint: 'ida-phone' },
    });
    expect(nested.statusCode).toBe(200);
    const both = await signIn({ device_type: 'web', device: { type: 'mobile' } });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.code).toBe('VALIDATION_FAILED');
    const devices = await inject({ method: 'GET', url: '/calos/api/devices', headers: ida.headers });
    const phones = (devices.json().items as { device_type: string; device_name: string }[]).filter(
      (d) => d.device_name === 'Ida’s phone',
    );
    expect(phones).toEqual([expect.objectContaining({ device_type: 'mobile', device_name: 'Ida’s phone' })]);
  });

  describe('password change', () => {
    it('ends every other session and only the new password signs in', async () => {
      const gina = await given(platform).user();
      const phone = await inject({
        method: 'POST',
        url: '/calos/api/auth/login',
        payload: {
          login: gina.username,
          password: gina.password,
          device: { fingerprint: 'phone-1', type: 'mobile' },
        },
      });
      const change = await inject({
        method: 'PUT',
        url: '/calos/api/auth/password',
        headers: gina.headers,
        payload: { current_password: gina.password, new_password: 'a brand new pass phrase' },
      });
      expect(change.statusCode).toBe(204);
      const phoneMe = await inject({
        method: 'GET',
        url: '/calos/api/auth/me',
        headers: { authorization: `Bearer ${phone.json().access_token}` },
      });
      expect(phoneMe.statusCode).toBe(401);
      expect(
        (await inject({ method: 'GET', url: '/calos/api/auth/me', headers: gina.headers })).statusCode,
      ).toBe(200);
      const old = await inject({
        method: 'POST',
        url: '/calos/api/auth/login',
        payload: { login: gina.username, password: gina.password },
      });
      expect(old.statusCode).toBe(401);
      const fresh = await inject({
        method: 'POST',
        url: '/calos/api/auth/login',
        payload: { login: gina.username, password: 'a brand new pass phrase' },
      });
      expect(fresh.statusCode).toBe(200);
    });

    it('refuses a wrong current password', async () => {
      const hank = await given(platform).user();
      const change = await inject({
        method: 'PUT',
        url: '/calos/api/auth/password',
        headers: hank.headers,
        payload: { current_password: 'wrong wrong wrong', new_password: 'a brand new pass phrase' },
      });
      expect(change.statusCode).toBe(401);
      expect(change.json().error.code).toBe('PASSWORD_INCORRECT');
    });
  });

  describe('account deletion', () => {
    it('needs the password, removes the account and emits user.deleted through the outbox', async () => {
      const ivy = await given(platform).user();
      const wrong = await inject({
        method: 'DELETE',
        url: '/calos/api/account',
        headers: ivy.headers,
        payload: { password: 'nope nope nope' },
      });
      expect(wrong.statusCode).toBe(401);
      const deleted = await inject({
        method: 'DELETE',
        url: '/calos/api/account',
        headers: ivy.headers,
        payload: { password: ivy.password },
      });
      expect(deleted.statusCode).toBe(204);
      const login = await inject({
        method: 'POST',
        url: '/calos/api/auth/login',
        payload: { login: ivy.username, password: ivy.password },
      });
      expect(login.statusCode).toBe(401);
      const { rows } = await identityDb().query('SELECT 1 FROM users WHERE user_id = $1', [ivy.userId]);
      expect(rows).toEqual([]);

      const outbox = platform.clients.get<IdentityClient>('identity').outbox;
      const events = await outbox.pull('test-consumer', 100);
      const mine = events.filter((e) => e.payload.user_id === ivy.userId);
      expect(mine).toMatchObject([{ topic: 'user.deleted' }]);
      await outbox.ack('test-consumer', events[events.length - 1]?.eventId ?? 0);
      expect(
        (await outbox.pull('test-consumer', 100)).filter((e) => e.payload.user_id === ivy.userId),
      ).toEqual([]);
      expect((await outbox.pull('another-consumer', 100)).some((e) => e.payload.user_id === ivy.userId)).toBe(
        true,
      );
    });
  });

  describe('the audit log', () => {
    it('shows a user their own security events, newest first, page by page', async () => {
      const jack = await given(platform).user();
      await inject({
        method: 'POST',
        url: '/calos/api/auth/login',
        payload: { login: jack.username, password: 'wrong password 1' },
      });
      await inject({
        method: 'POST',
        url: '/calos/api/auth/login',
        payload: { login: jack.username, password: jack.password },
      });
      const first = await inject({ method: 'GET', url: '/calos/api/audit?limit=2', headers: jack.headers });
      expect(first.statusCode).toBe(200);
      expect(first.json().items.map((e: { event: string }) => e.event)).toEqual([
        'login.succeeded',
        'login.failed',
      ]);
      const second = await inject({
        method: 'GET',
        url: `/calos/api/audit?limit=2&cursor=${first.json().next_cursor}`,
        headers: jack.headers,
      });
      expect(second.json().items.map((e: { event: string }) => e.event)).toEqual(['account.created']);
      expect(second.json().next_cursor).toBeNull();
      const kate = await given(platform).user();
      const hers = await inject({ method: 'GET', url: '/calos/api/audit', headers: kate.headers });
      expect(hers.json().items.map((e: { event: string }) => e.event)).toEqual(['account.created']);
      const badCursor = await inject({
        method: 'GET',
        url: '/calos/api/audit?cursor=garbage',
        headers: jack.headers,
      });
      expect(badCursor.statusCode).toBe(400);
    });
  });

  describe('tokens', () => {
    it('are refused when missing, malformed or signed by someone else', async () => {
      expect((await inject({ method: 'GET', url: '/calos/api/auth/me' })).json().error.code).toBe(
        'UNAUTHENTICATED',
      );
      const malformed = await inject({
        method: 'GET',
        url: '/calos/api/auth/me',
        headers: { authorization: 'Basic abc' },
      });
      expect(malformed.statusCode).toBe(401);
      const forged =
        'eyJhbGciOiJFZERTQSIsImtpZCI6Im5vcGUifQ.eyJzdWIiOiJ4Iiwic2lkIjoieSIsImV4cCI6OTk5OTk5OTk5OX0.c2lnbmF0dXJl';
      const response = await inject({
        method: 'GET',
        url: '/calos/api/auth/me',
        headers: { authorization: `Bearer ${forged}` },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('TOKEN_INVALID');
    });

    it('are published as a JWKS with a kid per key', async () => {
      const response = await inject({ method: 'GET', url: '/calos/.well-known/jwks.json' });
      const { keys } = response.json();
      expect(keys.length).toBeGreaterThanOrEqual(1);
      expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(keys[0].d).toBeUndefined();
    });
  });
});

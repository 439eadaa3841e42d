// Two-step verification: set up from the otpauth:// URI (codes computed here by RFC 6238 itself,
// not by the library the server uses), the mfa_required step of sign-in, a step of clock drift
// either side, reused codes, recovery codes, remembered browsers, limits, and amr.
import { createHmac } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';

const STEP_MS = 30_000;

/** RFC 4648 base32 (no padding), as otpauth:// URIs carry the secret. */
function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '').toUpperCase())
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((b) => Number.parseInt(b, 2)));
}

/** RFC 6238 TOTP (HMAC-SHA1, 6 digits) for the 30-second step that contains `atMs`. */
function totp(secret: string, atMs: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / STEP_MS)));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = (mac[mac.length - 1] as number) & 0xf;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 1_000_000).padStart(6, '0');
}

describe.each(testEngines())('two-step verification on %s', (engine) => {
  let platform: TestPlatform;
  const inject = (options: InjectOptions) => platform.app.inject(options);

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity'] });
  });
  afterAll(() => platform?.close());

  /** Turns two-step verification on for a new user; the clock stands 10 s into a step. */
  async function userWithTotp(): Promise<{ user: TestUser; secret: string; recoveryCodes: string[] }> {
    const user = await given(platform).user();
    const start = await inject({
      method: 'POST',
      url: '/calos/api/auth/2fa/totp',
      headers: user.headers,
      payload: { password: user.password },
    });
    expect(start.statusCode).toBe(201);
    const uri = new URL(start.json().otpauth_uri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe(`/CALOS:${user.username}`);
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({
      issuer: 'CALOS',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
    expect(start.json().qr_code).toMatch(/^data:image\/png;base64,/);
    const secret = uri.searchParams.get('secret') as string;
    expect(start.json().secret).toBe(secret);

    const now = platform.clock.nowMs();
    const wrong = await inject({
      method: 'POST',
      url: '/calos/api/auth/2fa/totp/confirm',
      headers: user.headers,
      payload: { code: totp(secret, now + 5 * STEP_MS) },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('TOTP_CODE_INVALID');
    const confirm = await inject({
      method: 'POST',
      url: '/calos/api/auth/2fa/totp/confirm',
      headers: user.headers,
      payload: { code: totp(secret, now) },
    });
    expect(confirm.statusCode).toBe(200);
    return { user, secret, recoveryCodes: confirm.json().recovery_codes };
  }

  const login = (user: TestUser, extra: Record<string, unknown> = {}) =>
    inject({
      method: 'POST',
      url: '/calos/api/auth/login',
      payload: { login: user.username, password: user.password, ...extra },
    });
  const challengeFor = async (user: TestUser) => {
    const answer = await login(user);
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ mfa_required: true, methods: ['totp', 'recovery_code'] });
    expect(answer.json()).not.toHaveProperty('access_token');
    return answer.json().mfa_challenge as string;
  };
  const verify = (payload: Record<string, unknown>, remoteAddress?: string) =>
    inject({ method: 'POST', url: '/calos/api/auth/2fa/verify', payload, remoteAddress });

  it('is set up from the otpauth URI and confirmed by a first code; ten recovery codes are shown once', async () => {
    const { user, recoveryCodes } = await userWithTotp();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    const status = await inject({ method: 'GET', url: '/calos/api/auth/2fa', headers: user.headers });
    expect(status.json()).toMatchObject({ totp_enabled: true, recovery_codes_left: 10 });
    // Only hashes are kept.
    const { rows } = await platform.databases
      .get('identity')
      .query<{ code_hash: string }>('SELECT code_hash FROM recovery_codes WHERE user_id = $1', [user.userId]);
    expect(rows.map((r) => r.code_hash)).not.toContain(recoveryCodes[0]);
    expect(JSON.stringify(rows)).not.toContain((recoveryCodes[0] as string).replace(/-/g, ''));
    const again = await inject({
      method: 'POST',
      url: '/calos/api/auth/2fa/totp',
      headers: user.headers,
      payload: { password: user.password },
    });
    expect(again.json().error.code).toBe('TWO_FACTOR_ALREADY_ENABLED');
  });

  it('asks for a code at sign-in; accepts one step of drift either side, never a reused or older code', async () => {
    const { user, secret } = await userWithTotp();
    // About five minutes later, 5 s into a step (so no step ends while the test runs): about ten
    // steps on from the code that confirmed the app.
    const from = platform.clock.nowMs();
    const shift = Math.floor((from + 5 * 60_000) / STEP_MS) * STEP_MS + 5_000 - from;
    platform.clock.advance(shift);
    try {
      const now = platform.clock.nowMs();
      const behind = await verify({ challenge: await challengeFor(user), code: totp(secret, now - STEP_MS) });
      expect(behind.statusCode).toBe(200);
      const claims = decodeJwt(behind.json().access_token);
      expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
      const me = await inject({
        method: 'GET',
        url: '/calos/api/auth/me',
        headers: { authorization: `Bearer ${behind.json().access_token}` },
      });
      expect(me.json().session.amr).toEqual(['pwd', 'otp', 'mfa']);

      const reused = await verify({ challenge: await challengeFor(user), code: totp(secret, now - STEP_MS) });
      expect(reused.statusCode).toBe(401);
      expect(reused.json().error.code).toBe('MFA_CODE_INVALID');

      const challenge = await challengeFor(user);
      const tooFar = await verify({ challenge, code: totp(secret, now + 2 * STEP_MS) });
      expect(tooFar.json().error.code).toBe('MFA_CODE_INVALID');
      const ahead = await verify({ challenge, code: totp(secret, now + STEP_MS) });
      expect(ahead.statusCode).toBe(200);
      // The current step's code is older than the one just used: refused too.
      const older = await verify({ challenge: await challengeFor(user), code: totp(secret, now) });
      expect(older.json().error.code).toBe('MFA_CODE_INVALID');
      // A challenge works once.
      const spent = await verify({ challenge, code: totp(secret, now + STEP_MS) });
      expect(spent.json().error.code).toBe('MFA_CHALLENGE_INVALID');
    } finally {
      platform.clock.advance(-shift);
    }
  });

  it('takes each recovery code once', async () => {
    const { user, recoveryCodes } = await userWithTotp();
    const code = recoveryCodes[3] as string;
    const first = await verify({ challenge: await challengeFor(user), recovery_code: code.toUpperCase() });
    expect(first.statusCode).toBe(200);
    expect(decodeJwt(first.json().access_token).amr).toEqual(['pwd', 'otp', 'mfa']);
    const second = await verify({ challenge: await challengeFor(user), recovery_code: code });
    expect(second.statusCode).toBe(401);
    expect(second.json().error.code).toBe('MFA_CODE_INVALID');
    const status = await inject({
      method: 'GET',
      url: '/calos/api/auth/2fa',
      headers: { authorization: `Bearer ${first.json().access_token}` },
    });
    expect(status.json().recovery_codes_left).toBe(9);
    const audit = await inject({
      method: 'GET',
      url: '/calos/api/audit',
      headers: { authorization: `Bearer ${first.json().access_token}` },
    });
    expect(audit.json().items.map((e: { event: string }) => e.event)).toContain(
      'two_factor.recovery_code_used',
    );

    // New codes replace the old ones.
    const renewed = await inject({
      method: 'POST',
      url: '/calos/api/auth/2fa/recovery-codes',
      headers: { authorization: `Bearer ${first.json().access_token}` },
      payload: { password: user.password },
    });
    expect(renewed.json().recovery_codes).toHaveLength(10);
    const old = await verify({ challenge: await challengeFor(user), recovery_code: recoveryCodes[5] });
    expect(old.json().error.code).toBe('MFA_CODE_INVALID');
  });

  it('remembers a browser when asked, and only that one, until its device is revoked', async () => {
    const { user, recoveryCodes } = await userWithTotp();
    const remembered = await verify({
      challenge: await challengeFor(user),
      recovery_code: recoveryCodes[0],
      remember_device: true,
    });
    const token = remembered.json().trusted_device_token;
    expect(token).toEqual(expect.any(String));
    const skip = await login(user, { trusted_device_token: token });
    expect(skip.json()).toHaveProperty('access_token');
    expect(decodeJwt(skip.json().access_token).amr).toEqual(['pwd']);
    const other = await login(user, { trusted_device_token: 'not-a-token-anyone-got' });
    expect(other.json().mfa_required).toBe(true);
    // Revoking the device forgets that it was trusted.
    const revoke = await inject({
      method: 'DELETE',
      url: `/calos/api/devices/${remembered.json().device_id}`,
      headers: { authorization: `Bearer ${skip.json().access_token}` },
    });
    expect(revoke.statusCode).toBe(204);
    expect((await login(user, { trusted_device_token: token })).json().mfa_required).toBe(true);
  });

  it('counts wrong codes like wrong passwords: a challenge takes five, an account ten, then 429', async () => {
    const { user } = await userWithTotp();
    const challenge = await challengeFor(user);
    for (let i = 0; i < 5; i++) {
      expect((await verify({ challenge, code: '000000' })).json().error.code).toBe('MFA_CODE_INVALID');
    }
    expect((await verify({ challenge, code: '000000' })).json().error.code).toBe('MFA_CHALLENGE_INVALID');
    for (let i = 0; i < 5; i++) {
      await verify({ challenge: await challengeFor(user), code: '000000' });
    }
    const locked = await verify({ challenge: await challengeFor(user), code: '000000' });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(60);
  });

  it('does not let a signed-in session guess the password: ten wrong ones lock the check (429)', async () => {
    const user = await given(platform).user();
    const start = (password: string) =>
      inject({
        method: 'POST',
        url: '/calos/api/auth/2fa/totp',
        headers: user.headers,
        payload: { password },
      });
    for (let i = 0; i < 10; i++)
      expect((await start(`wrong guess ${i}`)).json().error.code).toBe('PASSWORD_INCORRECT');
    const locked = await start(user.password);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('TOO_MANY_ATTEMPTS');
  });

  it('turns off with the password; sign-in then needs only the password; notices land in the dev mailbox', async () => {
    const { user } = await userWithTotp();
    const wrong = await inject({
      method: 'DELETE',
      url: '/calos/api/auth/2fa/totp',
      headers: user.headers,
      payload: { password: 'not the password' },
    });
    expect(wrong.json().error.code).toBe('PASSWORD_INCORRECT');
    const off = await inject({
      method: 'DELETE',
      url: '/calos/api/auth/2fa/totp',
      headers: user.headers,
      payload: { password: user.password },
    });
    expect(off.statusCode).toBe(204);
    expect((await login(user)).json()).toHaveProperty('access_token');

    // Without CALOS_SMTP_URL outside production, mails are written to the data dir and listed.
    const deadline = Date.now() + 10_000;
    let subjects: string[] = [];
    while (Date.now() < deadline) {
      const mailbox = await inject({ method: 'GET', url: '/calos/dev/mail' });
      expect(mailbox.json().mode).toBe('files');
      subjects = mailbox
        .json()
        .items.filter((m: { to: string }) => m.to === user.email)
        .map((m: { subject: string }) => m.subject);
      if (subjects.includes('Two-step verification was turned off')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(subjects).toEqual(
      expect.arrayContaining([
        'Two-step verification was turned on',
        'Two-step verification was turned off',
        'Confirm your email for CALOS',
      ]),
    );
    const listed = (await inject({ method: 'GET', url: '/calos/dev/mail' })).json().items[0];
    const raw = await inject({ method: 'GET', url: `/calos/dev/mail/${listed.id}` });
    expect(raw.headers['content-type']).toContain('message/rfc822');
    expect(raw.body).toContain(`Subject: ${listed.subject}`);
  });
});

describe('the API documentation', () => {
  it('documents recovery, two-step verification, passkeys and mail preferences', async () => {
    const platform = await startTestPlatform(testEngines()[0] ?? 'pglite', { services: ['identity'] });
    try {
      const document = (await platform.app.inject({ method: 'GET', url: '/calos/openapi.json' })).json();
      for (const [path, method] of [
        ['/api/auth/password/forgot', 'post'],
        ['/api/auth/password/reset', 'post'],
        ['/api/auth/email/verify', 'post'],
        ['/api/account/email', 'post'],
        ['/api/auth/2fa/totp', 'post'],
        ['/api/auth/2fa/verify', 'post'],
        ['/api/auth/passkeys/login/options', 'post'],
        ['/api/auth/passkeys/{passkeyId}', 'patch'],
        ['/api/account/mail', 'put'],
        ['/api/mail/unsubscribe', 'post'],
      ] as const) {
        expect(document.paths[path]?.[method]?.summary, `${method} ${path}`).toBeTruthy();
      }
      expect(document.paths['/api/auth/password/forgot'].post.description).toContain('whether or not');
    } finally {
      await platform.close();
    }
  });
});

describe.each(testEngines())('the development mailbox in production on %s', (engine) => {
  it('is refused, and mails wait for a relay with a notice', async () => {
    const platform = await startTestPlatform(engine, {
      services: ['identity'],
      env: {
        NODE_ENV: 'production',
        LOG_LEVEL: 'silent',
        CALOS_MASTER_KEY: 'ab'.repeat(32),
        CALOS_ISSUER: 'https://calos.example.com/calos',
      },
    });
    try {
      const answer = await platform.app.inject({ method: 'GET', url: '/calos/dev/mail' });
      expect(answer.statusCode).toBe(403);
      expect(answer.json().error.code).toBe('DEV_MAIL_REFUSED');
      expect(platform.notices().join(' ')).toContain('CALOS_SMTP_URL is not set');
    } finally {
      await platform.close();
    }
  });
});

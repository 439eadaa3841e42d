// Account recovery and the mail channel end to end: the platform sends through nodemailer to a
// real SMTP server on loopback, and the tests read what arrives with mailparser, as a person
// would: reset links, verification, email change, notices, unsubscribing, retries.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given, type TestUser } from '../../../test/support/given.ts';
import { startTestMailbox, type TestMailbox } from '../../../test/support/mail.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';

const MINUTE = 60_000;

describe.each(testEngines())('account recovery and mail on %s', (engine) => {
  let platform: TestPlatform;
  let mailbox: TestMailbox;
  const inject = (options: InjectOptions) => platform.app.inject(options);
  const db = () => platform.databases.get('identity');

  beforeAll(async () => {
    mailbox = await startTestMailbox();
    platform = await startTestPlatform(engine, {
      services: ['identity', 'hollowtown'],
      env: { CALOS_SMTP_URL: mailbox.url, CALOS_MAIL_FROM: 'CALOS <no-reply@calos.test>' },
    });
  });
  afterAll(async () => {
    await platform?.close();
    await mailbox?.close();
  });

  /** Waits until the mailer has read every outbox event and no delivery is due. */
  async function mailSettled() {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows } = await db().query<{ behind: boolean; due: number }>(
        `SELECT (SELECT COALESCE(max(event_id), 0) FROM outbox) >
                COALESCE((SELECT last_event_id FROM outbox_cursors WHERE consumer = 'identity-mail'), 0) AS behind,
                (SELECT count(*)::int FROM mail_deliveries WHERE status IN ('pending', 'sending')
                   AND next_attempt_at <= $1) AS due`,
        [platform.clock.now()],
      );
      if (!rows[0]?.behind && rows[0]?.due === 0) return;
      if (Date.now() > deadline) throw new Error('the mail queue did not settle');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const tokenOf = (link: string | undefined) => new URL(link ?? 'http://x/').searchParams.get('token') ?? '';
  const linkTo = (mail: { links: string[] }, view: string) =>
    mail.links.find((l) => l.includes(`/account/${view}?`));

  const forgot = (login: string, remoteAddress = '10.0.0.1') =>
    inject({ method: 'POST', url: '/calos/api/auth/password/forgot', payload: { login }, remoteAddress });

  async function resetLinkFor(user: TestUser, since = mailbox.received.length) {
    const answer = await forgot(user.username);
    expect(answer.statusCode).toBe(202);
    const mail = await mailbox.waitFor(
      (m) => m.to === user.email && m.subject === 'Reset your CALOS password',
      {
        since,
      },
    );
    return { mail, token: tokenOf(linkTo(mail, 'reset-password')) };
  }

  describe('password reset', () => {
    it('mails a single-use link that sets the password and ends every session and device, in every service', async () => {
      const alice = await given(platform).user();
      const phone = await inject({
        method: 'POST',
        url: '/calos/api/auth/login',
        payload: {
          login: alice.username,
          password: alice.password,
          device_type: 'mobile',
          device_fingerprint: 'phone-1',
        },
      });
      expect(phone.statusCode).toBe(200);
      const phoneHeaders = { authorization: `Bearer ${phone.json().access_token}` };
      const hollowtown = (headers: Record<string, string>) =>
        inject({ method: 'GET', url: '/hollowtown/api/recipes/spooky', headers });
      expect((await hollowtown(alice.headers)).statusCode).toBe(200);

      const { mail, token } = await resetLinkFor(alice);
      const link = linkTo(mail, 'reset-password') as string;
      expect(new URL(link).pathname).toBe('/account/reset-password');
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(mail.from).toContain('no-reply@calos.test');
      expect(mail.html).toContain('Choose a new password');
      expect(mail.text).toContain('30 minutes');
      // Security mails cannot be unsubscribed from.
      expect(mail.headers.has('list-unsubscribe')).toBe(false);
      // Only a hash of the token is kept.
      const stored = await db().query('SELECT token_hash FROM account_tokens WHERE token_hash = $1', [token]);
      expect(stored.rows).toHaveLength(0);

      // A password the policy refuses leaves the link usable.
      const weak = await inject({
        method: 'POST',
        url: '/calos/api/auth/password/reset',
        payload: { token, password: alice.username },
      });
      expect(weak.statusCode).toBe(400);
      expect(weak.json().error.code).toBe('PASSWORD_TOO_WEAK');

      const since = mailbox.received.length;
      const reset = await inject({
        method: 'POST',
        url: '/calos/api/auth/password/reset',
        payload: { token, password: 'a whole new pass phrase' },
      });
      expect(reset.statusCode).toBe(200);
      expect(reset.json().sessions_ended).toBeGreaterThanOrEqual(2);

      // Every session ends at once: identity and Hollowtown refuse both old tokens.
      for (const headers of [alice.headers, phoneHeaders]) {
        const deadline = Date.now() + 2_000;
        let answer = await hollowtown(headers);
        while (answer.statusCode !== 401 && Date.now() < deadline) answer = await hollowtown(headers);
        expect(answer.statusCode).toBe(401);
        expect(answer.json().error.code).toBe('SESSION_ENDED');
        const me = await inject({ method: 'GET', url: '/calos/api/auth/me', headers });
        expect(me.json().error.code).toBe('SESSION_ENDED');
      }
      const refresh = await inject({
        method: 'POST',
        url: '/calos/api/auth/refresh',
        payload: { refresh_token: alice.refreshToken },
      });
      expect(refresh.statusCode).toBe(401);
      const devices = await db().query<{ revoked_at: Date | null }>(
        'SELECT revoked_at FROM user_devices WHERE user_id = $1',
        [alice.userId],
      );
      expect(devices.rows.length).toBeGreaterThanOrEqual(2);
      expect(devices.rows.every((d) => d.revoked_at !== null)).toBe(true);

      // The link works once; the old password is gone, the new one signs in.
      const again = await inject({
        method: 'POST',
        url: '/calos/api/auth/password/reset',
        payload: { token, password: 'yet another pass phrase' },
      });
      expect(again.statusCode).toBe(400);
      expect(again.json().error.code).toBe('RESET_TOKEN_INVALID');
      const old = await inject({
        method: 'POST',
        url: '/calos/api/auth/login',
        payload: { login: alice.username, password: alice.password },
      });
      expect(old.statusCode).toBe(401);
      const fresh = await inject({
        method: 'POST',
        url: '/calos/api/auth/login',
        payload: { login: alice.email, password: 'a whole new pass phrase' },
      });
      expect(fresh.statusCode).toBe(200);

      const notice = await mailbox.waitFor(
        (m) => m.to === alice.email && m.subject === 'Your CALOS password was changed',
        {
          since,
        },
      );
      expect(notice.text).toContain('reset with a link mailed to you');
      const audit = await inject({
        method: 'GET',
        url: '/calos/api/audit',
        headers: { authorization: `Bearer ${fresh.json().access_token}` },
      });
      const events = audit.json().items.map((e: { event: string }) => e.event);
      expect(events).toContain('password.reset');
      expect(events).toContain('password.reset_requested');
    });

    it('refuses a link after 30 minutes (the clock moved on), and a newer link replaces an older one', async () => {
      const bob = await given(platform).user();
      const first = await resetLinkFor(bob);
      const second = await resetLinkFor(bob);
      const replaced = await inject({
        method: 'POST',
        url: '/calos/api/auth/password/reset',
        payload: { token: first.token, password: 'a whole new pass phrase' },
      });
      expect(replaced.json().error.code).toBe('RESET_TOKEN_INVALID');

      platform.clock.advance(31 * MINUTE);
      try {
        const late = await inject({
          method: 'POST',
          url: '/calos/api/auth/password/reset',
          payload: { token: second.token, password: 'a whole new pass phrase' },
        });
        expect(late.statusCode).toBe(400);
        expect(late.json().error.code).toBe('RESET_TOKEN_INVALID');
      } finally {
        platform.clock.advance(-31 * MINUTE);
      }
      // Within its half hour the same link works.
      platform.clock.advance(29 * MINUTE);
      try {
        const inTime = await inject({
          method: 'POST',
          url: '/calos/api/auth/password/reset',
          payload: { token: second.token, password: 'a whole new pass phrase' },
        });
        expect(inTime.statusCode).toBe(200);
      } finally {
        platform.clock.advance(-29 * MINUTE);
      }
    });

    it('answers an unknown login exactly as a known one, after the same work, and mails nobody', async () => {
      const carol = await given(platform).user();
      await mailSettled();
      const eventsBefore = await db().query<{ id: number }>(
        'SELECT COALESCE(max(event_id), 0)::int AS id FROM outbox',
      );
      const since = mailbox.received.length;

      const known = await forgot(carol.username, '10.0.1.1');
      const afterKnown = await db().query<{ id: number }>(
        'SELECT COALESCE(max(event_id), 0)::int AS id FROM outbox',
      );
      const unknown = await forgot('nobody_by_this_name@example.test', '10.0.1.2');

      // The same status, body and headers (apart from the request's own id and date).
      const comparable = (headers: Record<string, unknown>) => {
        const { 'x-request-id': _id, date: _date, 'content-length': _length, ...rest } = headers;
        return rest;
      };
      expect(unknown.statusCode).toBe(202);
      expect(known.statusCode).toBe(202);
      expect(unknown.json()).toEqual(known.json());
      expect(unknown.body.length).toBe(known.body.length);
      expect(comparable(unknown.headers)).toEqual(comparable(known.headers));

      // The same work: each request wrote exactly one outbox event of the same shape (sealed, so
      // other services reading the outbox learn nothing of the login either).
      const written = await db().query<{ event_id: number; topic: string; payload: Record<string, unknown> }>(
        'SELECT event_id::int, topic, payload FROM outbox WHERE event_id > $1 ORDER BY event_id',
        [eventsBefore.rows[0]?.id],
      );
      const byKnown = written.rows.filter((e) => e.event_id <= (afterKnown.rows[0]?.id ?? 0));
      const byUnknown = written.rows.filter((e) => e.event_id > (afterKnown.rows[0]?.id ?? 0));
      expect(byKnown.map((e) => e.topic)).toEqual(['password.reset_requested']);
      expect(byUnknown.map((e) => e.topic)).toEqual(['password.reset_requested']);
      expect(Object.keys(byUnknown[0]?.payload ?? {})).toEqual(Object.keys(byKnown[0]?.payload ?? {}));
      expect(JSON.stringify(byUnknown[0]?.payload)).not.toContain('nobody_by_this_name');

      // Afterwards the mailer mails the account, and nobody for the unknown login.
      await mailbox.waitFor((m) => m.to === carol.email, { since });
      await mailSettled();
      expect(mailbox.received.slice(since).map((m) => m.to)).toEqual([carol.email]);
    });

    it('limits requests per address (429) and links per account (the same 202, no more mails)', async () => {
      const dave = await given(platform).user();
      const since = mailbox.received.length;
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await forgot(dave.username, `10.0.2.${i}`));
      expect(answers.map((a) => a.statusCode)).toEqual([202, 202, 202, 202, 202, 202]);
      expect(new Set(answers.map((a) => a.body)).size).toBe(1);
      await mailSettled();
      const links = mailbox.received
        .slice(since)
        .filter((m) => m.to === dave.email && m.subject.startsWith('Reset'));
      expect(links).toHaveLength(5);

      const statuses = [];
      for (let i = 0; i < 21; i++) statuses.push((await forgot(`someone${i}`, '10.0.3.1')).statusCode);
      expect(statuses.slice(0, 20).every((s) => s === 202)).toBe(true);
      const refused = await forgot('someone', '10.0.3.1');
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe('TOO_MANY_REQUESTS');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    });
  });

  describe('the address', () => {
    it('is confirmed at sign-up with the mailed link, and the account says so', async () => {
      const since = mailbox.received.length;
      const erin = await given(platform).user();
      const me = async () =>
        (await inject({ method: 'GET', url: '/calos/api/auth/me', headers: erin.headers })).json().user;
      expect((await me()).email_verified).toBe(false);
      const mail = await mailbox.waitFor(
        (m) => m.to === erin.email && m.subject === 'Confirm your email for CALOS',
        {
          since,
        },
      );
      const token = tokenOf(linkTo(mail, 'verify-email'));
      const verify = await inject({
        method: 'POST',
        url: '/calos/api/auth/email/verify',
        payload: { token },
      });
      expect(verify.statusCode).toBe(200);
      expect(verify.json()).toEqual({ email: erin.email, email_verified: true, changed: false });
      expect((await me()).email_verified).toBe(true);
      const login = await inject({
        method: 'POST',
        url: '/calos/api/auth/login',
        payload: { login: erin.username, password: erin.password },
      });
      expect(login.json().user.email_verified).toBe(true);
      const again = await inject({ method: 'POST', url: '/calos/api/auth/email/verify', payload: { token } });
      expect(again.json().error.code).toBe('VERIFY_TOKEN_INVALID');
      const resend = await inject({
        method: 'POST',
        url: '/calos/api/auth/email/verify/resend',
        headers: erin.headers,
      });
      expect(resend.json().error.code).toBe('EMAIL_ALREADY_VERIFIED');
    });

    it('changes only once the new address confirms, and the old address is told', async () => {
      const frank = await given(platform).user();
      const other = await given(platform).user();
      const newEmail = `new.${frank.username}@example.test`;
      const change = (payload: object) =>
        inject({ method: 'POST', url: '/calos/api/account/email', headers: frank.headers, payload });

      expect((await change({ email: newEmail, password: 'not the password' })).json().error.code).toBe(
        'PASSWORD_INCORRECT',
      );
      expect(
        (await change({ email: other.email.toUpperCase(), password: frank.password })).json().error.code,
      ).toBe('EMAIL_TAKEN');
      expect((await change({ email: frank.email, password: frank.password })).json().error.code).toBe(
        'EMAIL_UNCHANGED',
      );

      const since = mailbox.received.length;
      const asked = await change({ email: newEmail, password: frank.password });
      expect(asked.statusCode).toBe(202);
      expect(asked.json()).toEqual({ email: frank.email, pending_email: newEmail });

      const toNew = await mailbox.waitFor((m) => m.to === newEmail, { since });
      expect(toNew.subject).toBe('Confirm your new email for CALOS');
      const toOld = await mailbox.waitFor(
        (m) => m.to === frank.email && m.subject.includes('being changed'),
        {
          since,
        },
      );
      expect(toOld.text).toContain(newEmail);
      await mailSettled();
      const status = await inject({ method: 'GET', url: '/calos/api/account/email', headers: frank.headers });
      expect(status.json()).toEqual({ email: frank.email, email_verified: false, pending_email: newEmail });

      const verify = await inject({
        method: 'POST',
        url: '/calos/api/auth/email/verify',
        payload: { token: tokenOf(linkTo(toNew, 'verify-email')) },
      });
      expect(verify.json()).toEqual({ email: newEmail, email_verified: true, changed: true });
      const me = await inject({ method: 'GET', url: '/calos/api/auth/me', headers: frank.headers });
      expect(me.json().user).toMatchObject({ email: newEmail, email_verified: true });
      const byNewEmail = await inject({
        method: 'POST',
        url: '/calos/api/auth/login',
        payload: { login: newEmail, password: frank.password },
      });
      expect(byNewEmail.statusCode).toBe(200);
    });
  });

  describe('notices', () => {
    it('mails "new sign-in" for a device never seen before, not for one it knows', async () => {
      const gina = await given(platform).user();
      const signIn = (fingerprint: string) =>
        inject({
          method: 'POST',
          url: '/calos/api/auth/login',
          headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36' },
          payload: { login: gina.username, password: gina.password, device_fingerprint: fingerprint },
          remoteAddress: '203.0.113.9',
        });
      const since = mailbox.received.length;
      expect((await signIn('laptop-1')).statusCode).toBe(200);
      const notice = await mailbox.waitFor(
        (m) => m.to === gina.email && m.subject === 'New sign-in to your CALOS account',
        {
          since,
        },
      );
      expect(notice.text).toContain('Chrome on Linux');
      expect(notice.text).toContain('203.0.113.9');
      await mailSettled();
      const count = () => mailbox.to(gina.email).filter((m) => m.subject.startsWith('New sign-in')).length;
      const before = count();
      expect((await signIn('laptop-1')).statusCode).toBe(200);
      await mailSettled();
      expect(count()).toBe(before);
    });

    it('mails "new sign-in" when a device is paired to the account (RFC 8628 approval)', async () => {
      const ivy = await given(platform).user();
      const start = await inject({
        method: 'POST',
        url: '/calos/api/devices/pair/start',
        payload: { device_type: 'voice', device_name: 'Kitchen speaker', device_fingerprint: 'speaker-1' },
      });
      expect(start.statusCode).toBe(200);
      const since = mailbox.received.length;
      const approve = await inject({
        method: 'POST',
        url: '/calos/api/devices/pair',
        headers: ivy.headers,
        payload: { user_code: start.json().user_code },
        remoteAddress: '198.51.100.7',
      });
      expect(approve.statusCode).toBe(200);
      const notice = await mailbox.waitFor(
        (m) => m.to === ivy.email && m.subject === 'New sign-in to your CALOS account',
        { since },
      );
      expect(notice.text).toContain('Kitchen speaker');
      expect(notice.text).toContain('198.51.100.7');
    });

    it('lets people stop optional mails with the link in them (RFC 8058 one-click too); security notices stay', async () => {
      const hank = await given(platform).user();
      const buy = () =>
        inject({
          method: 'POST',
          url: '/calos/api/credits/purchase',
          headers: { ...hank.headers, 'idempotency-key': crypto.randomUUID() },
          payload: { package: 'starter', provider: 'dev' },
        });
      const since = mailbox.received.length;
      expect((await buy()).statusCode).toBe(200);
      const receipt = await mailbox.waitFor(
        (m) => m.to === hank.email && m.subject === 'Your CALOS credits receipt',
        {
          since,
        },
      );
      expect(receipt.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      const oneClick = /<([^>]+)>/.exec(receipt.headers.get('list-unsubscribe') ?? '')?.[1] ?? '';
      expect(oneClick).toMatch(/\/calos\/api\/mail\/unsubscribe\?token=/);
      const unsubscribePage = linkTo(receipt, 'unsubscribe');
      expect(unsubscribePage).toBeDefined();

      // What a link does is told without doing it (the console asks first).
      const described = await inject({
        method: 'GET',
        url: `/calos/api/mail/unsubscribe?token=${tokenOf(unsubscribePage)}`,
      });
      expect(described.json()).toMatchObject({ category: 'receipts' });
      const url = new URL(oneClick);
      const post = await inject({
        method: 'POST',
        url: `${url.pathname}${url.search}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(post.statusCode).toBe(200);
      expect(post.json()).toMatchObject({ category: 'receipts', enabled: false });
      const preferences = await inject({
        method: 'GET',
        url: '/calos/api/account/mail',
        headers: hank.headers,
      });
      expect(preferences.json().categories).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ category: 'receipts', enabled: false, optional: true }),
          expect.objectContaining({ category: 'security', enabled: true, optional: false }),
        ]),
      );

      const sinceStop = mailbox.received.length;
      expect((await buy()).statusCode).toBe(200);
      await mailSettled();
      expect(mailbox.received.slice(sinceStop).filter((m) => m.to === hank.email)).toHaveLength(0);

      // Security notices cannot be turned off; a forged link is refused.
      const refuse = await inject({
        method: 'PUT',
        url: '/calos/api/account/mail',
        headers: hank.headers,
        payload: { categories: { security: false } },
      });
      expect(refuse.statusCode).toBe(400);
      expect(refuse.json().error.code).toBe('MAIL_CATEGORY_NOT_OPTIONAL');
      const forged = await inject({ method: 'POST', url: '/calos/api/mail/unsubscribe?token=abc.def' });
      expect(forged.json().error.code).toBe('UNSUBSCRIBE_TOKEN_INVALID');
      // And back on from the console.
      const on = await inject({
        method: 'PUT',
        url: '/calos/api/account/mail',
        headers: hank.headers,
        payload: { categories: { receipts: true } },
      });
      expect(on.json().categories).toEqual(
        expect.arrayContaining([expect.objectContaining({ category: 'receipts', enabled: true })]),
      );
    });
  });

  describe('the queue', () => {
    it('retries a mail the relay refused, after a backoff, and delivers it once with one Message-ID', async () => {
      const ivy = await given(platform).user();
      await mailbox.waitFor((m) => m.to === ivy.email);
      await mailSettled();
      mailbox.refuseNext(1);
      const since = mailbox.received.length;
      const resend = await inject({
        method: 'POST',
        url: '/calos/api/auth/email/verify/resend',
        headers: ivy.headers,
      });
      expect(resend.statusCode).toBe(202);
      // Refused once: it waits for its retry.
      const deadline = Date.now() + 10_000;
      let row: { status: string; attempts: number; last_error: string | null } | undefined;
      for (;;) {
        const { rows } = await db().query<{ status: string; attempts: number; last_error: string | null }>(
          `SELECT status, attempts, last_error FROM mail_deliveries WHERE user_id = $1 AND kind = 'email_verify'
           ORDER BY delivery_id DESC LIMIT 1`,
          [ivy.userId],
        );
        row = rows[0];
        if ((row?.attempts ?? 0) >= 1 && row?.status === 'pending') break;
        if (Date.now() > deadline) throw new Error(`not retried: ${JSON.stringify(row)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(row?.last_error).toContain('451');
      expect(mailbox.received.slice(since).filter((m) => m.to === ivy.email)).toHaveLength(0);

      platform.clock.advance(MINUTE);
      try {
        const mail = await mailbox.waitFor((m) => m.to === ivy.email, { since });
        await mailSettled();
        const copies = mailbox.received.filter((m) => m.messageId === mail.messageId);
        expect(copies).toHaveLength(1);
        const { rows } = await db().query<{
          status: string;
          attempts: number;
          data: Record<string, unknown>;
        }>(
          `SELECT status, attempts, data FROM mail_deliveries WHERE user_id = $1 AND kind = 'email_verify'
           ORDER BY delivery_id DESC LIMIT 1`,
          [ivy.userId],
        );
        expect(rows[0]).toMatchObject({ status: 'sent', attempts: 2 });
        // Once sent, the link's token is no longer kept, even sealed.
        expect(rows[0]?.data).not.toHaveProperty('sealed');
      } finally {
        platform.clock.advance(-MINUTE);
      }
    });

    it('sends one mail per event even when the mailer reads its events again (a restart before acknowledging)', async () => {
      const jack = await given(platform).user();
      await mailbox.waitFor((m) => m.to === jack.email);
      await mailSettled();
      const before = mailbox.to(jack.email).length;
      // As if the mailer had died before acknowledging its last 20 events.
      await db().query(
        `UPDATE outbox_cursors SET last_event_id = GREATEST(last_event_id - 20, 0) WHERE consumer = 'identity-mail'`,
      );
      await mailSettled();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(mailbox.to(jack.email)).toHaveLength(before);
    });
  });
});

/// <reference lib="dom" />
// Account security in the console, in Debian's Chromium, with mail through a real SMTP server on
// loopback: a forgotten password recovered from the mailed link, the address confirmed, two-step
// verification set up and asked for at sign-in (a code, a recovery code, a remembered browser),
// passkeys added and used to sign in (a CDP virtual authenticator), the app sign-in through the
// console with a passkey, mail choices and unsubscribing; every page checked with axe.
import * as OTPAuth from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMailbox, type TestMailbox } from '../support/mail.ts';
import {
  hasChromium,
  launchChromium,
  newContext,
  newUser,
  seriousViolations,
  settled,
  signUpOnAccount,
  startWebPlatform,
  type TestUser,
  visible,
  type WebPlatform,
} from './support.ts';

describe.skipIf(!hasChromium)('web: account security in the console', () => {
  let web: WebPlatform;
  let browser: Browser;
  let mailbox: TestMailbox;

  beforeAll(async () => {
    mailbox = await startTestMailbox();
    [web, browser] = await Promise.all([
      startWebPlatform({
        CALOS_SMTP_URL: mailbox.url,
        CALOS_MAIL_FROM: 'CALOS <no-reply@calos.test>',
        LOG_LEVEL: 'error',
      }),
      launchChromium(),
    ]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await mailbox?.close();
  });

  const axeClean = async (page: Page) => {
    await settled(page);
    expect(await seriousViolations(page)).toEqual([]);
  };
  const linkIn = (text: string, view: string) =>
    (text.match(/https?:\/\/\S+/g) ?? []).find((link) => link.includes(`/account/${view}?`)) as string;

  /** Signs out from the header, then opens the console's front page (its sign-in form). */
  async function signOut(page: Page) {
    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForFunction(
      () => !(document.querySelector('.user-menu')?.textContent ?? '').includes('Signed in as'),
    );
    await page.goto(web.at('account', '/account/'));
    await visible(page.getByRole('form', { name: 'Sign in' }));
  }

  async function passwordSignIn(page: Page, user: TestUser, password = user.password) {
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.getByLabel('Username or email').fill(user.username);
    await form.getByLabel('Password').fill(password);
    await form.getByRole('button', { name: 'Sign in' }).click();
  }

  it('recovers a forgotten password from the mailed link, and confirms the address from its link', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const user = newUser('reset');
    await signUpOnAccount(page, web, user);
    await visible(page.getByRole('status').getByText('Please confirm your email'));

    // The confirmation link from the sign-up mail.
    const welcome = await mailbox.waitFor(
      (m) => m.to === user.email && m.subject === 'Confirm your email for CALOS',
    );
    await page.goto(linkIn(welcome.text, 'verify-email'));
    await visible(page.getByRole('status').getByText(`Thank you: ${user.email} is confirmed.`));
    await axeClean(page);

    await signOut(page);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Forgot your password?' }));
    await axeClean(page);
    const since = mailbox.received.length;
    await page.getByLabel('Username or email').fill(user.username);
    await page.getByRole('button', { name: 'Mail me a link' }).click();
    await visible(page.getByRole('status').getByText('If an account has that username or email'));

    const mail = await mailbox.waitFor(
      (m) => m.to === user.email && m.subject === 'Reset your CALOS password',
      {
        since,
      },
    );
    const link = linkIn(mail.text, 'reset-password');
    expect(new URL(link).host).toBe(new URL(web.at('account')).host);
    await page.goto(link);
    await visible(page.getByRole('heading', { level: 1, name: 'Choose a new password' }));
    await axeClean(page);
    const form = page.getByRole('form', { name: 'Choose a new password' });
    await form.getByLabel('New password', { exact: true }).fill('a brand new pass phrase');
    await form.getByLabel('Confirm new password').fill('a brand new pass phrose');
    await form.getByRole('button', { name: 'Set new password' }).click();
    await visible(form.getByRole('alert').getByText('The two passwords are not the same.'));
    await form.getByLabel('Confirm new password').fill('a brand new pass phrase');
    await form.getByRole('button', { name: 'Set new password' }).click();
    await visible(page.getByRole('status').getByText('Your password has been changed.'));
    await axeClean(page);

    // The link worked once.
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill('yet another pass phrase');
    await page.getByLabel('Confirm new password').fill('yet another pass phrase');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await visible(
      page.getByRole('alert').getByText('This password reset link is unknown, expired or already used'),
    );

    await page.goto(web.at('account', '/account/'));
    await passwordSignIn(page, user, 'a brand new pass phrase');
    await visible(page.getByRole('heading', { level: 1, name: /^Hello,/ }));
    await context.close();
  });

  it('sets up two-step verification; sign-in then asks for a code, a recovery code works once, a browser can be remembered', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const user = newUser('totp');
    await signUpOnAccount(page, web, user);

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Security', exact: true })
      .click();
    await visible(page.getByRole('heading', { level: 1, name: 'Security' }));
    await axeClean(page);
    await page.getByRole('link', { name: 'Turn on two-step verification' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Two-step verification' }));
    await axeClean(page);
    await page.getByLabel('Your password').fill(user.password);
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await visible(page.getByRole('img', { name: 'QR code of the key for your authenticator app' }));
    await axeClean(page);
    const secret = (await page.getByTestId('totp-secret').textContent()) as string;
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
    await page.getByLabel('Code from your app').fill(totp.generate());
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' });
    await visible(codes);
    const recovery = (await codes.getByRole('listitem').allTextContents()).map((c) => c.trim());
    expect(recovery).toHaveLength(10);
    await axeClean(page);
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await visible(page.getByText('Two-step verification is on.', { exact: true }));

    // Signing in now asks for a code (the next step's: the one used to confirm works once).
    await signOut(page);
    await passwordSignIn(page, user);
    const step = page.getByRole('form', { name: 'Two-step verification' });
    await visible(step);
    await axeClean(page);
    await step.getByLabel('Code from your app').fill('000000');
    await step.getByRole('button', { name: 'Verify' }).click();
    await visible(step.getByRole('alert').getByText('That code is not right'));
    await step.getByLabel('Code from your app').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await step.getByLabel('Remember this browser for 30 days').check();
    await step.getByRole('button', { name: 'Verify' }).click();
    await visible(page.getByRole('heading', { level: 1, name: /^Hello,/ }));

    // This browser is remembered: the password alone signs in here.
    await signOut(page);
    await passwordSignIn(page, user);
    await visible(page.getByRole('heading', { level: 1, name: /^Hello,/ }));

    // Another browser is not; it signs in with a recovery code, once.
    const other = await newContext(browser);
    const elsewhere = await other.newPage();
    await elsewhere.goto(web.at('account', '/account/'));
    for (const attempt of [1, 2]) {
      await passwordSignIn(elsewhere, user);
      const otherStep = elsewhere.getByRole('form', { name: 'Two-step verification' });
      await otherStep.getByRole('button', { name: 'Use a recovery code instead' }).click();
      await otherStep.getByLabel('Recovery code').fill(recovery[0] as string);
      await otherStep.getByRole('button', { name: 'Verify' }).click();
      if (attempt === 1) {
        await visible(elsewhere.getByRole('heading', { level: 1, name: /^Hello,/ }));
        await signOut(elsewhere);
      } else {
        await visible(
          otherStep.getByRole('alert').getByText('That code is not right, or it was already used'),
        );
      }
    }
    await other.close();
    await context.close();
  });

  async function withAuthenticator(context: BrowserContext, page: Page) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    return { cdp, authenticatorId };
  }

  it('adds passkeys, names them, signs in with one instead of a password (in an app too), and removes one', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const { cdp, authenticatorId } = await withAuthenticator(context, page);
    const user = newUser('passkey');
    await signUpOnAccount(page, web, user);

    await page.goto(web.at('account', '/account/passkeys'));
    await visible(page.getByRole('heading', { level: 1, name: 'Passkeys' }));
    await visible(page.getByText('No passkeys yet.'));
    await axeClean(page);
    const add = page.getByRole('form', { name: 'Add a passkey' });
    await add.getByLabel('Name (optional)').fill('Laptop');
    await add.getByLabel('Your password').fill(user.password);
    await add.getByRole('button', { name: 'Add a passkey' }).click();
    await visible(page.getByRole('status').getByText('“Laptop” is added.'));
    await add.getByLabel('Your password').fill(user.password);
    await add.getByRole('button', { name: 'Add a passkey' }).click();
    // The same authenticator cannot hold two passkeys of one account (excludeCredentials).
    await visible(add.getByRole('alert'));
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.isResidentCredential).toBe(true);
    expect(credentials[0]?.rpId).toBe('account.localhost');

    const list = page.getByRole('list', { name: 'Passkeys' });
    await list.getByRole('button', { name: 'Rename passkey Laptop' }).click();
    await list.getByLabel('New name').fill('Work laptop');
    await list.getByRole('button', { name: 'Save name' }).click();
    await visible(list.getByText('Work laptop'));
    await axeClean(page);

    // Signed out, the passkey signs in without the password.
    await signOut(page);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await visible(page.getByRole('heading', { level: 1, name: /^Hello,/ }));
    await page.goto(web.at('account', '/account/security'));
    await visible(page.getByRole('cell', { name: 'Signed in with a passkey' }).first());
    await axeClean(page);

    // An app signs in through the console: the same passkey serves it.
    await signOut(page);
    await page.goto(web.at('hollowtown', '/recipes'));
    await visible(page.getByRole('heading', { level: 1, name: /Sign in to continue to Hollowtown/ }));
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForFunction(
      (host) =>
        location.hostname === host &&
        !location.search.includes('code=') &&
        (document.querySelector('.user-menu')?.textContent ?? '').includes('Signed in as'),
      'hollowtown.localhost',
    );

    // Removed, it no longer signs in.
    await page.goto(web.at('account', '/account/passkeys'));
    await list.getByRole('button', { name: 'Remove passkey Work laptop' }).click();
    await page.getByRole('button', { name: 'Remove passkey', exact: true }).click();
    await visible(page.getByRole('status').getByText('“Work laptop” is removed'));
    await signOut(page);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await visible(page.getByRole('alert').getByText('does not belong to any CALOS account'));
    await axeClean(page);
    await context.close();
  });

  it('shows the address and mail choices, changes the email, and stops optional mails from the link in one', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const user = newUser('mail');
    await signUpOnAccount(page, web, user);

    // Buying credits mails a receipt, an optional kind with an unsubscribe link.
    await page.goto(web.at('account', '/account/credits'));
    await page.getByRole('button', { name: 'Buy', exact: true }).click();
    await visible(page.getByRole('status').getByText('Added 500 credits'));
    const receipt = await mailbox.waitFor(
      (m) => m.to === user.email && m.subject === 'Your CALOS credits receipt',
    );
    await page.goto(linkIn(receipt.text, 'unsubscribe'));
    await visible(page.getByText('Stop getting “Receipts for credits and plan changes” from CALOS?'));
    await axeClean(page);
    await page.getByRole('button', { name: 'Stop these mails' }).click();
    await visible(page.getByRole('status').getByText('You will no longer get'));

    await page.goto(web.at('account', '/account/email'));
    await visible(page.getByRole('heading', { level: 1, name: 'Email' }));
    await visible(page.getByText('Not confirmed yet'));
    const receipts = page.getByLabel('Receipts for credits and plan changes');
    await visible(receipts);
    expect(await receipts.isChecked()).toBe(false);
    expect(await page.getByLabel(/^Security notices/).isDisabled()).toBe(true);
    await axeClean(page);

    const since = mailbox.received.length;
    const change = page.getByRole('form', { name: 'Change your email' });
    const newEmail = `moved.${user.email}`;
    await change.getByLabel('New email').fill(newEmail);
    await change.getByLabel('Your password').fill(user.password);
    await change.getByRole('button', { name: 'Change email' }).click();
    await visible(page.getByRole('status').getByText(`We mailed a link to ${newEmail}`));
    const toNew = await mailbox.waitFor((m) => m.to === newEmail, { since });
    await mailbox.waitFor((m) => m.to === user.email && m.subject.includes('being changed'), { since });
    await page.goto(linkIn(toNew.text, 'verify-email'));
    await visible(page.getByRole('status').getByText(`Your CALOS account’s email is now ${newEmail}`));
    await page.goto(web.at('account', '/account/email'));
    await visible(page.getByText(newEmail, { exact: true }));
    await visible(page.getByText('Confirmed', { exact: true }));
    await context.close();
  });
});

/// <reference lib="dom" />
// Changing the password in the account console, in Debian's Chromium: each refusal of the API
// in words, then the change itself, which signs out the account's other devices and apps, keeps
// this browser in, and makes the old password stop working.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hasChromium,
  launchChromium,
  newContext,
  newUser,
  openSignedIn,
  seriousViolations,
  settled,
  signInOnAccount,
  signUpOnAccount,
  startWebPlatform,
  visible,
  type WebPlatform,
} from './support.ts';

describe.skipIf(!hasChromium)('web: changing the password in the account console', () => {
  let web: WebPlatform;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebPlatform(), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  async function fillPasswordForm(page: Page, current: string, next: string, again = next) {
    const form = page.getByRole('form', { name: 'Change password' });
    await form.getByLabel('Current password', { exact: true }).fill(current);
    await form.getByLabel('New password', { exact: true }).fill(next);
    await form.getByLabel('Confirm new password', { exact: true }).fill(again);
    await form.getByRole('button', { name: 'Change password' }).click();
  }

  const alertSays = async (page: Page, text: string | RegExp) => {
    const alert = page.getByRole('form', { name: 'Change password' }).getByRole('alert');
    await visible(alert.getByText(text));
    expect(await alert.textContent()).not.toContain('{');
  };

  it('explains a wrong current password, a mismatch and a too short or too weak new one in sentences', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const user = newUser('pw');
    await signUpOnAccount(page, web, user);
    await page.getByRole('link', { name: 'Change your password' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Change your password' }));
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Security' }).getAttribute('aria-current')).toBe('page');
    await settled(page);
    expect(await seriousViolations(page)).toEqual([]);

    await fillPasswordForm(page, 'not my password', 'a brand new pass phrase');
    await alertSays(
      page,
      'Your current password is not right, so nothing was changed. Check it and try again.',
    );

    await fillPasswordForm(page, user.password, 'a brand new pass phrase', 'a brand new pass phrose');
    await alertSays(page, 'The two new passwords are not the same.');
    await visible(page.getByText('Not the same as the new password.'));
    expect(await page.getByLabel('Confirm new password', { exact: true }).getAttribute('aria-invalid')).toBe(
      'true',
    );
    expect(await seriousViolations(page)).toEqual([]);

    await fillPasswordForm(page, user.password, 'short');
    await alertSays(page, 'New password must have at least 10 characters.');

    await fillPasswordForm(page, user.password, 'abababababab');
    await alertSays(
      page,
      'Choose a stronger new password. It uses too few different characters: mix in more letters, words or numbers.',
    );

    // Nothing changed: the first password still signs in.
    const other = await newContext(browser);
    await signInOnAccount(await other.newPage(), web, user);
    await other.close();
    await context.close();
  });

  it('changes the password: other devices and apps are signed out, this browser stays in, only the new password signs in', async () => {
    const user = newUser('pw');
    const here = await newContext(browser);
    const page = await here.newPage();
    await signUpOnAccount(page, web, user);

    // Another device: the console and the Family Planner app, both signed in.
    const elsewhere = await newContext(browser);
    const phone = await elsewhere.newPage();
    await signInOnAccount(phone, web, user);
    await openSignedIn(phone, web, 'family', 'families');

    await page.goto(web.at('account', '/account/password'));
    await fillPasswordForm(page, user.password, 'a brand new pass phrase');
    const notice = page.getByRole('status').filter({ hasText: 'Your password has been changed.' });
    await visible(notice);
    expect(await notice.textContent()).toContain(
      'Every other device and app that was signed in to your account has been signed out',
    );
    expect(await page.getByLabel('Current password', { exact: true }).inputValue()).toBe('');
    expect(await seriousViolations(page)).toEqual([]);

    // This browser stays signed in; the log says how many other sessions ended.
    await page.goto(web.at('account', '/account/security'));
    await visible(page.getByRole('cell', { name: /^Password changed \(\d+ other sessions? signed out\)$/ }));
    await page.goto(web.at('account', '/account/'));
    await visible(page.getByRole('heading', { level: 1, name: /^Hello,/ }));

    // The other device finds out on its next look, in the console and in the app.
    await phone.goto(web.at('account', '/account/'));
    await visible(phone.getByRole('form', { name: 'Sign in' }));
    await phone.goto(web.at('family'));
    await visible(phone.locator('.user-menu').getByRole('button', { name: 'Sign in' }));

    // The old password no longer signs in; the new one does.
    const form = phone.getByRole('form', { name: 'Sign in' });
    await phone.goto(web.at('account', '/account/'));
    await form.getByLabel('Username or email').fill(user.username);
    await form.getByLabel('Password').fill(user.password);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await visible(phone.getByRole('alert').getByText('That username or password is not right.'));
    await signInOnAccount(phone, web, { ...user, password: 'a brand new pass phrase' });
    await here.close();
    await elsewhere.close();
  });
});

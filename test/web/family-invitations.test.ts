/// <reference lib="dom" />
// Invitations with consent in Debian's Chromium: an invitation link opened by someone without an
// account leads through sign-up to the family; an invitation by username is declined, sent
// again and withdrawn; every view is checked with axe.
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
  signUpOnAccount,
  startWebPlatform,
  type TestUser,
  visible,
  type WebPlatform,
} from './support.ts';

describe.skipIf(!hasChromium)('web: family invitations', () => {
  let web: WebPlatform;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebPlatform(), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  async function signedInPage(user: TestUser) {
    const context = await newContext(browser);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.warn(`[${user.username}] page error: ${error.message}`));
    await signUpOnAccount(page, web, user);
    return { context, page, user };
  }

  async function createFamily(page: Page, name: string) {
    await openSignedIn(page, web, 'family', 'families');
    await page.getByLabel('Family name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Create family' }).click();
    await visible(page.getByRole('heading', { level: 2, name, exact: true }));
  }

  const axe = async (page: Page) => {
    await settled(page);
    return seriousViolations(page);
  };

  it('takes someone without an account from an invitation link through sign-up into the family', async () => {
    const admin = await signedInPage(newUser('adm'));
    await createFamily(admin.page, 'The Draculas');
    await admin.page.getByLabel('Role for the link').selectOption('parent');
    await admin.page.getByLabel('How many people may use it').fill('1');
    await admin.page.getByRole('button', { name: 'Make a link' }).click();
    const field = admin.page.getByLabel('Invitation link (shown once: copy it now)');
    await visible(field);
    const link = await field.inputValue();
    expect(link).toMatch(/\/join#invite=[A-Za-z0-9_-]{32}$/);
    await visible(admin.page.getByRole('list', { name: 'Open invitations' }).getByText(/used 0 of 1 times/));
    expect(await axe(admin.page)).toEqual([]);

    // A stranger's browser: no session anywhere.
    const newcomer = newUser('new');
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(link);
    await page.getByRole('button', { name: 'Create an account' }).click();
    const form = page.getByRole('form', { name: /Create your CALOS account/ });
    await form.getByLabel('Username').fill(newcomer.username);
    await form.getByLabel('Email').fill(newcomer.email);
    await form.getByLabel('Password').fill(newcomer.password);
    await form.getByRole('button', { name: 'Create account' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Join a family' }));
    await visible(page.getByText('invites you to The Draculas as a parent.'));
    expect(await axe(page)).toEqual([]);
    await page.getByRole('button', { name: 'Join The Draculas' }).click();
    await visible(page.getByRole('heading', { level: 2, name: 'The Draculas', exact: true }));
    await visible(page.getByText('You are a parent here'));

    // Used once, the link is spent: the admin's list no longer shows it.
    await admin.page.reload();
    await visible(admin.page.getByRole('list', { name: 'Members' }).getByText(newcomer.username));
    await visible(admin.page.getByText('No open invitations.'));
    await context.close();
    await admin.context.close();
  }, 150_000);

  it('lets the person invited decline, and the admin invite again and withdraw', async () => {
    const admin = await signedInPage(newUser('adm'));
    const bob = await signedInPage(newUser('bob'));
    await createFamily(admin.page, 'The Jekylls');
    const invite = async () => {
      await admin.page.getByLabel('Their CALOS username or email').fill(bob.user.username);
      await admin.page.getByLabel('Role', { exact: true }).selectOption('child');
      await admin.page.getByRole('button', { name: 'Send invitation' }).click();
      await visible(admin.page.getByRole('list', { name: 'Open invitations' }).getByText(bob.user.username));
    };
    await invite();
    await visible(
      admin.page.getByText(`Invitation sent to ${bob.user.username}. They join once they accept.`),
    );

    await openSignedIn(bob.page, web, 'family', 'families');
    const mine = bob.page.getByRole('list', { name: 'Your invitations' });
    await visible(mine.getByText('The Jekylls'));
    expect(await axe(bob.page)).toEqual([]);
    await bob.page.getByRole('button', { name: 'Decline the invitation to The Jekylls' }).click();
    await visible(bob.page.getByText('You declined the invitation to The Jekylls.'));
    await visible(bob.page.getByText('You are not in a family yet.'));

    await admin.page.reload();
    await visible(admin.page.getByText('No open invitations.'));
    await invite();
    await admin.page.getByRole('button', { name: `Withdraw: ${bob.user.username} as a child` }).click();
    await visible(admin.page.getByText('No open invitations.'));
    await bob.page.reload();
    await visible(bob.page.getByText('You are not in a family yet.'));
    expect(await bob.page.getByRole('list', { name: 'Your invitations' }).count()).toBe(0);
    await admin.context.close();
    await bob.context.close();
  }, 150_000);
});

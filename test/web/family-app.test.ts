/// <reference lib="dom" />
// Family Planner in Debian's Chromium: renaming, deleting and leaving a family by role, the
// calendar's iCal links from creation to a revoked URL that no longer answers, and the month and
// week calendar with the keyboard; every new view is checked with axe.
import type { Browser, Page } from 'playwright-core';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiAs,
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
  tokenOf,
  visible,
  type WebPlatform,
} from './support.ts';

describe.skipIf(!hasChromium)('web: Family Planner', () => {
  let web: WebPlatform;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebPlatform(), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  async function signedInPage(user: TestUser, options: { timezoneId?: string } = {}) {
    const context = await newContext(browser, options);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.warn(`[${user.username}] page error: ${error.message}`));
    await signUpOnAccount(page, web, user);
    return { context, page, user };
  }

  /** Creates a family on the family page; returns its id from the address. */
  async function createFamily(page: Page, name: string): Promise<string> {
    await openSignedIn(page, web, 'family', 'families');
    await page.getByLabel('Family name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Create family' }).click();
    await visible(page.getByRole('heading', { level: 2, name, exact: true }));
    const id = new URL(page.url()).searchParams.get('family');
    expect(id).toBeTruthy();
    return id as string;
  }

  /** The admin invites on the family page; the person invited accepts on theirs. */
  async function addMember(
    page: Page,
    invitee: { page: Page; user: TestUser },
    role: 'parent' | 'child' | 'admin',
    familyName: string,
  ) {
    await page.getByLabel('Their CALOS username or email').fill(invitee.user.username);
    await page.getByLabel('Role', { exact: true }).selectOption(role);
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await visible(page.getByRole('list', { name: 'Open invitations' }).getByText(invitee.user.username));
    await openSignedIn(invitee.page, web, 'family', 'families');
    await invitee.page.getByRole('button', { name: `Join ${familyName}` }).click();
    await visible(invitee.page.getByText(`You joined ${familyName}.`));
    await page.reload();
    await visible(page.getByRole('list', { name: 'Members' }).getByText(invitee.user.username));
  }

  /** What the family API answers this page's own session (as a script on the page could ask). */
  const askApi = (page: Page, method: string, path: string, body?: unknown) =>
    page.evaluate(
      async ({ method, path, body }) => {
        const stored = JSON.parse(localStorage.getItem('calos.session.family') ?? '{}');
        const answer = await fetch(path, {
          method,
          headers: {
            authorization: `Bearer ${stored.access_token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await answer.text();
        return { status: answer.status, body: text ? JSON.parse(text) : undefined };
      },
      { method, path, body },
    );

  const axe = async (page: Page) => {
    await settled(page);
    return seriousViolations(page);
  };

  it('lets an admin rename and then delete a family after a confirmation naming it, while a child sees neither action and is refused by the API', async () => {
    const admin = await signedInPage(newUser('adm'));
    const child = await signedInPage(newUser('kid'));
    const page = admin.page;
    const familyId = await createFamily(page, 'The Munsters');
    await addMember(page, child, 'child', 'The Munsters');

    await page.getByLabel('New name', { exact: true }).fill('The Munster Family');
    await page.getByRole('button', { name: 'Rename family' }).click();
    await visible(page.getByRole('status').getByText('The family is now called “The Munster Family”.'));
    await visible(page.getByRole('heading', { level: 2, name: 'The Munster Family', exact: true }));
    expect(await axe(page)).toEqual([]);

    // The child sees the new name, no way to rename or delete, and who can.
    await openSignedIn(child.page, web, 'family', 'families');
    await visible(child.page.getByRole('heading', { level: 2, name: 'The Munster Family', exact: true }));
    await visible(child.page.getByText('Only an admin of this family can rename or delete it.'));
    expect(await child.page.getByRole('button', { name: 'Rename family' }).count()).toBe(0);
    expect(await child.page.getByRole('button', { name: /^Delete family/ }).count()).toBe(0);
    expect(await axe(child.page)).toEqual([]);
    const rename = await askApi(child.page, 'PATCH', `/api/families/${familyId}`, { family_name: 'Mine' });
    expect(rename.status).toBe(403);
    expect(rename.body.error.code).toBe('FAMILY_ROLE_FORBIDDEN');
    expect((await askApi(child.page, 'DELETE', `/api/families/${familyId}`)).status).toBe(403);

    // The admin is asked first, by the family's name; cancelling keeps it.
    await page.getByRole('button', { name: 'Delete family “The Munster Family”' }).click();
    const question = page.getByRole('group', { name: /Delete “The Munster Family” for everyone\?/ });
    await visible(question);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain(
      'Delete “The Munster Family” for everyone?',
    );
    expect(await axe(page)).toEqual([]);
    await question.getByRole('button', { name: 'Cancel' }).click();
    await visible(page.getByRole('button', { name: 'Delete family “The Munster Family”' }));
    expect((await askApi(page, 'GET', `/api/families/${familyId}`)).status).toBe(200);

    await page.getByRole('button', { name: 'Delete family “The Munster Family”' }).click();
    await page.getByRole('button', { name: 'Delete “The Munster Family”' }).click();
    await visible(
      page.getByText('“The Munster Family” has been deleted, with its lists, events and calendar links.'),
    );
    await visible(page.getByText('You are not in a family yet.'));
    expect((await askApi(page, 'GET', `/api/families/${familyId}`)).status).toBe(404);

    await child.page.reload();
    await visible(child.page.getByText('You are not in a family yet.'));
    await admin.context.close();
    await child.context.close();
  }, 150_000);

  it('lets a member leave a family, and tells its only admin to hand over first', async () => {
    const admin = await signedInPage(newUser('adm'));
    const parent = await signedInPage(newUser('par'));
    await createFamily(admin.page, 'The Frankensteins');
    await addMember(admin.page, parent, 'parent', 'The Frankensteins');
    await visible(admin.page.getByText('You are its only admin.'));
    expect(await admin.page.getByRole('button', { name: /^Leave family/ }).count()).toBe(0);

    const page = parent.page;
    await openSignedIn(page, web, 'family', 'families');
    await page.getByRole('button', { name: 'Leave family “The Frankensteins”' }).click();
    await visible(page.getByRole('group', { name: 'Leave “The Frankensteins”?' }));
    expect(await axe(page)).toEqual([]);
    await page.getByRole('button', { name: 'Leave “The Frankensteins”' }).click();
    await visible(page.getByText('You have left “The Frankensteins”.'));
    await visible(page.getByText('You are not in a family yet.'));

    await admin.page.reload();
    await visible(admin.page.getByRole('list', { name: 'Members' }));
    expect(
      await admin.page.getByRole('list', { name: 'Members' }).getByText(parent.user.username).count(),
    ).toBe(0);
    await admin.context.close();
    await parent.context.close();
  }, 150_000);

  it('creates an iCal link shown once with a copy button, lists it, and revokes it so its address answers 404', async () => {
    const { context, page, user } = await signedInPage(newUser('cal'));
    await createFamily(page, 'The Draculas');
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: web.at('family', '') });
    // On the free plan: the plan that includes calendar subscriptions, and where to change plan.
    await page.getByRole('button', { name: 'Create iCal link' }).click();
    const notice = page
      .getByRole('status')
      .filter({ hasText: 'Calendar subscriptions come with the Family plan' });
    await visible(notice);
    expect(await notice.getByRole('link', { name: 'Change your plan' }).getAttribute('href')).toMatch(
      /plan$/,
    );
    expect(await axe(page)).toEqual([]);
    const upgraded = await apiAs(web)(await tokenOf(web, user), 'POST', '/calos/api/subscription', {
      plan_code: 'family',
      provider: 'dev',
    });
    expect(upgraded.status).toBe(200);
    await page.getByRole('button', { name: 'Create iCal link' }).click();
    const field = page.getByLabel('Your private iCal link (shown once)');
    await visible(field);
    const url = await field.inputValue();
    // On the app's own host, where calendar apps can reach it.
    expect(url).toMatch(new RegExp(`^${web.at('family', '/ical/')}[A-Za-z0-9_-]+\\.ics$`));
    await page.getByRole('button', { name: 'Copy link' }).click();
    await visible(page.getByRole('status').getByText(/^Copied\./));
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);

    const links = page.getByRole('list', { name: 'iCal links' });
    await visible(links.getByText(/Made on .+ by you/));
    expect(await links.getByRole('listitem').count()).toBe(1);
    expect(await axe(page)).toEqual([]);

    // A calendar app fetches the address with nothing but the URL.
    const fetchFeed = async () => {
      const target = new URL(url);
      const answer = await request(`http://127.0.0.1:${web.port}${target.pathname}`, {
        headers: { host: target.host },
      });
      return {
        status: answer.statusCode,
        type: answer.headers['content-type'],
        text: await answer.body.text(),
      };
    };
    const live = await fetchFeed();
    expect(live.status).toBe(200);
    expect(live.type).toContain('text/calendar');
    expect(live.text).toContain('BEGIN:VCALENDAR');

    // Shown once: after a reload the address is gone, the link stays listed.
    await page.reload();
    await visible(links.getByText(/Made on .+ by you/));
    expect(await page.getByLabel('Your private iCal link (shown once)').count()).toBe(0);

    await links.getByRole('button', { name: /^Revoke the link made on/ }).click();
    await page.getByRole('button', { name: 'Revoke link', exact: true }).click();
    await visible(page.getByText(/is revoked: calendars subscribed to it no longer update\./));
    await visible(page.getByText('No link is in use.'));
    await page.getByText('Revoked links (1)').click();
    await visible(page.getByRole('list', { name: 'Revoked iCal links' }).getByText(/revoked on/));
    expect(await axe(page)).toEqual([]);

    const revoked = await fetchFeed();
    expect([404, 410]).toContain(revoked.status);
    expect(revoked.text).not.toContain('BEGIN:VCALENDAR');
    await context.close();
  });

  it('shows an event in the month view and the week view, and moves between days with the keyboard', async () => {
    const { context, page } = await signedInPage(newUser('mon'));
    const familyId = await createFamily(page, 'The Addams');
    // The 15th of this month: in the middle of the month, so both views contain it.
    const now = new Date();
    const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-15`;
    await page.goto(web.at('family', `/calendar?family=${familyId}&date=${day}`));
    await visible(page.getByRole('heading', { level: 2, name: /\d{4}$/ }));
    // The form starts on the chosen day.
    expect(await page.getByLabel('Starts').inputValue()).toBe(`${day}T09:00`);
    // Times are typed in the browser's own zone unless an admin set a family default.
    expect(await page.getByLabel('Time zone', { exact: true }).inputValue()).toBe(
      await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone),
    );
    await page.getByLabel('What', { exact: true }).fill('Piano lesson');
    await page.getByLabel('Starts').fill(`${day}T18:30`);
    await page.getByLabel('Ends').fill(`${day}T19:15`);
    await page.getByLabel('Where', { exact: true }).fill('Music school');
    await page.getByRole('button', { name: 'Add event' }).click();

    const month = page.locator('.calendar--month');
    await visible(month.locator(`[data-day="${day}"] .calendar__event`, { hasText: 'Piano lesson' }));
    const details = page.getByRole('list', { name: /^Planned on / });
    await visible(details.getByText('Piano lesson'));
    await visible(details.getByText(/Music school/));
    expect(await axe(page)).toEqual([]);

    await page.getByRole('link', { name: 'Week view' }).click();
    const week = page.locator('.calendar--week');
    await visible(week.locator('.calendar__event', { hasText: 'Piano lesson' }));
    expect(await week.locator('.calendar__day').count()).toBe(7);
    await visible(week.getByText(/Music school/));
    expect(await page.getByRole('link', { name: 'Week view' }).getAttribute('aria-current')).toBe('page');
    expect(await axe(page)).toEqual([]);

    // One day button is in the tab order; arrow keys move it and the address follows.
    const chosen = page.locator(`[data-day="${day}"]`);
    expect(await chosen.getAttribute('tabindex')).toBe('0');
    await chosen.focus();
    await page.keyboard.press('ArrowRight');
    const next = `${day.slice(0, 8)}16`;
    await page.waitForFunction((key) => document.activeElement?.getAttribute('data-day') === key, next);
    expect(new URL(page.url()).searchParams.get('date')).toBe(next);
    await visible(page.getByText('Nothing planned on this day.'));
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((key) => document.activeElement?.getAttribute('data-day') === key, day);
    await page.keyboard.press('Enter');
    await visible(details.getByText('Piano lesson'));

    await page.getByRole('link', { name: 'Month view' }).click();
    await page.locator(`[data-day="${day}"]`).focus();
    await page.keyboard.press('PageDown');
    const following = new Date(now.getFullYear(), now.getMonth() + 1, 15);
    const followingKey = `${following.getFullYear()}-${String(following.getMonth() + 1).padStart(2, '0')}-15`;
    await page.waitForFunction(
      (key) => document.activeElement?.getAttribute('data-day') === key,
      followingKey,
    );
    expect(await page.locator('.calendar__event', { hasText: 'Piano lesson' }).count()).toBe(0);
    await page.keyboard.press('PageUp');
    await visible(page.locator('.calendar--month .calendar__event', { hasText: 'Piano lesson' }));

    // Deleting asks first, by the event's name.
    await details.getByRole('button', { name: 'Delete Piano lesson' }).click();
    await page.getByRole('button', { name: 'Delete event' }).click();
    await visible(page.getByText('Nothing planned on this day.'));
    expect(await page.locator('.calendar__event', { hasText: 'Piano lesson' }).count()).toBe(0);
    await context.close();
  });

  it('adds todos due on a day (all day) or at a time, with a priority, and shows each as entered in a time zone west of UTC', async () => {
    // West of UTC, a day read as midnight UTC would show as the day before.
    const { context, page } = await signedInPage(newUser('todo'), { timezoneId: 'America/Los_Angeles' });
    await createFamily(page, 'The Frankensteins');
    await page.getByRole('link', { name: 'Todos' }).click();
    const newList = page.getByRole('form', { name: 'New todo list' });
    await newList.getByLabel('List name').fill('Halloween');
    await newList.getByRole('button', { name: 'Create list' }).click();

    const form = page.getByRole('form', { name: 'Add a todo' });
    await visible(form);
    expect(await form.getByLabel('Time').isDisabled()).toBe(true);
    await form.getByLabel('To do').fill('Buy pumpkins');
    await form.getByLabel('Due').fill('2030-12-20');
    await form.getByLabel('Priority').selectOption('high');
    await form.getByRole('button', { name: 'Add todo' }).click();
    const items = page.getByRole('list', { name: 'Items of Halloween' });
    await visible(items.getByText('Buy pumpkins'));
    await visible(items.getByText(/due Dec 20, 2030$|due 20 Dec 2030$/));
    await visible(items.getByText('high priority'));

    await form.getByLabel('To do').fill('Light the candles');
    await form.getByLabel('Due').fill('2030-12-20');
    await form.getByLabel('Time').fill('18:30');
    await form.getByRole('button', { name: 'Add todo' }).click();
    await visible(items.getByText('Light the candles'));
    await visible(items.getByText(/due Dec 20, 2030, 6:30\sPM|due 20 Dec 2030, 18:30/));
    expect(await axe(page)).toEqual([]);

    // What the API keeps: the day as a day, the time as the instant it is in Los Angeles.
    const lists = await askApi(page, 'GET', '/api/todos');
    const stored = await askApi(page, 'GET', `/api/todos/${lists.body.items[0].list_id}/items`);
    expect(stored.status).toBe(200);
    expect(
      stored.body.items.map(
        (i: { title: string; due_date: string; due_all_day: boolean; priority: string }) => [
          i.title,
          i.due_date,
          i.due_all_day,
          i.priority,
        ],
      ),
    ).toEqual([
      ['Buy pumpkins', '2030-12-20', true, 'high'],
      ['Light the candles', '2030-12-21T02:30:00.000Z', false, 'medium'],
    ]);
    await context.close();
  });
});

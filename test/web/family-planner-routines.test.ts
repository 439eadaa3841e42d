/// <reference lib="dom" />
// Family Planner's routines in Debian's Chromium: an invitation accepted in the account console,
// a weekly event added with a reminder and one date of it skipped, a chore taken in turns with points and history, and a reminder arriving
// live on the notifications page; every new view is checked with axe. Many notifications show a
// page at a time, a new one still arrives live once, and "Mark all read" reaches the older ones.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTIFICATION_CHANNEL } from '../../src/family/index.ts';
import { createReminderJob } from '../../src/family/service/notifications.ts';
import { insertNotifications, type NewNotification } from '../../src/family/store/notifications.ts';
import type { IdentityClient } from '../../src/identity/client.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { createNotifyHub } from '../../src/platform/db/notify-hub.ts';
import { createLogger } from '../../src/platform/logger.ts';
import {
  apiAs,
  familyOfOne,
  hasChromium,
  launchChromium,
  newContext,
  newUser,
  openSignedIn,
  seriousViolations,
  signUpOnAccount,
  startWebPlatform,
  tokenOf,
  visible,
  type WebPlatform,
} from './support.ts';

const pad = (n: number) => String(n).padStart(2, '0');
const dayOf = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** Counts the page's reads of the newest page of notifications (GET without a cursor). */
function countNewestReads(page: Page): string[] {
  const reads: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (
      request.method() === 'GET' &&
      url.pathname.endsWith('/api/notifications') &&
      !url.searchParams.has('cursor')
    )
      reads.push(request.url());
  });
  return reads;
}

describe.skipIf(!hasChromium)('web: family routines', () => {
  let web: WebPlatform;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebPlatform(), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('repeats an event weekly, rotates a chore with points, and shows a reminder live', async () => {
    const [mom, kid] = [newUser('mom'), newUser('kid')];
    const [momContext, kidContext] = await Promise.all([newContext(browser), newContext(browser)]);
    const [momPage, kidPage] = await Promise.all([momContext.newPage(), kidContext.newPage()]);
    await signUpOnAccount(momPage, web, mom);
    await signUpOnAccount(kidPage, web, kid);
    const call = apiAs(web);
    const momToken = await tokenOf(web, mom);
    const family = await call(momToken, 'POST', '/family/api/families', { family_name: 'The Addams' });
    expect(family.status).toBe(201);
    const familyId = family.body.family_id as string;
    // The kid finds the invitation in the account console and accepts it there.
    const invited = await call(momToken, 'POST', `/family/api/families/${familyId}/invitations`, {
      login: kid.username,
      role: 'child',
    });
    expect(invited.status).toBe(201);
    await kidPage.reload();
    const offers = kidPage.getByRole('list', { name: 'Your family invitations' });
    await visible(offers.getByText('The Addams'));
    await visible(offers.getByText(/invites you as a child/));
    expect(await seriousViolations(kidPage)).toEqual([]);
    await offers.getByRole('button', { name: 'Accept the invitation to The Addams' }).click();
    await offers.waitFor({ state: 'detached' });
    const members = await call(momToken, 'GET', `/family/api/families/${familyId}/members?limit=100`);
    const kidId = (members.body.items as { username: string; user_id: string }[]).find(
      (m) => m.username === kid.username,
    )?.user_id;
    expect(kidId).toBeTruthy();

    // A weekly swim from the 8th of this month: the 8th and the 15th are both in the month view.
    const now = new Date();
    const first = dayOf(new Date(now.getFullYear(), now.getMonth(), 8));
    const second = dayOf(new Date(now.getFullYear(), now.getMonth(), 15));
    await openSignedIn(momPage, web, 'family', `calendar?family=${familyId}&date=${first}`);
    await momPage.getByLabel('What', { exact: true }).fill('Swimming');
    await momPage.getByLabel('Starts').fill(`${first}T17:00`);
    await momPage.getByLabel('Ends').fill(`${first}T18:00`);
    await momPage.getByLabel('Repeats').selectOption({ label: 'Every week' });
    await momPage.getByLabel('Reminder').selectOption({ label: '1 hour before' });
    await momPage.getByRole('button', { name: 'Add event' }).click();
    const month = momPage.locator('.calendar--month');
    await visible(month.locator(`[data-day="${first}"] .calendar__event`, { hasText: 'Swimming' }));
    await visible(month.locator(`[data-day="${second}"] .calendar__event`, { hasText: 'Swimming' }));
    const details = momPage.getByRole('list', { name: /^Planned on / });
    await visible(details.getByText('Every week'));
    expect(await seriousViolations(momPage)).toEqual([]);

    // The second swim is called off; the first stays.
    await momPage.goto(web.at('family', `/calendar?family=${familyId}&date=${second}`));
    await details.getByRole('button', { name: 'Skip this date of Swimming' }).click();
    await momPage.getByRole('button', { name: 'Skip date' }).click();
    await visible(momPage.getByText('Nothing planned on this day.'));
    expect(
      await month.locator(`[data-day="${second}"] .calendar__event`, { hasText: 'Swimming' }).count(),
    ).toBe(0);
    await visible(month.locator(`[data-day="${first}"] .calendar__event`, { hasText: 'Swimming' }));

    // A weekly chore, mom's turn first, then the kid's.
    await momPage.getByRole('link', { name: 'Chores' }).click();
    await momPage.getByRole('button', { name: 'Start a chores list' }).click();
    const form = momPage.getByRole('form', { name: 'Add a chore' });
    await form.getByLabel('Chore', { exact: true }).fill('Take out the bins');
    await form.getByLabel('First time').fill(dayOf(now));
    await form.getByLabel('Points').fill('5');
    await form.getByLabel(mom.username).check();
    await form.getByLabel(kid.username).check();
    await form.getByRole('button', { name: 'Add chore' }).click();
    const chores = momPage.getByRole('list', { name: /^Chores of / });
    await visible(chores.getByText(`Now: ${mom.username} · then ${kid.username}`, { exact: false }));
    await visible(chores.getByText('Every week'));
    expect(await seriousViolations(momPage)).toEqual([]);
    await chores.getByRole('button', { name: 'Done: Take out the bins' }).click();
    await visible(chores.getByText(`Now: ${kid.username} · then ${mom.username}`, { exact: false }));
    const points = momPage.getByRole('table');
    await visible(points.getByRole('row', { name: new RegExp(`^${mom.username} 5 1`) }));
    await chores.getByRole('button', { name: 'History of Take out the bins' }).click();
    await visible(
      momPage.getByRole('list', { name: 'Done before' }).getByText(new RegExp(`${mom.username}, 5 points`)),
    );
    expect(await seriousViolations(momPage)).toEqual([]);

    // A reminder for the kid arrives on the open notifications page without a reload.
    await openSignedIn(kidPage, web, 'family', 'notifications');
    await visible(kidPage.getByText('No reminders yet', { exact: false }));
    await visible(kidPage.getByText('0 unread'));
    const dentist = await call(momToken, 'POST', '/family/api/calendar/events', {
      family_id: familyId,
      event_name: 'Dentist',
      event_type: 'appointment',
      start_time: new Date(Date.now() + 30 * 60_000).toISOString(),
      attendees: [kidId],
      reminders: [{ minutes_before: 60 }],
    });
    expect(dentist.status).toBe(201);
    const db = web.databases.get('family');
    const hub = createNotifyHub(db, NOTIFICATION_CHANNEL);
    try {
      await createReminderJob(
        {
          db,
          identity: (): IdentityClient => {
            throw new Error('the reminder job does not ask identity');
          },
          logger: createLogger({ logLevel: 'silent' }),
          now: () => systemClock.now(),
        },
        hub,
      )();
    } finally {
      await hub.close();
    }
    const list = kidPage.getByRole('list', { name: 'Your notifications' });
    await visible(list.getByText('Dentist'));
    await visible(kidPage.getByText('1 unread'));
    expect(await seriousViolations(kidPage)).toEqual([]);
    await list.getByRole('button', { name: 'Mark read: Dentist' }).click();
    await visible(kidPage.getByText('0 unread'));
    await momContext.close();
    await kidContext.close();
  }, 180_000);

  it('shows older notifications a page at a time, a new one live, and marks them all read', async () => {
    const { context, page, token: dadToken, familyId, userId: dadId } = await familyOfOne(web, browser);
    const call = apiAs(web);
    const db = web.databases.get('family');
    const reminder = (n: number): NewNotification => {
      const at = new Date(Date.now() + n * 3_600_000);
      return {
        user_id: dadId,
        family_id: familyId,
        kind: 'todo_reminder',
        subject_id: crypto.randomUUID(),
        occurrence_at: at,
        minutes_before: 0,
        title: `Chore ${n}`,
        fire_at: at,
        created_at: new Date(),
      };
    };
    // 120 notifications, one at a time so that each is newer than the last: the newest page of
    // 50 (71–120), then 50 more (21–70), then the oldest 20.
    for (let n = 1; n <= 120; n++) await insertNotifications(db, [reminder(n)]);

    const reads = countNewestReads(page);
    await openSignedIn(page, web, 'family', 'notifications');
    const list = page.getByRole('list', { name: 'Your notifications' });
    const rows = list.locator(':scope > li');
    const chore = (n: number) => list.getByText(`Chore ${n}`, { exact: true });
    await visible(chore(120));
    await visible(chore(71));
    await visible(page.getByText('120 unread', { exact: true }));
    expect(await chore(70).count()).toBe(0);
    expect(await rows.count()).toBe(50);
    const more = page.getByRole('button', { name: 'Show more' });
    expect(await seriousViolations(page)).toEqual([]);

    await more.click();
    await visible(chore(21));
    expect(await chore(20).count()).toBe(0);
    expect(await rows.count()).toBe(100);
    // Reading one of the older ones brings the count down, as one of the newest would. The time
    // it shows as read is the server's, not the browser's (here set back to 2001).
    await page.clock.setFixedTime(new Date('2001-02-03T04:05:00Z'));
    await list.getByRole('button', { name: 'Mark read: Chore 30' }).click();
    await visible(page.getByText('119 unread', { exact: true }));
    const readAt = async (title: string) => {
      const items: { title: string; read_at: string | null }[] = [];
      for (let cursor: string | null = ''; cursor !== null; ) {
        const answer = await call(
          dadToken,
          'GET',
          `/family/api/notifications?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        );
        items.push(...answer.body.items);
        cursor = answer.body.next_cursor;
      }
      const found = items.find((n) => n.title === title);
      expect(found?.read_at, title).toBeTruthy();
      return page.evaluate(
        (at) => new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
        found?.read_at as string,
      );
    };
    // Spaces as one (the time may hold a narrow no-break space).
    const rowText = async (title: string) =>
      ((await rows.filter({ hasText: new RegExp(`^${title} `) }).textContent()) ?? '').replace(/\s+/g, ' ');
    const chore30 = `read ${await readAt('Chore 30')}`.replace(/\s+/g, ' ');
    await expect.poll(() => rowText('Chore 30')).toContain(chore30);
    expect(await rowText('Chore 30')).not.toContain('2001');

    // A new one arrives live, on top, once, and counts as unread.
    const [fresh] = await insertNotifications(db, [{ ...reminder(200), title: 'Fresh chore' }]);
    const hub = createNotifyHub(db, NOTIFICATION_CHANNEL);
    try {
      await hub.publish(dadId, { notification_id: fresh?.notification_id });
    } finally {
      await hub.close();
    }
    await visible(list.getByText('Fresh chore', { exact: true }));
    await visible(page.getByText('120 unread', { exact: true }));
    expect(await rows.first().getByText('Fresh chore').count()).toBe(1);
    // Opened on one read of the newest page, made once the stream was live.
    expect(reads).toHaveLength(1);

    await more.click();
    await visible(chore(1));
    await more.waitFor({ state: 'detached' });
    expect(await rows.count()).toBe(121);
    expect(await rows.last().getByText('Chore 1', { exact: true }).count()).toBe(1);

    // Mark all read: the oldest loaded ones lose their "New" too.
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await visible(page.getByText('0 unread', { exact: true }));
    expect(await list.getByText('New', { exact: true }).count()).toBe(0);
    expect(await list.getByRole('button', { name: /^Mark read: / }).count()).toBe(0);
    const chore1 = `read ${await readAt('Chore 1')}`.replace(/\s+/g, ' ');
    await expect.poll(() => rowText('Chore 1')).toContain(chore1);
    expect(await list.getByText(/2001/).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  }, 150_000);
  it('shows the notifications when their stream fails, and what came meanwhile once it is back', async () => {
    const { context, page, familyId, userId } = await familyOfOne(web, browser);
    const db = web.databases.get('family');
    const reminder = (title: string): NewNotification => ({
      user_id: userId,
      family_id: familyId,
      kind: 'todo_reminder',
      subject_id: crypto.randomUUID(),
      occurrence_at: new Date(Date.now() + 3_600_000),
      minutes_before: 0,
      title,
      fire_at: new Date(),
      created_at: new Date(),
    });
    await insertNotifications(db, [reminder('Feed the cat')]);
    const reads = countNewestReads(page);
    const stream = (url: URL) => url.pathname.endsWith('/api/notifications/stream');
    await page.route(stream, (route) => route.abort());

    await openSignedIn(page, web, 'family', 'notifications');
    const list = page.getByRole('list', { name: 'Your notifications' });
    await visible(list.getByText('Feed the cat', { exact: true }));
    await visible(page.getByText('1 unread · reconnecting…', { exact: true }));
    expect(reads).toHaveLength(1);
    // Made while the stream is down, and never published: only a fresh read can bring it.
    await insertNotifications(db, [reminder('Water the plants')]);
    expect(await list.getByText('Water the plants', { exact: true }).count()).toBe(0);
    await page.unroute(stream);
    await visible(list.getByText('Water the plants', { exact: true }));
    await visible(page.getByText('2 unread', { exact: true }));
    expect(reads).toHaveLength(2);
    await context.close();
  }, 150_000);
});

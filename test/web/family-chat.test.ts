/// <reference lib="dom" />
// The family chat in Debian's Chromium, two people in two browser contexts: a message arrives on
// the other's page live, a reply shows what it answers, markup stays text, a todo linked from the
// picker shows as a card with a link to it, and a member who is removed sees the chat stop being
// live; every view is checked with axe. A long chat opens on its newest page and shows the older
// ones a page at a time, above, while new messages still come in once each.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMessage } from '../../src/family/store/messages.ts';
import { joinFamily } from '../support/family.ts';
import {
  apiAs,
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

describe.skipIf(!hasChromium)('web: family chat', () => {
  let web: WebPlatform;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebPlatform(), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('delivers messages live between two members, as text, and stops for a member who is removed', async () => {
    const [mom, kid] = [newUser('mom'), newUser('kid')];
    const [momContext, kidContext] = await Promise.all([newContext(browser), newContext(browser)]);
    const [momPage, kidPage] = await Promise.all([momContext.newPage(), kidContext.newPage()]);
    await signUpOnAccount(momPage, web, mom);
    await signUpOnAccount(kidPage, web, kid);
    const call = apiAs(web);
    const [momToken, kidToken] = [await tokenOf(web, mom), await tokenOf(web, kid)];
    const family = await call(momToken, 'POST', '/family/api/families', { family_name: 'The Addams' });
    expect(family.status).toBe(201);
    const familyId = family.body.family_id as string;
    const joined = await joinFamily(call, {
      familyId,
      admin: momToken,
      invitee: kidToken,
      login: kid.username,
    });
    const errands = await call(momToken, 'POST', '/family/api/todos', {
      family_id: familyId,
      list_name: 'Errands',
      list_type: 'shared',
    });
    const candles = await call(momToken, 'POST', `/family/api/todos/${errands.body.list_id}/items`, {
      title: 'Buy candles',
      due_date: '2031-10-30',
    });
    expect(candles.status).toBe(201);

    await openSignedIn(momPage, web, 'family', `chat?family=${familyId}`);
    await openSignedIn(kidPage, web, 'family', `chat?family=${familyId}`);
    await visible(momPage.getByRole('status').getByText('Live', { exact: true }));
    await visible(kidPage.getByRole('status').getByText('Live', { exact: true }));
    await visible(kidPage.getByText('No messages yet. Say hello.'));
    expect(await seriousViolations(kidPage)).toEqual([]);

    await momPage
      .getByRole('textbox', { name: 'Message' })
      .fill('Dinner at 7 <img src=x onerror="document.title=1">');
    await momPage.getByRole('button', { name: 'Send' }).click();
    const kidMessages = kidPage.getByRole('list', { name: 'Messages' });
    // Arrives without a reload, and as the text it is.
    await visible(kidMessages.getByText('Dinner at 7 <img src=x onerror="document.title=1">'));
    expect(await kidPage.locator('ol img').count()).toBe(0);

    await kidPage.getByRole('button', { name: /^Reply to / }).click();
    await kidPage.getByRole('textbox', { name: 'Message' }).fill('Can we have pizza?');
    await kidPage.getByRole('button', { name: 'Send' }).click();
    const momMessages = momPage.getByRole('list', { name: 'Messages' });
    await visible(momMessages.getByText('Can we have pizza?'));
    await visible(momMessages.getByText(/In reply to You: Dinner at 7/));
    expect(await seriousViolations(momPage)).toEqual([]);

    // Mom links the errand from the picker: both pages show it as a card that leads to the list.
    await momPage.getByRole('combobox', { name: 'Link to' }).selectOption(`todo:${candles.body.item_id}`);
    await momPage.getByRole('textbox', { name: 'Message' }).fill('Who can get these?');
    await momPage.getByRole('button', { name: 'Send' }).click();
    const card = kidMessages.locator('.chat-card', { hasText: 'Buy candles' });
    await visible(card);
    await visible(card.getByText(/Errands · .* · To do/));
    expect(await card.getByRole('link', { name: 'Buy candles' }).getAttribute('href')).toContain(
      `list=${errands.body.list_id}`,
    );
    await visible(momMessages.locator('.chat-card', { hasText: 'Buy candles' }));
    expect(await seriousViolations(kidPage)).toEqual([]);

    // Mom deletes the kid's message (admins may); it goes on the kid's page too.
    await momPage.getByRole('button', { name: /^Delete .*’s message: Can we have pizza\?/ }).click();
    await visible(kidMessages.getByText('This message was deleted.'));

    const removed = await web.http('family', `/api/families/${familyId}/members/${joined.memberId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${momToken.token}` },
    });
    expect(removed.status).toBe(204);
    await visible(kidPage.getByText('No longer live: you are not in this family any more'));
    await momPage.getByRole('textbox', { name: 'Message' }).fill('Just us now');
    await momPage.getByRole('button', { name: 'Send' }).click();
    await visible(momMessages.getByText('Just us now'));
    expect(await kidPage.getByText('Just us now').count()).toBe(0);
    await momContext.close();
    await kidContext.close();
  }, 150_000);

  it('shows older messages a page at a time above the newest, and new ones live, each once', async () => {
    const dad = newUser('dad');
    const context = await newContext(browser);
    const page = await context.newPage();
    await signUpOnAccount(page, web, dad);
    const call = apiAs(web);
    const dadToken = await tokenOf(web, dad);
    const family = await call(dadToken, 'POST', '/family/api/families', { family_name: 'The Munsters' });
    expect(family.status).toBe(201);
    const familyId = family.body.family_id as string;
    const members = await call(dadToken, 'GET', `/family/api/families/${familyId}/members`);
    const dadId = (members.body.items as { user_id: string }[])[0]?.user_id as string;
    // 120 messages: the newest page of 50 (71–120), then 50 more (21–70), then the oldest 20.
    const db = web.databases.get('family');
    for (let n = 1; n <= 120; n++) {
      await insertMessage(db, {
        familyId,
        authorId: dadId,
        body: `Note ${n}`,
        replyTo: null,
        createdAt: new Date(Date.now() - (121 - n) * 60_000),
        link: null,
      });
    }

    await openSignedIn(page, web, 'family', `chat?family=${familyId}`);
    await visible(page.getByRole('status').getByText('Live', { exact: true }));
    const messages = page.getByRole('list', { name: 'Messages' });
    const rows = messages.locator(':scope > li');
    const note = (n: number) => messages.getByText(`Note ${n}`, { exact: true });
    await visible(note(120));
    await visible(note(71));
    expect(await note(70).count()).toBe(0);
    expect(await rows.count()).toBe(50);
    const older = page.getByRole('button', { name: 'Show older messages' });
    expect(await seriousViolations(page)).toEqual([]);

    // A refused page says why and leaves the messages shown as they were.
    const olderPage = (url: URL) => url.pathname.endsWith('/messages') && url.searchParams.has('cursor');
    await page.route(olderPage, (route) => {
      const url = new URL(route.request().url());
      url.searchParams.set('cursor', 'not-a-cursor');
      return route.continue({ url: url.toString() });
    });
    await older.click();
    await visible(page.getByText('The cursor is not valid; start again without it.'));
    expect(await rows.count()).toBe(50);
    await page.unroute(olderPage);

    await older.click();
    await visible(note(21));
    expect(await note(20).count()).toBe(0);
    expect(await rows.count()).toBe(100);

    // Sent from the page, it comes back both as the answer and on the stream: shown once, last.
    await page.getByRole('textbox', { name: 'Message' }).fill('Fresh news');
    await page.getByRole('button', { name: 'Send' }).click();
    await visible(messages.getByText('Fresh news', { exact: true }));
    // The stream keeps order: once a later message came on it, so had the sent one.
    const later = await call(dadToken, 'POST', `/family/api/families/${familyId}/messages`, {
      body: 'Later news',
    });
    expect(later.status).toBe(201);
    await visible(messages.getByText('Later news', { exact: true }));
    expect(await messages.getByText('Fresh news', { exact: true }).count()).toBe(1);
    expect(await rows.nth(100).getByText('Fresh news').count()).toBe(1);

    await older.click();
    await visible(note(1));
    await older.waitFor({ state: 'detached' });
    expect(await rows.count()).toBe(122);
    expect(await rows.first().getByText('Note 1', { exact: true }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);

    // The connection drops and a message comes meanwhile: back live, the page starts again from
    // the newest page (which has it), and the older ones come again from there, with no gap.
    web.app.server.closeAllConnections();
    await visible(page.getByRole('status').getByText('Reconnecting…'));
    const away = await call(dadToken, 'POST', `/family/api/families/${familyId}/messages`, {
      body: 'While away',
    });
    expect(away.status).toBe(201);
    await visible(messages.getByText('While away', { exact: true }));
    await visible(page.getByRole('status').getByText('Live', { exact: true }));
    await note(1).waitFor({ state: 'detached' });
    // The newest 50: notes 74–120, the two sent before, and the one written while away.
    expect(await rows.count()).toBe(50);
    await older.click();
    await visible(note(24));
    expect(await note(23).count()).toBe(0);
    expect(await rows.count()).toBe(100);
    expect(await messages.getByText('Note 73', { exact: true }).count()).toBe(1);
    await context.close();
  }, 150_000);
});

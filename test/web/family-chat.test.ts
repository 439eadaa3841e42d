/// <reference lib="dom" />
// The family chat in Debian's Chromium, two people in two browser contexts: a message arrives on
// the other's page live, a reply shows what it answers, markup stays text, a todo linked from the
// picker shows as a card with a link to it, and a member who is removed sees the chat stop being
// live; every view is checked with axe. A long chat opens on its newest page and shows the older
// ones a page at a time, above, while new messages still come in once each.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMessage } from '../../src/family/store/messages.ts';
import { joinFamily } from '../support/family.ts';
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
    const { context, page, token: dadToken, familyId, userId: dadId } = await familyOfOne(web, browser);
    const call = apiAs(web);
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
  /** Counts the page's reads of the newest page of messages (GET without a cursor). */
  const countNewestReads = (page: Page, familyId: string) => {
    const reads: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (
        request.method() === 'GET' &&
        url.pathname.endsWith(`/api/families/${familyId}/messages`) &&
        !url.searchParams.has('cursor')
      )
        reads.push(request.url());
    });
    return reads;
  };

  it('reads the newest page once on opening, after the stream is live, and loses no message written meanwhile', async () => {
    const { context, page, token, familyId } = await familyOfOne(web, browser);
    const call = apiAs(web);
    const path = `/family/api/families/${familyId}/messages`;
    expect((await call(token, 'POST', path, { body: 'Before opening' })).status).toBe(201);
    const reads = countNewestReads(page, familyId);
    // The newest page is read by the server, and a message is written before its answer reaches
    // the page: it is not in the page, so only the stream can bring it.
    let isHeld = false;
    const newestPage = (url: URL) =>
      url.pathname.endsWith(`/api/families/${familyId}/messages`) && !url.searchParams.has('cursor');
    await page.route(newestPage, async (route) => {
      if (route.request().method() !== 'GET' || isHeld) return route.continue();
      isHeld = true;
      // Read from Node (Playwright's own fetch cannot resolve *.localhost), as the page asked.
      const url = new URL(route.request().url());
      const answer = await web.http('family', `${url.pathname}${url.search}`, {
        headers: { authorization: (await route.request().allHeaders()).authorization ?? '' },
      });
      const meanwhile = await call(token, 'POST', path, { body: 'Written while the page loads' });
      expect(meanwhile.status).toBe(201);
      return route.fulfill({ status: answer.status, json: answer.body });
    });

    await openSignedIn(page, web, 'family', `chat?family=${familyId}`);
    await visible(page.getByRole('status').getByText('Live', { exact: true }));
    const messages = page.getByRole('list', { name: 'Messages' });
    await visible(messages.getByText('Before opening', { exact: true }));
    await visible(messages.getByText('Written while the page loads', { exact: true }));
    expect(isHeld).toBe(true);
    // Later ones still come live; by the time one has, any second read would have been asked for.
    expect((await call(token, 'POST', path, { body: 'After opening' })).status).toBe(201);
    await visible(messages.getByText('After opening', { exact: true }));
    expect(await messages.locator(':scope > li').count()).toBe(3);
    expect(reads).toHaveLength(1);
    await context.close();
  }, 150_000);

  it('shows the newest page when the stream cannot connect, and what came before it connects once it does', async () => {
    const { context, page, token, familyId } = await familyOfOne(web, browser);
    const call = apiAs(web);
    const path = `/family/api/families/${familyId}/messages`;
    expect((await call(token, 'POST', path, { body: 'Before opening' })).status).toBe(201);
    const reads = countNewestReads(page, familyId);
    // The stream hangs until the test lets it through.
    let letThrough: () => void = () => undefined;
    const isLetThrough = new Promise<void>((resolve) => {
      letThrough = resolve;
    });
    await page.route(
      (url) => url.pathname.endsWith(`/api/families/${familyId}/messages/stream`),
      async (route) => {
        await isLetThrough;
        await route.continue();
      },
    );

    await openSignedIn(page, web, 'family', `chat?family=${familyId}`);
    const messages = page.getByRole('list', { name: 'Messages' });
    await visible(messages.getByText('Before opening', { exact: true }));
    await visible(page.getByRole('status').getByText('Connecting…'));
    expect(reads).toHaveLength(1);
    // Written after the page was read and before the stream listens: neither brings it…
    expect((await call(token, 'POST', path, { body: 'Before the stream' })).status).toBe(201);
    expect(await messages.getByText('Before the stream', { exact: true }).count()).toBe(0);
    // …until the stream is live and the newest page is read again.
    letThrough();
    await visible(page.getByRole('status').getByText('Live', { exact: true }));
    await visible(messages.getByText('Before the stream', { exact: true }));
    expect(reads).toHaveLength(2);
    expect(await messages.locator(':scope > li').count()).toBe(2);
    await context.close();
  }, 150_000);
});

/// <reference lib="dom" />
// The family chat in Debian's Chromium, two people in two browser contexts: a message arrives on
// the other's page live, a reply shows what it answers, markup stays text, a todo linked from the
// picker shows as a card with a link to it, and a member who is removed sees the chat stop being
// live; every view is checked with axe.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});

/// <reference lib="dom" />
// A removed member's open family list stops being live, in the browser: the page says so and
// shows none of the changes made after the removal.
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

describe.skipIf(!hasChromium)('web: a live list ends with access', () => {
  let web: WebPlatform;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebPlatform(), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('tells a member who was removed that the list is no longer live, and shows nothing new', async () => {
    const admin = newUser('adm');
    const register = await web.http('account', '/api/auth/register', {
      body: { username: admin.username, email: admin.email, password: admin.password },
    });
    const auth = { authorization: `Bearer ${register.body.access_token}` };
    const family = await web.http('family', '/api/families', {
      body: { family_name: 'The Vanishing' },
      headers: auth,
    });
    const member = newUser('mem');
    const context = await newContext(browser);
    const page = await context.newPage();
    await signUpOnAccount(page, web, member);
    const added = await joinFamily(apiAs(web), {
      familyId: family.body.family_id,
      admin: { token: register.body.access_token },
      invitee: await tokenOf(web, member),
      login: member.username,
    });
    const list = await web.http('family', '/api/shopping-lists', {
      body: { family_id: family.body.family_id, list_name: 'Séance supplies' },
      headers: auth,
    });
    await openSignedIn(
      page,
      web,
      'family',
      `shopping?family=${family.body.family_id}&list=${list.body.list_id}`,
    );
    await visible(page.getByRole('status').getByText(/ · live/));

    await web.http('family', `/api/families/${family.body.family_id}/members/${added.memberId}`, {
      method: 'DELETE',
      headers: auth,
    });
    await web.http('family', `/api/shopping-lists/${list.body.list_id}/items`, {
      body: { name: 'a surprise for you' },
      headers: { ...auth, 'idempotency-key': 'after-removal' },
    });
    await visible(page.getByText(/no longer live: you cannot see this list any more/), 10_000);
    expect(await page.getByText('a surprise for you').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});

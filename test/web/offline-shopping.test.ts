/// <reference lib="dom" />
// The shopping list in a shop with no signal, in Debian's Chromium: the app's service worker
// keeps the page and the last list, so a reload with the network switched off
// (context.setOffline) shows it; ticks and additions made offline wait in the page's outbox
// ("N changes waiting") and are sent when the signal returns, merging with what another family
// member did meanwhile online (a tick of an item they removed is dropped with a notice, the same
// item added by both becomes one line with both amounts). HowToCookAtHome's list likewise opens
// offline and sends a tick made there. Every view is checked with axe.
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinFamily } from '../support/family.ts';
import {
  apiAs,
  cspViolations,
  HOSTS,
  hasChromium,
  launchChromium,
  newContext,
  newUser,
  openSignedIn,
  seriousViolations,
  signUpOnAccount,
  startWebPlatform,
  type TestUser,
  tokenOf,
  visible,
  type WebPlatform,
} from './support.ts';

describe.skipIf(!hasChromium)('web: the shopping list offline', () => {
  let web: WebPlatform;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebPlatform(), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  async function signedIn(user: TestUser) {
    const context = await newContext(browser);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.warn(`[${user.username}] page error: ${error.message}`));
    await signUpOnAccount(page, web, user);
    return { context, page, user, token: await tokenOf(web, user) };
  }

  /** Opens a view once the app's service worker controls the page, so it keeps what it loads. */
  async function openControlled(page: Page, app: 'family' | 'recipes', view: string) {
    await openSignedIn(page, web, app, view);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
      timeout: 20_000,
    });
    await page.reload();
  }

  const checkbox = (page: Page, listName: string, item: string) =>
    page.getByRole('list', { name: `Items on ${listName}` }).getByRole('checkbox', { name: item });

  // The network switched off: context.setOffline for the page (navigator.onLine turns false),
  // and every request to the platform refused, the service worker's own fetches too (Chromium's
  // offline emulation does not reach them), so only what the worker kept can answer.
  const goOffline = async (context: BrowserContext, page: Page) => {
    await context.route(`**/*`, (route) => route.abort('internetdisconnected'));
    await context.setOffline(true);
    await page.waitForFunction(() => !navigator.onLine);
  };
  const goOnline = async (context: BrowserContext) => {
    await context.unrouteAll();
    await context.setOffline(false);
  };

  it('shows the family list offline, queues ticks and additions, and merges them with another member’s changes', async () => {
    const mum = await signedIn(newUser('mum'));
    const dad = await signedIn(newUser('dad'));
    const call = apiAs(web);
    const familyId = (await call(mum.token, 'POST', '/family/api/families', { family_name: 'The Addams' }))
      .body.family_id as string;
    await joinFamily(call, {
      familyId,
      admin: mum.token,
      invitee: dad.token,
      login: dad.user.username,
      role: 'parent',
    });
    const list = (
      await call(mum.token, 'POST', '/family/api/shopping-lists', {
        family_id: familyId,
        list_name: 'Groceries',
      })
    ).body;
    const add = (user: { token: string }, body: Record<string, unknown>) =>
      web.http('localhost', `/family/api/shopping-lists/${list.list_id}/items`, {
        body,
        headers: { authorization: `Bearer ${user.token}`, 'idempotency-key': randomUUID() },
      });
    const ids: Record<string, string> = {};
    for (const name of ['Milk', 'Bread', 'Eggs']) ids[name] = (await add(mum.token, { name })).body.item_id;

    // Mum opens the list with signal; then the shop has none.
    await openControlled(mum.page, 'family', 'shopping');
    await visible(checkbox(mum.page, 'Groceries', 'Eggs'));
    // Her corner shop has the dairy at the door: milk and eggs first, then the bread.
    const aisles = (page: Page) =>
      page
        .getByRole('list', { name: 'Items on Groceries' })
        .getByRole('heading', { level: 3 })
        .allTextContents();
    expect(await aisles(mum.page)).toEqual(['Bakery', 'Dairy and eggs']);
    await mum.page.getByText('Store and aisle order').click();
    await mum.page.getByLabel('Store', { exact: true }).fill('Corner shop');
    await mum.page.getByRole('button', { name: 'Move Dairy and eggs up' }).click();
    await mum.page.getByRole('button', { name: 'Move Dairy and eggs up' }).click();
    expect(await seriousViolations(mum.page)).toEqual([]);
    await mum.page.getByRole('button', { name: 'Save the order' }).click();
    await mum.page.waitForFunction(() =>
      document.querySelector('.store-order summary')?.textContent?.includes('Corner shop'),
    );
    expect(await aisles(mum.page)).toEqual(['Dairy and eggs', 'Bakery']);
    await mum.page.reload();
    await visible(checkbox(mum.page, 'Groceries', 'Eggs'));
    await goOffline(mum.context, mum.page);
    await mum.page.reload();
    await visible(checkbox(mum.page, 'Groceries', 'Bread'));
    await visible(mum.page.getByText(/offline: showing the list as last loaded/));
    expect(await aisles(mum.page)).toEqual(['Dairy and eggs', 'Bakery']);

    await checkbox(mum.page, 'Groceries', 'Milk').check();
    await checkbox(mum.page, 'Groceries', 'Eggs').check();
    await mum.page.getByLabel('Item', { exact: true }).fill('Coffee');
    await mum.page.getByLabel('How many').fill('1');
    await mum.page.getByRole('button', { name: 'Add item' }).click();
    await visible(checkbox(mum.page, 'Groceries', 'Coffee'));
    await checkbox(mum.page, 'Groceries', 'Coffee').check();
    await visible(mum.page.getByText('4 changes waiting to be sent when there is signal again'));
    expect(await seriousViolations(mum.page)).toEqual([]);
    // Still on the page after a reload with no signal: the outbox is kept in the browser.
    await mum.page.reload();
    await visible(mum.page.getByText('4 changes waiting to be sent when there is signal again'));
    expect(await checkbox(mum.page, 'Groceries', 'Milk').isChecked()).toBe(true);

    // Dad, at home with signal: adds coffee too (two of them) and tea, and takes the eggs off.
    await openSignedIn(dad.page, web, 'family', 'shopping');
    await visible(checkbox(dad.page, 'Groceries', 'Milk'));
    for (const [name, quantity] of [
      ['coffee', '2'],
      ['Tea', ''],
    ] as const) {
      await dad.page.getByLabel('Item', { exact: true }).fill(name);
      await dad.page.getByLabel('How many').fill(quantity);
      await dad.page.getByRole('button', { name: 'Add item' }).click();
      await visible(checkbox(dad.page, 'Groceries', name));
    }
    const removed = await web.http(
      'localhost',
      `/family/api/shopping-lists/${list.list_id}/items/${ids.Eggs}`,
      {
        method: 'DELETE',
        headers: { authorization: `Bearer ${dad.token.token}`, 'idempotency-key': randomUUID() },
      },
    );
    expect(removed.status).toBe(200);
    await dad.page.waitForFunction(() => !document.body.textContent?.includes('Eggs'));
    // Nothing of mum's has reached the server.
    expect(await checkbox(dad.page, 'Groceries', 'Milk').isChecked()).toBe(false);

    // Back in signal: mum's queue drains in order.
    // Still offline, a reload shows the list as mum last loaded it, with her changes on top.
    await mum.page.reload();
    await visible(mum.page.getByText('4 changes waiting to be sent when there is signal again'));
    await visible(checkbox(mum.page, 'Groceries', 'Eggs'));
    expect(await checkbox(mum.page, 'Groceries', 'Tea').count()).toBe(0);

    await goOnline(mum.context);
    await mum.page.waitForFunction(
      () => !document.body.textContent?.includes('waiting to be sent'),
      undefined,
      {
        timeout: 30_000,
      },
    );
    await visible(
      mum.page.getByText('“Eggs” had been removed from the list meanwhile, so your tick was not needed.'),
    );
    expect(await seriousViolations(mum.page)).toEqual([]);

    // What the server holds: both coffees on one line (ticked by mum, who bought one), dad's tea,
    // mum's milk ticked, no eggs.
    const final = (await call(dad.token, 'GET', `/family/api/shopping-lists/${list.list_id}`)).body;
    const shown = final.items.map((i: { name: string; quantity: number | null; checked: boolean }) => [
      i.name,
      i.quantity,
      i.checked,
    ]);
    expect(shown).toEqual([
      ['Milk', null, true],
      ['Bread', null, false],
      ['coffee', 3, true],
      ['Tea', null, false],
    ]);
    // Both pages come to show that list: dad's live, mum's after the drain and the stream's replay.
    const labels = (page: Page) =>
      page
        .getByRole('list', { name: 'Items on Groceries' })
        .getByRole('checkbox')
        .evaluateAll((boxes) =>
          boxes.map(
            (box) =>
              `${box.parentElement?.textContent?.trim()}${(box as HTMLInputElement).checked ? ' ✓' : ''}`,
          ),
        );
    for (const page of [mum.page, dad.page]) {
      await expect
        .poll(() => labels(page), { timeout: 15_000 })
        .toEqual(['Milk ✓', 'Bread', 'coffee · 3 ✓', 'Tea']);
      await visible(page.getByText('2 of 4 still to buy'));
    }
    expect(await seriousViolations(dad.page)).toEqual([]);
    expect(await cspViolations(mum.page)).toEqual([]);
    await mum.context.close();
    await dad.context.close();
  }, 180_000);

  it('opens HowToCookAtHome’s list offline, by aisle, and sends the ticks and additions made there when the signal returns', async () => {
    const cook = await signedIn(newUser('cook'));
    const made = await apiAs(web)(cook.token, 'POST', '/recipes/api/shopping-lists', {
      list_name: 'Market',
      items: ['2 kg potatoes', '1 bunch parsley'],
    });
    expect(made.status).toBe(201);
    await openControlled(cook.page, 'recipes', 'shopping');
    await visible(checkbox(cook.page, 'Market', '2 kg potatoes'));
    await goOffline(cook.context, cook.page);
    await cook.page.reload();
    await visible(checkbox(cook.page, 'Market', '1 bunch parsley'));
    await checkbox(cook.page, 'Market', '2 kg potatoes').check();
    // Milk added in the shop with no signal, shown at once in its aisle as waiting.
    const form = cook.page.getByRole('form', { name: 'Add to Market' });
    await form.getByLabel('Item').fill('milk');
    await form.getByLabel('How many').fill('2');
    await form.getByRole('button', { name: 'Add item' }).click();
    await visible(cook.page.getByText('2 changes waiting to be sent when there is signal again'));
    await visible(
      cook.page
        .getByRole('list', { name: 'Other' })
        .getByRole('checkbox', { name: /milk · waiting to be sent/ }),
    );
    expect(await seriousViolations(cook.page)).toEqual([]);
    // Meanwhile, on another device with signal, milk was added too: one line when both are in.
    const other = await web.http('localhost', `/recipes/api/shopping-lists/${made.body.list_id}/items`, {
      body: { name: 'Milk', quantity: 1 },
      headers: { authorization: `Bearer ${cook.token.token}`, 'idempotency-key': 'other-device-1' },
    });
    expect(other.status).toBe(201);
    await goOnline(cook.context);
    await cook.page.waitForFunction(
      () => !document.body.textContent?.includes('waiting to be sent'),
      undefined,
      {
        timeout: 30_000,
      },
    );
    const saved = (await apiAs(web)(cook.token, 'GET', `/recipes/api/shopping-lists/${made.body.list_id}`))
      .body;
    expect(
      saved.items.map((i: { name: string; checked: boolean; quantity: number; aisle: string }) => [
        i.name,
        i.quantity,
        i.checked,
        i.aisle,
      ]),
    ).toEqual([
      ['potatoes', 2, true, 'produce'],
      ['parsley', 1, false, 'produce'],
      ['Milk', 3, false, 'dairy'],
    ]);
    // Grouped by aisle, in the order the cook walks the store (set on the page, saved).
    await visible(cook.page.getByRole('heading', { name: 'Dairy and eggs' }));
    const headings = () =>
      cook.page.getByRole('list', { name: 'Items on Market' }).getByRole('heading').allTextContents();
    expect(await headings()).toEqual(['Fruit and vegetables', 'Dairy and eggs']);
    await cook.page.getByText('Store and aisle order').click();
    const order = cook.page.getByRole('form', { name: 'Store and aisle order' });
    await order.getByLabel('Store').fill('Corner shop');
    await order.getByRole('button', { name: 'Move Dairy and eggs up' }).click();
    await order.getByRole('button', { name: 'Move Dairy and eggs up' }).click();
    await order.getByRole('button', { name: 'Save the order' }).click();
    await cook.page.waitForFunction(() =>
      document.body.textContent?.includes('Store and aisle order: Corner shop'),
    );
    expect(await headings()).toEqual(['Dairy and eggs', 'Fruit and vegetables']);
    expect(await seriousViolations(cook.page)).toEqual([]);
    await cook.context.close();
  }, 150_000);

  it('serves each app’s manifest and icons, linked from its page', async () => {
    const get = async (app: 'family' | 'recipes', pathname: string) => {
      const answer = await request(`http://127.0.0.1:${web.port}${pathname}`, {
        headers: { host: `${HOSTS[app]}:${web.port}` },
      });
      return {
        status: answer.statusCode,
        type: String(answer.headers['content-type']),
        text: await answer.body.text(),
      };
    };
    for (const app of ['family', 'recipes'] as const) {
      const page = await get(app, '/shopping');
      expect(page.status).toBe(200);
      expect(page.text).toContain('<link rel="manifest" href="./manifest.webmanifest" />');
      const manifest = await get(app, '/manifest.webmanifest');
      expect(manifest.status).toBe(200);
      expect(manifest.type).toMatch(/^application\/manifest\+json/);
      const parsed = JSON.parse(manifest.text);
      expect(parsed).toMatchObject({ start_url: './shopping', scope: './', display: 'standalone' });
      for (const icon of parsed.icons as { src: string; type: string }[]) {
        const answer = await get(app, `/${icon.src.replace('./', '')}`);
        expect(answer.status, icon.src).toBe(200);
        expect(answer.type, icon.src).toBe(icon.type);
      }
      const worker = await get(app, '/sw.js');
      expect(worker.type).toMatch(/^text\/javascript/);
      expect(worker.text).not.toMatch(/^\s*(import|export)\b/m);
    }
  });
});

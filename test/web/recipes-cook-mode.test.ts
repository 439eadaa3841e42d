/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// HowToCookAtHome's cook mode and print, in Debian's Chromium against the real services: a recipe
// stepped through with the arrow keys, the ingredients each step names shown with it, a timer
// started from the step's words that keeps counting on the next step and says when it is done
// (Playwright's clock moves time on), the screen kept awake through the Wake Lock API (recorded
// by a stand-in navigator.wakeLock) and asked for again when the page comes back; then the recipe
// (an imported one with its full source address) and one shopping list as print media shows
// them: no navigation or buttons, the content there.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
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
  visible,
  type WebPlatform,
} from './support.ts';

/** A stand-in Screen Wake Lock and print(): they record what the page asked for. */
function recordWakeLockAndPrint() {
  const w = window as unknown as {
    __wake: { requests: string[]; sentinels: Array<{ release(): Promise<void> }> };
    __prints: number;
  };
  w.__wake = { requests: [], sentinels: [] };
  w.__prints = 0;
  Object.defineProperty(navigator, 'wakeLock', {
    configurable: true,
    value: {
      async request(type: string) {
        w.__wake.requests.push(type);
        const sentinel = Object.assign(new EventTarget(), {
          type,
          released: false,
          async release() {
            if (sentinel.released) return;
            sentinel.released = true;
            sentinel.dispatchEvent(new Event('release'));
          },
        });
        w.__wake.sentinels.push(sentinel);
        return sentinel;
      },
    },
  });
  window.print = () => {
    w.__prints += 1;
  };
}

const wakeRequests = (page: Page) =>
  page.evaluate(() => (window as unknown as { __wake: { requests: string[] } }).__wake.requests.length);
const prints = (page: Page) => page.evaluate(() => (window as unknown as { __prints: number }).__prints);

describe.skipIf(!hasChromium)('web: HowToCookAtHome cook mode and print', () => {
  let web: WebPlatform;
  let browser: Browser;
  /** A recipe site, for a recipe imported with its source address. */
  let site: Server;
  let origin: string;

  beforeAll(async () => {
    const page = readFileSync(path.resolve('src/recipes/service/import-pages/wordpress-graph.html'));
    site = createServer((req, res) => {
      res.writeHead(req.url === '/lemon-drizzle-cake/' ? 200 : 404, { 'content-type': 'text/html' });
      res.end(req.url === '/lemon-drizzle-cake/' ? page : '');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    [web, browser] = await Promise.all([
      startWebPlatform({ RECIPE_IMPORT_ALLOWED_HOSTS: new URL(origin).host }),
      launchChromium(),
    ]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await new Promise((resolve) => site?.close(resolve));
  });

  const a11y = async (page: Page) => {
    await settled(page);
    return seriousViolations(page);
  };

  async function signedIn(init?: () => void) {
    const user = newUser('cook');
    const context = await newContext(browser);
    context.setDefaultTimeout(30_000);
    if (init) await context.addInitScript(init);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.warn(`[${user.username}] page error: ${error.message}`));
    await signUpOnAccount(page, web, user);
    await openSignedIn(page, web, 'recipes', 'recipes');
    const login = await web.http('account', '/api/auth/login', {
      body: { login: user.username, password: user.password },
    });
    const authorization = `Bearer ${login.body.access_token}`;
    const api = async (pathname: string, body: unknown) => {
      const answer = await web.http('localhost', pathname, { body, headers: { authorization } });
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
      return answer.body;
    };
    return { context, page, api };
  }

  const stepHeading = (page: Page, n: number, of: number) =>
    page.getByRole('heading', { level: 2, name: `Step ${n} of ${of}` });

  it('steps through a recipe by keyboard with its ingredients, runs a timer to the end and keeps the screen awake', async () => {
    const { context, page, api } = await signedIn(recordWakeLockAndPrint);
    const cake = await api('/recipes/api/recipes', {
      recipe_name: 'Lemon drizzle cake',
      serves: 8,
      prep_time_minutes: 20,
      cook_time_minutes: 50,
      ingredients: [
        { name: 'butter', quantity: 225, unit: 'g' },
        { name: 'caster sugar', quantity: 225, unit: 'g' },
        { name: 'eggs', quantity: 4, unit: null },
        { name: 'self-raising flour', quantity: 225, unit: 'g' },
        { name: 'lemons', quantity: 2, unit: null },
      ],
      instructions: [
        'Heat the oven to 180 C.',
        'Beat the butter and sugar until pale, then beat in the eggs one at a time.',
        'Fold in the flour and the zest of the lemons.',
        'Bake 45–50 minutes, then leave for 10 minutes.',
        'Pour the syrup over the cake while it is warm.',
      ],
    });
    // Time stands still until the test moves it.
    await page.clock.install();
    await page.goto(web.at('recipes', `/recipes?id=${cake.recipe_id}`));
    await visible(page.getByRole('heading', { level: 1, name: 'Lemon drizzle cake' }));
    await page.getByRole('link', { name: 'Cook mode' }).click();

    await visible(stepHeading(page, 1, 5));
    await visible(page.getByText('Heat the oven to 180 C.'));
    await visible(page.getByText('The screen stays on while you cook.'));
    expect(await wakeRequests(page)).toBeGreaterThanOrEqual(1);
    // The step has the focus: a screen reader reads it, the arrows work at once.
    expect(await page.evaluate(() => document.activeElement?.classList.contains('cook-step'))).toBe(true);
    // Step 1 names no ingredient; the whole list is one press away.
    await visible(page.getByText('This step names none of the ingredients'));
    await page.getByRole('button', { name: 'Show all ingredients' }).click();
    expect(await page.getByRole('list', { name: 'All ingredients' }).getByRole('listitem').count()).toBe(5);
    await page.getByRole('button', { name: 'Show all ingredients' }).click();
    expect(await page.getByRole('button', { name: 'Previous step' }).isDisabled()).toBe(true);
    expect(await a11y(page)).toEqual([]);

    await page.keyboard.press('ArrowRight');
    await visible(stepHeading(page, 2, 5));
    const forStep = page.getByRole('list', { name: 'Ingredients for this step' });
    expect(await forStep.getByRole('listitem').allTextContents()).toEqual([
      '225 g butter',
      '225 g caster sugar',
      '4 eggs',
    ]);
    await page.keyboard.press('ArrowRight');
    await visible(stepHeading(page, 3, 5));
    expect(await forStep.getByRole('listitem').allTextContents()).toEqual([
      '225 g self-raising flour',
      '2 lemons',
    ]);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowLeft');
    await visible(stepHeading(page, 3, 5));
    await page.getByRole('button', { name: 'Next step' }).click();
    await visible(stepHeading(page, 4, 5));

    // Two times in the step, two timers to start; a range counts from its shorter end.
    await visible(page.getByRole('button', { name: 'Start timer: 10 minutes' }));
    await page.getByRole('button', { name: 'Start timer: 45–50 minutes (from 45 minutes)' }).click();
    const timers = page.getByRole('region', { name: 'Timers' });
    await visible(timers.getByText('Step 4: 45 minutes'));
    // Time still runs, slowly, as the test goes on: a second may have passed.
    await visible(timers.getByText(/^(45:00|44:5\d) left$/));
    expect(await a11y(page)).toEqual([]);

    // It keeps counting on the next step.
    await page.keyboard.press('ArrowRight');
    await visible(stepHeading(page, 5, 5));
    expect(await page.getByRole('button', { name: 'Next step' }).isDisabled()).toBe(true);
    await page.clock.fastForward('30:00');
    await visible(timers.getByText(/^1[45]:\d\d left$/));
    await page.clock.fastForward('15:00');
    await visible(timers.getByText('Done!'));
    expect(await timers.locator('.cook-timer--done').count()).toBe(1);
    const said = page.locator('[aria-live="assertive"]');
    expect(await said.textContent()).toBe('Time is up: Step 4: 45 minutes.');
    expect(await a11y(page)).toEqual([]);

    // The browser lets the lock go (the tab was hidden); coming back asks for it again.
    const before = await wakeRequests(page);
    await page.evaluate(() =>
      (window as unknown as { __wake: { sentinels: Array<{ release(): Promise<void> }> } }).__wake.sentinels
        .at(-1)
        ?.release(),
    );
    await visible(page.getByText('The screen may turn off while this page is hidden'));
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await visible(page.getByText('The screen stays on while you cook.'));
    expect(await wakeRequests(page)).toBe(before + 1);

    await page.getByRole('button', { name: 'Leave cook mode' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Lemon drizzle cake' }));
    expect(new URL(page.url()).searchParams.has('cook')).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cook mode');
    await context.close();
  });

  it('says quietly when the browser cannot keep the screen on', async () => {
    const { context, page, api } = await signedIn(() => {
      // biome-ignore lint/suspicious/noExplicitAny: removing what the browser has, for the test.
      delete (Navigator.prototype as any).wakeLock;
    });
    const soup = await api('/recipes/api/recipes', {
      recipe_name: 'Tomato soup',
      ingredients: [{ name: 'tomatoes', quantity: 6, unit: null }],
      instructions: ['Simmer the tomatoes for 20 minutes.'],
    });
    await page.goto(web.at('recipes', `/recipes?id=${soup.recipe_id}&cook=1`));
    await visible(stepHeading(page, 1, 1));
    await visible(page.getByText('This browser cannot keep the screen on'));
    expect(await page.getByRole('alert').count()).toBe(0);
    await context.close();
  });

  it('prints a recipe and one shopping list without navigation or buttons', async () => {
    const { context, page, api } = await signedIn(recordWakeLockAndPrint);
    const stew = await api('/recipes/api/recipes', {
      recipe_name: 'Bean stew',
      serves: 4,
      cook_time_minutes: 40,
      ingredients: [
        { name: 'white beans', quantity: 800, unit: 'g' },
        { name: 'onion', quantity: 1, unit: null },
      ],
      instructions: ['Soften the onion.', 'Add the beans and simmer 30 minutes.'],
    });
    await page.goto(web.at('recipes', `/recipes?id=${stew.recipe_id}`));
    await visible(page.getByRole('heading', { level: 1, name: 'Bean stew' }));
    await page.getByRole('button', { name: 'Print' }).click();
    expect(await prints(page)).toBe(1);

    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('navigation', { name: 'Main' }).isHidden()).toBe(true);
    expect(await page.getByRole('link', { name: 'Cook mode' }).isHidden()).toBe(true);
    expect(await page.locator('button:visible, .button:visible').count()).toBe(0);
    expect(await page.getByRole('link', { name: '← All recipes' }).isHidden()).toBe(true);
    expect(await page.getByLabel('Servings').isHidden()).toBe(true);
    await visible(page.getByRole('heading', { level: 1, name: 'Bean stew' }));
    await visible(page.getByRole('heading', { name: 'Ingredients for 4' }));
    expect(
      await page.getByRole('list', { name: 'Ingredients' }).getByRole('listitem').allTextContents(),
    ).toEqual(['800 g white beans', '1 onion']);
    await visible(page.getByRole('listitem').filter({ hasText: 'Add the beans and simmer 30 minutes.' }));
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
      'rgba(0, 0, 0, 0)',
    );
    await page.emulateMedia({ media: 'screen' });

    // An imported recipe prints the whole address it came from; on screen its host is enough.
    const imported = await api('/recipes/api/recipes/import', { url: `${origin}/lemon-drizzle-cake/` });
    await page.goto(web.at('recipes', `/recipes?id=${imported.recipe_id}`));
    await visible(page.getByRole('heading', { level: 1, name: 'Lemon Drizzle Cake' }));
    const sourceLine = page.getByText(`Source: ${origin}/lemon-drizzle-cake/`);
    expect(await sourceLine.isHidden()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    await visible(sourceLine);
    await visible(
      page.getByRole('listitem').filter({ hasText: 'Mix the lemon juice with the icing sugar.' }),
    );
    await page.emulateMedia({ media: 'screen' });

    await api('/recipes/api/shopping-lists', {
      list_name: 'Stew shop',
      items: ['800 g white beans', '1 onion'],
    });
    await api('/recipes/api/shopping-lists', { list_name: 'Party', items: ['2 l lemonade'] });
    await page.goto(web.at('recipes', '/shopping'));
    await visible(page.getByRole('heading', { level: 2, name: 'Stew shop' }));
    const stewList = page.getByRole('list', { name: 'Items on Stew shop' });
    await Promise.all([
      // A tick is sent as a setting (PUT …/checked), safe to resend from the offline outbox.
      page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith('/checked') && r.ok()),
      stewList.getByLabel('1 onion').check(),
    ]);
    expect(await a11y(page)).toEqual([]);
    await page.getByRole('button', { name: 'Print Stew shop' }).click();
    expect(await prints(page)).toBe(1);

    await page.emulateMedia({ media: 'print' });
    await visible(page.getByRole('heading', { level: 2, name: 'Stew shop' }));
    await visible(stewList.getByText('800 g white beans'));
    // Only that list, only what is left to buy, each with an empty box.
    expect(await page.getByRole('heading', { level: 2, name: 'Party' }).isHidden()).toBe(true);
    expect(await stewList.getByText('1 onion').isHidden()).toBe(true);
    expect(await page.getByRole('heading', { name: 'New shopping list' }).isHidden()).toBe(true);
    expect(await page.locator('button:visible, .button:visible, nav:visible').count()).toBe(0);
    const box = stewList.getByLabel('800 g white beans');
    expect(await box.evaluate((input) => getComputedStyle(input).appearance)).toBe('none');
    expect(await box.evaluate((input) => getComputedStyle(input).borderTopStyle)).toBe('solid');
    await context.close();
  });
});

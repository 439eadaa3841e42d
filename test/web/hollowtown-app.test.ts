/// <reference lib="dom" />
// Hollowtown's pages in Debian's Chromium for what a first hour asks of them: sharing a recipe
// to HowToCookAtHome and seeing where the copy is and whether it is up to date, an event's
// place, a costume's materials and picture, and changing a haunted-house room. Every new view is
// checked with axe.
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

describe.skipIf(!hasChromium)('web: Hollowtown', () => {
  let web: WebPlatform;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebPlatform(), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  const a11y = async (page: Page) => {
    await settled(page);
    return seriousViolations(page);
  };

  async function signedIn(view: string, user: TestUser = newUser('hta')) {
    const context = await newContext(browser);
    // Signing up hashes a password: on a busy two-core machine that alone can take seconds.
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    page.on('response', async (response) => {
      if (response.status() >= 400 && response.url().includes('/api/')) {
        console.warn(
          `[${user.username}] ${response.status()} ${response.request().method()} ${response.url()} ${await response.text().catch(() => '')}`,
        );
      }
    });
    page.on('pageerror', (error) => console.warn(`[${user.username}] page error: ${error.message}`));
    await signUpOnAccount(page, web, user);
    await openSignedIn(page, web, 'hollowtown', view);
    return { context, page, user, api: await apiAs(user) };
  }

  /** The same user's API from Node, to set up data a test is not about and to check what was stored. */
  async function apiAs(user: TestUser) {
    const login = await web.app.inject({
      method: 'POST',
      url: '/calos/api/auth/login',
      payload: { login: user.username, password: user.password },
    });
    expect(login.statusCode, login.body).toBe(200);
    const authorization = `Bearer ${login.json().access_token}`;
    return async (method: string, url: string, payload?: Record<string, unknown>) => {
      const response = await web.app.inject({
        method: method as 'GET',
        url,
        headers: { authorization },
        ...(payload ? { payload } : {}),
      });
      if (response.statusCode >= 400)
        throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
      return response.body ? response.json() : undefined;
    };
  }

  it('shares a recipe to HowToCookAtHome, links to the copy, and says when the copy has an edit', async () => {
    const { context, page, api } = await signedIn('recipes');
    const original = await api('POST', '/hollowtown/api/recipes/spooky', {
      recipe_name: 'Eyeball pasta',
      serves: 4,
      ingredients: [{ name: 'spaghetti', quantity: 400, unit: 'g' }],
      instructions: ['Boil the pasta.'],
    });
    await page.goto(web.at('hollowtown', `/recipes?id=${original.recipe_id}`));
    const panel = page.getByRole('region', { name: 'In HowToCookAtHome' });
    await panel.getByRole('button', { name: 'Share to HowToCookAtHome' }).click();
    await visible(panel.getByRole('status').getByText(/^Up to date: the copy has your latest edit/));
    const copyLink = panel.getByRole('link', { name: 'Open the copy in HowToCookAtHome' });
    const { recipe_id: copyId } = await api(
      'GET',
      `/hollowtown/api/recipes/spooky/${original.recipe_id}/share`,
    );
    expect(await copyLink.getAttribute('href')).toBe(web.at('recipes', `/recipes?id=${copyId}`));
    expect(await panel.getByRole('button', { name: 'Share to HowToCookAtHome' }).count()).toBe(0);
    expect(await a11y(page)).toEqual([]);

    // An edit here reaches the copy, and the page says so.
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill('Eyeball pasta, extra eyes');
    await page.getByRole('button', { name: 'Save recipe' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Eyeball pasta, extra eyes' }));
    await visible(panel.getByRole('status').getByText(/^Up to date/));
    expect(await api('GET', `/hollowtown/api/recipes/spooky/${original.recipe_id}/share`)).toMatchObject({
      version: 2,
      synced_version: 2,
      in_sync: true,
    });

    await copyLink.click();
    await visible(page.getByRole('heading', { level: 1, name: 'Eyeball pasta, extra eyes' }));
    await visible(page.getByRole('region', { name: 'Shared from Hollowtown, kept in sync' }));
    expect(new URL(page.url()).hostname).toBe('recipes.localhost');
    await context.close();
  });

  it('plans an event with where it is, and shows the place on the events list', async () => {
    const { context, page, api } = await signedIn('events');
    await page.getByLabel('Name').fill('Graveyard picnic');
    await page.getByLabel('When').fill('2030-10-31');
    await page.getByLabel('Where').fill('13 Elm Street');
    await page.getByRole('button', { name: 'Plan event' }).click();
    const events = page.getByRole('list', { name: 'Events' });
    await visible(events.locator('li', { hasText: 'Graveyard picnic' }).getByText(/· 13 Elm Street$/));
    expect(await a11y(page)).toEqual([]);
    const stored = await api('GET', '/hollowtown/api/events');
    expect(
      stored.items.map((e: { event_name: string; location: string }) => [e.event_name, e.location]),
    ).toEqual([['Graveyard picnic', '13 Elm Street']]);
    await events.getByRole('link', { name: 'Graveyard picnic' }).click();
    await visible(page.getByText(/13 Elm Street/));
    await context.close();
  });

  it('shares a costume with its materials and a link to its picture; a link that is not a web address is refused', async () => {
    const { context, page, api } = await signedIn('costumes');
    const form = page.getByRole('form', { name: 'Share a costume idea' });
    await form.getByLabel('Costume', { exact: true }).fill('Mummy wrap');
    await form.getByLabel('Materials').fill('6 rolls of gauze\nsafety pins');
    await form.getByLabel('Picture').fill('ftp://example.com/mummy.jpg');
    await form.getByRole('button', { name: 'Share costume' }).click();
    await visible(form.getByRole('alert').getByText('Picture must be a web address starting with https://.'));
    expect((await api('GET', '/hollowtown/api/costumes?scope=mine')).items).toEqual([]);

    await form.getByLabel('Picture').fill('https://images.example.com/mummy.jpg');
    await form.getByRole('button', { name: 'Share costume' }).click();
    const card = page.getByRole('list', { name: 'Costumes' }).locator('li', { hasText: 'Mummy wrap' });
    await visible(card.getByText('Materials: 6 rolls of gauze, safety pins'));
    const picture = card.getByRole('link', { name: 'See a picture of Mummy wrap' });
    expect(await picture.getAttribute('href')).toBe('https://images.example.com/mummy.jpg');
    expect(await picture.getAttribute('rel')).toContain('noopener');
    await visible(card.getByText('(on images.example.com, opens a new tab)'));
    expect(await a11y(page)).toEqual([]);
    const [costume] = (await api('GET', '/hollowtown/api/costumes?scope=mine')).items;
    expect(costume).toMatchObject({
      image_url: 'https://images.example.com/mummy.jpg',
      materials: [
        { name: '6 rolls of gauze', quantity: null, unit: null, note: null },
        { name: 'safety pins', quantity: null, unit: null, note: null },
      ],
    });
    await context.close();
  });

  it('changes a haunted-house room in place, keeping what its props said, and gives the keyboard back', async () => {
    const { context, page, api } = await signedIn('haunted-house');
    // Made through the API with a counted prop, which the form shows as one line.
    await api('POST', '/hollowtown/api/haunted-house/plans', {
      room_name: 'Crypt of whispers',
      scare_level: 6,
      props_needed: [{ name: 'plastic skulls', quantity: 12, note: 'glow in the dark' }],
      setup_instructions: ['Dim the lights'],
    });
    await page.reload();
    const rooms = page.getByRole('list', { name: 'Rooms' });
    await visible(rooms.getByText('Props: 12 plastic skulls (glow in the dark)'));
    await rooms.getByRole('button', { name: 'Edit Crypt of whispers' }).click();
    const form = rooms.getByRole('form', { name: 'Change Crypt of whispers' });
    await visible(form);
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe(
      'Crypt of whispers',
    );
    expect(await form.getByLabel('Props needed').inputValue()).toBe('12 plastic skulls (glow in the dark)');
    expect(await a11y(page)).toEqual([]);

    // Cancel changes nothing.
    await form.getByLabel('Room').fill('Nope');
    await form.getByRole('button', { name: 'Cancel' }).click();
    await visible(rooms.getByRole('heading', { name: 'Crypt of whispers' }));

    await rooms.getByRole('button', { name: 'Edit Crypt of whispers' }).click();
    await form.getByLabel('Room').fill('Crypt of screams');
    await form.getByLabel('Scare level').selectOption('9');
    await form.getByLabel('Props needed').fill('12 plastic skulls (glow in the dark)\nfog machine');
    await form.getByRole('button', { name: 'Save room' }).click();
    await visible(rooms.getByRole('heading', { name: 'Crypt of screams' }));
    await visible(rooms.getByText('Scare level 9 of 10'));
    await page.waitForFunction(
      () => document.activeElement?.getAttribute('aria-label') === 'Edit Crypt of screams',
    );
    const [room] = (await api('GET', '/hollowtown/api/haunted-house/plans')).items;
    expect(room).toMatchObject({
      room_name: 'Crypt of screams',
      scare_level: 9,
      props_needed: [
        { name: 'plastic skulls', quantity: 12, note: 'glow in the dark' },
        { name: 'fog machine', quantity: null },
      ],
      setup_instructions: ['Dim the lights'],
    });
    await context.close();
  });
});

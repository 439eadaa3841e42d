/// <reference lib="dom" />
// The public pages in Debian's Chromium, without a session: a Hollowtown recipe, a costume and a
// HowToCookAtHome recipe on their apps' own hosts, each checked with axe and against the pages'
// Content-Security-Policy; the copy-link button copies the canonical URL; and the Share link in
// the app's own view of a published recipe leads there.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cspViolations,
  hasChromium,
  launchChromium,
  newContext,
  newUser,
  openSignedIn,
  seriousViolations,
  signInOnAccount,
  startWebPlatform,
  type TestUser,
  visible,
  type WebPlatform,
} from './support.ts';

describe.skipIf(!hasChromium)('web: public pages', () => {
  let web: WebPlatform;
  let browser: Browser;
  let author: TestUser & { token: string };
  const ids: Record<string, string> = {};

  const call = async (app: 'hollowtown' | 'recipes', pathname: string, body: unknown) => {
    const answer = await web.http(app, pathname, {
      body,
      headers: { authorization: `Bearer ${author.token}` },
    });
    if (answer.status !== 201)
      throw new Error(`${pathname}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebPlatform(), launchChromium()]);
    const user = newUser('cook');
    const registered = await web.http('account', '/api/auth/register', {
      body: { username: user.username, email: user.email, password: user.password, display_name: 'Morticia' },
    });
    expect(registered.status).toBe(201);
    author = { ...user, token: registered.body.access_token };
    ids.spooky = (
      await call('hollowtown', '/api/recipes/spooky', {
        recipe_name: 'Graveyard dirt cups',
        description: 'Chocolate pudding under cookie-crumb soil, with gummy worms crawling out.',
        spookiness_level: 7,
        difficulty: 'easy',
        ingredients: ['500 g chocolate pudding', '12 gummy worms', '2 cups crushed chocolate cookies'],
        instructions: ['Spoon the pudding into cups.', 'Cover with crushed cookies.', 'Add the worms.'],
        prep_time_minutes: 20,
        serves: 6,
        tags: ['no-bake'],
        is_published: true,
      })
    ).recipe_id;
    ids.costume = (
      await call('hollowtown', '/api/costumes', {
        costume_name: 'Cardboard robot',
        description: 'Boxes, foil and a lot of tape.',
        materials: [{ name: 'cardboard boxes', quantity: 3 }],
        cost_estimate_cents: 1250,
      })
    ).costume_id;
    ids.recipe = (
      await call('recipes', '/api/recipes', {
        recipe_name: 'Pumpkin soup',
        description: 'Roasted pumpkin, onion and stock, blended smooth.',
        prep_time_minutes: 15,
        cook_time_minutes: 45,
        serves: 4,
        ingredients: ['1 kg pumpkin', '1 onion', '750 ml vegetable stock'],
        instructions: ['Roast the pumpkin.', 'Soften the onion.', 'Simmer with the stock and blend.'],
        is_published: true,
      })
    ).recipe_id;
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  for (const [name, app, path, heading] of [
    ['a Hollowtown recipe', 'hollowtown', () => `/r/${ids.spooky}`, 'Graveyard dirt cups'],
    ['a costume idea', 'hollowtown', () => `/c/${ids.costume}`, 'Cardboard robot'],
    ['a HowToCookAtHome recipe', 'recipes', () => `/r/${ids.recipe}`, 'Pumpkin soup'],
    ["the author's profile", 'hollowtown', () => `/u/${author.username}`, 'Morticia'],
  ] as const) {
    it(`shows ${name} to anyone, accessibly, within its Content-Security-Policy`, async () => {
      const context = await newContext(browser);
      const page = await context.newPage();
      const response = await page.goto(web.at(app, path()));
      expect(response?.status()).toBe(200);
      await visible(page.getByRole('heading', { level: 1, name: heading }));
      // The share card (or photo) has loaded.
      if (!path().startsWith('/u/')) {
        const loaded = await page
          .locator('img.hero')
          .evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth));
        expect(loaded).toBe(1200);
      }
      expect(await seriousViolations(page)).toEqual([]);
      expect(await cspViolations(page)).toEqual([]);
      await context.close();
    });
  }

  it('copies the canonical link, and shows the system share button only where the browser has one', async () => {
    const context = await newContext(browser);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: web.at('hollowtown', ''),
    });
    const page = await context.newPage();
    await page.goto(web.at('hollowtown', `/r/${ids.spooky}`));
    const share = page.getByRole('region', { name: 'Share' });
    await share.getByRole('button', { name: 'Copy link' }).click();
    await visible(share.getByText('Link copied.'));
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      web.at('hollowtown', `/r/${ids.spooky}`),
    );
    const hasShare = await page.evaluate(() => typeof navigator.share === 'function');
    expect(await share.getByRole('button', { name: 'Share…' }).isVisible()).toBe(hasShare);
    for (const network of ['Pinterest', 'Facebook', 'X'])
      expect(
        await share.getByRole('link', { name: new RegExp(`^${network}`) }).getAttribute('href'),
      ).toContain(encodeURIComponent(web.at('hollowtown', `/r/${ids.spooky}`)));
    expect(await cspViolations(page)).toEqual([]);
    await context.close();
  });

  it("leads from the app's own view of a published recipe to its public page", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signInOnAccount(page, web, author);
    await openSignedIn(page, web, 'hollowtown', `recipes?id=${ids.spooky}`);
    await page.getByRole('link', { name: /^Share Graveyard dirt cups/ }).click();
    await page.waitForURL(web.at('hollowtown', `/r/${ids.spooky}`));
    await visible(page.getByRole('heading', { level: 1, name: 'Graveyard dirt cups' }));
    await openSignedIn(page, web, 'recipes', `recipes?id=${ids.recipe}`);
    await page.getByRole('link', { name: /^Share Pumpkin soup/ }).click();
    await page.waitForURL(web.at('recipes', `/r/${ids.recipe}`));
    await context.close();
  });
});

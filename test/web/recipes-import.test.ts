/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Importing a recipe in HowToCookAtHome, in Debian's Chromium against the real services: a
// recipe page (a saved shape of a real one, served locally) imported by its address and opened
// with its source link; pasted text imported without the AI; a private address refused in words.
// Each view is checked with axe.
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

const pages = path.resolve('src/recipes/service/import-pages');

describe.skipIf(!hasChromium)('web: importing a recipe', () => {
  let web: WebPlatform;
  let browser: Browser;
  let site: Server;
  let origin: string;

  beforeAll(async () => {
    site = createServer((req, res) => {
      if (req.url === '/lemon-drizzle-cake/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(readFileSync(path.join(pages, 'wordpress-graph.html')));
        return;
      }
      res.writeHead(404);
      res.end();
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

  async function signedIn() {
    const context = await newContext(browser);
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    await signUpOnAccount(page, web, newUser('imp'));
    await openSignedIn(page, web, 'recipes', 'recipes');
    return { context, page };
  }

  it('imports a recipe page by its address and opens it with its source link', async () => {
    const { context, page } = await signedIn();
    await page.getByRole('link', { name: 'Import a recipe' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Import a recipe' }));
    expect(await a11y(page)).toEqual([]);

    // A private address is refused, and said so next to the field.
    await page.getByLabel('Address of the recipe page').fill('http://10.0.0.7/recipes/cake');
    await page.getByRole('button', { name: 'Import from the page' }).click();
    await visible(page.getByText(/10\.0\.0\.7 is a private, local or reserved address/));
    expect(await a11y(page)).toEqual([]);

    await page.getByLabel('Address of the recipe page').fill(`${origin}/lemon-drizzle-cake/`);
    await page.getByRole('button', { name: 'Import from the page' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Lemon Drizzle Cake' }));
    await visible(
      page.getByRole('list', { name: 'Ingredients' }).getByText('225 g unsalted butter, softened'),
    );
    await visible(page.getByText('For the drizzle: Mix the lemon juice with the icing sugar.'));
    const source = page.getByRole('link', { name: '127.0.0.1' });
    expect(await source.getAttribute('href')).toBe(`${origin}/lemon-drizzle-cake/`);
    await visible(page.getByText('Private: only you can see it.'));
    expect(await a11y(page)).toEqual([]);
    await context.close();
  });

  it('imports pasted text with Ingredients and Method headings', async () => {
    const { context, page } = await signedIn();
    await page.goto(`${page.url().split('?')[0]}?import`);
    await page
      .getByLabel('The recipe', { exact: true })
      .fill(
        'Overnight oats\nServes 2\n\nIngredients\n100 g rolled oats\n200 ml milk\n\nMethod\nStir together.\nChill overnight.',
      );
    await page.getByRole('button', { name: 'Import the text' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Overnight oats' }));
    await visible(page.getByText('Imported from pasted text.'));
    await visible(page.getByRole('list', { name: 'Ingredients' }).getByText('200 ml milk'));
    expect(await a11y(page)).toEqual([]);
    await context.close();
  });
});

/// <reference lib="dom" />
// "Your data" in the account console, in Debian's Chromium with axe: download the archive (the
// browser saves the zip, read back here with yauzl), import it as another account (the summary
// says what came in, and the recipe is theirs), a wrong password and a file that is not an
// archive said in words.
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBufferPromise } from 'yauzl';
import {
  apiAs,
  hasChromium,
  launchChromium,
  newContext,
  newUser,
  seriousViolations,
  signUpOnAccount,
  startWebPlatform,
  tokenOf,
  visible,
  type WebPlatform,
} from './support.ts';

async function entriesOf(buffer: Buffer): Promise<Map<string, string>> {
  const zip = await fromBufferPromise(buffer, { lazyEntries: true });
  const files = new Map<string, string>();
  for await (const entry of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    files.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
  }
  zip.close();
  return files;
}

describe.skipIf(!hasChromium)('web: your data in the account console', () => {
  let web: WebPlatform;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebPlatform(), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('downloads the archive, and another account imports it', async () => {
    const context = await newContext(browser, {});
    const page = await context.newPage();
    const alice = newUser('data');
    await signUpOnAccount(page, web, alice);
    const api = apiAs(web);
    const token = await tokenOf(web, alice);
    const recipe = await api(token, 'POST', '/recipes/api/recipes', {
      recipe_name: 'Moving-day chili',
      difficulty: 'easy',
    });
    expect(recipe.status).toBe(201);

    await page.getByRole('link', { name: 'Your data' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Your data' }));
    expect(await seriousViolations(page)).toEqual([]);

    const download = page.getByRole('form', { name: 'Download your data' });
    await download.getByLabel('Your password').fill('not my password');
    await download.getByRole('button', { name: 'Download my data' }).click();
    await visible(download.getByRole('alert'));
    expect(await download.getByRole('alert').textContent()).toMatch(/password/i);

    await download.getByLabel('Your password').fill(alice.password);
    // The page asks for a ticket and lets the browser fetch the zip itself (saved as it streams).
    const asked: string[] = [];
    page.on('request', (request) => asked.push(`${request.method()} ${new URL(request.url()).pathname}`));
    const [saved] = await Promise.all([
      page.waitForEvent('download'),
      download.getByRole('button', { name: 'Download my data' }).click(),
    ]);
    expect(saved.suggestedFilename()).toMatch(
      new RegExp(`^calos-data-${alice.username}-\\d{4}-\\d\\d-\\d\\d\\.zip$`),
    );
    const file = path.join(tmpdir(), `calos-web-${alice.username}.zip`);
    await saved.saveAs(file);
    const files = await entriesOf(await readFile(file));
    expect(files.get('README.md')).toContain('GDPR Art. 15');
    expect(files.get('recipes.json')).toContain('Moving-day chili');
    await visible(page.getByRole('status').filter({ hasText: /^Your download has started/ }));
    expect(asked).toContain('POST /api/account/export/ticket');
    expect(asked).not.toContain('POST /api/account/export');
    expect(new URL(saved.url()).pathname).toMatch(/^\/api\/account\/export\/[\w-]{40,}$/);
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();

    // Another account imports it: first something that is not an archive, then the archive.
    const other = await newContext(browser, {});
    const there = await other.newPage();
    const bob = newUser('data');
    await signUpOnAccount(there, web, bob);
    await there.goto(web.at('account', '/account/data'));
    const form = there.getByRole('form', { name: 'Import your data' });
    const notZip = path.join(tmpdir(), `calos-web-${bob.username}.zip`);
    await writeFile(notZip, 'not a zip');
    await form.getByLabel('Archive (.zip)').setInputFiles(notZip);
    await form.getByRole('button', { name: 'Import' }).click();
    await visible(form.getByRole('alert'));
    expect(await form.getByRole('alert').textContent()).toContain('not a CALOS data archive');

    await form.getByLabel('Archive (.zip)').setInputFiles(file);
    await form.getByRole('button', { name: 'Import' }).click();
    const summary = there.getByRole('status').filter({ hasText: 'Imported.' });
    await visible(summary);
    expect(await summary.textContent()).toContain('HowToCookAtHome: 1 new item');
    expect(await seriousViolations(there)).toEqual([]);
    const mine = await api(await tokenOf(web, bob), 'GET', '/recipes/api/recipes?scope=mine');
    expect(JSON.stringify(mine.body)).toContain('Moving-day chili');
    await other.close();
  });
});

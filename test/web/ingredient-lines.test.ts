/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Ingredient lines typed into the recipe forms of both apps, in Debian's Chromium: the preview
// shows how the server reads each line while the cook types (a line it cannot save says why,
// at the field), the saved recipe shows the lines as typed ("24 gummy worms", never "24 count
// gummy worms" or "gummy" as a unit), and editing reads them back the same. Checked with axe.
import type { Page } from 'playwright-core';
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

const TYPED = ['24 gummy worms', '1 pinch of sea salt', '2-3 apples', '1½ cups black cocoa powder', '½'];

describe.skipIf(!hasChromium)('web: ingredient lines in the recipe forms', () => {
  let web: WebPlatform;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

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

  /** Types the lines, reads the preview, fixes the line that names nothing, and saves. */
  async function writeLines(page: Page) {
    const field = page.getByLabel('Ingredients');
    await field.fill(TYPED.join('\n'));
    const preview = page.getByRole('table', { name: 'How the ingredient lines read' });
    await visible(preview.getByRole('row', { name: '24 — gummy worms' }));
    await visible(preview.getByRole('row', { name: '1 pinch sea salt' }));
    await visible(preview.getByRole('row', { name: '2–3 — apples' }));
    await visible(preview.getByRole('row', { name: '1½ cups black cocoa powder' }));
    // The line that names nothing says so at the field, in words, before anything is saved.
    await visible(
      page.getByText('Line 5 (“½”) names no ingredient (write what it is, e.g. “2 cups flour”).'),
    );
    expect(await field.getAttribute('aria-describedby')).toMatch(/-error/);
    expect(await a11y(page)).toEqual([]);

    // Saving anyway: the server refuses, and the form says which line.
    await page.getByRole('button', { name: 'Save recipe' }).click();
    await visible(page.getByRole('alert').getByText(/Line 5 \(“½”\) names no ingredient/));

    await field.fill([...TYPED.slice(0, 4), '½ tsp vanilla extract'].join('\n'));
    await visible(preview.getByRole('row', { name: '½ tsp vanilla extract' }));
    // The field no longer points at a problem (the refusal above stays until the next save).
    expect(await field.getAttribute('aria-describedby')).not.toMatch(/-error/);
    await page.getByRole('button', { name: 'Save recipe' }).click();
  }

  async function expectSaved(page: Page) {
    const list = page.getByRole('list', { name: 'Ingredients' });
    for (const line of [
      '24 gummy worms',
      '1 pinch sea salt',
      '2–3 apples',
      '1½ cups black cocoa powder',
      '½ tsp vanilla extract',
    ]) {
      await visible(list.getByText(line, { exact: true }));
    }
    expect(await list.getByText(/count|gummy worms · /).count()).toBe(0);
    expect(await a11y(page)).toEqual([]);
    // Editing reads the lines back the same.
    await page.getByRole('link', { name: 'Edit' }).click();
    const field = page.getByLabel('Ingredients');
    await visible(field);
    expect((await field.inputValue()).split('\n')).toEqual([
      '24 gummy worms',
      '1 pinch sea salt',
      '2–3 apples',
      '1½ cups black cocoa powder',
      '½ tsp vanilla extract',
    ]);
    const preview = page.getByRole('table', { name: 'How the ingredient lines read' });
    await visible(preview.getByRole('row', { name: '2–3 — apples' }));
  }

  it('reads the lines on the server in Hollowtown and in HowToCookAtHome alike', async () => {
    const context = await newContext(browser);
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.warn(`page error: ${error.message}`));
    await signUpOnAccount(page, web, newUser('ing'));

    await openSignedIn(page, web, 'hollowtown', 'recipes');
    await page.getByRole('link', { name: 'Write a recipe' }).click();
    await page.getByLabel('Name').fill('Graveyard dirt cups');
    await writeLines(page);
    await visible(page.getByRole('heading', { level: 1, name: 'Graveyard dirt cups' }));
    await expectSaved(page);

    await openSignedIn(page, web, 'recipes', 'recipes');
    await page.getByRole('link', { name: 'Add a recipe' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Worms in mud');
    await writeLines(page);
    await visible(page.getByRole('heading', { level: 1, name: 'Worms in mud' }));
    await expectSaved(page);
    await context.close();
  });
});

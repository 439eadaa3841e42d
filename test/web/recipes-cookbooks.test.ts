/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// HowToCookAtHome's cookbooks and comments in Debian's Chromium, against the real services: a
// cookbook shared with the cook's family made in the form, recipes added from their pages and
// put in order, what a family member sees in it (the cook's private recipe, read through the
// cookbook), and comments on a published recipe: written, edited, and someone else's reported.
// Each view is checked with axe.
import type { Browser, Page } from 'playwright-core';
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
  settled,
  signInOnAccount,
  signUpOnAccount,
  startWebPlatform,
  type TestUser,
  tokenOf,
  visible,
  type WebPlatform,
} from './support.ts';

describe.skipIf(!hasChromium)('web: HowToCookAtHome cookbooks and comments', () => {
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

  async function signedIn(view: string, user: TestUser) {
    const context = await newContext(browser);
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
    await openSignedIn(page, web, 'recipes', view);
    return { context, page };
  }

  it('makes a family cookbook, fills and orders it, shares it, and comments on a recipe', async () => {
    const cook = newUser('cbk');
    const { context, page } = await signedIn('cookbooks', cook);
    const call = apiAs(web);
    const cookToken = await tokenOf(web, cook);
    const family = await call(cookToken, 'POST', '/family/api/families', { family_name: 'The Tarts' });
    expect(family.status).toBe(201);
    const relative = newUser('cbr');
    const signUp = await web.http('account', '/api/auth/register', { body: relative });
    expect(signUp.status, JSON.stringify(signUp.body)).toBe(201);
    const relativeToken = await tokenOf(web, relative);
    await joinFamily(call, {
      familyId: family.body.family_id,
      admin: cookToken,
      invitee: relativeToken,
      login: relative.username,
    });
    const tart = (
      await call(cookToken, 'POST', '/recipes/api/recipes', {
        recipe_name: 'Lemon tart',
        is_published: true,
        ingredients: ['3 lemons'],
        instructions: ['Bake.'],
      })
    ).body;
    const soup = (
      await call(cookToken, 'POST', '/recipes/api/recipes', {
        recipe_name: 'Nan’s soup',
        ingredients: ['1 l stock'],
        instructions: ['Simmer slowly.'],
      })
    ).body;

    // The lists, then a new cookbook shared with the family.
    await visible(page.getByRole('heading', { level: 1, name: 'Cookbooks' }));
    await visible(page.getByText('No cookbooks yet'));
    expect(await a11y(page)).toEqual([]);
    await page.getByRole('link', { name: 'New cookbook' }).click();
    const form = page.getByRole('form', { name: 'New cookbook' });
    await form.getByLabel('Title').fill('Family favourites');
    await form.getByLabel('Description').fill('What we cook on Sundays');
    await form.getByLabel('Who may see it').selectOption('family');
    await visible(form.getByLabel('Family'));
    expect(await a11y(page)).toEqual([]);
    await form.getByRole('button', { name: 'Make cookbook' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Family favourites' }));
    await visible(page.getByText('No recipes yet'));
    expect(await a11y(page)).toEqual([]);

    // Added from the recipes' pages.
    for (const recipe of [tart, soup]) {
      await page.goto(web.at('recipes', `/recipes?id=${recipe.recipe_id}`));
      await visible(page.getByRole('heading', { level: 1, name: recipe.recipe_name }));
      await page.getByRole('button', { name: 'Add to a cookbook' }).click();
      const box = page.getByRole('checkbox', { name: 'Family favourites' });
      await visible(box);
      expect(await a11y(page)).toEqual([]);
      // Ticked once the server has it (the box shows what the cookbook holds).
      await box.click();
      await expect.poll(() => box.isChecked(), { timeout: 10_000 }).toBe(true);
    }

    // In order, then the soup moved up.
    await page.goto(web.at('recipes', '/cookbooks'));
    await page.getByRole('link', { name: 'Family favourites' }).click();
    const list = page.getByRole('list', { name: 'Recipes in Family favourites' });
    await visible(list.getByRole('link', { name: 'Nan’s soup' }));
    expect(await list.getByRole('link').allTextContents()).toEqual(['Lemon tart', 'Nan’s soup']);
    await list.getByRole('button', { name: 'Move up Nan’s soup' }).click();
    await expect
      .poll(async () => list.getByRole('link').allTextContents(), { timeout: 10_000 })
      .toEqual(['Nan’s soup', 'Lemon tart']);
    expect(await a11y(page)).toEqual([]);

    // The relative sees it among the family's, with the cook's private soup read through it.
    const shared = await call(relativeToken, 'GET', '/recipes/api/cookbooks?scope=family');
    expect(shared.body.items.map((c: { title: string }) => c.title)).toEqual(['Family favourites']);
    const other = await newContext(browser);
    const relativePage = await other.newPage();
    await signInOnAccount(relativePage, web, relative);
    await openSignedIn(relativePage, web, 'recipes', 'cookbooks?scope=family');
    await relativePage.getByRole('link', { name: 'Family favourites' }).click();
    await relativePage.getByRole('link', { name: 'Nan’s soup' }).click();
    await visible(relativePage.getByRole('heading', { level: 1, name: 'Nan’s soup' }));
    await visible(relativePage.getByText('Simmer slowly.'));
    expect(await a11y(relativePage)).toEqual([]);
    await other.close();

    // Comments on the published tart: the relative's, then the cook's own, edited.
    await call(relativeToken, 'POST', `/recipes/api/recipes/${tart.recipe_id}/comments`, {
      body: 'Too sour for me!',
    });
    await page.goto(web.at('recipes', `/recipes?id=${tart.recipe_id}`));
    const comments = page.getByRole('list', { name: 'Comments' });
    await visible(comments.getByText('Too sour for me!'));
    const write = page.getByRole('form', { name: 'Write a comment' });
    await write.getByLabel('Your comment').fill('Add more sugar then.');
    await write.getByRole('button', { name: 'Post comment' }).click();
    await visible(comments.getByText('Add more sugar then.'));
    expect(await a11y(page)).toEqual([]);
    await comments.getByRole('button', { name: 'Edit your comment' }).click();
    const edit = page.getByRole('form', { name: 'Edit your comment' });
    await edit.getByLabel('Your comment').fill('Add more sugar, then.');
    await edit.getByRole('button', { name: 'Save comment' }).click();
    await visible(comments.getByText('Add more sugar, then.'));
    await visible(comments.getByText('(edited)'));
    // Someone else's comment can be reported.
    await comments.getByRole('button', { name: 'Report this comment' }).click();
    const report = page.getByRole('form', { name: 'Report this comment' });
    await report.getByLabel('What is wrong with it?').fill('Rude to the cook');
    expect(await a11y(page)).toEqual([]);
    await report.getByRole('button', { name: 'Send report' }).click();
    await visible(page.getByText('moderators will look at “this comment”'));
    await context.close();
  }, 240_000);
});

/// <reference lib="dom" />
// Hollowtown's events in Debian's Chromium against the real services: an event planned with a
// family, recipes from Hollowtown and HowToCookAtHome on it, the family shopping list made from
// them (kept in Family Planner, followed live, priced by any member), its cost against the
// budget, and what another member of the family sees, from before the list exists.
import { randomUUID } from 'node:crypto';
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
  startWebPlatform,
  type TestUser,
  visible,
  type WebPlatform,
} from './support.ts';

interface ApiUser extends TestUser {
  token: string;
}

describe.skipIf(!hasChromium)('web: Hollowtown events', () => {
  let web: WebPlatform;
  let browser: Browser;
  const violations: Record<string, string[]> = {};

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebPlatform(), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  const checkA11y = async (page: Page, name: string) => {
    // The live shopping list keeps its stream open, so the network may never idle.
    await settled(page);
    violations[name] = await seriousViolations(page);
  };

  /** A call to one of the APIs as `user`; anything but 2xx fails the test with the answer. */
  async function call(
    user: ApiUser,
    host: 'hollowtown' | 'recipes' | 'family',
    pathname: string,
    init: { method?: string; body?: unknown } = {},
  ) {
    const answer = await web.http(host, pathname, {
      ...init,
      headers: { authorization: `Bearer ${user.token}`, 'idempotency-key': randomUUID() },
    });
    if (answer.status >= 300)
      throw new Error(`${pathname} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  const given = {
    async user(prefix: string): Promise<ApiUser> {
      const user = newUser(prefix);
      const answer = await web.http('account', '/api/auth/register', {
        body: { username: user.username, email: user.email, password: user.password },
      });
      expect(answer.status).toBe(201);
      return { ...user, token: answer.body.access_token };
    },
    async family(admin: ApiUser, name: string, members: ApiUser[]): Promise<{ family_id: string }> {
      const family = await call(admin, 'family', '/api/families', { body: { family_name: name } });
      for (const member of members) {
        await joinFamily(apiAs(web), {
          familyId: family.family_id,
          admin,
          invitee: member,
          login: member.username,
          role: 'parent',
        });
      }
      return family;
    },
    cookingRecipe: (user: ApiUser, name = 'Pumpkin soup') =>
      call(user, 'recipes', '/api/recipes', {
        body: {
          recipe_name: name,
          serves: 4,
          ingredients: [
            { name: 'pumpkin', quantity: 1, unit: 'kg' },
            { name: 'cream', quantity: 200, unit: 'ml' },
          ],
          instructions: ['Roast the pumpkin.', 'Blend with the cream.'],
        },
      }),
    spookyRecipe: (user: ApiUser) =>
      call(user, 'hollowtown', '/api/recipes/spooky', {
        body: {
          recipe_name: 'Graveyard dirt cups',
          serves: 4,
          ingredients: [
            { name: 'chocolate pudding', quantity: 500, unit: 'g' },
            { name: 'gummy worms', quantity: 12, unit: 'piece' },
          ],
          instructions: ['Spoon the pudding into cups.', 'Add the worms.'],
        },
      }),
  };

  async function signedInPage(user: TestUser) {
    const context = await newContext(browser);
    const page = await context.newPage();
    page.on('response', async (response) => {
      if (response.status() >= 400 && response.url().includes('/api/')) {
        console.warn(
          `[${user.username}] ${response.status()} ${response.request().method()} ${response.url()} ${await response.text().catch(() => '')}`,
        );
      }
    });
    page.on('pageerror', (error) => console.warn(`[${user.username}] page error: ${error.message}`));
    await signInOnAccount(page, web, user);
    return { context, page };
  }

  it('plans an event with a family, adds recipes from both apps, makes the shopping list and weighs its cost against the budget; another member sees it', async () => {
    const mum = await given.user('mum');
    const dad = await given.user('dad');
    await given.family(mum, 'The Munsters', [dad]);
    await given.cookingRecipe(mum);
    await given.spookyRecipe(mum);
    await given.cookingRecipe(dad, 'Bat wing stew');

    const { context, page } = await signedInPage(mum);
    await openSignedIn(page, web, 'hollowtown', 'events');
    await page.getByLabel('Name').fill('Monster mash');
    await page.getByLabel('When').fill(`${new Date().getFullYear() + 1}-10-31`);
    await page.getByLabel('Guests').fill('8');
    await page.getByLabel('Budget ($)').fill('50');
    await page.getByRole('button', { name: 'Plan event' }).click();
    await visible(page.getByRole('list', { name: 'Events' }).getByText(/of \$50\.00 budget/));
    await checkA11y(page, 'events list');

    await page.getByRole('list', { name: 'Events' }).getByRole('link', { name: 'Monster mash' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Monster mash' }));
    await visible(page.getByText(/Plan the event with a family to make its shopping list/));
    await checkA11y(page, 'event without a family');

    // Linking the family.
    await page
      .getByRole('form', { name: 'Plan with a family' })
      .getByLabel('Family')
      .selectOption({ label: 'The Munsters' });
    await page.getByRole('button', { name: 'Save family' }).click();
    await visible(page.getByText('Planned with The Munsters.'));

    // A recipe from each app, then one taken off and put back.
    const recipes = page.getByRole('list', { name: 'Recipes on the event' });
    for (const name of ['Graveyard dirt cups', 'Pumpkin soup']) {
      await page.getByLabel('Recipe', { exact: true }).selectOption({ label: name });
      await page.getByRole('button', { name: 'Add recipe' }).click();
      await visible(recipes.getByRole('link', { name }));
    }
    await visible(recipes.getByText('Hollowtown'));
    await visible(recipes.getByText('HowToCookAtHome'));

    // The family shopping list, scaled from 4 servings to 8 guests.
    await page.getByRole('button', { name: 'Make the shopping list' }).click();
    const items = page.getByRole('list', { name: 'Family shopping list' });
    await visible(items.getByText('pumpkin', { exact: true }));
    await visible(items.getByText('gummy worms', { exact: true }));
    await visible(items.locator('li', { hasText: 'gummy worms' }).getByText(/· 24$/));
    await visible(page.getByText('The shopping list has 4 items.'));
    const familyLink = page.getByRole('link', { name: 'Open in Family Planner' });
    const href = await familyLink.getAttribute('href');
    expect(href).toMatch(
      new RegExp(`^${web.at('family', '/shopping')}\\?family=[0-9a-f-]{36}&list=[0-9a-f-]{36}$`),
    );

    // Cost against the budget: the family list is unpriced, the other purchases tip it over.
    const verdict = page.locator('.budget-verdict');
    await visible(verdict.getByText('Under budget: $50.00 left'));
    await page.getByLabel('Purchase', { exact: true }).fill('Candles');
    await page.getByLabel('Cost ($)').fill('20');
    await page.getByRole('button', { name: 'Add purchase' }).click();
    await visible(verdict.getByText('Under budget: $30.00 left'));
    await page.getByLabel('Purchase', { exact: true }).fill('Fog machine');
    await page.getByLabel('Cost ($)').fill('45');
    await page.getByRole('button', { name: 'Add purchase' }).click();
    await visible(verdict.getByText('Over budget by $15.00'));
    await visible(
      page
        .getByRole('table', { name: 'Cost against budget' })
        .getByRole('row', { name: /Planned spend.*\$65\.00/ }),
    );
    await checkA11y(page, 'event with recipes, shopping list and budget');

    // Dad checks the pumpkin off in Family Planner; mum's page follows without a reload.
    const listId = new URL(href as string).searchParams.get('list');
    const familyList = await call(dad, 'family', `/api/shopping-lists/${listId}`);
    const pumpkin = familyList.items.find((i: { name: string }) => i.name === 'pumpkin');
    await call(dad, 'family', `/api/shopping-lists/${listId}/items/${pumpkin.item_id}`, {
      method: 'PATCH',
      body: { checked: true },
    });
    const pumpkinRow = items.locator('li', { hasText: 'pumpkin' });
    await visible(pumpkinRow.getByText('✓ Bought'));
    await visible(page.getByText('3 of 4 still to buy.'));

    // Taking the spooky recipe off and remaking the list: its items go, the checked pumpkin stays.
    await page.getByRole('button', { name: 'Take off Graveyard dirt cups' }).click();
    await recipes.getByRole('link', { name: 'Graveyard dirt cups' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Update the shopping list' }).click();
    await visible(page.getByText('The shopping list has 2 items.'));
    await items.getByText('gummy worms', { exact: true }).waitFor({ state: 'detached' });
    await visible(pumpkinRow.getByText('✓ Bought'));
    await visible(page.getByText('1 of 2 still to buy.'));

    // Dad finds the event among his own, reads it, and the link takes him to the list in Family Planner.
    const second = await signedInPage(dad);
    const dadPage = second.page;
    await openSignedIn(dadPage, web, 'hollowtown', 'events');
    const dadEvents = dadPage.getByRole('list', { name: 'Events' });
    await visible(dadEvents.getByText('Shared with you'));
    await visible(dadEvents.getByText('Planned with The Munsters'));
    await dadEvents.getByRole('link', { name: 'Monster mash' }).click();
    await visible(dadPage.getByRole('heading', { level: 1, name: 'Monster mash' }));
    await visible(dadPage.getByText(/shared with you through The Munsters/));
    await visible(
      dadPage.getByRole('list', { name: 'Family shopping list' }).getByText('cream', { exact: true }),
    );
    await visible(dadPage.locator('.budget-verdict').getByText('Over budget by $15.00'));
    // Only the organiser changes the details; members add their own recipes.
    expect(await dadPage.getByRole('form', { name: 'Guests and budget' }).count()).toBe(0);
    await dadPage.getByLabel('Recipe', { exact: true }).selectOption({ label: 'Bat wing stew' });
    await dadPage.getByRole('button', { name: 'Add recipe' }).click();
    await visible(
      dadPage
        .getByRole('list', { name: 'Recipes on the event' })
        .getByRole('link', { name: 'Bat wing stew' }),
    );
    await checkA11y(dadPage, 'event seen by another family member');

    await dadPage.getByRole('link', { name: 'Open in Family Planner' }).click();
    await dadPage.waitForURL((url) => url.hostname === 'family.localhost' && url.searchParams.has('list'));
    await visible(
      dadPage.getByRole('list', { name: 'Items on Monster mash: shopping' }).getByText('pumpkin'),
    );

    await context.close();
    await second.context.close();
  });

  const nextYear = new Date().getFullYear() + 1;

  it('shows a member the event planned with their family, and with whom, before any shopping list exists', async () => {
    const mum = await given.user('mum');
    const gran = await given.user('gran');
    const family = await given.family(mum, 'The Addams', [gran]);
    await call(mum, 'hollowtown', '/api/events', {
      body: {
        event_name: 'Séance supper',
        event_type: 'party',
        event_date: `${nextYear}-10-29`,
        guest_count: 6,
        budget_cents: 8000,
        family_id: family.family_id,
      },
    });
    await call(gran, 'hollowtown', '/api/events', {
      body: { event_name: 'Pumpkin walk', event_type: 'other', event_date: `${nextYear}-10-20` },
    });
    const lists = await call(gran, 'family', `/api/shopping-lists?family_id=${family.family_id}`);
    expect(lists.items).toEqual([]);

    const { context, page } = await signedInPage(gran);
    await openSignedIn(page, web, 'hollowtown', 'events');
    const events = page.getByRole('list', { name: 'Events' });
    const shared = events.locator('li', { hasText: 'Séance supper' });
    await visible(shared.getByText('Planned with The Addams'));
    await visible(shared.getByText('Shared with you'));
    await visible(shared.getByText(/Planned spend: \$0\.00 of \$80\.00 budget/));
    // Her own event has no family; soonest first.
    const own = events.locator('li', { hasText: 'Pumpkin walk' });
    await visible(own);
    expect(await own.locator('.tag').count()).toBe(0);
    expect(await events.getByRole('heading').allTextContents()).toEqual(['Pumpkin walk', 'Séance supper']);
    await checkA11y(page, 'events list with an event shared through a family');

    await shared.getByRole('link', { name: 'Séance supper' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Séance supper' }));
    await visible(page.getByText(/shared with you through The Addams/));
    await visible(page.getByRole('region', { name: 'Family' }).getByText('The Addams'));
    await visible(page.getByRole('button', { name: 'Make the shopping list' }));
    await visible(page.locator('.budget-table').getByText('Not made yet'));
    await context.close();
  });

  it('lets any member price the family list, and the cost against the budget adds the prices up for everyone', async () => {
    const mum = await given.user('mum');
    const dad = await given.user('dad');
    const family = await given.family(mum, 'The Frankensteins', [dad]);
    const soup = await given.cookingRecipe(mum);
    const event = await call(mum, 'hollowtown', '/api/events', {
      body: {
        event_name: 'Monster brunch',
        event_type: 'party',
        event_date: `${nextYear}-10-30`,
        guest_count: 4,
        budget_cents: 2000,
        family_id: family.family_id,
        shopping_list: [{ name: 'Candles', estimated_cost_cents: 500 }],
      },
    });
    await call(mum, 'hollowtown', `/api/events/${event.event_id}/recipes`, {
      body: { domain: 'recipes', recipe_id: soup.recipe_id },
    });
    const made = await call(mum, 'hollowtown', `/api/events/${event.event_id}/shopping-list`, {
      method: 'POST',
    });

    const organiser = await signedInPage(mum);
    await openSignedIn(organiser.page, web, 'hollowtown', 'events');
    await organiser.page.getByRole('link', { name: 'Monster brunch' }).click();
    const mumVerdict = organiser.page.locator('.budget-verdict');
    await visible(mumVerdict.getByText('Under budget: $15.00 left'));

    const { context, page } = await signedInPage(dad);
    await openSignedIn(page, web, 'hollowtown', 'events');
    await page.getByRole('link', { name: 'Monster brunch' }).click();
    const items = page.getByRole('list', { name: 'Family shopping list' });
    await visible(items.getByText('pumpkin', { exact: true }));
    await visible(page.getByText('2 of 2 items on the family list have no price yet'));
    const budget = page.getByRole('table', { name: 'Cost against budget' });
    const verdict = page.locator('.budget-verdict');

    // Enter saves a price; leaving the field does too.
    const pumpkinPrice = page.getByLabel('Price of pumpkin ($)');
    await pumpkinPrice.fill('6');
    await pumpkinPrice.press('Enter');
    await visible(items.locator('li', { hasText: 'pumpkin' }).getByText('Saved'));
    await visible(verdict.getByText('Under budget: $9.00 left'));
    await visible(budget.getByRole('row', { name: /Family shopping list.*\$6\.00/ }));
    await visible(page.getByText('1 of 2 items on the family list have no price yet'));
    const creamPrice = page.getByLabel('Price of cream ($)');
    await creamPrice.fill('12.50');
    await creamPrice.press('Tab');
    await visible(verdict.getByText('Over budget by $3.50'));
    await visible(budget.getByRole('row', { name: /Planned spend.*\$23\.50/ }));
    await visible(page.getByText('Family list total: $18.50'));
    expect(await pumpkinPrice.inputValue()).toBe('6.00');

    // Something that is not a price is explained and not sent; Escape puts the saved price back.
    await pumpkinPrice.fill('lots');
    await pumpkinPrice.press('Enter');
    await visible(
      page.getByRole('alert').getByText('Enter a price in dollars, such as 4.50, or leave it empty.'),
    );
    expect(await pumpkinPrice.getAttribute('aria-invalid')).toBe('true');
    await checkA11y(page, 'family shopping list with prices and a wrong one');
    await pumpkinPrice.press('Escape');
    expect(await pumpkinPrice.inputValue()).toBe('6.00');

    // Stored in Family Planner; the organiser's page followed without a reload.
    const stored = await call(dad, 'family', `/api/shopping-lists/${made.list_id}`);
    expect(
      Object.fromEntries(
        stored.items.map((i: { name: string; cost_cents: number }) => [i.name, i.cost_cents]),
      ),
    ).toEqual({ pumpkin: 600, cream: 1250 });
    await visible(mumVerdict.getByText('Over budget by $3.50'));
    expect(await organiser.page.getByLabel('Price of cream ($)').inputValue()).toBe('12.50');

    // Twice the guests: remaking the list keeps the prices, scaled with the quantities.
    await organiser.page.getByRole('form', { name: 'Guests and budget' }).getByLabel('Guests').fill('8');
    await organiser.page.getByRole('button', { name: 'Save guests and budget' }).click();
    await visible(organiser.page.getByRole('form', { name: 'Guests and budget' }).getByText('Saved.'));
    await organiser.page.getByRole('button', { name: 'Update the shopping list' }).click();
    await visible(mumVerdict.getByText('Over budget by $22.00'));
    expect(await organiser.page.getByLabel('Price of pumpkin ($)').inputValue()).toBe('12.00');
    await visible(verdict.getByText('Over budget by $22.00'));
    await checkA11y(organiser.page, 'event with a priced family list');
    await context.close();
    await organiser.context.close();
  });

  it('explains how to start a family when the organiser has none', async () => {
    const loner = await given.user('solo');
    const { context, page } = await signedInPage(loner);
    await openSignedIn(page, web, 'hollowtown', 'events');
    await page.getByLabel('Name').fill('Pumpkin carving');
    await page.getByLabel('When').fill(`${new Date().getFullYear() + 1}-10-30`);
    await page.getByRole('button', { name: 'Plan event' }).click();
    await page.getByRole('link', { name: 'Add recipes and a shopping list to Pumpkin carving' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Pumpkin carving' }));
    await visible(page.getByText('You are not in a family yet.', { exact: false }));
    expect(
      await page.getByRole('link', { name: 'Start a family in Family Planner' }).getAttribute('href'),
    ).toBe(web.at('family', '/families'));
    await visible(page.getByText('You have no recipes of your own yet.', { exact: false }));
    await visible(page.locator('.budget-table').getByText('No budget set'));
    await checkA11y(page, 'event of someone without a family or recipes');
    await context.close();
  });

  it('has no serious or critical accessibility violations on the events views', () => {
    expect(Object.keys(violations).length).toBeGreaterThanOrEqual(8);
    expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((k) => [k, []])));
  });
});

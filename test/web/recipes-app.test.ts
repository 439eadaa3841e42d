/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// HowToCookAtHome in Debian's Chromium, against the real services: your own recipes written,
// edited and deleted; a recipe generated through the AI gateway (the Ollama stand-in answers)
// and the gateway's refusals told in words; several meal plans, one chosen to shop for; every
// filter the recipes API has; a copy shared from Hollowtown that follows its original until
// detached. Each new view is checked with axe. How stored ingredients are written back as lines
// for editing comes first.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ParsedIngredient, parseIngredientLine } from '../../src/ingredients/ingredient-line.ts';
import { generatedAnswer } from '../../src/recipes/testing.ts';
import { formatAmount, formatIngredient } from '../../web/shared/amounts.ts';
import { type OllamaStandIn, startOllamaStandIn } from '../stand-ins/ollama.ts';
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

describe('ingredients written back as lines, for editing', () => {
  it('writes each stored ingredient as a line the server reads back the same', () => {
    const stored: ParsedIngredient[] = [
      { name: 'vegetable stock', quantity: 1.5, unit: 'l', note: null },
      { name: 'garlic', quantity: 2, unit: 'clove', note: 'crushed' },
      { name: 'sugar', quantity: 0.333, unit: 'cup', note: null },
      { name: 'flour', quantity: 1.5, unit: 'cup', note: 'sifted' },
      { name: 'gummy worms', quantity: 24, unit: null, note: null },
      { name: 'sea salt', quantity: 2, unit: 'pinch', note: null },
      { name: 'apples', quantity: 2, quantity_max: 3, unit: null, note: null },
      { name: 'honey', quantity: 2, unit: 'tbsp', note: null },
      { name: 'pumpkin purée', quantity: 1, unit: 'can', note: '14 oz' },
      { name: 'salt', quantity: null, unit: null, note: 'to taste' },
    ];
    for (const ingredient of stored) {
      expect(parseIngredientLine(formatIngredient(ingredient)), formatIngredient(ingredient)).toEqual(
        ingredient,
      );
    }
    expect(stored.map(formatIngredient)).toEqual([
      '1½ l vegetable stock',
      '2 cloves garlic, crushed',
      '⅓ cup sugar',
      '1½ cups flour, sifted',
      '24 gummy worms',
      '2 pinches sea salt',
      '2–3 apples',
      '2 tbsp honey',
      '1 can pumpkin purée, 14 oz',
      'salt, to taste',
    ]);
    // Counted things say no unit ("24 gummy worms", never "24 count gummy worms").
    expect(formatIngredient({ name: 'gummy worms', quantity: 24, unit: 'count' })).toBe('24 gummy worms');
    expect(formatAmount(0.25)).toBe('¼');
    expect(formatAmount(2.5)).toBe('2½');
    expect(formatAmount(0.4)).toBe('0.4');
    expect(formatAmount(1.5, 2)).toBe('1½–2');
  });
});

describe.skipIf(!hasChromium)('web: HowToCookAtHome', () => {
  let web: WebPlatform;
  let browser: Browser;
  let ollama: OllamaStandIn;

  beforeAll(async () => {
    ollama = await startOllamaStandIn({ models: ['llama3.2:latest'] });
    [web, browser] = await Promise.all([
      startWebPlatform({ OLLAMA_HOSTS: ollama.url, OLLAMA_HEALTH_INTERVAL_MS: '200' }),
      launchChromium(),
    ]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await ollama?.close();
  });

  /** Serious or critical axe findings on the page as it is now (none expected). */
  const a11y = async (page: Page) => {
    await settled(page);
    return seriousViolations(page);
  };

  async function signedIn(view: string, user: TestUser = newUser('rca')) {
    const context = await newContext(browser);
    // Signing up hashes a password: on a busy two-core machine that alone can take seconds.
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    // A failing API call is the first thing to know when a step times out.
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
    // Coming back from the account console works once, even when React runs the effect twice.
    expect(await page.getByText('This sign-in did not start here').count()).toBe(0);
    return { context, page, user, api: await apiAs(user) };
  }

  /** The same user's API from Node, to set up data a test is not about. */
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

  const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

  /** Chooses a recipe for a day and slot of the plan on screen, and waits until it is saved. */
  const chooseMeal = (page: Page, label: string, recipe: string) =>
    Promise.all([
      page.waitForResponse(
        (r) => r.request().method() === 'PATCH' && r.url().includes('/api/meal-plans/') && r.ok(),
      ),
      page.getByLabel(label, { exact: true }).selectOption({ label: recipe }),
    ]);

  it('writes a recipe with every field, edits it and sees the change, then deletes it', async () => {
    const { context, page, api } = await signedIn('recipes');
    await page.getByRole('link', { name: 'Add a recipe' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Red lentil soup');
    await page.getByLabel('Cuisine').fill('Turkish');
    await page.getByLabel('Difficulty').selectOption('medium');
    await page.getByLabel('Serves').fill('4');
    await page.getByLabel('Preparation (minutes)').fill('10');
    await page.getByLabel('Cooking (minutes)').fill('30');
    await page.getByLabel('Calories per serving').fill('320');
    await page.getByLabel('Description').fill('Silky, lemony and ready in forty minutes.');
    await page
      .getByLabel('Ingredients')
      .fill('250 g red lentils\n1 1/2 l vegetable stock\n2 cloves garlic, crushed\nsalt, to taste');
    // The form shows how each line reads before anything is saved.
    const preview = page.getByRole('table', { name: 'How the ingredient lines read' });
    await visible(preview.getByRole('row', { name: /2 cloves garlic crushed/ }));
    await page.getByLabel('Method').fill('Soften the garlic\nAdd lentils and stock\nSimmer 25 minutes');
    await page.getByLabel('Tags').fill('Soup, weeknight');
    await page.getByLabel('Allergens it contains').fill('celery');
    await page.getByLabel(/^Publish it/).check();
    expect(await a11y(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save recipe' }).click();

    await visible(page.getByRole('heading', { level: 1, name: 'Red lentil soup' }));
    const ingredients = page.getByRole('list', { name: 'Ingredients' });
    await visible(ingredients.getByText('1½ l vegetable stock'));
    await visible(ingredients.getByText('2 cloves garlic, crushed'));
    await visible(page.getByText('turkish · medium · 40 minutes · serves 4 · 320 kcal per serving'));
    await visible(page.getByText(/^Published: anyone can read it on its public page/));
    await visible(page.getByRole('list', { name: 'Tags' }).getByText('weeknight'));
    await visible(page.getByText('Contains: celery'));
    expect(await a11y(page)).toEqual([]);

    // A favourite: marked on its page, found again under Favourites.
    await page.getByRole('button', { name: '♡ Add to favourites' }).click();
    await visible(page.getByRole('button', { name: '♥ Favourite', pressed: true }));
    await page.getByRole('link', { name: '← All recipes' }).click();
    await page.getByLabel('Favourites').selectOption('true');
    await page.getByRole('button', { name: 'Show recipes' }).click();
    await visible(page.getByRole('link', { name: 'Red lentil soup' }));
    const favourites = await api('GET', '/recipes/api/recipes?favourites=true');
    expect(favourites.items.map((r: { recipe_name: string }) => r.recipe_name)).toEqual(['Red lentil soup']);
    await page.getByRole('link', { name: 'Red lentil soup' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Red lentil soup' }));

    await page.getByRole('link', { name: 'Edit' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Edit “Red lentil soup”' }));
    expect(await page.getByLabel('Ingredients').inputValue()).toContain('2 cloves garlic, crushed');
    expect(await page.getByLabel(/^Publish it/).isChecked()).toBe(true);
    expect(await a11y(page)).toEqual([]);
    await page.getByLabel('Name', { exact: true }).fill('Red lentil soup with lemon');
    await page.getByLabel('Serves').fill('6');
    await page.getByLabel('Ingredients').fill('250 g red lentils\n1 lemon, juiced');
    await page.getByLabel(/^Publish it/).uncheck();
    await page.getByRole('button', { name: 'Save recipe' }).click();

    await visible(page.getByRole('heading', { level: 1, name: 'Red lentil soup with lemon' }));
    await visible(page.getByRole('list', { name: 'Ingredients' }).getByText('1 lemon, juiced'));
    await visible(page.getByText('Private: only you can see it.'));
    await visible(page.getByRole('heading', { name: 'Ingredients for 6' }));
    const id = new URL(page.url()).searchParams.get('id');
    expect((await api('GET', `/recipes/api/recipes/${id}`)).recipe_name).toBe('Red lentil soup with lemon');

    await page.getByRole('button', { name: 'Delete' }).click();
    await visible(page.getByRole('alertdialog'));
    expect(await a11y(page)).toEqual([]);
    await page.getByRole('button', { name: 'Yes, delete it' }).click();
    await visible(page.getByText('“Red lentil soup with lemon” was deleted.'));
    await visible(page.getByRole('heading', { level: 1, name: 'Recipes' }));
    expect(await page.getByRole('link', { name: 'Red lentil soup with lemon' }).count()).toBe(0);
    await expect(api('GET', `/recipes/api/recipes/${id}`)).rejects.toThrow(/404/);
    await context.close();
  });

  it('generates a recipe with AI through the gateway, showing that it works on it, then the recipe', async () => {
    const { context, page } = await signedIn('recipes');
    await page.getByRole('link', { name: 'Generate with AI' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Generate a recipe with AI' }));
    expect(await a11y(page)).toEqual([]);

    // Nothing to go on: said beside the field, and nothing is asked of the AI.
    // Health checks keep arriving meanwhile: count only what asks the model.
    const asks = () =>
      ollama.requests.filter((r) => r.path === '/api/chat' || r.path === '/api/generate').length;
    const asked = asks();
    await page.getByRole('button', { name: 'Generate recipe' }).click();
    await visible(page.getByText('Say what to cook, or choose a cuisine.'));
    expect(asks()).toBe(asked);

    ollama.setOptions({ latencyMs: 1500 });
    ollama.script(JSON.stringify(generatedAnswer));
    await page.getByLabel('What would you like to cook?').fill('autumn comfort food');
    await page.getByLabel('Serves').fill('4');
    await page.getByLabel('vegetarian').check();
    await page.getByLabel('Leave out allergens').fill('peanuts');
    await page.getByRole('button', { name: 'Generate recipe' }).click();
    try {
      await visible(page.getByRole('status').getByText(/The AI cook is writing your recipe/));
      const working = page.getByRole('button', { name: 'Writing your recipe…' });
      expect(await working.isDisabled()).toBe(true);
      // Now, while the request is still open (a11y would wait for the network to go quiet).
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      ollama.setOptions({ latencyMs: 0 });
    }

    await visible(page.getByRole('heading', { level: 2, name: 'Pumpkin risotto' }), 60_000);
    // Asked for 4: the answer for 2 arrives scaled.
    await visible(page.getByRole('list', { name: 'Ingredients' }).getByText('320 g arborio rice'));
    await visible(page.getByText(/Written by llama3\.2/));
    await visible(page.getByRole('list', { name: 'Tags' }).getByText('vegetarian'));
    const chat = ollama.requests.findLast((r) => r.path === '/api/chat' || r.path === '/api/generate');
    expect(JSON.stringify(chat?.body)).toContain('autumn comfort food');
    expect(JSON.stringify(chat?.body)).toContain('peanuts');
    expect(await a11y(page)).toEqual([]);

    await page.getByRole('link', { name: 'Open the recipe' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Pumpkin risotto' }));
    await visible(page.getByText('Written by the AI cook. Read it through before you cook it.'));
    await visible(page.getByText('Private: only you can see it.'));
    await context.close();
  });

  it('says in words why the AI could not write a recipe: no credits, no AI answering, a rate limit with its wait', async () => {
    const { context, page } = await signedIn('recipes?generate');
    await visible(page.getByRole('heading', { level: 1, name: 'Generate a recipe with AI' }));
    await page.getByLabel('What would you like to cook?').fill('a picnic');
    const answerWith = (
      status: number,
      error: Record<string, unknown>,
      headers: Record<string, string> = {},
    ) =>
      page.route('**/api/recipes/generate', (route) =>
        route.fulfill({
          status,
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ error }),
        }),
      );
    const generate = page.getByRole('button', { name: 'Generate recipe' });
    const alert = page.getByRole('form', { name: 'Generate a recipe with AI' }).getByRole('alert');

    await answerWith(402, {
      code: 'INSUFFICIENT_CREDITS',
      message: 'This needs 5 credits; the balance is 0',
    });
    await generate.click();
    await visible(alert.getByText(/You have run out of AI credits/));
    await visible(alert.getByRole('link', { name: 'Add credits in your CALOS account' }));
    expect(await a11y(page)).toEqual([]);

    await page.unroute('**/api/recipes/generate');
    await answerWith(503, {
      code: 'OLLAMA_UNREACHABLE',
      message: 'No Ollama instance is answering (OLLAMA_HOSTS: http://10.0.0.1:11434)',
      details: { retryAfterSeconds: 1 },
    });
    await generate.click();
    // Nothing answers at all: said so, with the fix for whoever runs CALOS, and no countdown.
    await visible(alert.getByText(/No AI server is connected, so the AI cook cannot write a recipe yet/));
    await visible(alert.getByText(/npm run ollama:dev/));
    expect(await alert.textContent()).not.toContain('Try again in');

    await page.unroute('**/api/recipes/generate');
    await answerWith(
      429,
      {
        code: 'AI_RATE_LIMITED',
        message: 'AI request limit reached: 10 per minute on your plan. Try again in 42 s.',
        details: { window: 'minute', limit: 10, retryAfterSeconds: 42 },
      },
      { 'retry-after': '42' },
    );
    await page.getByRole('button', { name: 'Generate recipe' }).click();
    await visible(
      alert.getByText(
        'You have used the 10 AI requests your plan allows per minute. Try again in 42 seconds.',
      ),
    );
    // Until the wait is over, the button says how long is left instead of asking again.
    const waiting = page.getByRole('button', { name: /^Try again in \d+ s$/ });
    await visible(waiting);
    expect(await waiting.isDisabled()).toBe(true);
    expect(await a11y(page)).toEqual([]);
    await context.close();
  });

  it('keeps two meal plans, switches between them, renames one and builds the shopping list from the second', async () => {
    const { context, page, api } = await signedIn('recipes');
    const porridge = await api('POST', '/recipes/api/recipes', {
      recipe_name: 'Oat porridge',
      serves: 1,
      ingredients: [{ name: 'rolled oats', quantity: 80, unit: 'g' }],
    });
    await api('POST', '/recipes/api/recipes', {
      recipe_name: 'Tomato soup',
      serves: 2,
      ingredients: [{ name: 'ripe tomatoes', quantity: 6, unit: 'count' }],
    });

    await nav(page).getByRole('link', { name: 'Meal plans' }).click();
    await visible(page.getByText('No meal plan yet.', { exact: false }));
    await page.getByLabel('Plan name', { exact: true }).fill('Spring week');
    await page.getByRole('button', { name: 'Create plan' }).click();
    await visible(page.getByRole('heading', { level: 2, name: 'Spring week' }));
    await chooseMeal(page, 'Monday breakfast', 'Oat porridge');

    const later = new Date(Date.now() + 35 * 86_400_000);
    later.setDate(later.getDate() - ((later.getDay() + 6) % 7));
    const laterMonday = `${later.getFullYear()}-${String(later.getMonth() + 1).padStart(2, '0')}-${String(later.getDate()).padStart(2, '0')}`;
    await page.getByLabel('Plan name', { exact: true }).fill('Summer week');
    await page.getByLabel('First day').fill(laterMonday);
    await page.getByLabel('Number of days').fill('5');
    await page.getByRole('button', { name: 'Create plan' }).click();
    await visible(page.getByRole('heading', { level: 2, name: 'Summer week' }));
    expect(await page.getByRole('row').count()).toBe(6);
    await chooseMeal(page, 'Monday dinner', 'Tomato soup');
    await chooseMeal(page, 'Wednesday dinner', 'Tomato soup');
    expect(await a11y(page)).toEqual([]);

    // Switch to the first plan: its own meals; and back to the second.
    const plans = page.getByRole('list', { name: 'Your meal plans' });
    await plans.getByRole('link', { name: 'Spring week' }).click();
    await visible(page.getByRole('heading', { level: 2, name: 'Spring week' }));
    expect(await page.getByLabel('Monday breakfast', { exact: true }).inputValue()).toBe(porridge.recipe_id);
    expect(await page.getByLabel('Monday dinner', { exact: true }).inputValue()).toBe('');
    expect(await plans.getByRole('link', { name: 'Spring week' }).getAttribute('aria-current')).toBe('true');
    await plans.getByRole('link', { name: 'Summer week' }).click();
    await visible(page.getByRole('heading', { level: 2, name: 'Summer week' }));

    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('New name for the plan').fill('Summer feast');
    expect(await a11y(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save name' }).click();
    await visible(page.getByRole('heading', { level: 2, name: 'Summer feast' }));
    await visible(plans.getByRole('link', { name: 'Summer feast' }));

    await page.getByLabel('Name of the list').fill('Summer shop');
    await page.getByLabel('Cook every meal for').fill('4');
    await page.getByRole('button', { name: 'Make the shopping list' }).click();
    await visible(page.getByText(/Made “Summer shop” with 1 item\./));
    await visible(
      page.getByRole('list', { name: 'Shopping lists from Summer feast' }).getByText('Summer shop'),
    );
    await page.getByRole('link', { name: 'Open the list' }).click();
    const items = page.getByRole('list', { name: 'Items on Summer shop' });
    // Two dinners for four, from a soup for two: 24 tomatoes, and nothing of the other plan.
    await visible(items.getByText(/24 .*tomato/));
    expect(await items.getByText(/oats/).count()).toBe(0);
    expect(await a11y(page)).toEqual([]);

    // Deleting the first plan leaves the second, and its list.
    await nav(page).getByRole('link', { name: 'Meal plans' }).click();
    await plans.getByRole('link', { name: 'Spring week' }).click();
    await visible(page.getByRole('heading', { level: 2, name: 'Spring week' }));
    await page.getByRole('button', { name: 'Delete plan' }).click();
    await page.getByRole('button', { name: 'Yes, delete the plan' }).click();
    await visible(page.getByRole('heading', { level: 2, name: 'Summer feast' }));
    // The list of plans is read again after the delete: wait for it, not for the first paint.
    await plans.getByRole('link', { name: 'Spring week' }).waitFor({ state: 'detached' });
    const left = await api('GET', '/recipes/api/meal-plans');
    expect(left.items.map((p: { plan_name: string }) => p.plan_name)).toEqual(['Summer feast']);
    await context.close();
  });

  it('filters recipes by whose, difficulty, allergens left out, tags, calories, cuisine and time, and pages on', async () => {
    const { context, page, api } = await signedIn('recipes');
    const recipe = (body: Record<string, unknown>) => api('POST', '/recipes/api/recipes', body);
    await recipe({
      recipe_name: 'Quick tomato pasta',
      cuisine: 'italian',
      difficulty: 'easy',
      prep_time_minutes: 5,
      cook_time_minutes: 10,
      calories: 450,
      allergens: ['gluten'],
      tags: ['pasta', 'quick'],
    });
    await recipe({
      recipe_name: 'Slow beef stew',
      cuisine: 'french',
      difficulty: 'hard',
      prep_time_minutes: 30,
      cook_time_minutes: 180,
      calories: 700,
      allergens: ['celery'],
      tags: ['stew'],
    });
    await recipe({
      recipe_name: 'Peanut noodles',
      cuisine: 'thai',
      difficulty: 'easy',
      prep_time_minutes: 10,
      cook_time_minutes: 10,
      calories: 550,
      allergens: ['peanuts', 'gluten'],
      tags: ['quick'],
    });
    await page.reload();
    const list = page.getByRole('list', { name: 'Recipes' });
    const shown = async () => (await list.getByRole('heading').allTextContents()).sort();
    const apply = async (expected: string[]) => {
      await page.getByRole('button', { name: 'Show recipes' }).click();
      await page.waitForFunction(
        (names) =>
          JSON.stringify(
            [...document.querySelectorAll('ul[aria-label="Recipes"] h3')].map((h) => h.textContent).sort(),
          ) === JSON.stringify(names),
        [...expected].sort(),
      );
      expect(await shown()).toEqual([...expected].sort());
    };

    await page.getByLabel('Whose').selectOption('mine');
    await page.getByLabel('Difficulty').selectOption('easy');
    await apply(['Peanut noodles', 'Quick tomato pasta']);
    expect(new URL(page.url()).searchParams.get('scope')).toBe('mine');
    expect(await a11y(page)).toEqual([]);

    await page.getByLabel('Leave out allergens').fill('peanuts');
    await apply(['Quick tomato pasta']);

    await page.getByLabel('Leave out allergens').fill('');
    await page.getByLabel('Difficulty').selectOption('');
    await page.getByLabel('With all these tags').fill('quick');
    await page.getByLabel('Calories per serving at most').fill('500');
    await apply(['Quick tomato pasta']);

    await page.getByLabel('With all these tags').fill('');
    await page.getByLabel('Calories per serving at most').fill('');
    await page.getByLabel('Cuisine').fill('French');
    await apply(['Slow beef stew']);

    await page.getByLabel('Cuisine').fill('');
    await page.getByLabel('Ready in').selectOption('40');
    await apply(['Peanut noodles', 'Quick tomato pasta']);

    await page.getByLabel('Ready in').selectOption('');
    await page.getByLabel('Search').fill('noodles');
    await apply(['Peanut noodles']);

    await page.getByRole('link', { name: 'Clear filters' }).click();
    await visible(list.getByText('Slow beef stew'));

    // A full page, then the rest on request.
    for (let n = 1; n <= 25; n++) await recipe({ recipe_name: `Nordic dish ${n}`, cuisine: 'nordic' });
    await page.getByLabel('Whose').selectOption('mine');
    await page.getByLabel('Cuisine').fill('nordic');
    await page.getByRole('button', { name: 'Show recipes' }).click();
    await page.waitForFunction(() => document.querySelectorAll('ul[aria-label="Recipes"] h3').length === 24);
    await page.getByRole('button', { name: 'Show more recipes' }).click();
    await page.waitForFunction(() => document.querySelectorAll('ul[aria-label="Recipes"] h3').length === 25);
    expect(await page.getByRole('button', { name: 'Show more recipes' }).count()).toBe(0);
    await context.close();
  });

  it('shows a recipe shared from Hollowtown as kept in sync, follows an edit there, and detaches it to edit it here', async () => {
    const { context, page, api } = await signedIn('recipes');
    const original = await api('POST', '/hollowtown/api/recipes/spooky', {
      recipe_name: 'Witch’s brew',
      serves: 4,
      ingredients: [{ name: 'green apple juice', quantity: 1, unit: 'l' }],
      instructions: ['Stir widdershins.'],
    });
    const shared = await api('POST', `/hollowtown/api/recipes/spooky/${original.recipe_id}/share`, {
      to: 'recipes',
    });
    await page.goto(web.at('recipes', `/recipes?id=${shared.recipe_id}`));
    await visible(page.getByRole('heading', { level: 1, name: 'Witch’s brew' }));
    const panel = page.getByRole('region', { name: 'Shared from Hollowtown, kept in sync' });
    await visible(panel.getByText(/When you change the original there, this copy changes with it/));
    await visible(panel.getByText(/To change it here instead, detach it/));
    await visible(panel.getByRole('link', { name: 'Open the original in Hollowtown' }));
    expect(await page.getByRole('link', { name: 'Edit', exact: true }).count()).toBe(0);
    expect(await a11y(page)).toEqual([]);

    // Changed in Hollowtown: the copy follows.
    await api('PATCH', `/hollowtown/api/recipes/spooky/${original.recipe_id}`, {
      recipe_name: 'Witch’s bubbling brew',
    });
    const deadline = Date.now() + 15_000;
    for (;;) {
      await page.reload();
      const synced = page.getByRole('heading', { level: 1, name: 'Witch’s bubbling brew' });
      if (await synced.isVisible().catch(() => false)) break;
      if (Date.now() > deadline) throw new Error('the shared copy did not follow its original');
      await page.waitForTimeout(300);
    }

    await panel.getByRole('button', { name: 'Detach and make it mine' }).click();
    await visible(page.getByRole('link', { name: 'Edit', exact: true }));
    expect(await page.getByRole('region', { name: /Shared from Hollowtown/ }).count()).toBe(0);
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill('My own brew');
    await page.getByRole('button', { name: 'Save recipe' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'My own brew' }));
    expect((await api('GET', `/recipes/api/recipes/${shared.recipe_id}`)).source).toBe('manual');
    await context.close();
  });
});

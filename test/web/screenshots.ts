// npm run screenshots: the main pages of every app with the Addams family's sample data (see
// screenshot-data/), as PNGs in docs/screenshots/: desktop, a few sections up close, a recipe
// caught while the AI writes it (an Ollama stand-in writing slowly), and some at phone size.
/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import webpush from 'web-push';
import { goodAnswer } from '../../src/hollowtown/testing/recipe-answers.ts';
import { type OllamaStandIn, startOllamaStandIn } from '../stand-ins/ollama.ts';
import { type Cast, type SampleData, seedSampleData } from './screenshot-data/index.ts';
import { type MarketData, seedConsole, seedMarket } from './screenshot-data/market.ts';
import {
  hasChromium,
  launchChromium,
  openSignedIn,
  signInOnAccount,
  startScriptPlatform,
  type TestUser,
  visible,
  type WebPlatform,
} from './support.ts';

const OUT = path.resolve('docs/screenshots');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true };
/** `npm run screenshots -- account family` retakes only those sets (landing, hollowtown, recipes, family, account, market, admin, phone, offline). */
const ONLY = process.argv.slice(2);
const wanted = (set: string) => ONLY.length === 0 || ONLY.includes(set);
/** Room around a section shot up close. */
const MARGIN = 24;

/** What the stand-in model writes, a word every CHUNK_DELAY_MS, so the page can be caught mid-way. */
const PUNCH = goodAnswer({
  recipe_name: 'Swamp monster punch',
  description: 'A fizzy green punch with floating eyeballs and a mist that spills over the bowl.',
  spookiness_level: 6,
  prep_time_minutes: 15,
  serves: 8,
  ingredients: [
    { name: 'lime sherbet', quantity: 500, unit: 'g', note: null },
    { name: 'lemonade', quantity: 2, unit: 'l', note: 'well chilled' },
    { name: 'pineapple juice', quantity: 1, unit: 'l', note: null },
    { name: 'lychees', quantity: 16, unit: null, note: 'tinned, each stuffed with a blueberry' },
  ],
  instructions: [
    'Scoop the sherbet into a large bowl.',
    'Pour over the pineapple juice, then the lemonade, slowly so it foams.',
    'Float the lychee eyeballs on top.',
    'Set the bowl in a larger one with a little dry ice and warm water for the mist.',
  ],
  tags: ['drinks', 'kids', 'halloween'],
});
const CHUNK_DELAY_MS = 250;

/** The platform's databases are fresh each run, so the names can be plain. */
const person = (username: string): TestUser => ({
  username,
  email: `${username}@example.com`,
  password: 'correct horse battery',
});

async function settle(page: Page) {
  // A live list keeps its stream open, so the network never idles there.
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
  await page.waitForFunction(
    () =>
      ![...document.querySelectorAll('main [role="status"]')].some((status) =>
        /^(Loading|Opening|Signing|Taking)\b.*…$/.test(status.textContent ?? ''),
      ),
  );
}

function outputPath(name: string) {
  console.log(`  docs/screenshots/${name}.png`);
  return path.join(OUT, `${name}.png`);
}

async function shoot(page: Page, name: string) {
  await settle(page);
  await page.screenshot({ path: outputPath(name), fullPage: true });
}

/** One section of the page (a region named by its heading), with a little of the page around it. */
async function shootSection(page: Page, heading: string, name: string) {
  await settle(page);
  const box = await page.getByRole('region', { name: heading, exact: true }).evaluate((element) => {
    const rect = element.getBoundingClientRect();
    return { x: rect.left + scrollX, y: rect.top + scrollY, width: rect.width, height: rect.height };
  });
  const x = Math.max(0, box.x - MARGIN);
  const y = Math.max(0, box.y - MARGIN);
  await page.screenshot({
    path: outputPath(name),
    fullPage: true,
    clip: { x, y, width: box.width + 2 * MARGIN, height: box.height + 2 * MARGIN },
  });
}

async function open(
  page: Page,
  web: WebPlatform,
  app: 'hollowtown' | 'recipes' | 'family',
  pathname: string,
) {
  await page.goto(web.at(app, pathname));
  await page.locator('h1').first().waitFor();
}

/** Last, so the devices and the security log show the apps opened before. */
async function shootAccount(page: Page, web: WebPlatform) {
  await page.goto(web.at('account', '/account/'));
  await page.locator('h1').first().waitFor();
  await shoot(page, 'account-overview');
  for (const view of [
    'devices',
    'keys',
    'credits',
    'plan',
    'security',
    'password',
    'email',
    'two-factor',
    'passkeys',
    'data',
  ]) {
    await page.goto(web.at('account', `/account/${view}`));
    await page.locator('h1').first().waitFor();
    await shoot(page, `account-${view}`);
  }
}

async function shootHollowtown(page: Page, web: WebPlatform, data: SampleData, ollama: OllamaStandIn) {
  await openSignedIn(page, web, 'hollowtown', 'recipes');
  await shoot(page, 'hollowtown-recipes');

  ollama.setOptions({ chunkDelayMs: CHUNK_DELAY_MS });
  ollama.script(PUNCH);
  const generator = page.getByRole('region', { name: 'Generate a recipe with AI' });
  await generator.getByLabel('Theme').fill('a swamp monster party punch');
  // Her default is gpt-4o through her own key; this one she asks of the free model.
  await generator.getByLabel('Model', { exact: true }).selectOption('llama3.2:latest');
  await generator.getByLabel('Serves').fill('8');
  await generator.getByRole('button', { name: 'Generate' }).click();
  // Caught after the second step: the name, facts and ingredients are in, the method is still coming.
  await visible(generator.getByRole('list', { name: 'Steps so far' }).getByRole('listitem').nth(1), 60_000);
  await page.screenshot({ path: outputPath('hollowtown-generating'), fullPage: true });
  await visible(page.getByRole('heading', { level: 1, name: 'Swamp monster punch' }), 60_000);
  await shoot(page, 'hollowtown-recipe');

  await open(page, web, 'hollowtown', '/events');
  await visible(page.getByRole('list', { name: 'Events' }).getByText('Shared with you'));
  await shoot(page, 'hollowtown-events');
  await open(page, web, 'hollowtown', `/events?id=${data.partyId}`);
  await visible(page.getByRole('list', { name: 'Family shopping list' }).getByText('gummy worms'));
  await visible(page.getByRole('table', { name: 'Cost against budget' }));
  await shoot(page, 'hollowtown-event');
  // The recipe Morticia shared: where its copy lives in HowToCookAtHome, and that it is up to date.
  await open(page, web, 'hollowtown', '/recipes?q=dirt');
  await page
    .getByRole('list', { name: 'Recipes' })
    .getByRole('link', { name: 'Graveyard dirt cups' })
    .click();
  await visible(page.getByRole('status').getByText(/^Up to date/));
  await shoot(page, 'hollowtown-recipe-shared');
  for (const view of ['costumes', 'haunted-house']) {
    await open(page, web, 'hollowtown', `/${view}`);
    await shoot(page, `hollowtown-${view}`);
  }
}

async function shootRecipes(page: Page, web: WebPlatform, data: SampleData) {
  await openSignedIn(page, web, 'recipes', 'recipes');
  await shoot(page, 'recipes-recipes');
  await open(page, web, 'recipes', `/recipes?id=${data.riceId}&servings=6`);
  await shoot(page, 'recipes-recipe');
  // Cook mode: the rice's timer started on step 2, still counting on step 3.
  await open(page, web, 'recipes', `/recipes?id=${data.riceId}&servings=6&cook=1`);
  await page.keyboard.press('ArrowRight');
  await page.getByRole('button', { name: 'Start timer: 12 minutes' }).click();
  await page.keyboard.press('ArrowRight');
  await visible(page.getByRole('heading', { name: 'Step 3 of 3' }));
  await shoot(page, 'recipes-cook-mode');
  await open(page, web, 'recipes', `/recipes?id=${data.soupId}&edit=1`);
  await visible(page.getByLabel('Name', { exact: true }));
  await shoot(page, 'recipes-recipe-form');
  for (const view of ['meal-plans', 'pantry', 'shopping', 'cookbooks']) {
    await open(page, web, 'recipes', `/${view}`);
    await shoot(page, `recipes-${view}`);
  }
}

async function shootFamily(page: Page, web: WebPlatform) {
  await openSignedIn(page, web, 'family', 'families');
  await page.getByRole('button', { name: 'Create iCal link' }).click();
  await visible(page.getByLabel('Your private iCal link (shown once)'));
  await shoot(page, 'family-families');
  await shootSection(page, 'Calendar subscription', 'family-ical-links');
  await page.getByRole('button', { name: 'Delete family “The Addams”' }).click();
  await shootSection(page, 'Family settings', 'family-settings');
  for (const view of ['todos', 'chores', 'calendar', 'shopping', 'chat', 'notifications']) {
    await open(page, web, 'family', `/${view}`);
    if (view === 'chat') await visible(page.locator('.chat-card', { hasText: 'fog machine' }));
    if (view === 'notifications') await visible(page.getByText('Notify me on this device'));
    await shoot(page, `family-${view}`);
  }
}

/** Wednesday on her phone: the family list, the party's shopping list, a recipe her mother published. */
async function shootPhone(browser: Browser, web: WebPlatform, cast: Cast, data: SampleData) {
  const phone = await browser.newContext(PHONE);
  const page = await phone.newPage();
  await page.goto(web.at('hollowtown'));
  await shoot(page, 'phone-hollowtown-landing');
  await signInOnAccount(page, web, cast.wednesday);
  await openSignedIn(page, web, 'family', 'shopping');
  await shoot(page, 'phone-family-shopping');
  await openSignedIn(page, web, 'hollowtown', `events?id=${data.partyId}`);
  await visible(page.getByRole('list', { name: 'Family shopping list' }).getByText('gummy worms'));
  await shootSection(page, 'Shopping list', 'phone-hollowtown-shopping');
  await openSignedIn(page, web, 'recipes', `recipes?id=${data.riceId}`);
  await shoot(page, 'phone-recipes-recipe');
  await phone.close();
}

/**
 * The marketplace, after the apps' own sets (its sample data would change their pages): browsing,
 * a listing for sale with Pay asked once more, a plan Morticia bought, HowToCookAtHome's recipe
 * books and one she bought, and her purchases and sales across both apps in the account console.
 */
async function shootMarket(page: Page, web: WebPlatform, market: MarketData) {
  await openSignedIn(page, web, 'hollowtown', 'market');
  await visible(page.getByRole('link', { name: 'Electric Chair Photo Booth' }));
  await shoot(page, 'hollowtown-market');
  await open(page, web, 'hollowtown', `/market?listing=${market.forSaleId}`);
  await page.getByRole('button', { name: /^Buy for/ }).click();
  await visible(page.getByRole('button', { name: /^Pay / }));
  await shoot(page, 'hollowtown-market-listing');
  await open(page, web, 'hollowtown', `/market?listing=${market.boughtId}`);
  await visible(page.getByText('Start the hymn when the first guest reaches the altar.'));
  await shoot(page, 'hollowtown-market-bought');
  await openSignedIn(page, web, 'recipes', 'market');
  await visible(page.getByRole('link', { name: 'Sunday Suppers at the Addams House' }));
  await shoot(page, 'recipes-market');
  await open(page, web, 'recipes', `/market?listing=${market.boughtBookId}`);
  await visible(page.getByText('Charred corn with chilli butter').first());
  await shoot(page, 'recipes-market-bought');
  await page.goto(web.at('account', '/account/purchases'));
  await visible(page.getByRole('list', { name: 'Bought in Hollowtown' }));
  await visible(page.getByRole('list', { name: 'Sold in HowToCookAtHome' }));
  await shoot(page, 'account-purchases');
}

/**
 * The operator console, with Morticia an admin of everything (and two more staff) the way `calos
 * staff grant` does, a refund made and two reported items waiting for review.
 */
async function shootAdmin(page: Page, web: WebPlatform, cast: Cast, market: MarketData) {
  await seedConsole(web, cast, market);
  await page.goto(web.at('account', '/admin/'));
  await page.getByRole('heading', { level: 1, name: 'Operator console' }).waitFor();
  await shoot(page, 'admin-overview');
  await page.goto(web.at('account', `/admin/users?q=${cast.gomez.username}`));
  await page.getByRole('link', { name: cast.gomez.username }).click();
  await page.getByRole('heading', { level: 1 }).waitFor();
  const grant = page.locator('article.card', {
    has: page.getByRole('heading', { name: 'Grant or take back credits', exact: true }),
  });
  await grant.getByLabel('Credits (negative to take back)').fill('200');
  await grant.getByLabel(/^Reason/).fill('Two generations failed during the outage');
  await grant.getByRole('button', { name: 'Grant credits' }).click();
  await grant.getByRole('button', { name: 'Grant them' }).click();
  await grant.getByText(/Done: the balance is now/).waitFor();
  await shoot(page, 'admin-account');
  await page.goto(web.at('account', '/admin/users?q=example.com'));
  await visible(page.getByRole('link', { name: /^Fester/ }));
  await shoot(page, 'admin-users');
  for (const view of ['moderation', 'reports', 'audit', 'plans', 'staff']) {
    await page.goto(web.at('account', `/admin/${view}`));
    await page.locator('h1').first().waitFor();
    await shoot(page, `admin-${view}`);
  }
}

/** Wednesday in the shop with no signal: the list as last loaded, her ticks and an addition waiting. */
async function shootOffline(browser: Browser, web: WebPlatform, cast: Cast) {
  const phone = await browser.newContext(PHONE);
  const page = await phone.newPage();
  await signInOnAccount(page, web, cast.wednesday);
  await openSignedIn(page, web, 'family', 'shopping');
  // The app's service worker keeps what the page loads once it controls the page.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.reload();
  await visible(page.getByRole('checkbox').first());
  await phone.setOffline(true);
  await page.reload();
  const items = page.getByRole('checkbox');
  await visible(items.first());
  await items.first().check();
  await page.getByLabel('Item', { exact: true }).fill('Matches');
  await page.getByLabel('How many').fill('2');
  await page.getByRole('button', { name: 'Add item' }).click();
  await visible(page.getByText(/changes? waiting to be sent/));
  await shoot(page, 'phone-family-shopping-offline');
  await phone.close();
}

async function main() {
  if (!hasChromium) process.exit(1);
  mkdirSync(OUT, { recursive: true });
  const ollama = await startOllamaStandIn({ models: ['llama3.2:latest'] });
  // VAPID keys, so the Notifications view offers Web Push ("Notify me on this device").
  const vapid = webpush.generateVAPIDKeys();
  const web = await startScriptPlatform({
    OLLAMA_HOSTS: ollama.url,
    OLLAMA_HEALTH_INTERVAL_MS: '200',
    CALOS_VAPID_PUBLIC_KEY: vapid.publicKey,
    CALOS_VAPID_PRIVATE_KEY: vapid.privateKey,
    CALOS_VAPID_SUBJECT: 'mailto:screenshots@calos.invalid',
  });
  const browser = await launchChromium();
  try {
    const cast: Cast = {
      morticia: person('morticia'),
      gomez: person('gomez'),
      wednesday: person('wednesday'),
    };
    const data = await seedSampleData(web, cast);
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    if (wanted('landing')) {
      for (const app of ['hollowtown', 'recipes', 'family'] as const) {
        await page.goto(web.at(app));
        await shoot(page, `${app}-landing`);
      }
    }
    await signInOnAccount(page, web, cast.morticia);
    if (wanted('hollowtown')) await shootHollowtown(page, web, data, ollama);
    if (wanted('recipes')) await shootRecipes(page, web, data);
    if (wanted('family')) await shootFamily(page, web);
    if (wanted('account')) await shootAccount(page, web);
    // Once, for either set that shows it.
    let market: MarketData | undefined;
    const marketData = async () => {
      market ??= await seedMarket(web, cast);
      return market;
    };
    if (wanted('market')) await shootMarket(page, web, await marketData());
    if (wanted('admin')) await shootAdmin(page, web, cast, await marketData());
    await context.close();
    if (wanted('phone')) await shootPhone(browser, web, cast, data);
    if (wanted('offline')) await shootOffline(browser, web, cast);
  } finally {
    await browser.close();
    await web.close();
    await ollama.close();
  }
}

await main();

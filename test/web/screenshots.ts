// npm run screenshots: the main pages of every app, with a little sample data, as PNGs in
// docs/screenshots/ (desktop, plus two at phone size). Uses the browser tests' kit.
/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  hasChromium,
  launchChromium,
  newUser,
  openSignedIn,
  signInOnAccount,
  startScriptPlatform,
  type WebPlatform,
} from './support.ts';

const OUT = path.resolve('docs/screenshots');

async function seed(web: WebPlatform, user: ReturnType<typeof newUser>, child: ReturnType<typeof newUser>) {
  const signUp = await web.http('account', '/api/auth/register', {
    body: { username: user.username, email: user.email, password: user.password, display_name: 'Morticia' },
  });
  await web.http('account', '/api/auth/register', {
    body: {
      username: child.username,
      email: child.email,
      password: child.password,
      display_name: 'Wednesday',
    },
  });
  const headers = { authorization: `Bearer ${signUp.body.access_token}` };
  const call = (host: 'hollowtown' | 'recipes' | 'family', pathname: string, body: unknown) =>
    web.http(host, pathname, { headers: { ...headers, 'idempotency-key': crypto.randomUUID() }, body });

  await call('hollowtown', '/api/recipes/spooky', {
    recipe_name: 'Graveyard dirt cups',
    description: 'Chocolate pudding under crushed-cookie soil, with gummy worms crawling out.',
    spookiness_level: 7,
    difficulty: 'easy',
    prep_time_minutes: 20,
    serves: 6,
    ingredients: [
      { name: 'chocolate pudding', quantity: 2, unit: 'cups' },
      { name: 'chocolate cookies', quantity: 12 },
    ],
    instructions: ['Crush the cookies', 'Layer pudding and crumbs', 'Plant the worms'],
    tags: ['dessert', 'kids'],
  });
  await call('hollowtown', '/api/recipes/spooky', {
    recipe_name: 'Bleeding heart beet soup',
    description: 'A deep red soup that drips just right.',
    spookiness_level: 9,
    difficulty: 'medium',
    prep_time_minutes: 45,
    serves: 4,
    tags: ['soup'],
  });
  await call('hollowtown', '/api/events', {
    event_name: 'Monster mash',
    event_type: 'party',
    event_date: `${new Date().getFullYear() + 1}-10-31`,
    guest_count: 14,
    budget_cents: 15000,
    shopping_list: [
      { name: 'pumpkins', quantity: 4, estimated_cost_cents: 2400 },
      { name: 'fog fluid', quantity: 1, estimated_cost_cents: 1800 },
    ],
  });
  for (const costume of [
    {
      costume_name: 'Cardboard robot',
      difficulty: 'easy',
      cost_estimate_cents: 800,
      description: 'Boxes, foil and bottle caps.',
    },
    {
      costume_name: 'Plague doctor',
      difficulty: 'hard',
      cost_estimate_cents: 4500,
      description: 'A beak mask and a long coat.',
    },
  ]) {
    await call('hollowtown', '/api/costumes', costume);
  }
  await call('hollowtown', '/api/haunted-house/plans', {
    room_name: 'Crypt of whispers',
    scare_level: 9,
    props_needed: [{ name: 'fog machine' }, { name: 'plastic skulls', quantity: 12 }],
    setup_instructions: ['Black out the windows', 'Hide a speaker behind the coffin'],
  });

  const rice = await call('recipes', '/api/recipes', {
    recipe_name: 'Lemon herb rice',
    cuisine: 'Mediterranean',
    difficulty: 'easy',
    prep_time_minutes: 5,
    cook_time_minutes: 20,
    serves: 4,
    ingredients: [
      { name: 'rice', quantity: 200, unit: 'g' },
      { name: 'lemon', quantity: 1 },
      { name: 'parsley', quantity: 1, unit: 'bunch' },
    ],
    instructions: ['Rinse the rice', 'Cook it with the lemon zest', 'Stir in the parsley'],
    is_published: true,
  });
  await call('recipes', '/api/recipes', {
    recipe_name: 'Weeknight tomato pasta',
    cuisine: 'Italian',
    difficulty: 'easy',
    cook_time_minutes: 25,
    serves: 2,
    is_published: true,
  });
  const monday = new Date();
  monday.setDate(monday.getDate() - ((monday.getDay() + 6) % 7));
  const day = monday.toISOString().slice(0, 10);
  await call('recipes', '/api/meal-plans', {
    plan_name: 'This week',
    start_date: day,
    duration_days: 7,
    meals: { [day]: { dinner: rice.body.recipe_id } },
  });
  const soon = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  await call('recipes', '/api/pantry/items', {
    item_name: 'Milk',
    quantity: 1,
    unit: 'l',
    location: 'fridge',
    expiration_date: soon,
  });
  await call('recipes', '/api/pantry/items', {
    item_name: 'Rice',
    quantity: 2,
    unit: 'kg',
    location: 'pantry',
  });

  const family = await call('family', '/api/families', { family_name: 'The Addams' });
  const familyId = family.body.family_id as string;
  await call('family', `/api/families/${familyId}/members`, { login: child.username, role: 'child' });
  const todo = await call('family', '/api/todos', {
    family_id: familyId,
    list_name: 'Chores',
    list_type: 'chores',
  });
  for (const title of ['Feed the cat', 'Water the carnivorous plants', 'Take out the bins']) {
    await call('family', `/api/todos/${todo.body.list_id}/items`, { title });
  }
  const start = new Date();
  start.setHours(17, 30, 0, 0);
  await call('family', '/api/calendar/events', {
    family_id: familyId,
    event_name: 'Piano lesson',
    event_type: 'appointment',
    start_time: start.toISOString(),
  });
  const list = await call('family', '/api/shopping-lists', { family_id: familyId, list_name: 'Groceries' });
  for (const name of ['Milk', 'Bread', 'Apples', 'Candles']) {
    await call('family', `/api/shopping-lists/${list.body.list_id}/items`, { name });
  }
}

async function shoot(page: Page, name: string) {
  // A live list keeps its stream open, so the network never idles there.
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
  await page.waitForFunction(
    () => !document.querySelector('main [role="status"]')?.textContent?.includes('…'),
  );
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
  console.log(`  docs/screenshots/${name}.png`);
}

async function main() {
  if (!hasChromium) process.exit(1);
  mkdirSync(OUT, { recursive: true });
  const web = await startScriptPlatform();
  const browser = await launchChromium();
  try {
    const user = newUser('morticia');
    const child = newUser('wednesday');
    await seed(web, user, child);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    for (const app of ['hollowtown', 'recipes', 'family'] as const) {
      await page.goto(web.at(app));
      await shoot(page, `${app}-landing`);
    }
    await signInOnAccount(page, web, user);
    await shoot(page, 'account-overview');
    for (const view of ['devices', 'credits', 'plan']) {
      await page.goto(web.at('account', `/account/${view}`));
      await shoot(page, `account-${view}`);
    }
    for (const [app, views] of [
      ['hollowtown', ['recipes', 'events', 'costumes', 'haunted-house']],
      ['recipes', ['recipes', 'meal-plans', 'pantry']],
      ['family', ['families', 'todos', 'calendar', 'shopping']],
    ] as const) {
      await openSignedIn(page, web, app, views[0]);
      for (const view of views) {
        await page.goto(web.at(app, `/${view}`));
        await page.locator('h1').first().waitFor();
        await shoot(page, `${app}-${view}`);
      }
    }
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
    });
    const small = await phone.newPage();
    await small.goto(web.at('hollowtown'));
    await shoot(small, 'phone-hollowtown-landing');
    await signInOnAccount(small, web, child);
    await openSignedIn(small, web, 'family', 'shopping');
    await shoot(small, 'phone-family-shopping');
  } finally {
    await browser.close();
    await web.close();
  }
}

await main();

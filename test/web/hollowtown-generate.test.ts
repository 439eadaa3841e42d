/// <reference lib="dom" />
// "Generate with AI" in Hollowtown, in Debian's Chromium against the real services and the Ollama
// stand-in writing slowly: the recipe takes shape on the page before it is stored, a malformed
// answer is asked for again and the page says why, Cancel stops the model with nothing stored,
// and a refusal before the model writes is a sentence. Also the partial-JSON reading it rests on.
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goodAnswer } from '../../src/hollowtown/testing/recipe-answers.ts';
import { retryInWords } from '../../web/hollowtown/generation-problems.ts';
import { parsePartialJson } from '../../web/hollowtown/partial-json.ts';
import { readRecipeDraft } from '../../web/hollowtown/recipe-draft.ts';
import { type OllamaStandIn, startOllamaStandIn } from '../stand-ins/ollama.ts';
import {
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

describe('reading a recipe while the AI writes it', () => {
  it('reads every prefix of an answer, and the whole answer as JSON.parse does', () => {
    const answer = goodAnswer();
    for (let end = 0; end <= answer.length; end++)
      expect(() => parsePartialJson(answer.slice(0, end))).not.toThrow();
    expect(parsePartialJson(answer)).toEqual(JSON.parse(answer));
  });

  it('keeps open strings and lists, and leaves out keys without values and numbers that may grow', () => {
    expect(parsePartialJson('{"recipe_name": "Pumpkin pa')).toEqual({ recipe_name: 'Pumpkin pa' });
    expect(parsePartialJson('{"recipe_name": "Bats", "serves": 1')).toEqual({ recipe_name: 'Bats' });
    expect(parsePartialJson('{"steps": ["Melt.", "Bake')).toEqual({ steps: ['Melt.', 'Bake'] });
    expect(parsePartialJson('{"a": [1, 2, 3')).toEqual({ a: [1, 2] });
    expect(parsePartialJson('{"done": tr')).toEqual({});
    expect(parsePartialJson('{"recip')).toEqual({});
    expect(parsePartialJson('{"a": "caf\\u00e9", "b": "x\\')).toEqual({ a: 'café', b: 'x' });
    expect(parsePartialJson('```json\n{"a": "b"}\n```')).toEqual({ a: 'b' });
    expect(parsePartialJson('Sorry, I cannot do that')).toBeUndefined();
    expect(parsePartialJson('{"a" "b"}')).toBeUndefined();
  });

  it('shows the name, then ingredients and steps as they become readable', () => {
    const answer = goodAnswer();
    const cut = answer.indexOf('"candy pumpkins"') + '"candy pum'.length;
    expect(readRecipeDraft(answer.slice(0, cut))).toMatchObject({
      name: 'Pumpkin patch brownies',
      serves: 12,
      ingredients: [{ name: 'dark chocolate', quantity: 200, unit: 'g' }, { name: 'candy pum' }],
      steps: [],
    });
    expect(readRecipeDraft('{"recipe_na')).toMatchObject({ name: undefined, ingredients: [], steps: [] });
  });

  it('says in plain words why the AI is asked again', () => {
    expect(
      retryInWords(
        2,
        3,
        'the answer must have required properties description, spookiness_level, ingredients',
      ),
    ).toBe(
      'The first answer could not be used: it left out the description, how spooky it is and the ingredients. Asking the AI again, try 2 of 3.',
    );
    expect(retryInWords(3, 3, 'the answer is not JSON')).toBe(
      'The second answer could not be used: it was not a complete recipe. Asking the AI again, try 3 of 3.',
    );
    expect(retryInWords(2, 3, 'instructions.1 is blank')).toContain('a step was empty');
    expect(retryInWords(2, 3, 'ingredients.0.quantity must be number')).toContain(
      'the ingredients did not fit',
    );
  });
});

interface ApiUser extends TestUser {
  token: string;
}

declare global {
  interface Window {
    /** What the generator's live region said, one entry per change. */
    __heard?: string[];
  }
}

describe.skipIf(!hasChromium)('web: Hollowtown generates a recipe with AI', () => {
  let web: WebPlatform;
  let browser: Browser;
  let ollama: OllamaStandIn;
  const violations: Record<string, string[]> = {};

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

  /** Axe now: while the recipe streams, the network never idles and the state will not wait. */
  const checkA11y = async (page: Page, name: string) => {
    violations[name] = await seriousViolations(page);
  };

  const chatRequests = () =>
    ollama.requests.filter((r) => r.path === '/api/chat' || r.path === '/api/generate');

  async function apiUser(prefix: string): Promise<ApiUser> {
    const user = newUser(prefix);
    const answer = await web.http('account', '/api/auth/register', {
      body: { username: user.username, email: user.email, password: user.password },
    });
    expect(answer.status).toBe(201);
    return { ...user, token: answer.body.access_token };
  }

  const myRecipes = async (user: ApiUser) =>
    (
      await web.http('hollowtown', '/api/recipes/spooky?scope=mine&limit=50', {
        headers: { authorization: `Bearer ${user.token}` },
      })
    ).body.items as Array<{ recipe_name: string }>;

  async function generatorPage(user: ApiUser) {
    const context = await newContext(browser);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.warn(`[${user.username}] page error: ${error.message}`));
    await signInOnAccount(page, web, user);
    await openSignedIn(page, web, 'hollowtown', 'recipes');
    const generator = page.getByRole('region', { name: 'Generate a recipe with AI' });
    await visible(generator.getByLabel('Theme'));
    // Everything the polite live region says, to see that it does not speak every word.
    await page.evaluate(() => {
      const region = document.querySelector('section p.visually-hidden[aria-live="polite"]');
      if (!region) throw new Error('no live region in the generator');
      window.__heard = [];
      new MutationObserver(() => window.__heard?.push(region.textContent ?? '')).observe(region, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    return { context, page, generator };
  }

  const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');

  it('shows the recipe taking shape while the AI writes it, then opens the stored recipe', async () => {
    const cook = await apiUser('gen');
    const { context, page, generator } = await generatorPage(cook);
    ollama.setOptions({ chunkDelayMs: 400 });
    ollama.script(goodAnswer());

    await generator.getByLabel('Theme').fill('a haunted pumpkin patch');
    await generator.getByRole('button', { name: 'Generate' }).click();
    await visible(generator.getByText('The AI is writing your recipe…'));
    const draft = generator.locator('.recipe-draft');
    await visible(draft.getByRole('heading', { name: 'Pumpkin patch brownies' }));
    expect(new URL(page.url()).searchParams.get('id')).toBeNull();
    expect(await generator.locator('.generation').getAttribute('aria-busy')).toBe('true');
    expect(await focusedText(page)).toBe('Cancel');
    expect(await generator.getByRole('button', { name: 'Generating…' }).isDisabled()).toBe(true);

    await visible(draft.getByRole('list', { name: 'Ingredients so far' }).getByText('200 g dark chocolate'));
    expect(new URL(page.url()).searchParams.get('id')).toBeNull();
    expect(await myRecipes(cook)).toEqual([]);
    await checkA11y(page, 'recipe taking shape');

    await visible(page.getByRole('heading', { level: 1, name: 'Pumpkin patch brownies' }), 30_000);
    await visible(page.getByText('The AI wrote this recipe and it is saved among your recipes'));
    await visible(page.getByText(/generated by llama3\.2/));
    expect(await focusedText(page)).toBe('Pumpkin patch brownies');
    expect((await myRecipes(cook)).map((r) => r.recipe_name)).toEqual(['Pumpkin patch brownies']);
    await checkA11y(page, 'generated recipe');

    const heard = (await page.evaluate(() => window.__heard)) ?? [];
    expect(heard).toContain('The AI is writing your recipe…');
    expect(
      heard.some((said) => /^Pumpkin patch brownies: \d+ ingredients? and \d+ steps? so far\.$/.test(said)),
    ).toBe(true);
    // The answer arrived in 25 pieces; the screen reader heard a handful of updates.
    expect(heard.length).toBeLessThanOrEqual(6);
    await context.close();
  });

  it('asks again after a malformed answer and says why, in plain words', async () => {
    const cook = await apiUser('retry');
    const { context, page, generator } = await generatorPage(cook);
    ollama.setOptions({ chunkDelayMs: 300 });
    ollama.script('{"recipe_name": "Half a pumpkin"}', goodAnswer());

    await generator.getByLabel('Theme').fill('pumpkins');
    await generator.getByRole('button', { name: 'Generate' }).click();
    const retry =
      'The first answer could not be used: it left out the description, how spooky it is, the difficulty and more. Asking the AI again, try 2 of 3.';
    await visible(generator.getByText(retry));
    await checkA11y(page, 'asking the AI again');
    await visible(
      generator.locator('.recipe-draft').getByRole('heading', { name: 'Pumpkin patch brownies' }),
    );
    await visible(page.getByRole('heading', { level: 1, name: 'Pumpkin patch brownies' }), 30_000);
    expect((await page.evaluate(() => window.__heard)) ?? []).toContain(retry);
    expect((await myRecipes(cook)).map((r) => r.recipe_name)).toEqual(['Pumpkin patch brownies']);
    await context.close();
  });

  it('stops the AI on Cancel, stores nothing and gives the keyboard back to Generate; a blank theme is not sent', async () => {
    const cook = await apiUser('cancel');
    const { context, page, generator } = await generatorPage(cook);
    ollama.setOptions({ chunkDelayMs: 400 });
    ollama.script(goodAnswer({ recipe_name: 'Never finished fudge' }));
    const before = chatRequests().length;

    // A blank theme is not sent at all.
    await generator.getByLabel('Theme').fill('   ');
    await generator.getByRole('button', { name: 'Generate' }).click();
    await visible(generator.getByText('Say what the recipe is about, such as “a haunted pumpkin patch”.'));
    expect(chatRequests()).toHaveLength(before);

    await generator.getByLabel('Theme').fill('fudge');
    await generator.getByRole('button', { name: 'Generate' }).click();
    await visible(generator.locator('.recipe-draft').getByRole('heading', { name: 'Never finished fudge' }));
    await page.keyboard.press('Enter'); // the focus is on Cancel
    await visible(generator.getByText('Stopped. Nothing was saved.'));
    expect(await generator.locator('.recipe-draft').count()).toBe(0);
    expect(await focusedText(page)).toBe('Generate');
    expect(await generator.getByLabel('Theme').isEnabled()).toBe(true);
    await checkA11y(page, 'generation cancelled');

    // The model's answer was cut off mid-way and not asked for again, so no recipe can be stored.
    const deadline = Date.now() + 15_000;
    while (chatRequests()[before]?.outcome !== 'client-closed') {
      if (Date.now() > deadline)
        throw new Error(`the model was not stopped: ${chatRequests()[before]?.outcome}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(chatRequests()).toHaveLength(before + 1);
    expect(await myRecipes(cook)).toEqual([]);
    expect((await page.evaluate(() => window.__heard)) ?? []).toContain('Stopped. Nothing was saved.');
    await context.close();
  });

  it('explains a refusal before the AI writes (the plan’s AI limit) and when to try again', async () => {
    const cook = await apiUser('limit');
    ollama.setOptions({ chunkDelayMs: 0 });
    // The free plan allows 10 AI requests a minute: three failed generations of three tries, one good.
    const generate = () =>
      web.http('hollowtown', '/api/recipes/generate', {
        body: { theme: 'bats' },
        headers: { authorization: `Bearer ${cook.token}`, 'idempotency-key': randomUUID() },
      });
    for (let i = 0; i < 3; i++) {
      ollama.script('bad', 'bad', 'bad');
      expect((await generate()).status).toBe(502);
    }
    ollama.script(goodAnswer({ recipe_name: 'Bat wing brownies' }));
    expect((await generate()).status).toBe(201);

    const { context, page, generator } = await generatorPage(cook);
    await generator.getByLabel('Theme').fill('more bats');
    await generator.getByRole('button', { name: 'Generate' }).click();
    await visible(
      generator
        .getByRole('alert')
        .getByText(
          /^You have used the 10 AI requests your plan allows per minute\. Try again in \d+ seconds\.$/,
        ),
    );
    expect(await focusedText(page)).toBe('Generate');
    await checkA11y(page, 'generation refused');
    await context.close();
  });

  it('has no serious or critical accessibility violations while generating', () => {
    expect(Object.keys(violations).length).toBeGreaterThanOrEqual(5);
    expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((k) => [k, []])));
  });
});

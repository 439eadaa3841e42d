/// <reference lib="dom" />
// Choosing AI models in Debian's Chromium: the default model and the free fallback in the account
// console (what a bring-your-own key is for), then a model picked for one generation in Hollowtown
// and in HowToCookAtHome, whose generate form keeps its main field whole on a phone. Against the
// real gateway and an Ollama stand-in with two models; every view is checked with axe.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goodAnswer } from '../../src/hollowtown/testing/recipe-answers.ts';
import { generatedAnswer } from '../../src/recipes/testing.ts';
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

describe.skipIf(!hasChromium)('web: choosing AI models', () => {
  let web: WebPlatform;
  let browser: Browser;
  let ollama: OllamaStandIn;

  beforeAll(async () => {
    ollama = await startOllamaStandIn({ models: ['llama3.2:latest', 'mistral:latest'] });
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

  const a11y = async (page: Page) => {
    await settled(page);
    return seriousViolations(page);
  };

  async function signedUp(user: TestUser = newUser('aim'), viewport?: { width: number; height: number }) {
    const context = await newContext(browser, viewport ? { viewport } : {});
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.warn(`[${user.username}] page error: ${error.message}`));
    await signUpOnAccount(page, web, user);
    return { context, page, user, api: await apiAs(user) };
  }

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

  /** An <option> is never "visible" to Playwright: wait until it is there. */
  const offered = (select: ReturnType<Page['getByLabel']>, text: string) =>
    select.locator('option', { hasText: text }).first().waitFor({ state: 'attached' });

  const asks = () => ollama.requests.filter((r) => r.path === '/api/chat' || r.path === '/api/generate');

  it('sets the default model and the free fallback in the console, offering the models of each key kept there', async () => {
    const { context, page, api } = await signedUp();
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'AI keys and models' })
      .click();
    const form = page.getByRole('form', { name: 'Which model the apps use' });
    const preferred = form.getByLabel('Preferred model');
    await offered(preferred, 'mistral:latest (free)');
    // No key yet: no provider's models on offer.
    expect(await preferred.locator('option', { hasText: 'gpt-4o' }).count()).toBe(0);
    expect(await a11y(page)).toEqual([]);

    await preferred.selectOption('mistral:latest');
    await form.getByRole('button', { name: 'Save models' }).click();
    await visible(page.getByRole('status').getByText('Saved. The apps now ask mistral:latest'));
    expect(await api('GET', '/ai/api/preferences')).toEqual({
      model_preference: 'mistral:latest',
      fallback_model: 'llama3.2',
    });

    // A key brings its provider's models; choosing one says which model answers without it.
    await page.getByLabel('Provider').selectOption('openai');
    await page.getByLabel('API key').fill('sk-test-0123456789abcdefWXYZ');
    await page.getByRole('button', { name: 'Add key' }).click();
    await offered(preferred, 'gpt-4o (your OpenAI key)');
    await preferred.selectOption('gpt-4o');
    await form.getByLabel('Free fallback model').selectOption('mistral:latest');
    await form.getByRole('button', { name: 'Save models' }).click();
    await visible(
      page
        .getByRole('status')
        .getByText('Saved. The apps now ask gpt-4o, and mistral:latest when it cannot answer.'),
    );
    expect(await api('GET', '/ai/api/preferences')).toEqual({
      model_preference: 'gpt-4o',
      fallback_model: 'mistral:latest',
    });

    // Any other model by name; a provider without a key is pointed out before saving.
    await preferred.selectOption({ label: 'Another model…' });
    await form.getByLabel('Model name').fill('claude-opus-4');
    await visible(form.getByText('You have no Anthropic key yet'));
    await form.getByRole('button', { name: 'Save models' }).click();
    await visible(page.getByRole('status').getByText('Saved. The apps now ask claude-opus-4'));
    expect((await api('GET', '/ai/api/preferences')).model_preference).toBe('claude-opus-4');
    expect(await a11y(page)).toEqual([]);
    await context.close();
  });

  it('lets Hollowtown ask another model for one recipe, and says which wrote it', async () => {
    const { context, page, api } = await signedUp();
    await api('PUT', '/ai/api/preferences', { model_preference: 'llama3.2', fallback_model: 'llama3.2' });
    await openSignedIn(page, web, 'hollowtown', 'recipes');
    const model = page.getByLabel('Model', { exact: true });
    await offered(model, 'Default: llama3.2');
    await visible(page.getByRole('link', { name: 'Change your default model' }));
    await model.selectOption('mistral:latest');
    expect(await a11y(page)).toEqual([]);

    ollama.script(goodAnswer());
    await page.getByLabel('Theme').fill('a haunted pumpkin patch');
    await page.getByRole('button', { name: 'Generate' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Pumpkin patch brownies' }), 60_000);
    await visible(page.getByText(/generated by mistral/));
    expect(asks().at(-1)?.body).toMatchObject({ model: 'mistral:latest' });
    await context.close();
  });

  for (const viewport of [
    { width: 1280, height: 900 },
    { width: 390, height: 844 },
  ]) {
    it(`lets HowToCookAtHome ask another model, with the whole of its main field in view (${viewport.width} px wide)`, async () => {
      const { context, page } = await signedUp(newUser('aimr'), viewport);
      await openSignedIn(page, web, 'recipes', 'recipes?generate');
      const theme = page.getByLabel('What would you like to cook?');
      await visible(theme);
      // The field everyone fills spans the form, and nothing on the page scrolls sideways.
      const [field, form] = await Promise.all([
        theme.boundingBox(),
        page.getByRole('form', { name: 'Generate a recipe with AI' }).boundingBox(),
      ]);
      expect(field?.width).toBeGreaterThan((form?.width ?? 0) * 0.95);
      const placeholderFits = await theme.evaluate((input: HTMLInputElement) => {
        const style = getComputedStyle(input);
        const canvas = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D;
        canvas.font = `${style.fontSize} ${style.fontFamily}`;
        const inner =
          input.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
        return canvas.measureText(input.placeholder).width <= inner;
      });
      expect(placeholderFits).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      expect(await a11y(page)).toEqual([]);

      ollama.script(JSON.stringify(generatedAnswer));
      await theme.fill('autumn comfort food');
      await page.getByLabel('Model', { exact: true }).selectOption('mistral:latest');
      await page.getByRole('button', { name: 'Generate recipe' }).click();
      await visible(page.getByRole('heading', { level: 2, name: 'Pumpkin risotto' }), 60_000);
      await visible(page.getByText(/Written by mistral:latest \(ollama\)/));
      expect(asks().at(-1)?.body).toMatchObject({ model: 'mistral:latest' });
      await context.close();
    });
  }
});

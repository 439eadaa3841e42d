/// <reference lib="dom" />
// The operator console (/admin/) in Debian's Chromium: staff granted through identity's staff
// service (what `calos staff grant` runs) walk its views — find an account and grant it credits
// (the ledger names the staff member, the person's security log shows it), the moderation queue,
// the reports, the audit log — every view checked with axe; someone without a role is refused;
// a contractor given Hollowtown sees only Hollowtown's screens and other domains' APIs refuse them.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffService } from '../../src/identity/index.ts';
import {
  hasChromium,
  launchChromium,
  newContext,
  newUser,
  seriousViolations,
  settled,
  signInOnAccount,
  startWebPlatform,
  type TestUser,
  visible,
  type WebPlatform,
} from './support.ts';

describe.skipIf(!hasChromium)('web: the operator console', () => {
  let web: WebPlatform;
  let browser: Browser;
  const people = {} as Record<
    'operator' | 'contractor' | 'subject' | 'outsider',
    TestUser & { token: string }
  >;

  beforeAll(async () => {
    [web, browser] = await Promise.all([
      startWebPlatform({ LOG_LEVEL: 'error', CALOS_MODERATION_REPORTS_TO_HIDE: '1' }),
      launchChromium(),
    ]);
    for (const who of ['operator', 'contractor', 'subject', 'outsider'] as const) {
      const user = newUser(who.slice(0, 6));
      const answer = await web.http('account', '/api/auth/register', {
        body: { username: user.username, email: user.email, password: user.password },
      });
      expect(answer.status).toBe(201);
      people[who] = { ...user, token: answer.body.access_token };
    }
    const staff = createStaffService({ db: web.databases.get('identity'), now: () => new Date() });
    await staff.grant({ login: people.operator.username, role: 'admin' }, { operator: 'test' });
    await staff.grant(
      { login: people.contractor.username, role: 'admin', domain: 'hollowtown' },
      { operator: 'test' },
    );
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  const as = (who: keyof typeof people, pathname: string, body?: unknown) =>
    web.http('localhost', pathname, { body, headers: { authorization: `Bearer ${people[who].token}` } });
  const axeClean = async (page: Page) => {
    await settled(page);
    await page.waitForFunction(
      () => !document.querySelector('main [role="status"]')?.textContent?.includes('Loading'),
    );
    expect(await seriousViolations(page), page.url()).toEqual([]);
  };
  const card = (page: Page, title: string) =>
    page.locator('article.card:not(:has(article))', {
      has: page.getByRole('heading', { name: title, exact: true }),
    });

  it('tells someone without a staff role that the console is closed to them', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signInOnAccount(page, web, people.outsider);
    await page.goto(web.at('account', '/admin/'));
    await visible(page.getByRole('heading', { level: 1, name: 'Staff only' }));
    await visible(page.getByRole('alert').getByText(people.outsider.username));
    await expect(page.getByRole('navigation', { name: 'Main' }).count()).resolves.toBe(0);
    await axeClean(page);
    await context.close();
  });

  it('lets an admin find an account, grant it credits, moderate, read the reports and the audit log', async () => {
    // Something for the queue: a published recipe one report hides.
    const created = await as('subject', '/hollowtown/api/recipes/spooky', {
      recipe_name: 'Suspicious stew',
      is_published: true,
    });
    expect(created.status).toBe(201);
    const reported = await as('outsider', `/hollowtown/api/recipes/spooky/${created.body.recipe_id}/report`, {
      reason: 'Copied from a cookbook',
    });
    expect(reported.status).toBe(201);

    const context = await newContext(browser);
    const page = await context.newPage();
    await signInOnAccount(page, web, people.operator);
    await page.goto(web.at('account', '/admin/'));
    await visible(page.getByRole('heading', { level: 1, name: 'Operator console' }));
    await visible(page.getByText('of Every domain'));
    await axeClean(page);

    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Accounts' }).click();
    const search = page.getByRole('form', { name: 'Find an account' });
    await search.getByLabel('Name, username or email').fill(people.subject.username);
    await search.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('link', { name: people.subject.username }).click();
    await visible(page.getByRole('heading', { level: 1, name: people.subject.username }));
    await visible(page.getByRole('region', { name: 'Live sessions' }));
    await visible(page.getByRole('heading', { name: 'Karma' }));
    await axeClean(page);

    const grant = card(page, 'Grant or take back credits');
    await grant.getByLabel('Credits (negative to take back)').fill('250');
    await grant.getByLabel(/^Reason/).fill('Refund for failed generations');
    await grant.getByRole('button', { name: 'Grant credits' }).click();
    await visible(grant.getByText(`Grant ${people.subject.username} 250 credits?`));
    await axeClean(page);
    await grant.getByRole('button', { name: 'Grant them' }).click();
    await visible(grant.getByText(/Done: the balance is now/));

    // In the person's ledger with the staff member's name, and in their security log.
    const ledger = await as('subject', '/calos/api/credits/ledger');
    expect(ledger.body.items[0]).toMatchObject({
      amount: 250,
      reason: `Granted by staff ${people.operator.username}: Refund for failed generations`,
    });
    const security = await as('subject', '/calos/api/audit');
    expect(security.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          event: 'staff.action',
          details: expect.objectContaining({
            action: 'credits.granted',
            staff: people.operator.username,
            reason: 'Refund for failed generations',
          }),
        }),
      ]),
    );

    await nav.getByRole('link', { name: 'Moderation' }).click();
    const queue = page.getByRole('region', { name: 'Hollowtown: waiting for review' });
    await visible(queue.getByRole('heading', { name: /Suspicious stew/ }));
    await visible(page.getByRole('region', { name: 'HowToCookAtHome: waiting for review' }));
    await axeClean(page);
    const restore = card(page, 'Restore it');
    await restore.getByLabel(/^Reason/).fill('The recipe is original');
    await restore.getByRole('button', { name: 'Restore' }).click();
    await restore.getByRole('button', { name: 'Restore it' }).click();
    await visible(queue.getByText('Nothing is waiting for review.'));

    await nav.getByRole('link', { name: 'Reports' }).click();
    await visible(page.getByRole('region', { name: 'Hollowtown marketplace' }));
    await visible(page.getByRole('region', { name: 'Family Planner: affiliate clicks' }));
    await visible(page.getByRole('region', { name: 'AI usage' }));
    await axeClean(page);

    await nav.getByRole('link', { name: 'Audit log' }).click();
    const log = page.getByRole('table', { name: 'Staff actions, newest first' });
    await visible(log.getByRole('cell', { name: 'item.restored' }));
    await visible(log.getByRole('cell', { name: 'credits.granted' }));
    await axeClean(page);
    await context.close();
  });

  it('shows a contractor given Hollowtown only Hollowtown’s screens; other domains refuse them', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signInOnAccount(page, web, people.contractor);
    await page.goto(web.at('account', '/admin/'));
    const nav = page.getByRole('navigation', { name: 'Main' });
    await visible(nav.getByRole('link', { name: 'Moderation' }));
    expect(await nav.getByRole('link', { name: 'Accounts' }).count()).toBe(0);
    await axeClean(page);

    await nav.getByRole('link', { name: 'Reports' }).click();
    await visible(page.getByRole('region', { name: 'Hollowtown marketplace' }));
    await visible(page.getByRole('region', { name: 'Hollowtown: AI usage' }));
    await visible(page.getByRole('region', { name: 'Hollowtown: affiliate clicks' }));
    expect(await page.getByRole('region', { name: /HowToCookAtHome|Family Planner/ }).count()).toBe(0);
    await axeClean(page);

    await nav.getByRole('link', { name: 'Moderation' }).click();
    await visible(page.getByRole('region', { name: 'Hollowtown: waiting for review' }));
    expect(await page.getByRole('region', { name: /HowToCookAtHome/ }).count()).toBe(0);

    await page.goto(web.at('account', '/admin/users'));
    await visible(page.getByRole('heading', { level: 1, name: 'Not for your role' }));
    await axeClean(page);

    const token = await page.evaluate(
      () => JSON.parse(localStorage.getItem('calos.session.account') ?? '{}').access_token as string,
    );
    for (const pathname of [
      '/calos/api/admin/users/00000000-0000-4000-8000-000000000001',
      '/calos/api/admin/ai-usage?since=2026-01-01T00:00:00Z',
      '/calos/api/admin/audit',
      '/recipes/api/admin/moderation',
      '/family/api/admin/affiliate?since=2026-01-01T00:00:00Z',
    ]) {
      const answer = await web.http('localhost', pathname, { headers: { authorization: `Bearer ${token}` } });
      expect([answer.status, answer.body.error.code], pathname).toEqual([403, 'STAFF_ROLE_REQUIRED']);
    }
    await context.close();
  });
});

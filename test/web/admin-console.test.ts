/// <reference lib="dom" />
// The operator console (/admin/) in Debian's Chromium: staff granted through identity's staff
// service (what `calos staff grant` runs) walk its views — find an account and grant it credits
// (the ledger names the staff member, the person's security log shows it), the moderation queue,
// the reports, the audit log — every view checked with axe; someone without a role is refused;
// a contractor given Hollowtown sees only Hollowtown's screens and other domains' APIs refuse them;
// an admin of all refunds a purchase, changes a plan, grants and revokes a role and pages the log,
// pages through found accounts and the moderation queue with "Show more", and reads the reports
// from a date of their choosing; a report that fails says why instead of loading for ever.

import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertClick } from '../../src/affiliate/store.ts';
import { createStaffService } from '../../src/identity/index.ts';
import { insertUser } from '../../src/identity/store/users.ts';
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

  it('refunds a purchase, changes a plan, grants and revokes a role, and pages through the audit log', async () => {
    // A purchase to refund: the subject buys the outsider's room.
    const plan = await as('outsider', '/hollowtown/api/haunted-house/plans', {
      room_name: 'Mirror maze',
      scare_level: 7,
    });
    const listed = await as('outsider', '/hollowtown/api/market/listings', {
      item_kind: 'plan',
      item_id: plan.body.plan_id,
      price: 80,
      title: 'Mirror maze plan',
    });
    const bought = await web.http(
      'localhost',
      `/hollowtown/api/market/listings/${listed.body.listing_id}/purchase`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${people.subject.token}`, 'idempotency-key': 'console-refund' },
      },
    );
    expect(bought.status).toBe(201);
    const balance = async () => (await as('subject', '/calos/api/credits/balance')).body.balance as number;
    const before = await balance();
    // Enough entries for a second page of the audit log.
    const staffService = createStaffService({ db: web.databases.get('identity'), now: () => new Date() });
    for (let i = 0; i < 26; i++) {
      await staffService.grant(
        { login: people.outsider.username, role: 'support', domain: 'family' },
        { operator: 'test' },
      );
      await staffService.revoke(
        { login: people.outsider.username, role: 'support', domain: 'family' },
        { operator: 'test' },
      );
    }

    // A purchase of the same room left pending past the grace period (identity was away while it
    // was paid): the reports list it, saying what it is for.
    const hollowtown = web.databases.get('hollowtown');
    const idOf = async (who: TestUser) =>
      (
        await web.databases
          .get('identity')
          .query<{ user_id: string }>('SELECT user_id FROM users WHERE username = $1', [who.username])
      ).rows[0]?.user_id;
    await hollowtown.query(
      `INSERT INTO market_purchases (listing_id, buyer_id, seller_id, idempotency_key, transfer_reference,
         title, price, created_at, item_kind)
       VALUES ($1, $2, $3, 'console-stuck', $4, 'Mirror maze plan', 80, $5, 'plan')`,
      [
        listed.body.listing_id,
        await idOf(people.contractor),
        await idOf(people.outsider),
        `hollowtown:listing:${listed.body.listing_id}`,
        new Date(Date.now() - 10 * 60_000),
      ],
    );

    const context = await newContext(browser);
    const page = await context.newPage();
    await signInOnAccount(page, web, people.operator);
    await page.goto(web.at('account', '/admin/reports'));
    const nav = page.getByRole('navigation', { name: 'Main' });
    const stuck = page.getByRole('table', { name: 'Hollowtown purchases stuck pending, oldest first' });
    await visible(stuck.getByRole('cell', { name: 'Mirror maze plan (plan)' }));
    await hollowtown.query("DELETE FROM market_purchases WHERE idempotency_key = 'console-stuck'");
    const refund = card(page, 'Refund a Hollowtown purchase');
    await refund.getByLabel('Purchase').selectOption(bought.body.purchase_id);
    await refund.getByLabel(/^Reason/).fill('The maze had no mirrors');
    await refund.getByRole('button', { name: 'Refund', exact: true }).click();
    await visible(refund.getByText(/^Give .* back 80 credits for “Mirror maze plan”/));
    await axeClean(page);
    await refund.getByRole('button', { name: 'Refund it' }).click();
    await visible(page.getByText('Refunded: both sides are reversed.'));
    expect(await balance()).toBe(before + 80);

    await nav.getByRole('link', { name: 'Plans' }).click();
    const pro = page.getByRole('form', { name: 'Change the Premium plan' });
    await pro.getByLabel('AI requests per day').fill('12000');
    await pro.getByRole('button', { name: 'Save the Premium plan' }).click();
    await visible(pro.getByText('Change ai_per_day of the Premium plan for everyone on it?'));
    await axeClean(page);
    await pro.getByRole('button', { name: 'Change it' }).click();
    await visible(page.getByText('Saved. New sign-ins get it at once.'));
    const plans = await as('operator', '/calos/api/admin/plans');
    expect(plans.body.items).toContainEqual(expect.objectContaining({ code: 'pro', ai_per_day: 12000 }));

    await nav.getByRole('link', { name: 'Staff' }).click();
    const grant = page.getByRole('form', { name: 'Grant a staff role' });
    await grant.getByLabel('Username or email').fill(people.outsider.username);
    await grant.getByLabel('Role').selectOption('moderator');
    await grant.getByLabel('Domain').selectOption('recipes');
    await grant.getByRole('button', { name: 'Grant role' }).click();
    await visible(page.getByText(`${people.outsider.username} is now moderator of HowToCookAtHome.`));
    const roles = page.getByRole('table', { name: 'Staff roles by person' });
    const revoke = roles.getByRole('button', {
      name: `Revoke moderator of HowToCookAtHome from ${people.outsider.username}`,
    });
    await axeClean(page);
    await revoke.click();
    await page.getByRole('button', { name: 'Revoke it' }).click();
    await roles.locator('tr', { hasText: people.outsider.username }).waitFor({ state: 'detached' });
    expect((await as('operator', '/calos/api/admin/staff')).body.items).not.toContainEqual(
      expect.objectContaining({ username: people.outsider.username }),
    );

    await nav.getByRole('link', { name: 'Audit log' }).click();
    const log = page.getByRole('table', { name: 'Staff actions, newest first' });
    await visible(log.getByRole('cell', { name: 'staff.revoked' }));
    const rows = log.locator('tbody tr');
    expect(await rows.count()).toBe(50);
    await page.getByRole('button', { name: 'Show older entries' }).click();
    await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length > 50);
    await visible(log.getByRole('cell', { name: 'purchase.refunded' }));
    await visible(log.getByRole('cell', { name: 'plan.changed' }));
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
    expect(await nav.getByRole('link', { name: /^(Plans|Staff)$/ }).count()).toBe(0);
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
      '/calos/api/admin/plans',
      '/calos/api/admin/staff',
    ]) {
      const answer = await web.http('localhost', pathname, { headers: { authorization: `Bearer ${token}` } });
      expect([answer.status, answer.body.error.code], pathname).toEqual([403, 'STAFF_ROLE_REQUIRED']);
    }
    await context.close();
  });

  it('pages through found accounts and the moderation queue with “Show more”', async () => {
    const prefix = `pager${Math.random().toString(36).slice(2, 6)}`;
    const identity = web.databases.get('identity');
    for (let i = 0; i < 23; i++)
      await insertUser(identity, {
        username: `${prefix}_${String(i).padStart(2, '0')}`,
        email: `${prefix}${i}@example.test`,
        passwordHash: 'not-a-password',
      });
    const hollowtown = web.databases.get('hollowtown');
    const at = new Date(Date.now() - 60_000);
    for (let i = 0; i < 22; i++)
      await hollowtown.query(
        `INSERT INTO moderation_items (item_kind, item_id, author_id, item_title, state, reason, updated_at)
         VALUES ('plan', $1, $2, $3, 'hidden', 'Reported', $4)`,
        [randomUUID(), randomUUID(), `${prefix} room ${String(i).padStart(2, '0')}`, at],
      );

    const context = await newContext(browser);
    const page = await context.newPage();
    await signInOnAccount(page, web, people.operator);
    await page.goto(web.at('account', `/admin/users?q=${prefix}`));
    const found = page.getByRole('region', { name: `Accounts matching “${prefix}”` });
    await visible(found.getByRole('link', { name: `${prefix}_19` }));
    expect(await found.getByRole('link').count()).toBe(20);
    await axeClean(page);
    await found.getByRole('button', { name: 'Show more accounts' }).click();
    await visible(found.getByRole('link', { name: `${prefix}_22` }));
    const names = await found.getByRole('link').allTextContents();
    expect(names).toEqual(Array.from({ length: 23 }, (_, i) => `${prefix}_${String(i).padStart(2, '0')}`));
    expect(await found.getByRole('button', { name: 'Show more accounts' }).count()).toBe(0);

    await page.goto(web.at('account', '/admin/moderation'));
    const queue = page.getByRole('region', { name: 'Hollowtown: waiting for review' });
    const titles = queue.getByRole('heading', { level: 3, name: new RegExp(`${prefix} room`) });
    await visible(titles.first());
    expect(await titles.count()).toBe(20);
    await axeClean(page);
    await queue.getByRole('button', { name: 'Show more waiting items' }).click();
    await page.waitForFunction(
      (p) => [...document.querySelectorAll('h3')].filter((h) => h.textContent?.includes(p)).length === 22,
      `${prefix} room`,
    );
    const shown = (await titles.allTextContents()).map((t) => t.replace(/plan$/, '').trim());
    expect(new Set(shown).size).toBe(22);
    expect(await queue.getByRole('button', { name: 'Show more waiting items' }).count()).toBe(0);
    await context.close();
  });

  it('says why a report failed instead of loading for ever, with the server’s reason for staff refusals', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signInOnAccount(page, web, people.operator);
    // A service that fails (a 503 in the platform's error shape) and one that refuses the role:
    // answered by the browser's request interception, as a failing or narrower server would.
    const failWith = (status: number, code: string, message: string) => ({
      status,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code, message } }),
    });
    await page.route(/\/\/recipes\.localhost:\d+\/api\/admin\/affiliate\?/, (route) =>
      route.fulfill(failWith(503, 'SERVICE_UNAVAILABLE', 'recipes is restarting')),
    );
    await page.route(/\/\/account\.localhost:\d+\/api\/admin\/ai-usage\?/, (route) =>
      route.fulfill(
        failWith(403, 'STAFF_ROLE_REQUIRED', 'This needs the staff role admin or support for identity'),
      ),
    );
    await page.goto(web.at('account', '/admin/reports?days=7'));
    const clicks = page.getByRole('region', { name: 'HowToCookAtHome: affiliate clicks' });
    await visible(clicks.getByRole('alert'));
    expect(await clicks.getByRole('alert').textContent()).toBe(
      'Something went wrong on our side. Try again in a moment.',
    );
    expect(await clicks.getByRole('status').count()).toBe(0);
    const ai = page.getByRole('region', { name: 'AI usage', exact: true });
    await visible(ai.getByRole('alert'));
    expect(await ai.getByRole('alert').textContent()).toBe(
      'This needs the staff role admin or support for identity.',
    );
    expect(await ai.getByRole('status').count()).toBe(0);
    // The reports that answered are shown beside them.
    await visible(page.getByRole('region', { name: 'Hollowtown marketplace' }).getByRole('table').first());
    await axeClean(page);
    await context.close();
  });

  it('reports affiliate clicks from a chosen date, and says so when the date is too far back', async () => {
    const day = 86_400_000;
    const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const now = Date.now();
    const { rows } = await web.databases
      .get('identity')
      .query<{ user_id: string }>('SELECT user_id FROM users WHERE username = $1', [people.subject.username]);
    for (const ago of [3, 12])
      await insertClick(web.databases.get('family'), {
        app: 'family',
        retailer: 'Chosen-date shop',
        item_kind: 'grocery',
        user_id: rows[0]?.user_id as string,
        clicked_at: new Date(now - ago * day),
      });
    const context = await newContext(browser);
    const page = await context.newPage();
    await signInOnAccount(page, web, people.operator);
    await page.goto(web.at('account', '/admin/reports?days=7'));
    const clicks = page.getByRole('region', { name: 'Family Planner: affiliate clicks' });
    await visible(clicks.getByRole('row', { name: 'Chosen-date shop grocery 1 1' }));

    await page.getByLabel('Period').selectOption('date');
    const chosen = page.getByRole('form', { name: 'Reports from a date' });
    await chosen.getByLabel(/^From/).fill(dayOf(now - 20 * day));
    await chosen.getByRole('button', { name: 'Show the reports' }).click();
    await visible(clicks.getByRole('row', { name: 'Chosen-date shop grocery 2 1' }));
    expect(new URL(page.url()).searchParams.get('since')).toBe(dayOf(now - 20 * day));
    await axeClean(page);

    // A date the picker would not offer, typed into the address: the field says why, and the
    // server would refuse it too.
    await page.goto(web.at('account', `/admin/reports?days=date&since=${dayOf(now - 400 * day)}`));
    await visible(page.getByText('Choose a day in the last year, up to today.'));
    expect(await page.getByRole('region', { name: /affiliate clicks/ }).count()).toBe(0);
    await axeClean(page);
    const far = await as('operator', `/family/api/admin/affiliate?since=${dayOf(now - 400 * day)}`);
    expect([far.status, far.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const bad = await as('operator', '/family/api/admin/affiliate?since=2026-02-30');
    expect([bad.status, bad.body.error.code, bad.body.error.details]).toEqual([
      400,
      'VALIDATION_FAILED',
      [expect.objectContaining({ field: 'since' })],
    ]);
    await context.close();
  });
});

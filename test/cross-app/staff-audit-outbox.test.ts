// What staff do in an app reaches identity's staff audit log through the app's outbox: a refund
// (Hollowtown, HowToCookAtHome) or a moderation decision writes its event in its own transaction,
// so identity failing at that moment loses nothing (the entry comes when the outbox retries); a
// redelivered event or a refund asked again writes no second entry. And a staff role taken back
// is refused by every app's console at once, on identity's staff.changed, not after the cache's
// ten seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FamilyClient } from '../../src/family/client.ts';
import type { HollowtownClient } from '../../src/hollowtown/client.ts';
import type { IdentityClient, StaffActionInput } from '../../src/identity/client.ts';
import { createStaffService } from '../../src/identity/index.ts';
import type { RecipesInstanceClient } from '../../src/recipes/index.ts';
import { testEngines } from '../support/engines.ts';
import { given, type TestUser } from '../support/given.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe.each(testEngines())('staff actions through the apps’ outboxes on %s', (engine) => {
  let platform: TestPlatform;
  const operator = { operator: 'test' };
  const staff = () =>
    createStaffService({ db: platform.databases.get('identity'), now: () => platform.clock.now() });
  const identity = () => platform.clients.get<IdentityClient>('identity');
  const hollowtown = () => platform.clients.get<HollowtownClient>('hollowtown');
  const recipes = () => platform.clients.get<RecipesInstanceClient>('recipes');
  const family = () => platform.clients.get<FamilyClient>('family');
  const user = () => given(platform).user();
  const call = (who: TestUser, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, key?: string) =>
    platform.app.inject({
      method,
      url,
      headers: key ? { ...who.headers, 'idempotency-key': key } : who.headers,
      ...(payload ? { payload } : {}),
    });

  beforeAll(async () => {
    platform = await startTestPlatform(engine, {
      services: ['identity', 'hollowtown', 'recipes', 'family'],
      env: { CALOS_MODERATION_REPORTS_TO_HIDE: '1' },
    });
  }, 300_000);
  afterAll(() => platform.close());

  /** Watches identity's staff.recordAction; `failures` calls throw first, as an unreachable identity. */
  function watchRecordAction(failures = 0) {
    const client = identity().staff;
    const real = client.recordAction;
    const seen = { failed: 0, keys: [] as (string | undefined)[] };
    client.recordAction = async (input: StaffActionInput) => {
      if (seen.failed < failures) {
        seen.failed++;
        throw new Error('identity is away');
      }
      seen.keys.push(input.idempotencyKey);
      return real.call(client, input);
    };
    return { seen, restore: () => (client.recordAction = real) };
  }

  /** Polls, running the app's delivery each time (a failed run is retried), until `check` holds. */
  async function until(check: () => Promise<boolean> | boolean, deliver: () => Promise<unknown>) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      await deliver().catch(() => undefined);
      if (await check()) return;
      if (Date.now() > deadline) throw new Error('not delivered in time');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  const auditOf = async (field: 'purchase_id' | 'item_id', id: string) =>
    (
      await platform.databases.get('identity').query<{
        staff_audit_id: number;
        actor_user_id: string;
        subject_user_id: string;
        action: string;
        domain: string;
        dedupe_key: string;
      }>(
        `SELECT staff_audit_id, actor_user_id, subject_user_id, action, domain, dedupe_key FROM staff_audit_log
         WHERE details->>$1 = $2 ORDER BY subject_user_id`,
        [field, id],
      )
    ).rows;
  const securityEntries = async (who: TestUser, field: string, id: string) =>
    Number(
      (
        await platform.databases
          .get('identity')
          .query<{ n: number }>(
            `SELECT count(*) AS n FROM audit_log WHERE user_id = $1 AND event = 'staff.action' AND details->>$2 = $3`,
            [who.userId, field, id],
          )
      ).rows[0]?.n,
    );

  async function soldPlan(seller: TestUser, buyer: TestUser) {
    const plan = await call(seller, 'POST', '/hollowtown/api/haunted-house/plans', {
      room_name: 'Bone cellar',
      scare_level: 9,
    });
    const listed = await call(seller, 'POST', '/hollowtown/api/market/listings', {
      item_kind: 'plan',
      item_id: plan.json().plan_id,
      price: 100,
    });
    const bought = await call(
      buyer,
      'POST',
      `/hollowtown/api/market/listings/${listed.json().listing_id}/purchase`,
      undefined,
      'audit-1',
    );
    expect(bought.statusCode, bought.body).toBe(201);
    return bought.json().purchase_id as string;
  }

  it('writes a refund’s entries after identity failed at the moment, once however often the refund or the event comes again', async () => {
    const [seller, buyer, support] = [await user(), await user(), await user()];
    await staff().grant({ login: support.username, role: 'support', domain: 'hollowtown' }, operator);
    const purchaseId = await soldPlan(seller, buyer);
    const url = `/hollowtown/api/market/purchases/${purchaseId}/refund`;

    const watch = watchRecordAction(1);
    try {
      const refunded = await call(support, 'POST', url, { reason: 'Not as described' });
      expect([refunded.statusCode, refunded.json().status]).toEqual([200, 'refunded']);
      // Identity refused the first delivery; the outbox delivers again.
      await until(
        async () => (await auditOf('purchase_id', purchaseId)).length === 2,
        () => hollowtown().syncCommunityEvents(),
      );
      expect(watch.seen.failed).toBe(1);
      const entries = await auditOf('purchase_id', purchaseId);
      expect(entries.map((e) => e.subject_user_id)).toEqual([buyer.userId, seller.userId].sort());
      for (const e of entries) {
        expect(e).toMatchObject({
          actor_user_id: support.userId,
          action: 'purchase.refunded',
          domain: 'hollowtown',
        });
        expect(e.dedupe_key).toMatch(/^hollowtown:outbox:\d+$/);
      }
      // Both people read it in their security log, naming the staff member.
      for (const person of [buyer, seller]) {
        const log = (await call(person, 'GET', '/calos/api/audit')).json();
        expect(log.items).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              event: 'staff.action',
              details: expect.objectContaining({
                action: 'purchase.refunded',
                staff: support.username,
                purchase_id: purchaseId,
                acted_at: expect.any(String),
              }),
            }),
          ]),
        );
      }

      // The refund asked again answers the same and writes no event.
      const again = await call(support, 'POST', url, { reason: 'Not as described' });
      expect([again.statusCode, again.json().status]).toEqual([200, 'refunded']);
      const hollowtownDb = platform.databases.get('hollowtown');
      const events = await hollowtownDb.query<{ event_id: number }>(
        `SELECT event_id FROM outbox WHERE topic = 'staff.action' AND payload->'details'->>'purchase_id' = $1 ORDER BY event_id`,
        [purchaseId],
      );
      expect(events.rows).toHaveLength(2);

      // Delivered again (as after a crash between identity's answer and the cursor's move).
      const delivered = watch.seen.keys.length;
      await hollowtownDb.query(`UPDATE outbox_cursors SET last_event_id = $1 WHERE consumer = 'community'`, [
        Number(events.rows[0]?.event_id) - 1,
      ]);
      await until(
        () => watch.seen.keys.length >= delivered + 2,
        () => hollowtown().syncCommunityEvents(),
      );
      expect(await auditOf('purchase_id', purchaseId)).toEqual(entries);
      for (const person of [buyer, seller])
        expect(await securityEntries(person, 'purchase_id', purchaseId)).toBe(1);
      // The same key answers the same entry.
      const first = entries[0] as (typeof entries)[number];
      expect(
        await identity().staff.recordAction({
          actorUserId: support.userId,
          domain: 'hollowtown',
          action: 'purchase.refunded',
          subjectUserId: first.subject_user_id,
          reason: 'Not as described',
          details: { purchase_id: purchaseId },
          idempotencyKey: first.dedupe_key,
        }),
      ).toEqual({ staffAuditId: Number(first.staff_audit_id) });
      expect(await auditOf('purchase_id', purchaseId)).toHaveLength(2);
    } finally {
      watch.restore();
    }
  });

  it('writes one entry per person for concurrent refunds of a recipe book', async () => {
    const [seller, buyer, support] = [await user(), await user(), await user()];
    await staff().grant({ login: support.username, role: 'support', domain: 'recipes' }, operator);
    const recipe = await call(seller, 'POST', '/recipes/api/recipes', { recipe_name: 'Hidden soup' });
    const book = (await call(seller, 'POST', '/recipes/api/cookbooks', { title: 'Soups' })).json();
    await call(
      seller,
      'PUT',
      `/recipes/api/cookbooks/${book.cookbook_id}/recipes/${recipe.json().recipe_id}`,
    );
    const listed = await call(seller, 'POST', '/recipes/api/market/listings', {
      item_kind: 'cookbook',
      item_id: book.cookbook_id,
      price: 50,
    });
    const bought = await call(
      buyer,
      'POST',
      `/recipes/api/market/listings/${listed.json().listing_id}/purchase`,
      undefined,
      'audit-book',
    );
    expect(bought.statusCode, bought.body).toBe(201);
    const purchaseId = bought.json().purchase_id as string;

    const refunds = await Promise.all(
      Array.from({ length: 4 }, () =>
        call(support, 'POST', `/recipes/api/market/purchases/${purchaseId}/refund`, { reason: 'Duplicate' }),
      ),
    );
    expect(refunds.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
    await until(
      async () => (await auditOf('purchase_id', purchaseId)).length === 2,
      () => recipes().syncCommunityEvents(),
    );
    await recipes().syncCommunityEvents();
    const entries = await auditOf('purchase_id', purchaseId);
    expect(entries.map((e) => [e.subject_user_id, e.domain])).toEqual(
      [buyer.userId, seller.userId].sort().map((id) => [id, 'recipes']),
    );
    for (const e of entries) expect(e.dedupe_key).toMatch(/^recipes:outbox:\d+$/);
  });

  it('writes a moderation decision’s entry after identity failed at the moment', async () => {
    const [author, reporter, moderator] = [await user(), await user(), await user()];
    await staff().grant({ login: moderator.username, role: 'moderator', domain: 'hollowtown' }, operator);
    const created = await call(author, 'POST', '/hollowtown/api/recipes/spooky', {
      recipe_name: 'Suspicious stew',
      is_published: true,
    });
    const id = created.json().recipe_id as string;
    await call(reporter, 'POST', `/hollowtown/api/recipes/spooky/${id}/report`, { reason: 'Copied' });

    const watch = watchRecordAction(1);
    try {
      const removed = await call(moderator, 'POST', `/hollowtown/api/admin/moderation/recipe/${id}/remove`, {
        reason: 'Copied without credit',
      });
      expect(removed.statusCode, removed.body).toBe(200);
      await until(
        async () => (await auditOf('item_id', id)).length === 1,
        () => hollowtown().syncCommunityEvents(),
      );
      expect(watch.seen.failed).toBe(1);
      expect(await auditOf('item_id', id)).toEqual([
        expect.objectContaining({
          actor_user_id: moderator.userId,
          subject_user_id: author.userId,
          action: 'item.removed',
        }),
      ]);
      expect(await securityEntries(author, 'item_id', id)).toBe(1);
    } finally {
      watch.restore();
    }
  });

  it('refuses a staff member every app’s console at once when identity takes the role back', async () => {
    const [person, quiet] = [await user(), await user()];
    await staff().grant({ login: person.username, role: 'support' }, operator);
    await staff().grant({ login: quiet.username, role: 'support' }, operator);
    const syncStaffChanges = () =>
      Promise.all([
        hollowtown().syncIdentityEvents(),
        recipes().drainUserEvents(),
        family().syncIdentityEvents(),
      ]);
    // The grants' own staff.changed events, out of the way.
    await syncStaffChanges();
    const consoles = [
      '/hollowtown/api/admin/market',
      '/recipes/api/admin/market',
      '/family/api/admin/affiliate',
    ];
    for (const who of [person, quiet])
      for (const url of consoles) expect((await call(who, 'GET', url)).statusCode).toBe(200);

    await staff().revoke({ login: person.username, role: 'support' }, operator);
    await syncStaffChanges();
    for (const url of consoles) {
      const refused = await call(person, 'GET', url);
      expect([refused.statusCode, refused.json().error.code], url).toEqual([403, 'STAFF_ROLE_REQUIRED']);
    }

    // A role gone without identity's event (behind its back) holds until the cache's time has
    // passed on the service's clock.
    await platform.databases
      .get('identity')
      .query('DELETE FROM staff_roles WHERE user_id = $1', [quiet.userId]);
    for (const url of consoles) expect((await call(quiet, 'GET', url)).statusCode).toBe(200);
    platform.clock.advance(10_001);
    for (const url of consoles) expect((await call(quiet, 'GET', url)).statusCode).toBe(403);
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedDatabases, isolatedDatabases } from '../../../test/support/databases.ts';
import { testEngines } from '../../../test/support/engines.ts';
import { createTestClock } from '../../platform/clock.ts';
import { loadConfig } from '../../platform/config.ts';
import type { Database } from '../../platform/db/database.ts';
import { createLogger } from '../../platform/logger.ts';
import type { IdentityDeps } from '../deps.ts';
import { openCreditAccount } from '../store/credits.ts';
import { ackEvent, enqueueEvent } from '../store/outbox.ts';
import { type CreditsService, createCreditsService, HOLD_LIFETIME_MS } from './credits.ts';
import { createIdentityHousekeeping, OUTBOX_RETENTION_MS } from './housekeeping.ts';

describe.each(testEngines())("identity's housekeeping on %s", (engine) => {
  let isolated: IsolatedDatabases;
  let db: Database;
  let credits: CreditsService;
  let deps: IdentityDeps;
  let counter = 0;
  const clock = createTestClock();

  beforeAll(async () => {
    isolated = await isolatedDatabases(engine);
    db = (await isolated.open(['identity'])).get('identity');
    const config = loadConfig({ NODE_ENV: 'test' });
    deps = {
      db,
      config,
      logger: createLogger({ logLevel: 'silent' }),
      masterKey: randomBytes(32),
      now: () => clock.now(),
    };
    credits = createCreditsService(deps);
  });
  afterAll(() => isolated.cleanup());

  async function newUser(): Promise<string> {
    counter += 1;
    return db.transaction(async (tx) => {
      const { rows } = await tx.query<{ user_id: string }>(
        "INSERT INTO users (username, email, password_hash) VALUES ($1, $2, 'x') RETURNING user_id",
        [`keeper_${counter}`, `keeper_${counter}@example.test`],
      );
      const userId = rows[0]?.user_id as string;
      await openCreditAccount(tx, userId);
      return userId;
    });
  }

  /** Makes a row `ms` older than the service clock's now. */
  const age = (table: string, idColumn: string, id: string | number, ms: number) =>
    db.query(`UPDATE ${table} SET created_at = $2 WHERE ${idColumn} = $1`, [
      id,
      new Date(clock.nowMs() - ms),
    ]);

  it('refunds holds once their end has passed by the service clock, once, and leaves recent and closed ones alone', async () => {
    const userId = await newUser();
    const reserve = (key: string) =>
      credits.reserve({ userId, amount: 100, idempotencyKey: key, reason: 'premium chat' });
    const abandoned = await reserve('abandoned');
    const settled = await reserve('settled');
    await credits.settle({ reservationId: settled.reservationId, amount: 40, idempotencyKey: 'settle' });
    // The database's own time is not consulted: the clock moves past the holds' end, the rows
    // stay exactly as written.
    clock.advance(HOLD_LIFETIME_MS + 60_000);
    const recent = await reserve('recent');
    expect((await credits.balance(userId)).balance).toBe(1000 - 100 - 100 - 40);
    const early = createIdentityHousekeeping(
      { ...deps, now: () => new Date(clock.nowMs() - HOLD_LIFETIME_MS - 120_000) },
      credits,
    );
    expect((await early.runOnce())['stale credit holds refunded']).toBe(0);

    const housekeeping = createIdentityHousekeeping(deps, credits);
    const first = await housekeeping.runOnce();
    expect(first['stale credit holds refunded']).toBe(1);
    expect((await credits.balance(userId)).balance).toBe(1000 - 100 - 40);
    const { rows } = await db.query<{ reservation_id: string; status: string; closed_by_key: string | null }>(
      'SELECT reservation_id, status, closed_by_key FROM credit_reservations WHERE user_id = $1',
      [userId],
    );
    expect(new Map(rows.map((r) => [r.reservation_id, [r.status, r.closed_by_key]]))).toEqual(
      new Map([
        [abandoned.reservationId, ['refunded', `expired:${abandoned.reservationId}`]],
        [recent.reservationId, ['held', null]],
        [settled.reservationId, ['settled', 'settle']],
      ]),
    );

    // Nothing left to do: a second round changes nothing.
    expect((await housekeeping.runOnce())['stale credit holds refunded']).toBe(0);
    expect((await credits.balance(userId)).balance).toBe(1000 - 100 - 40);
    // The hold's caller coming back late finds it closed, not a second effect.
    await expect(
      credits.settle({ reservationId: abandoned.reservationId, amount: 10, idempotencyKey: 'late' }),
    ).rejects.toMatchObject({ code: 'RESERVATION_CLOSED' });
  });

  it('prunes outbox events every consumer has read once they are a week old, and keeps the rest', async () => {
    await db.query('DELETE FROM outbox_cursors');
    await db.query('DELETE FROM outbox');
    for (let i = 0; i < 4; i++) {
      await db.transaction((tx) => enqueueEvent(tx, 'user.deleted', { user_id: `u${i}` }, clock.now()));
    }
    const ids = (
      await db.query<{ event_id: number }>('SELECT event_id FROM outbox ORDER BY event_id')
    ).rows.map((r) => Number(r.event_id));
    const [, e2, e3] = ids as [number, number, number, number];
    for (const id of ids.slice(0, 3)) await age('outbox', 'event_id', id, OUTBOX_RETENTION_MS + 60_000);
    // One consumer has read three, the other only the first two: the third is still owed.
    await ackEvent(db, 'hollowtown', e3);
    await ackEvent(db, 'family', e2);

    const housekeeping = createIdentityHousekeeping(deps, credits);
    expect((await housekeeping.runOnce())['consumed outbox events pruned']).toBe(2);
    const left = (await db.query<{ event_id: number }>('SELECT event_id FROM outbox ORDER BY event_id')).rows;
    expect(left.map((r) => Number(r.event_id))).toEqual(ids.slice(2));
  });
});

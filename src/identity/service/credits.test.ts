import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedDatabases, isolatedDatabases } from '../../../test/support/databases.ts';
import { testEngines } from '../../../test/support/engines.ts';
import { loadConfig } from '../../platform/config.ts';
import type { Database } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { createLogger } from '../../platform/logger.ts';
import type { IdentityDeps } from '../deps.ts';
import { openCreditAccount } from '../store/credits.ts';
import { type CreditsService, createCreditsService, grantCredits } from './credits.ts';

/** The error a promise rejects with, to assert on its code and details. */
async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe.each(testEngines())('credits on %s', (engine) => {
  let isolated: IsolatedDatabases;
  let db: Database;
  let credits: CreditsService;
  let counter = 0;

  beforeAll(async () => {
    isolated = await isolatedDatabases(engine);
    db = (await isolated.open(['identity'])).get('identity');
    const config = loadConfig({ NODE_ENV: 'test' });
    const deps: IdentityDeps = {
      db,
      config,
      logger: createLogger(config),
      masterKey: randomBytes(32),
      now: () => new Date(),
    };
    credits = createCreditsService(deps);
  });
  afterAll(() => isolated.cleanup());

  /** A user with a fresh credits account (1000), made the way registration makes it. */
  async function newUser(): Promise<string> {
    counter += 1;
    return db.transaction(async (tx) => {
      const { rows } = await tx.query<{ user_id: string }>(
        "INSERT INTO users (username, email, password_hash) VALUES ($1, $2, 'x') RETURNING user_id",
        [`credits_${counter}`, `credits_${counter}@example.test`],
      );
      const userId = rows[0]?.user_id as string;
      await openCreditAccount(tx, userId);
      return userId;
    });
  }

  /** The promise of the ledger: the balance is the sum of the entries, never negative on the way. */
  async function books(userId: string) {
    const { rows } = await db.query<{
      balance: number;
      lifetime_spent: number;
      ledger_sum: number;
      lowest: number;
      entries: number;
    }>(
      `SELECT b.balance, b.lifetime_spent,
              (SELECT coalesce(sum(amount), 0) FROM credit_ledger WHERE user_id = $1) AS ledger_sum,
              (SELECT min(balance_after) FROM credit_ledger WHERE user_id = $1) AS lowest,
              (SELECT count(*) FROM credit_ledger WHERE user_id = $1) AS entries
       FROM credits_balance b WHERE b.user_id = $1`,
      [userId],
    );
    const row = rows[0];
    if (!row) throw new Error('no credits account');
    expect(row.ledger_sum).toBe(row.balance);
    expect(row.lowest).toBeGreaterThanOrEqual(0);
    return row;
  }

  it('opens an account with 1000 credits explained by one signup_grant entry', async () => {
    const userId = await newUser();
    expect(await credits.balance(userId)).toEqual({ balance: 1000, lifetimeSpent: 0 });
    const page = await credits.ledger(userId, { limit: 10 });
    expect(page.items).toEqual([
      expect.objectContaining({ amount: 1000, kind: 'signup_grant', balance_after: 1000 }),
    ]);
    expect(page.next_cursor).toBeNull();
    expect((await books(userId)).entries).toBe(1);
  });

  it('holds credits, then spends part of the hold and releases the rest', async () => {
    const userId = await newUser();
    const held = await credits.reserve({ userId, amount: 100, idempotencyKey: 'call-1', reason: 'chat' });
    expect(held).toMatchObject({ userId, amount: 100, spent: null, status: 'held', balance: 900 });
    const settled = await credits.settle({
      reservationId: held.reservationId,
      amount: 30,
      idempotencyKey: 's-1',
    });
    expect(settled).toMatchObject({ amount: 100, spent: 30, status: 'settled', balance: 970 });
    expect(await credits.balance(userId)).toEqual({ balance: 970, lifetimeSpent: 30 });
    const kinds = (await credits.ledger(userId, { limit: 10 })).items.map((i) => [i.kind, i.amount]);
    expect(kinds).toEqual([
      ['release', 70],
      ['reserve', -100],
      ['signup_grant', 1000],
    ]);
    await books(userId);
  });

  it('settles the whole hold without a release entry', async () => {
    const userId = await newUser();
    const held = await credits.reserve({ userId, amount: 50, idempotencyKey: 'k', reason: 'image' });
    await credits.settle({ reservationId: held.reservationId, amount: 50, idempotencyKey: 'k' });
    expect(await credits.balance(userId)).toEqual({ balance: 950, lifetimeSpent: 50 });
    expect((await books(userId)).entries).toBe(2);
  });

  it('never charges beyond the hold: what a settle asks beyond it is recorded as shortfall, not taken', async () => {
    const userId = await newUser();
    const big = await credits.reserve({ userId, amount: 900, idempotencyKey: 'big', reason: 'long run' });
    expect(big.balance).toBe(100);
    const exact = await credits.settle({
      reservationId: big.reservationId,
      amount: 900,
      idempotencyKey: 's',
    });
    expect(exact).toMatchObject({ spent: 900, balance: 100 });

    const other = await newUser();
    const hold = await credits.reserve({ userId: other, amount: 300, idempotencyKey: 'h', reason: 'batch' });
    const over = await credits.settle({
      reservationId: hold.reservationId,
      amount: 1500,
      idempotencyKey: 's',
    });
    // The balance had 700 more, but a call never gets more than it held.
    expect(over).toMatchObject({ amount: 300, spent: 300, status: 'settled', balance: 700 });
    expect(await credits.balance(other)).toEqual({ balance: 700, lifetimeSpent: 300 });
    const { rows } = await db.query<{ shortfall: number; spent: number }>(
      'SELECT shortfall, spent FROM credit_reservations WHERE reservation_id = $1',
      [hold.reservationId],
    );
    expect(rows[0]).toEqual({ shortfall: 1200, spent: 300 });
    const kinds = (await credits.ledger(other, { limit: 10 })).items.map((e) => e.kind);
    expect(kinds).toEqual(['reserve', 'signup_grant']);
    // A retry of that settle answers the same, and changes nothing.
    expect(
      await credits.settle({ reservationId: hold.reservationId, amount: 1500, idempotencyKey: 's' }),
    ).toEqual(over);
    await books(userId);
    await books(other);
  });

  it('refuses a hold larger than the balance with 402, the balance and the need, and writes nothing', async () => {
    const userId = await newUser();
    const error = await failure(credits.reserve({ userId, amount: 1001, idempotencyKey: 'x', reason: 'r' }));
    expect(error).toMatchObject({
      status: 402,
      code: 'INSUFFICIENT_CREDITS',
      details: { balance: 1000, needed: 1001 },
    });
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*) AS n FROM credit_reservations WHERE user_id = $1',
      [userId],
    );
    expect(rows[0]?.n).toBe(0);
    expect((await books(userId)).entries).toBe(1);
    // The key was not used up by the refusal.
    const later = await credits.reserve({ userId, amount: 1000, idempotencyKey: 'x', reason: 'r' });
    expect(later.balance).toBe(0);
  });

  it('answers a retried reserve with the first hold and takes the credits once', async () => {
    const userId = await newUser();
    const input = { userId, amount: 40, idempotencyKey: 'retry-me', reason: 'chat' };
    const first = await credits.reserve(input);
    const again = await credits.reserve(input);
    expect(again).toEqual(first);
    const together = await Promise.all(Array.from({ length: 10 }, () => credits.reserve(input)));
    expect(new Set(together.map((r) => r.reservationId))).toEqual(new Set([first.reservationId]));
    expect((await credits.balance(userId)).balance).toBe(960);
    const reused = await failure(credits.reserve({ ...input, amount: 41 }));
    expect(reused).toMatchObject({ status: 409, code: 'IDEMPOTENCY_KEY_REUSED' });
    const otherReason = await failure(credits.reserve({ ...input, reason: 'image' }));
    expect(otherReason.code).toBe('IDEMPOTENCY_KEY_REUSED');
    await books(userId);
  });

  it('takes one hold when the same new key arrives many times at once', async () => {
    const userId = await newUser();
    const input = { userId, amount: 25, idempotencyKey: 'burst', reason: 'chat' };
    const results = await Promise.all(Array.from({ length: 20 }, () => credits.reserve(input)));
    expect(new Set(results.map((r) => r.reservationId)).size).toBe(1);
    expect((await credits.balance(userId)).balance).toBe(975);
    expect((await books(userId)).entries).toBe(2);
  });

  it('answers retried settles and refunds with the first answer, and closes a hold once', async () => {
    const userId = await newUser();
    const held = await credits.reserve({ userId, amount: 100, idempotencyKey: 'r', reason: 'chat' });
    const settle = { reservationId: held.reservationId, amount: 60, idempotencyKey: 'settle-1' };
    const answers = await Promise.all(Array.from({ length: 10 }, () => credits.settle(settle)));
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(answers[0]).toMatchObject({ spent: 60, balance: 940 });
    expect(await credits.settle(settle)).toEqual(answers[0]);
    expect(await credits.balance(userId)).toEqual({ balance: 940, lifetimeSpent: 60 });

    expect(await failure(credits.settle({ ...settle, amount: 61 }))).toMatchObject({
      status: 409,
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(await failure(credits.settle({ ...settle, idempotencyKey: 'settle-2' }))).toMatchObject({
      status: 409,
      code: 'RESERVATION_CLOSED',
      details: { status: 'settled' },
    });
    expect(
      await failure(credits.refund({ reservationId: held.reservationId, idempotencyKey: 'settle-1' })),
    ).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(
      await failure(credits.refund({ reservationId: held.reservationId, idempotencyKey: 'refund' })),
    ).toMatchObject({ code: 'RESERVATION_CLOSED' });

    const second = await credits.reserve({ userId, amount: 200, idempotencyKey: 'r2', reason: 'chat' });
    const refund = { reservationId: second.reservationId, idempotencyKey: 'refund-1' };
    const refunds = await Promise.all(Array.from({ length: 10 }, () => credits.refund(refund)));
    for (const answer of refunds) expect(answer).toEqual(refunds[0]);
    expect(refunds[0]).toMatchObject({ status: 'refunded', spent: null, balance: 940 });
    expect(
      await failure(
        credits.settle({ reservationId: second.reservationId, amount: 1, idempotencyKey: 'late' }),
      ),
    ).toMatchObject({ code: 'RESERVATION_CLOSED', details: { status: 'refunded' } });
    expect(await credits.balance(userId)).toEqual({ balance: 940, lifetimeSpent: 60 });
    const { rows } = await db.query<{ kind: string; n: number }>(
      `SELECT kind, count(*) AS n FROM credit_ledger WHERE user_id = $1 GROUP BY kind ORDER BY kind`,
      [userId],
    );
    expect(rows).toEqual([
      { kind: 'refund', n: 1 },
      { kind: 'release', n: 1 },
      { kind: 'reserve', n: 2 },
      { kind: 'signup_grant', n: 1 },
    ]);
    await books(userId);
  });

  it('ends 200 concurrent spends on one balance exact and never negative', async () => {
    const userId = await newUser();
    // Each call holds its worst case, 17, and really costs 3 to 17. With 1000 credits, holds
    // run out while others are in flight, so some calls are refused with 402.
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const cost = 3 + (i % 15);
        try {
          const held = await credits.reserve({
            userId,
            amount: 17,
            idempotencyKey: `c-${i}`,
            reason: 'chat',
          });
          const done = await credits.settle({
            reservationId: held.reservationId,
            amount: cost,
            idempotencyKey: 's',
          });
          return { spent: done.spent ?? 0, refused: false };
        } catch (error) {
          if (error instanceof AppError && error.code === 'INSUFFICIENT_CREDITS')
            return { spent: 0, refused: true };
          throw error;
        }
      }),
    );
    const spent = outcomes.reduce((sum, o) => sum + o.spent, 0);
    const row = await books(userId);
    expect(row.balance).toBe(1000 - spent);
    expect(row.lifetime_spent).toBe(spent);
    expect(row.balance).toBeGreaterThanOrEqual(0);
    expect(outcomes.filter((o) => !o.refused).length).toBeGreaterThan(0);
    const { rows } = await db.query<{ held: number; shortfall: number }>(
      `SELECT count(*) FILTER (WHERE status = 'held') AS held, coalesce(sum(shortfall), 0) AS shortfall
       FROM credit_reservations WHERE user_id = $1`,
      [userId],
    );
    expect(rows[0]?.held).toBe(0);
    // Every call that ran paid exactly its cost: nothing forgiven, nothing beyond.
    const asked = outcomes.reduce((sum, o, i) => sum + (o.refused ? 0 : 3 + (i % 15)), 0);
    expect(spent).toBe(asked);
    expect(rows[0]?.shortfall).toBe(0);
  });

  it('refuses amounts that are not whole numbers from 1 to a billion', async () => {
    const userId = await newUser();
    for (const amount of [0, -5, 1.5, 1_000_000_001, Number.NaN]) {
      const error = await failure(credits.reserve({ userId, amount, idempotencyKey: 'bad', reason: 'r' }));
      expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    }
    const held = await credits.reserve({ userId, amount: 5, idempotencyKey: 'ok', reason: 'r' });
    // Settling nothing is allowed (the call cost nothing); a negative cost is not.
    expect(
      await failure(credits.settle({ reservationId: held.reservationId, amount: -1, idempotencyKey: 'n' })),
    ).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(
      await failure(credits.reserve({ userId, amount: 1, idempotencyKey: '', reason: 'r' })),
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(
      await credits.settle({ reservationId: held.reservationId, amount: 0, idempotencyKey: 'z' }),
    ).toMatchObject({
      spent: 0,
      balance: 1000,
    });
    await books(userId);
  });

  it('answers 404 for an unknown reservation or user', async () => {
    for (const reservationId of [randomUUID(), 'not-a-uuid']) {
      expect(await failure(credits.settle({ reservationId, amount: 1, idempotencyKey: 'k' }))).toMatchObject({
        status: 404,
        code: 'RESERVATION_NOT_FOUND',
      });
      expect(await failure(credits.refund({ reservationId, idempotencyKey: 'k' }))).toMatchObject({
        code: 'RESERVATION_NOT_FOUND',
      });
    }
    for (const userId of [randomUUID(), 'nobody']) {
      expect(await failure(credits.balance(userId))).toMatchObject({ status: 404, code: 'USER_NOT_FOUND' });
      expect(
        await failure(credits.reserve({ userId, amount: 1, idempotencyKey: 'k', reason: 'r' })),
      ).toMatchObject({ status: 404, code: 'USER_NOT_FOUND' });
    }
  });

  it('grants once per key', async () => {
    const userId = await newUser();
    const grant = {
      userId,
      amount: 250,
      kind: 'admin_grant' as const,
      reason: 'support',
      idempotencyKey: 'grant:1',
    };
    const first = await db.transaction((tx) => grantCredits(tx, grant));
    const again = await db.transaction((tx) => grantCredits(tx, grant));
    expect(first).toMatchObject({ balance: 1250, duplicate: false });
    expect(again).toEqual({ ...first, duplicate: true });
    expect((await books(userId)).balance).toBe(1250);
  });

  it('pages through the ledger newest first and shows one entry only to its owner', async () => {
    const userId = await newUser();
    for (let i = 0; i < 5; i++) {
      const held = await credits.reserve({
        userId,
        amount: 10,
        idempotencyKey: `p-${i}`,
        reason: `call ${i}`,
      });
      await credits.refund({ reservationId: held.reservationId, idempotencyKey: 'r' });
    }
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await credits.ledger(userId, { limit: 4, cursor });
      seen.push(...page.items.map((i) => i.entry_id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(11);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    const newest = seen[0] as number;
    expect(await credits.ledgerEntry(userId, newest)).toMatchObject({ entry_id: newest, kind: 'refund' });
    const stranger = await newUser();
    expect(await failure(credits.ledgerEntry(stranger, newest))).toMatchObject({
      status: 404,
      code: 'LEDGER_ENTRY_NOT_FOUND',
    });
    expect(await failure(credits.ledger(userId, { limit: 4, cursor: 'garbage' }))).toMatchObject({
      code: 'INVALID_CURSOR',
    });
  });

  it('keeps the ledger append-only', async () => {
    const userId = await newUser();
    await expect(
      db.query('UPDATE credit_ledger SET amount = 5 WHERE user_id = $1', [userId]),
    ).rejects.toThrow(/append-only/);
  });
});

// Marketplace transfers through identity's client, in process and over HTTP (the RPC door a
// service in another process uses), on both engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { AppError } from '../../platform/errors.ts';
import { createIdentityHttpClient, type IdentityClient } from '../client.ts';

const SERVICE_TOKEN = 'a-service-token-for-the-transfer-tests-0123456789';

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe.each(testEngines())('credit transfers on %s', (engine) => {
  let platform: TestPlatform;
  let clients: Record<'in-process' | 'http', IdentityClient>;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, {
      services: ['identity'],
      // 15 % so that the rounding shows: 15 % of 250 is 37.5, and the platform takes 37.
      env: { CALOS_SERVICE_TOKEN: SERVICE_TOKEN, CALOS_MARKET_FEE_PERCENT: '15' },
    });
    clients = {
      'in-process': platform.clients.get<IdentityClient>('identity'),
      http: createIdentityHttpClient(platform.url, SERVICE_TOKEN),
    };
  });
  afterAll(() => platform.close());

  const db = () => platform.databases.get('identity');
  const userId = async () => (await given(platform).user()).userId;

  /** The ledger's promise: the balance is the sum of the entries and never went below zero. */
  async function books(id: string) {
    const { rows } = await db().query<{ balance: number; ledger_sum: number; lowest: number }>(
      `SELECT b.balance,
              (SELECT coalesce(sum(amount), 0)::int FROM credit_ledger WHERE user_id = $1) AS ledger_sum,
              (SELECT min(balance_after) FROM credit_ledger WHERE user_id = $1) AS lowest
       FROM credits_balance b WHERE b.user_id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) throw new Error('no credits account');
    expect(Number(row.ledger_sum)).toBe(row.balance);
    expect(row.lowest).toBeGreaterThanOrEqual(0);
    return row.balance;
  }

  const entries = async (id: string) =>
    (
      await db().query<{ kind: string; amount: number }>(
        "SELECT kind, amount FROM credit_ledger WHERE user_id = $1 AND kind LIKE 'market_%' ORDER BY entry_id",
        [id],
      )
    ).rows.map((r) => [r.kind, r.amount]);

  const transfersFrom = async (id: string) =>
    Number(
      (
        await db().query<{ n: number }>(
          'SELECT count(*)::int AS n FROM credit_transfers WHERE from_user_id = $1',
          [id],
        )
      ).rows[0]?.n,
    );

  describe.each(['in-process', 'http'] as const)('through the client %s', (via) => {
    const client = () => clients[via];
    const pay = (from: string, to: string, amount: number, key: string, reference = 'test:item:1') =>
      client().credits.transfer({
        fromUserId: from,
        toUserId: to,
        amount,
        idempotencyKey: key,
        reference,
        reason: 'Bought "The surgeon\'s parlour"',
      });

    it('moves the price from buyer to seller less the platform fee, with the entries that explain it', async () => {
      const [buyer, seller] = [await userId(), await userId()];
      const transfer = await pay(buyer, seller, 250, 'k1');
      expect(transfer).toMatchObject({
        fromUserId: buyer,
        toUserId: seller,
        amount: 250,
        fee: 37,
        feePercent: 15,
        received: 213,
        status: 'completed',
        fromBalance: 750,
        toBalance: 1213,
        refundedAt: null,
      });
      expect(transfer.createdAt).toBeInstanceOf(Date);
      expect(await books(buyer)).toBe(750);
      expect(await books(seller)).toBe(1213);
      expect(await entries(buyer)).toEqual([['market_purchase', -250]]);
      expect(await entries(seller)).toEqual([
        ['market_sale', 250],
        ['market_fee', -37],
      ]);
      // Below the fee's first whole credit, the seller gets everything and no fee entry appears.
      const small = await pay(buyer, seller, 6, 'k2');
      expect(small).toMatchObject({ fee: 0, received: 6, fromBalance: 744, toBalance: 1219 });
      expect(await entries(seller)).toEqual([
        ['market_sale', 250],
        ['market_fee', -37],
        ['market_sale', 6],
      ]);
      await books(seller);
    });

    it('answers a retry with the first transfer and charges once; the same key for something else is 409', async () => {
      const [buyer, seller] = [await userId(), await userId()];
      const first = await pay(buyer, seller, 100, 'retry-me');
      const again = await pay(buyer, seller, 100, 'retry-me');
      expect(again).toEqual(first);
      expect(await books(buyer)).toBe(900);
      const other = await failure(pay(buyer, seller, 101, 'retry-me'));
      expect([other.status, other.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
      const elsewhere = await failure(pay(buyer, seller, 100, 'retry-me', 'test:item:2'));
      expect(elsewhere.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await transfersFrom(buyer)).toBe(1);
      expect(await books(buyer)).toBe(900);
    });

    it('answers a retry once the seller’s account is erased, before any balance is checked; a key never used is 404', async () => {
      const [buyer, seller] = [await userId(), await userId()];
      const first = await pay(buyer, seller, 100, 'paid-then-erased');
      await db().query('DELETE FROM users WHERE user_id = $1', [seller]);
      // The seller has no balance any more and the transfer names no payee: still the same one.
      const again = await pay(buyer, seller, 100, 'paid-then-erased');
      expect(again).toMatchObject({ transferId: first.transferId, fee: first.fee, amount: 100 });
      expect(await books(buyer)).toBe(900);
      const changed = await failure(pay(buyer, seller, 100, 'paid-then-erased', 'test:item:2'));
      expect(changed.code).toBe('IDEMPOTENCY_KEY_REUSED');
      // Never paid under this key: the erased seller has no balance, so nothing is paid now.
      const never = await failure(pay(buyer, seller, 100, 'never-paid'));
      expect([never.status, never.code]).toEqual([404, 'USER_NOT_FOUND']);
      expect(await books(buyer)).toBe(900);
      expect(await transfersFrom(buyer)).toBe(1);
    });

    it('refuses a buyer who lacks the credits with 402 and writes nothing; a later retry may succeed', async () => {
      const [buyer, seller] = [await userId(), await userId()];
      const short = await failure(pay(buyer, seller, 1001, 'too-much'));
      expect([short.status, short.code, short.details]).toEqual([
        402,
        'INSUFFICIENT_CREDITS',
        { balance: 1000, needed: 1001 },
      ]);
      expect(await transfersFrom(buyer)).toBe(0);
      expect(await entries(buyer)).toEqual([]);
      expect(await books(seller)).toBe(1000);
      const self = await failure(pay(buyer, buyer, 10, 'self'));
      expect([self.status, self.code]).toEqual([400, 'TRANSFER_TO_SELF']);
      const bad = await failure(pay(buyer, seller, 0, 'zero'));
      expect([bad.status, bad.code]).toEqual([400, 'VALIDATION_FAILED']);
      const nobody = await failure(pay(buyer, '00000000-0000-4000-8000-000000000000', 10, 'nobody'));
      expect([nobody.status, nobody.code]).toEqual([404, 'USER_NOT_FOUND']);
      expect(await books(buyer)).toBe(1000);
    });

    it('refunds both sides exactly once', async () => {
      const [buyer, seller] = [await userId(), await userId()];
      const paid = await pay(buyer, seller, 200, 'to-refund');
      expect(paid).toMatchObject({ fee: 30, fromBalance: 800, toBalance: 1170 });
      const refunds = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          client().credits.refundTransfer({
            transferId: paid.transferId,
            idempotencyKey: `refund-${i}`,
            reason: 'Not as described',
          }),
        ),
      );
      const done = refunds.filter((r) => r.status === 'fulfilled');
      expect(done).toHaveLength(1);
      for (const r of refunds)
        if (r.status === 'rejected') expect((r.reason as AppError).code).toBe('TRANSFER_ALREADY_REFUNDED');
      const refunded = (done[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof pay>>>).value;
      expect(refunded).toMatchObject({ status: 'refunded', fromBalance: 1000, toBalance: 1000 });
      expect(refunded.refundedAt).toBeInstanceOf(Date);
      const key = `refund-${refunds.indexOf(done[0] as (typeof refunds)[number])}`;
      const retried = await client().credits.refundTransfer({
        transferId: paid.transferId,
        idempotencyKey: key,
        reason: 'Not as described',
      });
      expect(retried).toEqual(refunded);
      expect(await books(buyer)).toBe(1000);
      expect(await books(seller)).toBe(1000);
      expect(await entries(buyer)).toEqual([
        ['market_purchase', -200],
        ['market_refund', 200],
      ]);
      expect(await entries(seller)).toEqual([
        ['market_sale', 200],
        ['market_fee', -30],
        ['market_refund', -170],
      ]);
      // The original key now answers the refunded transfer, and charges nothing.
      expect(await pay(buyer, seller, 200, 'to-refund')).toMatchObject({
        status: 'refunded',
        fromBalance: 800,
      });
      expect(await books(buyer)).toBe(1000);
      const missing = await failure(
        client().credits.refundTransfer({
          transferId: '00000000-0000-4000-8000-000000000000',
          idempotencyKey: 'x',
          reason: 'x',
        }),
      );
      expect([missing.status, missing.code]).toEqual([404, 'TRANSFER_NOT_FOUND']);
    });

    it('refuses a refund the seller can no longer cover, changing nothing', async () => {
      const [buyer, seller, third] = [await userId(), await userId(), await userId()];
      const paid = await pay(buyer, seller, 100, 'spent-after');
      // The seller passes everything on (1000 + 100 − 15) to someone else.
      await pay(seller, third, 1085, 'all-of-it');
      const refused = await failure(
        client().credits.refundTransfer({ transferId: paid.transferId, idempotencyKey: 'r', reason: 'late' }),
      );
      expect([refused.status, refused.code, refused.details]).toEqual([
        409,
        'TRANSFER_REFUND_REFUSED',
        { balance: 0, needed: 85 },
      ]);
      expect(await books(buyer)).toBe(900);
      expect(await books(seller)).toBe(0);
    });

    it('gives the buyer the price back once the seller’s account is erased: the platform absorbs their share', async () => {
      const [buyer, seller] = [await userId(), await userId()];
      const paid = await pay(buyer, seller, 200, 'seller-goes');
      await db().query('DELETE FROM users WHERE user_id = $1', [seller]);
      const refund = () =>
        client().credits.refundTransfer({
          transferId: paid.transferId,
          idempotencyKey: 'gone',
          reason: 'Seller gone',
        });
      const refunded = await refund();
      expect(refunded).toMatchObject({
        status: 'refunded',
        toUserId: null,
        fromBalance: 1000,
        received: 170,
      });
      expect(await refund()).toEqual(refunded);
      expect(await books(buyer)).toBe(1000);
      expect(await entries(buyer)).toEqual([
        ['market_purchase', -200],
        ['market_refund', 200],
      ]);
      const { rows } = await db().query<{ refund_to_balance: number | null }>(
        'SELECT refund_to_balance FROM credit_transfers WHERE transfer_id = $1',
        [paid.transferId],
      );
      expect(rows).toEqual([{ refund_to_balance: null }]);
    });

    it('refuses a refund once the buyer’s account is erased: nobody is left to pay back', async () => {
      const [buyer, seller] = [await userId(), await userId()];
      const paid = await pay(buyer, seller, 100, 'buyer-goes');
      await db().query('DELETE FROM users WHERE user_id = $1', [buyer]);
      const refused = await failure(
        client().credits.refundTransfer({ transferId: paid.transferId, idempotencyKey: 'r', reason: 'late' }),
      );
      expect([refused.status, refused.code]).toEqual([404, 'TRANSFER_NOT_FOUND']);
      expect(await books(seller)).toBe(1085);
    });
  });

  it('charges each of 100 concurrent buyers once, a retrying buyer once, and never overdraws', async () => {
    const client = clients['in-process'];
    const seller = await userId();
    const buyers = await Promise.all(Array.from({ length: 100 }, () => userId()));
    const pay = (from: string, key: string, amount = 100, to = seller) =>
      client.credits.transfer({
        fromUserId: from,
        toUserId: to,
        amount,
        idempotencyKey: key,
        reference: 'test:listing:crowd',
        reason: 'A crowd buys one listing',
      });
    const retrier = buyers[0] as string;
    const results = await Promise.all([
      ...buyers.map((buyer) => pay(buyer, 'buy')),
      // The first buyer's client retries the same purchase 20 times while it is in flight.
      ...Array.from({ length: 20 }, () => pay(retrier, 'buy')),
    ]);
    expect(new Set(results.map((r) => r.transferId)).size).toBe(100);
    expect(new Set(results.slice(100).map((r) => r.transferId))).toEqual(new Set([results[0]?.transferId]));
    for (const buyer of buyers) {
      expect(await books(buyer)).toBe(900);
      expect(await transfersFrom(buyer)).toBe(1);
    }
    // 100 sales of 100, each less a 15-credit fee.
    expect(await books(seller)).toBe(1000 + 100 * 85);

    // One buyer racing five different purchases of 300 with 1000 credits: three go through.
    const spender = buyers[1] as string;
    const race = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => pay(spender, `race-${i}`, 300, buyers[2] as string)),
    );
    expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    for (const r of race)
      if (r.status === 'rejected') expect((r.reason as AppError).code).toBe('INSUFFICIENT_CREDITS');
    expect(await books(spender)).toBe(0);

    // Transfers in both directions between two accounts at once wait for each other, never deadlock.
    const [a, b] = [buyers[3] as string, buyers[4] as string];
    const both = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => pay(a, `ab-${i}`, 10, b)),
      ...Array.from({ length: 10 }, (_, i) => pay(b, `ba-${i}`, 10, a)),
    ]);
    expect(both).toHaveLength(20);
    // Each paid 100 and received 10 × (10 − 1 fee).
    expect(await books(a)).toBe(900 - 100 + 90);
    expect(await books(b)).toBe(900 - 100 + 90);
  });
});

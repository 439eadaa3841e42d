// Purchases: recorded pending under the buyer's key, paid, refunded or taken back, and read by
// buyer, seller, the sweep and the console.
import type { Queryable } from '../../db/database.ts';
import { type KeysetPosition, keysetSql, Params } from '../../db/sql.ts';
import { type MarketSql, type PurchaseRow, purchaseColumns } from './tables.ts';

async function onePurchase(
  db: Queryable,
  sql: MarketSql,
  where: string,
  values: unknown[],
): Promise<PurchaseRow | undefined> {
  const { rows } = await db.query<PurchaseRow>(
    `SELECT ${purchaseColumns(sql)} FROM market_purchases p WHERE ${where}`,
    values,
  );
  return rows[0];
}

export const findPurchase = (db: Queryable, sql: MarketSql, purchaseId: string) =>
  onePurchase(db, sql, 'p.purchase_id = $1', [purchaseId]);

export const findPurchaseByKey = (db: Queryable, sql: MarketSql, buyerId: string, idempotencyKey: string) =>
  onePurchase(db, sql, 'p.buyer_id = $1 AND p.idempotency_key = $2', [buyerId, idempotencyKey]);

export const findPurchaseOfListing = (db: Queryable, sql: MarketSql, buyerId: string, listingId: string) =>
  onePurchase(db, sql, `p.buyer_id = $1 AND p.listing_id = $2 AND p.status <> 'refunded'`, [
    buyerId,
    listingId,
  ]);

/**
 * Records a purchase before paying for it (with whatever the app keeps of the item, such as the
 * buyer's copy); undefined when this buyer already has one under this key or of this listing (a
 * concurrent or earlier request: read it and go on from there).
 */
export async function insertPendingPurchase(
  db: Queryable,
  sql: MarketSql,
  input: {
    listingId: string | null;
    kind: string;
    itemId: string | null;
    sellerId: string;
    title: string;
    price: number;
    buyerId: string;
    idempotencyKey: string;
    /** What its transfer names, the same on every retry. */
    transferReference: string;
    at: Date;
    /** A paid purchase recorded again: its listing may have gone since, then it keeps none. */
    listingMayBeGone?: boolean;
  },
): Promise<PurchaseRow | undefined> {
  const params = new Params();
  const listing = params.add(input.listingId);
  const item = sql.purchaseItemInsert((value) => params.add(value), input.kind, input.itemId);
  const columns = [
    'listing_id',
    'buyer_id',
    'seller_id',
    'idempotency_key',
    'transfer_reference',
    'title',
    'price',
    'created_at',
  ];
  const values = [
    input.listingMayBeGone
      ? `(SELECT g.listing_id FROM market_listings g WHERE g.listing_id = ${listing}::uuid)`
      : listing,
    params.add(input.buyerId),
    params.add(input.sellerId),
    params.add(input.idempotencyKey),
    params.add(input.transferReference),
    params.add(input.title),
    params.add(input.price),
    params.add(input.at),
  ];
  const { rows } = await db.query<{ purchase_id: string }>(
    `INSERT INTO market_purchases (${[...columns, ...item.columns].join(', ')})
     VALUES (${[...values, ...item.values].join(', ')})
     ON CONFLICT DO NOTHING
     RETURNING purchase_id`,
    params.values,
  );
  const id = rows[0]?.purchase_id;
  return id ? findPurchase(db, sql, id) : undefined;
}

/**
 * Marks a pending purchase paid (once); answers the row as it now is. It takes its listing's
 * seller as it is now (an erased seller's sold listing names the app's stand-in), and one whose
 * listing went meanwhile the seller the app gives such purchases. The attempts to pay it are over:
 * its retry columns start again for what may follow (giving it back, when its item went).
 */
export async function completePurchase(
  db: Queryable,
  sql: MarketSql,
  purchaseId: string,
  transfer: { transferId: string; fee: number },
  at: Date,
): Promise<PurchaseRow | undefined> {
  await db.query(
    `UPDATE market_purchases SET status = 'completed', transfer_id = $2, fee = $3, completed_at = $4,
       seller_id = CASE WHEN listing_id IS NULL THEN ${sql.sellerOnceListingGone}
         ELSE (SELECT l.seller_id FROM market_listings l WHERE l.listing_id = market_purchases.listing_id) END,
       attempts = 0, last_attempt_at = NULL, next_attempt_at = NULL, last_error_code = NULL, last_error = NULL
     WHERE purchase_id = $1 AND status = 'pending'`,
    [purchaseId, transfer.transferId, transfer.fee, at],
  );
  return findPurchase(db, sql, purchaseId);
}

/**
 * Paid purchases that give the buyer nothing (their item went before they were paid, and giving
 * them back has not happened yet) whose next attempt to give them back is due at `now`, oldest
 * first.
 */
export async function listPaidWithoutItem(
  db: Queryable,
  sql: MarketSql,
  query: { now: Date; limit: number },
): Promise<PurchaseRow[]> {
  const { rows } = await db.query<PurchaseRow>(
    `SELECT ${purchaseColumns(sql)} FROM market_purchases p WHERE p.status = 'completed' AND NOT ${sql.purchaseHoldsItem}
       AND (p.next_attempt_at IS NULL OR p.next_attempt_at <= $1)
     ORDER BY p.created_at, p.purchase_id LIMIT $2`,
    [query.now, query.limit],
  );
  return rows;
}

/**
 * Purchases still pending since before a time whose next attempt is due at `now`, oldest first
 * (the sweep finishes them).
 */
export async function listStalePendingPurchases(
  db: Queryable,
  sql: MarketSql,
  query: { before: Date; now: Date; limit: number },
): Promise<PurchaseRow[]> {
  const { rows } = await db.query<PurchaseRow>(
    `SELECT ${purchaseColumns(sql)} FROM market_purchases p WHERE p.status = 'pending' AND p.created_at < $1
       AND (p.next_attempt_at IS NULL OR p.next_attempt_at <= $2)
     ORDER BY p.created_at, p.purchase_id LIMIT $3`,
    [query.before, query.now, query.limit],
  );
  return rows;
}

/**
 * Notes a failed attempt at a purchase's next step, and when the next attempt is due: the wait
 * doubles from `baseMs` with each failed attempt, up to `maxMs`. The step is paying a pending
 * purchase, or giving back a paid one whose item went (`status` 'completed'). Answers the
 * attempt's number and the time of the next, or undefined when the purchase is no longer in that
 * status.
 */
export async function recordFailedAttempt(
  db: Queryable,
  purchaseId: string,
  failure: {
    status: 'pending' | 'completed';
    at: Date;
    code: string;
    message: string;
    baseMs: number;
    maxMs: number;
  },
): Promise<{ attempts: number; next_attempt_at: Date } | undefined> {
  // attempts on the right is the count before this one; 2^30 times any base passes every cap.
  const { rows } = await db.query<{ attempts: number; next_attempt_at: Date }>(
    `UPDATE market_purchases SET attempts = attempts + 1, last_attempt_at = $2,
       last_error_code = $3, last_error = $4,
       next_attempt_at = $2::timestamptz
         + least($5::float8 * power(2::float8, least(attempts, 30)), $6::float8) * interval '1 millisecond'
     WHERE purchase_id = $1 AND status = $7
     RETURNING attempts, next_attempt_at`,
    [
      purchaseId,
      failure.at,
      failure.code.slice(0, 100) || 'INTERNAL',
      failure.message.slice(0, 500) || failure.code,
      failure.baseMs,
      failure.maxMs,
      failure.status,
    ],
  );
  return rows[0];
}

/** Pending purchases past the grace period (the sweep's, however often it failed), oldest first. */
export async function listStuckPurchases(
  db: Queryable,
  sql: MarketSql,
  before: Date,
  limit: number,
): Promise<{ count: number; purchases: PurchaseRow[] }> {
  const [counted, listed] = await Promise.all([
    db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM market_purchases WHERE status = 'pending' AND created_at < $1",
      [before],
    ),
    db.query<PurchaseRow>(
      `SELECT ${purchaseColumns(sql)} FROM market_purchases p WHERE p.status = 'pending' AND p.created_at < $1
       ORDER BY p.created_at, p.purchase_id LIMIT $2`,
      [before, limit],
    ),
  ]);
  return { count: counted.rows[0]?.n ?? 0, purchases: listed.rows };
}

/** Takes back a purchase that was never paid (identity refused the transfer). */
export async function deletePendingPurchase(db: Queryable, purchaseId: string): Promise<void> {
  await db.query("DELETE FROM market_purchases WHERE purchase_id = $1 AND status = 'pending'", [purchaseId]);
}

const NEWEST_PURCHASES = keysetSql('desc', [
  ['p.created_at', 'timestamptz'],
  ['p.purchase_id', 'uuid'],
]);

/** A buyer's or a seller's paid purchases (refunded ones too), newest first. */
export async function listPurchases(
  db: Queryable,
  sql: MarketSql,
  query: { role: 'buyer' | 'seller'; userId: string; after?: KeysetPosition; limit: number },
): Promise<PurchaseRow[]> {
  const column = query.role === 'buyer' ? 'p.buyer_id' : 'p.seller_id';
  const params = new Params([query.userId, query.limit]);
  const after = query.after ? `AND ${NEWEST_PURCHASES.after([query.after.at, query.after.id], params)}` : '';
  const { rows } = await db.query<PurchaseRow>(
    `SELECT ${purchaseColumns(sql)} FROM market_purchases p
     WHERE ${column} = $1 AND p.status <> 'pending' ${after}
     ORDER BY ${NEWEST_PURCHASES.orderBy} LIMIT $2`,
    params.values,
  );
  return rows;
}

/** What a seller sold in all: completed sales, credits paid by buyers, and the fees. */
export async function sellerTotals(
  db: Queryable,
  sellerId: string,
): Promise<{ sales: number; gross: number; fees: number }> {
  // bigint sums arrive as text: a seller's total may pass what an int holds.
  const { rows } = await db.query<{ sales: string; gross: string; fees: string }>(
    `SELECT count(*)::bigint AS sales, coalesce(sum(price), 0)::bigint AS gross, coalesce(sum(fee), 0)::bigint AS fees
     FROM market_purchases WHERE seller_id = $1 AND status = 'completed'`,
    [sellerId],
  );
  const row = rows[0];
  return { sales: Number(row?.sales ?? 0), gross: Number(row?.gross ?? 0), fees: Number(row?.fees ?? 0) };
}

/**
 * Marks a paid purchase refunded (once), dropping what the app keeps for the buyer; answers the
 * row as it now is and whether this call marked it.
 */
export async function markPurchaseRefunded(
  db: Queryable,
  sql: MarketSql,
  purchaseId: string,
  reason: string,
  at: Date,
): Promise<{ purchase: PurchaseRow | undefined; isNew: boolean }> {
  const { rowCount } = await db.query(
    `UPDATE market_purchases SET status = 'refunded', refunded_at = $2, refund_reason = $3
       ${sql.refundAlsoSets ? `, ${sql.refundAlsoSets}` : ''}
     WHERE purchase_id = $1 AND status = 'completed'`,
    [purchaseId, at, reason],
  );
  return { purchase: await findPurchase(db, sql, purchaseId), isNew: rowCount > 0 };
}

export interface MarketTotalsRow {
  item_kind: string;
  listed: number;
  sales: number;
  refunds: number;
  credits: number;
  fees: number;
}

/** Per kind of item: listings on sale now, and purchases since a time (paid and refunded). */
export async function marketTotals(db: Queryable, sql: MarketSql, since: Date): Promise<MarketTotalsRow[]> {
  const { rows } = await db.query<MarketTotalsRow>(
    `SELECT k.item_kind,
       (SELECT count(*)::int FROM market_listings l WHERE ${sql.listingKind} = k.item_kind AND l.is_listed) AS listed,
       count(p.purchase_id) FILTER (WHERE p.status = 'completed')::int AS sales,
       count(p.purchase_id) FILTER (WHERE p.status = 'refunded')::int AS refunds,
       COALESCE(sum(p.price) FILTER (WHERE p.status = 'completed'), 0)::bigint AS credits,
       COALESCE(sum(p.fee) FILTER (WHERE p.status = 'completed'), 0)::bigint AS fees
     FROM unnest($2::text[]) WITH ORDINALITY AS k (item_kind, n)
     LEFT JOIN market_purchases p ON ${sql.purchaseKind} = k.item_kind AND p.created_at >= $1
       AND p.status <> 'pending'
     GROUP BY k.item_kind, k.n ORDER BY k.n`,
    [since, sql.kinds],
  );
  return rows.map((r) => ({ ...r, credits: Number(r.credits), fees: Number(r.fees) }));
}

/** Paid and refunded purchases since a time, newest first (the console's list, to refund from). */
export async function recentPurchases(
  db: Queryable,
  sql: MarketSql,
  since: Date,
  limit: number,
): Promise<PurchaseRow[]> {
  const { rows } = await db.query<PurchaseRow>(
    `SELECT ${purchaseColumns(sql)} FROM market_purchases p WHERE p.created_at >= $1 AND p.status <> 'pending'
     ORDER BY p.created_at DESC, p.purchase_id DESC LIMIT $2`,
    [since, limit],
  );
  return rows;
}

/**
 * One of the buyer's paid purchases (refunded ones too) with their copy of the item, where the
 * app keeps one; undefined for anyone else's, a pending one or a missing one.
 */
export async function findBuyerPurchase(
  db: Queryable,
  sql: MarketSql,
  buyerId: string,
  purchaseId: string,
): Promise<(PurchaseRow & { item_copy: unknown }) | undefined> {
  const { rows } = await db.query<PurchaseRow & { item_copy: unknown }>(
    `SELECT ${purchaseColumns(sql)}, ${sql.purchaseCopy} AS item_copy FROM market_purchases p
     WHERE p.purchase_id = $1 AND p.buyer_id = $2 AND p.status <> 'pending'`,
    [purchaseId, buyerId],
  );
  return rows[0];
}

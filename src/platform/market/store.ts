// The marketplace's SQL, once for every app: each app keeps `market_listings` and
// `market_purchases` in its own database (the credits move in identity), and says through
// `MarketSql` how its items join a listing, which columns a purchase of its items has, and what
// an erased seller leaves. Runs only on the database the app hands in.
import type { Queryable } from '../db/database.ts';
import { containsPattern, cursorTime, type KeysetPosition, Params } from '../db/sql.ts';

/** Adds a value as a query parameter and answers its placeholder ($n). */
type Param = (value: unknown) => string;

/**
 * An app's tables as the shared SQL reads them. Listings are aliased `l`, purchases `p`; every
 * fragment is SQL the app writes (never user input).
 */
export interface MarketSql {
  /** The kinds this app sells, in the order its reports list them. */
  kinds: readonly string[];
  /** The kind and the item id of listing `l`. */
  listingKind: string;
  listingItemId: string;
  /** Joins of the app's item tables to `l`, and the columns it reads of them. */
  itemJoins: string;
  itemColumns: string;
  /** Where else a search word matches (the pattern's parameter), beyond title and summary. */
  searchAlso?: (pattern: string) => string;
  /** The listing's item columns and their values (`add` makes a value a parameter). */
  listingItemInsert: (add: Param, kind: string, itemId: string) => { columns: string[]; values: string[] };
  /** The kind and the item id of purchase `p` (the id while the item can still be found). */
  purchaseKind: string;
  purchaseItemId: string;
  /** SQL true when purchase `p` still gives its buyer the item: its listing, or their copy. */
  purchaseHoldsItem: string;
  /** The buyer's copy of purchase `p`'s item (NULL where the app keeps none). */
  purchaseCopy: string;
  /** More columns a purchase is recorded with (`add` makes a value a parameter). */
  purchaseItemInsert: (
    add: Param,
    kind: string,
    itemId: string | null,
  ) => { columns: string[]; values: string[] };
  /** What a purchase's seller becomes when it is paid after its listing went. */
  sellerOnceListingGone: string;
  /** More to set when a purchase is refunded (dropping the buyer's copy). */
  refundAlsoSets?: string;
}

/** The listing as every market reads it; `Row` adds what the app's itemColumns read. */
export interface ListingRowBase {
  listing_id: string;
  seller_id: string;
  item_kind: string;
  item_id: string;
  title: string;
  summary: string;
  price: number;
  is_listed: boolean;
  created_at: Date;
  updated_at: Date;
  cursor_at: string;
  /** Completed purchases. */
  sales: number;
  /** Whether the viewer bought it (a completed purchase). */
  is_purchased: boolean;
}

export interface PurchaseRow {
  purchase_id: string;
  listing_id: string | null;
  item_kind: string;
  /** The item bought, while it can still be found (null once it is gone). */
  item_id: string | null;
  /** Whether the purchase gives the buyer the item: its listing is there, or their copy. */
  holds_item: boolean;
  buyer_id: string;
  /** Null, or the app's stand-in, once the seller's account was erased. */
  seller_id: string | null;
  idempotency_key: string;
  title: string;
  price: number;
  status: 'pending' | 'completed' | 'refunded';
  transfer_id: string | null;
  fee: number | null;
  created_at: Date;
  completed_at: Date | null;
  refunded_at: Date | null;
  cursor_at: string;
}

const listingColumns = (sql: MarketSql, viewer: string) => `l.listing_id, l.seller_id,
  ${sql.listingKind} AS item_kind, ${sql.listingItemId} AS item_id, l.title, l.summary, l.price, l.is_listed,
  l.created_at, l.updated_at, ${cursorTime('l.created_at')} AS cursor_at,
  (SELECT count(*)::int FROM market_purchases p WHERE p.listing_id = l.listing_id AND p.status = 'completed') AS sales,
  EXISTS (SELECT 1 FROM market_purchases p WHERE p.listing_id = l.listing_id AND p.buyer_id = ${viewer}
    AND p.status = 'completed') AS is_purchased,
  ${sql.itemColumns}`;

const fromListings = (sql: MarketSql) => `market_listings l ${sql.itemJoins}`;

const purchaseColumns = (sql: MarketSql) => `p.purchase_id, p.listing_id, ${sql.purchaseKind} AS item_kind,
  ${sql.purchaseItemId} AS item_id, ${sql.purchaseHoldsItem} AS holds_item, p.buyer_id, p.seller_id,
  p.idempotency_key, p.title, p.price, p.status, p.transfer_id, p.fee, p.created_at, p.completed_at,
  p.refunded_at, ${cursorTime('p.created_at')} AS cursor_at`;

export async function findListing<Row extends ListingRowBase>(
  db: Queryable,
  sql: MarketSql,
  listingId: string,
  viewerId: string,
): Promise<Row | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT ${listingColumns(sql, '$2::uuid')} FROM ${fromListings(sql)} WHERE l.listing_id = $1`,
    [listingId, viewerId],
  );
  return rows[0];
}

/** Listed items (and, with `sellerId`, that seller's, listed or not), newest first. */
export async function listListings<Row extends ListingRowBase>(
  db: Queryable,
  sql: MarketSql,
  query: {
    viewerId: string;
    sellerId?: string;
    kind?: string;
    words: string[];
    priceMax?: number;
    after?: KeysetPosition;
    limit: number;
  },
): Promise<Row[]> {
  const params = new Params();
  const viewer = params.add(query.viewerId);
  const where: string[] = [];
  if (query.sellerId) where.push(`l.seller_id = ${params.add(query.sellerId)}`);
  else where.push('l.is_listed');
  if (query.kind) where.push(`${sql.listingKind} = ${params.add(query.kind)}`);
  if (query.priceMax !== undefined) where.push(`l.price <= ${params.add(query.priceMax)}`);
  for (const word of query.words) {
    const pattern = params.add(containsPattern(word));
    const also = sql.searchAlso ? ` OR ${sql.searchAlso(pattern)}` : '';
    where.push(`(l.title ILIKE ${pattern} OR l.summary ILIKE ${pattern}${also})`);
  }
  if (query.after) {
    where.push(
      `(l.created_at, l.listing_id) < (${params.add(query.after.at)}::timestamptz, ${params.add(query.after.id)}::uuid)`,
    );
  }
  const { rows } = await db.query<Row>(
    `SELECT ${listingColumns(sql, `${viewer}::uuid`)} FROM ${fromListings(sql)}
     WHERE ${where.join(' AND ')}
     ORDER BY l.created_at DESC, l.listing_id DESC LIMIT ${params.add(query.limit)}`,
    params.values,
  );
  return rows;
}

/** Undefined when the item is listed already (one listing per item). */
export async function insertListing(
  db: Queryable,
  sql: MarketSql,
  input: {
    sellerId: string;
    kind: string;
    itemId: string;
    title: string;
    summary: string;
    price: number;
    at: Date;
  },
): Promise<string | undefined> {
  const params = new Params();
  const item = sql.listingItemInsert((value) => params.add(value), input.kind, input.itemId);
  const at = params.add(input.at);
  const columns = ['seller_id', ...item.columns, 'title', 'summary', 'price', 'created_at', 'updated_at'];
  const values = [
    params.add(input.sellerId),
    ...item.values,
    params.add(input.title),
    params.add(input.summary),
    params.add(input.price),
    at,
    at,
  ];
  const { rows } = await db.query<{ listing_id: string }>(
    `INSERT INTO market_listings (${columns.join(', ')}) VALUES (${values.join(', ')})
     ON CONFLICT DO NOTHING
     RETURNING listing_id`,
    params.values,
  );
  return rows[0]?.listing_id;
}

/** The seller's own listing, locked for a change; undefined when it is not theirs. */
export async function lockOwnListing(
  tx: Queryable,
  sql: MarketSql,
  sellerId: string,
  listingId: string,
): Promise<{ listing_id: string; item_kind: string; item_id: string } | undefined> {
  const { rows } = await tx.query<{ listing_id: string; item_kind: string; item_id: string }>(
    `SELECT l.listing_id, ${sql.listingKind} AS item_kind, ${sql.listingItemId} AS item_id
     FROM market_listings l WHERE l.listing_id = $1 AND l.seller_id = $2 FOR UPDATE`,
    [listingId, sellerId],
  );
  return rows[0];
}

export async function updateListing(
  db: Queryable,
  listingId: string,
  patch: { title?: string; summary?: string; price?: number; is_listed?: boolean },
  at: Date,
): Promise<void> {
  await db.query(
    `UPDATE market_listings SET title = COALESCE($2, title), summary = COALESCE($3, summary),
       price = COALESCE($4, price), is_listed = COALESCE($5, is_listed), updated_at = $6
     WHERE listing_id = $1`,
    [listingId, patch.title ?? null, patch.summary ?? null, patch.price ?? null, patch.is_listed ?? null, at],
  );
}

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
    at: Date;
    /** A paid purchase recorded again: its listing may have gone since, then it keeps none. */
    listingMayBeGone?: boolean;
  },
): Promise<PurchaseRow | undefined> {
  const params = new Params();
  const listing = params.add(input.listingId);
  const item = sql.purchaseItemInsert((value) => params.add(value), input.kind, input.itemId);
  const columns = ['listing_id', 'buyer_id', 'seller_id', 'idempotency_key', 'title', 'price', 'created_at'];
  const values = [
    input.listingMayBeGone
      ? `(SELECT g.listing_id FROM market_listings g WHERE g.listing_id = ${listing}::uuid)`
      : listing,
    params.add(input.buyerId),
    params.add(input.sellerId),
    params.add(input.idempotencyKey),
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
 * Marks a pending purchase paid (once); answers the row as it now is. A purchase whose listing
 * went meanwhile takes the seller the app gives such purchases.
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
       seller_id = CASE WHEN listing_id IS NULL THEN ${sql.sellerOnceListingGone} ELSE seller_id END
     WHERE purchase_id = $1 AND status = 'pending'`,
    [purchaseId, transfer.transferId, transfer.fee, at],
  );
  return findPurchase(db, sql, purchaseId);
}

/**
 * Paid purchases that give the buyer nothing (their item went before they were paid, and giving
 * them back has not happened yet), oldest first.
 */
export async function listPaidWithoutItem(
  db: Queryable,
  sql: MarketSql,
  limit: number,
): Promise<PurchaseRow[]> {
  const { rows } = await db.query<PurchaseRow>(
    `SELECT ${purchaseColumns(sql)} FROM market_purchases p WHERE p.status = 'completed' AND NOT ${sql.purchaseHoldsItem}
     ORDER BY p.created_at, p.purchase_id LIMIT $1`,
    [limit],
  );
  return rows;
}

/** Purchases still pending since before a time, oldest first (the sweep finishes them). */
export async function listStalePendingPurchases(
  db: Queryable,
  sql: MarketSql,
  before: Date,
  limit: number,
): Promise<PurchaseRow[]> {
  const { rows } = await db.query<PurchaseRow>(
    `SELECT ${purchaseColumns(sql)} FROM market_purchases p WHERE p.status = 'pending' AND p.created_at < $1
     ORDER BY p.created_at, p.purchase_id LIMIT $2`,
    [before, limit],
  );
  return rows;
}

/** Takes back a purchase that was never paid (identity refused the transfer). */
export async function deletePendingPurchase(db: Queryable, purchaseId: string): Promise<void> {
  await db.query("DELETE FROM market_purchases WHERE purchase_id = $1 AND status = 'pending'", [purchaseId]);
}

/** A buyer's or a seller's paid purchases (refunded ones too), newest first. */
export async function listPurchases(
  db: Queryable,
  sql: MarketSql,
  query: { role: 'buyer' | 'seller'; userId: string; after?: KeysetPosition; limit: number },
): Promise<PurchaseRow[]> {
  const column = query.role === 'buyer' ? 'p.buyer_id' : 'p.seller_id';
  const { rows } = await db.query<PurchaseRow>(
    `SELECT ${purchaseColumns(sql)} FROM market_purchases p
     WHERE ${column} = $1 AND p.status <> 'pending'
       AND ($2::timestamptz IS NULL OR (p.created_at, p.purchase_id) < ($2::timestamptz, $3::uuid))
     ORDER BY p.created_at DESC, p.purchase_id DESC LIMIT $4`,
    [query.userId, query.after?.at ?? null, query.after?.id ?? null, query.limit],
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

// Hollowtown's marketplace in hollowtown_db: listings of plans and costume ideas, and the
// purchases recorded under each buyer's idempotency key (the credits move in identity).
import type { Queryable } from '../../platform/db/database.ts';
import { containsPattern, cursorTime, Params, searchWords } from '../../platform/db/sql.ts';
import type { Ingredient } from '../client.ts';
import type { TimeCursor } from '../service/common.ts';
import type { Prop } from './plans.ts';

export type MarketItemKind = 'plan' | 'costume';

export interface ListingRow {
  listing_id: string;
  seller_id: string;
  item_kind: MarketItemKind;
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
  // The item, read with the listing (only the preview's part leaves for non-buyers).
  plan_room_name: string | null;
  plan_scare_level: number | null;
  plan_props: Prop[] | null;
  plan_steps: string[] | null;
  costume_name: string | null;
  costume_description: string | null;
  costume_difficulty: string | null;
  costume_materials: Ingredient[] | null;
  costume_cost_cents: number | null;
  costume_image_url: string | null;
  costume_tags: string[] | null;
}

const listingColumns = (viewer: string) => `l.listing_id, l.seller_id, l.item_kind,
  coalesce(l.plan_id, l.costume_id) AS item_id, l.title, l.summary, l.price, l.is_listed, l.created_at,
  l.updated_at, ${cursorTime('l.created_at')} AS cursor_at,
  (SELECT count(*)::int FROM market_purchases p WHERE p.listing_id = l.listing_id AND p.status = 'completed') AS sales,
  EXISTS (SELECT 1 FROM market_purchases p WHERE p.listing_id = l.listing_id AND p.buyer_id = ${viewer}
    AND p.status = 'completed') AS is_purchased,
  h.room_name AS plan_room_name, h.scare_level AS plan_scare_level, h.props_needed AS plan_props,
  h.setup_instructions AS plan_steps,
  c.costume_name, c.description AS costume_description, c.difficulty AS costume_difficulty,
  c.materials AS costume_materials, c.cost_estimate_cents AS costume_cost_cents,
  c.image_url AS costume_image_url, c.tags AS costume_tags`;

const FROM_LISTINGS = `market_listings l
  LEFT JOIN haunted_house_plans h ON h.plan_id = l.plan_id
  LEFT JOIN costume_ideas c ON c.costume_id = l.costume_id`;

/**
 * The whole item of the listing `l` (joined as in FROM_LISTINGS) as a buyer's copy: the shape of
 * the API's full item (service/market.ts itemOf), and nothing of the seller's. Migration 065 built
 * the copies of earlier purchases with the same expression.
 */
const ITEM_SNAPSHOT = `CASE l.item_kind
    WHEN 'plan' THEN jsonb_build_object(
      'item_kind', 'plan', 'plan_id', h.plan_id, 'room_name', h.room_name, 'scare_level', h.scare_level,
      'props_needed', h.props_needed, 'setup_instructions', to_jsonb(h.setup_instructions))
    ELSE jsonb_build_object(
      'item_kind', 'costume', 'costume_id', c.costume_id, 'costume_name', c.costume_name,
      'description', c.description, 'difficulty', c.difficulty, 'materials', c.materials,
      'cost_estimate_cents', c.cost_estimate_cents, 'image_url', c.image_url, 'tags', to_jsonb(c.tags))
  END`;

/**
 * The item's name and whether it is published for everyone (plans; a costume never is), when
 * `userId` owns it (undefined otherwise: not theirs or missing).
 */
export async function findOwnItem(
  db: Queryable,
  userId: string,
  kind: MarketItemKind,
  itemId: string,
): Promise<{ name: string; is_published: boolean } | undefined> {
  const sql =
    kind === 'plan'
      ? 'SELECT room_name AS name, is_published FROM haunted_house_plans WHERE plan_id = $1 AND user_id = $2'
      : 'SELECT costume_name AS name, false AS is_published FROM costume_ideas WHERE costume_id = $1 AND user_id = $2';
  const { rows } = await db.query<{ name: string; is_published: boolean }>(sql, [itemId, userId]);
  return rows[0];
}

/** Whether the plan is for sale now (listed). */
export async function isPlanListed(db: Queryable, planId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM market_listings WHERE plan_id = $1 AND is_listed', [planId]);
  return rows.length > 0;
}

/**
 * Locks the item's listing (a purchase being recorded holds a key-share lock on it, so this waits
 * for it, and a purchase that comes after waits for this transaction) and counts the buyers who
 * hold the item: completed or pending purchases, refunded ones aside. Call inside a transaction.
 */
export async function lockBuyersOfItem(tx: Queryable, kind: MarketItemKind, itemId: string): Promise<number> {
  const column = kind === 'plan' ? 'plan_id' : 'costume_id';
  const { rows: listings } = await tx.query<{ listing_id: string }>(
    `SELECT listing_id FROM market_listings WHERE ${column} = $1 FOR UPDATE`,
    [itemId],
  );
  if (listings.length === 0) return 0;
  const { rows } = await tx.query<{ buyers: number }>(
    `SELECT count(*)::int AS buyers FROM market_purchases WHERE listing_id = $1 AND status <> 'refunded'`,
    [listings[0]?.listing_id],
  );
  return rows[0]?.buyers ?? 0;
}

/** Undefined when the item is listed already (one listing per item). */
export async function insertListing(
  db: Queryable,
  input: {
    sellerId: string;
    kind: MarketItemKind;
    itemId: string;
    title: string;
    summary: string;
    price: number;
    at: Date;
  },
): Promise<string | undefined> {
  const { rows } = await db.query<{ listing_id: string }>(
    `INSERT INTO market_listings (seller_id, item_kind, plan_id, costume_id, title, summary, price, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
     ON CONFLICT DO NOTHING
     RETURNING listing_id`,
    [
      input.sellerId,
      input.kind,
      input.kind === 'plan' ? input.itemId : null,
      input.kind === 'costume' ? input.itemId : null,
      input.title,
      input.summary,
      input.price,
      input.at,
    ],
  );
  return rows[0]?.listing_id;
}

export async function findListing(
  db: Queryable,
  listingId: string,
  viewerId: string,
): Promise<ListingRow | undefined> {
  const { rows } = await db.query<ListingRow>(
    `SELECT ${listingColumns('$2')} FROM ${FROM_LISTINGS} WHERE l.listing_id = $1`,
    [listingId, viewerId],
  );
  return rows[0];
}

/** The seller's own listing changed; undefined when it is not theirs. */
export async function updateListing(
  db: Queryable,
  sellerId: string,
  listingId: string,
  patch: { title?: string; summary?: string; price?: number; is_listed?: boolean },
  at: Date,
): Promise<boolean> {
  const params = new Params();
  const sets = Object.entries(patch)
    .filter(([, value]) => value !== undefined)
    .map(([column, value]) => `${column} = ${params.add(value)}`);
  sets.push(`updated_at = ${params.add(at)}`);
  const { rowCount } = await db.query(
    `UPDATE market_listings SET ${sets.join(', ')}
     WHERE listing_id = ${params.add(listingId)} AND seller_id = ${params.add(sellerId)}`,
    params.values,
  );
  return rowCount > 0;
}

/** Listed items (and, with `sellerId`, that seller's, listed or not), newest first. */
export async function listListings(
  db: Queryable,
  query: {
    viewerId: string;
    sellerId?: string;
    kind?: MarketItemKind;
    q?: string;
    priceMax?: number;
    after?: TimeCursor;
    limit: number;
  },
): Promise<ListingRow[]> {
  const params = new Params();
  const viewer = params.add(query.viewerId);
  const where: string[] = [];
  if (query.sellerId) where.push(`l.seller_id = ${params.add(query.sellerId)}`);
  else where.push('l.is_listed');
  if (query.kind) where.push(`l.item_kind = ${params.add(query.kind)}`);
  if (query.priceMax !== undefined) where.push(`l.price <= ${params.add(query.priceMax)}`);
  for (const word of searchWords(query.q)) {
    const pattern = params.add(containsPattern(word));
    where.push(`(l.title ILIKE ${pattern} OR l.summary ILIKE ${pattern})`);
  }
  if (query.after) {
    where.push(
      `(l.created_at, l.listing_id) < (${params.add(query.after.t)}::timestamptz, ${params.add(query.after.id)}::uuid)`,
    );
  }
  const { rows } = await db.query<ListingRow>(
    `SELECT ${listingColumns(viewer)} FROM ${FROM_LISTINGS}
     WHERE ${where.join(' AND ')}
     ORDER BY l.created_at DESC, l.listing_id DESC LIMIT ${params.add(query.limit)}`,
    params.values,
  );
  return rows;
}

export interface PurchaseRow {
  purchase_id: string;
  listing_id: string | null;
  buyer_id: string;
  /** Null once the seller's account was erased (a pending purchase always has its seller). */
  seller_id: string | null;
  idempotency_key: string;
  item_kind: MarketItemKind;
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

const PURCHASE_COLUMNS = `purchase_id, listing_id, buyer_id, seller_id, idempotency_key, item_kind, title, price,
  status, transfer_id, fee, created_at, completed_at, refunded_at, ${cursorTime('created_at')} AS cursor_at`;

export async function findPurchaseByKey(
  db: Queryable,
  buyerId: string,
  idempotencyKey: string,
): Promise<PurchaseRow | undefined> {
  const { rows } = await db.query<PurchaseRow>(
    `SELECT ${PURCHASE_COLUMNS} FROM market_purchases WHERE buyer_id = $1 AND idempotency_key = $2`,
    [buyerId, idempotencyKey],
  );
  return rows[0];
}

export async function findPurchaseOfListing(
  db: Queryable,
  buyerId: string,
  listingId: string,
): Promise<PurchaseRow | undefined> {
  const { rows } = await db.query<PurchaseRow>(
    `SELECT ${PURCHASE_COLUMNS} FROM market_purchases WHERE buyer_id = $1 AND listing_id = $2 AND status <> 'refunded'`,
    [buyerId, listingId],
  );
  return rows[0];
}

/**
 * Records a purchase before paying for it, with the buyer's copy of the item as it is now;
 * undefined when this buyer already has one under this key or of this listing (a concurrent or
 * earlier request: read it and go on from there).
 */
export async function insertPendingPurchase(
  db: Queryable,
  input: {
    /** listing_id null: a paid purchase recorded again after its listing went (no copy then). */
    listing: Pick<ListingRow, 'item_kind' | 'title' | 'price'> & {
      listing_id: string | null;
      seller_id: string;
    };
    buyerId: string;
    idempotencyKey: string;
    at: Date;
    /** A paid purchase recorded again: its listing may have gone since, then it keeps none. */
    listingMayBeGone?: boolean;
  },
): Promise<PurchaseRow | undefined> {
  const { listing } = input;
  const listingId = input.listingMayBeGone
    ? '(SELECT g.listing_id FROM market_listings g WHERE g.listing_id = $1)'
    : '$1';
  const { rows } = await db.query<PurchaseRow>(
    `INSERT INTO market_purchases (listing_id, buyer_id, seller_id, idempotency_key, item_kind, title, price, created_at,
       item_snapshot)
     VALUES (${listingId}, $2, $3, $4, $5, $6, $7, $8,
       (SELECT ${ITEM_SNAPSHOT} FROM ${FROM_LISTINGS} WHERE l.listing_id = $1))
     ON CONFLICT DO NOTHING
     RETURNING ${PURCHASE_COLUMNS}`,
    [
      listing.listing_id,
      input.buyerId,
      listing.seller_id,
      input.idempotencyKey,
      listing.item_kind,
      listing.title,
      listing.price,
      input.at,
    ],
  );
  return rows[0];
}

/**
 * Marks a pending purchase paid (once); answers the row as it now is. A purchase whose listing
 * went meanwhile (only the seller's erasure takes a listing with buyers away) keeps no seller.
 */
export async function completePurchase(
  db: Queryable,
  purchaseId: string,
  transfer: { transferId: string; fee: number },
  at: Date,
): Promise<PurchaseRow | undefined> {
  await db.query(
    `UPDATE market_purchases SET status = 'completed', transfer_id = $2, fee = $3, completed_at = $4,
       seller_id = CASE WHEN listing_id IS NULL THEN NULL ELSE seller_id END
     WHERE purchase_id = $1 AND status = 'pending'`,
    [purchaseId, transfer.transferId, transfer.fee, at],
  );
  const { rows } = await db.query<PurchaseRow>(
    `SELECT ${PURCHASE_COLUMNS} FROM market_purchases WHERE purchase_id = $1`,
    [purchaseId],
  );
  return rows[0];
}

/** Purchases still pending since before a time, oldest first (the sweep finishes them). */
export async function listStalePendingPurchases(
  db: Queryable,
  before: Date,
  limit: number,
): Promise<PurchaseRow[]> {
  const { rows } = await db.query<PurchaseRow>(
    `SELECT ${PURCHASE_COLUMNS} FROM market_purchases WHERE status = 'pending' AND created_at < $1
     ORDER BY created_at, purchase_id LIMIT $2`,
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
  query: { role: 'buyer' | 'seller'; userId: string; after?: TimeCursor; limit: number },
): Promise<PurchaseRow[]> {
  const column = query.role === 'buyer' ? 'buyer_id' : 'seller_id';
  const { rows } = await db.query<PurchaseRow>(
    `SELECT ${PURCHASE_COLUMNS} FROM market_purchases
     WHERE ${column} = $1 AND status <> 'pending'
       AND ($2::timestamptz IS NULL OR (created_at, purchase_id) < ($2::timestamptz, $3::uuid))
     ORDER BY created_at DESC, purchase_id DESC LIMIT $4`,
    [query.userId, query.after?.t ?? null, query.after?.id ?? null, query.limit],
  );
  return rows;
}

/** What a seller sold in all: completed sales, credits paid by buyers, fees, and what they received. */
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

export async function findPurchase(db: Queryable, purchaseId: string): Promise<PurchaseRow | undefined> {
  const { rows } = await db.query<PurchaseRow>(
    `SELECT ${PURCHASE_COLUMNS} FROM market_purchases WHERE purchase_id = $1`,
    [purchaseId],
  );
  return rows[0];
}

/**
 * Marks a paid purchase refunded (once), dropping the buyer's copy; answers the row as it now is
 * and whether this call marked it.
 */
export async function markPurchaseRefunded(
  db: Queryable,
  purchaseId: string,
  reason: string,
  at: Date,
): Promise<{ purchase: PurchaseRow | undefined; isNew: boolean }> {
  const { rowCount } = await db.query(
    `UPDATE market_purchases SET status = 'refunded', refunded_at = $2, refund_reason = $3, item_snapshot = NULL
     WHERE purchase_id = $1 AND status = 'completed'`,
    [purchaseId, at, reason],
  );
  return { purchase: await findPurchase(db, purchaseId), isNew: rowCount > 0 };
}

export interface MarketTotalsRow {
  item_kind: MarketItemKind;
  listed: number;
  sales: number;
  refunds: number;
  credits: number;
  fees: number;
}

/** Per kind of item: listings on sale now, and purchases since a time (paid and refunded). */
export async function marketTotals(db: Queryable, since: Date): Promise<MarketTotalsRow[]> {
  const { rows } = await db.query<MarketTotalsRow>(
    `SELECT k.item_kind,
       (SELECT count(*)::int FROM market_listings l WHERE l.item_kind = k.item_kind AND l.is_listed) AS listed,
       count(p.purchase_id) FILTER (WHERE p.status = 'completed')::int AS sales,
       count(p.purchase_id) FILTER (WHERE p.status = 'refunded')::int AS refunds,
       COALESCE(sum(p.price) FILTER (WHERE p.status = 'completed'), 0)::bigint AS credits,
       COALESCE(sum(p.fee) FILTER (WHERE p.status = 'completed'), 0)::bigint AS fees
     FROM (VALUES ('plan'), ('costume')) AS k (item_kind)
     LEFT JOIN market_purchases p ON p.item_kind = k.item_kind AND p.created_at >= $1 AND p.status <> 'pending'
     GROUP BY k.item_kind ORDER BY k.item_kind`,
    [since],
  );
  return rows.map((r) => ({ ...r, credits: Number(r.credits), fees: Number(r.fees) }));
}

/** Paid and refunded purchases since a time, newest first (the console's list, to refund from). */
export async function recentPurchases(db: Queryable, since: Date, limit: number): Promise<PurchaseRow[]> {
  const { rows } = await db.query<PurchaseRow>(
    `SELECT ${PURCHASE_COLUMNS} FROM market_purchases WHERE created_at >= $1 AND status <> 'pending'
     ORDER BY created_at DESC, purchase_id DESC LIMIT $2`,
    [since, limit],
  );
  return rows;
}

/**
 * One of the buyer's paid purchases (refunded ones too) with their copy of the item; undefined
 * for anyone else's, a pending one or a missing one.
 */
export async function findBuyerPurchase(
  db: Queryable,
  buyerId: string,
  purchaseId: string,
): Promise<(PurchaseRow & { item_snapshot: unknown }) | undefined> {
  const { rows } = await db.query<PurchaseRow & { item_snapshot: unknown }>(
    `SELECT ${PURCHASE_COLUMNS}, item_snapshot FROM market_purchases
     WHERE purchase_id = $1 AND buyer_id = $2 AND status <> 'pending'`,
    [purchaseId, buyerId],
  );
  return rows[0];
}

/**
 * A seller's account is erased (call inside the transaction that deletes their items, before it
 * does): each buyer's copy becomes the item as it is now, the last version they read, and the
 * paid sales no longer name the seller. Pending purchases keep the seller until their transfer
 * settles (completing one whose listing went drops the seller then).
 */
export async function releaseSalesOf(tx: Queryable, sellerId: string): Promise<number> {
  await tx.query(
    `UPDATE market_purchases p SET item_snapshot = (SELECT ${ITEM_SNAPSHOT} FROM ${FROM_LISTINGS} WHERE l.listing_id = p.listing_id)
     WHERE p.seller_id = $1 AND p.status <> 'refunded' AND p.listing_id IS NOT NULL`,
    [sellerId],
  );
  const { rowCount } = await tx.query(
    `UPDATE market_purchases SET seller_id = NULL WHERE seller_id = $1 AND status <> 'pending'`,
    [sellerId],
  );
  return rowCount;
}

// The recipe books marketplace in recipes_db: listings of cookbooks and the purchases recorded
// under each buyer's idempotency key (the credits move in identity).
import { withheldSql } from '../../community/store.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { escapeLike, type KeysetPosition } from '../../platform/db/sql.ts';

/**
 * SQL true when a buyer reads `recipes` in the book `c`: the owner's own and published ones that
 * moderation does not hold back (what the cookbooks service shows anyone let into the book).
 */
const buyerSeesSql = `(NOT ${withheldSql('recipe', 'recipes.recipe_id')}
  AND (recipes.is_published OR recipes.user_id = c.user_id))`;

/** One recipe of a book as its preview shows it: what it is, not how it is made. */
export interface PreviewRecipe {
  recipe_name: string;
  cuisine: string | null;
  difficulty: string | null;
  total_time_minutes: number | null;
  serves: number | null;
}

export interface ListingRow {
  listing_id: string;
  seller_id: string;
  cookbook_id: string;
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
  cookbook_title: string;
  cookbook_description: string | null;
  /** The recipes a buyer reads in it, in the book's order. */
  recipes: PreviewRecipe[];
}

const cursorAt = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at`;

const listingColumns = (viewer: string) => `l.listing_id, l.seller_id, l.cookbook_id, l.title, l.summary,
  l.price, l.is_listed, l.created_at, l.updated_at, ${cursorAt('l.created_at')},
  (SELECT count(*)::int FROM market_purchases p WHERE p.listing_id = l.listing_id AND p.status = 'completed') AS sales,
  EXISTS (SELECT 1 FROM market_purchases p WHERE p.listing_id = l.listing_id AND p.buyer_id = ${viewer}
    AND p.status = 'completed') AS is_purchased,
  c.title AS cookbook_title, c.description AS cookbook_description,
  COALESCE((SELECT json_agg(json_build_object('recipe_name', recipes.recipe_name, 'cuisine', recipes.cuisine,
      'difficulty', recipes.difficulty, 'serves', recipes.serves,
      'total_time_minutes', CASE WHEN recipes.prep_time_minutes IS NULL AND recipes.cook_time_minutes IS NULL
        THEN NULL ELSE COALESCE(recipes.prep_time_minutes, 0) + COALESCE(recipes.cook_time_minutes, 0) END)
      ORDER BY e.position, e.recipe_id)
    FROM cookbook_recipes e JOIN recipes ON recipes.recipe_id = e.recipe_id
    WHERE e.cookbook_id = c.cookbook_id AND ${buyerSeesSql}), '[]'::json) AS recipes`;

const FROM_LISTINGS = 'market_listings l JOIN cookbooks c ON c.cookbook_id = l.cookbook_id';

/**
 * The recipes of the cookbook a seller may not sell: another person's, or a shared copy that
 * follows an original elsewhere (someone else's work). Empty when the book is all theirs.
 */
export async function othersRecipesIn(
  db: Queryable,
  cookbookId: string,
  sellerId: string,
): Promise<string[]> {
  const { rows } = await db.query<{ recipe_id: string }>(
    `SELECT r.recipe_id FROM cookbook_recipes e JOIN recipes r ON r.recipe_id = e.recipe_id
     WHERE e.cookbook_id = $1 AND (r.user_id <> $2 OR r.source = 'shared')
     ORDER BY e.position, r.recipe_id LIMIT 50`,
    [cookbookId, sellerId],
  );
  return rows.map((r) => r.recipe_id);
}

/** Whether the recipe is the seller's own to sell (theirs, and not a shared copy). */
export async function isOwnRecipeToSell(db: Queryable, recipeId: string, sellerId: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM recipes WHERE recipe_id = $1 AND user_id = $2 AND source <> 'shared'`,
    [recipeId, sellerId],
  );
  return rows.length > 0;
}

/** Whether the cookbook is for sale now (listed). */
export async function isCookbookListed(db: Queryable, cookbookId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM market_listings WHERE cookbook_id = $1 AND is_listed', [
    cookbookId,
  ]);
  return rows.length > 0;
}

/** Whether the cookbook has a listing, on sale or not (its buyers still read it). */
export async function hasListing(db: Queryable, cookbookId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM market_listings WHERE cookbook_id = $1', [cookbookId]);
  return rows.length > 0;
}

/**
 * Whether the viewer holds a paid purchase of the cookbook's listing (the cookbooks service's
 * access hook: a buyer reads the whole book).
 */
export async function hasBoughtCookbook(
  db: Queryable,
  viewerId: string,
  cookbookId: string,
): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM market_purchases p JOIN market_listings l ON l.listing_id = p.listing_id
     WHERE l.cookbook_id = $1 AND p.buyer_id = $2 AND p.status = 'completed'`,
    [cookbookId, viewerId],
  );
  return rows.length > 0;
}

/**
 * Locks the listings of the cookbooks given (a purchase being recorded holds a key-share lock on
 * its listing, so this waits for it, and a purchase that comes after waits for this
 * transaction) and counts the buyers who hold them: completed or pending purchases, refunded
 * ones aside. Call inside a transaction.
 */
async function lockBuyersOfListings(tx: Queryable, where: string, value: string): Promise<number> {
  const { rows: listings } = await tx.query<{ listing_id: string }>(
    `SELECT listing_id FROM market_listings WHERE ${where} ORDER BY listing_id FOR UPDATE`,
    [value],
  );
  if (listings.length === 0) return 0;
  const { rows } = await tx.query<{ buyers: number }>(
    `SELECT count(DISTINCT buyer_id)::int AS buyers FROM market_purchases
     WHERE listing_id = ANY($1::uuid[]) AND status <> 'refunded'`,
    [listings.map((l) => l.listing_id)],
  );
  return rows[0]?.buyers ?? 0;
}

/** The buyers of the cookbook, its listing locked (see lockBuyersOfListings). */
export const lockBuyersOfCookbook = (tx: Queryable, cookbookId: string) =>
  lockBuyersOfListings(tx, 'cookbook_id = $1', cookbookId);

/** The buyers of every sold book the recipe is in, their listings locked. */
export const lockBuyersOfRecipe = (tx: Queryable, recipeId: string) =>
  lockBuyersOfListings(
    tx,
    'cookbook_id IN (SELECT cookbook_id FROM cookbook_recipes WHERE recipe_id = $1)',
    recipeId,
  );

/** Undefined when the cookbook is listed already (one listing per book). */
export async function insertListing(
  db: Queryable,
  input: { sellerId: string; cookbookId: string; title: string; summary: string; price: number; at: Date },
): Promise<string | undefined> {
  const { rows } = await db.query<{ listing_id: string }>(
    `INSERT INTO market_listings (seller_id, cookbook_id, title, summary, price, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6)
     ON CONFLICT DO NOTHING
     RETURNING listing_id`,
    [input.sellerId, input.cookbookId, input.title, input.summary, input.price, input.at],
  );
  return rows[0]?.listing_id;
}

export async function findListing(
  db: Queryable,
  listingId: string,
  viewerId: string,
): Promise<ListingRow | undefined> {
  const { rows } = await db.query<ListingRow>(
    `SELECT ${listingColumns('$2::uuid')} FROM ${FROM_LISTINGS} WHERE l.listing_id = $1`,
    [listingId, viewerId],
  );
  return rows[0];
}

/** The seller's own listing, locked for a change; undefined when it is not theirs. */
export async function lockOwnListing(
  tx: Queryable,
  sellerId: string,
  listingId: string,
): Promise<{ listing_id: string; cookbook_id: string } | undefined> {
  const { rows } = await tx.query<{ listing_id: string; cookbook_id: string }>(
    'SELECT listing_id, cookbook_id FROM market_listings WHERE listing_id = $1 AND seller_id = $2 FOR UPDATE',
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

/** Listed books (and, with `sellerId`, that seller's, listed or not), newest first. */
export async function listListings(
  db: Queryable,
  query: {
    viewerId: string;
    sellerId?: string;
    words: string[];
    priceMax?: number;
    after?: KeysetPosition;
    limit: number;
  },
): Promise<ListingRow[]> {
  const params: unknown[] = [query.viewerId];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (query.sellerId) where.push(`l.seller_id = ${param(query.sellerId)}`);
  else where.push('l.is_listed');
  if (query.priceMax !== undefined) where.push(`l.price <= ${param(query.priceMax)}`);
  for (const word of query.words) {
    const pattern = param(`%${escapeLike(word)}%`);
    // The title, the summary and the names of its recipes: all in the public preview.
    where.push(`(l.title ILIKE ${pattern} OR l.summary ILIKE ${pattern} OR EXISTS (
      SELECT 1 FROM cookbook_recipes e JOIN recipes ON recipes.recipe_id = e.recipe_id
      WHERE e.cookbook_id = c.cookbook_id AND recipes.recipe_name ILIKE ${pattern}
        AND ${buyerSeesSql}))`);
  }
  if (query.after) {
    where.push(
      `(l.created_at, l.listing_id) < (${param(query.after.at)}::timestamptz, ${param(query.after.id)}::uuid)`,
    );
  }
  const { rows } = await db.query<ListingRow>(
    `SELECT ${listingColumns('$1::uuid')} FROM ${FROM_LISTINGS}
     WHERE ${where.join(' AND ')}
     ORDER BY l.created_at DESC, l.listing_id DESC LIMIT ${param(query.limit)}`,
    params,
  );
  return rows;
}

export interface PurchaseRow {
  purchase_id: string;
  listing_id: string | null;
  /** The book bought (null once its listing is gone). */
  cookbook_id: string | null;
  buyer_id: string;
  seller_id: string;
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

const PURCHASE_COLUMNS = `p.purchase_id, p.listing_id,
  (SELECT l.cookbook_id FROM market_listings l WHERE l.listing_id = p.listing_id) AS cookbook_id,
  p.buyer_id, p.seller_id, p.idempotency_key, p.title, p.price, p.status, p.transfer_id, p.fee,
  p.created_at, p.completed_at, p.refunded_at, ${cursorAt('p.created_at')}`;

async function onePurchase(
  db: Queryable,
  where: string,
  values: unknown[],
): Promise<PurchaseRow | undefined> {
  const { rows } = await db.query<PurchaseRow>(
    `SELECT ${PURCHASE_COLUMNS} FROM market_purchases p WHERE ${where}`,
    values,
  );
  return rows[0];
}

export const findPurchase = (db: Queryable, purchaseId: string) =>
  onePurchase(db, 'p.purchase_id = $1', [purchaseId]);

export const findPurchaseByKey = (db: Queryable, buyerId: string, idempotencyKey: string) =>
  onePurchase(db, 'p.buyer_id = $1 AND p.idempotency_key = $2', [buyerId, idempotencyKey]);

export const findPurchaseOfListing = (db: Queryable, buyerId: string, listingId: string) =>
  onePurchase(db, `p.buyer_id = $1 AND p.listing_id = $2 AND p.status <> 'refunded'`, [buyerId, listingId]);

/**
 * Records a purchase before paying for it; undefined when this buyer already has one under
 * this key or of this listing (a concurrent or earlier request: read it and go on from there).
 */
export async function insertPendingPurchase(
  db: Queryable,
  input: {
    /** listing_id null: a paid purchase recorded again after its listing went. */
    listing: Pick<ListingRow, 'seller_id' | 'title' | 'price'> & { listing_id: string | null };
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
  const { rows } = await db.query<{ purchase_id: string }>(
    `INSERT INTO market_purchases (listing_id, buyer_id, seller_id, idempotency_key, title, price, created_at)
     VALUES (${listingId}, $2, $3, $4, $5, $6, $7)
     ON CONFLICT DO NOTHING
     RETURNING purchase_id`,
    [
      listing.listing_id,
      input.buyerId,
      listing.seller_id,
      input.idempotencyKey,
      listing.title,
      listing.price,
      input.at,
    ],
  );
  const id = rows[0]?.purchase_id;
  return id ? findPurchase(db, id) : undefined;
}

/** Marks a pending purchase paid (once); answers the row as it now is. */
export async function completePurchase(
  db: Queryable,
  purchaseId: string,
  transfer: { transferId: string; fee: number },
  at: Date,
): Promise<PurchaseRow | undefined> {
  await db.query(
    `UPDATE market_purchases SET status = 'completed', transfer_id = $2, fee = $3, completed_at = $4
     WHERE purchase_id = $1 AND status = 'pending'`,
    [purchaseId, transfer.transferId, transfer.fee, at],
  );
  return findPurchase(db, purchaseId);
}

/** Purchases still pending since before a time, oldest first (the sweep finishes them). */
export async function listStalePendingPurchases(
  db: Queryable,
  before: Date,
  limit: number,
): Promise<PurchaseRow[]> {
  const { rows } = await db.query<PurchaseRow>(
    `SELECT ${PURCHASE_COLUMNS} FROM market_purchases p WHERE p.status = 'pending' AND p.created_at < $1
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
  query: { role: 'buyer' | 'seller'; userId: string; after?: KeysetPosition; limit: number },
): Promise<PurchaseRow[]> {
  const column = query.role === 'buyer' ? 'p.buyer_id' : 'p.seller_id';
  const { rows } = await db.query<PurchaseRow>(
    `SELECT ${PURCHASE_COLUMNS} FROM market_purchases p
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

/** Marks a paid purchase refunded (once); answers the row as it now is and whether this call marked it. */
export async function markPurchaseRefunded(
  db: Queryable,
  purchaseId: string,
  reason: string,
  at: Date,
): Promise<{ purchase: PurchaseRow | undefined; isNew: boolean }> {
  const { rowCount } = await db.query(
    `UPDATE market_purchases SET status = 'refunded', refunded_at = $2, refund_reason = $3
     WHERE purchase_id = $1 AND status = 'completed'`,
    [purchaseId, at, reason],
  );
  return { purchase: await findPurchase(db, purchaseId), isNew: rowCount > 0 };
}

/** Books on sale now, and purchases since a time (paid and refunded), for the console. */
export async function marketTotals(
  db: Queryable,
  since: Date,
): Promise<{ listed: number; sales: number; refunds: number; credits: number; fees: number }> {
  const { rows } = await db.query<{
    listed: number;
    sales: number;
    refunds: number;
    credits: string;
    fees: string;
  }>(
    `SELECT (SELECT count(*)::int FROM market_listings WHERE is_listed) AS listed,
       count(*) FILTER (WHERE status = 'completed')::int AS sales,
       count(*) FILTER (WHERE status = 'refunded')::int AS refunds,
       COALESCE(sum(price) FILTER (WHERE status = 'completed'), 0)::bigint AS credits,
       COALESCE(sum(fee) FILTER (WHERE status = 'completed'), 0)::bigint AS fees
     FROM market_purchases WHERE created_at >= $1 AND status <> 'pending'`,
    [since],
  );
  const row = rows[0];
  return {
    listed: row?.listed ?? 0,
    sales: row?.sales ?? 0,
    refunds: row?.refunds ?? 0,
    credits: Number(row?.credits ?? 0),
    fees: Number(row?.fees ?? 0),
  };
}

/** Paid and refunded purchases since a time, newest first (the console's list, to refund from). */
export async function recentPurchases(db: Queryable, since: Date, limit: number): Promise<PurchaseRow[]> {
  const { rows } = await db.query<PurchaseRow>(
    `SELECT ${PURCHASE_COLUMNS} FROM market_purchases p WHERE p.created_at >= $1 AND p.status <> 'pending'
     ORDER BY p.created_at DESC, p.purchase_id DESC LIMIT $2`,
    [since, limit],
  );
  return rows;
}

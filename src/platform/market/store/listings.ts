// Listings: found, listed by pages and search, created once per item, changed by their seller.
import type { Queryable } from '../../db/database.ts';
import { containsPattern, type KeysetPosition, keysetSql, Params } from '../../db/sql.ts';
import { fromListings, type ListingRowBase, listingColumns, type MarketSql } from './tables.ts';

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

const NEWEST_LISTINGS = keysetSql('desc', [
  ['l.created_at', 'timestamptz'],
  ['l.listing_id', 'uuid'],
]);

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
  if (query.after) where.push(NEWEST_LISTINGS.after([query.after.at, query.after.id], params));
  const { rows } = await db.query<Row>(
    `SELECT ${listingColumns(sql, `${viewer}::uuid`)} FROM ${fromListings(sql)}
     WHERE ${where.join(' AND ')}
     ORDER BY ${NEWEST_LISTINGS.orderBy} LIMIT ${params.add(query.limit)}`,
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

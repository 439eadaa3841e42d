// The marketplace's tables as every app has them (`market_listings` aliased l, `market_purchases`
// aliased p), and what an app says of its own columns (MarketSql); listings.ts and purchases.ts
// run the SQL on the database the app hands in.
import { cursorTime } from '../../db/sql.ts';

/** Adds a value as a query parameter and answers its placeholder ($n). */
export type Param = (value: unknown) => string;

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
  /**
   * What its transfer names (`<app>:listing:<id>`), kept from the start so a retry names the
   * same once the listing went; null only on purchases recorded before it was kept.
   */
  transfer_reference: string | null;
  title: string;
  price: number;
  status: 'pending' | 'completed' | 'refunded';
  transfer_id: string | null;
  fee: number | null;
  created_at: Date;
  completed_at: Date | null;
  refunded_at: Date | null;
  /**
   * Failed attempts at the purchase's next step: paying it while pending (identity away, or a
   * mismatch), then giving it back once paid when its item went (identity away). Paying it
   * starts them again.
   */
  attempts: number;
  last_attempt_at: Date | null;
  /** When the sweep may try it again (null: pending, once past the grace period; paid, at once). */
  next_attempt_at: Date | null;
  /** Why the last attempt failed: identity's error code and message. */
  last_error_code: string | null;
  last_error: string | null;
  cursor_at: string;
}

export const listingColumns = (sql: MarketSql, viewer: string) => `l.listing_id, l.seller_id,
  ${sql.listingKind} AS item_kind, ${sql.listingItemId} AS item_id, l.title, l.summary, l.price, l.is_listed,
  l.created_at, l.updated_at, ${cursorTime('l.created_at')} AS cursor_at,
  (SELECT count(*)::int FROM market_purchases p WHERE p.listing_id = l.listing_id AND p.status = 'completed') AS sales,
  EXISTS (SELECT 1 FROM market_purchases p WHERE p.listing_id = l.listing_id AND p.buyer_id = ${viewer}
    AND p.status = 'completed') AS is_purchased,
  ${sql.itemColumns}`;

export const fromListings = (sql: MarketSql) => `market_listings l ${sql.itemJoins}`;

export const purchaseColumns = (
  sql: MarketSql,
) => `p.purchase_id, p.listing_id, ${sql.purchaseKind} AS item_kind,
  ${sql.purchaseItemId} AS item_id, ${sql.purchaseHoldsItem} AS holds_item, p.buyer_id, p.seller_id,
  p.idempotency_key, p.transfer_reference, p.title, p.price, p.status, p.transfer_id, p.fee, p.created_at, p.completed_at,
  p.refunded_at, p.attempts, p.last_attempt_at, p.next_attempt_at, p.last_error_code, p.last_error,
  ${cursorTime('p.created_at')} AS cursor_at`;

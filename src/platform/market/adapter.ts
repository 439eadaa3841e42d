// The marketplace's contract with the apps that sell through it (service.ts): what an app tells
// it (`MarketAdapter`), what it needs of identity, and the shapes it answers in.
import type { StaffRoleGrant } from '../auth/staff.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ListingRowBase, MarketSql, PurchaseRow } from './store/tables.ts';

/** The apps whose marketplaces this serves (keys of transfers, staff domains, audit entries). */
export type MarketApp = 'hollowtown' | 'recipes';

export interface Transfer {
  transferId: string;
  fee: number;
}

/** What the marketplace needs of identity (its client fits this). */
export interface MarketIdentity {
  credits: {
    transfer(input: {
      fromUserId: string;
      toUserId: string;
      amount: number;
      idempotencyKey: string;
      reference: string;
      reason: string;
    }): Promise<Transfer>;
    refundTransfer(input: { transferId: string; idempotencyKey: string; reason: string }): Promise<Transfer>;
  };
  staffRolesOf(userId: string): Promise<readonly StaffRoleGrant[]>;
  findUser(query: { userId: string }): Promise<{ username: string } | null>;
}

/** A staff member's refund, for the app's staff audit log (community/staff-actions.ts). */
export interface StaffRefund {
  app: MarketApp;
  actor_user_id: string;
  action: 'purchase.refunded';
  subject_user_id: string;
  reason: string;
  details: Record<string, unknown>;
}

/** What an app tells the marketplace about itself and the items it sells. */
export interface MarketAdapter<Kind extends string, Row extends ListingRowBase, Preview, Item> {
  /** The app (keys of transfers, staff domain, audit entries). */
  app: MarketApp;
  /** How people know the app, for messages ("Credits cannot be reached from …"). */
  appName: string;
  /** The kinds of item this app sells. */
  kinds: readonly Kind[];
  /** A listed item in words, for messages ("This cookbook has a listing already"). */
  itemWord: (kind: Kind) => string;
  db: Database;
  logger: Logger;
  now(): Date;
  /** Identity's client (credits, staff roles, names), or undefined when it is not reachable here. */
  identity(): MarketIdentity | undefined;
  /** Writes a refund's staff audit entry in the app's outbox, inside the refund's transaction. */
  enqueueStaffAction(tx: Queryable, action: StaffRefund, at: Date): Promise<void>;
  /** The app's tables as the shared SQL reads them. */
  sql: MarketSql;
  /** The seller id an erased seller's sales carry (besides null), named by no one. */
  erasedSellerId?: string;
  /** The line of the buyer's credit history. */
  transferReason(title: string): string;
  /** The item's "not found" (someone else's item, a missing one, a malformed id). */
  itemNotFound(kind: Kind): AppError;
  /**
   * Inside the listing's transaction: the seller's item of this kind may be sold (else the app's
   * error), locked as the app needs; answers its name, the listing's default title.
   */
  checkSellable(tx: Queryable, sellerId: string, kind: Kind, itemId: string): Promise<{ name: string }>;
  /** What anyone signed in sees of the item before buying it. */
  previewOf(row: Row): Preview;
  /** The item for its seller and buyers. */
  itemOf(row: Row): Item;
  /**
   * More of a purchase the app shows (HowToCookAtHome: the book's id): to its buyer and seller
   * once paid, and to staff in the console's report, pending purchases too.
   */
  purchaseExtras?(row: PurchaseRow): Record<string, unknown>;
  /**
   * How old a pending purchase must be before the sweep finishes it and the console counts it
   * stuck (CALOS_MARKET_PENDING_GRACE_SECONDS); default PENDING_GRACE_MS.
   */
  pendingGraceMs?: number;
}

export interface ListingInput {
  item_kind: string;
  item_id: string;
  price: number;
  title?: string;
  summary?: string;
}

export interface ListingPatch {
  price?: number;
  title?: string;
  summary?: string;
  is_listed?: boolean;
}

export interface ListQuery {
  scope?: 'listed' | 'mine';
  kind?: string;
  q?: string;
  price_max?: number;
  limit?: number;
  cursor?: string;
}

export interface PageQuery {
  limit?: number;
  cursor?: string;
}

export interface ListingView<Kind, Preview, Item> {
  listing_id: string;
  item_kind: Kind;
  title: string;
  summary: string;
  price: number;
  is_listed: boolean;
  is_mine: boolean;
  is_purchased: boolean;
  sales: number;
  preview: Preview;
  /** Only for the seller and buyers (null for everyone else). */
  item: Item | null;
  created_at: Date;
  updated_at: Date;
}

export interface PurchaseView<Kind> {
  purchase_id: string;
  /** refunded: given back (by staff, or by itself when its item went before it was paid). */
  status: 'completed' | 'refunded';
  listing_id: string | null;
  item_kind: Kind;
  title: string;
  price: number;
  fee: number;
  /** What the seller received: price − fee. */
  seller_received: number;
  transfer_id: string;
  created_at: Date;
  refunded_at: Date | null;
}

/** Where a purchase's item is read from: the seller's item, or the buyer's copy once it is gone. */
export type ItemSource = 'listing' | 'copy';

export interface PurchaseDetails<Kind, Item> extends PurchaseView<Kind> {
  item: Item | null;
  item_source: ItemSource | null;
}

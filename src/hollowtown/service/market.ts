// Hollowtown's marketplace: owners list their haunted-house plans and costume ideas for a price
// in credits; anyone signed in browses the listings and their public preview; a buyer pays
// through identity's credit transfer and then reads the full item.
//
// A purchase runs as steps, each safe to repeat: (1) record it here as pending under the buyer's
// Idempotency-Key (one purchase per buyer and key, and per buyer and listing); (2) identity's
// transfer under the same key, which moves the credits at most once; (3) mark it completed.
// When identity refuses the transfer (402 and the like) nothing was paid: step 1 is undone. When
// identity cannot be reached the purchase stays pending, and a retry with the same key finishes
// it without paying twice. Payouts of earned credits to money are out of scope.
import { enqueueStaffAction } from '../../community/staff-actions.ts';
import type { CreditTransfer, IdentityClient } from '../../identity/client.ts';
import { type CachedStaffRoles, cachedStaffRoles } from '../../platform/auth/staff.ts';
import { AppError } from '../../platform/errors.ts';
import { isIdempotencyKey } from '../../platform/http/idempotency.ts';
import { toPage } from '../../platform/http/pagination.ts';
import type { Ingredient } from '../client.ts';
import type { HollowtownDeps } from '../deps.ts';
import { MarketErrors } from '../errors.ts';
import {
  completePurchase,
  deletePendingPurchase,
  findBuyerPurchase,
  findListing,
  findOwnItem,
  findPurchase,
  findPurchaseByKey,
  findPurchaseOfListing,
  insertListing,
  insertPendingPurchase,
  type ListingRow,
  listListings,
  listPurchases,
  listStalePendingPurchases,
  type MarketItemKind,
  marketTotals,
  markPurchaseRefunded,
  type PurchaseRow,
  recentPurchases,
  sellerTotals,
  updateListing,
} from '../store/market.ts';
import { enqueueEvent } from '../store/outbox.ts';
import type { Prop } from '../store/plans.ts';
import { cleanName, decodeTimeCursor, isUuid } from './common.ts';

/** How old a pending purchase must be before the sweep finishes it (a live request had its go). */
export const PENDING_GRACE_MS = 2 * 60_000;

export interface ListingInput {
  item_kind: MarketItemKind;
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

/** What anyone signed in sees of a listed item before buying it. */
export type ListingPreview =
  | { item_kind: 'plan'; room_name: string; scare_level: number; props_count: number; steps_count: number }
  | {
      item_kind: 'costume';
      costume_name: string;
      difficulty: string;
      image_url: string | null;
      tags: string[];
      materials_count: number;
    };

/** The whole item, for its seller and its buyers. */
export type ListingItem =
  | {
      item_kind: 'plan';
      plan_id: string;
      room_name: string;
      scare_level: number;
      props_needed: Prop[];
      setup_instructions: string[];
    }
  | {
      item_kind: 'costume';
      costume_id: string;
      costume_name: string;
      description: string | null;
      difficulty: string;
      materials: Ingredient[];
      cost_estimate_cents: number | null;
      image_url: string | null;
      tags: string[];
    };

export interface ListingView {
  listing_id: string;
  item_kind: MarketItemKind;
  title: string;
  summary: string;
  price: number;
  is_listed: boolean;
  is_mine: boolean;
  is_purchased: boolean;
  sales: number;
  preview: ListingPreview;
  /** Only for the seller and buyers (null for everyone else). */
  item: ListingItem | null;
  created_at: Date;
  updated_at: Date;
}

/** Where a purchase's item is read from: the seller's item, or the buyer's copy once it is gone. */
export type ItemSource = 'listing' | 'copy';

/** One purchase with the item it gives the buyer (none once refunded). */
export interface PurchaseDetails extends PurchaseView {
  item: ListingItem | null;
  item_source: ItemSource | null;
}

export interface PurchaseView {
  purchase_id: string;
  /** refunded: staff reversed it (the credits went back, the buyer's access ended). */
  status: 'completed' | 'refunded';
  listing_id: string | null;
  item_kind: MarketItemKind;
  title: string;
  price: number;
  fee: number;
  /** What the seller received: price − fee. */
  seller_received: number;
  transfer_id: string;
  created_at: Date;
  refunded_at: Date | null;
}

const previewOf = (row: ListingRow): ListingPreview =>
  row.item_kind === 'plan'
    ? {
        item_kind: 'plan',
        room_name: row.plan_room_name ?? '',
        scare_level: row.plan_scare_level ?? 1,
        props_count: row.plan_props?.length ?? 0,
        steps_count: row.plan_steps?.length ?? 0,
      }
    : {
        item_kind: 'costume',
        costume_name: row.costume_name ?? '',
        difficulty: row.costume_difficulty ?? 'easy',
        image_url: row.costume_image_url,
        tags: row.costume_tags ?? [],
        materials_count: row.costume_materials?.length ?? 0,
      };

const itemOf = (row: ListingRow): ListingItem =>
  row.item_kind === 'plan'
    ? {
        item_kind: 'plan',
        plan_id: row.item_id,
        room_name: row.plan_room_name ?? '',
        scare_level: row.plan_scare_level ?? 1,
        props_needed: row.plan_props ?? [],
        setup_instructions: row.plan_steps ?? [],
      }
    : {
        item_kind: 'costume',
        costume_id: row.item_id,
        costume_name: row.costume_name ?? '',
        description: row.costume_description,
        difficulty: row.costume_difficulty ?? 'easy',
        materials: row.costume_materials ?? [],
        cost_estimate_cents: row.costume_cost_cents,
        image_url: row.costume_image_url,
        tags: row.costume_tags ?? [],
      };

function toListingView(row: ListingRow, viewerId: string): ListingView {
  const isMine = row.seller_id === viewerId;
  return {
    listing_id: row.listing_id,
    item_kind: row.item_kind,
    title: row.title,
    summary: row.summary,
    price: row.price,
    is_listed: row.is_listed,
    is_mine: isMine,
    is_purchased: row.is_purchased,
    sales: row.sales,
    preview: previewOf(row),
    item: isMine || row.is_purchased ? itemOf(row) : null,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

const toPurchaseView = (row: PurchaseRow): PurchaseView => ({
  purchase_id: row.purchase_id,
  status: row.status === 'refunded' ? 'refunded' : 'completed',
  listing_id: row.listing_id,
  item_kind: row.item_kind,
  title: row.title,
  price: row.price,
  fee: row.fee ?? 0,
  seller_received: row.price - (row.fee ?? 0),
  transfer_id: row.transfer_id ?? '',
  created_at: row.created_at,
  refunded_at: row.refunded_at,
});

export function createMarketService(deps: HollowtownDeps) {
  const { db } = deps;
  const identity = () => {
    if (!deps.clients.has('identity')) throw MarketErrors.paymentsUnavailable();
    return deps.clients.get<IdentityClient>('identity');
  };
  // On the service's clock; staff.changed from identity drops an account's roles at once.
  const staffRoles = cachedStaffRoles((userId) => identity().staffRolesOf(userId), {
    nowMs: () => deps.now().getTime(),
  });

  /** A listing the viewer may see: listed, or theirs, or bought by them. Else 404. */
  async function visibleListing(viewerId: string, listingId: string): Promise<ListingRow> {
    const row = isUuid(listingId) ? await findListing(db, listingId, viewerId) : undefined;
    if (!row || !(row.is_listed || row.seller_id === viewerId || row.is_purchased))
      throw MarketErrors.listingNotFound();
    return row;
  }

  /** Steps 2 and 3 of a purchase: pay through identity, then mark it paid (or undo step 1). */
  async function pay(purchase: PurchaseRow): Promise<PurchaseRow> {
    // The database keeps the seller of every pending purchase (migration 065).
    const sellerId = purchase.seller_id;
    if (!sellerId) throw new Error('a pending purchase without its seller');
    let transfer: CreditTransfer;
    try {
      transfer = await identity().credits.transfer({
        fromUserId: purchase.buyer_id,
        toUserId: sellerId,
        amount: purchase.price,
        idempotencyKey: `hollowtown:market:${purchase.idempotency_key}`,
        reference: `hollowtown:listing:${purchase.listing_id}`,
        reason: `Hollowtown market: ${purchase.title}`.slice(0, 200),
      });
    } catch (error) {
      // Identity answered and refused: nothing was paid, so the purchase goes and may be tried
      // again. Anything else (unreachable, 5xx) leaves it pending for a retry to finish.
      if (error instanceof AppError && error.status < 500)
        await deletePendingPurchase(db, purchase.purchase_id);
      throw error;
    }
    const paid = { transferId: transfer.transferId, fee: transfer.fee };
    const done = await completePurchase(db, purchase.purchase_id, paid, deps.now());
    if (done) return done;
    // A concurrent request under the same key was refused and took the record back, then this
    // one was paid (the balance grew meanwhile): record the purchase again, as paid. Its listing
    // may be gone by now (the seller's erasure): then it is recorded without one, as a purchase
    // whose listing went is, and staff can refund it.
    const again = await insertPendingPurchase(db, {
      listing: { ...purchase, seller_id: sellerId },
      listingMayBeGone: true,
      buyerId: purchase.buyer_id,
      idempotencyKey: purchase.idempotency_key,
      at: purchase.created_at,
    });
    const recorded = again && (await completePurchase(db, again.purchase_id, paid, deps.now()));
    if (!recorded) throw new Error('a paid purchase could not be recorded');
    return recorded;
  }

  return {
    /**
     * Finishes purchases left pending when identity could not be reached midway (the buyer never
     * came back with the same key): identity's transfer under the purchase's key runs again, and
     * pays at most once, so a purchase whose transfer went through is completed and one that was
     * never paid is paid now. Identity refusing it (the balance no longer holds it) removes the
     * purchase, as when refused at once; identity still unreachable leaves it for the next round.
     * Only purchases older than `graceMs`, so a request still paying is not raced.
     */
    async settlePendingPurchases(
      graceMs = PENDING_GRACE_MS,
      limit = 100,
    ): Promise<{ completed: number; failed: number; pending: number }> {
      const stale = await listStalePendingPurchases(db, new Date(deps.now().getTime() - graceMs), limit);
      const outcome = { completed: 0, failed: 0, pending: 0 };
      for (const purchase of stale) {
        try {
          await pay(purchase);
          outcome.completed++;
        } catch (error) {
          if (error instanceof AppError && error.status < 500) {
            outcome.failed++;
            deps.logger.warn(
              { purchaseId: purchase.purchase_id, code: error.code },
              'pending marketplace purchase refused by identity: removed',
            );
          } else outcome.pending++;
        }
      }
      return outcome;
    },

    /**
     * Staff roles through identity, cached: the guard of refunds and of Hollowtown's whole
     * console; the service's consumer of identity's events hands it staff.changed.
     */
    staffRoles: staffRoles as CachedStaffRoles,

    /**
     * Staff take a purchase back: identity reverses both sides of its transfer once (a repeat
     * answers the same), then the purchase is marked refunded and the buyer's access ends.
     */
    async refund(purchaseId: string, reason: string, staffUserId?: string): Promise<PurchaseView> {
      const purchase = isUuid(purchaseId) ? await findPurchase(db, purchaseId) : undefined;
      if (!purchase?.transfer_id) throw MarketErrors.purchaseNotFound();
      if (purchase.status === 'refunded') return toPurchaseView(purchase);
      await identity().credits.refundTransfer({
        transferId: purchase.transfer_id,
        idempotencyKey: `hollowtown:market-refund:${purchase.purchase_id}`,
        reason: reason.slice(0, 200),
      });
      // Marked refunded together with its entries for the staff audit log and the security log
      // of both people it concerns (an erased seller's sales name nobody): the outbox hands them
      // to identity, so identity being away now loses none, and a repeated refund (which answers
      // above) writes none again.
      const why = reason.slice(0, 200);
      const refunded = await db.transaction(async (tx) => {
        const at = deps.now();
        const marked = await markPurchaseRefunded(tx, purchase.purchase_id, why, at);
        if (marked.isNew && staffUserId)
          for (const subject of [purchase.buyer_id, purchase.seller_id].filter((id) => id !== null))
            await enqueueStaffAction(
              enqueueEvent,
              tx,
              {
                app: 'hollowtown',
                actor_user_id: staffUserId,
                action: 'purchase.refunded',
                subject_user_id: subject,
                reason: why,
                details: { purchase_id: purchase.purchase_id, title: purchase.title, price: purchase.price },
              },
              at,
            );
        return marked.purchase;
      });
      if (!refunded) throw MarketErrors.purchaseNotFound();
      return toPurchaseView(refunded);
    },

    /** The operator console's report: totals by kind since a time and the purchases behind them. */
    async report(since: Date, limit: number) {
      const [totals, purchases] = await Promise.all([
        marketTotals(db, since),
        recentPurchases(db, since, limit),
      ]);
      const people = new Map<string, string | null>();
      for (const id of new Set(purchases.flatMap((p) => [p.buyer_id, p.seller_id])))
        if (id) people.set(id, (await identity().findUser({ userId: id }))?.username ?? null);
      return {
        since,
        totals,
        purchases: purchases.map((p) => ({
          ...toPurchaseView(p),
          buyer: { user_id: p.buyer_id, username: people.get(p.buyer_id) ?? null },
          // An erased seller's sales name nobody.
          seller: { user_id: p.seller_id, username: p.seller_id ? (people.get(p.seller_id) ?? null) : null },
        })),
      };
    },

    async create(sellerId: string, input: ListingInput): Promise<ListingView> {
      const owned = isUuid(input.item_id)
        ? await findOwnItem(db, sellerId, input.item_kind, input.item_id)
        : undefined;
      if (!owned) throw MarketErrors.itemNotFound(input.item_kind);
      // Free or for sale, not both: what buyers pay for must not be readable by everyone.
      if (owned.is_published) throw MarketErrors.planPublished();
      const listingId = await insertListing(db, {
        sellerId,
        kind: input.item_kind,
        itemId: input.item_id,
        title: input.title === undefined ? owned.name.slice(0, 200) : cleanName('body.title', input.title),
        summary: input.summary?.trim() ?? '',
        price: input.price,
        at: deps.now(),
      });
      if (!listingId) throw MarketErrors.alreadyListed();
      return toListingView(await visibleListing(sellerId, listingId), sellerId);
    },

    async get(viewerId: string, listingId: string): Promise<ListingView> {
      return toListingView(await visibleListing(viewerId, listingId), viewerId);
    },

    async update(sellerId: string, listingId: string, patch: ListingPatch): Promise<ListingView> {
      const changed =
        isUuid(listingId) &&
        (await db.transaction(async (tx) => {
          const done = await updateListing(
            tx,
            sellerId,
            listingId,
            {
              title: patch.title === undefined ? undefined : cleanName('body.title', patch.title),
              summary: patch.summary?.trim(),
              price: patch.price,
              is_listed: patch.is_listed,
            },
            deps.now(),
          );
          // Listed again after the plan was published meanwhile: free or for sale, not both.
          if (done && patch.is_listed === true) {
            const listing = await findListing(tx, listingId, sellerId);
            if (
              listing?.item_kind === 'plan' &&
              (await findOwnItem(tx, sellerId, 'plan', listing.item_id))?.is_published
            )
              throw MarketErrors.planPublished();
          }
          return done;
        }));
      if (!changed) throw MarketErrors.listingNotFound();
      return toListingView(await visibleListing(sellerId, listingId), sellerId);
    },

    async list(
      viewerId: string,
      query: {
        scope?: 'listed' | 'mine';
        kind?: MarketItemKind;
        q?: string;
        price_max?: number;
        limit?: number;
        cursor?: string;
      },
    ) {
      const limit = query.limit ?? 20;
      const rows = await listListings(db, {
        viewerId,
        sellerId: query.scope === 'mine' ? viewerId : undefined,
        kind: query.kind,
        q: query.q,
        priceMax: query.price_max,
        after: decodeTimeCursor(query.cursor),
        limit: limit + 1,
      });
      return toPage(
        rows,
        limit,
        (row) => toListingView(row, viewerId),
        (row) => ({ t: row.cursor_at, id: row.listing_id }),
      );
    },

    /**
     * Buys a listing once: `created` is false when this answers an earlier purchase under the
     * same key (a retry), which pays nothing more.
     */
    async purchase(
      buyerId: string,
      listingId: string,
      idempotencyKey: string | undefined,
    ): Promise<{ purchase: PurchaseView; created: boolean }> {
      if (!isIdempotencyKey(idempotencyKey)) throw MarketErrors.idempotencyKeyRequired();
      if (!isUuid(listingId)) throw MarketErrors.listingNotFound();
      let purchase = await findPurchaseByKey(db, buyerId, idempotencyKey);
      if (!purchase) {
        const listing = await findListing(db, listingId, buyerId);
        if (!listing || !(listing.is_listed || listing.seller_id === buyerId))
          throw MarketErrors.listingNotFound();
        if (listing.seller_id === buyerId) throw MarketErrors.ownListing();
        purchase =
          (await insertPendingPurchase(db, { listing, buyerId, idempotencyKey, at: deps.now() })) ??
          // Another request of this buyer got there first: under this key (a concurrent
          // retry, which this one joins), or under another key (bought already).
          (await findPurchaseByKey(db, buyerId, idempotencyKey));
        if (!purchase) {
          const earlier = await findPurchaseOfListing(db, buyerId, listingId);
          throw MarketErrors.alreadyPurchased(earlier?.purchase_id ?? null);
        }
      }
      if (purchase.listing_id !== listingId) throw MarketErrors.idempotencyKeyReused();
      if (purchase.status !== 'pending') return { purchase: toPurchaseView(purchase), created: false };
      // Pending: this request's own, or a concurrent or interrupted one under the same key,
      // which identity's transfer (same key) pays at most once.
      return { purchase: toPurchaseView(await pay(purchase)), created: true };
    },

    async purchases(buyerId: string, query: { limit?: number; cursor?: string }) {
      const limit = query.limit ?? 20;
      const rows = await listPurchases(db, {
        role: 'buyer',
        userId: buyerId,
        after: decodeTimeCursor(query.cursor),
        limit: limit + 1,
      });
      return toPage(rows, limit, toPurchaseView, (row) => ({ t: row.cursor_at, id: row.purchase_id }));
    },

    /**
     * One of the buyer's purchases with its item: the seller's item while it exists (so the
     * seller's fixes reach the buyer), the buyer's copy once the seller's account was erased;
     * none once refunded. Anyone else's purchase answers 404.
     */
    async purchaseDetails(buyerId: string, purchaseId: string): Promise<PurchaseDetails> {
      const purchase = isUuid(purchaseId) ? await findBuyerPurchase(db, buyerId, purchaseId) : undefined;
      if (!purchase) throw MarketErrors.purchaseNotFound();
      const view = toPurchaseView(purchase);
      if (purchase.status !== 'completed') return { ...view, item: null, item_source: null };
      const listing = purchase.listing_id ? await findListing(db, purchase.listing_id, buyerId) : undefined;
      if (listing) return { ...view, item: itemOf(listing), item_source: 'listing' };
      const copy = (purchase.item_snapshot as ListingItem | null) ?? null;
      return { ...view, item: copy, item_source: copy ? 'copy' : null };
    },

    /** The seller's sales, newest first, and their totals (earned = gross − fees). */
    async sales(sellerId: string, query: { limit?: number; cursor?: string }) {
      const limit = query.limit ?? 20;
      const rows = await listPurchases(db, {
        role: 'seller',
        userId: sellerId,
        after: decodeTimeCursor(query.cursor),
        limit: limit + 1,
      });
      const totals = await sellerTotals(db, sellerId);
      return {
        ...toPage(rows, limit, toPurchaseView, (row) => ({ t: row.cursor_at, id: row.purchase_id })),
        totals: { ...totals, earned: totals.gross - totals.fees },
      };
    },
  };
}

export type MarketService = ReturnType<typeof createMarketService>;

// The recipe books marketplace: an owner lists one of their cookbooks (their own recipes only) for
// a price in credits; anyone signed in browses the listings and their public preview (the book's
// words and its recipes' names, never how they are made); a buyer pays through identity's credit
// transfer and then reads the whole book through the cookbooks API, its private recipes too (the
// cookbooks service's access hook, `buyerGrant`).
//
// A purchase runs as steps, each safe to repeat (as Hollowtown's marketplace does): (1) record it
// here as pending under the buyer's Idempotency-Key (one purchase per buyer and key, and per buyer
// and listing); (2) identity's transfer under the same key, which moves the credits at most once;
// (3) mark it completed. When identity refuses the transfer (402 and the like) nothing was paid:
// step 1 is undone. When identity cannot be reached the purchase stays pending, and a retry with
// the same key, or the housekeeping sweep, finishes it without paying twice.
import { enqueueStaffAction } from '../../community/staff-actions.ts';
import type { CreditTransfer, IdentityClient } from '../../identity/client.ts';
import { type CachedStaffRoles, cachedStaffRoles } from '../../platform/auth/staff.ts';
import { AppError } from '../../platform/errors.ts';
import { isIdempotencyKey } from '../../platform/http/idempotency.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import type { RecipesDeps } from '../deps.ts';
import { MarketErrors, RecipesErrors } from '../errors.ts';
import { countEntries, lockOwnCookbook } from '../store/cookbooks.ts';
import {
  completePurchase,
  deletePendingPurchase,
  findListing,
  findPurchase,
  findPurchaseByKey,
  findPurchaseOfListing,
  hasBoughtCookbook,
  insertListing,
  insertPendingPurchase,
  type ListingRow,
  listListings,
  listPurchases,
  listStalePendingPurchases,
  lockOwnListing,
  marketTotals,
  markPurchaseRefunded,
  othersRecipesIn,
  type PreviewRecipe,
  type PurchaseRow,
  recentPurchases,
  sellerTotals,
  updateListing,
} from '../store/market.ts';
import { enqueueEvent } from '../store/outbox.ts';
import { DELETED_USER_ID } from '../store/users.ts';
import type { CookbookGrant } from './cookbooks.ts';
import { isCreatedCursor, isUuid } from './ids.ts';

/** How old a pending purchase must be before the sweep finishes it (a live request had its go). */
export const PENDING_GRACE_MS = 2 * 60_000;
/** Words a search may have. */
const MAX_SEARCH_WORDS = 10;

export interface ListingInput {
  cookbook_id: string;
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

/** What anyone signed in sees of a listed book before buying it. */
export interface ListingPreview {
  item_kind: 'cookbook';
  cookbook_title: string;
  description: string | null;
  recipe_count: number;
  recipes: PreviewRecipe[];
}

export interface ListingView {
  listing_id: string;
  item_kind: 'cookbook';
  title: string;
  summary: string;
  price: number;
  is_listed: boolean;
  is_mine: boolean;
  is_purchased: boolean;
  sales: number;
  preview: ListingPreview;
  /** The book itself (read it through /api/cookbooks/:id): for the seller and buyers, else null. */
  item: { item_kind: 'cookbook'; cookbook_id: string } | null;
  created_at: Date;
  updated_at: Date;
}

export interface PurchaseView {
  purchase_id: string;
  /** refunded: staff reversed it (the credits went back, the buyer's access ended). */
  status: 'completed' | 'refunded';
  listing_id: string | null;
  item_kind: 'cookbook';
  /** The book bought, while its listing exists (read it through /api/cookbooks/:id). */
  cookbook_id: string | null;
  title: string;
  price: number;
  fee: number;
  /** What the seller received: price − fee. */
  seller_received: number;
  transfer_id: string;
  created_at: Date;
  refunded_at: Date | null;
}

function toListingView(row: ListingRow, viewerId: string): ListingView {
  const isMine = row.seller_id === viewerId;
  return {
    listing_id: row.listing_id,
    item_kind: 'cookbook',
    title: row.title,
    summary: row.summary,
    price: row.price,
    is_listed: row.is_listed,
    is_mine: isMine,
    is_purchased: row.is_purchased,
    sales: row.sales,
    preview: {
      item_kind: 'cookbook',
      cookbook_title: row.cookbook_title,
      description: row.cookbook_description,
      recipe_count: row.recipes.length,
      recipes: row.recipes,
    },
    item: isMine || row.is_purchased ? { item_kind: 'cookbook', cookbook_id: row.cookbook_id } : null,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

const toPurchaseView = (row: PurchaseRow): PurchaseView => ({
  purchase_id: row.purchase_id,
  status: row.status === 'refunded' ? 'refunded' : 'completed',
  listing_id: row.listing_id,
  item_kind: 'cookbook',
  cookbook_id: row.status === 'completed' ? row.cookbook_id : null,
  title: row.title,
  price: row.price,
  fee: row.fee ?? 0,
  seller_received: row.price - (row.fee ?? 0),
  transfer_id: row.transfer_id ?? '',
  created_at: row.created_at,
  refunded_at: row.refunded_at,
});

function cleanTitle(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) throw RecipesErrors.invalidInput('body.title must not be blank', [{ field: 'body.title' }]);
  return trimmed;
}

/** The cookbooks service's access hook: a buyer of a book (paid, not refunded) reads all of it. */
export const buyerGrant =
  (deps: Pick<RecipesDeps, 'db'>): CookbookGrant =>
  (viewerId, cookbookId) =>
    hasBoughtCookbook(deps.db, viewerId, cookbookId);

export function createMarketService(deps: RecipesDeps) {
  const { db } = deps;
  const identity = (): IdentityClient => {
    const client = deps.identity?.();
    if (!client) throw MarketErrors.paymentsUnavailable();
    return client;
  };
  // Without identity in reach nobody is staff here (403, not 500).
  // On the service's clock; staff.changed from identity drops an account's roles at once.
  const staffRoles = cachedStaffRoles(async (userId) => deps.identity?.()?.staffRolesOf(userId) ?? [], {
    nowMs: () => deps.now().getTime(),
  });

  /** A listing the viewer may see: listed, or theirs, or bought by them. Else 404. */
  async function visibleListing(viewerId: string, listingId: string): Promise<ListingRow> {
    const row = isUuid(listingId) ? await findListing(db, listingId, viewerId) : undefined;
    if (!row || !(row.is_listed || row.seller_id === viewerId || row.is_purchased))
      throw MarketErrors.listingNotFound();
    return row;
  }

  /** What a book must be to be on sale: not public, not empty, all the seller's own recipes. */
  async function checkSellable(tx: typeof db, sellerId: string, cookbookId: string, isPublic: boolean) {
    if (isPublic) throw MarketErrors.cookbookPublic();
    if ((await countEntries(tx, cookbookId)) === 0) throw MarketErrors.cookbookEmpty();
    const others = await othersRecipesIn(tx, cookbookId, sellerId);
    if (others.length > 0) throw MarketErrors.othersRecipes(others);
  }

  /** Steps 2 and 3 of a purchase: pay through identity, then mark it paid (or undo step 1). */
  async function pay(purchase: PurchaseRow): Promise<PurchaseRow> {
    let transfer: CreditTransfer;
    try {
      transfer = await identity().credits.transfer({
        fromUserId: purchase.buyer_id,
        toUserId: purchase.seller_id,
        amount: purchase.price,
        idempotencyKey: `recipes:market:${purchase.idempotency_key}`,
        reference: `recipes:listing:${purchase.listing_id}`,
        reason: `HowToCookAtHome recipe book: ${purchase.title}`.slice(0, 200),
      });
    } catch (error) {
      // Identity answered and refused: nothing was paid, so the purchase goes and may be tried
      // again. Anything else (unreachable, 5xx) leaves it pending for a retry or the sweep.
      if (error instanceof AppError && error.status < 500)
        await deletePendingPurchase(db, purchase.purchase_id);
      throw error;
    }
    const paid = { transferId: transfer.transferId, fee: transfer.fee };
    const done = await completePurchase(db, purchase.purchase_id, paid, deps.now());
    if (done) return done;
    // A concurrent request under the same key was refused and took the record back, then this
    // one was paid (the balance grew meanwhile): record the purchase again, as paid. Its listing
    // may be gone by now (the seller's erasure): then it is recorded without one.
    const again = await insertPendingPurchase(db, {
      listing: purchase,
      listingMayBeGone: true,
      buyerId: purchase.buyer_id,
      idempotencyKey: purchase.idempotency_key,
      at: purchase.created_at,
    });
    const recorded = again && (await completePurchase(db, again.purchase_id, paid, deps.now()));
    if (!recorded) throw new Error('a paid purchase could not be recorded');
    return recorded;
  }

  const pageOfPurchases = async (role: 'buyer' | 'seller', userId: string, query: PageQuery) => {
    const limit = query.limit ?? 20;
    const rows = await listPurchases(db, {
      role,
      userId,
      after: decodeCursor(query.cursor, isCreatedCursor),
      limit: limit + 1,
    });
    return toPage(rows, limit, toPurchaseView, (row) => ({ at: row.cursor_at, id: row.purchase_id }));
  };

  return {
    /** Who may refund (HowToCookAtHome's admin and support staff), for the route's guard. */
    staffRoles: staffRoles as CachedStaffRoles,

    /**
     * Finishes purchases left pending when identity could not be reached midway (the buyer never
     * came back with the same key): identity's transfer under the purchase's key runs again and
     * pays at most once, so one whose transfer went through is completed and one never paid is
     * paid now. Identity refusing it removes the purchase, as when refused at once; identity still
     * unreachable leaves it for the next round. Only purchases older than `graceMs`, so a request
     * still paying is not raced.
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
              'pending recipe book purchase refused by identity: removed',
            );
          } else outcome.pending++;
        }
      }
      return outcome;
    },

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
        idempotencyKey: `recipes:market-refund:${purchase.purchase_id}`,
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
          for (const subject of [purchase.buyer_id, purchase.seller_id].filter(
            (id) => id !== DELETED_USER_ID,
          ))
            await enqueueStaffAction(
              enqueueEvent,
              tx,
              {
                app: 'recipes',
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

    /** The operator console's report: totals since a time and the purchases behind them. */
    async report(since: Date, limit: number) {
      const [totals, purchases] = await Promise.all([
        marketTotals(db, since),
        recentPurchases(db, since, limit),
      ]);
      const people = new Map<string, string | null>();
      for (const id of new Set(purchases.flatMap((p) => [p.buyer_id, p.seller_id])))
        people.set(id, (await identity().findUser({ userId: id }))?.username ?? null);
      return {
        since,
        totals: [{ item_kind: 'cookbook', ...totals }],
        purchases: purchases.map((p) => ({
          ...toPurchaseView(p),
          buyer: { user_id: p.buyer_id, username: people.get(p.buyer_id) ?? null },
          seller: { user_id: p.seller_id, username: people.get(p.seller_id) ?? null },
        })),
      };
    },

    async create(sellerId: string, input: ListingInput): Promise<ListingView> {
      if (!isUuid(input.cookbook_id)) throw RecipesErrors.cookbookNotFound();
      const title = input.title === undefined ? undefined : cleanTitle(input.title);
      const listingId = await db.transaction(async (tx) => {
        // Locked: a change of its visibility or recipes waits for this listing, and sees it.
        const cookbook = await lockOwnCookbook(tx, sellerId, input.cookbook_id);
        if (!cookbook) throw RecipesErrors.cookbookNotFound();
        await checkSellable(
          tx as typeof db,
          sellerId,
          cookbook.cookbook_id,
          cookbook.visibility === 'public',
        );
        const id = await insertListing(tx, {
          sellerId,
          cookbookId: cookbook.cookbook_id,
          title: title ?? cookbook.title,
          summary: input.summary?.trim() ?? '',
          price: input.price,
          at: deps.now(),
        });
        if (!id) throw MarketErrors.alreadyListed();
        return id;
      });
      return toListingView(await visibleListing(sellerId, listingId), sellerId);
    },

    async get(viewerId: string, listingId: string): Promise<ListingView> {
      return toListingView(await visibleListing(viewerId, listingId), viewerId);
    },

    async update(sellerId: string, listingId: string, patch: ListingPatch): Promise<ListingView> {
      if (!isUuid(listingId)) throw MarketErrors.listingNotFound();
      const title = patch.title === undefined ? undefined : cleanTitle(patch.title);
      await db.transaction(async (tx) => {
        const listing = await lockOwnListing(tx, sellerId, listingId);
        if (!listing) throw MarketErrors.listingNotFound();
        if (patch.is_listed === true) {
          // On sale again: the book must still be what a sold book may be.
          const cookbook = await lockOwnCookbook(tx, sellerId, listing.cookbook_id);
          if (!cookbook) throw MarketErrors.listingNotFound();
          await checkSellable(
            tx as typeof db,
            sellerId,
            cookbook.cookbook_id,
            cookbook.visibility === 'public',
          );
        }
        await updateListing(
          tx,
          listingId,
          { title, summary: patch.summary?.trim(), price: patch.price, is_listed: patch.is_listed },
          deps.now(),
        );
      });
      return toListingView(await visibleListing(sellerId, listingId), sellerId);
    },

    async list(
      viewerId: string,
      query: { scope?: 'listed' | 'mine'; q?: string; price_max?: number; limit?: number; cursor?: string },
    ) {
      const limit = query.limit ?? 20;
      const words = (query.q ?? '').trim().split(/\s+/).filter(Boolean);
      if (words.length > MAX_SEARCH_WORDS)
        throw RecipesErrors.invalidInput(`querystring.q may have at most ${MAX_SEARCH_WORDS} words`, [
          { field: 'querystring.q' },
        ]);
      const rows = await listListings(db, {
        viewerId,
        sellerId: query.scope === 'mine' ? viewerId : undefined,
        words,
        priceMax: query.price_max,
        after: decodeCursor(query.cursor, isCreatedCursor),
        limit: limit + 1,
      });
      return toPage(
        rows,
        limit,
        (row) => toListingView(row, viewerId),
        (row) => ({ at: row.cursor_at, id: row.listing_id }),
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
      if (purchase.listing_id !== listingId.toLowerCase()) throw MarketErrors.idempotencyKeyReused();
      if (purchase.status !== 'pending') return { purchase: toPurchaseView(purchase), created: false };
      // Pending: this request's own, or a concurrent or interrupted one under the same key,
      // which identity's transfer (same key) pays at most once.
      return { purchase: toPurchaseView(await pay(purchase)), created: true };
    },

    /** What the buyer bought (refunded ones too), newest first. */
    purchases: (buyerId: string, query: PageQuery) => pageOfPurchases('buyer', buyerId, query),

    /** The seller's sales, newest first, and their totals (earned = gross − fees). */
    async sales(sellerId: string, query: PageQuery) {
      const [page, totals] = await Promise.all([
        pageOfPurchases('seller', sellerId, query),
        sellerTotals(db, sellerId),
      ]);
      return { ...page, totals: { ...totals, earned: totals.gross - totals.fees } };
    },
  };
}

interface PageQuery {
  limit?: number;
  cursor?: string;
}

export type MarketService = ReturnType<typeof createMarketService>;

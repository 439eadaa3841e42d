// The marketplace's mechanics, once for every app that sells its users' items for credits:
// listings and their lifecycle, browsing and search by pages, purchases paid through identity's
// credit transfer, purchases and sales with totals, staff refunds, the sweep of pending purchases
// and the console's report. What is sold, and how, is the app's own: its `MarketAdapter` (the
// kinds of item, how to check, show and keep one, its database, clients and outbox).
//
// A purchase runs as steps, each safe to repeat: (1) record it as pending under the buyer's
// Idempotency-Key (one purchase per buyer and key, and per buyer and listing); (2) identity's
// transfer under the same key, which moves the credits at most once; (3) mark it completed. When
// identity refuses the transfer (402 and the like) nothing was paid: step 1 is undone. When
// identity cannot be reached the purchase stays pending, and a retry with the same key, or the
// housekeeping sweep, finishes it without paying twice. A purchase paid when its item can no
// longer be given (the item went while it was pending) is given back at once: the buyer never
// holds a paid-for nothing. Payouts of earned credits to money are out of scope. The contract
// with the apps (adapter, shapes) is adapter.ts.
import { type CachedStaffRoles, cachedStaffRoles } from '../auth/staff.ts';
import { MARKET_PENDING_GRACE } from '../config.ts';
import { AppError } from '../errors.ts';
import { isIdempotencyKey } from '../http/idempotency.ts';
import { keyset, pageFilters, TIME_KEY } from '../http/pagination.ts';
import { isUuid } from '../ids.ts';
import type {
  ListingInput,
  ListingPatch,
  ListingView,
  ListQuery,
  MarketAdapter,
  MarketIdentity,
  PageQuery,
  PurchaseDetails,
  PurchaseView,
  Transfer,
} from './adapter.ts';
import { MarketErrors } from './errors.ts';
import { findListing, insertListing, listListings, lockOwnListing, updateListing } from './store/listings.ts';
import {
  completePurchase,
  deletePendingPurchase,
  findBuyerPurchase,
  findPurchase,
  findPurchaseByKey,
  findPurchaseOfListing,
  insertPendingPurchase,
  listPaidWithoutItem,
  listPurchases,
  listStalePendingPurchases,
  listStuckPurchases,
  marketTotals,
  markPurchaseRefunded,
  recentPurchases,
  recordFailedAttempt,
  sellerTotals,
} from './store/purchases.ts';
import type { ListingRowBase, PurchaseRow } from './store/tables.ts';

/** Identity's answer to a transfer key it holds for another payee, amount or reference. */
const TRANSFER_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED';
/**
 * How old a pending purchase must be before the sweep finishes it (a live request had its go) and
 * the console counts it stuck, unless the app says otherwise (CALOS_MARKET_PENDING_GRACE_SECONDS).
 */
export const PENDING_GRACE_MS = MARKET_PENDING_GRACE.defaultSeconds * 1000;
/**
 * After an attempt to pay leaves a purchase pending, the sweep waits this long before the next,
 * twice as long after each further failure, and at most RETRY_MAX_MS: a purchase identity keeps
 * refusing to confirm (409) is tried and logged once an hour, not every round forever.
 */
export const RETRY_BASE_MS = 5 * 60_000;
export const RETRY_MAX_MS = 60 * 60_000;
/** Words a search may have. */
export const MAX_SEARCH_WORDS = 10;
/** Why a purchase was given back by itself: what the buyer reads in their purchases. */
export const ITEM_GONE_REASON = 'The item was deleted before the purchase was paid: the credits went back';

export function createMarketplace<Kind extends string, Row extends ListingRowBase, Preview, Item>(
  adapter: MarketAdapter<Kind, Row, Preview, Item>,
) {
  const { db, sql, app } = adapter;
  const pendingGraceMs = adapter.pendingGraceMs ?? PENDING_GRACE_MS;
  type Purchase = PurchaseView<Kind>;
  const identity = (): MarketIdentity => {
    const client = adapter.identity();
    if (!client) throw MarketErrors.paymentsUnavailable(adapter.appName);
    return client;
  };
  // Without identity in reach nobody is staff here (403, not 500). On the service's clock;
  // staff.changed from identity drops an account's roles at once.
  const staffRoles = cachedStaffRoles(
    async (userId) => (await adapter.identity()?.staffRolesOf(userId)) ?? [],
    {
      nowMs: () => adapter.now().getTime(),
    },
  );
  const isPerson = (id: string | null): id is string => id !== null && id !== adapter.erasedSellerId;
  // Each list's cursors name it: a purchases cursor on the sales is 400 INVALID_CURSOR, and a
  // listings cursor is bound to the filters it was made with.
  const cursors = {
    listings: keyset(`${app}.market.listings`, TIME_KEY),
    buyer: keyset(`${app}.market.purchases`, TIME_KEY),
    seller: keyset(`${app}.market.sales`, TIME_KEY),
  };

  function toListingView(row: Row, viewerId: string): ListingView<Kind, Preview, Item> {
    const isMine = row.seller_id === viewerId;
    return {
      listing_id: row.listing_id,
      item_kind: row.item_kind as Kind,
      title: row.title,
      summary: row.summary,
      price: row.price,
      is_listed: row.is_listed,
      is_mine: isMine,
      is_purchased: row.is_purchased,
      sales: row.sales,
      preview: adapter.previewOf(row),
      item: isMine || row.is_purchased ? adapter.itemOf(row) : null,
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
  }

  const toPurchaseView = (row: PurchaseRow): Purchase => ({
    purchase_id: row.purchase_id,
    status: row.status === 'refunded' ? 'refunded' : 'completed',
    listing_id: row.listing_id,
    item_kind: row.item_kind as Kind,
    ...adapter.purchaseExtras?.(row),
    title: row.title,
    price: row.price,
    fee: row.fee ?? 0,
    seller_received: row.price - (row.fee ?? 0),
    transfer_id: row.transfer_id ?? '',
    created_at: row.created_at,
    refunded_at: row.refunded_at,
  });

  /** What a purchase's transfer names: its listing. */
  const referenceOf = (listingId: string | null) => `${app}:listing:${listingId}`;

  const isKind = (kind: string): kind is Kind => (adapter.kinds as readonly string[]).includes(kind);

  const cleanText = (field: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const trimmed = text.trim();
    if (!trimmed) throw MarketErrors.blank(field);
    return trimmed;
  };

  /** A listing the viewer may see: listed, or theirs, or bought by them. Else 404. */
  async function visibleListing(viewerId: string, listingId: string): Promise<Row> {
    const row = isUuid(listingId) ? await findListing<Row>(db, sql, listingId, viewerId) : undefined;
    if (!row || !(row.is_listed || row.seller_id === viewerId || row.is_purchased))
      throw MarketErrors.listingNotFound();
    return row;
  }

  /** Whether paying failed in a way that leaves the purchase pending (not refused outright). */
  const leftPending = (error: unknown) =>
    !(error instanceof AppError && error.status < 500 && error.code !== TRANSFER_KEY_REUSED);

  /**
   * Steps 2 and 3 of a purchase: pay through identity, then mark it paid (or undo step 1). A
   * purchase whose item can no longer be given once paid is given back at once.
   */
  async function pay(purchase: PurchaseRow): Promise<PurchaseRow> {
    // The database keeps the seller of every pending purchase.
    const sellerId = purchase.seller_id;
    if (!sellerId) throw new Error('a pending purchase without its seller');
    // The reference it was recorded with: its listing may have gone since (listing_id NULL).
    const reference = purchase.transfer_reference ?? referenceOf(purchase.listing_id);
    let transfer: Transfer;
    try {
      transfer = await identity().credits.transfer({
        fromUserId: purchase.buyer_id,
        toUserId: sellerId,
        amount: purchase.price,
        idempotencyKey: `${app}:market:${purchase.idempotency_key}`,
        reference,
        reason: adapter.transferReason(purchase.title).slice(0, 200),
      });
    } catch (error) {
      // Identity answers a transfer made under this key before checking anything else (even
      // once the seller's account is erased), so a refusal (402, 404 for a seller gone) means
      // nothing was paid: the purchase goes and may be tried again. A transfer under this key
      // that does not match (409) was paid: never dropped, left pending for people to look at.
      // Anything else (unreachable, 5xx) leaves it pending for a retry or the sweep.
      if (!leftPending(error)) await deletePendingPurchase(db, purchase.purchase_id);
      throw error;
    }
    const paid = { transferId: transfer.transferId, fee: transfer.fee };
    let pending = await findPurchase(db, sql, purchase.purchase_id);
    if (!pending) {
      // A concurrent request under the same key was refused and took the record back, then this
      // one was paid (the balance grew meanwhile): record the purchase again. Its listing may be
      // gone by now; the app keeps the item for the buyer from the item itself if it is still
      // there (below: if it is not, the credits go back).
      pending =
        (await insertPendingPurchase(db, sql, {
          listingId: purchase.listing_id,
          listingMayBeGone: true,
          kind: purchase.item_kind,
          itemId: purchase.item_id,
          sellerId,
          title: purchase.title,
          price: purchase.price,
          buyerId: purchase.buyer_id,
          idempotencyKey: purchase.idempotency_key,
          transferReference: reference,
          at: purchase.created_at,
        })) ?? (await findPurchaseByKey(db, sql, purchase.buyer_id, purchase.idempotency_key));
      if (!pending) throw new Error('a paid purchase could not be recorded');
    }
    if (pending.status !== 'pending') return pending;
    const done = await completePurchase(db, sql, pending.purchase_id, paid, adapter.now());
    if (!done) throw new Error('a paid purchase could not be recorded');
    // Paid for an item that is gone: the credits go back at once. Identity away leaves it paid
    // without its item for a moment, and the sweep gives it back (settlePendingPurchases).
    return done.status === 'completed' && !done.holds_item ? giveBack(done) : done;
  }

  /**
   * A sweep's attempt to pay that left the purchase pending: counted on it with its reason and
   * the time of the next (further off after each failure), and logged once, for staff (the report
   * lists such purchases). Noting it failing must not hide why the payment failed.
   */
  async function noteFailedAttempt(purchase: PurchaseRow, error: unknown) {
    if (typeof error === 'object' && error !== null && notedFailures.has(error)) return;
    const code = error instanceof AppError ? error.code : 'INTERNAL';
    const reason = error instanceof Error ? error.message : String(error);
    const mismatch = code === TRANSFER_KEY_REUSED;
    const reference = purchase.transfer_reference ?? referenceOf(purchase.listing_id);
    try {
      const noted = await recordFailedAttempt(db, purchase.purchase_id, {
        status: 'pending',
        at: adapter.now(),
        code,
        message: reason,
        baseMs: RETRY_BASE_MS,
        maxMs: RETRY_MAX_MS,
      });
      const fields = {
        purchaseId: purchase.purchase_id,
        reference,
        code,
        reason,
        attempt: noted?.attempts,
        nextAttemptAt: noted?.next_attempt_at,
      };
      if (!noted)
        adapter.logger.warn(
          fields,
          `${app} marketplace purchase paid, but what follows failed (${code}); the next round goes on`,
        );
      else if (mismatch)
        adapter.logger.error(
          fields,
          `${app} marketplace purchase: identity holds another transfer under its key; left pending for staff`,
        );
      else adapter.logger.warn(fields, `${app} marketplace purchase not paid yet (${code}); left pending`);
    } catch (noting) {
      adapter.logger.error(
        { err: noting, purchaseId: purchase.purchase_id, code, reason },
        `${app} marketplace purchase left pending; its failed attempt could not be recorded`,
      );
    }
  }

  /**
   * Gives back a paid purchase that holds no item (the item went before it was paid): identity
   * reverses both sides once under the refund's key (an erased seller's share is the
   * platform's), then the purchase is marked refunded, saying why. A failed attempt (identity
   * away) is counted on the purchase with its reason and logged once, and the sweep tries again
   * when it is due (RETRY_BASE_MS doubling up to RETRY_MAX_MS), not every round.
   */
  async function giveBack(purchase: PurchaseRow): Promise<PurchaseRow> {
    try {
      if (!purchase.transfer_id) throw new Error('a paid purchase without its transfer');
      await identity().credits.refundTransfer({
        transferId: purchase.transfer_id,
        idempotencyKey: `${app}:market-refund:${purchase.purchase_id}`,
        reason: ITEM_GONE_REASON,
      });
      const { purchase: given } = await markPurchaseRefunded(
        db,
        sql,
        purchase.purchase_id,
        ITEM_GONE_REASON,
        adapter.now(),
      );
      if (!given) throw new Error('a purchase given back could not be recorded');
      adapter.logger.warn(
        { purchaseId: purchase.purchase_id },
        `${app} marketplace purchase paid after its item went: given back`,
      );
      return given;
    } catch (error) {
      await noteFailedGiveBack(purchase, error);
      throw error;
    }
  }

  /**
   * Failures already counted and logged where they happened (giving a purchase back), which the
   * sweep's note of a failed payment must not count or log again.
   */
  const notedFailures = new WeakSet<object>();

  /** A failed attempt to give a paid purchase back: counted on it, and logged once with why. */
  async function noteFailedGiveBack(purchase: PurchaseRow, error: unknown) {
    const code = error instanceof AppError ? error.code : 'INTERNAL';
    const reason = error instanceof Error ? error.message : String(error);
    if (typeof error === 'object' && error !== null) notedFailures.add(error);
    try {
      const noted = await recordFailedAttempt(db, purchase.purchase_id, {
        status: 'completed',
        at: adapter.now(),
        code,
        message: reason,
        baseMs: RETRY_BASE_MS,
        maxMs: RETRY_MAX_MS,
      });
      adapter.logger.warn(
        {
          purchaseId: purchase.purchase_id,
          transferId: purchase.transfer_id,
          code,
          reason,
          attempt: noted?.attempts,
          nextAttemptAt: noted?.next_attempt_at,
        },
        `${app} marketplace purchase paid after its item went, not given back yet (${code}); retried later`,
      );
    } catch (noting) {
      adapter.logger.error(
        { err: noting, purchaseId: purchase.purchase_id, code, reason },
        `${app} marketplace purchase not given back; its failed attempt could not be recorded`,
      );
    }
  }

  const pageOfPurchases = async (role: 'buyer' | 'seller', userId: string, query: PageQuery) => {
    const limit = query.limit ?? 20;
    const list = cursors[role];
    const rows = await listPurchases(db, sql, {
      role,
      userId,
      after: list.decode(query.cursor),
      limit: limit + 1,
    });
    return list.page(rows, limit, toPurchaseView, (row) => ({ at: row.cursor_at, id: row.purchase_id }));
  };

  return {
    /** Who may refund (the app's admin and support staff), for the route's guard and console. */
    staffRoles: staffRoles as CachedStaffRoles,

    /**
     * Finishes purchases left pending when identity could not be reached midway (the buyer never
     * came back with the same key): identity's transfer under the purchase's key runs again and
     * pays at most once, so one whose transfer went through is completed and one never paid is
     * paid now, under the reference it was recorded with (so also once its listing went, and
     * once its seller's account was erased: identity answers a transfer it made before checking
     * anything else). Identity refusing it (nothing paid) removes the purchase, as when refused
     * at once, and one paid whose item went meanwhile is given back (both count as failed);
     * identity still unreachable, or holding a transfer under its key that does not match,
     * leaves it pending: the failure is recorded and logged once, and the next attempt waits twice
     * as long as the last (RETRY_BASE_MS up to RETRY_MAX_MS). Only purchases older than `graceMs`
     * (the app's grace period), so a request still paying is not raced, and whose next attempt is
     * due. Giving back a paid purchase whose item went waits alike after each failure.
     */
    async settlePendingPurchases(
      graceMs = pendingGraceMs,
      limit = 100,
    ): Promise<{ completed: number; failed: number; pending: number }> {
      const now = adapter.now();
      const stale = await listStalePendingPurchases(db, sql, {
        before: new Date(now.getTime() - graceMs),
        now,
        limit,
      });
      const outcome = { completed: 0, failed: 0, pending: 0 };
      // Paid but holding no item (not given back when identity was away, or recorded so before
      // this rule): given back now when the next attempt is due; a failure is counted and logged
      // where it happens (giveBack) and the next attempt waits longer.
      for (const purchase of await listPaidWithoutItem(db, sql, { now, limit })) {
        try {
          await giveBack(purchase);
          outcome.failed++;
        } catch {
          outcome.pending++;
        }
      }
      for (const purchase of stale) {
        try {
          // Given back (its item went before it was paid): nothing paid in the end, as refused.
          if ((await pay(purchase)).status === 'refunded') outcome.failed++;
          else outcome.completed++;
        } catch (error) {
          // Paid, but not given back (its item went): counted and logged already, never removed.
          const paidNotGivenBack = typeof error === 'object' && error !== null && notedFailures.has(error);
          if (leftPending(error) || paidNotGivenBack) {
            outcome.pending++;
            await noteFailedAttempt(purchase, error);
          } else {
            outcome.failed++;
            adapter.logger.warn(
              { purchaseId: purchase.purchase_id, code: (error as AppError).code },
              `pending ${app} marketplace purchase refused by identity: removed`,
            );
          }
        }
      }
      return outcome;
    },

    /**
     * Staff take a purchase back: identity reverses both sides of its transfer once (a repeat
     * answers the same), then the purchase is marked refunded and the buyer's access ends.
     */
    async refund(purchaseId: string, reason: string, staffUserId?: string): Promise<Purchase> {
      const purchase = isUuid(purchaseId) ? await findPurchase(db, sql, purchaseId) : undefined;
      if (!purchase?.transfer_id) throw MarketErrors.purchaseNotFound();
      if (purchase.status === 'refunded') return toPurchaseView(purchase);
      await identity().credits.refundTransfer({
        transferId: purchase.transfer_id,
        idempotencyKey: `${app}:market-refund:${purchase.purchase_id}`,
        reason: reason.slice(0, 200),
      });
      // Marked refunded together with its entries for the staff audit log and the security log
      // of both people it concerns (an erased seller's sales name nobody): the outbox hands them
      // to identity, so identity being away now loses none, and a repeated refund (which answers
      // above) writes none again.
      const why = reason.slice(0, 200);
      const refunded = await db.transaction(async (tx) => {
        const at = adapter.now();
        const marked = await markPurchaseRefunded(tx, sql, purchase.purchase_id, why, at);
        if (marked.isNew && staffUserId)
          for (const subject of [purchase.buyer_id, purchase.seller_id].filter(isPerson))
            await adapter.enqueueStaffAction(
              tx,
              {
                app,
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

    /**
     * The operator console's report: totals by kind since a time and the purchases behind them,
     * and every purchase left pending past the grace period whenever it was made (the sweep keeps
     * trying; staff look at one that keeps failing), with its attempts and why the last failed.
     */
    async report(since: Date, limit: number) {
      const [totals, purchases, stuck] = await Promise.all([
        marketTotals(db, sql, since),
        recentPurchases(db, sql, since, limit),
        listStuckPurchases(db, sql, new Date(adapter.now().getTime() - pendingGraceMs), limit),
      ]);
      const everyone = [...purchases, ...stuck.purchases];
      const people = new Map<string, string | null>();
      for (const id of new Set(everyone.flatMap((p) => [p.buyer_id, p.seller_id]).filter(isPerson)))
        people.set(id, (await identity().findUser({ userId: id }))?.username ?? null);
      const parties = (p: PurchaseRow) => ({
        buyer: { user_id: p.buyer_id, username: people.get(p.buyer_id) ?? null },
        // An erased seller's sales name nobody.
        seller: { user_id: p.seller_id, username: p.seller_id ? (people.get(p.seller_id) ?? null) : null },
      });
      return {
        since,
        totals,
        purchases: purchases.map((p) => ({ ...toPurchaseView(p), ...parties(p) })),
        stuck: {
          count: stuck.count,
          purchases: stuck.purchases.map((p) => ({
            purchase_id: p.purchase_id,
            listing_id: p.listing_id,
            item_kind: p.item_kind as Kind,
            title: p.title,
            price: p.price,
            created_at: p.created_at,
            attempts: p.attempts,
            last_attempt_at: p.last_attempt_at,
            next_attempt_at: p.next_attempt_at,
            last_error_code: p.last_error_code,
            last_error: p.last_error,
            // What the app says of what is being bought (HowToCookAtHome: the book's id).
            ...adapter.purchaseExtras?.(p),
            ...parties(p),
          })),
        },
      };
    },

    async create(sellerId: string, input: ListingInput): Promise<ListingView<Kind, Preview, Item>> {
      const kind = input.item_kind;
      if (!isKind(kind)) throw MarketErrors.itemKindNotSold(kind, adapter.kinds);
      if (!isUuid(input.item_id)) throw adapter.itemNotFound(kind);
      const title = cleanText('body.title', input.title);
      const listingId = await db.transaction(async (tx) => {
        const item = await adapter.checkSellable(tx, sellerId, kind, input.item_id);
        const id = await insertListing(tx, sql, {
          sellerId,
          kind,
          itemId: input.item_id,
          title: title ?? item.name.slice(0, 200),
          summary: input.summary?.trim() ?? '',
          price: input.price,
          at: adapter.now(),
        });
        if (!id) throw MarketErrors.alreadyListed(adapter.itemWord(kind));
        return id;
      });
      return toListingView(await visibleListing(sellerId, listingId), sellerId);
    },

    async get(viewerId: string, listingId: string): Promise<ListingView<Kind, Preview, Item>> {
      return toListingView(await visibleListing(viewerId, listingId), viewerId);
    },

    async update(
      sellerId: string,
      listingId: string,
      patch: ListingPatch,
    ): Promise<ListingView<Kind, Preview, Item>> {
      if (!isUuid(listingId)) throw MarketErrors.listingNotFound();
      const title = cleanText('body.title', patch.title);
      await db.transaction(async (tx) => {
        const listing = await lockOwnListing(tx, sql, sellerId, listingId);
        if (!listing) throw MarketErrors.listingNotFound();
        // On sale again: the item must still be what an item for sale may be.
        if (patch.is_listed === true && isKind(listing.item_kind))
          await adapter.checkSellable(tx, sellerId, listing.item_kind, listing.item_id);
        await updateListing(
          tx,
          listingId,
          { title, summary: patch.summary?.trim(), price: patch.price, is_listed: patch.is_listed },
          adapter.now(),
        );
      });
      return toListingView(await visibleListing(sellerId, listingId), sellerId);
    },

    async list(viewerId: string, query: ListQuery) {
      const limit = query.limit ?? 20;
      // scope=listed is the default: its cursors and those without a scope are the same list's.
      const filters = { ...pageFilters(query), scope: query.scope === 'mine' ? 'mine' : undefined };
      const after = cursors.listings.decode(query.cursor, filters);
      const words = (query.q ?? '').trim().split(/\s+/).filter(Boolean);
      if (words.length > MAX_SEARCH_WORDS) throw MarketErrors.tooManySearchWords(MAX_SEARCH_WORDS);
      const rows = await listListings<Row>(db, sql, {
        viewerId,
        sellerId: query.scope === 'mine' ? viewerId : undefined,
        kind: query.kind,
        words,
        priceMax: query.price_max,
        after,
        limit: limit + 1,
      });
      return cursors.listings.page(
        rows,
        limit,
        (row) => toListingView(row, viewerId),
        (row) => ({ at: row.cursor_at, id: row.listing_id }),
        filters,
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
    ): Promise<{ purchase: Purchase; created: boolean }> {
      if (!isIdempotencyKey(idempotencyKey)) throw MarketErrors.idempotencyKeyRequired();
      if (!isUuid(listingId)) throw MarketErrors.listingNotFound();
      let purchase = await findPurchaseByKey(db, sql, buyerId, idempotencyKey);
      if (!purchase) {
        const listing = await findListing<Row>(db, sql, listingId, buyerId);
        if (!listing || !(listing.is_listed || listing.seller_id === buyerId))
          throw MarketErrors.listingNotFound();
        if (listing.seller_id === buyerId) throw MarketErrors.ownListing();
        purchase =
          (await insertPendingPurchase(db, sql, {
            listingId: listing.listing_id,
            kind: listing.item_kind,
            itemId: listing.item_id,
            sellerId: listing.seller_id,
            title: listing.title,
            price: listing.price,
            buyerId,
            idempotencyKey,
            transferReference: referenceOf(listing.listing_id),
            at: adapter.now(),
          })) ??
          // Another request of this buyer got there first: under this key (a concurrent
          // retry, which this one joins), or under another key (bought already).
          (await findPurchaseByKey(db, sql, buyerId, idempotencyKey));
        if (!purchase) {
          const earlier = await findPurchaseOfListing(db, sql, buyerId, listingId);
          throw MarketErrors.alreadyPurchased(earlier?.purchase_id ?? null);
        }
      }
      if (purchase.listing_id !== listingId.toLowerCase()) throw MarketErrors.idempotencyKeyReused();
      if (purchase.status !== 'pending') return { purchase: toPurchaseView(purchase), created: false };
      // Pending: this request's own, or a concurrent or interrupted one under the same key,
      // which identity's transfer (same key) pays at most once. Identity away answers the buyer
      // 503 (they may retry); a transfer under the key that does not match is for staff.
      try {
        return { purchase: toPurchaseView(await pay(purchase)), created: true };
      } catch (error) {
        if (error instanceof AppError && error.code === TRANSFER_KEY_REUSED)
          adapter.logger.error(
            { purchaseId: purchase.purchase_id, code: error.code, reason: error.message },
            `${app} marketplace purchase: identity holds another transfer under its key; left pending for staff`,
          );
        throw error;
      }
    },

    /** What the buyer bought (refunded ones too), newest first. */
    purchases: (buyerId: string, query: PageQuery) => pageOfPurchases('buyer', buyerId, query),

    /**
     * One of the buyer's purchases with its item: the seller's item while its listing exists (so
     * the seller's fixes reach the buyer), the buyer's copy once it is gone; none once refunded.
     * Anyone else's purchase answers 404.
     */
    async purchaseDetails(buyerId: string, purchaseId: string): Promise<PurchaseDetails<Kind, Item>> {
      const purchase = isUuid(purchaseId) ? await findBuyerPurchase(db, sql, buyerId, purchaseId) : undefined;
      if (!purchase) throw MarketErrors.purchaseNotFound();
      const view = toPurchaseView(purchase);
      if (purchase.status !== 'completed') return { ...view, item: null, item_source: null };
      const listing = purchase.listing_id
        ? await findListing<Row>(db, sql, purchase.listing_id, buyerId)
        : undefined;
      if (listing) return { ...view, item: adapter.itemOf(listing), item_source: 'listing' };
      const copy = (purchase.item_copy as Item | null) ?? null;
      return { ...view, item: copy, item_source: copy ? 'copy' : null };
    },

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

export type {
  ListingInput,
  ListingPatch,
  ListingView,
  ListQuery,
  MarketAdapter,
  MarketApp,
  PurchaseDetails,
  PurchaseView,
} from './adapter.ts';

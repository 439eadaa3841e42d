// Error codes of the marketplace mechanics every app's market shares (src/platform/market). An
// app's own rules (what may be sold, what a sale forbids) keep their codes in the app's errors.ts.
import { AppError, PlatformErrors } from '../errors.ts';

export const MarketErrors = {
  listingNotFound: () => new AppError(404, 'LISTING_NOT_FOUND', 'No such listing'),
  purchaseNotFound: () => new AppError(404, 'PURCHASE_NOT_FOUND', 'No such purchase'),
  /** An item_kind this app does not sell (a schema cannot say it for an in-process caller). */
  itemKindNotSold: (kind: string, kinds: readonly string[]) =>
    new AppError(
      400,
      'ITEM_KIND_NOT_SOLD',
      `This marketplace does not sell ${JSON.stringify(kind)}: item_kind is one of ${kinds.join(', ')}`,
      { field: 'body.item_kind', item_kinds: kinds },
    ),
  alreadyListed: (what: string) =>
    new AppError(409, 'ITEM_ALREADY_LISTED', `This ${what} has a listing already; change that one`),
  ownListing: () => new AppError(409, 'OWN_LISTING', 'You cannot buy your own listing'),
  alreadyPurchased: (purchaseId: string | null) =>
    new AppError(409, 'LISTING_ALREADY_PURCHASED', 'You bought this listing already', {
      purchase_id: purchaseId,
    }),
  idempotencyKeyRequired: () =>
    new AppError(
      400,
      'IDEMPOTENCY_KEY_REQUIRED',
      'Send an Idempotency-Key header (1 to 200 visible characters), the same one on every retry',
    ),
  idempotencyKeyReused: () =>
    new AppError(409, 'IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used for another purchase'),
  paymentsUnavailable: (appName: string) =>
    new AppError(503, 'PAYMENTS_UNAVAILABLE', `Credits cannot be reached from ${appName} right now`, {
      retryAfterSeconds: 30,
    }),
  blank: (field: string) => PlatformErrors.validation(`${field} must not be blank`, [{ field }]),
  tooManySearchWords: (most: number) =>
    PlatformErrors.validation(`querystring.q may have at most ${most} words`, [{ field: 'querystring.q' }]),
};

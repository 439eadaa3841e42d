// Error codes of affiliate links (GET <app>/go/:token); clients switch on `code`.
import { AppError } from '../platform/errors.ts';

export const AffiliateErrors = {
  /** Not signed by this deployment, changed, cut short, or made for another app. */
  linkInvalid: () =>
    new AppError(400, 'AFFILIATE_LINK_INVALID', 'This shopping link is not valid (it may have been changed)'),
  /** Older than CALOS_AFFILIATE_LINK_MAX_AGE_DAYS (or made before links carried their time). */
  linkExpired: () =>
    new AppError(
      410,
      'AFFILIATE_LINK_EXPIRED',
      'This shopping link has expired; open the list again for a fresh one',
    ),
  /** The retailer the link names is no longer configured here for this app and kind of item. */
  retailerNotFound: () =>
    new AppError(404, 'AFFILIATE_RETAILER_NOT_FOUND', 'This shop is no longer offered; the link has expired'),
};

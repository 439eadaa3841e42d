// Error codes of affiliate links (GET <app>/go/:token); clients switch on `code`.
import { AppError } from '../platform/errors.ts';

export const AffiliateErrors = {
  /** Not signed by this deployment, changed, cut short, or made for another app. */
  linkInvalid: () =>
    new AppError(400, 'AFFILIATE_LINK_INVALID', 'This shopping link is not valid (it may have been changed)'),
  /** The retailer the link names is no longer configured here for this app and kind of item. */
  retailerNotFound: () =>
    new AppError(404, 'AFFILIATE_RETAILER_NOT_FOUND', 'This shop is no longer offered; the link has expired'),
};

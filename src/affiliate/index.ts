// Affiliate links, as each app builds them from its context (see links.ts).
import type { AffiliateApp } from '../platform/affiliate-config.ts';
import { loadMasterKey } from '../platform/crypto/master-key.ts';
import type { Database } from '../platform/db/database.ts';
import type { ServiceContext } from '../platform/http/service.ts';
import type { Logger } from '../platform/logger.ts';
import { publicPageUrl } from '../platform/seasons.ts';
import { type Affiliate, affiliateKey, createAffiliate } from './links.ts';

export type { Affiliate, BuyLink, Linker } from './links.ts';

/** One app's links: its retailers, its /go/ door, its database, and identity's preference. */
export function affiliateFor(
  context: ServiceContext,
  app: AffiliateApp,
  options: {
    db: Database;
    logger: Logger;
    /** identity's client when one is reachable (else nobody sees links). */
    identity: () => { showsAffiliateLinks(userId: string): Promise<boolean> } | undefined;
  },
): Affiliate {
  return createAffiliate({
    app,
    config: context.config.affiliate,
    signingKey: () => {
      const own = context.config.affiliate.signingKeyHex;
      return own ? Buffer.from(own, 'hex') : affiliateKey(loadMasterKey(context.config));
    },
    goBase: publicPageUrl(context.config, app, '/go/'),
    showsLinks: async (userId) => (await options.identity()?.showsAffiliateLinks(userId)) ?? false,
    db: options.db,
    now: () => context.clock.now(),
    logger: options.logger,
  });
}

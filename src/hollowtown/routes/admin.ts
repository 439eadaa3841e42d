import { registerAffiliateAdminRoutes } from '../../affiliate/admin-routes.ts';
import { registerModerationAdminRoutes } from '../../community/admin-routes.ts';
import type { IdentityClient } from '../../identity/client.ts';
import type { App } from '../../platform/http/service.ts';
import { registerMarketReportRoute } from '../../platform/market/routes.ts';
import type { HollowtownDeps } from '../deps.ts';
import type { HollowtownServices } from '../index.ts';
import { MARKET_ROUTES } from './market.ts';

export function registerHollowtownConsoleRoutes(
  app: App,
  deps: HollowtownDeps,
  services: HollowtownServices,
): void {
  const staffRoles = services.market.staffRoles;
  const identity = () => deps.clients.get<IdentityClient>('identity');
  registerModerationAdminRoutes(app, {
    community: services.community,
    kinds: ['recipe', 'costume', 'plan'],
    staffRoles,
    identity,
  });
  registerAffiliateAdminRoutes(app, { app: 'hollowtown', db: deps.db, staffRoles, now: deps.now });

  registerMarketReportRoute(app, services.market, MARKET_ROUTES, deps.now);
}

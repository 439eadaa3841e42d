import { registerAffiliateAdminRoutes } from '../../affiliate/admin-routes.ts';
import { registerModerationAdminRoutes } from '../../community/admin-routes.ts';
import type { IdentityClient } from '../../identity/client.ts';
import type { App, ClientRegistry } from '../../platform/http/service.ts';
import { registerMarketReportRoute } from '../../platform/market/routes.ts';
import type { RecipesDeps } from '../deps.ts';
import type { RecipesServices } from '../index.ts';
import { MARKET_ROUTES } from './market.ts';

export function registerRecipesConsoleRoutes(
  app: App,
  deps: RecipesDeps,
  services: RecipesServices,
  clients: ClientRegistry,
): void {
  const identity = () => clients.get<IdentityClient>('identity');
  // One cache of staff roles for the whole console (identity's staff.changed drops it).
  const staffRoles = services.market.staffRoles;
  registerModerationAdminRoutes(app, {
    community: services.community,
    kinds: ['recipe', 'comment'],
    staffRoles,
    identity,
  });
  registerAffiliateAdminRoutes(app, { app: 'recipes', db: deps.db, staffRoles, now: () => deps.now() });

  registerMarketReportRoute(app, services.market, MARKET_ROUTES, () => deps.now());
}

// HowToCookAtHome's part of the operator console, for its staff (domain `recipes`, or `all`):
// the moderation queue of published recipes and the "Buy at …" clicks. Anyone else is 403.
import { registerAffiliateAdminRoutes } from '../../affiliate/admin-routes.ts';
import { registerModerationAdminRoutes } from '../../community/admin-routes.ts';
import type { IdentityClient } from '../../identity/client.ts';
import { cachedStaffRoles } from '../../platform/auth/staff.ts';
import type { App, ClientRegistry } from '../../platform/http/service.ts';
import type { RecipesDeps } from '../deps.ts';
import type { RecipesServices } from '../index.ts';

export function registerRecipesConsoleRoutes(
  app: App,
  deps: RecipesDeps,
  services: RecipesServices,
  clients: ClientRegistry,
): void {
  const identity = () => clients.get<IdentityClient>('identity');
  // Without identity in reach nobody is staff here (403, not 500).
  const staffRoles = cachedStaffRoles(async (userId) =>
    clients.has('identity') ? identity().staffRolesOf(userId) : [],
  );
  registerModerationAdminRoutes(app, {
    community: services.community,
    kinds: ['recipe', 'comment'],
    staffRoles,
    identity,
  });
  registerAffiliateAdminRoutes(app, { app: 'recipes', db: deps.db, staffRoles, now: () => deps.now() });
}

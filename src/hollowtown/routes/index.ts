// Every HTTP route of Hollowtown, under /hollowtown. Every one needs a signed-in user.
import { registerAffiliateRoutes } from '../../affiliate/routes.ts';
import { registerCommunityRoutes } from '../../community/routes.ts';
import { registerIngredientParseRoute } from '../../ingredients/schemas.ts';
import { authenticationHook, type TokenVerifier } from '../../platform/auth/guard.ts';
import type { App } from '../../platform/http/service.ts';
import type { HollowtownServices } from '../index.ts';
import { INGREDIENT_LIMITS, LIMITS } from '../service/limits.ts';
import { registerCostumeRoutes } from './costumes.ts';
import { registerEventFamilyRoutes } from './event-family.ts';
import { registerEventRoutes } from './events.ts';
import { registerGenerateRoutes } from './generate.ts';
import { registerHollowtownMarketRoutes } from './market.ts';
import { registerMoreFromRecipesRoutes } from './more-from-recipes.ts';
import { registerPlanRoutes } from './plans.ts';
import { registerRecipeRoutes } from './recipes.ts';
import { registerSharingRoutes } from './sharing.ts';

export function registerHollowtownRoutes(
  app: App,
  verifier: TokenVerifier,
  services: HollowtownServices,
): void {
  app.addHook('onRequest', authenticationHook(verifier));
  registerRecipeRoutes(app, services.recipes);
  registerIngredientParseRoute(app, {
    limits: INGREDIENT_LIMITS,
    maxLines: LIMITS.ingredients,
    tags: ['Spooky recipes'],
  });
  registerSharingRoutes(app, services.sharing);
  registerGenerateRoutes(app, services.generation);
  registerEventRoutes(app, services.events);
  registerEventFamilyRoutes(app, services.eventFamily);
  registerCostumeRoutes(app, services.costumes, services.affiliate);
  if (services.affiliate) registerAffiliateRoutes(app, services.affiliate);
  registerPlanRoutes(app, services.plans);
  registerMoreFromRecipesRoutes(app, services.moreFromRecipes);
  registerHollowtownMarketRoutes(app, services.market);
  const { community } = services;
  registerCommunityRoutes(app, {
    community,
    kind: 'recipe',
    path: '/api/recipes/spooky',
    tags: ['Spooky recipes'],
    noun: 'spooky recipe',
  });
  registerCommunityRoutes(app, {
    community,
    kind: 'costume',
    path: '/api/costumes',
    tags: ['Costume ideas'],
    noun: 'costume idea',
  });
  registerCommunityRoutes(app, {
    community,
    kind: 'plan',
    path: '/api/haunted-house/plans',
    tags: ['Haunted-house plans'],
    noun: 'haunted-house plan',
  });
}

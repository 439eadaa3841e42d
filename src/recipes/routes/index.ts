// Every HTTP route of HowToCookAtHome, under /recipes. Every route needs a signed-in user.
import { registerCommunityRoutes } from '../../community/routes.ts';
import { registerIngredientParseRoute } from '../../ingredients/schemas.ts';
import { authenticationHook, requireUser, type TokenVerifier } from '../../platform/auth/guard.ts';
import type { App } from '../../platform/http/service.ts';
import type { RecipesServices } from '../index.ts';
import { INGREDIENT_LIMITS, LIMITS } from '../service/limits.ts';
import { registerCollectionRoutes } from './collections.ts';
import { registerCommentRoutes } from './comments.ts';
import { registerCookbookRoutes } from './cookbooks.ts';
import { registerImportRoutes } from './import.ts';
import { registerRecipesMarketRoutes } from './market.ts';
import { registerMealPlanRoutes } from './meal-plans.ts';
import { registerPantryRoutes } from './pantry.ts';
import { registerRecipeRoutes } from './recipes.ts';
import { registerShoppingListRoutes } from './shopping-lists.ts';

export function registerRecipesRoutes(app: App, verifier: TokenVerifier, services: RecipesServices): void {
  app.addHook(
    'onRequest',
    authenticationHook(verifier, (request) => {
      // Before validation: a request without a token is 401 whatever its body (the docs stay open).
      if (request.routeOptions.url?.includes('/api/')) requireUser(request);
    }),
  );
  registerImportRoutes(app, services);
  registerRecipeRoutes(app, services);
  registerCommunityRoutes(app, {
    community: services.community,
    kind: 'recipe',
    path: '/api/recipes',
    tags: ['Recipes'],
    noun: 'recipe',
  });
  registerIngredientParseRoute(app, {
    limits: INGREDIENT_LIMITS,
    maxLines: LIMITS.shoppingItems,
    tags: ['Recipes'],
  });
  registerCollectionRoutes(app, services);
  registerCookbookRoutes(app, services);
  registerCommentRoutes(app, services);
  registerRecipesMarketRoutes(app, services);
  registerMealPlanRoutes(app, services);
  registerPantryRoutes(app, services);
  registerShoppingListRoutes(app, services);
}

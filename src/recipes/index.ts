// HowToCookAtHome: recipes, ratings, AI recipes, meal plans, pantry and shopping lists, on
// recipes_db.
//
// When identity deletes an account (user.deleted), this service, in one transaction:
// - deletes the user's private recipes (their ratings by others go with them);
// - keeps the user's published recipes, anonymised: the author becomes the nil UUID
//   (00000000-0000-0000-0000-000000000000), which no token names, so the recipe stays readable
//   for the people who rated it or planned meals with it and can no longer be edited;
// - deletes every rating the user gave and recomputes rating_avg / rating_count of those recipes;
// - deletes the user's meal plans, pantry items, shopping lists and recipe references.
// Applying the same event twice changes nothing the second time.
import type { AiClient } from '../ai/client.ts';
import type { IdentityClient } from '../identity/client.ts';
import type { ServiceContext, ServiceDefinition, ServiceInstance } from '../platform/http/service.ts';
import { createOutboxConsumer, type OutboxConsumer } from '../platform/outbox-consumer.ts';
import type { Recipe, RecipesClient } from './client.ts';
import type { RecipesDeps } from './deps.ts';
import { registerRecipesRoutes } from './routes/index.ts';
import { createGenerationService } from './service/generate.ts';
import { createMealPlanService } from './service/meal-plans.ts';
import { createPantryService } from './service/pantry.ts';
import {
  convertQuantity,
  mergeIngredients,
  scaleIngredients,
  subtractQuantities,
} from './service/quantities.ts';
import { createRatingService } from './service/ratings.ts';
import { createRecipeService, scaleRecipe } from './service/recipes.ts';
import { createShoppingListService } from './service/shopping-lists.ts';
import { createUserEventHandler } from './service/user-deleted.ts';

/** The parts of the service, built once and shared by its routes and its client. */
export function createRecipesServices(deps: RecipesDeps) {
  const recipes = createRecipeService(deps);
  return {
    deps,
    recipes,
    ratings: createRatingService(deps),
    generation: createGenerationService(deps, recipes),
    mealPlans: createMealPlanService(deps),
    pantry: createPantryService(deps),
    shoppingLists: createShoppingListService(deps),
  };
}

export type RecipesServices = ReturnType<typeof createRecipesServices>;

/** The client in this process: RecipesClient, plus running the identity events now (tests, operators). */
export interface RecipesInstanceClient extends RecipesClient {
  /** Applies every pending identity event (user.deleted); resolves with how many were applied. */
  drainUserEvents(): Promise<number>;
}

async function createRecipes(context: ServiceContext): Promise<ServiceInstance> {
  const logger = context.logger.child({ service: 'recipes' });
  const deps: RecipesDeps = {
    db: context.databases.get('recipes'),
    logger,
    // Looked up per call: the gateway is built after this service, or not served here at all.
    ai: () => (context.clients.has('ai') ? context.clients.get<AiClient>('ai') : undefined),
    now: () => new Date(),
  };
  const services = createRecipesServices(deps);
  let consumer: OutboxConsumer | undefined;
  const userEvents = () => {
    if (!consumer && context.clients.has('identity')) {
      consumer = createOutboxConsumer({
        name: 'recipes',
        source: context.clients.get<IdentityClient>('identity').outbox,
        handle: createUserEventHandler(deps.db, logger),
        logger,
      });
    }
    return consumer;
  };

  const client: RecipesInstanceClient = {
    async getRecipeForUser(userId, recipeId, options = {}): Promise<Recipe | null> {
      const recipe = await services.recipes.readRecipe(userId, recipeId);
      if (!recipe) return null;
      const { my_rating: _rating, scaled_from_serves: _scaled, ...plain } = recipe;
      return options.servings === undefined ? plain : scaleRecipe(plain, options.servings);
    },
    scaleIngredients,
    mergeIngredients,
    subtractQuantities,
    convertQuantity,
    async drainUserEvents() {
      return (await userEvents()?.drain()) ?? 0;
    },
  };

  return {
    routes: (app) => registerRecipesRoutes(app, context.verifier, services),
    client,
    start() {
      const events = userEvents();
      if (events) events.start();
      else logger.warn('no identity client here: user.deleted events are not applied to recipes_db');
    },
    async stop() {
      await consumer?.stop();
    },
  };
}

export const recipesService: ServiceDefinition = {
  name: 'recipes',
  prefix: '/recipes',
  title: 'HowToCookAtHome',
  description:
    'Recipes (with ratings, scaling and AI generation), meal plans, a pantry with expiry dates, and shopping lists ' +
    'generated from meal plans.',
  database: 'recipes',
  create: createRecipes,
};

// HowToCookAtHome: recipes, ratings, AI recipes, meal plans, pantry and shopping lists, on
// recipes_db.
//
// When identity deletes an account (user.deleted), this service, in one transaction:
// - deletes the user's private recipes (their ratings by others go with them);
// - keeps the user's published recipes, anonymised: the author becomes the nil UUID
//   (00000000-0000-0000-0000-000000000000), which no token names, so the recipe stays readable
//   for the people who rated it or planned meals with it and can no longer be edited;
// - deletes every rating the user gave and recomputes rating_avg / rating_count of those recipes;
// - deletes the user's meal plans, pantry items, shopping lists, recipe references, favourites,
//   cookbooks and comments (others' cookbooks keep the anonymised published recipes).
// Applying the same event twice changes nothing the second time.
//
// Recipes shared from Hollowtown ("Share to My Recipes") are real recipes rows of the sharer
// (source 'shared') linked by recipe_references; they follow the original through the changes
// src/cross-app/recipe-sync.ts brings from Hollowtown's outbox to `applySourceChange` (see
// service/shared-recipes.ts). This service imports no other app.
import { affiliateFor } from '../affiliate/index.ts';
import { registerAffiliateRoutes } from '../affiliate/routes.ts';
import type { AiClient } from '../ai/client.ts';
import { createCommunityConsumer } from '../community/consumer.ts';
import { type IdentityClient, reapplyUserDeleted } from '../identity/client.ts';
import type { ServiceContext, ServiceDefinition, ServiceInstance } from '../platform/http/service.ts';
import { createOutboxConsumer, type OutboxConsumer } from '../platform/outbox-consumer.ts';
import { registerRpcDoor } from '../platform/rpc.ts';
import { publicPageUrl } from '../platform/seasons.ts';
import { registerPublicPages } from '../public-pages/index.ts';
import { RECIPES_RPC_METHODS, type Recipe, type RecipesClient } from './client.ts';
import type { RecipesDeps } from './deps.ts';
import type { RecipesLinks } from './links.ts';
import { registerRecipesConsoleRoutes } from './routes/admin.ts';
import { registerRecipesRoutes } from './routes/index.ts';
import { createArchiveImportService } from './service/archive-import.ts';
import { createCollectionService } from './service/collections.ts';
import { createCommentService } from './service/comments.ts';
import { createRecipesCommunity } from './service/community.ts';
import { createCookbookService } from './service/cookbooks.ts';
import { createDataPortabilityService } from './service/data-portability.ts';
import { createFavouriteService } from './service/favourites.ts';
import { createGenerationService } from './service/generate.ts';
import { createRecipesHousekeeping } from './service/housekeeping.ts';
import { createImportService } from './service/import.ts';
import { buyerGrant, createMarketService } from './service/market.ts';
import { createMealPlanTemplateService } from './service/meal-plan-templates.ts';
import { createMealPlanService } from './service/meal-plans.ts';
import { createPantryService } from './service/pantry.ts';
import { recipesPublicKinds } from './service/public-pages.ts';
import { createRatingService } from './service/ratings.ts';
import { createRecipeService, scaleRecipe } from './service/recipes.ts';
import { createSharedRecipeService } from './service/shared-recipes.ts';
import { createShoppingListService } from './service/shopping-lists.ts';
import { createStarterService, readRecipesStarterPack } from './service/starter.ts';
import { createUserEventHandler, removeUserData } from './service/user-deleted.ts';
import { ackEvent, OUTBOX_CHANNEL, pullEvents } from './store/outbox.ts';
import { existingRecipeIds, liveReferences } from './store/shared-recipes.ts';
import { referencedUserIds } from './store/users.ts';

/** The parts of the service, built once and shared by its routes and its client. */
export function createRecipesServices(deps: RecipesDeps) {
  const community = createRecipesCommunity(deps);
  const recipes = createRecipeService(deps, community);
  const shared = createSharedRecipeService(deps);
  const mealPlans = createMealPlanService(deps);
  return {
    deps,
    recipes,
    /** Votes, reports and moderation of published recipes (src/community). */
    community,
    shared,
    ratings: createRatingService(deps),
    favourites: createFavouriteService(deps),
    // A buyer of a recipe book reads all of it (the marketplace's access hook).
    cookbooks: createCookbookService(deps, [buyerGrant(deps)]),
    /** The recipe books marketplace, paid in credits through identity. */
    market: createMarketService(deps),
    comments: createCommentService(deps, community),
    generation: createGenerationService(deps, recipes),
    imports: createImportService(deps, recipes, deps.importLimits),
    archives: createArchiveImportService(deps, recipes),
    mealPlans,
    mealPlanTemplates: createMealPlanTemplateService(deps, { mealPlans, shared }),
    collections: createCollectionService(deps),
    starter: createStarterService(deps),
    pantry: createPantryService(deps),
    shoppingLists: createShoppingListService(deps),
    dataPortability: createDataPortabilityService(deps),
  };
}

export type RecipesServices = ReturnType<typeof createRecipesServices>;

/** The client in this process: RecipesClient, plus running the identity events now (tests, operators). */
export interface RecipesInstanceClient extends RecipesClient {
  /** Applies every pending identity event (user.deleted); resolves with how many were applied. */
  drainUserEvents(): Promise<number>;
  /** Hands pending votes and moderation decisions to identity now; resolves with how many. */
  syncCommunityEvents(): Promise<number>;
}

/** Nobody: a published-only list needs no viewer. */
const NO_VIEWER = '00000000-0000-0000-0000-000000000000';

async function createRecipes(
  context: ServiceContext,
  links: RecipesLinks,
): Promise<ServiceInstance<RecipesInstanceClient>> {
  const logger = context.logger.child({ service: 'recipes' });
  const deps: RecipesDeps = {
    db: context.databases.get('recipes'),
    logger,
    // Looked up per call: the gateway is built after this service, or not served here at all.
    ai: () => (context.clients.has('ai') ? context.clients.get<AiClient>('ai') : undefined),
    now: () => context.clock.now(),
    importLimits: context.config.recipeImport,
    // Looked up per call: Hollowtown is built before this service, reached over HTTP, or absent.
    hollowtown: () => links.hollowtown(),
    family: () => links.family?.(),
    halloweenSeason: context.config.halloweenSeason,
    hollowtownRecipeUrl: (recipeId) => publicPageUrl(context.config, 'hollowtown', `/r/${recipeId}`),
    reportsToHide: context.config.community.reportsToHide,
    marketPendingGraceMs: context.config.marketPendingGraceMs,
    // Looked up per call: identity may be served elsewhere, or not reachable at all.
    identity: () =>
      context.clients.has('identity') ? context.clients.get<IdentityClient>('identity') : undefined,
  };
  deps.affiliate = affiliateFor(context, 'recipes', {
    db: deps.db,
    logger,
    identity: () =>
      context.clients.has('identity') ? context.clients.get<IdentityClient>('identity') : undefined,
  });
  const services = createRecipesServices(deps);
  // Votes and moderation decisions reach identity (karma, rewards, notices) from our own outbox.
  const communityConsumer = createCommunityConsumer({
    source: {
      pull: (name, limit) => pullEvents(deps.db, name, limit),
      ack: (name, id) => ackEvent(deps.db, name, id),
    },
    sink: () => context.clients.get<IdentityClient>('identity'),
    logger,
    now: deps.now,
  });
  let unlistenCommunity: (() => Promise<void>) | undefined;
  const housekeeping = createRecipesHousekeeping(deps, services.market);
  let consumer: OutboxConsumer | undefined;
  const userEvents = createUserEventHandler(deps.db, logger);
  const identityEvents = () => {
    if (!consumer && context.clients.has('identity')) {
      consumer = createOutboxConsumer({
        name: 'recipes',
        source: context.events?.source('identity') ?? context.clients.get<IdentityClient>('identity').outbox,
        handle: async (event) => {
          // staff.changed: the console's cached staff roles of that account go at once.
          await services.market.staffRoles.handle(event);
          await userEvents(event);
        },
        logger,
        reapplyAfterMs: reapplyUserDeleted,
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
    async getMealPlanForUser(userId, planId) {
      const plan = await services.mealPlans.get(userId, planId).catch((error: unknown) => {
        if ((error as { status?: number }).status === 404) return null;
        throw error;
      });
      if (!plan) return null;
      const meals: Record<string, Record<string, { recipe_id: string; recipe_name: string | null }>> = {};
      for (const [date, slots] of Object.entries(plan.meals)) {
        meals[date] = {};
        for (const [slot, recipeId] of Object.entries(slots)) {
          if (!recipeId) continue;
          const recipe = await services.recipes.readRecipe(userId, recipeId).catch(() => null);
          (meals[date] as Record<string, { recipe_id: string; recipe_name: string | null }>)[slot] = {
            recipe_id: recipeId,
            recipe_name: recipe?.recipe_name ?? null,
          };
        }
      }
      return {
        plan_id: plan.plan_id,
        plan_name: plan.plan_name,
        start_date: plan.start_date,
        end_date: plan.end_date,
        meals,
        updated_at: plan.updated_at,
      };
    },
    async drainUserEvents() {
      return (await identityEvents()?.drain()) ?? 0;
    },
    shareRecipe: (input) => services.shared.share(input),
    sharedCopy: (userId, domain, sourceRecipeId) => services.shared.copyOf(userId, domain, sourceRecipeId),
    applySourceChange: (change) => services.shared.applySourceChange(change),
    syncCommunityEvents: () => communityConsumer.drain(),
    integrity: {
      userIds: (after, limit) => referencedUserIds(deps.db, after, limit),
      // The user.deleted policy above, applied on demand.
      forgetUser: async (userId) => ({ ...(await removeUserData(deps.db, userId)) }),
      liveReferences: (domain, after, limit) => liveReferences(deps.db, domain, after, limit),
      markSourcesDeleted: (domain, ids) => services.shared.markSourcesDeleted(domain, ids),
      existingRecipeIds: (ids) => existingRecipeIds(deps.db, ids),
    },
    dataExport: {
      collections: () => services.dataPortability.collections(),
      page: (userId, collection, after, limit) =>
        services.dataPortability.page(userId, collection, after, limit),
    },
    dataImport: {
      apply: (userId, data) => services.dataPortability.importData(userId, data),
    },
    collection: {
      async recipes({ limit }) {
        const page = await services.recipes.list(NO_VIEWER, {
          limit: Math.min(Math.max(Math.trunc(limit) || 1, 1), 50),
          scope: 'published',
        });
        return page.items.map((r) => ({
          recipe_id: r.recipe_id,
          recipe_name: r.recipe_name,
          description: r.description,
          cuisine: r.cuisine,
          difficulty: r.difficulty,
          total_time_minutes: r.total_time_minutes,
          serves: r.serves,
          tags: r.tags,
          image_url: r.image_url,
        }));
      },
    },
    starter: {
      load: async (ownerId, options) =>
        services.starter.load(ownerId, await readRecipesStarterPack(), { restore: options.restore }),
    },
  };

  return {
    routes: async (app) => {
      await registerRecipesRoutes(app, context.verifier, services);
      registerRecipesConsoleRoutes(app, deps, services, context.clients);
      if (deps.affiliate) registerAffiliateRoutes(app, deps.affiliate);
      registerPublicPages(app, {
        service: 'recipes',
        prefix: '/recipes',
        siteName: 'HowToCookAtHome',
        theme: 'recipes',
        config: context.config,
        kinds: recipesPublicKinds(deps),
        users: () =>
          context.clients.has('identity') ? context.clients.get<IdentityClient>('identity') : undefined,
        logger,
      });
      registerRpcDoor(app, {
        client,
        methods: RECIPES_RPC_METHODS,
        serviceToken: context.config.serviceToken,
      });
    },
    client,
    async start() {
      const events = identityEvents();
      if (events) events.start();
      else logger.warn('no identity client here: user.deleted events are not applied to recipes_db');
      if (context.clients.has('identity')) {
        communityConsumer.start();
        unlistenCommunity = await deps.db
          .listen(OUTBOX_CHANNEL, () => communityConsumer.wake())
          .catch(() => undefined);
      }
      housekeeping.start();
    },
    async stop() {
      await housekeeping.stop();
      await unlistenCommunity?.().catch(() => undefined);
      await communityConsumer.stop();
      await consumer?.stop();
    },
  };
}

/** HowToCookAtHome, linked to the other apps by `links` (src/cross-app gives them; NO_LINKS alone). */
export function defineRecipes(
  links: (context: ServiceContext) => RecipesLinks,
): ServiceDefinition<RecipesInstanceClient> {
  return {
    name: 'recipes',
    prefix: '/recipes',
    title: 'HowToCookAtHome',
    description:
      'Recipes (with ratings, scaling and AI generation), meal plans, a pantry with expiry dates, and shopping lists ' +
      'generated from meal plans.',
    database: 'recipes',
    create: (context) => createRecipes(context, links(context)),
  };
}

/**
 * Moderation of HowToCookAtHome's published recipes on its database, for the operator's `calos
 * moderation` (src/cli): the same rules the service applies.
 */
export function createRecipesModeration(options: {
  db: RecipesDeps['db'];
  config: ServiceContext['config'];
  now: () => Date;
  logger: RecipesDeps['logger'];
}) {
  return createRecipesCommunity({
    db: options.db,
    logger: options.logger,
    ai: () => undefined,
    hollowtown: () => undefined,
    halloweenSeason: options.config.halloweenSeason,
    hollowtownRecipeUrl: (recipeId) => `/hollowtown/r/${recipeId}`,
    now: options.now,
    importLimits: options.config.recipeImport,
    reportsToHide: options.config.community.reportsToHide,
  });
}

// Error codes of the Hollowtown service; clients switch on `code`.
import { AppError, PlatformErrors } from '../platform/errors.ts';

export const HollowtownErrors = {
  recipeNotFound: () => new AppError(404, 'RECIPE_NOT_FOUND', 'No such recipe'),
  eventNotFound: () => new AppError(404, 'EVENT_NOT_FOUND', 'No such event'),
  costumeNotFound: () => new AppError(404, 'COSTUME_NOT_FOUND', 'No such costume idea'),
  planNotFound: () => new AppError(404, 'HAUNTED_HOUSE_PLAN_NOT_FOUND', 'No such haunted-house plan'),
  /** A rule across fields that a schema cannot say (min above max, a blank name). */
  invalid: (field: string, message: string) =>
    PlatformErrors.validation(`${field} ${message}`, [{ field, message }]),
  aiAnswerInvalid: (attempts: number, problem: string) =>
    new AppError(
      502,
      'AI_ANSWER_INVALID',
      `The AI did not answer with a usable recipe after ${attempts} attempts; try again or change the theme`,
      { attempts, problem },
    ),
  recipesUnavailable: () =>
    new AppError(503, 'RECIPES_UNAVAILABLE', 'HowToCookAtHome is not reachable from Hollowtown right now', {
      retryAfterSeconds: 30,
    }),
  aiUnavailable: () =>
    new AppError(503, 'AI_UNAVAILABLE', 'The AI gateway is not available to Hollowtown right now', {
      retryAfterSeconds: 30,
    }),
};

/** An event planned with a family (service/event-family.ts). */
export const EventFamilyErrors = {
  familyNotFound: () => new AppError(404, 'FAMILY_NOT_FOUND', 'No such family among yours'),
  noFamily: () =>
    new AppError(
      409,
      'EVENT_HAS_NO_FAMILY',
      'Link the event to a family first (family_id): its shopping list lives there',
    ),
  noRecipes: () => new AppError(409, 'EVENT_HAS_NO_RECIPES', 'Add recipes to the event first'),
  tooManyRecipes: (limit: number) =>
    new AppError(409, 'EVENT_RECIPES_FULL', `An event holds at most ${limit} recipes`),
  familyUnavailable: () =>
    new AppError(503, 'FAMILY_UNAVAILABLE', 'Family Planner is not reachable from here'),
  roleForbidden: (role: string, action: string) =>
    new AppError(
      403,
      'EVENT_ROLE_FORBIDDEN',
      `A ${role} of the family cannot ${action}: the event's planner, parents and admins can`,
      { role, action },
    ),
};

/**
 * Hollowtown's rules of the marketplace (service/market.ts). The marketplace's own codes
 * (LISTING_NOT_FOUND, IDEMPOTENCY_KEY_REQUIRED, …) are src/platform/market/errors.ts; credits errors
 * (402 INSUFFICIENT_CREDITS) come from identity as they are.
 */
export const MarketErrors = {
  planPublished: () =>
    new AppError(
      409,
      'PLAN_IS_PUBLISHED',
      'This plan is published for everyone to read: a plan is either free or for sale, so unpublish it before listing it',
    ),
  planListed: () =>
    new AppError(
      409,
      'PLAN_IS_LISTED',
      'This plan is for sale in the marketplace: a plan is either free or for sale, so unlist it before publishing it',
    ),
  itemNotFound: (kind: 'plan' | 'costume') =>
    kind === 'plan' ? HollowtownErrors.planNotFound() : HollowtownErrors.costumeNotFound(),
  itemHasBuyers: (kind: 'plan' | 'costume', buyers: number) =>
    new AppError(
      409,
      'ITEM_HAS_BUYERS',
      `${buyers === 1 ? 'Someone has' : `${buyers} people have`} bought this ${kind}, and deleting it would take it from them. Unlist it to stop selling it`,
      { buyers },
    ),
};

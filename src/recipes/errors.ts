// Error codes of the HowToCookAtHome service; clients switch on `code`.
import { AppError } from '../platform/errors.ts';

export const RecipesErrors = {
  recipeNotFound: (details?: unknown) => new AppError(404, 'RECIPE_NOT_FOUND', 'No such recipe', details),
  sharedCopyReadOnly: () =>
    new AppError(
      409,
      'RECIPE_IS_SHARED_COPY',
      'This recipe is a shared copy that follows its original: change the original, or detach the copy first',
    ),
  notSharedCopy: () => new AppError(409, 'RECIPE_NOT_SHARED', 'Only a shared copy can be detached'),
  favouritesLimit: (limit: number) =>
    new AppError(
      409,
      'FAVOURITES_LIMIT_REACHED',
      `You have ${limit} favourites, the most one account keeps; take some off first`,
      { limit },
    ),
  cookbookNotFound: () => new AppError(404, 'COOKBOOK_NOT_FOUND', 'No such cookbook'),
  cookbooksLimit: (limit: number) =>
    new AppError(
      409,
      'COOKBOOK_LIMIT_REACHED',
      `You have ${limit} cookbooks, the most one account keeps; delete some first`,
      { limit },
    ),
  cookbookFull: (limit: number) =>
    new AppError(
      409,
      'COOKBOOK_FULL',
      `This cookbook holds ${limit} recipes, the most one cookbook holds; take some out first`,
      { limit },
    ),
  cookbookOrderMismatch: () =>
    new AppError(
      400,
      'COOKBOOK_ORDER_MISMATCH',
      'The order must name every recipe of the cookbook exactly once, and nothing else',
    ),
  familyNotFound: () =>
    new AppError(404, 'FAMILY_NOT_FOUND', 'No such family among the families you belong to'),
  familyUnavailable: () =>
    new AppError(
      503,
      'FAMILY_UNAVAILABLE',
      'Family Planner is not reachable from HowToCookAtHome right now',
      {
        retryAfterSeconds: 30,
      },
    ),
  commentNotFound: () => new AppError(404, 'COMMENT_NOT_FOUND', 'No such comment'),
  commentModerated: () =>
    new AppError(409, 'COMMENT_MODERATED', 'Moderation holds this comment back: it cannot be edited now'),
  commentRateLimited: (limit: number, windowSeconds: number, retryAfterSeconds: number) =>
    new AppError(
      429,
      'COMMENT_RATE_LIMITED',
      `At most ${limit} comments every ${Math.round(windowSeconds / 60)} minutes; try again later`,
      { limit, windowSeconds, retryAfterSeconds },
    ),
  mealPlanNotFound: () => new AppError(404, 'MEAL_PLAN_NOT_FOUND', 'No such meal plan'),
  templateNotFound: (template: string) =>
    new AppError(404, 'MEAL_PLAN_TEMPLATE_NOT_FOUND', 'No such meal plan template', { template }),
  templatePlanLimit: (limit: number) =>
    new AppError(
      409,
      'MEAL_PLAN_TEMPLATE_LIMIT_REACHED',
      `You have ${limit} meal plans made from templates, the most one account keeps; delete some first`,
      { limit },
    ),
  templateRecipesMissing: (template: string) =>
    new AppError(
      409,
      'MEAL_PLAN_TEMPLATE_EMPTY',
      'None of the recipes this template names is published in Hollowtown right now',
      { template },
    ),
  hollowtownUnavailable: () =>
    new AppError(
      503,
      'HOLLOWTOWN_UNAVAILABLE',
      'Hollowtown is not reachable from HowToCookAtHome right now',
      {
        retryAfterSeconds: 30,
      },
    ),
  pantryItemNotFound: () => new AppError(404, 'PANTRY_ITEM_NOT_FOUND', 'No such pantry item'),
  shoppingListNotFound: () => new AppError(404, 'SHOPPING_LIST_NOT_FOUND', 'No such shopping list'),
  shoppingItemNotFound: () =>
    new AppError(404, 'SHOPPING_ITEM_NOT_FOUND', 'No item of that name and unit on this shopping list'),
  shoppingListFull: (max: number) =>
    new AppError(409, 'SHOPPING_LIST_FULL', `A shopping list holds at most ${max} items`, { max }),
  shoppingItemTooLarge: () =>
    new AppError(
      409,
      'SHOPPING_ITEM_TOO_LARGE',
      'The item is on the list already, and with this amount or cost it would be more than an item may hold',
    ),
  shoppingAisleRepeated: () =>
    new AppError(400, 'SHOPPING_AISLE_REPEATED', 'aisle_order names each aisle at most once', {
      field: 'body.aisle_order',
    }),
  idempotencyKeyRequired: () =>
    new AppError(
      400,
      'IDEMPOTENCY_KEY_REQUIRED',
      'Send an Idempotency-Key header (1 to 200 visible characters)',
    ),
  idempotencyKeyReused: () =>
    new AppError(
      409,
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used for a different change',
    ),
  servingsUnknown: () =>
    new AppError(
      400,
      'RECIPE_SERVINGS_UNKNOWN',
      'This recipe does not say how many it serves, so it cannot be scaled; set serves first',
    ),
  mealDateOutOfRange: (dates: string[], first: string, last: string) =>
    new AppError(
      400,
      'MEAL_DATE_OUT_OF_RANGE',
      `Meals must fall within the plan (${first} to ${last}); outside: ${dates.slice(0, 5).join(', ')}`,
      { dates, first, last },
    ),
  importFoundNoRecipe: (askedAi: boolean) =>
    new AppError(
      422,
      'IMPORT_NO_RECIPE',
      askedAi
        ? 'No recipe was found there, neither as schema.org markup nor by the AI in its text'
        : 'No recipe was found there: no schema.org Recipe markup, no Ingredients and Method headings, and no AI gateway here to read the text',
      { askedAi },
    ),
  invalidInput: (message: string, details?: unknown) =>
    new AppError(400, 'VALIDATION_FAILED', message, details),
  aiUnavailable: () =>
    new AppError(503, 'AI_UNAVAILABLE', 'Recipe generation is not available right now (no AI gateway here)', {
      retryAfterSeconds: 30,
    }),
  aiAnswerInvalid: (attempts: number, reason: string) =>
    new AppError(
      502,
      'AI_ANSWER_INVALID',
      `The AI did not answer with a usable recipe after ${attempts} attempts; try again or rephrase`,
      { attempts, reason },
    ),
};

/** Refusals of a Mealie or Tandoor export (service/archive-import.ts). */
export const ArchiveErrors = {
  notAZip: () => new AppError(400, 'IMPORT_ARCHIVE_INVALID', 'The file is not a zip archive'),
  tooBig: (limits: Readonly<Record<string, number>>, what: string) =>
    new AppError(413, 'IMPORT_ARCHIVE_TOO_LARGE', `The archive is too large: ${what}`, limits),
  unknownFormat: () =>
    new AppError(
      422,
      'IMPORT_ARCHIVE_UNKNOWN',
      'No Mealie or Tandoor recipes were found in the archive (Mealie: recipes/<slug>/<slug>.json; Tandoor: a zip per recipe with recipe.json)',
    ),
};

/**
 * The recipe books marketplace (service/market.ts). Credits errors (402 INSUFFICIENT_CREDITS,
 * 409 TRANSFER_REFUND_REFUSED) come from identity as they are.
 */
export const MarketErrors = {
  cookbookPublic: () =>
    new AppError(
      409,
      'COOKBOOK_IS_PUBLIC',
      'This cookbook is public, free for everyone to read: a recipe book is either free or for sale, so make it private (or family) before listing it',
    ),
  cookbookListed: () =>
    new AppError(
      409,
      'COOKBOOK_IS_LISTED',
      'This cookbook is for sale in the marketplace: a recipe book is either free or for sale, so unlist it before making it public',
    ),
  othersRecipes: (recipeIds: string[]) =>
    new AppError(
      409,
      'COOKBOOK_HAS_OTHERS_RECIPES',
      'A recipe book for sale holds only your own recipes (not others’ nor shared copies that follow an original): take these out first',
      { recipe_ids: recipeIds },
    ),
  cookbookEmpty: () =>
    new AppError(409, 'COOKBOOK_IS_EMPTY', 'This cookbook has no recipes: add some before selling it'),
  itemHasBuyers: (kind: 'cookbook' | 'recipe', buyers: number) =>
    new AppError(
      409,
      'ITEM_HAS_BUYERS',
      kind === 'cookbook'
        ? `${buyers === 1 ? 'Someone has' : `${buyers} people have`} bought this recipe book, and changing it so would take from them what they paid for. Unlist it to stop selling it`
        : `This recipe is in a recipe book ${buyers === 1 ? 'someone has' : `${buyers} people have`} bought, and deleting it would take it from them`,
      { buyers },
    ),
};

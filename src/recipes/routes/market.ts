// /api/market: HowToCookAtHome's marketplace of recipe books (cookbooks of the seller's own
// recipes), paid in credits from the shared wallet. The routes are the platform's
// (src/platform/market/routes.ts), the same as Hollowtown's, so the account's purchases page and
// the console read both alike; this gives them the recipe book's schemas and words.

import { Type } from 'typebox';
import type { App } from '../../platform/http/service.ts';
import { type MarketRoutesSpec, registerMarketRoutes } from '../../platform/market/routes.ts';
import type { RecipesServices } from '../index.ts';
import { IdParams, Nullable, Uuid } from './schemas.ts';

const Kind = Type.Literal('cookbook', { description: 'cookbook: a recipe book of the seller’s own recipes' });

const Preview = Type.Object(
  {
    item_kind: Kind,
    cookbook_title: Type.String(),
    description: Nullable(Type.String()),
    recipe_count: Type.Integer({ minimum: 0 }),
    recipes: Type.Array(
      Type.Object({
        recipe_name: Type.String(),
        cuisine: Nullable(Type.String()),
        difficulty: Nullable(Type.String()),
        total_time_minutes: Nullable(Type.Integer()),
        serves: Nullable(Type.Integer()),
      }),
      { description: 'Its recipes in order: what they are, never their ingredients or method' },
    ),
  },
  { description: 'What anyone signed in sees before buying' },
);

export const MARKET_ROUTES: MarketRoutesSpec = {
  app: 'recipes',
  Kind,
  Preview,
  Item: Type.Object({ item_kind: Kind, cookbook_id: Uuid }),
  IdParams,
  purchaseProperties: {
    cookbook_id: Type.Union([Uuid, Type.Null()], {
      description:
        'The book bought, while yours and its listing exist (read it through /api/cookbooks/{id}); in the ' +
        'console’s stuck purchases, the book being bought while its listing exists',
    }),
  },
  purchaseDetails: false,
  words: {
    listSummary: 'Recipe books for sale, newest first',
    listDescription: 'Search words in the title, summary and recipe names (q), and a highest price.',
    listingDescription: 'A recipe book for sale',
    itemDescription:
      'For its seller and buyers (null for everyone else): the book, read whole through /api/cookbooks/{id} and its recipes',
    itemIdDescription: 'The id of your cookbook',
    createSummary: 'Put one of your cookbooks on sale as a recipe book',
    createDescription:
      'item_kind is cookbook (another answers 400). Someone else’s cookbook (or a missing one) answers 404 ' +
      'COOKBOOK_NOT_FOUND; a book is listed once (409 ITEM_ALREADY_LISTED). A book for sale holds only your own ' +
      'recipes (409 COOKBOOK_HAS_OTHERS_RECIPES with details.recipe_ids: others’ and shared copies), has recipes ' +
      '(409 COOKBOOK_IS_EMPTY), and is not public: a public cookbook is free, so it is not sold (409 ' +
      'COOKBOOK_IS_PUBLIC: make it private first).',
    createExample: {
      item_kind: 'cookbook',
      item_id: '6f1c2a4e-8b7d-4e1f-9a3c-2d5e7f901234',
      price: 120,
      title: 'Sunday dinners',
    },
    getSummary: 'One listing: its preview, and the book for its seller and buyers',
    patchDescription:
      'Listing it again checks the book as listing it did (409 COOKBOOK_IS_PUBLIC, COOKBOOK_IS_EMPTY, ' +
      'COOKBOOK_HAS_OTHERS_RECIPES).',
    searchDescription:
      'Words that must each appear in the title, the summary or a recipe’s name (at most 10)',
    purchaseSummary: 'Buy a recipe book with credits',
    purchasesSummary: 'The recipe books you bought, newest first',
    salesSummary: 'The recipe books you sold, newest first, and your earnings',
    refundSummary: 'Refund a purchase (HowToCookAtHome staff: admin or support)',
    refundDescription:
      'Reverses both sides once: the buyer gets the price back, the seller gives back what they received ' +
      "and the platform its fee; the buyer's access to the book ends. Again answers the same. 409 " +
      "TRANSFER_REFUND_REFUSED when the seller's balance no longer holds it; 403 STAFF_ROLE_REQUIRED for " +
      'anyone else (staff of other apps too).',
    refundExample: 'The book was not what the preview showed',
    reportSummary:
      'The recipe books marketplace since a time: sales, refunds and fees, and its purchases (support, admin)',
  },
};

export function registerRecipesMarketRoutes(app: App, services: RecipesServices): void {
  registerMarketRoutes(app, services.market, MARKET_ROUTES);
}

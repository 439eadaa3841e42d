// /api/market: Hollowtown's marketplace of haunted-house plans and costume ideas, paid in
// credits from the shared wallet. The routes are the platform's (src/platform/market/routes.ts);
// this gives them Hollowtown's kinds of item, their schemas and words.

import { Type } from 'typebox';
import type { App } from '../../platform/http/service.ts';
import { type MarketRoutesSpec, registerMarketRoutes } from '../../platform/market/routes.ts';
import type { MarketService } from '../service/market.ts';
import { Cents, IdParams, Nullable } from './schemas.ts';

const Kind = Type.Enum(['plan', 'costume'] as const, {
  description: 'plan: a haunted-house room plan; costume: a costume idea (its pattern)',
});

const Preview = Type.Union(
  [
    Type.Object({
      item_kind: Type.Literal('plan'),
      room_name: Type.String(),
      scare_level: Type.Integer(),
      props_count: Type.Integer(),
      steps_count: Type.Integer(),
    }),
    Type.Object({
      item_kind: Type.Literal('costume'),
      costume_name: Type.String(),
      difficulty: Type.String(),
      image_url: Nullable(Type.String()),
      tags: Type.Array(Type.String()),
      materials_count: Type.Integer(),
    }),
  ],
  { description: 'What anyone signed in sees before buying' },
);

/** The whole item: for its seller and its buyers only. */
const Item = Type.Union([
  Type.Object({
    item_kind: Type.Literal('plan'),
    plan_id: Type.String({ format: 'uuid' }),
    room_name: Type.String(),
    scare_level: Type.Integer(),
    props_needed: Type.Array(
      Type.Object({
        name: Type.String(),
        quantity: Nullable(Type.Integer()),
        note: Nullable(Type.String()),
      }),
    ),
    setup_instructions: Type.Array(Type.String()),
  }),
  Type.Object({
    item_kind: Type.Literal('costume'),
    costume_id: Type.String({ format: 'uuid' }),
    costume_name: Type.String(),
    description: Nullable(Type.String()),
    difficulty: Type.String(),
    materials: Type.Array(
      Type.Object({
        name: Type.String(),
        quantity: Nullable(Type.Number()),
        unit: Nullable(Type.String()),
        note: Nullable(Type.String()),
      }),
    ),
    cost_estimate_cents: Nullable(Cents),
    image_url: Nullable(Type.String()),
    tags: Type.Array(Type.String()),
  }),
]);

export const MARKET_ROUTES: MarketRoutesSpec = {
  app: 'hollowtown',
  Kind,
  Preview,
  Item,
  IdParams,
  purchaseDetails: true,
  words: {
    listSummary: 'Items for sale, newest first',
    listDescription: 'Search words in the title and summary (q, at most 10), by kind and highest price.',
    listingDescription: 'An item for sale',
    itemDescription: 'The whole item: for its seller and its buyers only (null for everyone else)',
    itemIdDescription: 'The id of your plan or costume idea',
    createSummary: 'Put one of your plans or costume ideas on sale',
    createDescription:
      "item_kind is plan or costume (another answers 400). Someone else's item (or a missing one) answers 404 like " +
      "the item's own API; an item is listed once (409 ITEM_ALREADY_LISTED); a published plan is free, so it is " +
      'not sold (409 PLAN_IS_PUBLISHED: unpublish it first).',
    createExample: {
      item_kind: 'plan',
      item_id: '6f1c2a4e-8b7d-4e1f-9a3c-2d5e7f901234',
      price: 120,
      title: 'The Drowned Chapel',
    },
    getSummary: 'One listing: its preview, and the whole item for its seller and buyers',
    patchDescription:
      'Listing a plan again after it was published answers 409 PLAN_IS_PUBLISHED (unpublish it first).',
    searchDescription: 'Words that must each appear in the title or the summary (at most 10)',
    purchaseSummary: 'Buy a listing with credits',
    purchasesSummary: 'What you bought, newest first',
    salesSummary: 'What you sold, newest first, and your earnings',
    refundSummary: 'Refund a purchase (Hollowtown staff: admin or support)',
    refundDescription:
      'Reverses both sides once: the buyer gets the price back, the seller gives back what they received ' +
      "and the platform its fee; the buyer's access ends. Again answers the same. 409 TRANSFER_REFUND_REFUSED " +
      "when the seller's balance no longer holds it; 403 STAFF_ROLE_REQUIRED for anyone else.",
    refundExample: 'The plan was not what the preview showed',
    reportSummary:
      'The marketplace since a time: sales, refunds and fees by kind, and its purchases (support, admin)',
  },
};

export function registerHollowtownMarketRoutes(app: App, market: MarketService): void {
  registerMarketRoutes(app, market, MARKET_ROUTES);
}

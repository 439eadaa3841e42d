// /api/market: Hollowtown's marketplace of haunted-house plans and costume ideas, paid in
// credits from the shared wallet (service/market.ts).

import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { requireStaff } from '../../platform/auth/staff.ts';
import { IdempotencyHeaders } from '../../platform/http/idempotency.ts';
import { NullableTimestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import type { MarketService } from '../service/market.ts';
import {
  bearer,
  Cents,
  ErrorResponse,
  IdParams,
  Nullable,
  Page,
  pageProperties,
  SearchText,
  Timestamp,
} from './schemas.ts';

const tags = ['Marketplace'];

const Kind = Type.Enum(['plan', 'costume'] as const, {
  description: 'plan: a haunted-house room plan; costume: a costume idea (its pattern)',
});
const Price = Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'In credits' });
const Title = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const Summary = Type.String({ maxLength: 2000, description: 'Shown in the public preview' });

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

/** The whole item: for its seller and its buyers only (null for everyone else). */
const Item = Nullable(
  Type.Union([
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
  ]),
);

const Listing = Type.Object(
  {
    listing_id: Type.String({ format: 'uuid' }),
    item_kind: Kind,
    title: Type.String(),
    summary: Type.String(),
    price: Type.Integer({ description: 'In credits' }),
    is_listed: Type.Boolean({ description: 'Unlisted: only its seller and its buyers see it' }),
    is_mine: Type.Boolean(),
    is_purchased: Type.Boolean({ description: 'Whether you bought it' }),
    sales: Type.Integer(),
    preview: Preview,
    item: Item,
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { description: 'An item for sale' },
);

export const Purchase = Type.Object(
  {
    purchase_id: Type.String({ format: 'uuid' }),
    status: Type.Enum(['completed', 'refunded'] as const, {
      description: 'refunded: staff reversed it; the credits went back and the item is no longer yours',
    }),
    listing_id: Nullable(Type.String({ format: 'uuid' })),
    item_kind: Kind,
    title: Type.String(),
    price: Type.Integer({ description: 'Credits the buyer paid' }),
    fee: Type.Integer({
      description: 'The platform fee (CALOS_MARKET_FEE_PERCENT of the price, rounded down)',
    }),
    seller_received: Type.Integer({ description: 'price − fee' }),
    transfer_id: Type.String({ format: 'uuid', description: "The credit transfer in the buyer's account" }),
    created_at: Timestamp,
    refunded_at: NullableTimestamp,
  },
  { description: 'A paid purchase' },
);

const PurchaseDetails = Type.Object(
  {
    ...Purchase.properties,
    item: Item,
    item_source: Nullable(
      Type.Enum(['listing', 'copy'] as const, {
        description:
          "listing: the seller's item as it is now (their fixes reach you); copy: your copy, kept when the " +
          "seller's account was erased; null once refunded",
      }),
    ),
  },
  { description: 'A purchase with the whole item it gives you' },
);

const CreateListing = Type.Object(
  {
    item_kind: Kind,
    item_id: Type.String({ description: 'The id of your plan or costume idea' }),
    price: Price,
    title: Type.Optional(Title),
    summary: Type.Optional(Summary),
  },
  {
    additionalProperties: false,
    examples: [
      {
        item_kind: 'plan',
        item_id: '6f1c2a4e-8b7d-4e1f-9a3c-2d5e7f901234',
        price: 120,
        title: 'The Drowned Chapel',
      },
    ],
  },
);

const PatchListing = Type.Object(
  {
    price: Type.Optional(Price),
    title: Type.Optional(Title),
    summary: Type.Optional(Summary),
    is_listed: Type.Optional(Type.Boolean({ description: 'false takes it off sale; buyers keep it' })),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ price: 90 }, { is_listed: false }] },
);

const ListQuery = Type.Object(
  {
    ...pageProperties,
    scope: Type.Optional(
      Type.Enum(['listed', 'mine'] as const, {
        description: 'listed (default): everything for sale; mine: your listings, listed or not',
      }),
    ),
    kind: Type.Optional(Kind),
    q: Type.Optional(SearchText),
    price_max: Type.Optional(Price),
  },
  { additionalProperties: false },
);

const PageOnly = Type.Object({ ...pageProperties }, { additionalProperties: false });

export function registerMarketRoutes(app: App, market: MarketService): void {
  app.get(
    '/api/market/listings',
    {
      schema: {
        tags,
        summary: 'Items for sale, newest first',
        description: 'Search words in the title and summary (q), by kind and highest price.',
        security: bearer,
        querystring: ListQuery,
        response: { 200: Page(Listing, 'One page of listings'), 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => market.list(requireUser(request).userId, request.query),
  );

  app.post(
    '/api/market/listings',
    {
      schema: {
        tags,
        summary: 'Put one of your plans or costume ideas on sale',
        description:
          "Someone else's item (or a missing one) answers 404 like the item's own API; an item is listed once (409 ITEM_ALREADY_LISTED); " +
          'a published plan is free, so it is not sold (409 PLAN_IS_PUBLISHED: unpublish it first).',
        security: bearer,
        body: CreateListing,
        response: {
          201: Listing,
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await market.create(requireUser(request).userId, request.body)),
  );

  app.get(
    '/api/market/listings/:id',
    {
      schema: {
        tags,
        summary: 'One listing: its preview, and the whole item for its seller and buyers',
        description: 'An unlisted listing you neither sell nor bought answers 404 LISTING_NOT_FOUND.',
        security: bearer,
        params: IdParams,
        response: { 200: Listing, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => market.get(requireUser(request).userId, request.params.id),
  );

  app.patch(
    '/api/market/listings/:id',
    {
      schema: {
        tags,
        summary: 'Change your listing (price, words) or take it off sale',
        description:
          'Listing a plan again after it was published answers 409 PLAN_IS_PUBLISHED (unpublish it first).',
        security: bearer,
        params: IdParams,
        body: PatchListing,
        response: {
          200: Listing,
          400: ErrorResponse,
          401: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => market.update(requireUser(request).userId, request.params.id, request.body),
  );

  app.post(
    '/api/market/listings/:id/purchase',
    {
      schema: {
        tags,
        summary: 'Buy a listing with credits',
        description:
          'Pays the price from your credits to the seller (less the platform fee) once: 201 for the purchase, ' +
          '200 for a retry with the same Idempotency-Key (nothing more is paid). 402 INSUFFICIENT_CREDITS when ' +
          'your balance is short; 409 OWN_LISTING for your own; 409 LISTING_ALREADY_PURCHASED when you bought it ' +
          'under another key.',
        security: bearer,
        params: IdParams,
        headers: IdempotencyHeaders,
        response: {
          200: Purchase,
          201: Purchase,
          400: ErrorResponse,
          401: ErrorResponse,
          402: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { purchase, created } = await market.purchase(
        requireUser(request).userId,
        request.params.id,
        request.headers['idempotency-key'],
      );
      return reply.status(created ? 201 : 200).send(purchase);
    },
  );

  app.get(
    '/api/market/purchases',
    {
      schema: {
        tags,
        summary: 'What you bought, newest first',
        security: bearer,
        querystring: PageOnly,
        response: {
          200: Page(Purchase, 'One page of your purchases'),
          400: ErrorResponse,
          401: ErrorResponse,
        },
      },
    },
    async (request) => market.purchases(requireUser(request).userId, request.query),
  );

  app.get(
    '/api/market/purchases/:id',
    {
      schema: {
        tags,
        summary: 'One of your purchases, with the whole item',
        description:
          "The seller's item while it exists, your copy of it once the seller's account was erased; a refunded " +
          "purchase has no item. Someone else's purchase answers 404 PURCHASE_NOT_FOUND.",
        security: bearer,
        params: IdParams,
        response: { 200: PurchaseDetails, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => market.purchaseDetails(requireUser(request).userId, request.params.id),
  );

  app.get(
    '/api/market/sales',
    {
      schema: {
        tags,
        summary: 'What you sold, newest first, and your earnings',
        security: bearer,
        querystring: PageOnly,
        response: {
          200: Type.Object({
            items: Type.Array(Purchase),
            next_cursor: Nullable(Type.String()),
            totals: Type.Object({
              sales: Type.Integer(),
              gross: Type.Integer({ description: 'Credits buyers paid' }),
              fees: Type.Integer({ description: 'The platform fees taken from them' }),
              earned: Type.Integer({ description: 'Credits you received: gross − fees' }),
            }),
          }),
          400: ErrorResponse,
          401: ErrorResponse,
        },
      },
    },
    async (request) => market.sales(requireUser(request).userId, request.query),
  );

  app.post(
    '/api/market/purchases/:id/refund',
    {
      schema: {
        tags,
        summary: 'Refund a purchase (Hollowtown staff: admin or support)',
        description:
          'Reverses both sides once: the buyer gets the price back, the seller gives back what they received ' +
          "and the platform its fee; the buyer's access ends. Again answers the same. 409 TRANSFER_REFUND_REFUSED " +
          "when the seller's balance no longer holds it; 403 STAFF_ROLE_REQUIRED for anyone else.",
        security: bearer,
        params: IdParams,
        body: Type.Object(
          { reason: Type.String({ minLength: 3, maxLength: 200, pattern: '\\S' }) },
          { additionalProperties: false, examples: [{ reason: 'The plan was not what the preview showed' }] },
        ),
        response: {
          200: Purchase,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      const staff = await requireStaff(request, market.staffRoles, 'hollowtown', ['admin', 'support']);
      return market.refund(request.params.id, request.body.reason.trim(), staff.userId);
    },
  );
}

// /api/market and the console's /api/admin/market, once for every app's marketplace
// (service.ts): the same paths, bodies, answers and codes in each app, with the app's own words,
// kinds of item and item schemas (MarketRoutesSpec).
import { type TProperties, type TSchema, Type } from 'typebox';
import { requireUser } from '../auth/guard.ts';
import { requireStaff } from '../auth/staff.ts';
import { IdempotencyHeaders } from '../http/idempotency.ts';
import { PageQuery } from '../http/pagination.ts';
import { reportSince, SinceQuery } from '../http/report-since.ts';
import { bearer, ErrorResponse, Nullable, NullableTimestamp, Page, Timestamp } from '../http/schemas.ts';
import type { App } from '../http/service.ts';
import type { createMarketplace, ListingInput, ListQuery, MarketApp } from './service.ts';

/** Who reads the console's market report. */
const REPORT_ROLES = ['support', 'admin'] as const;
const tags = ['Marketplace'];
const pageProperties = PageQuery.properties;
const Uuid = Type.String({ format: 'uuid' });

// Any app's marketplace: the routes use only what every one of them offers.
type Market = ReturnType<typeof createMarketplace<string, never, unknown, unknown>>;

/** What an app says of its marketplace's routes. */
export interface MarketRoutesSpec {
  /** The app, for the staff guard of refunds and the report. */
  app: MarketApp;
  /** `item_kind`: the kinds this app sells. */
  Kind: TSchema;
  /** What anyone signed in sees before buying. */
  Preview: TSchema;
  /** The item for its seller and buyers (not null: the routes add null for everyone else). */
  Item: TSchema;
  /** Path ids as the app takes them. */
  IdParams: TSchema;
  /** More properties of a purchase (HowToCookAtHome: the book's id). */
  purchaseProperties?: TProperties;
  /** Whether GET /api/market/purchases/{id} serves the whole item of a purchase. */
  purchaseDetails: boolean;
  words: {
    /** "Items for sale" or "Recipe books for sale", and the like. */
    listSummary: string;
    listDescription: string;
    listingDescription: string;
    itemDescription: string;
    itemIdDescription: string;
    createSummary: string;
    createDescription: string;
    createExample: Record<string, unknown>;
    getSummary: string;
    patchDescription: string;
    searchDescription: string;
    purchaseSummary: string;
    purchasesSummary: string;
    salesSummary: string;
    refundSummary: string;
    refundDescription: string;
    refundExample: string;
    reportSummary: string;
  };
}

/** A paid purchase, as every app's marketplace answers it (the console's report lists them). */
export function purchaseSchema(spec: MarketRoutesSpec) {
  return Type.Object(
    {
      purchase_id: Uuid,
      status: Type.Enum(['completed', 'refunded'] as const, {
        description:
          'refunded: given back (by staff, or by itself when the item went before it was paid); the credits ' +
          'went back and the item is no longer yours',
      }),
      listing_id: Nullable(Uuid),
      item_kind: spec.Kind,
      ...spec.purchaseProperties,
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
}

export function registerMarketRoutes(app: App, market: Market, spec: MarketRoutesSpec): void {
  const { words, Kind, IdParams } = spec;
  const Price = Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'In credits' });
  const Title = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
  const Summary = Type.String({ maxLength: 2000, description: 'Shown in the public preview' });
  const Item = Type.Union([spec.Item, Type.Null()], { description: words.itemDescription });
  const Purchase = purchaseSchema(spec);
  const PageOnly = Type.Object({ ...pageProperties }, { additionalProperties: false });

  const Listing = Type.Object(
    {
      listing_id: Uuid,
      item_kind: Kind,
      title: Type.String(),
      summary: Type.String(),
      price: Type.Integer({ description: 'In credits' }),
      is_listed: Type.Boolean({ description: 'Unlisted: only its seller and its buyers see it' }),
      is_mine: Type.Boolean(),
      is_purchased: Type.Boolean({ description: 'Whether you bought it' }),
      sales: Type.Integer(),
      preview: spec.Preview,
      item: Item,
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: words.listingDescription },
  );

  const CreateListing = Type.Object(
    {
      item_kind: Kind,
      item_id: Type.String({ maxLength: 100, description: words.itemIdDescription }),
      price: Price,
      title: Type.Optional(Title),
      summary: Type.Optional(Summary),
    },
    { additionalProperties: false, examples: [words.createExample] },
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
      q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: words.searchDescription })),
      price_max: Type.Optional(Price),
    },
    { additionalProperties: false },
  );

  app.get(
    '/api/market/listings',
    {
      schema: {
        tags,
        summary: words.listSummary,
        description: words.listDescription,
        security: bearer,
        querystring: ListQuery,
        response: { 200: Page(Listing, 'One page of listings'), 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    // The kind is checked against the app's Kind schema above.
    async (request) => market.list(requireUser(request).userId, request.query as ListQuery),
  );

  app.post(
    '/api/market/listings',
    {
      schema: {
        tags,
        summary: words.createSummary,
        description: words.createDescription,
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
      reply.status(201).send(await market.create(requireUser(request).userId, request.body as ListingInput)),
  );

  app.get(
    '/api/market/listings/:id',
    {
      schema: {
        tags,
        summary: words.getSummary,
        description: 'An unlisted listing you neither sell nor bought answers 404 LISTING_NOT_FOUND.',
        security: bearer,
        params: IdParams,
        response: { 200: Listing, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => market.get(requireUser(request).userId, (request.params as { id: string }).id),
  );

  app.patch(
    '/api/market/listings/:id',
    {
      schema: {
        tags,
        summary: 'Change your listing (price, words) or take it off sale',
        description: words.patchDescription,
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
    async (request) =>
      market.update(requireUser(request).userId, (request.params as { id: string }).id, request.body),
  );

  app.post(
    '/api/market/listings/:id/purchase',
    {
      schema: {
        tags,
        summary: words.purchaseSummary,
        description:
          'Pays the price from your credits to the seller (less the platform fee) once: 201 for the purchase, ' +
          '200 for a retry with the same Idempotency-Key (nothing more is paid). 400 IDEMPOTENCY_KEY_REQUIRED ' +
          'without a key; 402 INSUFFICIENT_CREDITS when your balance is short; 409 OWN_LISTING for your own; ' +
          '409 LISTING_ALREADY_PURCHASED when you bought it under another key; 503 when credits cannot be reached ' +
          '(retry with the same key: it is paid at most once). A purchase paid after its item went is given back ' +
          'at once (status refunded).',
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
        (request.params as { id: string }).id,
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
        summary: words.purchasesSummary,
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

  if (spec.purchaseDetails)
    app.get(
      '/api/market/purchases/:id',
      {
        schema: {
          tags,
          summary: 'One of your purchases, with the whole item',
          description:
            "The seller's item while it exists, your copy of it once it is gone; a refunded purchase has no " +
            "item. Someone else's purchase answers 404 PURCHASE_NOT_FOUND.",
          security: bearer,
          params: IdParams,
          response: {
            200: Type.Object(
              {
                ...Purchase.properties,
                item: Item,
                item_source: Nullable(
                  Type.Enum(['listing', 'copy'] as const, {
                    description:
                      "listing: the seller's item as it is now (their fixes reach you); copy: your copy, kept " +
                      'once the item went; null once refunded',
                  }),
                ),
              },
              { description: 'A purchase with the whole item it gives you' },
            ),
            401: ErrorResponse,
            404: ErrorResponse,
          },
        },
      },
      async (request) =>
        market.purchaseDetails(requireUser(request).userId, (request.params as { id: string }).id),
    );

  app.get(
    '/api/market/sales',
    {
      schema: {
        tags,
        summary: words.salesSummary,
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
        summary: words.refundSummary,
        description: words.refundDescription,
        security: bearer,
        params: IdParams,
        body: Type.Object(
          { reason: Type.String({ minLength: 3, maxLength: 200, pattern: '\\S' }) },
          { additionalProperties: false, examples: [{ reason: words.refundExample }] },
        ),
        response: {
          200: Purchase,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request) => {
      const staff = await requireStaff(request, market.staffRoles, spec.app, ['admin', 'support']);
      return market.refund((request.params as { id: string }).id, request.body.reason.trim(), staff.userId);
    },
  );
}

const Person = Type.Object({ user_id: Type.String(), username: Nullable(Type.String()) });
/** An erased seller's sales name nobody (both null). */
const Seller = Type.Object({ user_id: Nullable(Type.String()), username: Nullable(Type.String()) });

/** The console's market report: GET /api/admin/market (support, admin of the app). */
export function registerMarketReportRoute(
  app: App,
  market: Market,
  spec: MarketRoutesSpec,
  now: () => Date,
): void {
  const Purchase = purchaseSchema(spec);
  app.get(
    '/api/admin/market',
    {
      schema: {
        tags: ['admin'],
        summary: spec.words.reportSummary,
        security: bearer,
        querystring: Type.Object({
          since: SinceQuery,
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
        }),
        response: {
          200: Type.Object({
            since: Timestamp,
            totals: Type.Array(
              Type.Object({
                item_kind: Type.String(),
                listed: Type.Integer({ description: 'Listings on sale now' }),
                sales: Type.Integer({ description: 'Paid purchases since then (not refunded)' }),
                refunds: Type.Integer(),
                credits: Type.Integer({ description: 'Credits buyers paid (refunds aside)' }),
                fees: Type.Integer({ description: 'The platform’s fees (refunds aside)' }),
              }),
            ),
            purchases: Type.Array(Type.Object({ ...Purchase.properties, buyer: Person, seller: Seller })),
            stuck: Type.Object(
              {
                count: Type.Integer({ description: 'Purchases pending past the grace period, however old' }),
                purchases: Type.Array(
                  Type.Object({
                    purchase_id: Uuid,
                    listing_id: Nullable(Uuid),
                    item_kind: spec.Kind,
                    ...spec.purchaseProperties,
                    title: Type.String(),
                    price: Type.Integer(),
                    created_at: Timestamp,
                    attempts: Type.Integer({
                      description:
                        'Attempts to pay that left it pending; the wait before the next (next_attempt_at) ' +
                        'doubles after each, up to an hour',
                    }),
                    last_attempt_at: NullableTimestamp,
                    next_attempt_at: NullableTimestamp,
                    last_error_code: Nullable(Type.String()),
                    last_error: Nullable(Type.String()),
                    buyer: Person,
                    seller: Seller,
                  }),
                  { description: 'Oldest first, at most `limit`' },
                ),
              },
              {
                description:
                  'Purchases left pending: identity was away or holds another transfer under the ' +
                  'purchase’s key (IDEMPOTENCY_KEY_REUSED, for people to look at). The sweep retries each.',
              },
            ),
          }),
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (request) => {
      await requireStaff(request, market.staffRoles, spec.app, REPORT_ROLES);
      const since = reportSince(request.query.since, now());
      return market.report(since, request.query.limit ?? 50);
    },
  );
}

// /api/market: HowToCookAtHome's marketplace of recipe books (cookbooks of the seller's own
// recipes), paid in credits from the shared wallet (service/market.ts). The same shape as
// Hollowtown's marketplace, so the account's purchases page and the console read both alike.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { requireStaff } from '../../platform/auth/staff.ts';
import { IdempotencyHeaders } from '../../platform/http/idempotency.ts';
import type { App } from '../../platform/http/service.ts';
import type { RecipesServices } from '../index.ts';
import {
  bearer,
  ErrorResponse,
  IdParams,
  Nullable,
  NullableTimestamp,
  Page,
  pageQuery,
  Timestamp,
  Uuid,
} from './schemas.ts';

const tags = ['Marketplace'];

const Kind = Type.Literal('cookbook', { description: 'cookbook: a recipe book of the seller’s own recipes' });
const Price = Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'In credits' });
const Title = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const Summary = Type.String({ maxLength: 2000, description: 'Shown in the public preview' });

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
    preview: Preview,
    item: Type.Union([Type.Object({ item_kind: Kind, cookbook_id: Uuid }), Type.Null()], {
      description:
        'For its seller and buyers (null for everyone else): the book, read whole through /api/cookbooks/{id} and its recipes',
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { description: 'A recipe book for sale' },
);

export const Purchase = Type.Object(
  {
    purchase_id: Uuid,
    status: Type.Enum(['completed', 'refunded'] as const, {
      description: 'refunded: staff reversed it; the credits went back and the book is no longer yours',
    }),
    listing_id: Nullable(Uuid),
    item_kind: Kind,
    cookbook_id: Type.Union([Uuid, Type.Null()], {
      description: 'The book bought, while yours and its listing exist (read it through /api/cookbooks/{id})',
    }),
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

const CreateListing = Type.Object(
  {
    cookbook_id: Type.String({ maxLength: 100, description: 'The id of your cookbook' }),
    price: Price,
    title: Type.Optional(Title),
    summary: Type.Optional(Summary),
  },
  {
    additionalProperties: false,
    examples: [{ cookbook_id: '6f1c2a4e-8b7d-4e1f-9a3c-2d5e7f901234', price: 120, title: 'Sunday dinners' }],
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
    ...pageQuery,
    scope: Type.Optional(
      Type.Enum(['listed', 'mine'] as const, {
        description: 'listed (default): every book for sale; mine: your listings, listed or not',
      }),
    ),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'Words that must each appear in the title, the summary or a recipe’s name (at most 10)',
      }),
    ),
    price_max: Type.Optional(Price),
  },
  { additionalProperties: false },
);

const PageOnly = Type.Object({ ...pageQuery }, { additionalProperties: false });

export function registerMarketRoutes(app: App, services: RecipesServices): void {
  const { market } = services;

  app.get(
    '/api/market/listings',
    {
      schema: {
        tags,
        summary: 'Recipe books for sale, newest first',
        description: 'Search words in the title, summary and recipe names (q), and a highest price.',
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
        summary: 'Put one of your cookbooks on sale as a recipe book',
        description:
          'Someone else’s cookbook (or a missing one) answers 404 COOKBOOK_NOT_FOUND; a book is listed once ' +
          '(409 ITEM_ALREADY_LISTED). A book for sale holds only your own recipes (409 COOKBOOK_HAS_OTHERS_RECIPES ' +
          'with details.recipe_ids: others’ and shared copies), has recipes (409 COOKBOOK_IS_EMPTY), and is not ' +
          'public: a public cookbook is free, so it is not sold (409 COOKBOOK_IS_PUBLIC: make it private first).',
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
        summary: 'One listing: its preview, and the book for its seller and buyers',
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
          'Listing it again checks the book as listing it did (409 COOKBOOK_IS_PUBLIC, COOKBOOK_IS_EMPTY, ' +
          'COOKBOOK_HAS_OTHERS_RECIPES).',
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
        summary: 'Buy a recipe book with credits',
        description:
          'Pays the price from your credits to the seller (less the platform fee) once: 201 for the purchase, ' +
          '200 for a retry with the same Idempotency-Key (nothing more is paid). 400 IDEMPOTENCY_KEY_REQUIRED ' +
          'without a key; 402 INSUFFICIENT_CREDITS when your balance is short; 409 OWN_LISTING for your own; ' +
          '409 LISTING_ALREADY_PURCHASED when you bought it under another key; 503 when credits cannot be reached ' +
          '(retry with the same key: it is paid at most once).',
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
        summary: 'The recipe books you bought, newest first',
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
    '/api/market/sales',
    {
      schema: {
        tags,
        summary: 'The recipe books you sold, newest first, and your earnings',
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
        summary: 'Refund a purchase (HowToCookAtHome staff: admin or support)',
        description:
          'Reverses both sides once: the buyer gets the price back, the seller gives back what they received ' +
          "and the platform its fee; the buyer's access to the book ends. Again answers the same. 409 " +
          "TRANSFER_REFUND_REFUSED when the seller's balance no longer holds it; 403 STAFF_ROLE_REQUIRED for " +
          'anyone else (staff of other apps too).',
        security: bearer,
        params: IdParams,
        body: Type.Object(
          { reason: Type.String({ minLength: 3, maxLength: 200, pattern: '\\S' }) },
          { additionalProperties: false, examples: [{ reason: 'The book was not what the preview showed' }] },
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
      const staff = await requireStaff(request, market.staffRoles, 'recipes', ['admin', 'support']);
      return market.refund(request.params.id, request.body.reason.trim(), staff.userId);
    },
  );
}

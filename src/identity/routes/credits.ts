// /api/credits: the signed-in user's balance, ledger, and buying credits.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { IdempotencyHeaders, isIdempotencyKey } from '../../platform/http/idempotency.ts';
import { PageQuery } from '../../platform/http/pagination.ts';
import { Timestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import type { IdentityDeps } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import { consoleUrlOf } from '../mail/links.ts';
import { CREDIT_PACKAGE_NAMES, CREDIT_PACKAGES, PURCHASE_LIMITS } from '../service/credit-packages.ts';
import { createCreditsService } from '../service/credits.ts';
import { PAYMENT_PROVIDERS } from '../service/payment-providers.ts';
import { createPaymentsService } from '../service/payments.ts';
import { LEDGER_KINDS } from '../store/credits.ts';
import { originOf } from './origin.ts';
import { bearer, ErrorResponse } from './schemas.ts';

const tags = ['Credits'];

const Balance = Type.Object(
  {
    balance: Type.Integer({ minimum: 0, description: 'Credits available now (held credits are not)' }),
    lifetime_spent: Type.Integer({ minimum: 0, description: 'Credits ever spent by settled calls' }),
  },
  { description: 'The balance', examples: [{ balance: 940, lifetime_spent: 60 }] },
);

const LedgerItem = Type.Object(
  {
    entry_id: Type.Integer({ minimum: 1, examples: [42] }),
    amount: Type.Integer({ description: 'Signed: what this entry added to or took from the balance' }),
    kind: Type.Enum(LEDGER_KINDS, {
      description:
        'signup_grant, purchase, admin_grant and reward (an item of yours reached a milestone of upvotes) add credits; reserve holds credits for a metered call; ' +
        'release returns the unused part of a hold; refund returns a whole hold (also when it expired ' +
        'unsettled); settle_extra appears only in older ledgers, from before a call could never cost more than its hold; ' +
        'market_purchase pays for an item bought in a marketplace, market_sale is what its seller receives and ' +
        'market_fee the platform fee taken from it; market_refund reverses either side of a refunded purchase',
    }),
    reason: Type.String({ examples: ['Welcome credits'] }),
    balance_after: Type.Integer({ minimum: 0, description: 'The balance right after this entry' }),
    created_at: Timestamp,
  },
  {
    examples: [
      {
        entry_id: 1,
        amount: 1000,
        kind: 'signup_grant',
        reason: 'Welcome credits',
        balance_after: 1000,
        created_at: '2025-10-01T12:00:00.000Z',
      },
    ],
  },
);

const PurchaseBody = Type.Object(
  {
    credits: Type.Optional(
      Type.Integer({
        minimum: PURCHASE_LIMITS.min,
        maximum: PURCHASE_LIMITS.max,
        description: 'How many credits to buy, at one cent each (or send package instead)',
        examples: [500],
      }),
    ),
    package: Type.Optional(
      Type.Enum(CREDIT_PACKAGE_NAMES, {
        description: `A package instead of credits: ${Object.entries(CREDIT_PACKAGES)
          .map(([name, p]) => `${name} (${p.credits} credits for ${p.priceCents} cents)`)
          .join(', ')}`,
        examples: ['starter'],
      }),
    ),
    provider: Type.Optional(
      Type.Enum(PAYMENT_PROVIDERS, {
        description:
          'dev grants at once (the default without payments configured); stripe completes on its webhook ' +
          '(the default once CALOS_PAYMENTS_WEBHOOK_SECRET is set)',
      }),
    ),
  },
  { additionalProperties: false },
);

export function registerCreditsRoutes(app: App, deps: IdentityDeps): void {
  const credits = createCreditsService(deps);
  const payments = createPaymentsService(deps);

  app.get(
    '/api/credits/balance',
    {
      schema: {
        tags,
        summary: 'Your credits balance',
        description:
          'New accounts start with 1000 credits. The balance always equals the sum of the ledger. ' +
          'An app signed in with CALOS reads it with the credits:read scope.',
        security: bearer,
        response: { 200: Balance, 401: ErrorResponse, 403: ErrorResponse },
      },
      config: { oauthScopes: ['credits:read'] },
    },
    async (request) => {
      const { balance, lifetimeSpent } = await credits.balance(requireUser(request).userId);
      return { balance, lifetime_spent: lifetimeSpent };
    },
  );

  app.get(
    '/api/credits/ledger',
    {
      schema: {
        tags,
        summary: 'Your credits ledger, newest first',
        description: 'Append-only: every change of the balance is one entry. Page on with next_cursor.',
        security: bearer,
        querystring: PageQuery,
        response: {
          200: Type.Object(
            {
              items: Type.Array(LedgerItem),
              next_cursor: Type.Union([Type.String(), Type.Null()], {
                description: 'Pass as cursor for the next page; null on the last page',
              }),
            },
            { description: 'One page of ledger entries' },
          ),
          400: ErrorResponse,
          401: ErrorResponse,
        },
      },
    },
    async (request) =>
      credits.ledger(requireUser(request).userId, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      }),
  );

  app.get(
    '/api/credits/ledger/:entryId',
    {
      schema: {
        tags,
        summary: 'One entry of your ledger',
        description: "Another user's entry answers 404 LEDGER_ENTRY_NOT_FOUND, like one that does not exist.",
        security: bearer,
        params: Type.Object(
          { entryId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) },
          { additionalProperties: false },
        ),
        response: { 200: LedgerItem, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => credits.ledgerEntry(requireUser(request).userId, request.params.entryId),
  );

  app.post(
    '/api/credits/purchase',
    {
      schema: {
        tags,
        summary: 'Buy credits',
        description:
          'Send credits or package, and an Idempotency-Key header. Through the dev provider the credits are ' +
          'granted at once (200 completed). Through Stripe the answer is 202 pending, and the credits arrive ' +
          'exactly once when Stripe confirms the payment on the webhook.',
        security: bearer,
        headers: IdempotencyHeaders,
        body: PurchaseBody,
        response: {
          200: Type.Object(
            {
              status: Type.Literal('completed'),
              payment_id: Type.String({ format: 'uuid' }),
              credits: Type.Integer(),
              balance: Type.Integer({ minimum: 0, description: 'The balance right after this purchase' }),
            },
            {
              description: 'Paid and granted',
              examples: [
                {
                  status: 'completed',
                  payment_id: '0b6f9a9e-3c1d-4f3e-9a57-2d9e4f7a1012',
                  credits: 500,
                  balance: 1500,
                },
              ],
            },
          ),
          202: Type.Object(
            {
              status: Type.Literal('pending'),
              payment_id: Type.String({ format: 'uuid' }),
              credits: Type.Integer(),
              provider: Type.Enum(PAYMENT_PROVIDERS),
              checkout_url: Type.Union([Type.String(), Type.Null()], {
                description:
                  "Where to pay, when the provider gives one; else pay through the provider's own flow",
              }),
            },
            {
              description: 'Waiting for the provider to confirm the payment',
              examples: [
                {
                  status: 'pending',
                  payment_id: '0b6f9a9e-3c1d-4f3e-9a57-2d9e4f7a1012',
                  credits: 500,
                  provider: 'stripe',
                  checkout_url: null,
                },
              ],
            },
          ),
          400: ErrorResponse,
          401: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { userId } = requireUser(request);
      const idempotencyKey = request.headers['idempotency-key'];
      if (!isIdempotencyKey(idempotencyKey)) throw IdentityErrors.idempotencyKeyRequired();
      const result = await payments.purchaseCredits({
        userId,
        credits: request.body.credits,
        package: request.body.package,
        provider: request.body.provider,
        idempotencyKey,
        origin: originOf(request),
        consoleUrl: consoleUrlOf(deps.config, request),
      });
      return reply.status(result.status === 'completed' ? 200 : 202).send(result);
    },
  );
}

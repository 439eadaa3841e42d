// /api/subscription and /api/plans: which plan the user is on, what plans exist, and
// changing plan through a payment provider.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import { NullableTimestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import type { IdentityDeps } from '../deps.ts';
import { DEFAULT_PLANS, PLAN_CODES } from '../plans.ts';
import { PAYMENT_PROVIDERS, resolveProvider } from '../service/payment-providers.ts';
import { planCatalogOf } from '../service/plans.ts';
import { createSubscriptionsService, entitlementsJson, planJson } from '../service/subscriptions.ts';
import { originOf } from './origin.ts';
import { bearer, ErrorResponse } from './schemas.ts';

const tags = ['Plans'];

const PlanCode = Type.Enum(PLAN_CODES, { examples: ['pro'] });

const Entitlements = Type.Object(
  {
    ai_rate_limits: Type.Object(
      { per_minute: Type.Integer(), per_hour: Type.Integer(), per_day: Type.Integer() },
      { description: 'AI requests per user across every app' },
    ),
    premium_models: Type.Boolean({
      description: 'Platform-paid premium models (your own keys work on every plan)',
    }),
    family_member_cap: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Members of a family you create; null is unlimited',
    }),
    shared_calendars: Type.Boolean(),
    price_cents_per_month: Type.Integer({ minimum: 0 }),
    extra: Type.Record(Type.String(), Type.Unknown(), {
      description: 'Entitlements added since, before they become fields of their own',
    }),
  },
  { examples: [entitlementsJson(DEFAULT_PLANS.free)] },
);

const Subscription = Type.Object(
  {
    plan_code: PlanCode,
    status: Type.Enum(['active', 'canceled', 'past_due'], {
      description: 'past_due keeps the plan until current_period_end while the provider retries the payment',
    }),
    current_period_end: NullableTimestamp,
    entitlements: Entitlements,
  },
  {
    description: 'The plan in force now',
    examples: [
      {
        plan_code: 'pro',
        status: 'active',
        current_period_end: '2025-11-01T12:00:00.000Z',
        entitlements: entitlementsJson(DEFAULT_PLANS.pro),
      },
    ],
  },
);

export function registerSubscriptionRoutes(app: App, deps: IdentityDeps): void {
  const subscriptions = createSubscriptionsService(deps);

  app.get(
    '/api/plans',
    {
      schema: {
        tags,
        summary: 'The plans and what each one includes',
        description: 'Public: no sign-in needed.',
        response: {
          200: Type.Object(
            {
              plans: Type.Array(
                Type.Object({
                  plan_code: PlanCode,
                  name: Type.String({ description: 'What the plan is called where it is sold' }),
                  listed: Type.Boolean({ description: 'Offered in the account console (false: arranged)' }),
                  entitlements: Entitlements,
                }),
              ),
            },
            { description: 'Every plan, as the operator set it (subscription_plans)' },
          ),
        },
      },
    },
    async () => ({ plans: (await planCatalogOf(deps).list()).map(planJson) }),
  );

  app.get(
    '/api/subscription',
    {
      schema: {
        tags,
        summary: 'Your plan',
        description: 'Without a subscription, the free plan.',
        security: bearer,
        response: { 200: Subscription, 401: ErrorResponse },
      },
    },
    async (request) => subscriptions.current(requireUser(request).userId),
  );

  app.post(
    '/api/subscription',
    {
      schema: {
        tags,
        summary: 'Change your plan',
        description:
          'Through the dev provider the change is immediate (200; paid plans run 30 days). Through Stripe the ' +
          'answer is 202 pending and the plan changes when Stripe reports the subscription on the webhook. ' +
          'Asking for the plan you are on changes nothing. Access tokens carry the plan: refresh to get one ' +
          'with the new plan.',
        security: bearer,
        body: Type.Object(
          {
            plan_code: PlanCode,
            provider: Type.Optional(
              Type.Enum(PAYMENT_PROVIDERS, { description: 'Defaults like POST /api/credits/purchase' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            { status: Type.Literal('completed'), subscription: Subscription },
            { description: 'Changed' },
          ),
          202: Type.Object(
            {
              status: Type.Literal('pending'),
              plan_code: PlanCode,
              provider: Type.Enum(PAYMENT_PROVIDERS),
              checkout_url: Type.Union([Type.String(), Type.Null()]),
            },
            {
              description: 'Waiting for the provider',
              examples: [{ status: 'pending', plan_code: 'pro', provider: 'stripe', checkout_url: null }],
            },
          ),
          400: ErrorResponse,
          401: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { userId } = requireUser(request);
      const provider = resolveProvider(deps.config, request.body.provider);
      const result = await subscriptions.change(userId, request.body.plan_code, provider, originOf(request));
      return reply.status(result.status === 'completed' ? 200 : 202).send(result);
    },
  );
}

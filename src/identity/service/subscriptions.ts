// Plans: which one a user is on, what it entitles them to, and changing it through a payment
// provider (the dev provider at once, Stripe through its webhook).
import type { Queryable } from '../../platform/db/database.ts';
import type { IdentityDeps, RequestOrigin } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import type { Entitlements, PlanCode, PlanInfo } from '../plans.ts';
import { recordAudit } from '../store/audit.ts';
import type { PaymentProviderName } from '../store/payments.ts';
import {
  cancelSubscription,
  currentPlan,
  findLiveSubscription,
  insertSubscription,
  lastProviderEventAt,
  lockUserForPlanChange,
  type SubscriptionStatus,
  updateSubscription,
} from '../store/subscriptions.ts';
import { isUuid } from './credits.ts';
import type { PaymentProvider } from './payment-providers.ts';
import { planCatalogOf } from './plans.ts';

/** How long a plan bought through the dev provider runs before it would renew. */
export const DEV_PERIOD_DAYS = 30;

export interface EntitlementsJson {
  ai_rate_limits: { per_minute: number; per_hour: number; per_day: number };
  premium_models: boolean;
  family_member_cap: number | null;
  shared_calendars: boolean;
  price_cents_per_month: number;
  /** Entitlements added since, before they become columns of their own. */
  extra: Record<string, unknown>;
}

export interface SubscriptionView {
  /** The plan in force now (a lapsed past_due plan shows as free). */
  plan_code: PlanCode;
  status: SubscriptionStatus;
  current_period_end: Date | null;
  entitlements: EntitlementsJson;
}

export type PlanChangeResult =
  | { status: 'completed'; subscription: SubscriptionView }
  | { status: 'pending'; plan_code: PlanCode; provider: PaymentProviderName; checkout_url: string | null };

/** A plan change as a provider reports it (or as the dev provider makes it). */
export interface PlanChange {
  userId: string;
  planCode: PlanCode;
  status: SubscriptionStatus;
  currentPeriodEnd: Date | null;
  provider: PaymentProviderName;
  /** The provider's subscription id; null for the dev provider. */
  providerRef: string | null;
  /** When the provider made the event, to ignore events that arrive out of order. */
  providerEventAt: Date | null;
}

export type PlanChangeOutcome = 'applied' | 'unknown user' | 'stale event' | 'no such live subscription';

export interface SubscriptionsService {
  current(userId: string): Promise<SubscriptionView>;
  planOf(userId: string): Promise<{ plan: PlanCode; entitlements: Entitlements }>;
  /** Asks the provider for a new plan: applied at once (dev) or pending until its webhook. */
  change(
    userId: string,
    planCode: PlanCode,
    provider: PaymentProvider,
    origin?: RequestOrigin,
  ): Promise<PlanChangeResult>;
}

export function createSubscriptionsService(deps: IdentityDeps): SubscriptionsService {
  const { db } = deps;
  const plans = planCatalogOf(deps);

  const current = async (userId: string): Promise<SubscriptionView> => {
    const [live, plan] = await Promise.all([
      findLiveSubscription(db, userId),
      currentPlan(db, userId, deps.now()),
    ]);
    if (live && live.plan_code === plan)
      return {
        plan_code: plan,
        status: live.status,
        current_period_end: live.current_period_end,
        entitlements: entitlementsJson(await plans.entitlementsOf(plan)),
      };
    return {
      plan_code: 'free',
      status: 'active',
      current_period_end: null,
      entitlements: entitlementsJson(await plans.entitlementsOf('free')),
    };
  };

  return {
    current,

    async planOf(userId) {
      const plan = isUuid(userId) ? await currentPlan(db, userId, deps.now()) : 'free';
      return { plan, entitlements: await plans.entitlementsOf(plan) };
    },

    async change(userId, planCode, provider, origin = {}) {
      const now = await current(userId);
      if (now.plan_code === planCode && now.status === 'active')
        return { status: 'completed', subscription: now };
      const started = await provider.startPlanChange({ userId, planCode });
      if (started.status === 'pending') {
        return {
          status: 'pending',
          plan_code: planCode,
          provider: provider.name,
          checkout_url: started.checkoutUrl,
        };
      }
      const outcome = await db.transaction((tx) =>
        applyPlanChange(
          tx,
          {
            userId,
            planCode,
            status: 'active',
            currentPeriodEnd:
              planCode === 'free' ? null : new Date(deps.now().getTime() + DEV_PERIOD_DAYS * 86_400_000),
            provider: provider.name,
            providerRef: null,
            providerEventAt: null,
          },
          deps.now(),
          origin,
        ),
      );
      if (outcome === 'unknown user') throw IdentityErrors.userNotFound();
      return { status: 'completed', subscription: await current(userId) };
    },
  };
}

/**
 * Applies a plan change inside the caller's transaction: a renewal or status change of the
 * live plan updates it in place; another plan cancels the live row and starts a new one.
 */
export async function applyPlanChange(
  tx: Queryable,
  change: PlanChange,
  at: Date,
  origin: RequestOrigin = {},
): Promise<PlanChangeOutcome> {
  if (!(await lockUserForPlanChange(tx, change.userId))) return 'unknown user';
  if (change.providerRef && change.providerEventAt) {
    const last = await lastProviderEventAt(tx, change.providerRef);
    if (last && last > change.providerEventAt) return 'stale event';
  }
  const live = await findLiveSubscription(tx, change.userId);
  const audit = (to: PlanCode, status: SubscriptionStatus) =>
    recordAudit(tx, change.userId, 'subscription.changed', origin, {
      from: live?.plan_code ?? 'free',
      to,
      status,
      provider: change.provider,
      current_period_end: change.currentPeriodEnd?.toISOString() ?? null,
    });

  if (change.status === 'canceled') {
    if (!live || live.provider_ref !== change.providerRef) return 'no such live subscription';
    await updateSubscription(tx, live.subscription_id, {
      status: 'canceled',
      currentPeriodEnd: change.currentPeriodEnd ?? live.current_period_end,
      providerEventAt: change.providerEventAt,
      at,
    });
    await audit('free', 'canceled');
    return 'applied';
  }

  if (live && live.plan_code === change.planCode && live.provider_ref === change.providerRef) {
    await updateSubscription(tx, live.subscription_id, {
      status: change.status,
      currentPeriodEnd: change.currentPeriodEnd,
      providerEventAt: change.providerEventAt,
      at,
    });
    if (live.status !== change.status) await audit(change.planCode, change.status);
    return 'applied';
  }

  if (live) await cancelSubscription(tx, live.subscription_id, at);
  await insertSubscription(tx, {
    userId: change.userId,
    planCode: change.planCode,
    status: change.status,
    currentPeriodEnd: change.currentPeriodEnd,
    providerRef: change.providerRef,
    providerEventAt: change.providerEventAt,
  });
  await audit(change.planCode, change.status);
  return 'applied';
}

export const entitlementsJson = (e: Entitlements): EntitlementsJson => ({
  ai_rate_limits: {
    per_minute: e.aiRateLimits.perMinute,
    per_hour: e.aiRateLimits.perHour,
    per_day: e.aiRateLimits.perDay,
  },
  premium_models: e.premiumModels,
  family_member_cap: e.familyMemberCap,
  shared_calendars: e.sharedCalendars,
  price_cents_per_month: e.priceCentsPerMonth,
  extra: { ...e.extra },
});

export const planJson = (plan: PlanInfo) => ({
  plan_code: plan.code,
  name: plan.name,
  listed: plan.isListed,
  entitlements: entitlementsJson(plan.entitlements),
});

// Plans in calos_identity.user_subscriptions: at most one live (active or past_due) row per
// user; canceled rows stay as history.

import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import { isUuid } from '../../platform/ids.ts';
import type { PlanCode } from '../plans.ts';
import type { Tables } from './tables.ts';

export type SubscriptionStatus = 'active' | 'canceled' | 'past_due';

export type SubscriptionRow = Refine<
  Pick<
    Tables['user_subscriptions'],
    | 'subscription_id'
    | 'user_id'
    | 'plan_code'
    | 'status'
    | 'current_period_end'
    | 'provider_ref'
    | 'canceled_at'
    | 'provider_event_at'
    | 'created_at'
  >,
  {
    plan_code: PlanCode;
    status: SubscriptionStatus;
  }
>;

const COLUMNS = `subscription_id, user_id, plan_code, status, current_period_end, provider_ref, canceled_at,
  provider_event_at, created_at`;

/**
 * The plan a user has now: that of their live row, or 'free' without one. A past_due plan is
 * kept until its current_period_end (the provider is still retrying the payment); after that
 * the user is on 'free' until the provider says the payment went through or the plan ended.
 */
export async function currentPlan(db: Queryable, userId: string, now: Date): Promise<PlanCode> {
  // An id that is no UUID names nobody (and would be a SQL error rather than an answer).
  if (!isUuid(userId)) return 'free';
  const { rows } = await db.query<{ plan_code: PlanCode }>(
    `SELECT plan_code FROM user_subscriptions
     WHERE user_id = $1
       AND (status = 'active' OR (status = 'past_due' AND (current_period_end IS NULL OR current_period_end > $2)))`,
    [userId, now],
  );
  return rows[0]?.plan_code ?? 'free';
}

export async function findLiveSubscription(
  db: Queryable,
  userId: string,
): Promise<SubscriptionRow | undefined> {
  const { rows } = await db.query<SubscriptionRow>(
    `SELECT ${COLUMNS} FROM user_subscriptions WHERE user_id = $1 AND status IN ('active', 'past_due')`,
    [userId],
  );
  return rows[0];
}

/**
 * Serialises plan changes of one user (two at once would both insert a live row). NO KEY
 * UPDATE leaves the foreign-key checks of other tables' inserts unblocked. False when the
 * user does not exist.
 */
export async function lockUserForPlanChange(tx: Queryable, userId: string): Promise<boolean> {
  const { rows } = await tx.query('SELECT user_id FROM users WHERE user_id = $1 FOR NO KEY UPDATE', [userId]);
  return rows.length > 0;
}

/** The provider's time of the newest event applied to one of its subscriptions. */
export async function lastProviderEventAt(tx: Queryable, providerRef: string): Promise<Date | null> {
  const { rows } = await tx.query<{ at: Date | null }>(
    'SELECT max(provider_event_at) AS at FROM user_subscriptions WHERE provider_ref = $1',
    [providerRef],
  );
  return rows[0]?.at ?? null;
}

export async function insertSubscription(
  tx: Queryable,
  input: {
    userId: string;
    planCode: PlanCode;
    status: 'active' | 'past_due';
    currentPeriodEnd: Date | null;
    providerRef: string | null;
    providerEventAt: Date | null;
  },
): Promise<SubscriptionRow> {
  const { rows } = await tx.query<SubscriptionRow>(
    `INSERT INTO user_subscriptions (user_id, plan_code, status, current_period_end, provider_ref, provider_event_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [
      input.userId,
      input.planCode,
      input.status,
      input.currentPeriodEnd,
      input.providerRef,
      input.providerEventAt,
    ],
  );
  return rows[0] as SubscriptionRow;
}

/** Updates a live row in place (same plan and provider subscription: a renewal or a status change). */
export async function updateSubscription(
  tx: Queryable,
  subscriptionId: string,
  input: {
    status: SubscriptionStatus;
    currentPeriodEnd: Date | null;
    providerEventAt: Date | null;
    at: Date;
  },
): Promise<SubscriptionRow> {
  const { rows } = await tx.query<SubscriptionRow>(
    `UPDATE user_subscriptions
     SET status = $2, current_period_end = $3, provider_event_at = coalesce($4, provider_event_at),
         canceled_at = CASE WHEN $2::text = 'canceled' THEN coalesce(canceled_at, $5) ELSE canceled_at END
     WHERE subscription_id = $1 RETURNING ${COLUMNS}`,
    [subscriptionId, input.status, input.currentPeriodEnd, input.providerEventAt, input.at],
  );
  return rows[0] as SubscriptionRow;
}

/** Ends a live row now (another plan replaces it). */
export async function cancelSubscription(tx: Queryable, subscriptionId: string, at: Date): Promise<void> {
  await tx.query(
    `UPDATE user_subscriptions SET status = 'canceled', canceled_at = coalesce(canceled_at, $2)
     WHERE subscription_id = $1`,
    [subscriptionId, at],
  );
}

// Plans in calos_identity.subscription_plans: price and entitlements per plan code.
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import type { PlanCode, PlanInfo } from '../plans.ts';
import type { Tables } from './tables.ts';

type PlanRow = Refine<
  Pick<
    Tables['subscription_plans'],
    | 'plan_code'
    | 'name'
    | 'price_cents_per_month'
    | 'ai_per_minute'
    | 'ai_per_hour'
    | 'ai_per_day'
    | 'premium_models'
    | 'family_member_cap'
    | 'shared_calendars'
    | 'extra_entitlements'
    | 'is_listed'
  >,
  {
    plan_code: PlanCode;
    extra_entitlements: Record<string, unknown>;
  }
>;

const toPlan = (row: PlanRow): PlanInfo => ({
  code: row.plan_code,
  name: row.name,
  isListed: row.is_listed,
  entitlements: {
    aiRateLimits: { perMinute: row.ai_per_minute, perHour: row.ai_per_hour, perDay: row.ai_per_day },
    premiumModels: row.premium_models,
    familyMemberCap: row.family_member_cap,
    sharedCalendars: row.shared_calendars,
    priceCentsPerMonth: row.price_cents_per_month,
    extra: row.extra_entitlements,
  },
});

const COLUMNS = `plan_code, name, price_cents_per_month, ai_per_minute, ai_per_hour, ai_per_day, premium_models,
  family_member_cap, shared_calendars, extra_entitlements, is_listed`;

export async function listPlanRows(db: Queryable): Promise<PlanInfo[]> {
  const { rows } = await db.query<PlanRow>(
    `SELECT ${COLUMNS} FROM subscription_plans ORDER BY sort_order, plan_code`,
  );
  return rows.map(toPlan);
}

/** The plan's row locked for a change; undefined when there is no such plan. */
export async function lockPlan(tx: Queryable, code: string): Promise<PlanInfo | undefined> {
  const { rows } = await tx.query<PlanRow>(
    `SELECT ${COLUMNS} FROM subscription_plans WHERE plan_code = $1 FOR UPDATE`,
    [code],
  );
  return rows[0] ? toPlan(rows[0]) : undefined;
}

export async function updatePlanRow(tx: Queryable, plan: PlanInfo): Promise<PlanInfo> {
  const e = plan.entitlements;
  const { rows } = await tx.query<PlanRow>(
    `UPDATE subscription_plans
     SET name = $2, price_cents_per_month = $3, ai_per_minute = $4, ai_per_hour = $5, ai_per_day = $6,
         premium_models = $7, family_member_cap = $8, shared_calendars = $9, extra_entitlements = $10
     WHERE plan_code = $1 RETURNING ${COLUMNS}`,
    [
      plan.code,
      plan.name,
      e.priceCentsPerMonth,
      e.aiRateLimits.perMinute,
      e.aiRateLimits.perHour,
      e.aiRateLimits.perDay,
      e.premiumModels,
      e.familyMemberCap,
      e.sharedCalendars,
      JSON.stringify(e.extra),
    ],
  );
  return toPlan(rows[0] as PlanRow);
}

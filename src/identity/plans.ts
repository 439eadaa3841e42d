// Plans and what each one entitles a user to. The plans themselves are data
// (calos_identity.subscription_plans, changed with `calos plans set`); the constants here are
// the seed migration 070 wrote and the answer when the table cannot be read. Other services read
// the plan code from the access token (claim `plan`) and its entitlements through identity's client.

export const PLAN_CODES = ['free', 'pro', 'family', 'enterprise'] as const;
export type PlanCode = (typeof PLAN_CODES)[number];

export interface Entitlements {
  /** AI requests per user across every app. */
  aiRateLimits: { perMinute: number; perHour: number; perDay: number };
  /** Platform-paid premium models (BYOK is open to every plan: the user pays their provider). */
  premiumModels: boolean;
  /** Members of a family this user creates; null means unlimited. */
  familyMemberCap: number | null;
  /** iCal feeds of a family's calendar and other apps' plans on it (the family creator's plan). */
  sharedCalendars: boolean;
  /** Monthly price in cents, for display. */
  priceCentsPerMonth: number;
  /** Entitlements added since, not yet typed columns (subscription_plans.extra_entitlements). */
  extra: Readonly<Record<string, unknown>>;
}

/** A plan as the table holds it. */
export interface PlanInfo {
  code: PlanCode;
  name: string;
  /** Offered in the account console (enterprise is arranged, not bought there). */
  isListed: boolean;
  entitlements: Entitlements;
}

/** The seed (migration 070 wrote the same rows): what each plan was before plans became data. */
export const DEFAULT_PLANS: Readonly<Record<PlanCode, Entitlements>> = Object.freeze({
  free: {
    aiRateLimits: { perMinute: 10, perHour: 100, perDay: 1000 },
    premiumModels: false,
    familyMemberCap: 6,
    sharedCalendars: false,
    priceCentsPerMonth: 0,
    extra: {},
  },
  pro: {
    aiRateLimits: { perMinute: 60, perHour: 1000, perDay: 10000 },
    premiumModels: true,
    familyMemberCap: 6,
    sharedCalendars: false,
    priceCentsPerMonth: 500,
    extra: {},
  },
  family: {
    aiRateLimits: { perMinute: 60, perHour: 1000, perDay: 10000 },
    premiumModels: true,
    familyMemberCap: null,
    sharedCalendars: true,
    priceCentsPerMonth: 1000,
    extra: {},
  },
  enterprise: {
    aiRateLimits: { perMinute: 600, perHour: 20000, perDay: 200000 },
    premiumModels: true,
    familyMemberCap: null,
    sharedCalendars: true,
    priceCentsPerMonth: 0,
    extra: {},
  },
});

export const isPlanCode = (value: unknown): value is PlanCode =>
  typeof value === 'string' && (PLAN_CODES as readonly string[]).includes(value);

/** The entitlement names a PLAN_REQUIRED error may carry, with the plan field that grants each. */
export type EntitlementName = 'shared_calendars' | 'premium_models' | 'family_members';

/** The listed plans that grant an entitlement, cheapest first (what a PLAN_REQUIRED answer names). */
export function plansGranting(plans: readonly PlanInfo[], entitlement: EntitlementName): PlanCode[] {
  const grants = (e: Entitlements) =>
    entitlement === 'shared_calendars'
      ? e.sharedCalendars
      : entitlement === 'premium_models'
        ? e.premiumModels
        : e.familyMemberCap === null;
  return plans
    .filter((p) => p.isListed && grants(p.entitlements))
    .sort((a, b) => a.entitlements.priceCentsPerMonth - b.entitlements.priceCentsPerMonth)
    .map((p) => p.code);
}

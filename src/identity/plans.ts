// Plans and what each one entitles a user to. Other services read the plan code from the
// access token (claim `plan`) and its entitlements from here through identity's client.

export const PLAN_CODES = ['free', 'pro', 'family', 'enterprise'] as const;
export type PlanCode = (typeof PLAN_CODES)[number];

export interface Entitlements {
  /** AI requests per user across every app. */
  aiRateLimits: { perMinute: number; perHour: number; perDay: number };
  /** Platform-paid premium models (BYOK is open to every plan: the user pays their provider). */
  premiumModels: boolean;
  /** Members of a family this user creates; null means unlimited. */
  familyMemberCap: number | null;
  sharedCalendars: boolean;
  /** Monthly price in cents, for display. */
  priceCentsPerMonth: number;
}

export const PLANS: Readonly<Record<PlanCode, Entitlements>> = Object.freeze({
  free: {
    aiRateLimits: { perMinute: 10, perHour: 100, perDay: 1000 },
    premiumModels: false,
    familyMemberCap: 6,
    sharedCalendars: false,
    priceCentsPerMonth: 0,
  },
  pro: {
    aiRateLimits: { perMinute: 60, perHour: 1000, perDay: 10000 },
    premiumModels: true,
    familyMemberCap: 6,
    sharedCalendars: false,
    priceCentsPerMonth: 500,
  },
  family: {
    aiRateLimits: { perMinute: 60, perHour: 1000, perDay: 10000 },
    premiumModels: true,
    familyMemberCap: null,
    sharedCalendars: true,
    priceCentsPerMonth: 1000,
  },
  enterprise: {
    aiRateLimits: { perMinute: 600, perHour: 20000, perDay: 200000 },
    premiumModels: true,
    familyMemberCap: null,
    sharedCalendars: true,
    priceCentsPerMonth: 0,
  },
});

export const isPlanCode = (value: unknown): value is PlanCode =>
  typeof value === 'string' && (PLAN_CODES as readonly string[]).includes(value);

/** Entitlements of a plan code from a token; an unknown code gets the free plan's. */
export const entitlementsOf = (plan: string): Entitlements => (isPlanCode(plan) ? PLANS[plan] : PLANS.free);

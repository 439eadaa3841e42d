// The plan catalog: subscription_plans read through a short cache, and changed by operators and
// staff. A change is one transaction: the row, a staff audit entry and a `plan.changed` event in
// identity's outbox. This process drops its cache at once; other processes of identity drop
// theirs on the outbox's NOTIFY, and other services on the event (or their cache's expiry).
import type { Database } from '../../platform/db/database.ts';
import type { IdentityDeps } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import { DEFAULT_PLANS, type Entitlements, PLAN_CODES, type PlanInfo } from '../plans.ts';
import { enqueueEvent } from '../store/outbox.ts';
import { listPlanRows, lockPlan, updatePlanRow } from '../store/plans.ts';
import { recordStaffAction, type StaffActor } from './staff-audit.ts';

/** How long a process trusts its copy of the plans without hearing of a change. */
export const PLAN_CACHE_TTL_MS = 30_000;

/** What `calos plans set` and the console may change; absent fields stay as they are. */
export interface PlanPatch {
  name?: string;
  priceCentsPerMonth?: number;
  aiPerMinute?: number;
  aiPerHour?: number;
  aiPerDay?: number;
  premiumModels?: boolean;
  /** null: unlimited. */
  familyMemberCap?: number | null;
  sharedCalendars?: boolean;
  /** Merged into extra_entitlements; a null value removes that key. */
  extra?: Record<string, unknown>;
}

export interface PlanCatalog {
  list(): Promise<PlanInfo[]>;
  /** The plan of a code; an unknown code (an old token's) gets the free plan. */
  plan(code: string): Promise<PlanInfo>;
  entitlementsOf(code: string): Promise<Entitlements>;
  invalidate(): void;
  /** Called on every invalidation (the in-process client's cache follows this one). */
  onInvalidate(listener: () => void): void;
  update(code: string, patch: PlanPatch, actor: StaffActor): Promise<{ before: PlanInfo; after: PlanInfo }>;
}

const FALLBACK: PlanInfo[] = PLAN_CODES.map((code) => ({
  code,
  name: code,
  isListed: code !== 'enterprise',
  entitlements: DEFAULT_PLANS[code],
}));

const catalogs = new WeakMap<Database, PlanCatalog>();

/** One catalog per identity database handle: routes, the client and the CLI share its cache. */
export function planCatalogOf(deps: Pick<IdentityDeps, 'db' | 'now' | 'logger'>): PlanCatalog {
  let catalog = catalogs.get(deps.db);
  if (!catalog) {
    catalog = createPlanCatalog(deps);
    catalogs.set(deps.db, catalog);
  }
  return catalog;
}

const MAX_INT = { price: 10_000_000, minute: 1_000_000, hour: 100_000_000, day: 1_000_000_000, cap: 10_000 };

export function validatePlanPatch(patch: PlanPatch): void {
  const int = (name: string, value: number | undefined, max: number, min = 0) => {
    if (value === undefined) return;
    if (!Number.isInteger(value) || value < min || value > max)
      throw IdentityErrors.planChangeInvalid(`${name} must be a whole number from ${min} to ${max}`);
  };
  int('price', patch.priceCentsPerMonth, MAX_INT.price);
  int('AI requests per minute', patch.aiPerMinute, MAX_INT.minute);
  int('AI requests per hour', patch.aiPerHour, MAX_INT.hour);
  int('AI requests per day', patch.aiPerDay, MAX_INT.day);
  if (patch.familyMemberCap !== null) int('family members', patch.familyMemberCap, MAX_INT.cap, 1);
  if (patch.name !== undefined && (patch.name.trim().length === 0 || patch.name.length > 60))
    throw IdentityErrors.planChangeInvalid('a plan name has 1 to 60 characters');
  if (patch.extra !== undefined) {
    const keys = Object.keys(patch.extra);
    if (keys.length > 50 || keys.some((k) => !/^[a-z][a-z0-9_]{0,39}$/.test(k)))
      throw IdentityErrors.planChangeInvalid('extra entitlements are up to 50 snake_case names');
    if (JSON.stringify(patch.extra).length > 8_000)
      throw IdentityErrors.planChangeInvalid('extra entitlements are at most 8000 characters of JSON');
  }
}

function applyPatch(plan: PlanInfo, patch: PlanPatch): PlanInfo {
  const e = plan.entitlements;
  const extra: Record<string, unknown> = { ...e.extra };
  for (const [key, value] of Object.entries(patch.extra ?? {})) {
    if (value === null) delete extra[key];
    else extra[key] = value;
  }
  const next: PlanInfo = {
    ...plan,
    name: patch.name?.trim() ?? plan.name,
    entitlements: {
      aiRateLimits: {
        perMinute: patch.aiPerMinute ?? e.aiRateLimits.perMinute,
        perHour: patch.aiPerHour ?? e.aiRateLimits.perHour,
        perDay: patch.aiPerDay ?? e.aiRateLimits.perDay,
      },
      premiumModels: patch.premiumModels ?? e.premiumModels,
      familyMemberCap: patch.familyMemberCap === undefined ? e.familyMemberCap : patch.familyMemberCap,
      sharedCalendars: patch.sharedCalendars ?? e.sharedCalendars,
      priceCentsPerMonth: patch.priceCentsPerMonth ?? e.priceCentsPerMonth,
      extra,
    },
  };
  const { perMinute, perHour, perDay } = next.entitlements.aiRateLimits;
  if (perMinute > perHour || perHour > perDay)
    throw IdentityErrors.planChangeInvalid(
      `AI limits must grow with the window: per minute ${perMinute} ≤ per hour ${perHour} ≤ per day ${perDay}`,
    );
  return next;
}

function createPlanCatalog(deps: Pick<IdentityDeps, 'db' | 'now' | 'logger'>): PlanCatalog {
  let cached: { plans: PlanInfo[]; at: number } | undefined;
  let loading: Promise<PlanInfo[]> | undefined;
  // Bumped by invalidate(): a read that started before a change does not refill the cache.
  let generation = 0;
  const listeners = new Set<() => void>();

  const list = async (): Promise<PlanInfo[]> => {
    const now = deps.now().getTime();
    if (cached && now - cached.at < PLAN_CACHE_TTL_MS && now >= cached.at) return cached.plans;
    if (!loading) {
      const started = generation;
      loading = listPlanRows(deps.db)
        .then((plans) => {
          if (started === generation) cached = { plans, at: deps.now().getTime() };
          return plans;
        })
        .catch((error: unknown) => {
          // 42P01: identity's schema predates migration 070 (a rolling upgrade): the seed applies.
          if ((error as { code?: unknown }).code !== '42P01') throw error;
          deps.logger.warn(
            'subscription_plans is missing: the built-in plans apply until migration 070 runs',
          );
          return FALLBACK;
        })
        .finally(() => {
          loading = undefined;
        });
    }
    return loading;
  };

  const plan = async (code: string): Promise<PlanInfo> => {
    const plans = await list();
    return (
      plans.find((p) => p.code === code) ?? plans.find((p) => p.code === 'free') ?? (FALLBACK[0] as PlanInfo)
    );
  };

  const invalidate = () => {
    generation++;
    cached = undefined;
    for (const listener of listeners) listener();
  };

  return {
    list,
    plan,
    entitlementsOf: async (code) => (await plan(code)).entitlements,
    invalidate,
    onInvalidate: (listener) => {
      listeners.add(listener);
    },
    async update(code, patch, actor) {
      validatePlanPatch(patch);
      const result = await deps.db.transaction(async (tx) => {
        const before = await lockPlan(tx, code);
        if (!before) throw IdentityErrors.planNotFound(code);
        const after = await updatePlanRow(tx, applyPatch(before, patch));
        const at = deps.now();
        await recordStaffAction(tx, {
          actor,
          action: 'plan.changed',
          subjectUserId: null,
          domain: 'all',
          reason: null,
          details: {
            plan_code: code,
            before: before.entitlements,
            after: after.entitlements,
            name: after.name,
          },
          at,
        });
        await enqueueEvent(tx, 'plan.changed', { plan_code: code }, at);
        return { before, after };
      });
      invalidate();
      return result;
    },
  };
}

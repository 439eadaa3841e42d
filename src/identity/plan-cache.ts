// A service's copy of identity's plans: entitlements by the plan code a token carries, without a
// call to identity per request. Dropped when identity's outbox says `plan.changed` (the service's
// consumer calls `handle`) and, at the latest, after `ttlMs` (another process of the same
// service may have consumed the event).
import type { Entitlements, PlanInfo } from './plans.ts';

export interface PlanCache {
  entitlementsOf(planCode: string): Promise<Entitlements>;
  plans(): Promise<PlanInfo[]>;
  invalidate(): void;
  /** An identity outbox event: plan.changed drops the copy; other topics are not ours. */
  handle(event: { topic: string }): Promise<void>;
}

export function createPlanCache(
  fetchPlans: () => Promise<PlanInfo[]>,
  options: { ttlMs?: number; nowMs?: () => number } = {},
): PlanCache {
  const ttlMs = options.ttlMs ?? 30_000;
  const nowMs = options.nowMs ?? (() => performance.now());
  let cached: { plans: PlanInfo[]; at: number } | undefined;
  let loading: Promise<PlanInfo[]> | undefined;
  let generation = 0;
  const plans = async () => {
    const now = nowMs();
    if (cached && now - cached.at < ttlMs && now >= cached.at) return cached.plans;
    if (!loading) {
      const started = generation;
      loading = fetchPlans()
        .then((list) => {
          if (started === generation) cached = { plans: list, at: nowMs() };
          return list;
        })
        .finally(() => {
          loading = undefined;
        });
    }
    return loading;
  };
  const invalidate = () => {
    generation++;
    cached = undefined;
  };
  return {
    plans,
    async entitlementsOf(planCode) {
      const list = await plans();
      const plan = list.find((p) => p.code === planCode) ?? list.find((p) => p.code === 'free');
      if (!plan) throw new Error('identity has no free plan');
      return plan.entitlements;
    },
    invalidate,
    async handle(event) {
      if (event.topic === 'plan.changed') invalidate();
    },
  };
}

const shared = new WeakMap<object, PlanCache>();

/** The one cache of a client object in this process (the gateway's and the planner's share it). */
export function planCacheFor(identity: { plans(): Promise<PlanInfo[]> }): PlanCache {
  let cache = shared.get(identity);
  if (!cache) {
    cache = createPlanCache(() => identity.plans());
    shared.set(identity, cache);
  }
  return cache;
}

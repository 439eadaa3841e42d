// What a family may do by its plan: the plan of the account that created it covers the whole
// household (member cap, shared calendars). Shared calendars are the family's iCal feeds and other
// apps' plans linked onto its calendar; without them, asking for one is 402 PLAN_REQUIRED naming
// the plans that include them and the account console's plan page.
import { DEFAULT_PLANS, planCacheFor, plansGranting } from '../../identity/client.ts';
import type { FamilyDeps } from '../deps.ts';
import { CalendarFeedErrors } from '../errors.ts';
import { familyCreator } from '../store/families.ts';

export function createFamilyEntitlements(deps: FamilyDeps) {
  const sharedCalendarsOf = async (createdBy: string | null): Promise<boolean> =>
    createdBy
      ? (await deps.identity().planOf(createdBy)).entitlements.sharedCalendars
      : DEFAULT_PLANS.free.sharedCalendars;

  return {
    /** Whether the family's plan includes shared calendars now (a family gone: no). */
    async hasSharedCalendars(familyId: string): Promise<boolean> {
      const createdBy = await familyCreator(deps.db, familyId);
      if (createdBy === undefined) return false;
      return sharedCalendarsOf(createdBy);
    },

    /** What a family without shared calendars is told: the plans that include them, and where to upgrade. */
    async upgradePath() {
      return {
        plans: plansGranting(await planCacheFor(deps.identity()).plans(), 'shared_calendars'),
        upgrade_url: deps.upgradeUrl ?? '/account/plan',
      };
    },

    /** Throws PLAN_REQUIRED unless the family's plan includes shared calendars. */
    async assertSharedCalendars(familyId: string): Promise<void> {
      const createdBy = await familyCreator(deps.db, familyId);
      if (createdBy === undefined) return;
      if (await sharedCalendarsOf(createdBy)) return;
      const plans = plansGranting(await planCacheFor(deps.identity()).plans(), 'shared_calendars');
      throw CalendarFeedErrors.planRequired('shared_calendars', plans, deps.upgradeUrl ?? '/account/plan');
    },
  };
}

export type FamilyEntitlements = ReturnType<typeof createFamilyEntitlements>;

/** identity's plan.changed drops this process's copy of the plans (other topics are not ours). */
export const createPlanEventHandler = (deps: Pick<FamilyDeps, 'identity'>) => (event: { topic: string }) =>
  planCacheFor(deps.identity()).handle(event);

// Meal plans on the family calendar: a member puts one of their HowToCookAtHome meal plans on
// the calendar of a family; every member then sees its meals (read through HowToCookAtHome's
// link as the plan's owner, so later edits show up and a deleted plan simply disappears).
// Linking needs shared calendars (the Family plan). When the family's plan loses them (its creator
// downgraded), links stay stored but their meals stop showing, and the list says so with the
// plans that include them and the upgrade page; on upgrade they show again.
import type { FamilyDeps } from '../deps.ts';
import { CalendarFeedErrors, FamilyErrors } from '../errors.ts';
import type { MealPlansLink } from '../links.ts';
import { deleteCalendarLink, insertCalendarLink, listCalendarLinks } from '../store/calendar-links.ts';
import { findRole } from '../store/families.ts';
import { createFamilyEntitlements } from './entitlements.ts';
import type { CalendarSource } from './ical.ts';
import type { CalendarEntry } from './ical-format.ts';
import { isUuid } from './pages.ts';

const SLOT_ORDER = ['breakfast', 'lunch', 'snack', 'dinner'];

export function createCalendarLinkService(deps: FamilyDeps, recipes: () => MealPlansLink | undefined) {
  const { db } = deps;
  const entitlements = createFamilyEntitlements(deps);

  async function roleIn(userId: string, familyId: string) {
    if (!isUuid(familyId)) throw FamilyErrors.familyNotFound();
    const role = await findRole(db, familyId, userId);
    if (!role) throw FamilyErrors.familyNotFound();
    return role;
  }

  const mealPlanSource: CalendarSource = async (familyId, from, to) => {
    const client = recipes();
    if (!client) return [];
    if (!(await entitlements.hasSharedCalendars(familyId))) return [];
    const entries: CalendarEntry[] = [];
    for (const link of await listCalendarLinks(db, familyId)) {
      const plan = await client.planForUser(link.owner_id, link.ref_id);
      if (!plan) continue;
      for (const [date, slots] of Object.entries(plan.meals)) {
        const day = new Date(`${date}T00:00:00Z`);
        if (day < new Date(from.toISOString().slice(0, 10)) || day >= to) continue;
        const meals = SLOT_ORDER.filter((slot) => slots[slot]).map(
          (slot) => `${slot}: ${slots[slot]?.recipe_name ?? 'a recipe'}`,
        );
        if (meals.length === 0) continue;
        entries.push({
          uid: `${plan.plan_id}-${date}@recipes.calos`,
          start: day,
          end: null,
          allDay: true,
          summary: `${plan.plan_name} — ${meals.join(', ')}`,
          lastModified: plan.updated_at,
          categories: ['meal plan'],
          source: { domain: 'recipes', id: plan.plan_id },
        });
      }
    }
    return entries;
  };

  return {
    mealPlanSource,

    async add(userId: string, input: { family_id: string; meal_plan_id: string }) {
      await roleIn(userId, input.family_id);
      await entitlements.assertSharedCalendars(input.family_id);
      const client = recipes();
      if (!client || !isUuid(input.meal_plan_id) || !(await client.planForUser(userId, input.meal_plan_id))) {
        throw CalendarFeedErrors.mealPlanNotFound();
      }
      const link = await insertCalendarLink(db, {
        familyId: input.family_id,
        refId: input.meal_plan_id,
        ownerId: userId,
      });
      return {
        link_id: link.link_id,
        family_id: link.family_id,
        meal_plan_id: link.ref_id,
        owner_id: link.owner_id,
        created_at: link.created_at,
        state: 'shown' as const,
        plan_required: null,
      };
    },

    async list(userId: string, familyId: string) {
      await roleIn(userId, familyId);
      const links = await listCalendarLinks(db, familyId);
      const shown = links.length === 0 || (await entitlements.hasSharedCalendars(familyId));
      const needs = shown ? null : { entitlement: 'shared_calendars', ...(await entitlements.upgradePath()) };
      return links.map((link) => ({
        link_id: link.link_id,
        family_id: link.family_id,
        meal_plan_id: link.ref_id,
        owner_id: link.owner_id,
        created_at: link.created_at,
        state: shown ? ('shown' as const) : ('plan_required' as const),
        plan_required: needs,
      }));
    },

    /** The member who added it, or an admin, takes it off. */
    async remove(userId: string, familyId: string, linkId: string) {
      const role = await roleIn(userId, familyId);
      const link = isUuid(linkId)
        ? (await listCalendarLinks(db, familyId)).find((l) => l.link_id === linkId)
        : undefined;
      if (!link || (role !== 'admin' && link.owner_id !== userId)) throw CalendarFeedErrors.linkNotFound();
      await deleteCalendarLink(db, familyId, linkId);
    },
  };
}

export type CalendarLinkService = ReturnType<typeof createCalendarLinkService>;

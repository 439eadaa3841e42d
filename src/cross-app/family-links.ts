// Family Planner's links to the other apps (src/family/links.ts), made from their clients: the
// family calendar's sources (Halloween events planned with the family, members' meal plans).
import type { FamilyLinks, LinkedDayEntry } from '../family/links.ts';
import type { FamilyEvent, HollowtownClient } from '../hollowtown/client.ts';
import type { ClientRegistry } from '../platform/http/service.ts';
import type { RecipesClient } from '../recipes/client.ts';

/** Hollowtown's events planned with the family, as whole-day entries of its calendar. */
async function halloweenEvents(
  clients: ClientRegistry,
  familyId: string,
  fromDay: string,
  toDay: string,
): Promise<LinkedDayEntry[]> {
  if (!clients.has('hollowtown')) return [];
  const events = await clients.get<HollowtownClient>('hollowtown').familyEvents(familyId, fromDay, toDay);
  return events.map(dayEntryOf);
}

const dayEntryOf = (event: FamilyEvent): LinkedDayEntry => ({
  domain: 'hollowtown',
  id: event.event_id,
  day: event.event_date,
  summary: event.event_name,
  location: event.location,
  categories: ['hollowtown', event.event_type],
  updatedAt: event.updated_at,
});

/** Looked up per use: HowToCookAtHome is built after Family Planner's neighbours, or elsewhere. */
export function familyLinks(clients: ClientRegistry): FamilyLinks {
  return {
    mealPlans: () => {
      if (!clients.has('recipes')) return undefined;
      const recipes = clients.get<RecipesClient>('recipes');
      return { planForUser: (userId, planId) => recipes.getMealPlanForUser(userId, planId) };
    },
    dayEntries: [(familyId, fromDay, toDay) => halloweenEvents(clients, familyId, fromDay, toDay)],
    async dayEntriesById(domain, familyId, ids) {
      if (domain !== 'hollowtown' || ids.length === 0 || !clients.has('hollowtown')) return [];
      return (await clients.get<HollowtownClient>('hollowtown').familyEventsById(familyId, ids)).map(
        dayEntryOf,
      );
    },
  };
}

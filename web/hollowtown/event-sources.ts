// Where the events views get their data: the user's own events from Hollowtown, and the events
// planned with their families, found through the families' lists in Family Planner (Hollowtown's
// list of events holds only the user's own).
import type { ViewProps } from '../shared/app-shell.tsx';
import { describeError } from '../shared/errors.ts';
import { useLoad } from '../shared/hooks.ts';
import type { Family, FamilyShoppingList, HalloweenEvent, Page } from './event-types.ts';
import { appApi } from './other-apps.ts';

type Api = ViewProps['api'];

/** The user's families in Family Planner (an error says why they could not be read). */
export function useFamilies(props: Pick<ViewProps, 'config' | 'session'>) {
  const { config, session } = props;
  return useLoad(
    (signal) =>
      appApi({ config, session }, 'family')<Page<Family>>('/api/families', { signal, query: { limit: 100 } }),
    [config, session],
  );
}

export interface VisibleEvents {
  events: HalloweenEvent[];
  families: Family[];
  /** Why the events shared through families could not be read, when they could not. */
  familyProblem?: string;
}

/** The family shopping list's cost is only on the single-event answer; read it for family events. */
const withFamilyList = (api: Api, event: HalloweenEvent, signal: AbortSignal) =>
  event.family_id
    ? api<HalloweenEvent>(`/api/events/${event.event_id}`, { signal }).catch(() => event)
    : Promise.resolve(event);

async function familyEventIds(props: Pick<ViewProps, 'config' | 'session'>, signal: AbortSignal) {
  const family = appApi(props, 'family');
  const families = await family<Page<Family>>('/api/families', { signal, query: { limit: 100 } });
  const lists = await Promise.all(
    families.items.map((f) =>
      family<{ items: FamilyShoppingList[] }>('/api/shopping-lists', {
        signal,
        query: { family_id: f.family_id },
      }),
    ),
  );
  const ids = new Set(
    lists.flatMap((answer) =>
      answer.items.flatMap((list) => (list.source?.domain === 'hollowtown' ? [list.source.id] : [])),
    ),
  );
  return { families: families.items, ids };
}

export async function loadVisibleEvents(props: ViewProps, signal: AbortSignal): Promise<VisibleEvents> {
  const { api } = props;
  const [own, shared] = await Promise.all([
    api<Page<HalloweenEvent>>('/api/events', { signal, query: { limit: 100 } }),
    familyEventIds(props, signal).then(
      (found) => ({ ...found, problem: undefined }),
      (error: unknown) => ({ families: [], ids: new Set<string>(), problem: describeError(error) }),
    ),
  ]);
  const mine = new Set(own.items.map((e) => e.event_id));
  const others = await Promise.all(
    [...shared.ids]
      .filter((id) => !mine.has(id))
      .map((id) => api<HalloweenEvent>(`/api/events/${id}`, { signal }).catch(() => null)),
  );
  const events = [
    ...(await Promise.all(own.items.map((event) => withFamilyList(api, event, signal)))),
    ...others.filter((event): event is HalloweenEvent => event !== null),
  ].sort((a, b) => a.event_date.localeCompare(b.event_date) || a.event_id.localeCompare(b.event_id));
  return { events, families: shared.families, familyProblem: shared.problem };
}

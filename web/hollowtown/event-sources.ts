// Where the events views get their data: Hollowtown's events (the user's own and those planned
// with their families), and the user's families from Family Planner for their names.
import type { ViewProps } from '../shared/app-shell.tsx';
import { describeError } from '../shared/errors.ts';
import { useLoad } from '../shared/hooks.ts';
import type { Family, HalloweenEvent, Page } from './event-types.ts';
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
  /** Why the families' names could not be read, when they could not. */
  familyProblem?: string;
}

/** More than anyone plans; a page beyond it is left out rather than loaded without end. */
const MAX_PAGES = 10;

async function allEvents(api: Api, signal: AbortSignal): Promise<HalloweenEvent[]> {
  const events: HalloweenEvent[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer: Page<HalloweenEvent> = await api<Page<HalloweenEvent>>('/api/events', {
      signal,
      query: { limit: 100, cursor },
    });
    events.push(...answer.items);
    cursor = answer.next_cursor;
    if (!cursor) break;
  }
  return events;
}

/** The family shopping list's cost is only on the single-event answer; read it for family events. */
const withFamilyList = (api: Api, event: HalloweenEvent, signal: AbortSignal) =>
  event.family_id
    ? api<HalloweenEvent>(`/api/events/${event.event_id}`, { signal }).catch(() => event)
    : Promise.resolve(event);

/** Every event the user sees, soonest first, with the families they are planned with. */
export async function loadVisibleEvents(props: ViewProps, signal: AbortSignal): Promise<VisibleEvents> {
  const { api } = props;
  const [events, families] = await Promise.all([
    allEvents(api, signal),
    appApi(props, 'family')<Page<Family>>('/api/families', { signal, query: { limit: 100 } }).then(
      (answer) => ({ items: answer.items, problem: undefined }),
      (error: unknown) => ({ items: [] as Family[], problem: describeError(error) }),
    ),
  ]);
  return {
    events: await Promise.all(events.map((event) => withFamilyList(api, event, signal))),
    families: families.items,
    familyProblem: families.problem,
  };
}

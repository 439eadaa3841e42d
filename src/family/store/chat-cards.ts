// What a chat message's link shows (its card), and what a member may link, in family_db. Every
// query is scoped to the family: a link to another family's thing finds nothing.
import type { Queryable } from '../../platform/db/database.ts';

export type LinkKind = 'todo' | 'shopping_item' | 'event' | 'hollowtown_event';

/** One linkable thing, as its card shows it. */
export interface CardRow {
  kind: LinkKind;
  id: string;
  title: string;
  /** Where it lives: the list's name. */
  context: string | null;
  /** When: a due day (YYYY-MM-DD) or instant, an event's start. */
  when: string | null;
  /** Done (a todo) or checked (a shopping item); null for events. */
  done: boolean | null;
  /** The list it is on. */
  list_id: string | null;
}

const TODO_CARDS = `SELECT 'todo' AS kind, i.item_id AS id, i.title, l.list_name AS context,
    COALESCE(i.due_on::text, to_char(i.due_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')) AS "when",
    i.status = 'done' AS done, l.list_id
  FROM todo_items i JOIN todo_lists l ON l.list_id = i.list_id
  WHERE l.family_id = $1 AND l.list_type <> 'personal'`;
const SHOPPING_CARDS = `SELECT 'shopping_item' AS kind, i.item_id AS id, i.name AS title, l.list_name AS context,
    NULL AS "when", i.checked AS done, l.list_id
  FROM family_shopping_items i JOIN family_shopping_lists l ON l.list_id = i.list_id
  WHERE l.family_id = $1`;
const EVENT_CARDS = `SELECT 'event' AS kind, e.event_id AS id, e.event_name AS title,
    CASE WHEN e.recurrence_rule IS NULL THEN NULL ELSE 'repeats' END AS context,
    to_char(e.start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "when", NULL::boolean AS done,
    NULL::uuid AS list_id
  FROM family_events e
  WHERE e.family_id = $1`;

/** The cards of these things of the family (the ones that exist and it may show), by id. */
export async function findCards(
  db: Queryable,
  familyId: string,
  links: { kind: Exclude<LinkKind, 'hollowtown_event'>; id: string }[],
): Promise<Map<string, CardRow>> {
  const params: unknown[] = [familyId];
  const parts: string[] = [];
  for (const [kind, select, column] of [
    ['todo', TODO_CARDS, 'i.item_id'],
    ['shopping_item', SHOPPING_CARDS, 'i.item_id'],
    ['event', EVENT_CARDS, 'e.event_id'],
  ] as const) {
    const ids = links.filter((l) => l.kind === kind).map((l) => l.id);
    if (ids.length === 0) continue;
    params.push(ids);
    parts.push(`${select} AND ${column} = ANY($${params.length}::uuid[])`);
  }
  if (parts.length === 0) return new Map();
  const { rows } = await db.query<CardRow>(parts.join(' UNION ALL '), params);
  return new Map(rows.map((row) => [`${row.kind}:${row.id}`, row]));
}

/**
 * What a member may link now, a few of each: open todos (soonest due first), unchecked shopping
 * items (newest lists first), and events from `from` on (soonest first; series by their start).
 */
export async function linkableCards(
  db: Queryable,
  familyId: string,
  from: Date,
  each: number,
): Promise<CardRow[]> {
  const { rows } = await db.query<CardRow>(
    `(${TODO_CARDS} AND i.status <> 'done' ORDER BY COALESCE(i.due_date, i.due_on::timestamptz) NULLS LAST, i.created_at DESC LIMIT $2)
     UNION ALL
     (${SHOPPING_CARDS} AND NOT i.checked ORDER BY l.created_at DESC, i.position LIMIT $2)
     UNION ALL
     (${EVENT_CARDS} AND (e.start_time >= $3 OR e.recurrence_rule IS NOT NULL) ORDER BY e.start_time LIMIT $2)`,
    [familyId, each, from],
  );
  return rows;
}

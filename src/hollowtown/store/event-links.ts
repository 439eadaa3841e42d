// What links a Halloween event to other apps: its family, the recipes added to it, and the
// family shopping list generated from them.
import type { Queryable } from '../../platform/db/database.ts';
import type { EventRow } from './events.ts';
import type { Tables } from './tables.ts';

const COLUMNS = `event_id, user_id, family_id, family_list_id, event_name, event_type, event_date, location,
  guest_count, budget_cents, shopping_list, created_at, updated_at`;

/** An event with what links it to other apps (every event row has it now). */
export type LinkedEventRow = EventRow;

/** An event by id, whoever owns it: callers decide who may see it. */
export async function findAnyEvent(db: Queryable, eventId: string): Promise<LinkedEventRow | undefined> {
  const { rows } = await db.query<LinkedEventRow>(
    `SELECT ${COLUMNS} FROM halloween_events WHERE event_id = $1`,
    [eventId],
  );
  return rows[0];
}

export async function setEventFamily(db: Queryable, eventId: string, familyId: string | null): Promise<void> {
  // A list generated for another family stays with that family; the event forgets it.
  await db.query(
    `UPDATE halloween_events SET family_id = $2,
       family_list_id = CASE WHEN family_id IS DISTINCT FROM $2 THEN NULL ELSE family_list_id END
     WHERE event_id = $1`,
    [eventId, familyId],
  );
}

/** Records the event's family list; false when the event is gone. */
export async function setEventFamilyList(db: Queryable, eventId: string, listId: string): Promise<boolean> {
  const result = await db.query('UPDATE halloween_events SET family_list_id = $2 WHERE event_id = $1', [
    eventId,
    listId,
  ]);
  return (result.rowCount ?? 0) > 0;
}

export type EventRecipeRow = Pick<
  Tables['event_recipes'],
  'domain' | 'recipe_id' | 'added_by' | 'created_at'
>;

/** False when the recipe was already on the event. */
export async function addEventRecipe(
  db: Queryable,
  eventId: string,
  recipe: { domain: string; recipeId: string; addedBy: string },
): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO event_recipes (event_id, domain, recipe_id, added_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING`,
    [eventId, recipe.domain, recipe.recipeId, recipe.addedBy],
  );
  return result.rowCount > 0;
}

export async function removeEventRecipe(
  db: Queryable,
  eventId: string,
  domain: string,
  recipeId: string,
): Promise<boolean> {
  const result = await db.query(
    'DELETE FROM event_recipes WHERE event_id = $1 AND domain = $2 AND recipe_id = $3',
    [eventId, domain, recipeId],
  );
  return result.rowCount > 0;
}

export async function listEventRecipes(db: Queryable, eventId: string): Promise<EventRecipeRow[]> {
  const { rows } = await db.query<EventRecipeRow>(
    'SELECT domain, recipe_id, added_by, created_at FROM event_recipes WHERE event_id = $1 ORDER BY created_at LIMIT 100',
    [eventId],
  );
  return rows;
}

export async function countEventRecipes(db: Queryable, eventId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*) AS n FROM event_recipes WHERE event_id = $1',
    [eventId],
  );
  return rows[0]?.n ?? 0;
}

/** A family's events between two days (inclusive), for its calendar. */
export async function familyEventsBetween(
  db: Queryable,
  familyId: string,
  fromDay: string,
  toDay: string,
): Promise<LinkedEventRow[]> {
  const { rows } = await db.query<LinkedEventRow>(
    `SELECT ${COLUMNS} FROM halloween_events
     WHERE family_id = $1 AND event_date BETWEEN $2::date AND $3::date ORDER BY event_date LIMIT 500`,
    [familyId, fromDay, toDay],
  );
  return rows;
}

/** These events, those of them planned with the family. */
export async function familyEventsByIds(
  db: Queryable,
  familyId: string,
  eventIds: readonly string[],
): Promise<LinkedEventRow[]> {
  const { rows } = await db.query<LinkedEventRow>(
    `SELECT ${COLUMNS} FROM halloween_events WHERE family_id = $1 AND event_id = ANY($2::uuid[]) LIMIT 500`,
    [familyId, eventIds],
  );
  return rows;
}

/** Events linked to families, for integrity checks across databases. */
export async function linkedFamilyIds(db: Queryable): Promise<{ event_id: string; family_id: string }[]> {
  const { rows } = await db.query<{ event_id: string; family_id: string }>(
    'SELECT event_id, family_id FROM halloween_events WHERE family_id IS NOT NULL',
  );
  return rows;
}

export async function clearEventFamily(db: Queryable, eventId: string): Promise<void> {
  await db.query('UPDATE halloween_events SET family_id = NULL, family_list_id = NULL WHERE event_id = $1', [
    eventId,
  ]);
}

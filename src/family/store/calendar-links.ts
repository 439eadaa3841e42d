// Entries of other apps that members put on the family calendar (HowToCookAtHome meal plans).
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import type { Tables } from './tables.ts';

export type CalendarLinkRow = Refine<
  Pick<
    Tables['family_calendar_links'],
    'link_id' | 'family_id' | 'domain' | 'ref_id' | 'owner_id' | 'created_at'
  >,
  {
    domain: 'recipes';
  }
>;

const COLUMNS = 'link_id, family_id, domain, ref_id, owner_id, created_at';

/** The new link, or the existing one for the same plan. */
export async function insertCalendarLink(
  db: Queryable,
  input: { familyId: string; refId: string; ownerId: string },
): Promise<CalendarLinkRow> {
  const { rows } = await db.query<CalendarLinkRow>(
    `INSERT INTO family_calendar_links (family_id, domain, ref_id, owner_id) VALUES ($1, 'recipes', $2, $3)
     ON CONFLICT (family_id, domain, ref_id) DO UPDATE SET owner_id = family_calendar_links.owner_id
     RETURNING ${COLUMNS}`,
    [input.familyId, input.refId, input.ownerId],
  );
  return rows[0] as CalendarLinkRow;
}

export async function listCalendarLinks(db: Queryable, familyId: string): Promise<CalendarLinkRow[]> {
  const { rows } = await db.query<CalendarLinkRow>(
    `SELECT ${COLUMNS} FROM family_calendar_links WHERE family_id = $1 ORDER BY created_at LIMIT 100`,
    [familyId],
  );
  return rows;
}

export async function deleteCalendarLink(db: Queryable, familyId: string, linkId: string): Promise<void> {
  await db.query('DELETE FROM family_calendar_links WHERE family_id = $1 AND link_id = $2', [
    familyId,
    linkId,
  ]);
}

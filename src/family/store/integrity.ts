// The questions integrity checks across databases ask of family_db (FamilyClient.integrity):
// which user ids it holds, and which families exist. Read-only; fixes go through the
// user.deleted policy (service/user-deleted.ts).
import type { Queryable } from '../../platform/db/database.ts';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * User ids in the family rows that user.deleted removes or anonymises (memberships, authors,
 * assignments, completions, attendance, shopping lists and their changes, calendar
 * subscriptions and meal plans on the calendar, invitations, affiliate clicks not yet anonymised),
 * ascending, after `after`.
 */
export async function familyUserIds(db: Queryable, after: string | null, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ user_id: string }>(
    `SELECT user_id FROM (
       SELECT user_id FROM family_members
       UNION SELECT created_by FROM families
       UNION SELECT created_by FROM todo_lists
       UNION SELECT created_by FROM todo_items
       UNION SELECT assigned_to FROM todo_items
       UNION SELECT completed_by FROM todo_items
       UNION SELECT created_by FROM family_events
       UNION SELECT unnest(attendees) FROM family_events
       UNION SELECT created_by FROM family_shopping_lists
       UNION SELECT created_by FROM family_shopping_items
       UNION SELECT checked_by FROM family_shopping_items
       UNION SELECT actor FROM family_shopping_events
       UNION SELECT actor FROM family_shopping_idempotency
       UNION SELECT created_by FROM family_ical_feeds
       UNION SELECT owner_id FROM family_calendar_links
       UNION SELECT invitee_user_id FROM family_invitations
       UNION SELECT created_by FROM family_invitations
       UNION SELECT approved_by FROM family_invitations
       UNION SELECT author_id FROM family_messages
       UNION SELECT deleted_by FROM family_messages
       UNION SELECT user_id FROM family_chat_reads
       UNION SELECT user_id FROM affiliate_clicks
     ) AS referenced (user_id)
     WHERE user_id IS NOT NULL AND user_id <> $3::uuid AND ($1::uuid IS NULL OR user_id > $1::uuid)
     ORDER BY user_id LIMIT $2`,
    [after, limit, NIL_UUID],
  );
  return rows.map((r) => r.user_id);
}

export async function existingFamilyIds(db: Queryable, familyIds: readonly string[]): Promise<Set<string>> {
  if (familyIds.length === 0) return new Set();
  const { rows } = await db.query<{ family_id: string }>(
    'SELECT family_id FROM families WHERE family_id = ANY($1::uuid[])',
    [[...familyIds]],
  );
  return new Set(rows.map((r) => r.family_id));
}

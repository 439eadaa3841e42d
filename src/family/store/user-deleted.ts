// What a deleted CALOS account leaves in family_db, and the statements that remove or
// anonymise it (the policy is in ../index.ts). Every statement is idempotent.
import type { Queryable } from '../../platform/db/database.ts';
import type { FamilyRole } from '../client.ts';

export async function membershipsOf(
  tx: Queryable,
  userId: string,
): Promise<{ family_id: string; member_id: string; role: FamilyRole }[]> {
  const { rows } = await tx.query<{ family_id: string; member_id: string; role: FamilyRole }>(
    'SELECT family_id, member_id, role FROM family_members WHERE user_id = $1 ORDER BY family_id',
    [userId],
  );
  return rows;
}

export async function lockFamily(tx: Queryable, familyId: string): Promise<void> {
  await tx.query('SELECT family_id FROM families WHERE family_id = $1 FOR UPDATE', [familyId]);
}

/**
 * Who takes over as admin when the last one goes: the longest-standing parent, else the
 * longest-standing member. Undefined when nobody else is left.
 */
export async function findSuccessor(
  tx: Queryable,
  familyId: string,
  leavingUserId: string,
): Promise<{ member_id: string; is_admin: boolean } | undefined> {
  const { rows } = await tx.query<{ member_id: string; is_admin: boolean }>(
    `SELECT member_id, role = 'admin' AS is_admin FROM family_members
     WHERE family_id = $1 AND user_id <> $2
     ORDER BY role = 'admin' DESC, role = 'parent' DESC, joined_at, member_id
     LIMIT 1`,
    [familyId, leavingUserId],
  );
  return rows[0];
}

/** Personal lists are private to their owner: they go with the account. */
export async function deletePersonalListsOf(tx: Queryable, userId: string): Promise<void> {
  await tx.query("DELETE FROM todo_lists WHERE created_by = $1 AND list_type = 'personal'", [userId]);
}

/** Clears assignments and attendance, and anonymises authorship and completion (NULL). */
export async function anonymiseUser(tx: Queryable, userId: string, at: Date): Promise<void> {
  await tx.query('UPDATE todo_items SET assigned_to = NULL WHERE assigned_to = $1', [userId]);
  await tx.query('UPDATE todo_items SET completed_by = NULL WHERE completed_by = $1', [userId]);
  await tx.query(
    'UPDATE todo_items SET rotation = array_remove(rotation, $1::uuid) WHERE rotation @> ARRAY[$1::uuid]',
    [userId],
  );
  await tx.query('UPDATE todo_completions SET completed_by = NULL WHERE completed_by = $1', [userId]);
  await tx.query('UPDATE todo_completions SET assigned_to = NULL WHERE assigned_to = $1', [userId]);
  await tx.query('UPDATE todo_items SET created_by = NULL WHERE created_by = $1', [userId]);
  await tx.query('UPDATE todo_lists SET created_by = NULL WHERE created_by = $1', [userId]);
  await tx.query(
    'UPDATE family_events SET attendees = array_remove(attendees, $1::uuid) WHERE attendees @> ARRAY[$1::uuid]',
    [userId],
  );
  await tx.query('UPDATE family_events SET created_by = NULL WHERE created_by = $1', [userId]);
  await tx.query('UPDATE families SET created_by = NULL WHERE created_by = $1', [userId]);
  // Shopping lists stay for the family; who made and ticked what is forgotten.
  await tx.query('UPDATE family_shopping_lists SET created_by = NULL WHERE created_by = $1', [userId]);
  await tx.query('UPDATE family_shopping_items SET created_by = NULL WHERE created_by = $1', [userId]);
  await tx.query('UPDATE family_shopping_items SET checked_by = NULL WHERE checked_by = $1', [userId]);
  await tx.query('UPDATE family_shopping_events SET actor = NULL WHERE actor = $1', [userId]);
  // Answers kept so that a retried change applies once: no retry can come from a deleted account.
  await tx.query('DELETE FROM family_shopping_idempotency WHERE actor = $1', [userId]);
  // Their calendar subscriptions stop (a secret URL outliving its owner would leak the calendar),
  // and their meal plans leave the family calendars.
  await tx.query(
    'UPDATE family_ical_feeds SET revoked_at = coalesce(revoked_at, $2), created_by = NULL WHERE created_by = $1',
    [userId, at],
  );
  await tx.query('DELETE FROM family_calendar_links WHERE owner_id = $1', [userId]);
  // Invitations to them go; the ones they sent or approved stay, anonymised.
  await tx.query('DELETE FROM family_invitations WHERE invitee_user_id = $1', [userId]);
  await tx.query('UPDATE family_invitations SET created_by = NULL WHERE created_by = $1', [userId]);
  await tx.query('UPDATE family_invitations SET approved_by = NULL WHERE approved_by = $1', [userId]);
  // Their chat messages stay for the family, anonymised; their read markers go.
  await tx.query('UPDATE family_messages SET author_id = NULL WHERE author_id = $1', [userId]);
  await tx.query('UPDATE family_messages SET deleted_by = NULL WHERE deleted_by = $1', [userId]);
  await tx.query('DELETE FROM family_chat_reads WHERE user_id = $1', [userId]);
  await tx.query('DELETE FROM family_notifications WHERE user_id = $1', [userId]);
  await tx.query('DELETE FROM family_push_subscriptions WHERE user_id = $1', [userId]);
}

/** What their archive imports became is theirs too (the import keys of data_imports). */
export async function forgetImportsOf(tx: Queryable, userId: string): Promise<void> {
  await tx.query('DELETE FROM data_imports WHERE user_id = $1', [userId]);
}

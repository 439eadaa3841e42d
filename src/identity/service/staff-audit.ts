// What staff and operators do, in the append-only staff audit log; an action that concerns an
// account is also written to that account's security log, where its owner reads it.
import type { Queryable } from '../../platform/db/database.ts';
import { recordAudit } from '../store/audit.ts';
import { findStaffAuditByKey, insertStaffAudit, type StaffDomain } from '../store/staff.ts';

/** Who acts: a staff member (their account) or the operator at the command line. */
export type StaffActor = { userId: string; username: string } | { operator: string };

export const actorLabel = (actor: StaffActor) =>
  'operator' in actor ? `operator (${actor.operator})` : actor.username;

export async function recordStaffAction(
  tx: Queryable,
  input: {
    actor: StaffActor;
    action: string;
    subjectUserId: string | null;
    domain: StaffDomain;
    reason: string | null;
    details: Record<string, unknown>;
    at: Date;
    /** The delivering service's key: a second call under it writes nothing and answers the first id. */
    dedupeKey?: string;
  },
): Promise<number> {
  const id = await insertStaffAudit(tx, {
    actorUserId: 'userId' in input.actor ? input.actor.userId : null,
    actorLabel: actorLabel(input.actor),
    action: input.action,
    subjectUserId: input.subjectUserId,
    domain: input.domain,
    reason: input.reason,
    details: input.details,
    at: input.at,
    dedupeKey: input.dedupeKey,
  });
  if (id === undefined) {
    const first = input.dedupeKey === undefined ? undefined : await findStaffAuditByKey(tx, input.dedupeKey);
    if (first === undefined) throw new Error('a staff audit entry was neither written nor found');
    return first;
  }
  if (input.subjectUserId) {
    await recordAudit(
      tx,
      input.subjectUserId,
      'staff.action',
      {},
      {
        action: input.action,
        staff: actorLabel(input.actor),
        reason: input.reason,
        staff_audit_id: id,
        ...input.details,
      },
    );
  }
  return id;
}

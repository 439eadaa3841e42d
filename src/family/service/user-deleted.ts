// Applies identity's user.deleted events to family_db (the policy is documented in
// ../index.ts). Idempotent: a second delivery finds nothing left to change.
import { anonymiseClicksOf } from '../../affiliate/store.ts';
import type { OutboxEvent } from '../../identity/client.ts';
import type { FamilyDeps } from '../deps.ts';
import { deleteFamily, deleteMember, updateMemberRole } from '../store/families.ts';
import {
  anonymiseUser,
  deletePersonalListsOf,
  findSuccessor,
  forgetImportsOf,
  lockFamily,
  membershipsOf,
} from '../store/user-deleted.ts';
import { isUuid } from './pages.ts';

export async function forgetUser(deps: Pick<FamilyDeps, 'db' | 'now'>, userId: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    // Families in id order: two clean-ups never wait on each other's locks in a cycle.
    for (const membership of await membershipsOf(tx, userId)) {
      await lockFamily(tx, membership.family_id);
      const successor = await findSuccessor(tx, membership.family_id, userId);
      if (!successor) {
        await deleteFamily(tx, membership.family_id);
        continue;
      }
      if (membership.role === 'admin' && !successor.is_admin) {
        await updateMemberRole(tx, successor.member_id, 'admin');
      }
      await deleteMember(tx, membership.member_id);
    }
    await deletePersonalListsOf(tx, userId);
    await anonymiseUser(tx, userId, deps.now());
    await anonymiseClicksOf(tx, userId);
    await forgetImportsOf(tx, userId);
  });
}

/** The outbox handler: user.deleted is applied, every other topic is not ours to act on. */
export function createIdentityEventHandler(deps: Pick<FamilyDeps, 'db' | 'logger' | 'now'>) {
  return async (event: OutboxEvent): Promise<void> => {
    if (event.topic !== 'user.deleted') return;
    const userId = event.payload.user_id;
    if (!isUuid(userId)) {
      deps.logger.warn({ eventId: event.eventId }, 'user.deleted without a valid user_id; skipped');
      return;
    }
    await forgetUser(deps, userId);
  };
}

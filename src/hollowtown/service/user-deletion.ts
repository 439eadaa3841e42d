// Applies identity's user.deleted events to hollowtown_db (see the policy in ../index.ts).
import type { OutboxEvent } from '../../identity/client.ts';
import type { HollowtownDeps } from '../deps.ts';
import { deleteUserData } from '../store/user-data.ts';
import { isUuid } from './common.ts';

export const USER_DELETED = 'user.deleted';

/**
 * Idempotent, as an at-least-once consumer needs: a repeated event finds nothing left. Events
 * of other topics, and a user.deleted without a usable user id, are skipped (and acknowledged
 * by the consumer) so one bad event cannot stop the queue.
 */
export async function applyIdentityEvent(deps: HollowtownDeps, event: OutboxEvent): Promise<void> {
  if (event.topic !== USER_DELETED) return;
  const userId = event.payload.user_id;
  if (typeof userId !== 'string' || !isUuid(userId)) {
    deps.logger.warn({ eventId: event.eventId }, 'user.deleted without a valid user_id; skipped');
    return;
  }
  const removed = await deps.db.transaction((tx) => deleteUserData(tx, userId));
  deps.logger.info({ eventId: event.eventId, userId, removed }, 'removed the data of a deleted user');
}

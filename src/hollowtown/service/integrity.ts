// What Hollowtown offers other services and `calos doctor` beyond its HTTP API: its outbox
// (recipe.updated / recipe.deleted of shared recipes) and the checks and fixes for references
// that point at nothing across databases (users identity no longer knows, deleted families).
import type { HollowtownIntegrityClient, HollowtownOutboxClient } from '../client.ts';
import type { HollowtownDeps } from '../deps.ts';
import { clearEventFamily, linkedFamilyIds } from '../store/event-links.ts';
import { ackEvent, OUTBOX_CHANNEL, pullEvents } from '../store/outbox.ts';
import { existingRecipeIds } from '../store/recipes.ts';
import { deleteUserData, referencedUserIds } from '../store/user-data.ts';
import { isUuid } from './common.ts';

export function createOutboxClient(deps: HollowtownDeps): HollowtownOutboxClient {
  return {
    pull: (consumer, limit) => pullEvents(deps.db, consumer, limit),
    ack: (consumer, eventId) => ackEvent(deps.db, consumer, eventId),
    onEvents: (listener) => deps.db.listen(OUTBOX_CHANNEL, () => listener()),
  };
}

export function createIntegrityClient(deps: HollowtownDeps): HollowtownIntegrityClient {
  return {
    userIds: (after, limit) => referencedUserIds(deps.db, after, limit),
    // The user.deleted policy (../index.ts), applied on demand.
    async forgetUser(userId) {
      if (!isUuid(userId)) return {};
      return { ...(await deps.db.transaction((tx) => deleteUserData(tx, userId))) };
    },
    existingRecipeIds: (ids) => existingRecipeIds(deps.db, ids.filter(isUuid)),
    familyLinks: () => linkedFamilyIds(deps.db),
    unlinkFamily: (eventId) => clearEventFamily(deps.db, eventId),
  };
}

// What `calos doctor` asks of Family Planner (FamilyClient.integrity): the user ids family_db
// holds, which families exist, and the user.deleted policy applied on demand to a user identity
// no longer knows.
import type { FamilyIntegrityClient } from '../client.ts';
import type { FamilyDeps } from '../deps.ts';
import { existingFamilyIds, familyUserIds } from '../store/integrity.ts';
import { isUuid } from './pages.ts';
import { forgetUser } from './user-deleted.ts';

export function createIntegrityClient(deps: Pick<FamilyDeps, 'db' | 'now'>): FamilyIntegrityClient {
  return {
    userIds: (after, limit) => familyUserIds(deps.db, after, limit),
    async forgetUser(userId) {
      if (isUuid(userId)) await forgetUser(deps, userId);
      return {};
    },
    existingFamilyIds: (ids) => existingFamilyIds(deps.db, ids.filter(isUuid)),
  };
}

// The FamilyClient other services use (see ../client.ts), over this service's store.
import type { FamilyClient } from '../client.ts';
import type { FamilyDeps } from '../deps.ts';
import { familiesOfUser, findRole, listMembers } from '../store/families.ts';
import { createDataPortabilityService } from './data-portability.ts';
import { createIntegrityClient } from './integrity.ts';
import { isUuid } from './pages.ts';

export function createFamilyClient(
  deps: Pick<FamilyDeps, 'db' | 'now'>,
  syncIdentityEvents: () => Promise<number>,
): Omit<FamilyClient, 'saveGeneratedList' | 'discardGeneratedList' | 'shoppingListSummary'> {
  const { db } = deps;
  const portability = createDataPortabilityService(deps);
  return {
    integrity: createIntegrityClient(deps),
    dataExport: {
      collections: () => portability.collections(),
      page: (userId, collection, after, limit) => portability.page(userId, collection, after, limit),
    },
    dataImport: { apply: (userId, data) => portability.importData(userId, data) },
    async isMember(userId, familyId) {
      return isUuid(userId) && isUuid(familyId) && (await findRole(db, familyId, userId)) !== undefined;
    },
    async roleOf(userId, familyId) {
      if (!isUuid(userId) || !isUuid(familyId)) return null;
      return (await findRole(db, familyId, userId)) ?? null;
    },
    async membersOf(familyId) {
      if (!isUuid(familyId)) return [];
      return (await listMembers(db, familyId)).map((row) => ({
        memberId: row.member_id,
        familyId: row.family_id,
        userId: row.user_id,
        role: row.role,
        joinedAt: row.joined_at,
      }));
    },
    async familiesOf(userId) {
      if (!isUuid(userId)) return [];
      return (await familiesOfUser(db, userId)).map((row) => ({
        familyId: row.family_id,
        familyName: row.family_name,
        role: row.role,
      }));
    },
    async syncIdentityEvents() {
      // A run already under way may have pulled before the caller's event was written: wait
      // for it, then run once more.
      return (await syncIdentityEvents()) + (await syncIdentityEvents());
    },
  };
}

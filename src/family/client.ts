// What other services may ask of Family Planner (the only door into it): who belongs to a
// family, with which role. Cross-app features (a family shopping list from a meal plan, a
// Halloween party on the family calendar) start here.
import type { DataExportClient, DataImportClient } from '../platform/data-portability.ts';
import { createRpcClient, rpcMethods } from '../platform/rpc.ts';

export const FAMILY_ROLES = ['admin', 'parent', 'child'] as const;
export type FamilyRole = (typeof FAMILY_ROLES)[number];

export interface FamilyMember {
  memberId: string;
  familyId: string;
  userId: string;
  role: FamilyRole;
  joinedAt: Date;
}

/** Integrity checks across databases (`calos doctor`). */
export interface FamilyIntegrityClient {
  /** User ids family_db holds (see store/integrity.ts), ascending, after `after`. */
  userIds(after: string | null, limit: number): Promise<string[]>;
  /** Applies the user.deleted policy to a user identity no longer knows. */
  forgetUser(userId: string): Promise<Record<string, number>>;
  /** Which of these family ids exist. */
  existingFamilyIds(familyIds: readonly string[]): Promise<Set<string>>;
}

export interface FamilyClient {
  /** Whether the user belongs to the family (false for unknown or malformed ids). */
  isMember(userId: string, familyId: string): Promise<boolean>;
  /** The user's role in the family, or null when not a member. */
  roleOf(userId: string, familyId: string): Promise<FamilyRole | null>;
  /** Every member, longest-standing first (empty for an unknown family). */
  membersOf(familyId: string): Promise<FamilyMember[]>;
  /** The families the user belongs to, with their role. */
  familiesOf(userId: string): Promise<{ familyId: string; familyName: string; role: FamilyRole }[]>;
  /**
   * Applies identity's pending events (user.deleted) now instead of at the next poll; resolves
   * with how many were applied. For tests and operators.
   */
  syncIdentityEvents(): Promise<number>;
  /**
   * Creates or regenerates the family shopping list of a source (a Hollowtown event): unchecked
   * generated items are replaced, checked ones and members' additions stay. The actor must be a
   * member of the family (404 FAMILY_NOT_FOUND otherwise).
   */
  saveGeneratedList(input: {
    familyId: string;
    actorUserId: string;
    sourceDomain: 'hollowtown' | 'recipes';
    sourceId: string;
    listName: string;
    items: {
      name: string;
      quantity: number | null;
      unit: string | null;
      costCents?: number | null;
      note?: string | null;
    }[];
  }): Promise<{ listId: string; version: number; estimatedCostCents: number; created: boolean }>;
  /**
   * Takes back a list saveGeneratedList created, when its source could not record it (the undo
   * step of a flow across apps); nothing when the list is gone or not that source's.
   */
  discardGeneratedList(input: {
    familyId: string;
    sourceDomain: 'hollowtown' | 'recipes';
    sourceId: string;
    listId: string;
  }): Promise<void>;
  integrity: FamilyIntegrityClient;
  /** What the user sees in their families, for "Download my data" (family.json), a page at a time. */
  dataExport: DataExportClient;
  /** The families, lists and events an archive says the user created, taken in once per source row. */
  dataImport: DataImportClient;
  /** Counts and estimated cost of a shopping list, or null when it no longer exists. */
  shoppingListSummary(listId: string): Promise<{
    listId: string;
    familyId: string;
    version: number;
    itemCount: number;
    checkedCount: number;
    estimatedCostCents: number;
  } | null>;
}

/** Every method of the client (the compiler checks the list). */
export const FAMILY_RPC_METHODS = rpcMethods<FamilyClient>()(
  'isMember',
  'roleOf',
  'membersOf',
  'familiesOf',
  'syncIdentityEvents',
  'saveGeneratedList',
  'discardGeneratedList',
  'shoppingListSummary',
  'integrity.userIds',
  'integrity.forgetUser',
  'integrity.existingFamilyIds',
  'dataExport.collections',
  'dataExport.page',
  'dataImport.apply',
);

/** Family Planner's client in another process (`CALOS_FAMILY_URL`). */
export function createFamilyHttpClient(baseUrl: string, serviceToken: string): FamilyClient {
  return createRpcClient<FamilyClient>({
    baseUrl,
    prefix: '/family',
    methods: FAMILY_RPC_METHODS,
    serviceToken,
  });
}

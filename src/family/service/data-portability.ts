// Family Planner's part of "Download my data" and its import into another CALOS. The export is
// what the user sees in their families (store/data-export.ts). The import brings back what was
// theirs to move: each family they created becomes a new family with them as its admin (members
// do not move: they are invited again there), with the lists, items, events and shopping lists
// they created in it. A family they had joined stays where it is.
import {
  exportPage,
  type ImportAnswer,
  type ImportCounts,
  importRows,
} from '../../platform/data-portability.ts';
import type { FamilyDeps } from '../deps.ts';
import { addImportedFamilyAdmin, FAMILY_EXPORT, FAMILY_IMPORT } from '../store/data-export.ts';

type Row = Record<string, unknown>;

/** The row with its parent's new id in `column`, or why it is skipped. */
const underParent =
  (column: string, parents: Readonly<Record<string, string>>, what: string) => (row: Row) => {
    const parent = typeof row[column] === 'string' ? parents[row[column] as string] : undefined;
    return parent ? { ...row, [column]: parent } : `not in a ${what} that was imported`;
  };

const createdByMe = (row: Row, next: (row: Row) => Row | string) =>
  row.created_by_me === true ? next(row) : 'created by another member';

export function createDataPortabilityService(deps: Pick<FamilyDeps, 'db' | 'now'>) {
  return {
    collections: async () => Object.keys(FAMILY_EXPORT),
    page: (userId: string, collection: string, after: string | null, limit: number) =>
      exportPage(deps.db, FAMILY_EXPORT, userId, collection, after, limit),
    async importData(userId: string, data: Record<string, unknown[]>): Promise<ImportAnswer> {
      const counts: Record<string, ImportCounts> = {};
      const ids: Record<string, Record<string, string>> = {};
      const run = async (
        collection: keyof typeof FAMILY_IMPORT,
        prepare: (row: Row) => Row | string,
        afterInsert?: Parameters<typeof importRows>[1]['afterInsert'],
      ) => {
        const done = await importRows(deps.db, {
          userId,
          now: deps.now(),
          collection,
          spec: FAMILY_IMPORT[collection],
          rows: data[collection] ?? [],
          prepare,
          afterInsert,
        });
        counts[collection] = done.counts;
        ids[collection] = done.ids;
        return done.ids;
      };
      const families = await run(
        'families',
        (row) => (row.created_by_me === true ? row : 'a family you joined: its admin can invite you again'),
        (tx, familyId) => addImportedFamilyAdmin(tx, familyId, userId),
      );
      const lists = await run('todo_lists', (row) =>
        createdByMe(row, underParent('family_id', families, 'family')),
      );
      // Whom an item was assigned to, and who completed it, are people of the other deployment.
      await run('todo_items', underParent('list_id', lists, 'list'));
      await run('family_events', (row) => createdByMe(row, underParent('family_id', families, 'family')));
      const shopping = await run('family_shopping_lists', (row) =>
        createdByMe(row, underParent('family_id', families, 'family')),
      );
      await run('family_shopping_items', (row) => {
        const placed = underParent('list_id', shopping, 'shopping list')(row);
        return typeof placed === 'string' ? placed : { ...placed, version: 0 };
      });
      return { counts, ids };
    },
  };
}

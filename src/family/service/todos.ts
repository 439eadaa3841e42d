// Todo lists and items: who may see and change which list (the role matrix, plus personal
// lists private to their owner), assignees among the members, and completion recorded by
// the server.
import type { Queryable } from '../../platform/db/database.ts';
import type { FamilyDeps } from '../deps.ts';
import { FamilyErrors } from '../errors.ts';
import { findMyFamily, membersAmong } from '../store/families.ts';
import {
  deleteItem,
  deleteList,
  findAccessibleList,
  findItem,
  findListAccess,
  type ItemChanges,
  type ItemRow,
  type ItemStatus,
  insertItem,
  insertList,
  type ListAccess,
  type ListRow,
  type ListType,
  listItems,
  listVisibleLists,
  type Priority,
  updateItem,
  updateList,
} from '../store/todos.ts';
import type { PageQuery } from './families.ts';
import { isUuid, type Page, pageOf, positionOf } from './pages.ts';
import { assertCan, can } from './roles.ts';
import { checkDue } from './time.ts';

export interface ListView {
  list_id: string;
  family_id: string;
  list_name: string;
  list_type: ListType;
  created_by: string | null;
  item_count: number;
  open_item_count: number;
  created_at: Date;
  updated_at: Date;
}

/**
 * An item as the API shows it: due_date is "YYYY-MM-DD" for an all-day item (due_all_day)
 * and an ISO instant for one due at a time.
 */
export interface ItemView extends Omit<ItemRow, 'cursor_at' | 'due_date' | 'due_on'> {
  due_date: string | null;
  due_all_day: boolean;
}

const listView = (row: ListRow): ListView => ({
  list_id: row.list_id,
  family_id: row.family_id,
  list_name: row.list_name,
  list_type: row.list_type,
  created_by: row.created_by,
  item_count: row.item_count,
  open_item_count: row.open_item_count,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

const itemView = ({ cursor_at: _, due_date, due_on, ...item }: ItemRow): ItemView => ({
  ...item,
  due_date: due_on ?? due_date?.toISOString() ?? null,
  due_all_day: due_on !== null,
});

export interface NewItem {
  title: string;
  description?: string | null;
  assigned_to?: string | null;
  /** "YYYY-MM-DD" (all day) or a date-time. */
  due_date?: string | null;
  priority?: Priority;
  status?: ItemStatus;
}

export type ItemUpdate = Omit<ItemChanges, 'due_on'>;

/** The owner of a personal list manages it whatever their role; shared lists follow the matrix. */
const isPersonal = (list: ListAccess) => list.list_type === 'personal';

export type TodoService = ReturnType<typeof createTodoService>;

export function createTodoService(deps: FamilyDeps) {
  const { db } = deps;

  /** The list as the user may act on it; every other user's and family's list is 404. */
  async function listOf(userId: string, listId: string): Promise<ListAccess> {
    const list = isUuid(listId) ? await findListAccess(db, listId, userId) : undefined;
    if (!list) throw FamilyErrors.listNotFound();
    return list;
  }

  /** The item of this list; in a transaction (tx), locked until it ends. */
  async function itemOf(list: ListAccess, itemId: string, tx?: Queryable): Promise<ItemRow> {
    const item = isUuid(itemId) ? await findItem(tx ?? db, list.list_id, itemId, { lock: !!tx }) : undefined;
    if (!item) throw FamilyErrors.itemNotFound();
    return item;
  }

  /**
   * An assignee must belong to the family (and be the owner on a personal list). The member
   * row is share-locked until the write commits, so a concurrent removal, which clears that
   * member's assignments, runs after it and clears this one too.
   */
  async function checkAssignee(tx: Queryable, list: ListAccess, userId: string, assignee: string) {
    if (isPersonal(list)) {
      if (assignee !== userId) throw FamilyErrors.personalListAssignee();
      return;
    }
    const members = await membersAmong(tx, list.family_id, [assignee], { lock: true });
    if (!members.has(assignee)) throw FamilyErrors.assigneeNotMember();
  }

  return {
    async createList(
      userId: string,
      input: { family_id: string; list_name: string; list_type: ListType },
    ): Promise<ListView> {
      const family = await findMyFamily(db, input.family_id, userId);
      if (!family) throw FamilyErrors.familyNotFound();
      if (input.list_type !== 'personal') assertCan(family.my_role, 'manageLists');
      return listView(
        await insertList(db, {
          familyId: input.family_id,
          name: input.list_name,
          type: input.list_type,
          createdBy: userId,
        }),
      );
    },

    async listLists(
      userId: string,
      query: PageQuery & { family_id?: string; list_type?: ListType },
    ): Promise<Page<ListView>> {
      if (query.family_id && !(await findMyFamily(db, query.family_id, userId))) {
        throw FamilyErrors.familyNotFound();
      }
      const rows = await listVisibleLists(db, {
        userId,
        familyId: query.family_id,
        listType: query.list_type,
        limit: query.limit,
        after: positionOf(query.cursor),
      });
      return pageOf(rows, query.limit, (row) => row.list_id, listView);
    },

    async getList(userId: string, listId: string): Promise<ListView> {
      const list = isUuid(listId) ? await findAccessibleList(db, listId, userId) : undefined;
      if (!list) throw FamilyErrors.listNotFound();
      return listView(list);
    },

    async updateList(
      userId: string,
      listId: string,
      changes: { list_name?: string; list_type?: ListType },
    ): Promise<ListView> {
      const list = await listOf(userId, listId);
      if (!isPersonal(list)) assertCan(list.my_role, 'manageLists');
      if (
        changes.list_type !== undefined &&
        changes.list_type !== list.list_type &&
        (isPersonal(list) || changes.list_type === 'personal')
      ) {
        throw FamilyErrors.listTypeFixed();
      }
      return listView(await updateList(db, list.list_id, changes));
    },

    async deleteList(userId: string, listId: string): Promise<void> {
      const list = await listOf(userId, listId);
      if (!isPersonal(list)) assertCan(list.my_role, 'manageLists');
      await deleteList(db, list.list_id);
    },

    async createItem(userId: string, listId: string, input: NewItem): Promise<ItemView> {
      const list = await listOf(userId, listId);
      if (!isPersonal(list)) assertCan(list.my_role, 'manageItems');
      const due = checkDue('body.due_date', input.due_date ?? null);
      return db.transaction(async (tx) => {
        if (input.assigned_to) await checkAssignee(tx, list, userId, input.assigned_to);
        return itemView(
          await insertItem(
            tx,
            list.list_id,
            {
              title: input.title,
              description: input.description ?? null,
              assignedTo: input.assigned_to ?? null,
              dueDate: due?.due_date ?? null,
              dueOn: due?.due_on ?? null,
              priority: input.priority ?? 'medium',
              status: input.status ?? 'todo',
              createdBy: userId,
            },
            deps.now(),
          ),
        );
      });
    },

    async listItems(
      userId: string,
      listId: string,
      query: PageQuery & { status?: ItemStatus[]; assigned_to?: string },
    ): Promise<Page<ItemView>> {
      const list = await listOf(userId, listId);
      const rows = await listItems(db, list.list_id, {
        statuses: query.status,
        assignedTo: query.assigned_to,
        limit: query.limit,
        after: positionOf(query.cursor),
      });
      return pageOf(rows, query.limit, (row) => row.item_id, itemView);
    },

    async getItem(userId: string, listId: string, itemId: string): Promise<ItemView> {
      return itemView(await itemOf(await listOf(userId, listId), itemId));
    },

    async updateItem(userId: string, listId: string, itemId: string, update: ItemUpdate): Promise<ItemView> {
      const list = await listOf(userId, listId);
      const changes: ItemChanges = { ...update, ...checkDue('body.due_date', update.due_date) };
      return db.transaction(async (tx) => {
        const item = await itemOf(list, itemId, tx);
        if (!isPersonal(list) && !can(list.my_role, 'manageItems')) {
          // The rest of the family may only move their own items along.
          const onlyStatus = Object.entries(changes).every(([key, v]) => key === 'status' || v === undefined);
          if (!onlyStatus || item.assigned_to !== userId) assertCan(list.my_role, 'manageItems');
          assertCan(list.my_role, 'progressOwnItems');
        }
        if (changes.assigned_to) await checkAssignee(tx, list, userId, changes.assigned_to);
        return itemView(await updateItem(tx, item.item_id, changes, userId, deps.now()));
      });
    },

    async deleteItem(userId: string, listId: string, itemId: string): Promise<void> {
      const list = await listOf(userId, listId);
      const item = await itemOf(list, itemId);
      if (!isPersonal(list)) assertCan(list.my_role, 'manageItems');
      await deleteItem(db, item.item_id);
    },
  };
}

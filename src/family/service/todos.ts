// Todo lists and items: who may see and change which list (the role matrix, plus personal
// lists private to their owner), assignees among the members, and completion recorded by
// the server.
import type { Queryable } from '../../platform/db/database.ts';
import { pageFilters } from '../../platform/http/pagination.ts';
import type { FamilyDeps } from '../deps.ts';
import { FamilyErrors } from '../errors.ts';
import { findMyFamily, membersAmong } from '../store/families.ts';
import {
  type CompletionRow,
  deleteItem,
  deleteList,
  findAccessibleList,
  findItem,
  findListAccess,
  type ItemChanges,
  type ItemRow,
  type ItemStatus,
  insertCompletion,
  insertItem,
  insertList,
  type ListAccess,
  type ListRow,
  type ListType,
  listCompletions,
  listItems,
  listVisibleLists,
  type PointsRow,
  type Priority,
  pointsTally,
  updateItem,
  updateList,
} from '../store/todos.ts';
import type { PageQuery } from './families.ts';
import { isUuid, type Page, TODO_ITEMS, TODO_LISTS } from './pages.ts';
import { checkRecurrence, nextOccurrence } from './recurrence.ts';
import { assertCan, can } from './roles.ts';
import { checkDue, checkInstant, type Due } from './time.ts';

/** Completions an item's history shows. */
export const MAX_COMPLETIONS_SHOWN = 100;

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
export interface ItemView extends Omit<ItemRow, 'cursor_at' | 'due_date' | 'due_on' | 'recurrence_start'> {
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

// Field by field: a rest copy of the row and then a spread of it were the item list's busiest
// function of its own, about 6% of a page's CPU (bench:api --profile).
const itemView = (row: ItemRow): ItemView => ({
  item_id: row.item_id,
  list_id: row.list_id,
  title: row.title,
  description: row.description,
  assigned_to: row.assigned_to,
  due_date: row.due_on ?? row.due_date?.toISOString() ?? null,
  due_all_day: row.due_on !== null,
  priority: row.priority,
  status: row.status,
  completed_at: row.completed_at,
  completed_by: row.completed_by,
  recurrence_rule: row.recurrence_rule,
  recurrence_time_zone: row.recurrence_time_zone,
  rotation: row.rotation,
  rotation_index: row.rotation_index,
  points: row.points,
  reminders: row.reminders,
  created_by: row.created_by,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

export interface NewItem {
  title: string;
  description?: string | null;
  assigned_to?: string | null;
  /** "YYYY-MM-DD" (all day) or a date-time. */
  due_date?: string | null;
  priority?: Priority;
  status?: ItemStatus;
  /** A chore: it comes back at the rule's next occurrence once done (the due date is the first). */
  recurrence_rule?: string | null;
  /** Members taking turns, in order (needs a recurrence_rule). */
  rotation?: string[];
  points?: number | null;
  /** Minutes before the due date to remind (the assignee, else the list's members). */
  reminders?: { minutes_before: number }[];
}

export type ItemUpdate = Omit<
  ItemChanges,
  'due_on' | 'recurrence_start' | 'rotation_index' | 'recurrence_rule' | 'rotation'
> & { recurrence_rule?: string | null; rotation?: string[] };

/** The instant an item is due (an all-day item at the start of its day, UTC). */
const dueInstant = (due: Pick<Due, 'due_date' | 'due_on'>): Date | null =>
  due.due_on ? new Date(`${due.due_on}T00:00:00Z`) : due.due_date ? new Date(due.due_date) : null;

/** The next due date in the item's own kind: a day for an all-day item, else an instant. */
const dueAt = (at: Date, isAllDay: boolean): Due =>
  isAllDay
    ? { due_date: null, due_on: at.toISOString().slice(0, 10) }
    : { due_date: at.toISOString(), due_on: null };

/** The owner of a personal list manages it whatever their role; shared lists follow the matrix. */
const isPersonal = (list: ListAccess) => list.list_type === 'personal';

/**
 * The zone a chore recurs in: a chore due at a time keeps its wall-clock time in the family's
 * time zone; one due on a day recurs by days, which need no zone.
 */
const choreZone = (list: ListAccess, due: Pick<Due, 'due_date' | 'due_on'> | null | undefined): string =>
  due?.due_date ? list.time_zone : 'UTC';

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

  /** Rotation members must belong to the family (only the owner on a personal list). */
  async function checkRotation(tx: Queryable, list: ListAccess, userId: string, rotation: string[]) {
    if (rotation.length === 0) return;
    if (isPersonal(list)) {
      if (rotation.some((id) => id !== userId)) throw FamilyErrors.personalListAssignee();
      return;
    }
    const members = await membersAmong(tx, list.family_id, rotation, { lock: true });
    if (rotation.some((id) => !members.has(id))) throw FamilyErrors.assigneeNotMember();
  }

  /**
   * A chore done: the completion is kept, and the item comes back at the rule's next occurrence
   * after its due date (or after now, when done late: missed occurrences are skipped), with the
   * next member of the rotation. A rule that has ended leaves the item done.
   */
  async function completeChore(
    tx: Queryable,
    list: ListAccess,
    item: ItemRow,
    userId: string,
    changes: ItemChanges,
  ): Promise<ItemChanges> {
    const now = deps.now();
    const due = dueInstant({ due_date: item.due_date?.toISOString() ?? null, due_on: item.due_on });
    await insertCompletion(tx, {
      item_id: item.item_id,
      family_id: list.family_id,
      due_at: due,
      assigned_to: item.assigned_to,
      completed_by: userId,
      completed_at: now,
      points: item.points ?? 0,
    });
    const after = due && due > now ? due : now;
    const next = nextOccurrence(
      item.recurrence_rule as string,
      item.recurrence_start as Date,
      after,
      item.recurrence_time_zone ?? 'UTC',
    );
    if (!next) return changes;
    const turn = item.rotation_index + 1;
    return {
      ...changes,
      ...dueAt(next, item.due_on !== null),
      status: 'todo',
      rotation_index: turn,
      ...(item.rotation.length > 0 ? { assigned_to: item.rotation[turn % item.rotation.length] } : {}),
    };
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
      const filters = pageFilters(query);
      const rows = await listVisibleLists(db, {
        userId,
        familyId: query.family_id,
        listType: query.list_type,
        limit: query.limit,
        after: TODO_LISTS.decode(query.cursor, filters),
      });
      return TODO_LISTS.page(
        rows,
        query.limit,
        listView,
        (row) => ({ at: row.cursor_at, id: row.list_id }),
        filters,
      );
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
      const rotation = input.rotation ?? [];
      const start = due ? dueInstant(due) : null;
      const rule = input.recurrence_rule ?? null;
      if (rule && !start)
        throw FamilyErrors.invalidRecurrence('A chore needs a due_date: its first occurrence');
      if (rotation.length > 0 && !rule)
        throw FamilyErrors.invalidRecurrence('A rotation needs a recurrence_rule');
      const zone = choreZone(list, due);
      const recurrence = rule && start ? checkRecurrence(rule, start, zone) : null;
      // With a rotation, the first turn is the assignee's (the first member unless one is named).
      let rotationIndex = 0;
      let assignee = input.assigned_to ?? null;
      if (rotation.length > 0) {
        rotationIndex = assignee ? rotation.indexOf(assignee) : 0;
        if (rotationIndex < 0) throw FamilyErrors.assigneeNotInRotation();
        assignee = rotation[rotationIndex] ?? null;
      }
      return db.transaction(async (tx) => {
        if (assignee) await checkAssignee(tx, list, userId, assignee);
        await checkRotation(tx, list, userId, rotation);
        return itemView(
          await insertItem(
            tx,
            list.list_id,
            {
              title: input.title,
              description: input.description ?? null,
              assignedTo: assignee,
              dueDate: due?.due_date ?? null,
              dueOn: due?.due_on ?? null,
              priority: input.priority ?? 'medium',
              status: input.status ?? 'todo',
              recurrenceRule: recurrence?.rule ?? null,
              recurrenceStart: recurrence?.start ?? null,
              recurrenceTimeZone: recurrence && zone !== 'UTC' ? zone : null,
              rotation,
              rotationIndex,
              points: input.points ?? null,
              reminders: input.reminders ?? [],
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
      const filters = { ...pageFilters(query), listId: list.list_id };
      const rows = await listItems(db, list.list_id, {
        statuses: query.status,
        assignedTo: query.assigned_to,
        limit: query.limit,
        after: TODO_ITEMS.decode(query.cursor, filters),
      });
      return TODO_ITEMS.page(
        rows,
        query.limit,
        itemView,
        (row) => ({ at: row.cursor_at, id: row.item_id }),
        filters,
      );
    },

    async getItem(userId: string, listId: string, itemId: string): Promise<ItemView> {
      return itemView(await itemOf(await listOf(userId, listId), itemId));
    },

    async updateItem(userId: string, listId: string, itemId: string, update: ItemUpdate): Promise<ItemView> {
      const list = await listOf(userId, listId);
      const { recurrence_rule: rule, rotation, ...plain } = update;
      let changes: ItemChanges = { ...plain, ...checkDue('body.due_date', update.due_date) };
      return db.transaction(async (tx) => {
        const item = await itemOf(list, itemId, tx);
        if (!isPersonal(list) && !can(list.my_role, 'manageItems')) {
          // The rest of the family may only move their own items along.
          const onlyStatus = Object.entries(update).every(([key, v]) => key === 'status' || v === undefined);
          if (!onlyStatus || item.assigned_to !== userId) assertCan(list.my_role, 'manageItems');
          assertCan(list.my_role, 'progressOwnItems');
        }
        // A new rule, rotation or due date re-plans the chore from its (new) due date.
        const newRule = rule === undefined ? item.recurrence_rule : rule;
        const newRotation = rotation ?? (newRule ? item.rotation : []);
        if (rule !== undefined || rotation !== undefined || (changes.due_date !== undefined && newRule)) {
          const due =
            changes.due_date !== undefined || changes.due_on !== undefined
              ? { due_date: changes.due_date ?? null, due_on: changes.due_on ?? null }
              : { due_date: item.due_date?.toISOString() ?? null, due_on: item.due_on };
          const start = dueInstant(due);
          if (newRule && !start)
            throw FamilyErrors.invalidRecurrence('A chore needs a due_date: its first occurrence');
          if (newRotation.length > 0 && !newRule) {
            throw FamilyErrors.invalidRecurrence('A rotation needs a recurrence_rule');
          }
          const zone = choreZone(list, due);
          const recurrence = newRule && start ? checkRecurrence(newRule, start, zone) : null;
          await checkRotation(tx, list, userId, newRotation);
          const assignee = changes.assigned_to === undefined ? item.assigned_to : changes.assigned_to;
          const turn = assignee ? newRotation.indexOf(assignee) : -1;
          changes = {
            ...changes,
            recurrence_rule: recurrence?.rule ?? null,
            recurrence_start: recurrence?.start ?? null,
            recurrence_time_zone: recurrence && zone !== 'UTC' ? zone : null,
            rotation: newRotation,
            rotation_index: Math.max(turn, 0),
            ...(newRotation.length > 0 && turn < 0 ? { assigned_to: newRotation[0] } : {}),
          };
        }
        if (changes.assigned_to) await checkAssignee(tx, list, userId, changes.assigned_to);
        const isChoreDone =
          changes.status === 'done' &&
          item.status !== 'done' &&
          (changes.recurrence_rule ?? item.recurrence_rule);
        if (isChoreDone && changes.recurrence_rule === undefined) {
          changes = await completeChore(tx, list, item, userId, changes);
        }
        return itemView(await updateItem(tx, item.item_id, changes, userId, deps.now()));
      });
    },

    /** What was done of a chore, newest first, with who did it and whose turn it was. */
    async completions(
      userId: string,
      listId: string,
      itemId: string,
    ): Promise<Omit<CompletionRow, 'item_id'>[]> {
      const item = await itemOf(await listOf(userId, listId), itemId);
      return (await listCompletions(db, item.item_id, MAX_COMPLETIONS_SHOWN)).map(
        ({ item_id: _, ...row }) => row,
      );
    },

    /** Points and completions per member since an instant (all time without one). */
    async points(userId: string, familyId: string, since?: string): Promise<PointsRow[]> {
      if (!isUuid(familyId) || !(await findMyFamily(db, familyId, userId)))
        throw FamilyErrors.familyNotFound();
      return pointsTally(db, familyId, since ? new Date(checkInstant('querystring.since', since)) : null);
    },

    async deleteItem(userId: string, listId: string, itemId: string): Promise<void> {
      const list = await listOf(userId, listId);
      const item = await itemOf(list, itemId);
      if (!isPersonal(list)) assertCan(list.my_role, 'manageItems');
      await deleteItem(db, item.item_id);
    },
  };
}

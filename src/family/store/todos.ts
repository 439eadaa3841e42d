// Todo lists and their items (todo_lists, todo_items) in family_db.
import type { Queryable } from '../../platform/db/database.ts';
import type { Refine } from '../../platform/db/rows.ts';
import {
  type Columns,
  cursorTime,
  type KeysetPosition,
  keysetSql,
  Params,
  setClause,
} from '../../platform/db/sql.ts';
import type { FamilyRole } from '../client.ts';
import type { Tables } from './tables.ts';

export const LIST_TYPES = ['personal', 'shared', 'chores'] as const;
export type ListType = (typeof LIST_TYPES)[number];
export const ITEM_STATUSES = ['todo', 'in_progress', 'done'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export type ListRow = Refine<
  Pick<
    Tables['todo_lists'],
    'list_id' | 'family_id' | 'list_name' | 'list_type' | 'created_by' | 'created_at' | 'updated_at'
  >,
  {
    list_type: ListType;
  }
> & {
  item_count: number;
  open_item_count: number;
  cursor_at: string;
};

/** A list with the role of the member asking for it. */
export interface AccessibleListRow extends ListRow {
  my_role: FamilyRole;
}

/** What deciding access to a list takes: no item counts. */
export type ListAccess = Pick<
  AccessibleListRow,
  'list_id' | 'family_id' | 'list_type' | 'created_by' | 'my_role'
> & {
  /** The family's default time zone, which its timed chores recur in. */
  time_zone: string;
};

export type ItemRow = Refine<
  Pick<
    Tables['todo_items'],
    | 'item_id'
    | 'list_id'
    | 'title'
    | 'description'
    | 'assigned_to'
    | 'due_date'
    | 'due_on'
    | 'priority'
    | 'status'
    | 'completed_at'
    | 'completed_by'
    | 'recurrence_rule'
    | 'recurrence_start'
    | 'recurrence_time_zone'
    | 'rotation'
    | 'rotation_index'
    | 'points'
    | 'reminders'
    | 'created_by'
    | 'created_at'
    | 'updated_at'
  >,
  {
    /** The instant it is due, when due at a time. */
    due_date: Date | null;
    /** The day it is due, when due all day ('YYYY-MM-DD'). At most one of the two is set. */
    due_on: string | null;
    priority: Priority;
    status: ItemStatus;
    /** A chore: its RRULE value and the rule's first occurrence; null for a one-off item. */
    recurrence_rule: string | null;
    /** The IANA zone a timed chore recurs in; null: UTC (all-day chores, one-off items). */
    recurrence_time_zone: string | null;
    /** Members taking turns (user_ids, in order); rotation_index counts the turns taken. */
    rotation: string[];
    /** What each completion earns the member who did it; null: no points. */
    points: number | null;
    /** Minutes before the due date to remind. */
    reminders: { minutes_before: number }[];
  }
> & {
  cursor_at: string;
};

const LIST_COLUMNS = `l.list_id, l.family_id, l.list_name, l.list_type, l.created_by, l.created_at, l.updated_at,
  c.item_count, c.open_item_count, ${cursorTime('l.created_at')} AS cursor_at`;
/** A list with its item counts, in one pass over its items. */
const LISTS = `todo_lists l CROSS JOIN LATERAL (
    SELECT count(*) AS item_count, count(*) FILTER (WHERE i.status <> 'done') AS open_item_count
    FROM todo_items i WHERE i.list_id = l.list_id) c`;
const ITEM_COLUMNS = `item_id, list_id, title, description, assigned_to, due_date, due_on, priority, status,
  completed_at, completed_by, recurrence_rule, recurrence_start, recurrence_time_zone, rotation, rotation_index,
  points, reminders, created_by, created_at, updated_at, ${cursorTime('created_at')} AS cursor_at`;

/** A personal list is visible to its creator only. */
const VISIBLE = "(l.list_type <> 'personal' OR l.created_by = m.user_id)";

export async function insertList(
  db: Queryable,
  input: { familyId: string; name: string; type: ListType; createdBy: string },
): Promise<ListRow> {
  const { rows } = await db.query<{ list_id: string }>(
    'INSERT INTO todo_lists (family_id, list_name, list_type, created_by) VALUES ($1, $2, $3, $4) RETURNING list_id',
    [input.familyId, input.name, input.type, input.createdBy],
  );
  return (await findList(db, (rows[0] as { list_id: string }).list_id)) as ListRow;
}

async function findList(db: Queryable, listId: string): Promise<ListRow | undefined> {
  const { rows } = await db.query<ListRow>(`SELECT ${LIST_COLUMNS} FROM ${LISTS} WHERE l.list_id = $1`, [
    listId,
  ]);
  return rows[0];
}

/** The list if this user may see it (a member of its family; its owner if personal). */
export async function findAccessibleList(
  db: Queryable,
  listId: string,
  userId: string,
): Promise<AccessibleListRow | undefined> {
  const { rows } = await db.query<AccessibleListRow>(
    `SELECT ${LIST_COLUMNS}, m.role AS my_role
     FROM ${LISTS} JOIN family_members m ON m.family_id = l.family_id AND m.user_id = $2
     WHERE l.list_id = $1 AND ${VISIBLE}`,
    [listId, userId],
  );
  return rows[0];
}

/** The list and the user's role in its family, when they may see it (without counting its items). */
export async function findListAccess(
  db: Queryable,
  listId: string,
  userId: string,
): Promise<ListAccess | undefined> {
  const { rows } = await db.query<ListAccess>(
    `SELECT l.list_id, l.family_id, l.list_type, l.created_by, m.role AS my_role, f.default_time_zone AS time_zone
     FROM todo_lists l JOIN family_members m ON m.family_id = l.family_id AND m.user_id = $2
       JOIN families f ON f.family_id = l.family_id
     WHERE l.list_id = $1 AND ${VISIBLE}`,
    [listId, userId],
  );
  return rows[0];
}

const LISTS_KEYS = keysetSql('asc', [
  ['l.created_at', 'timestamptz'],
  ['l.list_id', 'uuid'],
]);

/** Lists the user may see, of one family or of all their families, oldest first. */
export async function listVisibleLists(
  db: Queryable,
  query: { userId: string; familyId?: string; listType?: ListType; limit: number; after?: KeysetPosition },
): Promise<ListRow[]> {
  const params = new Params([query.userId, query.limit + 1]);
  const where = [VISIBLE];
  if (query.familyId) {
    where.push(`l.family_id = ${params.add(query.familyId)}`);
  }
  if (query.listType) {
    where.push(`l.list_type = ${params.add(query.listType)}`);
  }
  if (query.after) where.push(LISTS_KEYS.after([query.after.at, query.after.id], params));
  const { rows } = await db.query<ListRow>(
    `SELECT ${LIST_COLUMNS}
     FROM ${LISTS} JOIN family_members m ON m.family_id = l.family_id AND m.user_id = $1
     WHERE ${where.join(' AND ')}
     ORDER BY ${LISTS_KEYS.orderBy}
     LIMIT $2`,
    params.values,
  );
  return rows;
}

const LIST_CHANGE_COLUMNS: Columns = { list_name: 'plain', list_type: 'plain' };

export async function updateList(
  db: Queryable,
  listId: string,
  fields: { list_name?: string; list_type?: ListType },
): Promise<ListRow> {
  const params = new Params([listId]);
  const set = setClause(fields, LIST_CHANGE_COLUMNS, params);
  if (set) await db.query(`UPDATE todo_lists SET ${set} WHERE list_id = $1`, params.values);
  return (await findList(db, listId)) as ListRow;
}

export async function deleteList(db: Queryable, listId: string): Promise<void> {
  await db.query('DELETE FROM todo_lists WHERE list_id = $1', [listId]);
}

export interface ItemInput {
  title: string;
  description: string | null;
  assignedTo: string | null;
  dueDate: string | null;
  dueOn: string | null;
  priority: Priority;
  status: ItemStatus;
  recurrenceRule: string | null;
  recurrenceStart: Date | null;
  recurrenceTimeZone: string | null;
  rotation: string[];
  rotationIndex: number;
  points: number | null;
  reminders: { minutes_before: number }[];
  createdBy: string;
}

export async function insertItem(
  db: Queryable,
  listId: string,
  input: ItemInput,
  at: Date,
): Promise<ItemRow> {
  // A new item that is already done was completed by its creator, at the service clock's now.
  const { rows } = await db.query<ItemRow>(
    `INSERT INTO todo_items (list_id, title, description, assigned_to, due_date, due_on, priority, status,
                             completed_at, completed_by, created_by, recurrence_rule, recurrence_start, rotation,
                             rotation_index, points, reminders, recurrence_time_zone)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
             CASE WHEN $8 = 'done' THEN $10::timestamptz END, CASE WHEN $8 = 'done' THEN $9::uuid END, $9,
             $11, $12, $13::uuid[], $14, $15, $16::jsonb, $17)
     RETURNING ${ITEM_COLUMNS}`,
    [
      listId,
      input.title,
      input.description,
      input.assignedTo,
      input.dueDate,
      input.dueOn,
      input.priority,
      input.status,
      input.createdBy,
      at,
      input.recurrenceRule,
      input.recurrenceStart,
      input.rotation,
      input.rotationIndex,
      input.points,
      JSON.stringify(input.reminders),
      input.recurrenceTimeZone,
    ],
  );
  return rows[0] as ItemRow;
}

export async function findItem(
  db: Queryable,
  listId: string,
  itemId: string,
  options: { lock?: boolean } = {},
): Promise<ItemRow | undefined> {
  const { rows } = await db.query<ItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM todo_items WHERE list_id = $1 AND item_id = $2 ${options.lock ? 'FOR UPDATE' : ''}`,
    [listId, itemId],
  );
  return rows[0];
}

const ITEMS_KEYS = keysetSql('asc', [
  ['created_at', 'timestamptz'],
  ['item_id', 'uuid'],
]);

export async function listItems(
  db: Queryable,
  listId: string,
  query: { statuses?: ItemStatus[]; assignedTo?: string; limit: number; after?: KeysetPosition },
): Promise<ItemRow[]> {
  const params = new Params([listId, query.limit + 1]);
  const where = ['list_id = $1'];
  if (query.statuses && query.statuses.length > 0) {
    where.push(`status = ANY(${params.add(query.statuses)}::text[])`);
  }
  if (query.assignedTo) {
    where.push(`assigned_to = ${params.add(query.assignedTo)}`);
  }
  if (query.after) where.push(ITEMS_KEYS.after([query.after.at, query.after.id], params));
  const { rows } = await db.query<ItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM todo_items WHERE ${where.join(' AND ')}
     ORDER BY ${ITEMS_KEYS.orderBy} LIMIT $2`,
    params.values,
  );
  return rows;
}

/** What updateItem sets from a change as it is (status and rotation have their own SQL). */
const ITEM_CHANGE_COLUMNS: Columns = {
  title: 'plain',
  description: 'plain',
  assigned_to: 'plain',
  due_date: 'plain',
  due_on: 'plain',
  priority: 'plain',
  status: 'plain',
  recurrence_rule: 'plain',
  recurrence_start: 'plain',
  recurrence_time_zone: 'plain',
  rotation_index: 'plain',
  points: 'plain',
  reminders: 'jsonb',
};

export interface ItemChanges {
  title?: string;
  description?: string | null;
  assigned_to?: string | null;
  due_date?: string | null;
  due_on?: string | null;
  priority?: Priority;
  status?: ItemStatus;
  recurrence_rule?: string | null;
  recurrence_start?: Date | null;
  recurrence_time_zone?: string | null;
  rotation?: string[];
  rotation_index?: number;
  points?: number | null;
  reminders?: { minutes_before: number }[];
}

/**
 * Applies the changes; completion follows the status: becoming done records `at` (the
 * service's clock) and who, leaving done clears both, staying done keeps the original completion.
 */
export async function updateItem(
  db: Queryable,
  itemId: string,
  changes: ItemChanges,
  actorId: string,
  at: Date,
): Promise<ItemRow> {
  const params = new Params([itemId]);
  const assignments: string[] = [];
  if (changes.status !== undefined) {
    // SET expressions see the old row: an old completed_at means the item was already done.
    params.values.push(changes.status, actorId, at);
    assignments.push(
      "completed_at = CASE WHEN $2::text = 'done' THEN COALESCE(completed_at, $4::timestamptz) END",
      `completed_by = CASE WHEN $2::text = 'done'
                           THEN CASE WHEN completed_at IS NULL THEN $3::uuid ELSE completed_by END END`,
    );
  }
  const { rotation, ...columns } = changes;
  const set = setClause(columns, ITEM_CHANGE_COLUMNS, params);
  if (set) assignments.push(set);
  if (rotation !== undefined) assignments.push(`rotation = ${params.add(rotation)}::uuid[]`);
  if (assignments.length === 0) {
    const { rows } = await db.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM todo_items WHERE item_id = $1`, [
      itemId,
    ]);
    return rows[0] as ItemRow;
  }
  const { rows } = await db.query<ItemRow>(
    `UPDATE todo_items SET ${assignments.join(', ')} WHERE item_id = $1 RETURNING ${ITEM_COLUMNS}`,
    params.values,
  );
  return rows[0] as ItemRow;
}

export async function deleteItem(db: Queryable, itemId: string): Promise<void> {
  await db.query('DELETE FROM todo_items WHERE item_id = $1', [itemId]);
}

/** One done occurrence of a chore. */
export type CompletionRow = Pick<
  Tables['todo_completions'],
  'completion_id' | 'item_id' | 'due_at' | 'assigned_to' | 'completed_by' | 'completed_at' | 'points'
>;

export async function insertCompletion(
  db: Queryable,
  input: Omit<CompletionRow, 'completion_id'> & { family_id: string },
): Promise<void> {
  await db.query(
    `INSERT INTO todo_completions (item_id, family_id, due_at, assigned_to, completed_by, completed_at, points)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      input.item_id,
      input.family_id,
      input.due_at,
      input.assigned_to,
      input.completed_by,
      input.completed_at,
      input.points,
    ],
  );
}

/** The latest completions of an item, newest first. */
export async function listCompletions(
  db: Queryable,
  itemId: string,
  limit: number,
): Promise<CompletionRow[]> {
  const { rows } = await db.query<CompletionRow>(
    `SELECT completion_id, item_id, due_at, assigned_to, completed_by, completed_at, points
     FROM todo_completions WHERE item_id = $1 ORDER BY completed_at DESC, completion_id LIMIT $2`,
    [itemId, limit],
  );
  return rows;
}

export interface PointsRow {
  user_id: string;
  points: number;
  completions: number;
}

/**
 * Points and completions per current member of a family since an instant, from the chores of
 * its shared and chores lists (a personal list's chores are its owner's business).
 */
export async function pointsTally(db: Queryable, familyId: string, since: Date | null): Promise<PointsRow[]> {
  const { rows } = await db.query<PointsRow>(
    `SELECT m.user_id, coalesce(sum(c.points), 0)::int AS points, count(c.completion_id)::int AS completions
     FROM family_members m
     LEFT JOIN (todo_completions c JOIN todo_items i ON i.item_id = c.item_id
                JOIN todo_lists l ON l.list_id = i.list_id AND l.list_type <> 'personal')
       ON c.family_id = m.family_id AND c.completed_by = m.user_id AND ($2::timestamptz IS NULL OR c.completed_at >= $2)
     WHERE m.family_id = $1
     GROUP BY m.user_id, m.joined_at
     ORDER BY points DESC, m.joined_at, m.user_id`,
    [familyId, since],
  );
  return rows;
}

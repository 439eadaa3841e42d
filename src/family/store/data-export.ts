// family_db's part of "Download my data" (GDPR Art. 15/20): of each family the user belongs to,
// what they see there (its lists but other members' personal ones, events, shopping lists, who
// the members are) and what is theirs alone (their messages, notifications, completions,
// invitations, push subscriptions without their keys). Nothing else of other members.

import type { ExportedCollection, ImportedTable } from '../../platform/data-portability.ts';
import type { Queryable } from '../../platform/db/database.ts';

const MINE = 'SELECT family_id FROM family_members WHERE user_id = $1';

export const FAMILY_EXPORT: Readonly<Record<string, ExportedCollection>> = {
  families: {
    key: 'family_id',
    keyType: 'uuid',
    select: `SELECT f.family_id, f.family_name, f.default_time_zone, f.created_by = $1 AS created_by_me, f.created_at,
                    f.updated_at
               FROM families f WHERE f.family_id IN (${MINE})`,
  },
  family_members: {
    key: 'member_id',
    keyType: 'uuid',
    select: `SELECT member_id, family_id, user_id, role, joined_at FROM family_members
              WHERE family_id IN (${MINE})`,
  },
  todo_lists: {
    key: 'list_id',
    keyType: 'uuid',
    select: `SELECT list_id, family_id, list_name, list_type, created_by = $1 AS created_by_me, created_at, updated_at
               FROM todo_lists
              WHERE family_id IN (${MINE}) AND (list_type <> 'personal' OR created_by = $1)`,
  },
  todo_items: {
    key: 'item_id',
    keyType: 'uuid',
    select: `SELECT i.item_id, i.list_id, i.title, i.description, i.assigned_to, i.due_date, i.due_on, i.priority,
                    i.status, i.completed_at, i.completed_by, i.created_by = $1 AS created_by_me, i.recurrence_rule,
                    i.recurrence_start, i.recurrence_time_zone, i.rotation, i.points, i.reminders, i.created_at,
                    i.updated_at
               FROM todo_items i JOIN todo_lists l ON l.list_id = i.list_id
              WHERE l.family_id IN (${MINE}) AND (l.list_type <> 'personal' OR l.created_by = $1)`,
  },
  family_events: {
    key: 'event_id',
    keyType: 'uuid',
    select: `SELECT event_id, family_id, event_name, event_type, description, start_time, end_time, time_zone, location,
                    attendees, reminders, recurrence_rule, recurrence_exdates, created_by = $1 AS created_by_me,
                    created_at, updated_at
               FROM family_events WHERE family_id IN (${MINE})`,
  },
  family_shopping_lists: {
    key: 'list_id',
    keyType: 'uuid',
    select: `SELECT list_id, family_id, list_name, store_name, aisle_order, source_domain, source_id,
                    created_by = $1 AS created_by_me, created_at, updated_at
               FROM family_shopping_lists WHERE family_id IN (${MINE})`,
  },
  family_shopping_items: {
    key: 'item_id',
    keyType: 'uuid',
    select: `SELECT i.item_id, i.list_id, i.name, i.quantity, i.unit, i.note, i.cost_cents, i.aisle, i.origin, i.checked,
                    i.checked_at, i.position, i.created_at, i.updated_at
               FROM family_shopping_items i JOIN family_shopping_lists l ON l.list_id = i.list_id
              WHERE l.family_id IN (${MINE})`,
  },
  // Their own messages only: what others wrote is theirs.
  family_messages: {
    key: 'message_id',
    keyType: 'uuid',
    select: `SELECT message_id, family_id, body, reply_to, link_kind, link_id, created_at, edited_at, deleted_at
               FROM family_messages WHERE author_id = $1`,
  },
  todo_completions: {
    key: 'completion_id',
    keyType: 'uuid',
    select: `SELECT completion_id, item_id, family_id, due_at, completed_at, points
               FROM todo_completions WHERE completed_by = $1`,
  },
  family_notifications: {
    key: 'notification_id',
    keyType: 'uuid',
    select: `SELECT notification_id, family_id, kind, subject_id, occurrence_at, minutes_before, title, fire_at,
                    created_at, read_at
               FROM family_notifications WHERE user_id = $1`,
  },
  family_invitations: {
    key: 'invitation_id',
    keyType: 'uuid',
    select: `SELECT invitation_id, family_id, kind, role, status, created_at, expires_at, answered_at
               FROM family_invitations WHERE invitee_user_id = $1 OR created_by = $1`,
  },
  family_calendar_links: {
    key: 'link_id',
    keyType: 'uuid',
    select:
      'SELECT link_id, family_id, domain, ref_id, created_at FROM family_calendar_links WHERE owner_id = $1',
  },
  // Where notifications are pushed to; the subscription's keys stay here.
  family_push_subscriptions: {
    key: 'subscription_id',
    keyType: 'uuid',
    select: 'SELECT subscription_id, endpoint, created_at FROM family_push_subscriptions WHERE user_id = $1',
  },
  affiliate_clicks: {
    key: 'click_id',
    keyType: 'bigint',
    select: 'SELECT click_id, retailer, item_kind, clicked_at FROM affiliate_clicks WHERE user_id = $1',
  },
};

export const FAMILY_IMPORT = {
  families: {
    table: 'families',
    idColumn: 'family_id',
    ownerColumn: 'created_by',
    columns: ['family_name', 'default_time_zone', 'created_at'],
  },
  todo_lists: {
    table: 'todo_lists',
    idColumn: 'list_id',
    ownerColumn: 'created_by',
    columns: ['family_id', 'list_name', 'list_type', 'created_at'],
  },
  todo_items: {
    table: 'todo_items',
    idColumn: 'item_id',
    ownerColumn: 'created_by',
    columns: [
      'list_id',
      'title',
      'description',
      'due_date',
      'due_on',
      'priority',
      'status',
      'completed_at',
      'recurrence_rule',
      'recurrence_start',
      'recurrence_time_zone',
      'points',
      'reminders',
      'created_at',
    ],
  },
  family_events: {
    table: 'family_events',
    idColumn: 'event_id',
    ownerColumn: 'created_by',
    columns: [
      'family_id',
      'event_name',
      'event_type',
      'description',
      'start_time',
      'end_time',
      'time_zone',
      'location',
      'reminders',
      'recurrence_rule',
      'recurrence_exdates',
      'created_at',
    ],
  },
  family_shopping_lists: {
    table: 'family_shopping_lists',
    idColumn: 'list_id',
    ownerColumn: 'created_by',
    columns: ['family_id', 'list_name', 'store_name', 'aisle_order', 'created_at'],
  },
  family_shopping_items: {
    table: 'family_shopping_items',
    idColumn: 'item_id',
    ownerColumn: 'created_by',
    columns: [
      'list_id',
      'name',
      'quantity',
      'unit',
      'note',
      'cost_cents',
      'aisle',
      'origin',
      'checked',
      'checked_at',
      'position',
      'version',
      'created_at',
    ],
  },
} as const satisfies Record<string, ImportedTable>;

/** The importing user becomes the first member (admin) of a family their archive brought. */
export async function addImportedFamilyAdmin(tx: Queryable, familyId: string, userId: string): Promise<void> {
  await tx.query(`INSERT INTO family_members (family_id, user_id, role) VALUES ($1, $2, 'admin')`, [
    familyId,
    userId,
  ]);
}

// Halloween events: the owner's parties, haunted houses and trick-or-treat outings, each with
// a budget and a shopping list whose estimated total is worked out on every read.
import { DAY_KEY, keyset, pageFilters } from '../../platform/http/pagination.ts';
import type { HollowtownDeps } from '../deps.ts';
import { HollowtownErrors } from '../errors.ts';
import {
  deleteEvent,
  type EventFields,
  type EventRow,
  type EventType,
  insertEvent,
  listEvents,
  type ShoppingItem,
  updateEvent,
} from '../store/events.ts';
import { checkDateRange, cleanName, cleanOptionalName, isUuid } from './common.ts';

/** Soonest first. */
const EVENTS = keyset('hollowtown.events', DAY_KEY);

import type { EventFamilyService } from './event-family.ts';

export interface ShoppingItemInput {
  name: string;
  quantity?: number | null;
  unit?: string | null;
  note?: string | null;
  checked?: boolean;
  estimated_cost_cents?: number | null;
}

export interface EventInput {
  /** The family the event is planned with (one of the owner's); null unlinks it. */
  family_id?: string | null;
  event_name: string;
  event_type: EventType;
  event_date: string;
  location?: string | null;
  guest_count?: number;
  budget_cents?: number | null;
  shopping_list?: ShoppingItemInput[];
}

export type EventPatch = Partial<EventInput>;

export interface EventQuery {
  /** 'all' (default): the user's events and those planned with their families; 'mine': their own. */
  scope?: 'all' | 'mine';
  event_type?: EventType[];
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

export interface EventView extends Omit<EventRow, 'user_id' | 'family_list_id'> {
  /** Sum of the shopping list's estimated costs (items without an estimate count as 0). */
  shopping_total_cents: number;
  /** Items still to buy. */
  items_remaining: number;
  /** budget_cents minus shopping_total_cents; null without a budget. Negative: over budget. */
  budget_remaining_cents: number | null;
  /** The family shopping list generated from the event's recipes, with its cost against the budget. */
  family_shopping_list: Awaited<ReturnType<EventFamilyService['familyListOf']>>;
  /** Everything planned: this list's total and the family list's estimated cost. */
  total_cost_cents: number;
  /** budget_cents minus total_cost_cents; null without a budget. Negative: over budget. */
  total_budget_remaining_cents: number | null;
  /** Whether the caller owns the event (members of its family see it too). */
  is_mine: boolean;
}

const toShoppingItem = (input: ShoppingItemInput): ShoppingItem => ({
  name: input.name.trim(),
  quantity: input.quantity ?? null,
  unit: input.unit?.trim() || null,
  note: input.note ?? null,
  checked: input.checked ?? false,
  estimated_cost_cents: input.estimated_cost_cents ?? null,
});

function toEventView(
  row: EventRow,
  userId: string,
  familyList: EventView['family_shopping_list'] = null,
): EventView {
  const { user_id: owner, family_list_id: _list, ...event } = row;
  const total = row.shopping_list.reduce((sum, item) => sum + (item.estimated_cost_cents ?? 0), 0);
  const everything = total + (familyList?.estimated_cost_cents ?? 0);
  return {
    ...event,
    shopping_total_cents: total,
    items_remaining: row.shopping_list.filter((item) => !item.checked).length,
    budget_remaining_cents: row.budget_cents === null ? null : row.budget_cents - total,
    family_shopping_list: familyList,
    total_cost_cents: everything,
    total_budget_remaining_cents: row.budget_cents === null ? null : row.budget_cents - everything,
    is_mine: owner === userId,
  };
}

export function createEventService(deps: HollowtownDeps, links: EventFamilyService) {
  const { db } = deps;
  return {
    async create(userId: string, input: EventInput): Promise<EventView> {
      // Checked first, so that a family the user is not in writes nothing.
      if (input.family_id) await links.assertFamilyMember(userId, input.family_id);
      const fields: EventFields = {
        event_name: cleanName('body.event_name', input.event_name),
        event_type: input.event_type,
        event_date: input.event_date,
        location: input.location ?? null,
        guest_count: input.guest_count ?? 0,
        budget_cents: input.budget_cents ?? null,
        shopping_list: (input.shopping_list ?? []).map(toShoppingItem),
      };
      const row = await insertEvent(db, userId, fields);
      if (input.family_id) {
        await links.linkFamily(userId, row.event_id, input.family_id);
        return toEventView({ ...row, family_id: input.family_id }, userId);
      }
      return toEventView(row, userId);
    },

    /** The owner's event, or one planned with a family the user belongs to. */
    async get(userId: string, eventId: string): Promise<EventView> {
      const { event } = await links.access(userId, eventId);
      return toEventView(event, userId, await links.familyListOf(event));
    },

    async update(userId: string, eventId: string, patch: EventPatch): Promise<EventView> {
      if (patch.family_id) await links.assertFamilyMember(userId, patch.family_id);
      const fields: Partial<EventFields> = {
        event_name: cleanOptionalName('body.event_name', patch.event_name),
        event_type: patch.event_type,
        event_date: patch.event_date,
        location: patch.location,
        guest_count: patch.guest_count,
        budget_cents: patch.budget_cents,
        shopping_list: patch.shopping_list?.map(toShoppingItem),
      };
      const row = isUuid(eventId) ? await updateEvent(db, userId, eventId, fields) : undefined;
      if (!row) throw HollowtownErrors.eventNotFound();
      if (patch.family_id !== undefined) {
        await links.linkFamily(userId, eventId, patch.family_id);
        return this.get(userId, eventId);
      }
      return toEventView(row, userId, await links.familyListOf(row));
    },

    async remove(userId: string, eventId: string): Promise<void> {
      if (!isUuid(eventId) || !(await deleteEvent(db, userId, eventId)))
        throw HollowtownErrors.eventNotFound();
    },

    async list(userId: string, query: EventQuery) {
      checkDateRange(query.from, query.to);
      const limit = query.limit ?? 20;
      const familyIds = query.scope === 'mine' ? [] : await links.familyIdsOf(userId);
      const found = await listEvents(db, {
        userId,
        familyIds,
        types: [...new Set(query.event_type ?? [])],
        from: query.from,
        to: query.to,
        after: EVENTS.decode(query.cursor, pageFilters(query)),
        limit: limit + 1,
      });
      // A family's event shows only while its planner is still a member (else the link goes).
      const holds = await Promise.all(found.map((row) => (row.family_id ? links.linkHolds(row) : false)));
      const rows = found.filter((row, i) => row.user_id === userId || holds[i]);
      // The family lists' costs, read through Family Planner's client for the page at once.
      const familyLists = new Map(
        await Promise.all(
          rows.slice(0, limit).map(async (row) => [row.event_id, await links.familyListOf(row)] as const),
        ),
      );
      return EVENTS.page(
        rows,
        limit,
        (row) => toEventView(row, userId, familyLists.get(row.event_id) ?? null),
        (row) => ({ day: row.event_date, id: row.event_id }),
        pageFilters(query),
      );
    },
  };
}

export type EventService = ReturnType<typeof createEventService>;

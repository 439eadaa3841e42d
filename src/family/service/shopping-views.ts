// What a family shopping list looks like to its members and to the live stream: the list, its
// items and the change events, made from the store's rows.
import type { Aisle } from '../../ingredients/aisles.ts';
import type { ShoppingEventRow, ShoppingItemRow, ShoppingListRow } from '../store/shopping-lists.ts';

/** Items on one list, whoever adds them (members, or an app regenerating it). */
export const MAX_ITEMS_PER_LIST = 500;

export interface ItemView {
  item_id: string;
  name: string;
  quantity: number | null;
  unit: string | null;
  note: string | null;
  cost_cents: number | null;
  aisle: Aisle;
  origin: 'generated' | 'manual';
  checked: boolean;
  checked_by: string | null;
  checked_at: Date | null;
  version: number;
}

export interface ListView {
  list_id: string;
  family_id: string;
  list_name: string;
  version: number;
  source: { domain: string; id: string } | null;
  store_name: string | null;
  /** The aisles in the order the store is walked; those it leaves out come after, as in AISLES. */
  aisle_order: Aisle[];
  estimated_cost_cents: number;
  items: ItemView[];
  created_at: Date;
  updated_at: Date;
}

export const itemView = ({ position: _position, ...item }: ShoppingItemRow): ItemView => item;

export const costOf = (items: ShoppingItemRow[]) =>
  items.reduce((sum, item) => sum + (item.cost_cents ?? 0), 0);

export function listView(list: ShoppingListRow, items: ShoppingItemRow[]): ListView {
  return {
    list_id: list.list_id,
    family_id: list.family_id,
    list_name: list.list_name,
    version: list.version,
    source: list.source_domain && list.source_id ? { domain: list.source_domain, id: list.source_id } : null,
    store_name: list.store_name,
    aisle_order: list.aisle_order,
    estimated_cost_cents: costOf(items),
    items: items.map(itemView),
    created_at: list.created_at,
    updated_at: list.updated_at,
  };
}

export interface ChangeEvent {
  seq: number;
  kind: ShoppingEventRow['kind'];
  item_id: string | null;
  data: Record<string, unknown>;
  actor: string | null;
  at: Date;
}

export const toChangeEvent = (row: ShoppingEventRow): ChangeEvent => ({
  seq: row.seq,
  kind: row.kind,
  item_id: row.item_id,
  data: row.data,
  actor: row.actor,
  at: row.created_at,
});

export interface ItemChange {
  checked?: boolean;
  name?: string;
  quantity?: number | null;
  unit?: string | null;
  note?: string | null;
  /** What a member expects it to cost, in cents (null: not known). */
  cost_cents?: number | null;
  aisle?: Aisle;
  /** The item version the change was made against; a newer one gives 409 VERSION_CONFLICT. */
  expected_version?: number;
}

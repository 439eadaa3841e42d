// Family shopping lists, shared live: every change takes the list's lock, bumps its version and
// writes one event with that version as its sequence number, so every member applies changes
// in the same order and a reconnecting member replays exactly what it missed. A change carries
// an Idempotency-Key: a retry after a dropped connection returns the first answer and changes
// nothing. Generated lists (from a Hollowtown event) are regenerated in place, keeping what
// members already checked.
import { type Aisle, guessAisle } from '../../ingredients/aisles.ts';
import type { Queryable } from '../../platform/db/database.ts';
import type { NotifyHub } from '../../platform/db/notify-hub.ts';
import { isIdempotencyKey, requestHash } from '../../platform/http/idempotency.ts';
import type { StreamAccess } from '../../platform/http/sse.ts';
import type { FamilyDeps } from '../deps.ts';
import { FamilyErrors, ShoppingErrors } from '../errors.ts';
import { findRole } from '../store/families.ts';
import {
  countItems,
  deleteItem,
  deleteList,
  deleteUncheckedGenerated,
  eventsAfter,
  findIdempotentResponse,
  findItem,
  findList,
  findListBySource,
  findListForMember,
  findOpenManualItem,
  insertEvent,
  insertItem,
  insertList,
  listItems,
  listListsOfFamily,
  lockList,
  type NewShoppingItem,
  type ShoppingEventRow,
  type ShoppingItemRow,
  type ShoppingListRow,
  saveIdempotentResponse,
  setItemChecked,
  setListStore,
  setListVersion,
  updateItemFields,
} from '../store/shopping-lists.ts';
import { isUuid } from './pages.ts';
import { assertCan } from './roles.ts';

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

const itemView = ({ position: _position, ...item }: ShoppingItemRow): ItemView => item;

const costOf = (items: ShoppingItemRow[]) => items.reduce((sum, item) => sum + (item.cost_cents ?? 0), 0);

function listView(list: ShoppingListRow, items: ShoppingItemRow[]): ListView {
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

/** The cost a member gave an item before, for the same item at a new quantity. */
function carriedCost(before: ShoppingItemRow | undefined, quantity: number | null): number | null {
  if (!before || before.cost_cents === null) return null;
  const was = before.quantity === null ? null : Number(before.quantity);
  if (quantity === null || was === null || was === 0) return before.cost_cents;
  return Math.round((before.cost_cents * quantity) / was);
}

export function createShoppingListService(deps: FamilyDeps, hub: NotifyHub, familyAccess: NotifyHub) {
  const { db } = deps;

  async function readable(userId: string, listId: string): Promise<ShoppingListRow> {
    if (!isUuid(listId)) throw ShoppingErrors.listNotFound();
    const list = await findListForMember(db, listId, userId);
    if (!list) throw ShoppingErrors.listNotFound();
    return list;
  }

  /**
   * Runs one change of a list: membership, lock, idempotency, the next version, one event.
   * `work` returns the answer and the event; the answer is stored under the key.
   */
  async function change<T>(
    userId: string,
    listId: string,
    idempotencyKey: string | undefined,
    request: unknown,
    work: (
      tx: Queryable,
      list: ShoppingListRow,
      version: number,
    ) => Promise<{ response: T; event: Omit<ShoppingEventRow, 'seq' | 'created_at' | 'actor'> }>,
  ): Promise<T> {
    // Who may touch the list is answered before what the request lacks: a stranger gets 404.
    if (!isUuid(listId) || !(await findListForMember(db, listId, userId)))
      throw ShoppingErrors.listNotFound();
    if (!isIdempotencyKey(idempotencyKey)) throw ShoppingErrors.keyRequired();
    const hash = requestHash(request);
    const outcome = await db.transaction(async (tx) => {
      if (!(await findListForMember(tx, listId, userId))) throw ShoppingErrors.listNotFound();
      const list = await lockList(tx, listId);
      if (!list) throw ShoppingErrors.listNotFound();
      const previous = await findIdempotentResponse(tx, listId, idempotencyKey);
      if (previous) {
        if (previous.request_hash !== hash || previous.actor !== userId) throw ShoppingErrors.keyReused();
        return { response: previous.response as T, published: false, seq: list.version };
      }
      const version = list.version + 1;
      const { response, event } = await work(tx, list, version);
      await insertEvent(tx, listId, { ...event, seq: version, actor: userId });
      await setListVersion(tx, listId, version);
      await saveIdempotentResponse(tx, {
        listId,
        key: idempotencyKey,
        actor: userId,
        requestHash: hash,
        response,
      });
      return { response, published: true, seq: version };
    });
    if (outcome.published) await hub.publish(listId, { seq: outcome.seq }).catch(() => undefined);
    return outcome.response;
  }

  return {
    async get(userId: string, listId: string): Promise<ListView> {
      const list = await readable(userId, listId);
      return listView(list, await listItems(db, listId));
    },

    async listForFamily(userId: string, familyId: string) {
      if (!isUuid(familyId) || !(await findRole(db, familyId, userId))) throw FamilyErrors.familyNotFound();
      const lists = await listListsOfFamily(db, familyId, 100);
      return Promise.all(
        lists.map(async (list) => ({
          ...listView(list, []),
          item_count: await countItems(db, list.list_id),
        })),
      );
    },

    async create(userId: string, input: { family_id: string; list_name: string }): Promise<ListView> {
      if (!isUuid(input.family_id)) throw FamilyErrors.familyNotFound();
      const role = await findRole(db, input.family_id, userId);
      if (!role) throw FamilyErrors.familyNotFound();
      assertCan(role, 'manageLists');
      const list = await insertList(db, {
        familyId: input.family_id,
        name: input.list_name,
        createdBy: userId,
      });
      return listView(list, []);
    },

    async remove(userId: string, listId: string): Promise<void> {
      const list = await readable(userId, listId);
      const role = await findRole(db, list.family_id, userId);
      if (!role) throw ShoppingErrors.listNotFound();
      assertCan(role, 'manageLists');
      await db.transaction((tx) => deleteList(tx, listId));
      await hub.publish(listId, { deleted: true }).catch(() => undefined);
    },

    /**
     * Adds an item, or joins an item still to buy that a member added by hand under the same
     * name and unit (two members who both noticed the milk ran out get one line, offline or
     * not): the amounts and costs add up, so no member's add is lost, and the answer says
     * `merged`. A checked item is bought already: the same name then starts a new line.
     */
    addItem(
      userId: string,
      listId: string,
      idempotencyKey: string | undefined,
      item: Omit<NewShoppingItem, 'origin' | 'position' | 'aisle'> & { aisle?: Aisle },
    ): Promise<ItemView & { merged: boolean }> {
      return change<ItemView & { merged: boolean }>(
        userId,
        listId,
        idempotencyKey,
        { add: item },
        async (tx, _list, version) => {
          const same = await findOpenManualItem(tx, listId, item.name, item.unit);
          if (same) {
            const sum = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : a + b);
            const quantity = sum(
              same.quantity === null ? null : Number(same.quantity),
              item.quantity ?? null,
            );
            const cost = sum(same.cost_cents, item.costCents ?? null);
            if ((quantity ?? 0) >= 1_000_000 || (cost ?? 0) > 100_000_000)
              throw ShoppingErrors.mergedTooLarge();
            const row = await updateItemFields(
              tx,
              same.item_id,
              {
                quantity,
                cost_cents: cost,
                note: same.note ?? item.note ?? null,
              },
              version,
            );
            const view = itemView(row);
            return {
              response: { ...view, merged: true },
              event: { kind: 'item.updated', item_id: row.item_id, data: { item: view } },
            };
          }
          const existing = await countItems(tx, listId);
          if (existing >= MAX_ITEMS_PER_LIST) throw ShoppingErrors.tooManyItems(MAX_ITEMS_PER_LIST);
          const row = await insertItem(
            tx,
            listId,
            { ...item, aisle: item.aisle ?? guessAisle(item.name), origin: 'manual', position: existing },
            version,
            userId,
          );
          const view = itemView(row);
          return {
            response: { ...view, merged: false },
            event: { kind: 'item.added', item_id: row.item_id, data: { item: view } },
          };
        },
      );
    },

    updateItem(
      userId: string,
      listId: string,
      itemId: string,
      idempotencyKey: string | undefined,
      changes: ItemChange,
    ) {
      return change(userId, listId, idempotencyKey, { itemId, changes }, async (tx, _list, version) => {
        if (!isUuid(itemId)) throw ShoppingErrors.itemNotFound();
        const item = await findItem(tx, listId, itemId);
        if (!item) throw ShoppingErrors.itemNotFound();
        if (changes.expected_version !== undefined && changes.expected_version !== item.version) {
          throw ShoppingErrors.versionConflict(item.version);
        }
        const { checked, expected_version: _expected, ...fields } = changes;
        let row = item;
        if (Object.keys(fields).length > 0) row = await updateItemFields(tx, itemId, fields, version);
        if (checked !== undefined)
          row = await setItemChecked(tx, itemId, checked, userId, version, deps.now());
        const view = itemView(row);
        return { response: view, event: { kind: 'item.updated', item_id: itemId, data: { item: view } } };
      });
    },

    /**
     * Sets the store a list is for and the order its aisles are walked in (any member: who is in
     * the shop knows it best). Each aisle at most once; those left out come after.
     */
    updateStore(
      userId: string,
      listId: string,
      idempotencyKey: string | undefined,
      settings: { store_name?: string | null; aisle_order?: Aisle[] },
    ) {
      const tidy = {
        ...('store_name' in settings ? { store_name: settings.store_name?.trim() || null } : {}),
        ...(settings.aisle_order ? { aisle_order: settings.aisle_order } : {}),
      };
      if (tidy.aisle_order && new Set(tidy.aisle_order).size !== tidy.aisle_order.length)
        throw ShoppingErrors.aisleRepeated();
      return change(userId, listId, idempotencyKey, { store: tidy }, async (tx, list, version) => {
        await setListStore(tx, listId, tidy);
        const view = {
          store_name: 'store_name' in tidy ? (tidy.store_name ?? null) : list.store_name,
          aisle_order: tidy.aisle_order ?? list.aisle_order,
          version,
        };
        return { response: view, event: { kind: 'list.updated', item_id: null, data: view } };
      });
    },

    removeItem(userId: string, listId: string, itemId: string, idempotencyKey: string | undefined) {
      return change(userId, listId, idempotencyKey, { remove: itemId }, async (tx) => {
        if (!isUuid(itemId)) throw ShoppingErrors.itemNotFound();
        if (!(await findItem(tx, listId, itemId))) throw ShoppingErrors.itemNotFound();
        await deleteItem(tx, itemId);
        return {
          response: { item_id: itemId, removed: true },
          event: { kind: 'item.removed', item_id: itemId, data: {} },
        };
      });
    },

    /**
     * Creates or regenerates the list of a source (a Hollowtown event) for a family: unchecked
     * generated items are replaced, checked ones and members' own additions stay.
     */
    async saveGenerated(input: {
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
    }): Promise<{ listId: string; version: number; estimatedCostCents: number; created: boolean }> {
      if (!isUuid(input.familyId) || !(await findRole(db, input.familyId, input.actorUserId))) {
        throw FamilyErrors.familyNotFound();
      }
      if (input.items.length > MAX_ITEMS_PER_LIST) throw ShoppingErrors.tooManyItems(MAX_ITEMS_PER_LIST);
      const outcome = await db.transaction(async (tx) => {
        let list = await findListBySource(tx, input.sourceDomain, input.sourceId);
        const created = !list || list.family_id !== input.familyId;
        if (list && list.family_id !== input.familyId) await deleteList(tx, list.list_id);
        if (!list || created) {
          list = await insertList(tx, {
            familyId: input.familyId,
            name: input.listName,
            sourceDomain: input.sourceDomain,
            sourceId: input.sourceId,
            createdBy: input.actorUserId,
          });
        }
        const version = list.version + 1;
        const replaced = await deleteUncheckedGenerated(tx, list.list_id);
        const kept = await listItems(tx, list.list_id);
        const keyOf = (name: string, unit: string | null) => `${name.trim().toLowerCase()}|${unit ?? ''}`;
        const checkedKeys = new Set(kept.filter((i) => i.checked).map((i) => keyOf(i.name, i.unit)));
        // A price a member put on an item survives remaking the list, scaled to the new quantity.
        const priced = new Map(
          replaced.filter((i) => i.cost_cents !== null).map((i) => [keyOf(i.name, i.unit), i] as const),
        );
        let position = kept.length;
        for (const item of input.items) {
          const key = keyOf(item.name, item.unit);
          if (checkedKeys.has(key)) continue;
          await insertItem(
            tx,
            list.list_id,
            {
              ...item,
              costCents: item.costCents ?? carriedCost(priced.get(key), item.quantity),
              aisle: guessAisle(item.name),
              origin: 'generated',
              position: position++,
            },
            version,
            input.actorUserId,
          );
        }
        const items = await listItems(tx, list.list_id);
        await insertEvent(tx, list.list_id, {
          seq: version,
          kind: 'list.regenerated',
          item_id: null,
          data: { items: items.map(itemView) },
          actor: input.actorUserId,
        });
        await setListVersion(tx, list.list_id, version, input.listName);
        return { listId: list.list_id, version, estimatedCostCents: costOf(items), created };
      });
      await hub.publish(outcome.listId, { seq: outcome.version }).catch(() => undefined);
      return outcome;
    },

    /**
     * Takes back a list saveGenerated created when the source could not record it (the undo
     * step of the event → family list flow): only that source's list in that family.
     */
    async discardGenerated(input: {
      familyId: string;
      sourceDomain: 'hollowtown' | 'recipes';
      sourceId: string;
      listId: string;
    }): Promise<void> {
      if (![input.familyId, input.sourceId, input.listId].every(isUuid)) return;
      const deleted = await db.transaction(async (tx) => {
        const list = await findListBySource(tx, input.sourceDomain, input.sourceId);
        if (!list || list.list_id !== input.listId || list.family_id !== input.familyId) return false;
        await deleteList(tx, list.list_id);
        return true;
      });
      if (deleted) await hub.publish(input.listId, { deleted: true }).catch(() => undefined);
    },

    /** Counts and cost of a list, for the app that generated it (no membership check: by id). */
    async summary(listId: string) {
      if (!isUuid(listId)) return null;
      const list = await findList(db, listId);
      if (!list) return null;
      const items = await listItems(db, listId);
      return {
        listId,
        familyId: list.family_id,
        version: list.version,
        itemCount: items.length,
        checkedCount: items.filter((i) => i.checked).length,
        estimatedCostCents: costOf(items),
      };
    },

    /**
     * Who may follow a list live: a member of its family, re-checked whenever the family's
     * members change (in any process) and while the stream is open (see platform/http/sse.ts).
     */
    async streamAccess(userId: string, listId: string): Promise<StreamAccess> {
      const list = await readable(userId, listId);
      return {
        check: async () => (await findListForMember(db, listId, userId)) !== undefined,
        watch: (onChange) => familyAccess.subscribe(list.family_id, onChange),
      };
    },

    /** Subscribes to a list's changes after `afterSeq`, delivered in order; resolves once listening. */
    async follow(
      userId: string,
      listId: string,
      afterSeq: number | undefined,
      deliver: (event: ChangeEvent | { snapshot: ListView }) => void,
    ): Promise<() => void> {
      await readable(userId, listId);
      let last = afterSeq ?? 0;
      let chain = Promise.resolve();
      const catchUp = () => {
        chain = chain
          .then(async () => {
            for (const row of await eventsAfter(db, listId, last)) {
              last = row.seq;
              deliver(toChangeEvent(row));
            }
          })
          .catch((error: unknown) =>
            deps.logger.warn({ err: error, listId }, 'shopping list catch-up failed'),
          );
      };
      // Listen first, then read: nothing committed in between can be missed.
      const unsubscribe = await hub.subscribe(listId, catchUp);
      if (afterSeq === undefined) {
        chain = chain.then(async () => {
          const list = await findList(db, listId);
          if (!list) return;
          last = list.version;
          deliver({ snapshot: listView(list, await listItems(db, listId)) });
        });
      }
      catchUp();
      return unsubscribe;
    },
  };
}

export type ShoppingListService = ReturnType<typeof createShoppingListService>;

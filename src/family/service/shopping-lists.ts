// Family shopping lists, shared live: every change takes the list's lock, bumps its version and
// writes one event with that version as its sequence number, so every member applies changes
// in the same order and a reconnecting member replays exactly what it missed. A change carries
// an Idempotency-Key: a retry after a dropped connection returns the first answer and changes
// nothing. Lists an app makes are in generated-lists.ts, following a list live in
// shopping-live.ts, the shapes members see in shopping-views.ts.
import { type Aisle, guessAisle } from '../../ingredients/aisles.ts';
import type { Queryable } from '../../platform/db/database.ts';
import type { NotifyHub } from '../../platform/db/notify-hub.ts';
import { isIdempotencyKey, requestHash } from '../../platform/http/idempotency.ts';
import type { FamilyDeps } from '../deps.ts';
import { FamilyErrors, ShoppingErrors } from '../errors.ts';
import { findRole } from '../store/families.ts';
import {
  countItems,
  deleteItem,
  deleteList,
  findIdempotentResponse,
  findItem,
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
  type ShoppingListRow,
  saveIdempotentResponse,
  setItemChecked,
  setListStore,
  setListVersion,
  updateItemFields,
} from '../store/shopping-lists.ts';
import { createGeneratedLists } from './generated-lists.ts';
import { isUuid } from './pages.ts';
import { assertCan } from './roles.ts';
import { createShoppingLive } from './shopping-live.ts';
import {
  type ItemChange,
  type ItemView,
  itemView,
  type ListView,
  listView,
  MAX_ITEMS_PER_LIST,
} from './shopping-views.ts';

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
    ...createGeneratedLists(deps, hub),
    ...createShoppingLive(deps, hub, familyAccess),
  };
}

export type ShoppingListService = ReturnType<typeof createShoppingListService>;

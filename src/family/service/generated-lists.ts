// Lists an app makes for a family (a Hollowtown event's shopping): created or regenerated in
// place, keeping what members already checked and the prices they gave; taken back by the undo
// step of the event → family list flow; summed up for the app that asked.
import { guessAisle } from '../../ingredients/aisles.ts';
import type { NotifyHub } from '../../platform/db/notify-hub.ts';
import type { FamilyDeps } from '../deps.ts';
import { FamilyErrors, ShoppingErrors } from '../errors.ts';
import { findRole } from '../store/families.ts';
import {
  deleteList,
  deleteUncheckedGenerated,
  findList,
  findListBySource,
  insertEvent,
  insertItem,
  insertList,
  listItems,
  type ShoppingItemRow,
  setListVersion,
} from '../store/shopping-lists.ts';
import { isUuid } from './pages.ts';
import { costOf, itemView, MAX_ITEMS_PER_LIST } from './shopping-views.ts';

/** The cost a member gave an item before, for the same item at a new quantity. */
function carriedCost(before: ShoppingItemRow | undefined, quantity: number | null): number | null {
  if (!before || before.cost_cents === null) return null;
  const was = before.quantity === null ? null : Number(before.quantity);
  if (quantity === null || was === null || was === 0) return before.cost_cents;
  return Math.round((before.cost_cents * quantity) / was);
}

export function createGeneratedLists(deps: FamilyDeps, hub: NotifyHub) {
  const { db } = deps;
  return {
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
  };
}

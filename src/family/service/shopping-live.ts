import type { NotifyHub } from '../../platform/db/notify-hub.ts';
import type { StreamAccess } from '../../platform/http/sse.ts';
import type { FamilyDeps } from '../deps.ts';
import { ShoppingErrors } from '../errors.ts';
import {
  eventsAfter,
  findList,
  findListForMember,
  listItems,
  type ShoppingListRow,
} from '../store/shopping-lists.ts';
import { isUuid } from './pages.ts';
import { type ChangeEvent, type ListView, listView, toChangeEvent } from './shopping-views.ts';

export function createShoppingLive(deps: FamilyDeps, hub: NotifyHub, familyAccess: NotifyHub) {
  const { db } = deps;

  async function readable(userId: string, listId: string): Promise<ShoppingListRow> {
    if (!isUuid(listId)) throw ShoppingErrors.listNotFound();
    const list = await findListForMember(db, listId, userId);
    if (!list) throw ShoppingErrors.listNotFound();
    return list;
  }

  return {
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

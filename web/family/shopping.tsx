// Family Planner's shopping lists, kept live: a tick on one phone shows on every other at once.

import { useCallback, useEffect, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/family.ts';
import { shownUnit } from '../shared/amounts.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import { AffiliateDisclosure, BuyLinks } from '../shared/buy-links.tsx';
import {
  Checkbox,
  Empty,
  ErrorMessage,
  Form,
  formatMoney,
  Loading,
  Section,
  SelectField,
  SubmitRow,
  TextField,
} from '../shared/components.tsx';
import { ApiError, describeError } from '../shared/errors.ts';
import { useFields } from '../shared/form-fields.ts';
import { useAction, useLoad } from '../shared/hooks.ts';
import { isLocalId, type QueuedChange, type SendOutcome, useOnline, useOutbox } from '../shared/outbox.ts';
import { Link, navigate } from '../shared/router.tsx';
import {
  AISLES,
  type Aisle,
  aisleOptions,
  OutboxStatus,
  StoreOrder,
  walkOrder,
} from '../shared/shopping.tsx';
import { followStream, type StreamState } from '../shared/stream.ts';
import { FamilyPicker, NeedsFamily, useFamily } from './family-choice.tsx';

type ShoppingList = Answer<paths, '/api/shopping-lists/{id}', 'get'>;
type ShoppingItem = ShoppingList['items'][number];
type ShoppingLists = Answer<paths, '/api/shopping-lists', 'get'>;
type StoreOrderAnswer = Answer<paths, '/api/shopping-lists/{id}', 'patch'>;

export function Shopping(props: ViewProps) {
  const { api, params } = props;
  const { families, family } = useFamily(props);
  const lists = useLoad(
    async (signal) =>
      family
        ? api<ShoppingLists>('/api/shopping-lists', { signal, query: { family_id: family.family_id } })
        : null,
    [api, family?.family_id],
  );
  const [name, setName] = useState('');
  const create = useAction();
  const listId = params.get('list') ?? lists.data?.items[0]?.list_id;
  const submit = () =>
    create.run(async () => {
      if (!family) return;
      const made = await api<ShoppingList>('/api/shopping-lists', {
        body: { family_id: family.family_id, list_name: name },
      });
      setName('');
      lists.reload();
      navigate(props.href('shopping', { family: family.family_id, list: made.list_id }));
    });
  if (families.error) return <ErrorMessage>{families.error}</ErrorMessage>;
  if (!families.data) return <Loading />;
  if (!family) return <NeedsFamily props={props} />;
  return (
    <>
      <h1>Shopping</h1>
      <FamilyPicker props={props} families={families.data.items} family={family} />
      {lists.error && <ErrorMessage>{lists.error}</ErrorMessage>}
      {lists.data && lists.data.items.length > 1 && (
        <nav aria-label="Shopping lists">
          <ul className="nav">
            {lists.data.items.map((l) => (
              <li key={l.list_id}>
                <Link
                  href={props.href('shopping', { family: family.family_id, list: l.list_id })}
                  aria-current={l.list_id === listId ? 'page' : undefined}
                >
                  {l.list_name}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {listId ? (
        <LiveList key={listId} props={props} listId={listId} />
      ) : (
        <Empty>No shopping list yet.</Empty>
      )}
      {family.my_role !== 'child' && (
        <Section title="New shopping list">
          <Form onSubmit={submit} error={create.error} label="New shopping list">
            <TextField label="List name" required value={name} onChange={(e) => setName(e.target.value)} />
            <SubmitRow busy={create.busy}>Create list</SubmitRow>
          </Form>
        </Section>
      )}
    </>
  );
}

/** The list as the server last said, with this page's waiting changes on top. */
function withWaiting(
  list: ShoppingList,
  waiting: readonly QueuedChange[],
): Omit<ShoppingList, 'items'> & { items: ShownItem[] } {
  let items: ShownItem[] = list.items;
  for (const { change } of waiting) {
    if (change.list_id !== list.list_id) continue;
    if (change.kind === 'add') {
      items = [
        ...items,
        {
          item_id: change.local_id,
          name: change.name,
          quantity: change.quantity,
          unit: null,
          checked: false,
          cost_cents: null,
          // Where the server will put it: the aisle chosen, or that of the open line it joins.
          aisle:
            (change.aisle as Aisle | undefined) ??
            items.find((i) => !i.checked && i.name.trim().toLowerCase() === change.name.trim().toLowerCase())
              ?.aisle ??
            'other',
          waiting: true,
        },
      ];
    } else {
      items = items.map((i) =>
        i.item_id === change.item_id ? { ...i, checked: change.checked, waiting: true } : i,
      );
    }
  }
  return { ...list, items };
}

/** An item as this page shows it: one added offline has only what the page knows yet. */
type ShownItem = Pick<
  ShoppingItem,
  'item_id' | 'name' | 'quantity' | 'unit' | 'checked' | 'cost_cents' | 'aisle' | 'buy_links'
> & {
  /** A change of this page's outbox is still to be sent. */
  waiting?: boolean;
};

/** An item the server sent, in place of the one it was or at the end. */
const withItem = (list: ShoppingList, changed: ShoppingItem): ShoppingList => {
  const exists = list.items.some((i) => i.item_id === changed.item_id);
  return {
    ...list,
    items: exists
      ? // Live events carry no links: an item keeps the ones it was shown with.
        list.items.map((i) =>
          i.item_id === changed.item_id ? { ...changed, buy_links: changed.buy_links ?? i.buy_links } : i,
        )
      : [...list.items, changed],
  };
};

/**
 * One list: read (the app's service worker answers with the last copy when there is no signal),
 * then kept current by the server's event stream from that version on, so other members'
 * changes appear at once. Ticks and additions go through the outbox (web/shared/outbox.ts):
 * made offline, they wait in this browser and are sent when the signal returns.
 */
function LiveList({ props, listId }: { props: ViewProps; listId: string }) {
  const { api, config, session } = props;
  const [list, setList] = useState<ShoppingList>();
  const [loadError, setLoadError] = useState<string>();
  const [live, setLive] = useState<StreamState>();
  const [item, setItem, set] = useFields({ name: '', quantity: '', aisle: '' });
  const online = useOnline();
  const user = props.user?.user_id ?? session.read()?.user?.user_id ?? 'me';

  const send = useCallback(
    async ({ change, idempotency_key }: QueuedChange) => {
      const headers = { 'idempotency-key': idempotency_key };
      if (change.kind === 'add') {
        const added = await api<ShoppingItem>(`/api/shopping-lists/${change.list_id}/items`, {
          body: {
            name: change.name,
            ...(change.quantity === null ? {} : { quantity: change.quantity }),
            ...(change.aisle ? { aisle: change.aisle } : {}),
          },
          headers,
        });
        return { item_id: added.item_id, result: added };
      }
      if (isLocalId(change.item_id))
        throw new ApiError(404, 'SHOPPING_ITEM_NOT_FOUND', 'The item was never added');
      const updated = await api<ShoppingItem>(
        `/api/shopping-lists/${change.list_id}/items/${change.item_id}`,
        {
          method: 'PATCH',
          body: { checked: change.checked },
          headers,
        },
      );
      return { result: updated };
    },
    [api],
  );
  const onSent = useCallback(
    (queued: QueuedChange, outcome: SendOutcome) => {
      if (queued.change.list_id !== listId || !outcome.result) return;
      setList((current) => current && withItem(current, outcome.result as ShoppingItem));
    },
    [listId],
  );
  const outbox = useOutbox('family', user, send, onSent);

  useEffect(() => {
    let stale = false;
    let stop = () => {};
    api<ShoppingList>(`/api/shopping-lists/${listId}`).then(
      (first) => {
        if (stale) return;
        setList(first);
        stop = followStream(
          `${config.api}/api/shopping-lists/${listId}/stream`,
          () => session.accessToken(),
          (event) => {
            const data = JSON.parse(event.data);
            setList((current) => {
              if (event.event === 'snapshot') return data as ShoppingList;
              if (!current) return current;
              const payload = (data.data ?? {}) as { item?: ShoppingItem; items?: ShoppingItem[] };
              if (event.event === 'list.regenerated' && payload.items)
                return { ...current, items: payload.items };
              if (event.event === 'list.updated') {
                const store = data.data as Pick<ShoppingList, 'store_name' | 'aisle_order'>;
                return { ...current, store_name: store.store_name, aisle_order: store.aisle_order };
              }
              if (event.event === 'item.removed')
                return { ...current, items: current.items.filter((i) => i.item_id !== data.item_id) };
              return payload.item ? withItem(current, payload.item) : current;
            });
          },
          setLive,
          String(first.version),
        );
      },
      (error: unknown) => {
        if (stale) return;
        setLoadError(
          error instanceof ApiError && error.code === 'NETWORK'
            ? 'There is no signal, and this list was not opened on this device before.'
            : describeError(error),
        );
      },
    );
    return () => {
      stale = true;
      stop();
    };
  }, [api, config.api, listId, session]);

  const check = (target: ShownItem, checked: boolean) =>
    void outbox.enqueue({
      kind: 'check',
      list_id: listId,
      item_id: target.item_id,
      name: target.name,
      checked,
    });
  const submit = async () => {
    const quantity = Number(item.quantity);
    await outbox.enqueue({
      kind: 'add',
      list_id: listId,
      local_id: `local:${crypto.randomUUID()}`,
      name: item.name.trim(),
      quantity: item.quantity && Number.isFinite(quantity) ? quantity : null,
      ...(item.aisle ? { aisle: item.aisle } : {}),
    });
    setItem({ name: '', quantity: '', aisle: item.aisle });
  };
  if (loadError) return <ErrorMessage>{loadError}</ErrorMessage>;
  if (!list) return <Loading label="Opening the list…" />;
  const shown = withWaiting(list, outbox.entries);
  const open = shown.items.filter((i) => !i.checked).length;
  const waiting = outbox.entries.filter((e) => e.change.list_id === listId).length;
  return (
    <Section title={list.list_name}>
      <p className="muted" role="status">
        {open} of {shown.items.length} still to buy
        {list.estimated_cost_cents > 0 ? ` · about ${formatMoney(list.estimated_cost_cents)}` : ''}
        {!online
          ? ' · offline: showing the list as last loaded'
          : live === 'reconnecting'
            ? ' · reconnecting…'
            : live === 'ended'
              ? ' · no longer live: you cannot see this list any more'
              : live === 'live'
                ? ' · live'
                : ''}
      </p>
      <OutboxStatus waiting={waiting} online={online} notices={outbox.notices} dismiss={outbox.dismiss} />
      {shown.items.length === 0 ? (
        <Empty>The list is empty.</Empty>
      ) : (
        <ul className="aisles" aria-label={`Items on ${list.list_name}`}>
          {walkOrder(list.aisle_order).map((aisle) => {
            const here = shown.items.filter((i) => (i.aisle ?? 'other') === aisle);
            if (here.length === 0) return null;
            return (
              <li key={aisle} className="aisle">
                <h3 id={`${listId}-${aisle}`}>{AISLES[aisle]}</h3>
                <ul className="list" aria-labelledby={`${listId}-${aisle}`}>
                  {here.map((i) => (
                    <li className="list-row" key={i.item_id}>
                      <Checkbox
                        label={
                          <>
                            {i.checked ? <s>{i.name}</s> : i.name}
                            {i.quantity !== null && (
                              <span className="muted">
                                {' '}
                                · {i.quantity} {shownUnit(i.unit) ?? ''}
                              </span>
                            )}
                            {i.waiting && <span className="muted"> · waiting to be sent</span>}
                          </>
                        }
                        checked={i.checked}
                        onChange={(e) => check(i, e.target.checked)}
                      />
                      <BuyLinks links={i.buy_links} item={i.name} />
                    </li>
                  ))}
                </ul>
              </li>
            );
          })}
        </ul>
      )}
      <AffiliateDisclosure text={list.affiliate_disclosure} />
      <Form onSubmit={submit} label="Add to the list" wide>
        <div className="form-grid">
          <TextField label="Item" required maxLength={200} value={item.name} onChange={set('name')} />
          <TextField label="How many" inputMode="decimal" value={item.quantity} onChange={set('quantity')} />
          <SelectField label="Aisle" options={aisleOptions} value={item.aisle} onChange={set('aisle')} />
        </div>
        <SubmitRow>Add item</SubmitRow>
      </Form>
      <StoreOrder
        settings={{ store: list.store_name ?? null, aisle_order: list.aisle_order ?? [] }}
        save={async ({ store, aisle_order }) => {
          const saved = await api<StoreOrderAnswer>(`/api/shopping-lists/${list.list_id}`, {
            method: 'PATCH',
            body: { store_name: store, aisle_order },
            headers: { 'idempotency-key': crypto.randomUUID() },
          });
          setList((current) => current && { ...current, ...saved });
        }}
      />
    </Section>
  );
}

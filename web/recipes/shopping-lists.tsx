// Shopping lists: tick items off and add items as you shop, with or without signal (the outbox
// sends them when it returns), grouped by aisle in the order the store is walked; the total is
// kept by the server. Start a list by hand, or open the one a meal plan just made (?list=id comes
// first and into view). Print puts one list on paper: what is still to buy, each with an empty box
// to tick (recipes.css).
import { useCallback, useEffect, useState } from 'react';
import { formatIngredient } from '../shared/amounts.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import { AffiliateDisclosure, BuyLinks } from '../shared/buy-links.tsx';
import {
  Button,
  Checkbox,
  Empty,
  ErrorMessage,
  Form,
  formatMoney,
  Loading,
  Section,
  SelectField,
  SubmitRow,
  TextArea,
  TextField,
} from '../shared/components.tsx';
import { useFields } from '../shared/form-fields.ts';
import { useAction, useLoad } from '../shared/hooks.ts';
import { describeIngredientError, textLines } from '../shared/ingredient-lines.tsx';
import {
  type ListChange,
  type QueuedChange,
  type SendOutcome,
  useOnline,
  useOutbox,
} from '../shared/outbox.ts';
import {
  AISLES,
  type Aisle,
  aisleOptions,
  OutboxStatus,
  StoreOrder,
  walkOrder,
} from '../shared/shopping.tsx';
import type { Page, ShoppingItem, ShoppingList } from './types.ts';

/** An item as shown: a change of this page's outbox may still be on its way. */
type ShownItem = ShoppingItem & { waiting?: boolean; local_id?: string };
type ShownList = Omit<ShoppingList, 'items'> & { items: ShownItem[] };

const itemKey = (item: { name: string; unit: string | null }) =>
  `${item.name.toLowerCase()}\u0000${item.unit ?? ''}`;

/** A list as the server last said, with this page's waiting ticks and additions on top. */
function withWaiting(list: ShoppingList, waiting: readonly QueuedChange[]): ShownList {
  let items: ShownItem[] = list.items;
  for (const { change } of waiting) {
    if (change.list_id !== list.list_id) continue;
    if (change.kind === 'add') {
      items = [
        ...items,
        {
          name: change.name,
          quantity: change.quantity,
          unit: null,
          checked: false,
          cost_cents: null,
          note: null,
          // Where the server will put it: the aisle chosen, or that of the open line it joins.
          aisle:
            (change.aisle as Aisle | undefined) ??
            items.find((i) => !i.checked && i.name.toLowerCase() === change.name.toLowerCase())?.aisle ??
            'other',
          waiting: true,
          local_id: change.local_id,
        },
      ];
    } else {
      items = items.map((item) =>
        itemKey(item) === change.item_id ? { ...item, checked: change.checked, waiting: true } : item,
      );
    }
  }
  return { ...list, items, open_items: items.filter((item) => !item.checked).length };
}

export function Shopping(props: ViewProps) {
  const { api } = props;
  const wanted = props.params.get('list');
  const lists = useLoad(
    async (signal) => {
      const page = await api<Page<ShoppingList>>('/api/shopping-lists', { signal, query: { limit: 20 } });
      if (!wanted || page.items.some((l) => l.list_id === wanted)) return page;
      // An older list, opened from its meal plan: show it too.
      const list = await api<ShoppingList>(`/api/shopping-lists/${wanted}`, { signal }).catch(() => null);
      return list ? { ...page, items: [list, ...page.items] } : page;
    },
    [api, wanted],
  );
  const [form, setForm, set] = useFields({ list_name: '', items: '' });
  const create = useAction();
  const ordered = [...(lists.data?.items ?? [])].sort(
    (a, b) => Number(b.list_id === wanted) - Number(a.list_id === wanted),
  );
  const hasLists = lists.data !== undefined;
  // The list being printed (a fresh object each time, so printing the same list again prints).
  const [printing, setPrinting] = useState<{ id: string } | null>(null);

  useEffect(() => {
    if (!printing) return;
    const done = () => setPrinting(null);
    window.addEventListener('afterprint', done);
    // After the render that marks the list, so only it is printed.
    window.print();
    return () => window.removeEventListener('afterprint', done);
  }, [printing]);

  useEffect(() => {
    if (!wanted || !hasLists) return;
    const section = document.getElementById(`list-${wanted}`);
    section?.scrollIntoView({ block: 'start' });
    section?.querySelector('h2')?.focus();
  }, [wanted, hasLists]);

  const submit = () =>
    create.run(async () => {
      // Lines as typed: the server reads them as it reads a recipe's ingredients.
      const items = textLines(form.items);
      try {
        await api('/api/shopping-lists', { body: { list_name: form.list_name, items } });
      } catch (error) {
        const said = describeIngredientError(error, items);
        if (!said) throw error;
        create.setError(said);
        return;
      }
      setForm({ list_name: '', items: '' });
      lists.reload();
    });
  // Ticks go through the outbox (web/shared/outbox.ts): made with no signal, they wait in this
  // browser and are sent when it returns; each sets one item, whatever else changed meanwhile.
  const online = useOnline();
  const user = props.user?.user_id ?? props.session.read()?.user?.user_id ?? 'me';
  const send = useCallback(
    async ({ change, idempotency_key }: QueuedChange) => {
      if (change.kind === 'add') {
        const list = await api<ShoppingList>(`/api/shopping-lists/${change.list_id}/items`, {
          body: {
            name: change.name,
            ...(change.quantity === null ? {} : { quantity: change.quantity }),
            ...(change.aisle ? { aisle: change.aisle } : {}),
          },
          headers: { 'idempotency-key': idempotency_key },
        });
        return { result: list };
      }
      const list = await api<ShoppingList>(`/api/shopping-lists/${change.list_id}/checked`, {
        method: 'PUT',
        body: { name: change.name, unit: change.unit ?? null, checked: change.checked },
      });
      return { result: list };
    },
    [api],
  );
  const setData = lists.setData;
  const current = lists.data;
  const onSent = useCallback(
    (_queued: QueuedChange, outcome: SendOutcome) => {
      const updated = outcome.result as ShoppingList | undefined;
      if (!updated || !current) return;
      setData({
        ...current,
        items: current.items.map((l) =>
          l.list_id === updated.list_id ? { ...updated, affiliate_disclosure: l.affiliate_disclosure } : l,
        ),
      });
    },
    [current, setData],
  );
  const outbox = useOutbox('recipes', user, send, onSent);
  const replaceList = (updated: ShoppingList) =>
    current &&
    setData({
      ...current,
      items: current.items.map((l) =>
        l.list_id === updated.list_id ? { ...updated, affiliate_disclosure: l.affiliate_disclosure } : l,
      ),
    });
  const toggle = (list: ShownList, item: ShownItem, checked: boolean) =>
    void outbox.enqueue({
      kind: 'check',
      list_id: list.list_id,
      item_id: itemKey(item),
      name: item.name,
      unit: item.unit,
      checked,
    });
  const shown = ordered.map((list) => withWaiting(list, outbox.entries));
  const waiting = outbox.entries.length;

  return (
    <>
      <h1>Shopping lists</h1>
      {lists.error && <ErrorMessage>{lists.error}</ErrorMessage>}
      {!online && (
        <p className="notice" role="status">
          Offline: showing your lists as last loaded.
        </p>
      )}
      <OutboxStatus waiting={waiting} online={online} notices={outbox.notices} dismiss={outbox.dismiss} />
      {!lists.data ? (
        lists.error ? null : (
          <Loading />
        )
      ) : shown.length === 0 ? (
        <Empty>No shopping lists yet. Make one from a meal plan or below.</Empty>
      ) : (
        shown.map((list) => (
          <section
            className={[
              'section shopping-list',
              printing && (printing.id === list.list_id ? 'shopping-list--printing' : 'no-print'),
            ]
              .filter(Boolean)
              .join(' ')}
            key={list.list_id}
            id={`list-${list.list_id}`}
            aria-labelledby={`list-${list.list_id}-heading`}
          >
            <div className="section-head">
              <h2 id={`list-${list.list_id}-heading`} tabIndex={-1}>
                {list.list_name}
              </h2>
              <Button small variant="secondary" onClick={() => setPrinting({ id: list.list_id })}>
                Print<span className="visually-hidden"> {list.list_name}</span>
              </Button>
            </div>
            <p className="muted">
              {list.open_items} to buy · {formatMoney(list.total_cost_cents)}
              {list.plan_id ? ' · made from a meal plan' : ''}
            </p>
            {list.items.length === 0 ? (
              <Empty>No items on this list.</Empty>
            ) : (
              <ul className="aisles" aria-label={`Items on ${list.list_name}`}>
                {walkOrder(list.aisle_order).map((aisle) => {
                  const here = list.items.filter((item) => item.aisle === aisle);
                  if (here.length === 0) return null;
                  const heading = `${list.list_id}-${aisle}`;
                  return (
                    <li key={aisle} className="aisle">
                      <h3 id={heading}>{AISLES[aisle]}</h3>
                      <ul className="list" aria-labelledby={heading}>
                        {here.map((item) => (
                          <li
                            className={item.checked ? 'list-row shopping-item--got' : 'list-row'}
                            key={item.local_id ?? `${itemKey(item)}-${item.checked}`}
                          >
                            <Checkbox
                              label={
                                <>
                                  {formatIngredient(item)}
                                  {item.waiting && (
                                    <span className="muted no-print"> · waiting to be sent</span>
                                  )}
                                </>
                              }
                              checked={item.checked}
                              onChange={(e) => toggle(list, item, e.target.checked)}
                            />
                            <BuyLinks links={item.buy_links} item={item.name} />
                          </li>
                        ))}
                      </ul>
                    </li>
                  );
                })}
              </ul>
            )}
            <AffiliateDisclosure text={list.affiliate_disclosure} />
            <AddItem list={list} add={(change) => void outbox.enqueue(change)} />
            <StoreOrder
              settings={{ store: list.store, aisle_order: list.aisle_order }}
              save={async (settings) =>
                replaceList(
                  await api<ShoppingList>(`/api/shopping-lists/${list.list_id}`, {
                    method: 'PATCH',
                    body: settings,
                  }),
                )
              }
            />
          </section>
        ))
      )}
      <div className="no-print">
        <Section title="New shopping list">
          <Form onSubmit={submit} error={create.error} label="New shopping list">
            <TextField label="List name" required value={form.list_name} onChange={set('list_name')} />
            <TextArea
              label="Items"
              hint="One per line, e.g. “2 kg potatoes”"
              value={form.items}
              onChange={set('items')}
            />
            <SubmitRow busy={create.busy}>Create list</SubmitRow>
          </Form>
        </Section>
      </div>
    </>
  );
}

/** Adds an item through the outbox: with no signal it waits in this browser, shown as waiting. */
function AddItem({ list, add }: { list: ShownList; add: (change: ListChange) => void }) {
  const [item, setItem, set] = useFields({ name: '', quantity: '', aisle: '' });
  const submit = () => {
    const quantity = Number(item.quantity);
    add({
      kind: 'add',
      list_id: list.list_id,
      local_id: `local:${crypto.randomUUID()}`,
      name: item.name.trim(),
      quantity: item.quantity && Number.isFinite(quantity) && quantity >= 0 ? quantity : null,
      ...(item.aisle ? { aisle: item.aisle } : {}),
    });
    setItem({ name: '', quantity: '', aisle: item.aisle });
  };
  return (
    <div className="no-print">
      <Form onSubmit={submit} label={`Add to ${list.list_name}`} wide>
        <div className="form-grid">
          <TextField label="Item" required maxLength={200} value={item.name} onChange={set('name')} />
          <TextField label="How many" inputMode="decimal" value={item.quantity} onChange={set('quantity')} />
          <SelectField label="Aisle" options={aisleOptions} value={item.aisle} onChange={set('aisle')} />
        </div>
        <SubmitRow>Add item</SubmitRow>
      </Form>
    </div>
  );
}

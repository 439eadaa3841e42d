// Family Planner's shopping lists, kept live: a tick on one phone shows on every other at once.

import { useEffect, useState } from 'react';
import { shownUnit } from '../shared/amounts.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import { AffiliateDisclosure, type BuyLink, BuyLinks } from '../shared/buy-links.tsx';
import {
  Checkbox,
  Empty,
  ErrorMessage,
  Form,
  formatMoney,
  Loading,
  Section,
  SubmitRow,
  TextField,
} from '../shared/components.tsx';
import { useFields } from '../shared/form-fields.ts';
import { useAction, useLoad } from '../shared/hooks.ts';
import { Link, navigate } from '../shared/router.tsx';
import { followStream, type StreamState } from '../shared/stream.ts';
import { FamilyPicker, NeedsFamily, useFamily } from './family-choice.tsx';
import type { Page } from './model.ts';

const idempotent = () => ({ 'idempotency-key': crypto.randomUUID() });

interface ShoppingItem {
  item_id: string;
  name: string;
  quantity: number | null;
  unit: string | null;
  checked: boolean;
  cost_cents: number | null;
  buy_links?: BuyLink[];
}
interface ShoppingList {
  list_id: string;
  list_name: string;
  version: number;
  estimated_cost_cents: number;
  items: ShoppingItem[];
  affiliate_disclosure?: string | null;
}

export function Shopping(props: ViewProps) {
  const { api, params } = props;
  const { families, family } = useFamily(props);
  const lists = useLoad(
    async (signal) =>
      family
        ? api<Page<ShoppingList>>('/api/shopping-lists', { signal, query: { family_id: family.family_id } })
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

/** One list, kept current by the server's event stream: other members' checks appear at once. */
function LiveList({ props, listId }: { props: ViewProps; listId: string }) {
  const { api, config, session } = props;
  const [list, setList] = useState<ShoppingList>();
  const [live, setLive] = useState<StreamState>();
  const [item, setItem, set] = useFields({ name: '', quantity: '' });
  const add = useAction();
  const toggle = useAction();

  useEffect(
    () =>
      followStream(
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
            if (event.event === 'item.removed')
              return { ...current, items: current.items.filter((i) => i.item_id !== data.item_id) };
            const changed = payload.item;
            if (!changed) return current;
            const exists = current.items.some((i) => i.item_id === changed.item_id);
            return {
              ...current,
              items: exists
                ? // Live events carry no links: an item keeps the ones it was shown with.
                  current.items.map((i) =>
                    i.item_id === changed.item_id
                      ? { ...changed, buy_links: changed.buy_links ?? i.buy_links }
                      : i,
                  )
                : [...current.items, changed],
            };
          });
        },
        setLive,
      ),
    [config.api, listId, session],
  );

  const check = (target: ShoppingItem, checked: boolean) =>
    toggle.run(async () => {
      setList(
        (current) =>
          current && {
            ...current,
            items: current.items.map((i) => (i.item_id === target.item_id ? { ...i, checked } : i)),
          },
      );
      const updated = await api<ShoppingItem>(`/api/shopping-lists/${listId}/items/${target.item_id}`, {
        method: 'PATCH',
        body: { checked },
        headers: idempotent(),
      });
      setList(
        (current) =>
          current && {
            ...current,
            items: current.items.map((i) => (i.item_id === updated.item_id ? updated : i)),
          },
      );
    });
  const submit = () =>
    add.run(async () => {
      const quantity = Number(item.quantity);
      await api(`/api/shopping-lists/${listId}/items`, {
        body: { name: item.name, ...(item.quantity && Number.isFinite(quantity) ? { quantity } : {}) },
        headers: idempotent(),
      });
      setItem({ name: '', quantity: '' });
    });
  if (!list) return <Loading label="Opening the list…" />;
  const open = list.items.filter((i) => !i.checked).length;
  return (
    <Section title={list.list_name}>
      <p className="muted" role="status">
        {open} of {list.items.length} still to buy
        {list.estimated_cost_cents > 0 ? ` · about ${formatMoney(list.estimated_cost_cents)}` : ''}
        {live === 'reconnecting'
          ? ' · reconnecting…'
          : live === 'ended'
            ? ' · no longer live: you cannot see this list any more'
            : live === 'live'
              ? ' · live'
              : ''}
      </p>
      {toggle.error && <ErrorMessage>{toggle.error}</ErrorMessage>}
      {list.items.length === 0 ? (
        <Empty>The list is empty.</Empty>
      ) : (
        <ul className="list" aria-label={`Items on ${list.list_name}`}>
          {list.items.map((i) => (
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
                  </>
                }
                checked={i.checked}
                onChange={(e) => void check(i, e.target.checked)}
              />
              <BuyLinks links={i.buy_links} item={i.name} />
            </li>
          ))}
        </ul>
      )}
      <AffiliateDisclosure text={list.affiliate_disclosure} />
      <Form onSubmit={submit} error={add.error} label="Add to the list" wide>
        <div className="form-grid">
          <TextField label="Item" required value={item.name} onChange={set('name')} />
          <TextField label="How many" inputMode="decimal" value={item.quantity} onChange={set('quantity')} />
        </div>
        <SubmitRow busy={add.busy}>Add item</SubmitRow>
      </Form>
    </Section>
  );
}

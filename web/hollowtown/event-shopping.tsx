// The event's family shopping list: made (and remade) from the event's recipes, scaled to the
// guests, and kept in Family Planner, where members check it off and price it; this view follows
// it live and lets any member set an item's price.
import { useCallback, useEffect, useState } from 'react';
import type { ViewProps } from '../shared/app-shell.tsx';
import { AffiliateDisclosure, BuyLinks } from '../shared/buy-links.tsx';
import {
  Button,
  ButtonLink,
  Empty,
  ErrorMessage,
  formatMoney,
  Loading,
  Notice,
  Section,
} from '../shared/components.tsx';
import { describeError } from '../shared/errors.ts';
import { useAction } from '../shared/hooks.ts';
import { followStream, type StreamState } from '../shared/stream.ts';
import { amountOf, type FamilyShoppingList, type GeneratedList, type HalloweenEvent } from './event-types.ts';
import { ItemPrice } from './item-price.tsx';
import { appApi, appHref, appUrl } from './other-apps.ts';

export interface LiveFamilyList {
  data?: FamilyShoppingList;
  error?: string;
  state?: StreamState;
  refresh: () => void;
}

/** The family list as Family Planner has it now: read once, then again on every change. */
export function useLiveFamilyList(props: ViewProps, listId: string | null): LiveFamilyList {
  const { config, session } = props;
  const [data, setData] = useState<FamilyShoppingList>();
  const [error, setError] = useState<string>();
  const [state, setState] = useState<StreamState>();
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: version asks for a fresh read.
  useEffect(() => {
    if (!listId) {
      setData(undefined);
      return;
    }
    const controller = new AbortController();
    appApi({ config, session }, 'family')<FamilyShoppingList>(`/api/shopping-lists/${listId}`, {
      signal: controller.signal,
    }).then(
      (list) => {
        setData(list);
        setError(undefined);
      },
      (caught: unknown) => !controller.signal.aborted && setError(describeError(caught)),
    );
    return () => controller.abort();
  }, [listId, config, session, version]);

  useEffect(() => {
    if (!listId) return;
    return followStream(
      appUrl({ config }, 'family', `/api/shopping-lists/${listId}/stream`),
      () => session.accessToken(),
      (event) => {
        if (event.event === 'snapshot') setData(JSON.parse(event.data) as FamilyShoppingList);
        else refresh();
      },
      setState,
    );
  }, [listId, config, session, refresh]);

  return { data, error, state, refresh };
}

export function EventShopping({
  props,
  event,
  familyName,
  list,
  onGenerated,
}: {
  props: ViewProps;
  event: HalloweenEvent;
  familyName: string | undefined;
  list: LiveFamilyList;
  onGenerated: () => void;
}) {
  const generate = useAction();
  const [outcome, setOutcome] = useState<GeneratedList>();
  const hasList = event.family_shopping_list !== null;
  const make = () =>
    generate.run(async () => {
      const made = await props.api<GeneratedList>(`/api/events/${event.event_id}/shopping-list`, {
        method: 'POST',
      });
      setOutcome(made);
      onGenerated();
      list.refresh();
    });
  if (!event.family_id) {
    return (
      <Section title="Shopping list">
        <Empty>
          Plan the event with a family to make its shopping list from the recipes. It lives in Family Planner,
          where every member checks it off.
        </Empty>
      </Section>
    );
  }
  const familyPage = appHref(props, 'family', 'shopping', {
    family: event.family_id,
    list: event.family_shopping_list?.list_id,
  });
  return (
    <Section
      title="Shopping list"
      id="family-shopping-list"
      actions={
        hasList && (
          <ButtonLink href={familyPage} variant="secondary">
            Open in Family Planner
          </ButtonLink>
        )
      }
    >
      <p className="muted">
        Made from the event’s recipes, scaled to {event.guest_count || 'each recipe’s'} guests, like
        ingredients merged, for {familyName ?? 'the family'}.
        {hasList && ' Making it again keeps what is already checked off.'}
      </p>
      {generate.error && <ErrorMessage>{generate.error}</ErrorMessage>}
      {outcome && (
        <Notice>
          The shopping list has {outcome.items} {outcome.items === 1 ? 'item' : 'items'}.
          {outcome.skipped_recipes.length > 0 &&
            ` ${outcome.skipped_recipes.length} recipe(s) could not be read and were left out.`}
        </Notice>
      )}
      <div className="button-row">
        <Button busy={generate.busy} onClick={() => void make()}>
          {hasList ? 'Update the shopping list' : 'Make the shopping list'}
        </Button>
        {hasList && list.state && (
          <span className="muted" role="status">
            {list.state === 'live'
              ? 'Live: checks made in Family Planner show here at once.'
              : list.state === 'ended'
                ? 'No longer live: you cannot see this family’s list any more.'
                : 'Reconnecting to Family Planner…'}
          </span>
        )}
      </div>
      {hasList && <FamilyItems props={props} list={list} />}
    </Section>
  );
}

function FamilyItems({ props, list }: { props: ViewProps; list: LiveFamilyList }) {
  if (list.error && !list.data) return <ErrorMessage>{list.error}</ErrorMessage>;
  if (!list.data) return <Loading label="Loading the shopping list…" />;
  if (list.data.items.length === 0) return <Empty>The shopping list is empty.</Empty>;
  const { list_id: listId, items } = list.data;
  const left = items.filter((i) => !i.checked).length;
  return (
    <>
      <p className="shopping-summary">
        {left} of {items.length} still to buy. Anyone in the family can give an item a price: type it in
        dollars and press Enter.
      </p>
      <ul className="list shopping-items" aria-label="Family shopping list">
        {items.map((item) => (
          <li key={item.item_id} className={item.checked ? 'list-row shopping-item--checked' : 'list-row'}>
            <span className="shopping-item__what">
              <span className="shopping-item__name">{item.name}</span>
              {amountOf(item) && <span className="muted"> · {amountOf(item)}</span>}
              {item.note && <span className="muted"> · {item.note}</span>}
              {!item.checked && <BuyLinks links={item.buy_links} item={item.name} />}
            </span>
            <span className="shopping-item__actions">
              <ItemPrice props={props} listId={listId} item={item} onSaved={list.refresh} />
              <span className={item.checked ? 'tag tag--done' : 'tag'}>
                {item.checked ? '✓ Bought' : 'To buy'}
              </span>
            </span>
          </li>
        ))}
      </ul>
      <p className="shopping-total">
        Family list total: <strong>{formatMoney(list.data.estimated_cost_cents)}</strong>
      </p>
      {items.some((i) => !i.checked && (i.buy_links ?? []).length > 0) && (
        <AffiliateDisclosure text={list.data.affiliate_disclosure} />
      )}
    </>
  );
}

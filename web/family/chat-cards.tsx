// Cards in the family chat: what a message links (a todo, a shopping item, a calendar event, a
// Hollowtown party), as the server reads it now, with a link to it; and the picker that offers
// what may be linked.
import type { ViewProps } from '../shared/app-shell.tsx';
import { AffiliateDisclosure, type BuyLink, BuyLinks } from '../shared/buy-links.tsx';
import { SelectField } from '../shared/components.tsx';
import { Link } from '../shared/router.tsx';
import { dueText } from './due-dates.ts';

export type CardKind = 'todo' | 'shopping_item' | 'event' | 'hollowtown_event';

export interface ChatCard {
  kind: CardKind;
  id: string;
  available: boolean;
  title: string | null;
  context: string | null;
  when: string | null;
  done: boolean | null;
  list_id: string | null;
  /** A shopping item's "Buy at …" links (none when the person turned them off). */
  buy_links?: BuyLink[];
  affiliate_disclosure?: string | null;
}

const KIND_NAMES: Record<CardKind, string> = {
  todo: 'To-do',
  shopping_item: 'Shopping',
  event: 'Calendar',
  hollowtown_event: 'Hollowtown party',
};

const isDay = (when: string) => /^\d{4}-\d{2}-\d{2}$/.test(when);
const whenText = (when: string | null) => (when ? dueText(when, isDay(when)) : null);

/** Where the linked thing is shown, in this app or in Hollowtown. */
function whereOf(card: ChatCard, props: ViewProps, familyId: string): string | undefined {
  switch (card.kind) {
    case 'todo':
      return card.list_id ? props.href('todos', { family: familyId, list: card.list_id }) : undefined;
    case 'shopping_item':
      return card.list_id ? props.href('shopping', { family: familyId, list: card.list_id }) : undefined;
    case 'event':
      return props.href('calendar', { family: familyId, date: card.when?.slice(0, 10) });
    case 'hollowtown_event':
      return `${props.config.apps.hollowtown.replace(/\/$/, '')}/events?id=${card.id}`;
  }
}

export function MessageCard({
  card,
  props,
  familyId,
}: {
  card: ChatCard;
  props: ViewProps;
  familyId: string;
}) {
  if (!card.available) {
    return (
      <div className="chat-card chat-card--gone">
        <span className="muted">{KIND_NAMES[card.kind]}: no longer available</span>
      </div>
    );
  }
  const href = whereOf(card, props, familyId);
  const when = whenText(card.when);
  const state =
    card.done === null
      ? null
      : card.kind === 'todo'
        ? card.done
          ? 'Done'
          : 'To do'
        : card.done
          ? 'Checked'
          : 'Not yet bought';
  return (
    <div className="chat-card">
      <span className="muted">{KIND_NAMES[card.kind]}</span>{' '}
      {!href ? (
        <strong>{card.title}</strong>
      ) : card.kind === 'hollowtown_event' ? (
        <a href={href}>{card.title}</a>
      ) : (
        <Link href={href}>{card.title}</Link>
      )}
      <div className="muted">{[card.context, when, state].filter(Boolean).join(' · ')}</div>
      {card.kind === 'shopping_item' && !card.done && (card.buy_links ?? []).length > 0 && (
        <>
          <BuyLinks links={card.buy_links} item={card.title ?? ''} />
          <AffiliateDisclosure text={card.affiliate_disclosure} />
        </>
      )}
    </div>
  );
}

/** The picker of what to link: "nothing" first, then the family's things by kind. */
export function CardPicker({
  cards,
  value,
  onChange,
}: {
  cards: ChatCard[] | undefined;
  value: string;
  onChange: (value: string) => void;
}) {
  const options: [string, string][] = [['', cards ? 'Nothing' : 'Loading…']];
  for (const card of cards ?? []) {
    const when = whenText(card.when);
    options.push([
      `${card.kind}:${card.id}`,
      `${KIND_NAMES[card.kind]}: ${card.title}${when ? ` (${when})` : card.context ? ` (${card.context})` : ''}`,
    ]);
  }
  return (
    <SelectField
      label="Link to"
      hint="Shows it as a card in the message"
      options={options}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

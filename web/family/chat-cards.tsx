// Cards in the family chat: what a message links (a todo, a shopping item, a calendar event, a
// Hollowtown party), as the server reads it now, with a link to it; and the picker that offers
// what may be linked.
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/family.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import { AffiliateDisclosure, BuyLinks } from '../shared/buy-links.tsx';
import { SelectField } from '../shared/components.tsx';
import { Link } from '../shared/router.tsx';
import { dueText } from './due-dates.ts';

/** Linkable things as GET /api/families/{id}/messages/links answers them. */
export type ChatCards = Answer<paths, '/api/families/{id}/messages/links', 'get'>;
/** A linked thing as the server reads it now (`buy_links`: none when the person turned them off). */
export type ChatCard = ChatCards['items'][number];
export type CardKind = ChatCard['kind'];

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

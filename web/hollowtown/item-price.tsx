// The price of one item on the family shopping list, which any member sets or changes: typed in
// dollars, saved to Family Planner on leaving the field or on Enter (Escape puts it back), so
// the event's cost against its budget counts it.
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import type { ViewProps } from '../shared/app-shell.tsx';
import { describeError } from '../shared/errors.ts';
import { toDollars } from '../shared/money-field.tsx';
import type { FamilyShoppingItem } from './event-types.ts';
import { appApi } from './other-apps.ts';

/** "4.5" → 450, "" → null, anything else (negative, words) → undefined. */
function parsePrice(text: string): number | null | undefined {
  const trimmed = text.trim().replace(/^\$/, '').replace(',', '.');
  if (trimmed === '') return null;
  if (!/^\d+(\.\d{0,2})?$/.test(trimmed)) return undefined;
  return Math.round(Number(trimmed) * 100);
}

/** Unique per save, so that a retried request is applied once. */
const idempotencyKey = () =>
  typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;

export function ItemPrice({
  props,
  listId,
  item,
  onSaved,
}: {
  props: Pick<ViewProps, 'config' | 'session'>;
  listId: string;
  item: FamilyShoppingItem;
  onSaved: () => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState(() => toDollars(item.cost_cents));
  const [problem, setProblem] = useState<string>();
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const isEditing = useRef(false);
  /** What this field last sent, until the list read back says otherwise. */
  const sent = useRef<number | null | undefined>(undefined);

  // A price another member gave arrives live; it replaces the field unless this person is typing.
  useEffect(() => {
    sent.current = undefined;
    if (!isEditing.current) setDraft(toDollars(item.cost_cents));
  }, [item.cost_cents]);

  const save = async () => {
    const cents = parsePrice(draft);
    if (cents === undefined) {
      setProblem('Enter a price in dollars, such as 4.50, or leave it empty.');
      return;
    }
    setProblem(undefined);
    if (cents === (sent.current === undefined ? item.cost_cents : sent.current)) {
      setDraft(toDollars(cents));
      return;
    }
    sent.current = cents;
    setSaving(true);
    setSaved(false);
    try {
      await appApi(props, 'family')(`/api/shopping-lists/${listId}/items/${item.item_id}`, {
        method: 'PATCH',
        body: { cost_cents: cents },
        headers: { 'idempotency-key': idempotencyKey() },
      });
      setDraft(toDollars(cents));
      setSaved(true);
      onSaved();
    } catch (error) {
      sent.current = undefined;
      setProblem(`The price of ${item.name} was not saved. ${describeError(error)}`);
    } finally {
      setSaving(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      void save();
    } else if (event.key === 'Escape') {
      setDraft(toDollars(item.cost_cents));
      setProblem(undefined);
    }
  };

  return (
    <span className="item-price">
      <label htmlFor={id} className="visually-hidden">
        Price of {item.name} ($)
      </label>
      <span className="item-price__field">
        <span aria-hidden="true">$</span>
        <input
          id={id}
          className="item-price__input"
          type="text"
          inputMode="decimal"
          autoComplete="off"
          placeholder="price"
          value={draft}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${id}-problem` : undefined}
          aria-busy={saving || undefined}
          onFocus={() => {
            isEditing.current = true;
            setSaved(false);
          }}
          onChange={(event) => setDraft(event.target.value)}
          onBlur={() => {
            isEditing.current = false;
            void save();
          }}
          onKeyDown={onKeyDown}
        />
      </span>
      <span className="item-price__state" role="status">
        {saving ? 'Saving…' : saved ? 'Saved' : ''}
      </span>
      {problem && (
        <span className="field__error" id={`${id}-problem`} role="alert">
          {problem}
        </span>
      )}
    </span>
  );
}

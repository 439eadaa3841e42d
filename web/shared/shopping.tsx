// What the shopping lists of HowToCookAtHome and Family Planner share: the aisles of a shop as a
// shopper reads them, the order a store is walked in (and the form that sets it), and the line
// that says what the offline outbox still holds.
import { useState } from 'react';
import { Button, Form, SubmitRow, TextField } from './components.tsx';
import { useAction } from './hooks.ts';

/** The aisles of src/ingredients/aisles.ts, as a shopper reads them. */
export const AISLES = {
  produce: 'Fruit and vegetables',
  bakery: 'Bakery',
  dairy: 'Dairy and eggs',
  'meat-fish': 'Meat and fish',
  frozen: 'Frozen',
  pantry: 'Cupboard',
  drinks: 'Drinks',
  household: 'Household',
  other: 'Other',
} as const;
export type Aisle = keyof typeof AISLES;
export const ALL_AISLES = Object.keys(AISLES) as Aisle[];

/** The store's order, then the aisles it leaves out in the default order. */
export const walkOrder = (order: readonly Aisle[] = []) => [
  ...order,
  ...ALL_AISLES.filter((a) => !order.includes(a)),
];

/** The choices of an "Aisle" select: a guess from the name, or one aisle. */
export const aisleOptions: ReadonlyArray<readonly [string, string]> = [
  ['', 'Guess from the name'],
  ...ALL_AISLES.map((a) => [a, AISLES[a]] as const),
];

/**
 * How many changes wait in the outbox (web/shared/outbox.ts) and what it had to drop, with a
 * way to dismiss those notices.
 */
export function OutboxStatus({
  waiting,
  online,
  notices,
  dismiss,
}: {
  waiting: number;
  online: boolean;
  notices: readonly string[];
  dismiss: () => void;
}) {
  return (
    <>
      {waiting > 0 && (
        <p className="notice" role="status">
          {waiting === 1 ? '1 change waiting' : `${waiting} changes waiting`} to be sent
          {online ? '…' : ' when there is signal again'}
        </p>
      )}
      {notices.length > 0 && (
        <div className="notice" role="status">
          {notices.map((notice) => (
            <p key={notice}>{notice}</p>
          ))}
          <Button small variant="secondary" onClick={dismiss}>
            OK
          </Button>
        </div>
      )}
    </>
  );
}

export interface StoreSettings {
  store: string | null;
  aisle_order: Aisle[];
}

/**
 * The store a list is for and the order its aisles are walked in there, set by whoever is in the
 * shop: the list groups its items in that order. Saved at once (it needs signal).
 */
export function StoreOrder({
  settings,
  save: saveSettings,
}: {
  settings: StoreSettings;
  save: (next: StoreSettings) => Promise<void>;
}) {
  const [store, setStore] = useState(settings.store ?? '');
  const [order, setOrder] = useState(() => walkOrder(settings.aisle_order));
  const save = useAction();
  const move = (index: number, by: -1 | 1) =>
    setOrder((current) => {
      const next = [...current];
      const [aisle] = next.splice(index, 1);
      next.splice(index + by, 0, aisle as Aisle);
      return next;
    });
  const submit = () => save.run(() => saveSettings({ store: store.trim() || null, aisle_order: order }));
  return (
    <details className="store-order no-print">
      <summary>Store and aisle order{settings.store ? `: ${settings.store}` : ''}</summary>
      <Form onSubmit={submit} error={save.error} label="Store and aisle order">
        <TextField label="Store" maxLength={100} value={store} onChange={(e) => setStore(e.target.value)} />
        <ol className="list" aria-label="Aisles in the order you walk them">
          {order.map((aisle, index) => (
            <li className="list-row" key={aisle}>
              <span>{AISLES[aisle]}</span>
              <span className="button-row">
                <Button
                  small
                  variant="secondary"
                  type="button"
                  disabled={index === 0}
                  onClick={() => move(index, -1)}
                  aria-label={`Move ${AISLES[aisle]} up`}
                >
                  ↑
                </Button>
                <Button
                  small
                  variant="secondary"
                  type="button"
                  disabled={index === order.length - 1}
                  onClick={() => move(index, 1)}
                  aria-label={`Move ${AISLES[aisle]} down`}
                >
                  ↓
                </Button>
              </span>
            </li>
          ))}
        </ol>
        <SubmitRow busy={save.busy}>Save the order</SubmitRow>
      </Form>
    </details>
  );
}

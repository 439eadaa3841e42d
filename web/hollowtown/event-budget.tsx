// What the event costs against its budget: the family shopping list's cost (the prices members
// gave its items in Family Planner) plus the event's other purchases (decorations, costumes…),
// which the organiser keeps on the event.
import type { ViewProps } from '../shared/app-shell.tsx';
import { Button, Empty, Form, formatMoney, Section, SubmitRow, TextField } from '../shared/components.tsx';
import { useFields } from '../shared/form-fields.ts';
import { useAction } from '../shared/hooks.ts';
import { MoneyField, toCents } from '../shared/money-field.tsx';
import type { EventShoppingItem, FamilyShoppingList, HalloweenEvent } from './event-types.ts';

export function EventBudget({
  props,
  event,
  list,
  onChange,
}: {
  props: ViewProps;
  event: HalloweenEvent;
  list: FamilyShoppingList | undefined;
  onChange: () => void;
}) {
  // The live list is newer than the event's summary of it, when it has been read.
  const familyCost = list?.estimated_cost_cents ?? event.family_shopping_list?.estimated_cost_cents ?? 0;
  const familyItems = list?.items ?? [];
  const unpriced = familyItems.filter((i) => i.cost_cents === null).length;
  const spend = familyCost + event.shopping_total_cents;
  const budget = event.budget_cents;
  return (
    <Section title="Cost against budget">
      <table className="budget-table" aria-label="Cost against budget">
        <tbody>
          <tr>
            <th scope="row">Family shopping list</th>
            <td>{event.family_shopping_list ? formatMoney(familyCost) : 'Not made yet'}</td>
          </tr>
          <tr>
            <th scope="row">Other purchases</th>
            <td>{formatMoney(event.shopping_total_cents)}</td>
          </tr>
          <tr className="budget-table__total">
            <th scope="row">Planned spend</th>
            <td>{formatMoney(spend)}</td>
          </tr>
          <tr>
            <th scope="row">Budget</th>
            <td>{budget === null ? 'No budget set' : formatMoney(budget)}</td>
          </tr>
        </tbody>
      </table>
      {budget !== null && <BudgetVerdict spend={spend} budget={budget} />}
      {unpriced > 0 && (
        <p className="muted">
          {unpriced} of {familyItems.length} items on the family list have no price yet and count as $0.{' '}
          <a href="#family-shopping-list">Price them in the shopping list</a>.
        </p>
      )}
      <OtherPurchases props={props} event={event} onChange={onChange} />
    </Section>
  );
}

function BudgetVerdict({ spend, budget }: { spend: number; budget: number }) {
  const isOver = spend > budget;
  const share = budget > 0 ? Math.round((spend / budget) * 100) : spend > 0 ? 100 : 0;
  return (
    <div className={isOver ? 'budget-verdict budget-verdict--over' : 'budget-verdict'}>
      <p className="budget-verdict__text">
        {isOver
          ? `Over budget by ${formatMoney(spend - budget)}`
          : `Under budget: ${formatMoney(budget - spend)} left`}
      </p>
      <meter
        className="budget-meter"
        min={0}
        max={Math.max(budget, spend, 1)}
        low={budget * 0.8}
        high={budget}
        optimum={0}
        value={spend}
        aria-label={`${share}% of the budget planned`}
      />
    </div>
  );
}

/** The event's own purchases; only the organiser changes them (the whole list is saved at once). */
function OtherPurchases({
  props,
  event,
  onChange,
}: {
  props: ViewProps;
  event: HalloweenEvent;
  onChange: () => void;
}) {
  const [form, setForm, set] = useFields({ name: '', cost: '' });
  const save = useAction();
  const put = (items: EventShoppingItem[]) =>
    save.run(async () => {
      await props.api(`/api/events/${event.event_id}`, { method: 'PATCH', body: { shopping_list: items } });
      onChange();
      return true;
    });
  const add = async () => {
    const item: EventShoppingItem = {
      name: form.name.trim(),
      quantity: null,
      unit: null,
      note: null,
      checked: false,
      estimated_cost_cents: toCents(form.cost),
    };
    if (await put([...event.shopping_list, item])) setForm({ name: '', cost: '' });
  };
  const items = event.shopping_list;
  return (
    <>
      <h3>Other purchases</h3>
      {items.length === 0 ? (
        <Empty>
          Nothing else to buy{event.is_mine ? ' yet: add decorations, costumes or prizes below' : ''}.
        </Empty>
      ) : (
        <ul className="list" aria-label="Other purchases">
          {items.map((item, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: purchases have no id, and two may share a name.
            <li className="list-row" key={`${item.name}-${index}`}>
              <span>
                {item.name} <span className="muted">· {formatMoney(item.estimated_cost_cents ?? 0)}</span>
              </span>
              {event.is_mine && (
                <Button
                  small
                  variant="secondary"
                  busy={save.busy}
                  aria-label={`Remove ${item.name}`}
                  onClick={() => void put(items.filter((_, i) => i !== index))}
                >
                  Remove
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {event.is_mine && (
        <Form onSubmit={add} error={save.error} label="Add a purchase">
          <div className="form-grid">
            <TextField label="Purchase" required maxLength={200} value={form.name} onChange={set('name')} />
            <MoneyField label="Cost" required value={form.cost} onChange={set('cost')} />
          </div>
          <SubmitRow busy={save.busy}>Add purchase</SubmitRow>
        </Form>
      )}
    </>
  );
}

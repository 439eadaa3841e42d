// The pantry: what is in the fridge, freezer and cupboard, and what to use soon.
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/recipes.ts';
import { formatAmount, shownUnit } from '../shared/amounts.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import {
  Button,
  Empty,
  ErrorMessage,
  Form,
  formatDate,
  Loading,
  Section,
  SelectField,
  SubmitRow,
  TextField,
} from '../shared/components.tsx';
import { useFields } from '../shared/form-fields.ts';
import { useAction, useLoad } from '../shared/hooks.ts';

type PantryPage = Answer<paths, '/api/pantry/items', 'get'>;
type ExpiringPage = Answer<paths, '/api/pantry/expiring', 'get'>;
type PantryItem = PantryPage['items'][number];

export function Pantry(props: ViewProps) {
  const { api } = props;
  const items = useLoad(
    (signal) => api<PantryPage>('/api/pantry/items', { signal, query: { limit: 100 } }),
    [api],
  );
  const expiring = useLoad(
    (signal) =>
      api<ExpiringPage>('/api/pantry/expiring', { signal, query: { days: 3, include_expired: true } }),
    [api],
  );
  const [form, setForm, set] = useFields({
    item_name: '',
    quantity: '1',
    unit: 'count',
    location: 'fridge',
    expiration_date: '',
  });
  const add = useAction();
  const remove = useAction();
  const submit = () =>
    add.run(async () => {
      await api('/api/pantry/items', {
        body: {
          item_name: form.item_name,
          quantity: Number(form.quantity) || 1,
          unit: form.unit || 'count',
          location: form.location,
          ...(form.expiration_date ? { expiration_date: form.expiration_date } : {}),
        },
      });
      setForm((f) => ({ ...f, item_name: '', expiration_date: '' }));
      items.reload();
      expiring.reload();
    });
  const del = (item: PantryItem) =>
    remove.run(async () => {
      await api(`/api/pantry/items/${item.item_id}`, { method: 'DELETE' });
      items.reload();
      expiring.reload();
    });
  const when = (item: PantryItem) =>
    item.is_expired
      ? 'expired'
      : item.days_until_expiry === null
        ? ''
        : item.days_until_expiry === 0
          ? 'expires today'
          : `expires in ${item.days_until_expiry} day${item.days_until_expiry === 1 ? '' : 's'}`;
  return (
    <>
      <h1>Pantry</h1>
      <Section title="Use soon">
        {expiring.error && <ErrorMessage>{expiring.error}</ErrorMessage>}
        {!expiring.data ? (
          !expiring.error && <Loading />
        ) : expiring.data.items.length === 0 ? (
          <Empty>Nothing expires in the next three days.</Empty>
        ) : (
          <ul className="list" aria-label="Expiring soon">
            {expiring.data.items.map((item) => (
              <li className="list-row notice" key={item.item_id}>
                <span>
                  <strong>{item.item_name}</strong> · {when(item)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Everything">
        {(items.error || remove.error) && <ErrorMessage>{items.error ?? remove.error}</ErrorMessage>}
        {!items.data ? (
          <Loading />
        ) : items.data.items.length === 0 ? (
          <Empty>The pantry is empty.</Empty>
        ) : (
          <ul className="list" aria-label="Pantry">
            {items.data.items.map((item) => (
              <li className="list-row" key={item.item_id}>
                <span>
                  <strong>{item.item_name}</strong> · {formatAmount(item.quantity)} {shownUnit(item.unit)} ·{' '}
                  {item.location}
                  {item.expiration_date && (
                    <span className="muted">
                      {' '}
                      · {when(item)} ({formatDate(item.expiration_date)})
                    </span>
                  )}
                </span>
                <Button
                  small
                  variant="secondary"
                  onClick={() => void del(item)}
                  aria-label={`Remove ${item.item_name}`}
                >
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Add to the pantry">
        <Form onSubmit={submit} error={add.error} label="Add to the pantry" wide>
          <div className="form-grid">
            <TextField label="Item" required value={form.item_name} onChange={set('item_name')} />
            <TextField
              label="Quantity"
              type="number"
              min={0}
              step="any"
              value={form.quantity}
              onChange={set('quantity')}
            />
            <TextField label="Unit" value={form.unit} onChange={set('unit')} />
            <SelectField
              label="Where"
              options={[
                ['fridge', 'Fridge'],
                ['freezer', 'Freezer'],
                ['pantry', 'Cupboard'],
              ]}
              value={form.location}
              onChange={set('location')}
            />
            <TextField
              label="Use by"
              type="date"
              value={form.expiration_date}
              onChange={set('expiration_date')}
            />
          </div>
          <SubmitRow busy={add.busy}>Add item</SubmitRow>
        </Form>
      </Section>
    </>
  );
}

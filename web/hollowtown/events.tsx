// Hollowtown's events: the list of the user's events and those planned with their families, the
// form to plan one, and (with ?id=) one event with its family, recipes, shopping list and budget.
import './events.css';
import { useState } from 'react';
import type { ViewProps } from '../shared/app-shell.tsx';
import {
  Empty,
  ErrorMessage,
  Form,
  formatDate,
  formatMoney,
  Loading,
  Notice,
  Section,
  SelectField,
  SubmitRow,
  TextField,
} from '../shared/components.tsx';
import { useFields } from '../shared/form-fields.ts';
import { useAction, useLoad } from '../shared/hooks.ts';
import { MoneyField, toCents } from '../shared/money-field.tsx';
import { Link } from '../shared/router.tsx';
import { EventDetail } from './event-detail.tsx';
import { loadVisibleEvents } from './event-sources.ts';
import { EVENT_TYPES, eventDay, type Family, type HalloweenEvent } from './event-types.ts';

export function Events(props: ViewProps) {
  const id = props.params.get('id');
  return id ? <EventDetail key={id} props={props} id={id} /> : <EventList props={props} />;
}

/** What the event will cost so far: its own purchases plus the family shopping list. */
const plannedSpend = (event: HalloweenEvent) =>
  event.shopping_total_cents + (event.family_shopping_list?.estimated_cost_cents ?? 0);

function EventList({ props }: { props: ViewProps }) {
  const events = useLoad((signal) => loadVisibleEvents(props, signal), [props.api, props.config]);
  const families = events.data?.families ?? [];
  const familyName = (familyId: string | null) => families.find((f) => f.family_id === familyId)?.family_name;
  return (
    <>
      <h1>Halloween events</h1>
      {events.error && <ErrorMessage>{events.error}</ErrorMessage>}
      {events.data?.familyProblem && (
        <p className="notice">
          Family Planner did not answer, so your families’ names are missing: {events.data.familyProblem}
        </p>
      )}
      {!events.data ? (
        <Loading />
      ) : events.data.events.length === 0 ? (
        <Empty>No events planned yet.</Empty>
      ) : (
        <ul className="grid list events-grid" aria-label="Events">
          {events.data.events.map((event) => (
            <EventCard
              key={event.event_id}
              props={props}
              event={event}
              familyName={familyName(event.family_id)}
            />
          ))}
        </ul>
      )}
      <PlanEvent props={props} families={families} onPlanned={events.reload} />
    </>
  );
}

function EventCard({
  props,
  event,
  familyName,
}: {
  props: ViewProps;
  event: HalloweenEvent;
  familyName: string | undefined;
}) {
  const spend = plannedSpend(event);
  const isOver = event.budget_cents !== null && spend > event.budget_cents;
  return (
    <li className="card">
      <h3>
        <Link href={props.href('events', { id: event.event_id })}>{event.event_name}</Link>
      </h3>
      <p className="muted">
        {formatDate(eventDay(event))} · {event.event_type.replace(/-/g, ' ')} · {event.guest_count} guests
        {event.location ? ` · ${event.location}` : ''}
      </p>
      {event.family_id && (
        <p>
          <span className="tag">{familyName ? `Planned with ${familyName}` : 'Planned with a family'}</span>
          {!event.is_mine && <span className="tag">Shared with you</span>}
        </p>
      )}
      <p>
        Planned spend: {formatMoney(spend)}
        {event.budget_cents !== null && (
          <>
            {` of ${formatMoney(event.budget_cents)} budget · `}
            <span className={isOver ? 'budget-over' : 'budget-under'}>
              {isOver
                ? `${formatMoney(spend - event.budget_cents)} over`
                : `${formatMoney(event.budget_cents - spend)} left`}
            </span>
          </>
        )}
      </p>
    </li>
  );
}

const EMPTY_EVENT = {
  event_name: '',
  event_type: 'party',
  event_date: '',
  location: '',
  guest_count: '',
  budget: '',
  family_id: '',
};

function PlanEvent({
  props,
  families,
  onPlanned,
}: {
  props: ViewProps;
  families: Family[];
  onPlanned: () => void;
}) {
  const [form, setForm, set] = useFields(EMPTY_EVENT);
  const [planned, setPlanned] = useState<HalloweenEvent>();
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      const budget = toCents(form.budget);
      const event = await props.api<HalloweenEvent>('/api/events', {
        body: {
          event_name: form.event_name,
          event_type: form.event_type,
          event_date: form.event_date,
          ...(form.location.trim() ? { location: form.location.trim() } : {}),
          ...(form.guest_count ? { guest_count: Number(form.guest_count) } : {}),
          ...(budget !== null ? { budget_cents: budget } : {}),
          ...(form.family_id ? { family_id: form.family_id } : {}),
        },
      });
      setForm(EMPTY_EVENT);
      setPlanned(event);
      onPlanned();
    });
  return (
    <Section title="Plan an event">
      {planned && (
        <Notice>
          {planned.event_name} is planned.{' '}
          <Link href={props.href('events', { id: planned.event_id })}>
            Add recipes and a shopping list to {planned.event_name}
          </Link>
        </Notice>
      )}
      <Form onSubmit={submit} error={action.error} label="Plan an event" wide>
        <div className="form-grid">
          <TextField
            label="Name"
            required
            maxLength={200}
            value={form.event_name}
            onChange={set('event_name')}
          />
          <SelectField
            label="Kind"
            options={EVENT_TYPES}
            value={form.event_type}
            onChange={set('event_type')}
          />
          <TextField label="When" type="date" required value={form.event_date} onChange={set('event_date')} />
          <TextField
            label="Where"
            placeholder="13 Elm Street"
            maxLength={300}
            value={form.location}
            onChange={set('location')}
          />
          <TextField
            label="Guests"
            type="number"
            min={0}
            value={form.guest_count}
            onChange={set('guest_count')}
          />
          <MoneyField label="Budget" value={form.budget} onChange={set('budget')} />
          <SelectField
            label="Plan with family"
            hint="Its members see the event and share its shopping list"
            options={[['', 'Just me'], ...families.map((f) => [f.family_id, f.family_name] as const)]}
            value={form.family_id}
            onChange={set('family_id')}
          />
        </div>
        <SubmitRow busy={action.busy}>Plan event</SubmitRow>
      </Form>
    </Section>
  );
}

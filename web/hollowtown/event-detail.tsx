// One Halloween event: its details, the family it is planned with, its recipes from either app,
// the family shopping list made from them, and what it all costs against the budget.
import { type ReactNode, useState } from 'react';
import type { ViewProps } from '../shared/app-shell.tsx';
import {
  Button,
  ButtonLink,
  Empty,
  ErrorMessage,
  Form,
  formatDate,
  Loading,
  Section,
  SelectField,
  TextField,
} from '../shared/components.tsx';
import { useFields } from '../shared/form-fields.ts';
import { useAction, useLoad } from '../shared/hooks.ts';
import { MoneyField, toCents, toDollars } from '../shared/money-field.tsx';
import { Link, navigate } from '../shared/router.tsx';
import { EventBudget } from './event-budget.tsx';
import { EventRecipes } from './event-recipes.tsx';
import { EventShopping, useLiveFamilyList } from './event-shopping.tsx';
import { useFamilies } from './event-sources.ts';
import { eventDay, type Family, type HalloweenEvent } from './event-types.ts';
import { appHref } from './other-apps.ts';

export function EventDetail({ props, id }: { props: ViewProps; id: string }) {
  const event = useLoad(
    (signal) => props.api<HalloweenEvent>(`/api/events/${id}`, { signal }),
    [props.api, id],
  );
  const families = useFamilies(props);
  const list = useLiveFamilyList(props, event.data?.family_shopping_list?.list_id ?? null);
  const remove = useAction();
  if (event.error && !event.data) return <ErrorMessage>{event.error}</ErrorMessage>;
  if (!event.data) return <Loading />;
  const e = event.data;
  const family = families.data?.items.find((f) => f.family_id === e.family_id);
  const del = () =>
    remove.run(async () => {
      await props.api(`/api/events/${e.event_id}`, { method: 'DELETE' });
      navigate(props.href('events'));
    });
  return (
    <article>
      <p>
        <Link href={props.href('events')}>← All events</Link>
      </p>
      <h1>{e.event_name}</h1>
      <p className="muted">
        {formatDate(eventDay(e))} · {e.event_type.replace(/-/g, ' ')} · {e.guest_count} guests
        {e.location ? ` · ${e.location}` : ''}
        {!e.is_mine && ` · shared with you through ${family?.family_name ?? 'your family'}`}
      </p>
      {event.error && <ErrorMessage>{event.error}</ErrorMessage>}
      <div className="event-columns">
        <div>
          <FamilySection
            props={props}
            event={e}
            families={families.data?.items}
            familiesError={families.error}
            onChange={event.reload}
          />
          <EventRecipes props={props} event={e} />
        </div>
        <div>
          <EventBudget props={props} event={e} list={list.data} onChange={event.reload} />
          {e.is_mine && <GuestsAndBudget props={props} event={e} onChange={event.reload} />}
        </div>
      </div>
      <EventShopping
        props={props}
        event={e}
        familyName={family?.family_name}
        list={list}
        onGenerated={event.reload}
      />
      {e.is_mine && (
        <Section title="Delete the event">
          {remove.error && <ErrorMessage>{remove.error}</ErrorMessage>}
          <p className="muted">The family shopping list stays in Family Planner.</p>
          <Button variant="danger" busy={remove.busy} onClick={() => void del()}>
            Delete {e.event_name}
          </Button>
        </Section>
      )}
    </article>
  );
}

function FamilySection({
  props,
  event,
  families,
  familiesError,
  onChange,
}: {
  props: ViewProps;
  event: HalloweenEvent;
  families: Family[] | undefined;
  familiesError: string | undefined;
  onChange: () => void;
}) {
  const [familyId, setFamilyId] = useState(event.family_id ?? '');
  const save = useAction();
  const linked = families?.find((f) => f.family_id === event.family_id);
  const submit = () =>
    save.run(async () => {
      await props.api(`/api/events/${event.event_id}`, {
        method: 'PATCH',
        body: { family_id: familyId || null },
      });
      onChange();
    });
  const familyPlanner = appHref(props, 'family', 'families');
  let body: ReactNode;
  if (!event.is_mine) {
    body = (
      <p>
        Planned with <strong>{linked?.family_name ?? 'your family'}</strong>. Add recipes and make the
        shopping list together; only the organiser changes the details.
      </p>
    );
  } else if (familiesError) {
    body = <ErrorMessage>Your families could not be loaded. {familiesError}</ErrorMessage>;
  } else if (!families) {
    body = <Loading label="Loading your families…" />;
  } else if (families.length === 0 && !event.family_id) {
    body = (
      <>
        <Empty>
          You are not in a family yet. Start one in Family Planner, then plan this event with it: its members
          see the event and share its shopping list.
        </Empty>
        <ButtonLink href={familyPlanner} variant="secondary">
          Start a family in Family Planner
        </ButtonLink>
      </>
    );
  } else {
    body = (
      <Form onSubmit={submit} error={save.error} label="Plan with a family">
        <SelectField
          label="Family"
          hint="Its members see this event, add recipes and check off its shopping list"
          options={[
            ['', 'No family'],
            ...families.map((f) => [f.family_id, f.family_name] as const),
            ...(event.family_id && !linked ? [[event.family_id, 'A family you left'] as const] : []),
          ]}
          value={familyId}
          onChange={(e) => setFamilyId(e.target.value)}
        />
        <div className="button-row">
          <Button type="submit" busy={save.busy} disabled={familyId === (event.family_id ?? '')}>
            Save family
          </Button>
          {event.family_id && linked && <span role="status">Planned with {linked.family_name}.</span>}
        </div>
      </Form>
    );
  }
  return <Section title="Family">{body}</Section>;
}

function GuestsAndBudget({
  props,
  event,
  onChange,
}: {
  props: ViewProps;
  event: HalloweenEvent;
  onChange: () => void;
}) {
  const [form, , set] = useFields({
    guest_count: String(event.guest_count),
    budget: toDollars(event.budget_cents),
  });
  const save = useAction();
  const [saved, setSaved] = useState(false);
  const submit = () =>
    save.run(async () => {
      setSaved(false);
      await props.api(`/api/events/${event.event_id}`, {
        method: 'PATCH',
        body: { guest_count: Number(form.guest_count) || 0, budget_cents: toCents(form.budget) },
      });
      onChange();
      setSaved(true);
    });
  return (
    <Section title="Guests and budget">
      <Form onSubmit={submit} error={save.error} label="Guests and budget">
        <div className="form-grid">
          <TextField
            label="Guests"
            type="number"
            min={0}
            hint="Recipes are scaled to this many when you make the shopping list"
            value={form.guest_count}
            onChange={set('guest_count')}
          />
          <MoneyField
            label="Budget"
            hint="Empty for no budget"
            value={form.budget}
            onChange={set('budget')}
          />
        </div>
        <div className="button-row">
          <Button type="submit" busy={save.busy}>
            Save guests and budget
          </Button>
          {saved && <span role="status">Saved.</span>}
        </div>
      </Form>
    </Section>
  );
}

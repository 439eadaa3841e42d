// Meal plans: every plan of the user, a new one (name, first day, length) or this week in one
// click, and the chosen plan (?plan=id, else the newest) to fill in and shop for.
import { useState } from 'react';
import type { ViewProps } from '../shared/app-shell.tsx';
import { Button, Empty, ErrorMessage, Form, Loading, Section, TextField } from '../shared/components.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { Link, navigate } from '../shared/router.tsx';
import { MealPlanEditor } from './meal-plan-editor.tsx';
import { dayRange, mondayOf, shortDate } from './plan-dates.ts';
import type { MealPlan, Page } from './types.ts';

const PLANS_PAGE = 50;

export function MealPlans(props: ViewProps) {
  const { api } = props;
  const plans = useLoad(
    (signal) => api<Page<MealPlan>>('/api/meal-plans', { signal, query: { limit: PLANS_PAGE } }),
    [api],
  );
  const [older, setOlder] = useState<{ items: MealPlan[]; cursor: string | null } | null>(null);
  const create = useAction();
  const loadOlder = useAction();
  const all = [...(plans.data?.items ?? []), ...(older?.items ?? [])];
  const cursor = older ? older.cursor : (plans.data?.next_cursor ?? null);
  const chosenId = props.params.get('plan');
  const plan = all.find((p) => p.plan_id === chosenId) ?? (chosenId ? undefined : all[0]);

  const createPlan = (body: { plan_name: string; start_date: string; duration_days: number }) =>
    create.run(async () => {
      const made = await api<MealPlan>('/api/meal-plans', { body });
      // Newest first, as the list comes: shown at once, chosen at once.
      plans.setData({
        items: [made, ...(plans.data?.items ?? [])],
        next_cursor: plans.data?.next_cursor ?? null,
      });
      navigate(props.href('meal-plans', { plan: made.plan_id }));
      return made;
    });
  const planThisWeek = () => {
    const monday = mondayOf();
    return createPlan({
      plan_name: `Week of ${shortDate(monday, true)}`,
      start_date: monday,
      duration_days: 7,
    });
  };
  const showOlder = () =>
    loadOlder.run(async () => {
      if (!cursor) return;
      const page = await api<Page<MealPlan>>('/api/meal-plans', { query: { limit: PLANS_PAGE, cursor } });
      setOlder((o) => ({ items: [...(o?.items ?? []), ...page.items], cursor: page.next_cursor }));
    });
  const replacePlan = (changed: MealPlan) => {
    if (plans.data?.items.some((p) => p.plan_id === changed.plan_id)) {
      plans.setData({
        ...plans.data,
        items: plans.data.items.map((p) => (p.plan_id === changed.plan_id ? changed : p)),
      });
    } else if (older) {
      setOlder({ ...older, items: older.items.map((p) => (p.plan_id === changed.plan_id ? changed : p)) });
    }
  };
  const afterDelete = () => {
    setOlder(null);
    plans.reload();
    navigate(props.href('meal-plans'));
  };

  return (
    <>
      <div className="section-head">
        <h1>Meal plans</h1>
        <Button busy={create.busy} onClick={() => void planThisWeek()}>
          Plan this week
        </Button>
      </div>
      {(plans.error || create.error) && <ErrorMessage>{plans.error ?? create.error}</ErrorMessage>}
      <div className="plans-layout">
        <div>
          <Section title="Your meal plans">
            {!plans.data ? (
              plans.error ? null : (
                <Loading />
              )
            ) : all.length === 0 ? (
              <Empty>No meal plan yet. Plan this week, or make a plan below.</Empty>
            ) : (
              <ul className="list" aria-label="Your meal plans">
                {all.map((p) => (
                  <li
                    key={p.plan_id}
                    className={p.plan_id === plan?.plan_id ? 'list-row list-row--current' : 'list-row'}
                  >
                    <Link
                      href={props.href('meal-plans', { plan: p.plan_id })}
                      aria-current={p.plan_id === plan?.plan_id ? 'true' : undefined}
                    >
                      {p.plan_name}
                    </Link>
                    <span className="muted">{dayRange(p.start_date, p.end_date)}</span>
                  </li>
                ))}
              </ul>
            )}
            {loadOlder.error && <ErrorMessage>{loadOlder.error}</ErrorMessage>}
            {cursor && (
              <div className="button-row section">
                <Button small variant="secondary" busy={loadOlder.busy} onClick={() => void showOlder()}>
                  Show older plans
                </Button>
              </div>
            )}
          </Section>
          <NewPlanForm busy={create.busy} onCreate={createPlan} />
        </div>
        <div>
          {plans.data && chosenId && !plan && !cursor && (
            <ErrorMessage>
              That meal plan is gone. It may have been deleted.{' '}
              <Link href={props.href('meal-plans')}>Show your newest plan</Link>
            </ErrorMessage>
          )}
          {plan && (
            <MealPlanEditor
              key={plan.plan_id}
              props={props}
              plan={plan}
              onChange={replacePlan}
              onDelete={afterDelete}
            />
          )}
        </div>
      </div>
    </>
  );
}

function NewPlanForm({
  busy,
  onCreate,
}: {
  busy: boolean;
  onCreate: (body: { plan_name: string; start_date: string; duration_days: number }) => Promise<unknown>;
}) {
  const [form, setForm] = useState(() => ({ plan_name: '', start_date: mondayOf(true), duration_days: '7' }));
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [name]: e.target.value }));
  const submit = async () => {
    const made = await onCreate({
      plan_name: form.plan_name,
      start_date: form.start_date,
      duration_days: Number(form.duration_days) || 7,
    });
    if (made) setForm((f) => ({ ...f, plan_name: '' }));
  };
  return (
    <Section title="New meal plan">
      <Form onSubmit={submit} label="New meal plan">
        <TextField
          label="Plan name"
          required
          maxLength={200}
          placeholder="Holiday week"
          value={form.plan_name}
          onChange={set('plan_name')}
        />
        <TextField
          label="First day"
          type="date"
          required
          value={form.start_date}
          onChange={set('start_date')}
        />
        <TextField
          label="Number of days"
          type="number"
          min={1}
          max={366}
          required
          value={form.duration_days}
          onChange={set('duration_days')}
        />
        <div className="button-row">
          <Button type="submit" busy={busy}>
            Create plan
          </Button>
        </div>
      </Form>
    </Section>
  );
}

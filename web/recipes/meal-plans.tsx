// Meal plans: every plan of the user, a new one (name, first day, length) or this week in one
// click, and the chosen plan (?plan=id, else the newest) to fill in and shop for.
import type { ViewProps } from '../shared/app-shell.tsx';
import {
  Button,
  Empty,
  ErrorMessage,
  Form,
  Loading,
  Section,
  SubmitRow,
  TextField,
} from '../shared/components.tsx';
import { useFields } from '../shared/form-fields.ts';
import { useAction } from '../shared/hooks.ts';
import { ShowMore, usePagedList } from '../shared/paged-list.tsx';
import { Link, navigate } from '../shared/router.tsx';
import { MealPlanEditor } from './meal-plan-editor.tsx';
import { dayRange, mondayOf, shortDate } from './plan-dates.ts';
import type { MealPlan, Page } from './types.ts';

const PLANS_PAGE = 50;

export function MealPlans(props: ViewProps) {
  const { api } = props;
  const plans = usePagedList(
    (cursor, signal) =>
      api<Page<MealPlan>>('/api/meal-plans', { signal, query: { limit: PLANS_PAGE, cursor } }),
    [api],
  );
  const create = useAction();
  const all = plans.items;
  const chosenId = props.params.get('plan');
  const plan = all.find((p) => p.plan_id === chosenId) ?? (chosenId ? undefined : all[0]);

  const createPlan = (body: { plan_name: string; start_date: string; duration_days: number }) =>
    create.run(async () => {
      const made = await api<MealPlan>('/api/meal-plans', { body });
      // Newest first, as the list comes: shown at once, chosen at once.
      plans.prepend(made);
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
  const replacePlan = (changed: MealPlan) =>
    plans.mapItems((p) => (p.plan_id === changed.plan_id ? changed : p));
  const afterDelete = () => {
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
            {!plans.isLoaded ? (
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
            <ShowMore list={plans} label="Show older plans" small />
          </Section>
          <NewPlanForm busy={create.busy} onCreate={createPlan} />
        </div>
        <div>
          {plans.isLoaded && chosenId && !plan && !plans.hasMore && (
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
  const [form, setForm, set] = useFields(() => ({
    plan_name: '',
    start_date: mondayOf(true),
    duration_days: '7',
  }));
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
        <SubmitRow busy={busy}>Create plan</SubmitRow>
      </Form>
    </Section>
  );
}

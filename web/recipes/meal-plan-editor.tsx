// One meal plan: rename or delete it, choose a recipe per day and slot (saved as you choose,
// one change after another so none is lost), and make the shopping list it needs.
import { useRef, useState } from 'react';
import type { ViewProps } from '../shared/app-shell.tsx';
import { Button, Checkbox, ErrorMessage, Form, Notice, Section, TextField } from '../shared/components.tsx';
import { ConfirmStep } from '../shared/confirm-step.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { Link } from '../shared/router.tsx';
import { addDays, dayRange, shortDate, weekday } from './plan-dates.ts';
import type { MealPlan, Page, Recipe, ShoppingList } from './types.ts';

const SLOTS = ['breakfast', 'lunch', 'dinner', 'snack'] as const;
type Meals = MealPlan['meals'];

/** Names for the recipe choices: the newest 100 readable recipes, and any planned one besides. */
function useRecipeChoices(props: ViewProps, meals: Meals) {
  const planned = [...new Set(Object.values(meals).flatMap((day) => Object.values(day)))].sort();
  return useLoad(
    async (signal) => {
      const page = await props.api<Page<Recipe>>('/api/recipes', { signal, query: { limit: 100 } });
      const names = new Map(page.items.map((r) => [r.recipe_id, r.recipe_name]));
      const missing = planned.filter((id) => !names.has(id));
      await Promise.all(
        missing.map(async (id) => {
          try {
            const recipe = await props.api<Recipe>(`/api/recipes/${id}`, { signal });
            names.set(id, recipe.recipe_name);
          } catch {
            names.set(id, 'A recipe you can no longer open');
          }
        }),
      );
      return names;
    },
    [props.api, planned.join()],
  );
}

export function MealPlanEditor({
  props,
  plan,
  onChange,
  onDelete,
}: {
  props: ViewProps;
  plan: MealPlan;
  onChange: (plan: MealPlan) => void;
  onDelete: () => void;
}) {
  const { api } = props;
  const [meals, setMeals] = useState<Meals>(plan.meals);
  const latest = useRef(meals);
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const [pending, setPending] = useState(0);
  const save = useAction();
  const choices = useRecipeChoices(props, meals);
  const days = Array.from({ length: plan.duration_days }, (_, i) => addDays(plan.start_date, i));
  const isLong = plan.duration_days > 7;
  const plannedCount = Object.values(meals).reduce((n, day) => n + Object.keys(day).length, 0);

  const setMeal = (day: string, slot: string, recipeId: string) => {
    const today = { ...(latest.current[day] ?? {}) };
    if (recipeId) today[slot] = recipeId;
    else delete today[slot];
    const next = { ...latest.current, [day]: today };
    if (Object.keys(today).length === 0) delete next[day];
    latest.current = next;
    setMeals(next);
    setPending((n) => n + 1);
    // Each PATCH sends every meal: in order, the last one carries every choice made so far.
    queue.current = queue.current.then(() =>
      save
        .run(async () => {
          const saved = await api<MealPlan>(`/api/meal-plans/${plan.plan_id}`, {
            method: 'PATCH',
            body: { meals: latest.current },
          });
          onChange(saved);
        })
        .finally(() => setPending((n) => n - 1)),
    );
  };

  const options = [...(choices.data ?? new Map<string, string>()).entries()].sort((a, b) =>
    a[1].localeCompare(b[1]),
  );

  return (
    <Section title={plan.plan_name}>
      <p className="muted">
        {dayRange(plan.start_date, plan.end_date)} · {plan.duration_days} day
        {plan.duration_days === 1 ? '' : 's'} · {plannedCount} meal{plannedCount === 1 ? '' : 's'} planned
      </p>
      <PlanActions props={props} plan={plan} onChange={onChange} onDelete={onDelete} />
      {choices.error && <ErrorMessage>{choices.error}</ErrorMessage>}
      {save.error && <ErrorMessage>{save.error}</ErrorMessage>}
      <p className="muted" role="status">
        {pending > 0 ? 'Saving…' : save.error ? '' : 'Every choice is saved as you make it.'}
      </p>
      <div className="table-wrap meal-table-wrap">
        <table className="meal-table">
          <caption className="visually-hidden">Meals of {plan.plan_name}</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {SLOTS.map((slot) => (
                <th scope="col" key={slot}>
                  {slot}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days.map((day) => {
              const name = weekday(day);
              const label = isLong ? `${name} ${shortDate(day)}` : name;
              return (
                <tr key={day}>
                  <th scope="row">
                    {name} <span className="muted">{shortDate(day)}</span>
                  </th>
                  {SLOTS.map((slot) => {
                    const chosen = meals[day]?.[slot] ?? '';
                    return (
                      <td key={slot}>
                        <label className="visually-hidden" htmlFor={`${day}-${slot}`}>
                          {label} {slot}
                        </label>
                        <select
                          id={`${day}-${slot}`}
                          className="input"
                          value={chosen}
                          onChange={(e) => setMeal(day, slot, e.target.value)}
                        >
                          <option value="">—</option>
                          {chosen && !choices.data?.has(chosen) && <option value={chosen}>Loading…</option>}
                          {options.map(([id, text]) => (
                            <option key={id} value={id}>
                              {text}
                            </option>
                          ))}
                        </select>
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {choices.data && choices.data.size === 0 && (
        <p className="muted">
          You have no recipes to plan with yet.{' '}
          <Link href={`${props.href('recipes')}?new`}>Add a recipe</Link>
        </p>
      )}
      <PlanShoppingList props={props} plan={plan} isSaving={pending > 0} />
    </Section>
  );
}

function PlanActions({
  props,
  plan,
  onChange,
  onDelete,
}: {
  props: ViewProps;
  plan: MealPlan;
  onChange: (plan: MealPlan) => void;
  onDelete: () => void;
}) {
  const [mode, setMode] = useState<'idle' | 'renaming'>('idle');
  const [name, setName] = useState(plan.plan_name);
  const action = useAction();
  const rename = () =>
    action.run(async () => {
      const saved = await props.api<MealPlan>(`/api/meal-plans/${plan.plan_id}`, {
        method: 'PATCH',
        body: { plan_name: name },
      });
      onChange(saved);
      setMode('idle');
    });
  const remove = () =>
    action.run(async () => {
      await props.api(`/api/meal-plans/${plan.plan_id}`, { method: 'DELETE' });
      onDelete();
    });
  if (mode === 'renaming') {
    return (
      <Form onSubmit={rename} error={action.error} label="Rename the meal plan">
        <TextField
          label="New name for the plan"
          required
          maxLength={200}
          autoFocus
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <div className="button-row">
          <Button type="submit" busy={action.busy}>
            Save name
          </Button>
          <Button variant="secondary" onClick={() => setMode('idle')}>
            Cancel
          </Button>
        </div>
      </Form>
    );
  }
  return (
    <div className="button-row section">
      <Button
        small
        variant="secondary"
        onClick={() => {
          setName(plan.plan_name);
          setMode('renaming');
        }}
      >
        Rename
      </Button>
      <ConfirmStep
        small
        trigger="Delete plan"
        question={<>Delete the meal plan “{plan.plan_name}”? Shopping lists made from it stay.</>}
        confirm="Yes, delete the plan"
        cancel="Keep it"
        asAlert
        busy={action.busy}
        error={action.error}
        onConfirm={remove}
      />
    </div>
  );
}

type MadeList = ShoppingList & { skipped_recipe_ids: string[] };

function PlanShoppingList({
  props,
  plan,
  isSaving,
}: {
  props: ViewProps;
  plan: MealPlan;
  isSaving: boolean;
}) {
  const [servings, setServings] = useState('');
  const [listName, setListName] = useState('');
  const [subtractPantry, setSubtractPantry] = useState(true);
  const [made, setMade] = useState<MadeList>();
  const action = useAction();
  const lists = useLoad(
    (signal) =>
      props.api<Page<ShoppingList>>('/api/shopping-lists', {
        signal,
        query: { plan_id: plan.plan_id, limit: 10 },
      }),
    [props.api, plan.plan_id],
  );
  const submit = () =>
    action.run(async () => {
      const list = await props.api<MadeList>(`/api/meal-plans/${plan.plan_id}/shopping-list`, {
        body: {
          subtract_pantry: subtractPantry,
          ...(servings ? { servings: Number(servings) } : {}),
          ...(listName.trim() ? { list_name: listName.trim() } : {}),
        },
      });
      setMade(list);
      lists.reload();
    });
  const skipped = made?.skipped_recipe_ids.length ?? 0;
  return (
    <section className="section plan-shopping" aria-labelledby="plan-shopping-heading">
      <h3 id="plan-shopping-heading">Shopping for this plan</h3>
      <Form onSubmit={submit} error={action.error} label={`Make the shopping list for ${plan.plan_name}`}>
        <div className="form-grid">
          <TextField
            label="Name of the list"
            placeholder={`Shopping for ${plan.plan_name}`}
            maxLength={200}
            value={listName}
            onChange={(e) => setListName(e.target.value)}
          />
          <TextField
            label="Cook every meal for"
            hint="Servings; leave empty to cook each recipe as written"
            type="number"
            min={1}
            max={100}
            value={servings}
            onChange={(e) => setServings(e.target.value)}
          />
        </div>
        <Checkbox
          label="Leave out what the pantry already holds"
          checked={subtractPantry}
          onChange={(e) => setSubtractPantry(e.target.checked)}
        />
        <div className="button-row">
          <Button type="submit" variant="secondary" busy={action.busy || isSaving}>
            Make the shopping list
          </Button>
        </div>
      </Form>
      {made && (
        <Notice>
          Made “{made.list_name}” with {made.items.length} item{made.items.length === 1 ? '' : 's'}.{' '}
          {skipped > 0 &&
            `${skipped} planned recipe${skipped === 1 ? ' was' : 's were'} left out: deleted, or no longer yours to read. `}
          <Link href={props.href('shopping', { list: made.list_id })}>Open the list</Link>
        </Notice>
      )}
      {lists.data && lists.data.items.length > 0 && (
        <>
          <h4>Lists made from this plan</h4>
          <ul className="list" aria-label={`Shopping lists from ${plan.plan_name}`}>
            {lists.data.items.map((list) => (
              <li className="list-row" key={list.list_id}>
                <Link href={props.href('shopping', { list: list.list_id })}>{list.list_name}</Link>
                <span className="muted">
                  {list.open_items} of {list.items.length} to buy
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

// HowToCookAtHome's views: recipes (browse, filter, detail scaled to any servings, rating),
// a week meal planner, the pantry with what expires soon, and shopping lists.
import { useState } from 'react';
import type { ViewProps } from '../shared/app-shell.tsx';
import {
  Button,
  Checkbox,
  Empty,
  ErrorMessage,
  Form,
  formatDate,
  formatMoney,
  Loading,
  Notice,
  Section,
  SelectField,
  TextArea,
  TextField,
} from '../shared/components.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { Link, navigate } from '../shared/router.tsx';

interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
interface Ingredient {
  name: string;
  quantity: number | null;
  unit: string | null;
}
interface Recipe {
  recipe_id: string;
  recipe_name: string;
  description: string | null;
  cuisine: string | null;
  difficulty: string;
  total_time_minutes: number | null;
  serves: number | null;
  calories: number | null;
  ingredients: Ingredient[];
  instructions: string[];
  allergens: string[];
  tags: string[];
  rating_avg: number;
  rating_count: number;
  is_mine: boolean;
}

const amount = (n: number | null) =>
  n === null ? '' : Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, '');
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
function parseIngredients(text: string) {
  return lines(text).map((line) => {
    const match = /^(\d+(?:[.,]\d+)?)\s+(?:([a-zA-Z]{1,12})\s+)?(.+)$/.exec(line);
    if (!match) return { name: line };
    const [, qty, unit, name] = match;
    return {
      name: name as string,
      quantity: Number((qty as string).replace(',', '.')),
      ...(unit ? { unit } : {}),
    };
  });
}

export function Recipes(props: ViewProps) {
  const id = props.params.get('id');
  if (props.params.get('new') !== null) return <RecipeForm props={props} />;
  if (id) return <RecipeDetail props={props} id={id} />;
  return <RecipeBrowser props={props} />;
}

function RecipeBrowser({ props }: { props: ViewProps }) {
  const { api, params } = props;
  const [filters, setFilters] = useState({
    q: params.get('q') ?? '',
    max_total_minutes: params.get('max_total_minutes') ?? '',
    exclude_allergens: params.get('exclude_allergens') ?? '',
    sort: params.get('sort') ?? 'newest',
  });
  const recipes = useLoad(
    (signal) =>
      api<Page<Recipe>>('/api/recipes', {
        signal,
        query: {
          limit: 50,
          q: params.get('q'),
          max_total_minutes: params.get('max_total_minutes'),
          exclude_allergens: params.get('exclude_allergens')
            ? [params.get('exclude_allergens') as string]
            : undefined,
          sort: params.get('sort') ?? 'newest',
        },
      }),
    [api, params.toString()],
  );
  return (
    <>
      <div className="section-head">
        <h1>Recipes</h1>
        <Link className="button" href={`${props.href('recipes')}?new`}>
          Add a recipe
        </Link>
      </div>
      <Section title="Find a recipe">
        <Form onSubmit={() => navigate(props.href('recipes', filters))} label="Filter recipes" wide>
          <div className="form-grid">
            <TextField
              label="Search"
              type="search"
              value={filters.q}
              onChange={(e) => setFilters((f) => ({ ...f, q: e.target.value }))}
            />
            <SelectField
              label="Ready in"
              options={[
                ['', 'Any time'],
                ['20', '20 minutes or less'],
                ['40', '40 minutes or less'],
                ['60', 'An hour or less'],
              ]}
              value={filters.max_total_minutes}
              onChange={(e) => setFilters((f) => ({ ...f, max_total_minutes: e.target.value }))}
            />
            <TextField
              label="Leave out allergen"
              placeholder="peanuts"
              value={filters.exclude_allergens}
              onChange={(e) => setFilters((f) => ({ ...f, exclude_allergens: e.target.value }))}
            />
            <SelectField
              label="Sort"
              options={[
                ['newest', 'Newest'],
                ['top_rated', 'Top rated'],
              ]}
              value={filters.sort}
              onChange={(e) => setFilters((f) => ({ ...f, sort: e.target.value }))}
            />
          </div>
          <div className="button-row">
            <Button type="submit">Show recipes</Button>
          </div>
        </Form>
      </Section>
      {recipes.error && <ErrorMessage>{recipes.error}</ErrorMessage>}
      {!recipes.data ? (
        <Loading />
      ) : recipes.data.items.length === 0 ? (
        <Empty>No recipes match yet.</Empty>
      ) : (
        <ul className="grid list" aria-label="Recipes">
          {recipes.data.items.map((r) => (
            <li className="card" key={r.recipe_id}>
              <h3>
                <Link href={props.href('recipes', { id: r.recipe_id })}>{r.recipe_name}</Link>
              </h3>
              <p className="muted">
                {[r.cuisine, r.difficulty, r.total_time_minutes ? `${r.total_time_minutes} min` : null]
                  .filter(Boolean)
                  .join(' · ')}
                {r.rating_count > 0 && ` · ★ ${r.rating_avg.toFixed(1)} (${r.rating_count})`}
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function RecipeDetail({ props, id }: { props: ViewProps; id: string }) {
  const servings = props.params.get('servings') ?? '';
  const recipe = useLoad(
    (signal) => props.api<Recipe>(`/api/recipes/${id}`, { signal, query: { servings } }),
    [props.api, id, servings],
  );
  const [wanted, setWanted] = useState(servings);
  const rate = useAction();
  const [rated, setRated] = useState<string>();
  if (recipe.error) return <ErrorMessage>{recipe.error}</ErrorMessage>;
  if (!recipe.data) return <Loading />;
  const r = recipe.data;
  const give = (stars: number) =>
    rate.run(async () => {
      const answer = await props.api<{ rating_avg: number; rating_count: number }>(
        `/api/recipes/${id}/rating`,
        {
          method: 'PUT',
          body: { rating: stars },
        },
      );
      setRated(
        `Thanks! Rated ${stars} of 5 · average ${answer.rating_avg.toFixed(1)} from ${answer.rating_count}.`,
      );
    });
  return (
    <article>
      <p>
        <Link href={props.href('recipes')}>← All recipes</Link>
      </p>
      <h1>{r.recipe_name}</h1>
      <p className="muted">
        {[
          r.cuisine,
          r.difficulty,
          r.total_time_minutes ? `${r.total_time_minutes} minutes` : null,
          r.calories ? `${r.calories} kcal` : null,
        ]
          .filter(Boolean)
          .join(' · ')}
      </p>
      {r.description && <p>{r.description}</p>}
      {r.allergens.length > 0 && <p>Contains: {r.allergens.join(', ')}</p>}
      <Form
        onSubmit={() => navigate(props.href('recipes', { id, servings: wanted }))}
        label="Scale the recipe"
      >
        <div className="button-row">
          <TextField
            label="Servings"
            type="number"
            min={1}
            max={100}
            value={wanted || String(r.serves ?? '')}
            onChange={(e) => setWanted(e.target.value)}
          />
          <Button type="submit" variant="secondary">
            Scale
          </Button>
        </div>
      </Form>
      <div className="grid section">
        <Section title={`Ingredients${r.serves ? ` for ${r.serves}` : ''}`}>
          <ul aria-label="Ingredients">
            {r.ingredients.map((i) => (
              <li key={`${i.name}-${i.unit}`}>
                {[amount(i.quantity), i.unit, i.name].filter(Boolean).join(' ')}
              </li>
            ))}
          </ul>
        </Section>
        <Section title="Method">
          <ol>
            {r.instructions.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
        </Section>
      </div>
      <Section title="Rate it">
        {rated && <Notice>{rated}</Notice>}
        {rate.error && <ErrorMessage>{rate.error}</ErrorMessage>}
        <fieldset className="button-row" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className="visually-hidden">Your rating</legend>
          {[1, 2, 3, 4, 5].map((stars) => (
            <Button
              key={stars}
              small
              variant="secondary"
              busy={rate.busy}
              onClick={() => void give(stars)}
              aria-label={`Rate ${stars} of 5`}
            >
              {'★'.repeat(stars)}
            </Button>
          ))}
        </fieldset>
      </Section>
    </article>
  );
}

function RecipeForm({ props }: { props: ViewProps }) {
  const [form, setForm] = useState({
    recipe_name: '',
    cuisine: '',
    difficulty: 'easy',
    serves: '4',
    total: '',
    ingredients: '',
    instructions: '',
  });
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [name]: e.target.value }));
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      const saved = await props.api<Recipe>('/api/recipes', {
        body: {
          recipe_name: form.recipe_name,
          difficulty: form.difficulty,
          ...(form.cuisine ? { cuisine: form.cuisine } : {}),
          ...(form.serves ? { serves: Number(form.serves) } : {}),
          ...(form.total ? { cook_time_minutes: Number(form.total) } : {}),
          ingredients: parseIngredients(form.ingredients),
          instructions: lines(form.instructions),
          is_published: true,
        },
      });
      navigate(props.href('recipes', { id: saved.recipe_id }));
    });
  return (
    <>
      <h1>Add a recipe</h1>
      <Form onSubmit={submit} error={action.error} label="Recipe" wide>
        <div className="form-grid">
          <TextField label="Name" required value={form.recipe_name} onChange={set('recipe_name')} />
          <TextField label="Cuisine" value={form.cuisine} onChange={set('cuisine')} />
          <SelectField
            label="Difficulty"
            options={[
              ['easy', 'Easy'],
              ['medium', 'Medium'],
              ['hard', 'Hard'],
            ]}
            value={form.difficulty}
            onChange={set('difficulty')}
          />
          <TextField label="Serves" type="number" min={1} value={form.serves} onChange={set('serves')} />
          <TextField label="Minutes" type="number" min={0} value={form.total} onChange={set('total')} />
        </div>
        <TextArea
          label="Ingredients"
          hint="One per line, e.g. “200 g rice”"
          value={form.ingredients}
          onChange={set('ingredients')}
        />
        <TextArea
          label="Method"
          hint="One step per line"
          value={form.instructions}
          onChange={set('instructions')}
        />
        <div className="button-row">
          <Button type="submit" busy={action.busy}>
            Save recipe
          </Button>
        </div>
      </Form>
    </>
  );
}

interface MealPlan {
  plan_id: string;
  plan_name: string;
  start_date: string;
  end_date: string;
  duration_days: number;
  meals: Record<string, Record<string, string>>;
}
const SLOTS = ['breakfast', 'lunch', 'dinner'] as const;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

export function MealPlans(props: ViewProps) {
  const { api } = props;
  const plans = useLoad(
    (signal) => api<Page<MealPlan>>('/api/meal-plans', { signal, query: { limit: 20 } }),
    [api],
  );
  const recipes = useLoad(
    (signal) => api<Page<Recipe>>('/api/recipes', { signal, query: { limit: 100 } }),
    [api],
  );
  const create = useAction();
  const save = useAction();
  const [listMade, setListMade] = useState<string>();
  const plan = plans.data?.items.find((p) => p.plan_id === props.params.get('plan')) ?? plans.data?.items[0];
  const startWeek = () =>
    create.run(async () => {
      const monday = new Date();
      monday.setDate(monday.getDate() - ((monday.getDay() + 6) % 7));
      await api('/api/meal-plans', {
        body: {
          plan_name: `Week of ${monday.toLocaleDateString()}`,
          start_date: isoDay(monday),
          duration_days: 7,
        },
      });
      plans.reload();
    });
  const setMeal = (day: string, slot: string, recipeId: string) =>
    save.run(async () => {
      if (!plan) return;
      const meals = structuredClone(plan.meals);
      const today = { ...(meals[day] ?? {}) };
      if (recipeId) today[slot] = recipeId;
      else delete today[slot];
      meals[day] = today;
      await api(`/api/meal-plans/${plan.plan_id}`, { method: 'PATCH', body: { meals } });
      plans.reload();
    });
  const makeList = () =>
    save.run(async () => {
      if (!plan) return;
      const list = await api<{ list_name: string; items: unknown[] }>(
        `/api/meal-plans/${plan.plan_id}/shopping-list`,
        {
          body: { subtract_pantry: true },
        },
      );
      setListMade(`Made “${list.list_name}” with ${list.items.length} items.`);
    });
  const options = [
    ['', '—'] as const,
    ...(recipes.data?.items ?? []).map((r) => [r.recipe_id, r.recipe_name] as const),
  ];
  return (
    <>
      <div className="section-head">
        <h1>Meal plans</h1>
        <Button busy={create.busy} onClick={() => void startWeek()}>
          Plan this week
        </Button>
      </div>
      {(plans.error || create.error || save.error) && (
        <ErrorMessage>{plans.error ?? create.error ?? save.error}</ErrorMessage>
      )}
      {listMade && (
        <Notice>
          {listMade} <Link href={props.href('shopping')}>Open shopping lists</Link>
        </Notice>
      )}
      {!plans.data ? (
        <Loading />
      ) : !plan ? (
        <Empty>No meal plan yet.</Empty>
      ) : (
        <Section title={plan.plan_name}>
          <div className="table-wrap">
            <table>
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
                {Array.from({ length: plan.duration_days }, (_, i) => {
                  const date = new Date(`${plan.start_date.slice(0, 10)}T00:00:00Z`);
                  date.setUTCDate(date.getUTCDate() + i);
                  const day = isoDay(date);
                  const label = date.toLocaleDateString(undefined, { weekday: 'long', timeZone: 'UTC' });
                  return (
                    <tr key={day}>
                      <th scope="row">{label}</th>
                      {SLOTS.map((slot) => (
                        <td key={slot}>
                          <label className="visually-hidden" htmlFor={`${day}-${slot}`}>
                            {label} {slot}
                          </label>
                          <select
                            id={`${day}-${slot}`}
                            className="input"
                            value={plan.meals[day]?.[slot] ?? ''}
                            onChange={(e) => void setMeal(day, slot, e.target.value)}
                          >
                            {options.map(([value, text]) => (
                              <option key={value} value={value}>
                                {text}
                              </option>
                            ))}
                          </select>
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div className="button-row" style={{ marginTop: '1rem' }}>
            <Button variant="secondary" busy={save.busy} onClick={() => void makeList()}>
              Make the shopping list
            </Button>
          </div>
        </Section>
      )}
    </>
  );
}

interface PantryItem {
  item_id: string;
  item_name: string;
  quantity: number;
  unit: string;
  location: string;
  expiration_date: string | null;
  days_until_expiry: number | null;
  is_expired: boolean;
}

export function Pantry(props: ViewProps) {
  const { api } = props;
  const items = useLoad(
    (signal) => api<Page<PantryItem>>('/api/pantry/items', { signal, query: { limit: 100 } }),
    [api],
  );
  const expiring = useLoad(
    (signal) =>
      api<Page<PantryItem>>('/api/pantry/expiring', { signal, query: { days: 3, include_expired: true } }),
    [api],
  );
  const [form, setForm] = useState({
    item_name: '',
    quantity: '1',
    unit: 'count',
    location: 'fridge',
    expiration_date: '',
  });
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [name]: e.target.value }));
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
          <Loading />
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
                  <strong>{item.item_name}</strong> · {amount(item.quantity)} {item.unit} · {item.location}
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
          <div className="button-row">
            <Button type="submit" busy={add.busy}>
              Add item
            </Button>
          </div>
        </Form>
      </Section>
    </>
  );
}

interface ShoppingItem {
  name: string;
  quantity: number | null;
  unit: string | null;
  checked: boolean;
  cost_cents: number | null;
  note: string | null;
}
interface ShoppingList {
  list_id: string;
  list_name: string;
  items: ShoppingItem[];
  total_cost_cents: number;
  open_items: number;
}

export function Shopping(props: ViewProps) {
  const { api } = props;
  const lists = useLoad(
    (signal) => api<Page<ShoppingList>>('/api/shopping-lists', { signal, query: { limit: 20 } }),
    [api],
  );
  const [form, setForm] = useState({ list_name: '', items: '' });
  const create = useAction();
  const update = useAction();
  const submit = () =>
    create.run(async () => {
      await api('/api/shopping-lists', {
        body: { list_name: form.list_name, items: parseIngredients(form.items) },
      });
      setForm({ list_name: '', items: '' });
      lists.reload();
    });
  const toggle = (list: ShoppingList, index: number, checked: boolean) =>
    update.run(async () => {
      const items = list.items.map((item, i) => (i === index ? { ...item, checked } : item));
      if (lists.data) {
        lists.setData({
          ...lists.data,
          items: lists.data.items.map((l) => (l.list_id === list.list_id ? { ...l, items } : l)),
        });
      }
      await api(`/api/shopping-lists/${list.list_id}`, { method: 'PATCH', body: { items } });
      lists.reload();
    });
  return (
    <>
      <h1>Shopping lists</h1>
      {(lists.error || update.error) && <ErrorMessage>{lists.error ?? update.error}</ErrorMessage>}
      {!lists.data ? (
        <Loading />
      ) : lists.data.items.length === 0 ? (
        <Empty>No shopping lists yet. Make one from a meal plan or below.</Empty>
      ) : (
        lists.data.items.map((list) => (
          <Section key={list.list_id} title={list.list_name}>
            <p className="muted">
              {list.open_items} to buy · {formatMoney(list.total_cost_cents)}
            </p>
            <ul className="list" aria-label={`Items on ${list.list_name}`}>
              {list.items.map((item, index) => (
                <li className="list-row" key={`${item.name}-${item.unit}`}>
                  <Checkbox
                    label={[amount(item.quantity), item.unit, item.name].filter(Boolean).join(' ')}
                    checked={item.checked}
                    onChange={(e) => void toggle(list, index, e.target.checked)}
                  />
                </li>
              ))}
            </ul>
          </Section>
        ))
      )}
      <Section title="New shopping list">
        <Form onSubmit={submit} error={create.error} label="New shopping list">
          <TextField label="List name" required value={form.list_name} onChange={set(setForm, 'list_name')} />
          <TextArea
            label="Items"
            hint="One per line, e.g. “2 kg potatoes”"
            value={form.items}
            onChange={set(setForm, 'items')}
          />
          <div className="button-row">
            <Button type="submit" busy={create.busy}>
              Create list
            </Button>
          </div>
        </Form>
      </Section>
    </>
  );
}

function set<T>(setter: (update: (f: T) => T) => void, name: keyof T) {
  return (e: { target: { value: string } }) => setter((f) => ({ ...f, [name]: e.target.value }));
}

export const RECIPES_VIEWS = {
  recipes: Recipes,
  'meal-plans': MealPlans,
  pantry: Pantry,
  shopping: Shopping,
};

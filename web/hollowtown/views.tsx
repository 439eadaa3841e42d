// Hollowtown's views: spooky recipes (browse, filter, create, edit, generate with AI), the
// costume gallery with upvotes, and the haunted-house room planner; events live in events.tsx.
import { useState } from 'react';
import type { ViewProps } from '../shared/app-shell.tsx';
import {
  Button,
  Checkbox,
  Empty,
  ErrorMessage,
  Form,
  formatMoney,
  Loading,
  Section,
  SelectField,
  TextArea,
  TextField,
} from '../shared/components.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { Link, navigate } from '../shared/router.tsx';
import { Events } from './events.tsx';

interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
interface Ingredient {
  name: string;
  quantity: number | null;
  unit: string | null;
}
interface SpookyRecipe {
  recipe_id: string;
  recipe_name: string;
  description: string | null;
  spookiness_level: number;
  difficulty: string;
  ingredients: Ingredient[];
  instructions: string[];
  prep_time_minutes: number | null;
  serves: number | null;
  tags: string[];
  is_published: boolean;
  is_mine: boolean;
  source: 'manual' | 'ai';
  ai_model: string | null;
}

const DIFFICULTIES = [
  ['easy', 'Easy'],
  ['medium', 'Medium'],
  ['hard', 'Hard'],
  ['nightmare', 'Nightmare'],
] as const;

/** "2 cups sugar" per line ⇄ ingredients. */
export const ingredientsToText = (items: Ingredient[]) =>
  items.map((i) => [i.quantity ?? '', i.unit ?? '', i.name].filter((x) => x !== '').join(' ')).join('\n');
export function textToIngredients(text: string) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
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
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
const skulls = (level: number) => `${'☠'.repeat(Math.max(0, Math.min(level, 10)))}`;

export function Recipes(props: ViewProps) {
  const { params } = props;
  const id = params.get('id');
  if (params.get('new') !== null) return <RecipeEditor props={props} />;
  if (id && params.get('edit') !== null) return <RecipeEditor props={props} id={id} />;
  if (id) return <RecipeDetail props={props} id={id} />;
  return <RecipeBrowser props={props} />;
}

function RecipeBrowser({ props }: { props: ViewProps }) {
  const { api, params } = props;
  const [filters, setFilters] = useState({
    q: params.get('q') ?? '',
    difficulty: params.get('difficulty') ?? '',
    spookiness_min: params.get('spookiness_min') ?? '',
    scope: params.get('scope') ?? 'all',
  });
  const query = params.toString();
  const recipes = useLoad(
    (signal) =>
      api<Page<SpookyRecipe>>('/api/recipes/spooky', {
        signal,
        query: {
          limit: 50,
          scope: params.get('scope') ?? 'all',
          q: params.get('q'),
          difficulty: params.get('difficulty') ? [params.get('difficulty') as string] : undefined,
          spookiness_min: params.get('spookiness_min'),
        },
      }),
    [api, query],
  );
  const apply = () => navigate(props.href('recipes', filters));
  return (
    <>
      <div className="section-head">
        <h1>Spooky recipes</h1>
        <div className="button-row">
          <Link className="button" href={`${props.href('recipes')}?new`}>
            Write a recipe
          </Link>
        </div>
      </div>
      <GenerateRecipe props={props} />
      <Section title="Find a recipe">
        <Form onSubmit={apply} label="Filter recipes" wide>
          <div className="form-grid">
            <TextField
              label="Search"
              type="search"
              value={filters.q}
              onChange={(e) => setFilters((f) => ({ ...f, q: e.target.value }))}
            />
            <SelectField
              label="Difficulty"
              options={[['', 'Any'], ...DIFFICULTIES]}
              value={filters.difficulty}
              onChange={(e) => setFilters((f) => ({ ...f, difficulty: e.target.value }))}
            />
            <SelectField
              label="At least this spooky"
              options={[['', 'Any'], ...[1, 3, 5, 7, 9].map((n) => [String(n), `${n} of 10`] as const)]}
              value={filters.spookiness_min}
              onChange={(e) => setFilters((f) => ({ ...f, spookiness_min: e.target.value }))}
            />
            <SelectField
              label="Whose"
              options={[
                ['all', 'Everyone\u2019s'],
                ['mine', 'Mine'],
                ['published', 'Published'],
              ]}
              value={filters.scope}
              onChange={(e) => setFilters((f) => ({ ...f, scope: e.target.value }))}
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
        <Empty>No recipes match. Write one, or let the AI conjure one above.</Empty>
      ) : (
        <ul className="grid list" aria-label="Recipes">
          {recipes.data.items.map((recipe) => (
            <li className="card" key={recipe.recipe_id}>
              <h3>
                <Link href={props.href('recipes', { id: recipe.recipe_id })}>{recipe.recipe_name}</Link>
              </h3>
              <p className="muted">
                <span role="img" aria-label={`Spookiness ${recipe.spookiness_level} of 10`}>
                  {skulls(recipe.spookiness_level)}
                </span>{' '}
                · {recipe.difficulty}
                {recipe.prep_time_minutes ? ` · ${recipe.prep_time_minutes} min` : ''}
                {recipe.source === 'ai' ? ' · AI' : ''}
              </p>
              {recipe.description && <p>{recipe.description}</p>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function GenerateRecipe({ props }: { props: ViewProps }) {
  const [theme, setTheme] = useState('');
  const [difficulty, setDifficulty] = useState('medium');
  const [serves, setServes] = useState('4');
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      const recipe = await props.api<SpookyRecipe>('/api/recipes/generate', {
        body: { theme, difficulty, serves: Number(serves) || 4 },
      });
      navigate(props.href('recipes', { id: recipe.recipe_id }));
    });
  return (
    <Section title="Generate a recipe with AI">
      <Form onSubmit={submit} error={action.error} label="Generate a recipe with AI" wide>
        <div className="form-grid">
          <TextField
            label="Theme"
            placeholder="graveyard dirt cups"
            required
            value={theme}
            onChange={(e) => setTheme(e.target.value)}
          />
          <SelectField
            label="Difficulty"
            options={DIFFICULTIES}
            value={difficulty}
            onChange={(e) => setDifficulty(e.target.value)}
          />
          <TextField
            label="Serves"
            type="number"
            min={1}
            max={50}
            value={serves}
            onChange={(e) => setServes(e.target.value)}
          />
        </div>
        <div className="button-row">
          <Button type="submit" busy={action.busy}>
            {action.busy ? 'The AI is brewing your recipe…' : 'Generate'}
          </Button>
          {action.busy && (
            <span role="status" className="muted">
              This can take a little while.
            </span>
          )}
        </div>
      </Form>
    </Section>
  );
}

function RecipeDetail({ props, id }: { props: ViewProps; id: string }) {
  const recipe = useLoad(
    (signal) => props.api<SpookyRecipe>(`/api/recipes/spooky/${id}`, { signal }),
    [props.api, id],
  );
  const remove = useAction();
  if (recipe.error) return <ErrorMessage>{recipe.error}</ErrorMessage>;
  if (!recipe.data) return <Loading />;
  const r = recipe.data;
  const del = () =>
    remove.run(async () => {
      await props.api(`/api/recipes/spooky/${id}`, { method: 'DELETE' });
      navigate(props.href('recipes'));
    });
  return (
    <article>
      <p>
        <Link href={props.href('recipes')}>← All recipes</Link>
      </p>
      <h1>{r.recipe_name}</h1>
      <p className="muted">
        Spookiness {r.spookiness_level} of 10 · {r.difficulty}
        {r.serves ? ` · serves ${r.serves}` : ''}
        {r.prep_time_minutes ? ` · ${r.prep_time_minutes} minutes` : ''}
        {r.source === 'ai' ? ` · generated by ${r.ai_model ?? 'AI'}` : ''}
      </p>
      {r.description && <p>{r.description}</p>}
      <div>
        {r.tags.map((tag) => (
          <span className="tag" key={tag}>
            {tag}
          </span>
        ))}
      </div>
      <div className="grid section">
        <Section title="Ingredients">
          <ul aria-label="Ingredients">
            {r.ingredients.map((i) => (
              <li key={`${i.name}-${i.quantity}-${i.unit}`}>
                {[i.quantity, i.unit, i.name].filter((x) => x !== null).join(' ')}
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
      {remove.error && <ErrorMessage>{remove.error}</ErrorMessage>}
      {r.is_mine && (
        <div className="button-row">
          <Link className="button" href={props.href('recipes', { id, edit: '1' })}>
            Edit
          </Link>
          <Button variant="danger" busy={remove.busy} onClick={() => void del()}>
            Delete
          </Button>
        </div>
      )}
    </article>
  );
}

function RecipeEditor({ props, id }: { props: ViewProps; id?: string }) {
  const existing = useLoad(
    async (signal) => (id ? props.api<SpookyRecipe>(`/api/recipes/spooky/${id}`, { signal }) : null),
    [props.api, id],
  );
  if (id && !existing.data)
    return existing.error ? <ErrorMessage>{existing.error}</ErrorMessage> : <Loading />;
  return <RecipeForm props={props} recipe={existing.data ?? undefined} />;
}

function RecipeForm({ props, recipe }: { props: ViewProps; recipe?: SpookyRecipe }) {
  const [form, setForm] = useState({
    recipe_name: recipe?.recipe_name ?? '',
    description: recipe?.description ?? '',
    spookiness_level: String(recipe?.spookiness_level ?? 5),
    difficulty: recipe?.difficulty ?? 'easy',
    prep_time_minutes: recipe?.prep_time_minutes ? String(recipe.prep_time_minutes) : '',
    serves: recipe?.serves ? String(recipe.serves) : '',
    ingredients: ingredientsToText(recipe?.ingredients ?? []),
    instructions: (recipe?.instructions ?? []).join('\n'),
    tags: (recipe?.tags ?? []).join(', '),
    is_published: recipe?.is_published ?? false,
  });
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [name]: e.target.value }));
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      const body = {
        recipe_name: form.recipe_name,
        description: form.description || null,
        spookiness_level: Number(form.spookiness_level),
        difficulty: form.difficulty,
        prep_time_minutes: form.prep_time_minutes ? Number(form.prep_time_minutes) : null,
        serves: form.serves ? Number(form.serves) : null,
        ingredients: textToIngredients(form.ingredients),
        instructions: lines(form.instructions),
        tags: form.tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        is_published: form.is_published,
      };
      const saved = recipe
        ? await props.api<SpookyRecipe>(`/api/recipes/spooky/${recipe.recipe_id}`, { method: 'PATCH', body })
        : await props.api<SpookyRecipe>('/api/recipes/spooky', { body });
      navigate(props.href('recipes', { id: saved.recipe_id }));
    });
  return (
    <>
      <h1>{recipe ? `Edit ${recipe.recipe_name}` : 'Write a spooky recipe'}</h1>
      <Form onSubmit={submit} error={action.error} label="Recipe" wide>
        <div className="form-grid">
          <TextField
            label="Name"
            required
            maxLength={200}
            value={form.recipe_name}
            onChange={set('recipe_name')}
          />
          <SelectField
            label="Spookiness"
            options={Array.from({ length: 10 }, (_, i) => [String(i + 1), `${i + 1} of 10`] as const)}
            value={form.spookiness_level}
            onChange={set('spookiness_level')}
          />
          <SelectField
            label="Difficulty"
            options={DIFFICULTIES}
            value={form.difficulty}
            onChange={set('difficulty')}
          />
          <TextField
            label="Minutes to prepare"
            type="number"
            min={0}
            value={form.prep_time_minutes}
            onChange={set('prep_time_minutes')}
          />
          <TextField label="Serves" type="number" min={1} value={form.serves} onChange={set('serves')} />
          <TextField label="Tags" hint="Separated by commas" value={form.tags} onChange={set('tags')} />
        </div>
        <TextArea label="Description" value={form.description} onChange={set('description')} />
        <TextArea
          label="Ingredients"
          hint="One per line, e.g. “2 cups flour”"
          value={form.ingredients}
          onChange={set('ingredients')}
        />
        <TextArea
          label="Method"
          hint="One step per line"
          value={form.instructions}
          onChange={set('instructions')}
        />
        <Checkbox
          label="Publish for everyone to see"
          checked={form.is_published}
          onChange={(e) => setForm((f) => ({ ...f, is_published: e.target.checked }))}
        />
        <div className="button-row">
          <Button type="submit" busy={action.busy}>
            Save recipe
          </Button>
          <Link href={recipe ? props.href('recipes', { id: recipe.recipe_id }) : props.href('recipes')}>
            Cancel
          </Link>
        </div>
      </Form>
    </>
  );
}

interface Costume {
  costume_id: string;
  costume_name: string;
  description: string | null;
  difficulty: string;
  cost_estimate_cents: number | null;
  upvotes: number;
  has_upvoted: boolean;
  is_mine: boolean;
}

export function Costumes(props: ViewProps) {
  const { api } = props;
  const costumes = useLoad(
    (signal) => api<Page<Costume>>('/api/costumes', { signal, query: { limit: 50 } }),
    [api],
  );
  const [form, setForm] = useState({ costume_name: '', description: '', difficulty: 'easy', cost: '' });
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [name]: e.target.value }));
  const share = useAction();
  const vote = useAction();
  const submit = () =>
    share.run(async () => {
      await api('/api/costumes', {
        body: {
          costume_name: form.costume_name,
          difficulty: form.difficulty,
          ...(form.description ? { description: form.description } : {}),
          ...(form.cost ? { cost_estimate_cents: Math.round(Number(form.cost) * 100) } : {}),
        },
      });
      setForm({ costume_name: '', description: '', difficulty: 'easy', cost: '' });
      costumes.reload();
    });
  const toggle = (costume: Costume) =>
    vote.run(async () => {
      await api(`/api/costumes/${costume.costume_id}/upvote`, {
        method: costume.has_upvoted ? 'DELETE' : 'POST',
      });
      costumes.reload();
    });
  return (
    <>
      <h1>Costume gallery</h1>
      {(costumes.error || vote.error) && <ErrorMessage>{costumes.error ?? vote.error}</ErrorMessage>}
      {!costumes.data ? (
        <Loading />
      ) : costumes.data.items.length === 0 ? (
        <Empty>No costumes yet. Share the first one below.</Empty>
      ) : (
        <ul className="grid list" aria-label="Costumes">
          {costumes.data.items.map((costume) => (
            <li className="card" key={costume.costume_id}>
              <h3>{costume.costume_name}</h3>
              <p className="muted">
                {costume.difficulty}
                {costume.cost_estimate_cents !== null &&
                  ` · about ${formatMoney(costume.cost_estimate_cents)}`}
              </p>
              {costume.description && <p>{costume.description}</p>}
              <Button
                small
                variant={costume.has_upvoted ? 'primary' : 'secondary'}
                aria-pressed={costume.has_upvoted}
                onClick={() => void toggle(costume)}
              >
                ▲ Upvote<span className="visually-hidden"> {costume.costume_name}</span> ·{' '}
                <span data-testid="upvotes">{costume.upvotes}</span>
              </Button>
            </li>
          ))}
        </ul>
      )}
      <Section title="Share a costume idea">
        <Form onSubmit={submit} error={share.error} label="Share a costume idea" wide>
          <div className="form-grid">
            <TextField label="Costume" required value={form.costume_name} onChange={set('costume_name')} />
            <SelectField
              label="Difficulty"
              options={DIFFICULTIES}
              value={form.difficulty}
              onChange={set('difficulty')}
            />
            <TextField
              label="Cost ($)"
              type="number"
              min={0}
              step="0.01"
              value={form.cost}
              onChange={set('cost')}
            />
          </div>
          <TextArea label="How to make it" value={form.description} onChange={set('description')} />
          <div className="button-row">
            <Button type="submit" busy={share.busy}>
              Share costume
            </Button>
          </div>
        </Form>
      </Section>
    </>
  );
}

interface Room {
  plan_id: string;
  room_name: string;
  scare_level: number;
  props_needed: Array<{ name: string; quantity: number | null }>;
  setup_instructions: string[];
}

export function HauntedHouse(props: ViewProps) {
  const { api } = props;
  const rooms = useLoad(
    (signal) => api<Page<Room>>('/api/haunted-house/plans', { signal, query: { limit: 50 } }),
    [api],
  );
  const [form, setForm] = useState({ room_name: '', scare_level: '5', props: '', setup: '' });
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [name]: e.target.value }));
  const action = useAction();
  const remove = useAction();
  const submit = () =>
    action.run(async () => {
      await api('/api/haunted-house/plans', {
        body: {
          room_name: form.room_name,
          scare_level: Number(form.scare_level),
          props_needed: lines(form.props).map((name) => ({ name })),
          setup_instructions: lines(form.setup),
        },
      });
      setForm({ room_name: '', scare_level: '5', props: '', setup: '' });
      rooms.reload();
    });
  const del = (room: Room) =>
    remove.run(async () => {
      await api(`/api/haunted-house/plans/${room.plan_id}`, { method: 'DELETE' });
      rooms.reload();
    });
  return (
    <>
      <h1>Haunted-house planner</h1>
      {(rooms.error || remove.error) && <ErrorMessage>{rooms.error ?? remove.error}</ErrorMessage>}
      {!rooms.data ? (
        <Loading />
      ) : rooms.data.items.length === 0 ? (
        <Empty>No rooms planned yet.</Empty>
      ) : (
        <ul className="grid list" aria-label="Rooms">
          {rooms.data.items.map((room) => (
            <li className="card" key={room.plan_id}>
              <h3>{room.room_name}</h3>
              <p className="muted">Scare level {room.scare_level} of 10</p>
              {room.props_needed.length > 0 && (
                <p>Props: {room.props_needed.map((p) => p.name).join(', ')}</p>
              )}
              {room.setup_instructions.length > 0 && (
                <ol>
                  {room.setup_instructions.map((step) => (
                    <li key={step}>{step}</li>
                  ))}
                </ol>
              )}
              <Button
                small
                variant="secondary"
                onClick={() => void del(room)}
                aria-label={`Delete ${room.room_name}`}
              >
                Delete
              </Button>
            </li>
          ))}
        </ul>
      )}
      <Section title="Plan a room">
        <Form onSubmit={submit} error={action.error} label="Plan a room" wide>
          <div className="form-grid">
            <TextField label="Room" required value={form.room_name} onChange={set('room_name')} />
            <SelectField
              label="Scare level"
              options={Array.from({ length: 10 }, (_, i) => [String(i + 1), `${i + 1} of 10`] as const)}
              value={form.scare_level}
              onChange={set('scare_level')}
            />
          </div>
          <TextArea label="Props needed" hint="One per line" value={form.props} onChange={set('props')} />
          <TextArea
            label="How to set it up"
            hint="One step per line"
            value={form.setup}
            onChange={set('setup')}
          />
          <div className="button-row">
            <Button type="submit" busy={action.busy}>
              Add room
            </Button>
          </div>
        </Form>
      </Section>
    </>
  );
}

export const HOLLOWTOWN_VIEWS = {
  recipes: Recipes,
  events: Events,
  costumes: Costumes,
  'haunted-house': HauntedHouse,
};

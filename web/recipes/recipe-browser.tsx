// Browsing recipes with every filter the API offers (whose, text, cuisine, difficulty, time,
// calories, allergens left out, tags), either sort order, and more pages on request.
import type { ViewProps } from '../shared/app-shell.tsx';
import { VoteButton } from '../shared/community.tsx';
import {
  Button,
  Empty,
  ErrorMessage,
  Form,
  Loading,
  Notice,
  Section,
  SelectField,
  TextField,
} from '../shared/components.tsx';
import { useFields } from '../shared/form-fields.ts';
import { ShowMore, usePagedList } from '../shared/paged-list.tsx';
import { Link, navigate } from '../shared/router.tsx';
import { commaList } from './comma-list.ts';
import { RecipeBadges, recipeFacts, TagList } from './recipe-facts.tsx';
import { DIFFICULTIES, type Page, type Recipe } from './types.ts';

const FILTERS = [
  'q',
  'scope',
  'cuisine',
  'difficulty',
  'max_total_minutes',
  'max_calories',
  'exclude_allergens',
  'tags',
  'sort',
  'period',
  'favourites',
] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

const PAGE_SIZE = 24;

function filtersFrom(params: URLSearchParams): Filters {
  return Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? ''])) as Filters;
}

function apiQuery(filters: Filters) {
  return {
    limit: PAGE_SIZE,
    q: filters.q,
    scope: filters.scope,
    cuisine: filters.cuisine,
    difficulty: filters.difficulty,
    max_total_minutes: filters.max_total_minutes,
    max_calories: filters.max_calories,
    exclude_allergens: commaList(filters.exclude_allergens),
    tags: commaList(filters.tags),
    sort: filters.sort || 'newest',
    period: filters.period || undefined,
    favourites: filters.favourites === 'true' ? 'true' : undefined,
  };
}

/** Keyed by its query by the caller: new filters start from their first page. */
export function RecipeBrowser({ props }: { props: ViewProps }) {
  const { api, params } = props;
  const applied = filtersFrom(params);
  const [filters, setFilters, set] = useFields(applied);
  const recipes = usePagedList(
    (cursor, signal) =>
      api<Page<Recipe>>('/api/recipes', { signal, query: { ...apiQuery(applied), cursor } }),
    [api, params.toString()],
  );
  const items = recipes.items;
  const isFiltered = FILTERS.some((name) => applied[name] !== '');

  return (
    <>
      <div className="section-head">
        <h1>Recipes</h1>
        <div className="button-row">
          <Link className="button" href={`${props.href('recipes')}?new`}>
            Add a recipe
          </Link>
          <Link className="button button--secondary" href={`${props.href('recipes')}?generate`}>
            Generate with AI
          </Link>
          <Link className="button button--secondary" href={`${props.href('recipes')}?import`}>
            Import a recipe
          </Link>
        </div>
      </div>
      {params.get('deleted') && <Notice>“{params.get('deleted')}” was deleted.</Notice>}
      <Section title="Find a recipe">
        <Form onSubmit={() => navigate(props.href('recipes', filters))} label="Filter recipes" wide>
          <div className="form-grid">
            <TextField label="Search" type="search" value={filters.q} onChange={set('q')} />
            <SelectField
              label="Whose"
              options={[
                ['', 'Mine and everyone’s published'],
                ['mine', 'Only mine'],
                ['published', 'Only published'],
              ]}
              value={filters.scope}
              onChange={set('scope')}
            />
            <SelectField
              label="Favourites"
              options={[
                ['', 'All recipes'],
                ['true', 'Only my favourites'],
              ]}
              value={filters.favourites}
              onChange={set('favourites')}
            />
            <TextField
              label="Cuisine"
              placeholder="italian"
              value={filters.cuisine}
              onChange={set('cuisine')}
            />
            <SelectField
              label="Difficulty"
              options={[['', 'Any'], ...DIFFICULTIES]}
              value={filters.difficulty}
              onChange={set('difficulty')}
            />
            <SelectField
              label="Ready in"
              options={[
                ['', 'Any time'],
                ['20', '20 minutes or less'],
                ['40', '40 minutes or less'],
                ['60', 'An hour or less'],
                ['120', 'Two hours or less'],
              ]}
              value={filters.max_total_minutes}
              onChange={set('max_total_minutes')}
            />
            <TextField
              label="Calories per serving at most"
              type="number"
              min={0}
              max={100000}
              value={filters.max_calories}
              onChange={set('max_calories')}
            />
            <TextField
              label="Leave out allergens"
              hint="Separated by commas, e.g. peanuts, milk"
              value={filters.exclude_allergens}
              onChange={set('exclude_allergens')}
            />
            <TextField
              label="With all these tags"
              hint="Separated by commas"
              value={filters.tags}
              onChange={set('tags')}
            />
            <SelectField
              label="Sort"
              options={[
                ['', 'Newest first'],
                ['top_rated', 'Top rated first'],
                ['top', 'Most upvoted first'],
              ]}
              value={filters.sort === 'newest' ? '' : filters.sort}
              onChange={set('sort')}
            />
            <SelectField
              label="Added in"
              options={[
                ['', 'Any time'],
                ['day', 'The last day'],
                ['week', 'The last week'],
                ['month', 'The last month'],
                ['year', 'The last year'],
              ]}
              value={filters.period}
              onChange={set('period')}
            />
          </div>
          <div className="button-row">
            <Button type="submit">Show recipes</Button>
            {isFiltered && (
              <Link
                href={props.href('recipes')}
                onClick={() => setFilters(filtersFrom(new URLSearchParams()))}
              >
                Clear filters
              </Link>
            )}
          </div>
        </Form>
      </Section>
      {recipes.error && <ErrorMessage>{recipes.error}</ErrorMessage>}
      {!recipes.isLoaded ? (
        recipes.error ? null : (
          <Loading />
        )
      ) : items.length === 0 ? (
        <Empty>
          {isFiltered
            ? 'No recipes match these filters. Loosen one, or clear them.'
            : 'No recipes yet. Add your own, or let the AI write one.'}
        </Empty>
      ) : (
        <>
          <ul className="grid list" aria-label="Recipes">
            {items.map((r) => (
              <li className="card" key={r.recipe_id}>
                <h3>
                  <Link href={props.href('recipes', { id: r.recipe_id })}>{r.recipe_name}</Link>
                </h3>
                <p className="muted">{recipeFacts(r)}</p>
                <RecipeBadges recipe={r} />
                <TagList tags={r.tags} label={`Tags of ${r.recipe_name}`} />
                {r.is_published && !r.moderation && (
                  <VoteButton
                    api={api}
                    path={`/api/recipes/${r.recipe_id}`}
                    title={r.recipe_name}
                    state={{ votes: r.votes ?? 0, has_voted: r.has_voted ?? false }}
                  />
                )}
              </li>
            ))}
          </ul>
          <ShowMore list={recipes} label="Show more recipes" />
        </>
      )}
    </>
  );
}

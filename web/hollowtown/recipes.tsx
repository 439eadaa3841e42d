// Hollowtown's spooky recipes: browse and filter them, generate one with AI, read one; writing
// and editing live in recipe-form.tsx.

import { useEffect, useRef } from 'react';
import { formatIngredient } from '../shared/amounts.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import { ModerationNotice, ReportItem, VoteButton } from '../shared/community.tsx';
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
import { useAction, useLoad } from '../shared/hooks.ts';
import { PublicPageLink } from '../shared/public-page-link.tsx';
import { Link, navigate } from '../shared/router.tsx';
import type { Page } from './event-types.ts';
import { GenerateRecipe } from './generate-recipe.tsx';
import { MoreFromRecipes } from './more-from-recipes.tsx';
import { RecipeEditor } from './recipe-form.tsx';
import { DIFFICULTIES, type SpookyRecipe, skulls } from './recipe-types.ts';
import { ShareToRecipes } from './share-recipe.tsx';

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
  const [filters, , set] = useFields({
    q: params.get('q') ?? '',
    difficulty: params.get('difficulty') ?? '',
    spookiness_min: params.get('spookiness_min') ?? '',
    scope: params.get('scope') ?? 'all',
    sort: params.get('sort') ?? 'new',
    period: params.get('period') ?? 'all',
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
          sort: params.get('sort') ?? 'new',
          period: params.get('period') ?? 'all',
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
            <TextField label="Search" type="search" value={filters.q} onChange={set('q')} />
            <SelectField
              label="Difficulty"
              options={[['', 'Any'], ...DIFFICULTIES]}
              value={filters.difficulty}
              onChange={set('difficulty')}
            />
            <SelectField
              label="At least this spooky"
              options={[['', 'Any'], ...[1, 3, 5, 7, 9].map((n) => [String(n), `${n} of 10`] as const)]}
              value={filters.spookiness_min}
              onChange={set('spookiness_min')}
            />
            <SelectField
              label="Whose"
              options={[
                ['all', 'Everyone\u2019s'],
                ['mine', 'Mine'],
                ['published', 'Published'],
              ]}
              value={filters.scope}
              onChange={set('scope')}
            />
            <SelectField
              label="Order"
              options={[
                ['new', 'Newest first'],
                ['top', 'Most upvoted first'],
              ]}
              value={filters.sort}
              onChange={set('sort')}
            />
            <SelectField
              label="Written in"
              options={[
                ['all', 'Any time'],
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
          </div>
        </Form>
      </Section>
      {recipes.error && <ErrorMessage>{recipes.error}</ErrorMessage>}
      {!recipes.data ? (
        !recipes.error && <Loading />
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
              {recipe.is_published && !recipe.moderation && (
                <VoteButton
                  api={api}
                  path={`/api/recipes/spooky/${recipe.recipe_id}`}
                  title={recipe.recipe_name}
                  state={recipe}
                />
              )}
              <ModerationNotice moderation={recipe.moderation} />
            </li>
          ))}
        </ul>
      )}
      <MoreFromRecipes props={props} />
    </>
  );
}

function RecipeDetail({ props, id }: { props: ViewProps; id: string }) {
  const recipe = useLoad(
    (signal) => props.api<SpookyRecipe>(`/api/recipes/spooky/${id}`, { signal }),
    [props.api, id],
  );
  const remove = useAction();
  const heading = useRef<HTMLHeadingElement>(null);
  // Arriving from "Generate with AI": the page changed under the person, so say where they are.
  const isFreshlyGenerated = props.params.has('generated');
  const isLoaded = recipe.data !== undefined;
  useEffect(() => {
    if (isFreshlyGenerated && isLoaded) heading.current?.focus();
  }, [isFreshlyGenerated, isLoaded]);
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
      <h1 ref={heading} tabIndex={-1}>
        {r.recipe_name}
      </h1>
      {isFreshlyGenerated && r.is_mine && (
        <div className="recipe-generated">
          <Notice>
            The AI wrote this recipe and it is saved among your recipes, private until you publish it.
          </Notice>
        </div>
      )}
      <p className="muted">
        Spookiness {r.spookiness_level} of 10 · {r.difficulty}
        {r.serves ? ` · serves ${r.serves}` : ''}
        {r.prep_time_minutes ? ` · ${r.prep_time_minutes} minutes` : ''}
        {r.source === 'ai' ? ` · generated by ${r.ai_model ?? 'AI'}` : ''}
      </p>
      {r.description && <p>{r.description}</p>}
      <ModerationNotice moderation={r.moderation} />
      {r.is_published && !r.moderation && (
        <div className="button-row">
          <VoteButton api={props.api} path={`/api/recipes/spooky/${id}`} title={r.recipe_name} state={r} />
          {!r.is_mine && (
            <ReportItem api={props.api} path={`/api/recipes/spooky/${id}`} title={r.recipe_name} />
          )}
        </div>
      )}
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
            {r.ingredients.map((i, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a recipe may list the same thing twice.
              <li key={index}>{formatIngredient(i)}</li>
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
      {r.is_published && <PublicPageLink config={props.config} path={`r/${id}`} name={r.recipe_name} />}
      {r.is_mine && <ShareToRecipes props={props} recipeId={id} />}
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

// The recipes on an event, from either app: the user's spooky recipes in Hollowtown and their
// HowToCookAtHome recipes. Every member of the event's family may add and take off recipes.
import { useId, useState } from 'react';
import type { ViewProps } from '../shared/app-shell.tsx';
import { Button, Empty, ErrorMessage, Form, Loading, Section, SubmitRow } from '../shared/components.tsx';
import { APP_NAMES } from '../shared/config.ts';
import { describeError } from '../shared/errors.ts';
import { useAction, useLoad } from '../shared/hooks.ts';
import { Link } from '../shared/router.tsx';
import type {
  EventRecipe,
  EventRecipePage,
  HalloweenEvent,
  Page,
  RecipeChoice,
  RecipeDomain,
} from './event-types.ts';
import { appApi, appHref } from './other-apps.ts';

interface Choices {
  hollowtown: RecipeChoice[];
  recipes: RecipeChoice[];
  /** Why HowToCookAtHome's recipes could not be read, when they could not. */
  recipesProblem?: string;
}

async function loadChoices(props: ViewProps, signal: AbortSignal): Promise<Choices> {
  const query = { scope: 'mine', limit: 100 };
  const [spooky, cooking] = await Promise.all([
    props.api<Page<RecipeChoice>>('/api/recipes/spooky', { signal, query }),
    appApi(props, 'recipes')<Page<RecipeChoice>>('/api/recipes', { signal, query }).then(
      (page) => ({ items: page.items, problem: undefined }),
      (error: unknown) => ({ items: [], problem: describeError(error) }),
    ),
  ]);
  return { hollowtown: spooky.items, recipes: cooking.items, recipesProblem: cooking.problem };
}

export function EventRecipes({ props, event }: { props: ViewProps; event: HalloweenEvent }) {
  const base = `/api/events/${event.event_id}/recipes`;
  const onEvent = useLoad((signal) => props.api<EventRecipePage>(base, { signal }), [props.api, base]);
  const choices = useLoad((signal) => loadChoices(props, signal), [props.api, props.config]);
  const remove = useAction();
  const takeOff = (recipe: EventRecipe) =>
    remove.run(async () => {
      await props.api(`${base}/${recipe.domain}/${recipe.recipe_id}`, { method: 'DELETE' });
      onEvent.reload();
    });
  const linkTo = (recipe: EventRecipe) =>
    recipe.domain === 'hollowtown'
      ? props.href('recipes', { id: recipe.recipe_id })
      : appHref(props, 'recipes', 'recipes', { id: recipe.recipe_id });
  const items = onEvent.data?.items;
  return (
    <Section title="Recipes">
      {(onEvent.error || remove.error) && <ErrorMessage>{onEvent.error ?? remove.error}</ErrorMessage>}
      {!items ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty>No recipes yet. Add spooky ones from Hollowtown or everyday ones from HowToCookAtHome.</Empty>
      ) : (
        <ul className="list" aria-label="Recipes on the event">
          {items.map((recipe) => {
            const name = recipe.recipe_name ?? 'A recipe that is no longer shared';
            return (
              <li className="list-row" key={`${recipe.domain}:${recipe.recipe_id}`}>
                <span>
                  {recipe.available && recipe.domain === 'hollowtown' ? (
                    <Link href={linkTo(recipe)}>{name}</Link>
                  ) : recipe.available ? (
                    <a href={linkTo(recipe)}>{name}</a>
                  ) : (
                    <span className="muted">{name}</span>
                  )}{' '}
                  <span className="tag">{APP_NAMES[recipe.domain]}</span>
                  {recipe.serves ? <span className="muted"> serves {recipe.serves}</span> : null}
                </span>
                <Button small variant="secondary" busy={remove.busy} onClick={() => void takeOff(recipe)}>
                  Take off<span className="visually-hidden"> {name}</span>
                </Button>
              </li>
            );
          })}
        </ul>
      )}
      {choices.error ? (
        <ErrorMessage>{choices.error}</ErrorMessage>
      ) : !choices.data ? (
        <Loading label="Loading your recipes…" />
      ) : (
        <AddRecipe
          props={props}
          base={base}
          choices={choices.data}
          taken={new Set((items ?? []).map((r) => `${r.domain}:${r.recipe_id}`))}
          onAdded={onEvent.reload}
        />
      )}
    </Section>
  );
}

function AddRecipe({
  props,
  base,
  choices,
  taken,
  onAdded,
}: {
  props: ViewProps;
  base: string;
  choices: Choices;
  taken: Set<string>;
  onAdded: () => void;
}) {
  const id = useId();
  const [choice, setChoice] = useState('');
  const add = useAction();
  const offered = (domain: RecipeDomain) =>
    choices[domain].filter((r) => !taken.has(`${domain}:${r.recipe_id}`));
  const spooky = offered('hollowtown');
  const cooking = offered('recipes');
  const submit = () =>
    add.run(async () => {
      const [domain, recipeId] = choice.split(':');
      await props.api(base, { body: { domain, recipe_id: recipeId } });
      setChoice('');
      onAdded();
    });
  if (choices.hollowtown.length === 0 && choices.recipes.length === 0 && !choices.recipesProblem) {
    return (
      <p className="muted">
        You have no recipes of your own yet.{' '}
        <Link href={`${props.href('recipes')}?new`}>Write a spooky recipe</Link> or{' '}
        <a href={`${appHref(props, 'recipes', 'recipes')}?new`}>add one in HowToCookAtHome</a>.
      </p>
    );
  }
  return (
    <Form onSubmit={submit} error={add.error} label="Add a recipe to the event">
      {choices.recipesProblem && (
        <p className="notice">Your HowToCookAtHome recipes could not be loaded: {choices.recipesProblem}</p>
      )}
      <div className="field">
        <label htmlFor={id}>Recipe</label>
        <select
          id={id}
          required
          aria-describedby={`${id}-hint`}
          value={choice}
          onChange={(e) => setChoice(e.target.value)}
        >
          <option value="">Choose one of your recipes</option>
          {spooky.length > 0 && (
            <optgroup label="Hollowtown: your spooky recipes">
              {spooky.map((r) => (
                <option key={r.recipe_id} value={`hollowtown:${r.recipe_id}`}>
                  {r.recipe_name}
                </option>
              ))}
            </optgroup>
          )}
          {cooking.length > 0 && (
            <optgroup label="HowToCookAtHome: your recipes">
              {cooking.map((r) => (
                <option key={r.recipe_id} value={`recipes:${r.recipe_id}`}>
                  {r.recipe_name}
                </option>
              ))}
            </optgroup>
          )}
        </select>
        <span className="field__hint" id={`${id}-hint`}>
          Members of the event’s family can add their recipes too.
        </span>
      </div>
      <SubmitRow busy={add.busy}>Add recipe</SubmitRow>
    </Form>
  );
}

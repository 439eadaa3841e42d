// Cookbooks: your collections of recipes (private, shared with a family, or public), those your
// families share with you and the public ones; one cookbook with its recipes in order (its owner
// moves them up and down, takes them out, edits or deletes it); and "Add to a cookbook" on a recipe.
import { useState } from 'react';
import type { Answer, Body } from '../api/answers.ts';
import type { paths } from '../api/generated/recipes.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import {
  Button,
  ButtonLink,
  Checkbox,
  Empty,
  ErrorMessage,
  Form,
  Loading,
  Section,
  SelectField,
  SubmitRow,
  TextArea,
  TextField,
} from '../shared/components.tsx';
import { ConfirmStep } from '../shared/confirm-step.tsx';
import { useFields } from '../shared/form-fields.ts';
import { useAction, useLoad } from '../shared/hooks.ts';
import { ShowMore, usePagedList } from '../shared/paged-list.tsx';
import { Link, navigate } from '../shared/router.tsx';
import { recipeFacts } from './recipe-facts.tsx';
import type { Cookbook, CookbookRecipe, CookbookVisibility, Page } from './types.ts';

const SCOPES: ReadonlyArray<readonly [string, string]> = [
  ['mine', 'Mine'],
  ['family', 'Shared with my families'],
  ['public', 'Public'],
];

const VISIBILITIES: ReadonlyArray<readonly [CookbookVisibility, string]> = [
  ['private', 'Private: only me'],
  ['family', 'My family'],
  ['public', 'Public: everyone signed in'],
];

const visibilityText = (c: Cookbook) =>
  c.visibility === 'private' ? 'Private' : c.visibility === 'family' ? 'Shared with a family' : 'Public';

/** cookbooks?new, ?id=…(&edit=1 | &recipe=…), or the lists. */
export function Cookbooks(props: ViewProps) {
  const { params } = props;
  const id = params.get('id');
  if (params.has('new')) return <CookbookEditor props={props} />;
  if (id && params.get('edit')) return <CookbookEditor key={id} props={props} id={id} />;
  if (id && params.get('recipe'))
    return (
      <CookbookRecipeView
        key={`${id}-${params.get('recipe')}`}
        props={props}
        id={id}
        recipeId={params.get('recipe') ?? ''}
      />
    );
  if (id) return <CookbookDetail key={id} props={props} id={id} />;
  return <CookbookLists key={params.toString()} props={props} />;
}

function CookbookLists({ props }: { props: ViewProps }) {
  const scope = props.params.get('scope') ?? 'mine';
  const list = usePagedList(
    (cursor, signal) =>
      props.api<Page<Cookbook>>('/api/cookbooks', {
        signal,
        query: { scope, limit: 24, cursor: cursor ?? undefined },
      }),
    [props.api, scope],
  );
  const title = SCOPES.find(([value]) => value === scope)?.[1] ?? 'Mine';
  return (
    <>
      <h1>Cookbooks</h1>
      <nav aria-label="Which cookbooks" className="button-row">
        {SCOPES.map(([value, label]) => (
          <Link
            key={value}
            href={props.href('cookbooks', { scope: value })}
            className={value === scope ? 'button button--small' : 'button button--secondary button--small'}
            aria-current={value === scope ? 'page' : undefined}
          >
            {label}
          </Link>
        ))}
        <ButtonLink internal href={props.href('cookbooks', { new: '1' })}>
          New cookbook
        </ButtonLink>
      </nav>
      <Section title={title}>
        {list.error && <ErrorMessage>{list.error}</ErrorMessage>}
        {!list.isLoaded ? (
          !list.error && <Loading />
        ) : list.items.length === 0 ? (
          <Empty>
            {scope === 'mine'
              ? 'No cookbooks yet: make one, then add recipes from their pages.'
              : 'No cookbooks here yet.'}
          </Empty>
        ) : (
          <ul className="list" aria-label="Cookbooks">
            {list.items.map((c) => (
              <li className="list-row" key={c.cookbook_id}>
                <span>
                  <Link href={props.href('cookbooks', { id: c.cookbook_id })}>
                    <strong>{c.title}</strong>
                  </Link>{' '}
                  · {c.recipe_count} recipe{c.recipe_count === 1 ? '' : 's'} · {visibilityText(c)}
                  {c.description && <span className="muted"> · {c.description}</span>}
                </span>
              </li>
            ))}
          </ul>
        )}
        <ShowMore list={list} label="More cookbooks" />
      </Section>
    </>
  );
}

function CookbookDetail({ props, id }: { props: ViewProps; id: string }) {
  const cookbook = useLoad(
    (signal) => props.api<Cookbook>(`/api/cookbooks/${id}`, { signal }),
    [props.api, id],
  );
  const recipes = usePagedList(
    (cursor, signal) =>
      props.api<Page<CookbookRecipe>>(`/api/cookbooks/${id}/recipes`, {
        signal,
        query: { limit: 100, cursor: cursor ?? undefined },
      }),
    [props.api, id],
  );
  const change = useAction();
  const remove = useAction();
  if (cookbook.error)
    return (
      <>
        <p>
          <Link href={props.href('cookbooks')}>← All cookbooks</Link>
        </p>
        <ErrorMessage>{cookbook.error}</ErrorMessage>
      </>
    );
  if (!cookbook.data) return <Loading />;
  const c = cookbook.data;
  const move = (index: number, by: -1 | 1) =>
    change.run(async () => {
      const ids = recipes.items.map((r) => r.recipe_id);
      const [moved] = ids.splice(index, 1);
      if (!moved) return;
      ids.splice(index + by, 0, moved);
      await props.api(`/api/cookbooks/${id}/order`, { method: 'PUT', body: { recipe_ids: ids } });
      recipes.reload();
    });
  const takeOut = (recipe: CookbookRecipe) =>
    change.run(async () => {
      await props.api(`/api/cookbooks/${id}/recipes/${recipe.recipe_id}`, { method: 'DELETE' });
      recipes.reload();
      cookbook.reload();
    });
  const del = () =>
    remove.run(async () => {
      await props.api(`/api/cookbooks/${id}`, { method: 'DELETE' });
      navigate(props.href('cookbooks'));
    });
  // A recipe its reader may open on its own page (theirs, or published); the owner's private one
  // in a family cookbook is read through the cookbook.
  const recipeHref = (r: CookbookRecipe) =>
    r.is_mine || r.is_published
      ? props.href('recipes', { id: r.recipe_id })
      : props.href('cookbooks', { id, recipe: r.recipe_id });
  return (
    <article>
      <p>
        <Link href={props.href('cookbooks')}>← All cookbooks</Link>
      </p>
      <h1>{c.title}</h1>
      <p className="muted">
        {visibilityText(c)} · {c.recipe_count} recipe{c.recipe_count === 1 ? '' : 's'}
      </p>
      {c.description && <p>{c.description}</p>}
      {c.is_mine && (
        <div className="button-row">
          <ButtonLink internal variant="secondary" href={props.href('cookbooks', { id, edit: '1' })}>
            Edit cookbook
          </ButtonLink>
          {c.visibility !== 'public' && (
            <ButtonLink internal variant="secondary" href={props.href('market-selling', { cookbook: id })}>
              Sell as a recipe book
            </ButtonLink>
          )}
          <ConfirmStep
            trigger="Delete cookbook"
            question={`Delete “${c.title}”? Its recipes stay.`}
            confirm={`Delete “${c.title}”`}
            busy={remove.busy}
            error={remove.error}
            onConfirm={del}
          />
        </div>
      )}
      <Section title="Recipes">
        {(recipes.error || change.error) && <ErrorMessage>{recipes.error ?? change.error}</ErrorMessage>}
        {!recipes.isLoaded ? (
          <Loading />
        ) : recipes.items.length === 0 ? (
          <Empty>
            {c.is_mine ? 'No recipes yet: add them from a recipe’s page.' : 'No recipes to show.'}
          </Empty>
        ) : (
          <ol className="list" aria-label={`Recipes in ${c.title}`}>
            {recipes.items.map((r, index) => (
              <li className="list-row" key={r.recipe_id}>
                <span>
                  <Link href={recipeHref(r)}>
                    <strong>{r.recipe_name}</strong>
                  </Link>
                  <span className="muted"> · {recipeFacts(r)}</span>
                </span>
                {c.is_mine && (
                  <span className="button-row">
                    <Button
                      small
                      variant="secondary"
                      disabled={index === 0 || change.busy}
                      onClick={() => void move(index, -1)}
                    >
                      Move up<span className="visually-hidden"> {r.recipe_name}</span>
                    </Button>
                    <Button
                      small
                      variant="secondary"
                      disabled={index === recipes.items.length - 1 || change.busy}
                      onClick={() => void move(index, 1)}
                    >
                      Move down<span className="visually-hidden"> {r.recipe_name}</span>
                    </Button>
                    <Button small variant="danger" disabled={change.busy} onClick={() => void takeOut(r)}>
                      Take out<span className="visually-hidden"> {r.recipe_name}</span>
                    </Button>
                  </span>
                )}
              </li>
            ))}
          </ol>
        )}
        <ShowMore list={recipes} label="More recipes" />
      </Section>
    </article>
  );
}

/** A recipe read through a cookbook that shares it (a family member's own recipe). */
function CookbookRecipeView({ props, id, recipeId }: { props: ViewProps; id: string; recipeId: string }) {
  const recipe = useLoad(
    (signal) => props.api<CookbookRecipe>(`/api/cookbooks/${id}/recipes/${recipeId}`, { signal }),
    [props.api, id, recipeId],
  );
  return (
    <article>
      <p>
        <Link href={props.href('cookbooks', { id })}>← Back to the cookbook</Link>
      </p>
      {recipe.error && <ErrorMessage>{recipe.error}</ErrorMessage>}
      {!recipe.data ? (
        !recipe.error && <Loading />
      ) : (
        <>
          <h1>{recipe.data.recipe_name}</h1>
          <p className="muted">{recipeFacts(recipe.data)}</p>
          {recipe.data.description && <p>{recipe.data.description}</p>}
          <Section title="Ingredients">
            <ul aria-label="Ingredients">
              {recipe.data.ingredients.map((i, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: shown in their order only.
                <li key={index}>
                  {[i.quantity, i.unit, i.name].filter((part) => part !== null && part !== '').join(' ')}
                  {i.note ? `, ${i.note}` : ''}
                </li>
              ))}
            </ul>
          </Section>
          <Section title="Method">
            <ol>
              {recipe.data.instructions.map((step, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: steps are shown in their order only.
                <li key={index}>{step}</li>
              ))}
            </ol>
          </Section>
        </>
      )}
    </article>
  );
}

function CookbookEditor({ props, id }: { props: ViewProps; id?: string }) {
  const existing = useLoad(
    (signal) => (id ? props.api<Cookbook>(`/api/cookbooks/${id}`, { signal }) : Promise.resolve(undefined)),
    [props.api, id],
  );
  if (id && existing.error) return <ErrorMessage>{existing.error}</ErrorMessage>;
  if (id && !existing.data) return <Loading />;
  return <CookbookForm props={props} cookbook={existing.data} />;
}

function CookbookForm({ props, cookbook }: { props: ViewProps; cookbook?: Cookbook }) {
  const [form, , set] = useFields({
    title: cookbook?.title ?? '',
    description: cookbook?.description ?? '',
    visibility: cookbook?.visibility ?? 'private',
    family_id: cookbook?.family_id ?? '',
  });
  const families = useLoad(
    (signal) =>
      props.api<Answer<paths, '/api/cookbooks/families', 'get'>>('/api/cookbooks/families', {
        signal,
      }),
    [props.api],
  );
  const save = useAction();
  const familyOptions = (families.data?.items ?? []).map((f) => [f.family_id, f.family_name] as const);
  const submit = () =>
    save.run(async () => {
      const isFamily = form.visibility === 'family';
      const body = {
        title: form.title,
        description: form.description || null,
        visibility: form.visibility,
        family_id: isFamily ? form.family_id || familyOptions[0]?.[0] || null : null,
      } satisfies Body<paths, '/api/cookbooks', 'post'>;
      const saved = cookbook
        ? await props.api<Cookbook>(`/api/cookbooks/${cookbook.cookbook_id}`, { method: 'PATCH', body })
        : await props.api<Cookbook>('/api/cookbooks', { body });
      navigate(props.href('cookbooks', { id: saved.cookbook_id }));
    });
  return (
    <>
      <p>
        <Link href={props.href('cookbooks', cookbook ? { id: cookbook.cookbook_id } : {})}>← Back</Link>
      </p>
      <h1>{cookbook ? `Edit “${cookbook.title}”` : 'New cookbook'}</h1>
      <Form onSubmit={submit} error={save.error} label={cookbook ? 'Edit cookbook' : 'New cookbook'}>
        <TextField label="Title" required maxLength={120} value={form.title} onChange={set('title')} />
        <TextArea
          label="Description"
          hint="Optional, up to 2000 characters."
          maxLength={2000}
          value={form.description}
          onChange={set('description')}
        />
        <SelectField
          label="Who may see it"
          options={VISIBILITIES}
          value={form.visibility}
          onChange={set('visibility')}
          hint="A public cookbook shows only your published recipes; a family one shows your own recipes in it to the family."
        />
        {form.visibility === 'family' &&
          (familyOptions.length === 0 ? (
            <p className="muted">You belong to no family yet: make or join one in Family Planner first.</p>
          ) : (
            <SelectField
              label="Family"
              options={familyOptions}
              value={form.family_id || familyOptions[0]?.[0]}
              onChange={set('family_id')}
            />
          ))}
        <SubmitRow busy={save.busy}>{cookbook ? 'Save cookbook' : 'Make cookbook'}</SubmitRow>
      </Form>
    </>
  );
}

/** On a recipe's page: a tick per cookbook of yours, ticked where the recipe is. */
export function AddToCookbook({
  props,
  recipeId,
  recipeName,
}: {
  props: ViewProps;
  recipeId: string;
  recipeName: string;
}) {
  const [open, setOpen] = useState(false);
  const mine = useLoad(
    (signal) =>
      open
        ? props.api<Page<Cookbook>>('/api/cookbooks', {
            signal,
            query: { scope: 'mine', limit: 100, recipe_id: recipeId },
          })
        : Promise.resolve(undefined),
    [props.api, recipeId, open],
  );
  const toggle = useAction();
  if (!open)
    return (
      <Button variant="secondary" onClick={() => setOpen(true)} aria-expanded={false}>
        Add to a cookbook
      </Button>
    );
  const change = (c: Cookbook) =>
    toggle.run(async () => {
      await props.api(`/api/cookbooks/${c.cookbook_id}/recipes/${recipeId}`, {
        method: c.has_recipe ? 'DELETE' : 'PUT',
      });
      mine.reload();
    });
  return (
    <fieldset className="section cookbook-picker">
      <legend>Cookbooks holding “{recipeName}”</legend>
      {(mine.error || toggle.error) && <ErrorMessage>{mine.error ?? toggle.error}</ErrorMessage>}
      {!mine.data ? (
        <Loading />
      ) : mine.data.items.length === 0 ? (
        <Empty>
          No cookbooks yet. <Link href={props.href('cookbooks', { new: '1' })}>Make one</Link>
        </Empty>
      ) : (
        mine.data.items.map((c) => (
          <Checkbox
            key={c.cookbook_id}
            label={c.title}
            checked={c.has_recipe}
            disabled={toggle.busy}
            onChange={() => void change(c)}
          />
        ))
      )}
      <div className="button-row">
        <Button small variant="secondary" onClick={() => setOpen(false)} aria-expanded={true}>
          Done
        </Button>
      </div>
    </fieldset>
  );
}

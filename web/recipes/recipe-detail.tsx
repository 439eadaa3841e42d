// One recipe: scaled to any number of servings, rated, and for its author edited or deleted;
// a copy shared from Hollowtown says that it follows its original and offers to detach it.
// Cook mode (?cook=1) shows it a step at a time; Print gives it on paper (recipes.css).

import { useEffect, useRef, useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/recipes.ts';
import { formatIngredient } from '../shared/amounts.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import { ModerationNotice, ReportItem, VoteButton } from '../shared/community.tsx';
import {
  Button,
  ErrorMessage,
  Form,
  formatDate,
  Loading,
  Notice,
  Section,
  TextField,
} from '../shared/components.tsx';
import { ConfirmStep } from '../shared/confirm-step.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { PublicPageLink } from '../shared/public-page-link.tsx';
import { Link, navigate } from '../shared/router.tsx';
import { CookMode } from './cook-mode.tsx';
import { AddToCookbook } from './cookbooks.tsx';
import { RecipeComments } from './recipe-comments.tsx';
import { recipeFacts, TagList } from './recipe-facts.tsx';
import { type RecipeDetail as Detail, isSharedCopy, type Nutrition, type SharedSource } from './types.ts';

const NUTRITION_NAMES: Record<keyof Nutrition, string> = {
  protein_g: 'Protein (g)',
  carbs_g: 'Carbohydrates (g)',
  fat_g: 'Fat (g)',
  saturated_fat_g: 'Saturated fat (g)',
  fiber_g: 'Fibre (g)',
  sugar_g: 'Sugar (g)',
  sodium_mg: 'Sodium (mg)',
  cholesterol_mg: 'Cholesterol (mg)',
};

export function RecipeDetail({ props, id }: { props: ViewProps; id: string }) {
  const servings = props.params.get('servings') ?? '';
  const recipe = useLoad(
    (signal) => props.api<Detail>(`/api/recipes/${id}`, { signal, query: { servings } }),
    [props.api, id, servings],
  );
  // Leaving cook mode puts the focus back on the way in.
  const backFromCook = useRef(false);
  if (recipe.error) {
    return (
      <>
        <p>
          <Link href={props.href('recipes')}>← All recipes</Link>
        </p>
        <ErrorMessage>{recipe.error}</ErrorMessage>
      </>
    );
  }
  if (!recipe.data) return <Loading />;
  if (props.params.has('cook')) {
    return (
      <CookMode
        recipe={recipe.data}
        onLeave={() => {
          backFromCook.current = true;
          navigate(props.href('recipes', { id, servings }));
        }}
      />
    );
  }
  return (
    <RecipeArticle
      props={props}
      recipe={recipe.data}
      onChange={recipe.setData}
      reload={recipe.reload}
      backFromCook={backFromCook}
    />
  );
}

function RecipeArticle({
  props,
  recipe: r,
  onChange,
  reload,
  backFromCook,
}: {
  props: ViewProps;
  recipe: Detail;
  onChange: (recipe: Detail) => void;
  reload: () => void;
  backFromCook: { current: boolean };
}) {
  useEffect(() => {
    if (!backFromCook.current) return;
    backFromCook.current = false;
    document.getElementById('cook-mode-link')?.focus();
  }, [backFromCook]);
  const shared = isSharedCopy(r.source) ? r.source : null;
  const nutrition = Object.entries(r.nutrition).filter(([, value]) => value !== undefined) as Array<
    [keyof Nutrition, number]
  >;
  return (
    <article className="recipe">
      <p className="no-print">
        <Link href={props.href('recipes')}>← All recipes</Link>
      </p>
      <h1>{r.recipe_name}</h1>
      <p className="muted">{recipeFacts(r, true)}</p>
      {shared && <SharedCopyPanel props={props} recipe={r} source={shared} reload={reload} />}
      {r.source === 'imported' && (
        <p className="muted">
          Imported
          {r.source_url ? (
            <>
              {' from '}
              <a href={r.source_url} rel="noopener noreferrer nofollow" target="_blank">
                {new URL(r.source_url).hostname}
              </a>
            </>
          ) : (
            ' from pasted text'
          )}
          {props.params.get('imported') === 'ai'
            ? ', read by the AI cook: check it before you cook it.'
            : '.'}
        </p>
      )}
      {r.source === 'ai' && (
        <p className="muted">Written by the AI cook. Read it through before you cook it.</p>
      )}
      {r.is_mine && !shared && (
        <p className="muted no-print">
          {r.is_published
            ? 'Published: anyone can read it on its public page, without signing in.'
            : 'Private: only you can see it.'}
        </p>
      )}
      {r.is_published && !r.moderation && (
        <PublicPageLink config={props.config} path={`r/${r.recipe_id}`} name={r.recipe_name} />
      )}
      <ModerationNotice moderation={r.moderation} />
      {r.is_published && !r.moderation && (
        <div className="button-row no-print">
          <VoteButton
            api={props.api}
            path={`/api/recipes/${r.recipe_id}`}
            title={r.recipe_name}
            state={{ votes: r.votes ?? 0, has_voted: r.has_voted ?? false }}
          />
          {!r.is_mine && (
            <ReportItem api={props.api} path={`/api/recipes/${r.recipe_id}`} title={r.recipe_name} />
          )}
        </div>
      )}
      {r.description && <p>{r.description}</p>}
      <TagList tags={r.tags} label="Tags" />
      {r.allergens.length > 0 && <p>Contains: {r.allergens.join(', ')}</p>}
      {r.prep_time_minutes !== null || r.cook_time_minutes !== null ? (
        <p>
          {[
            r.prep_time_minutes !== null ? `Preparation ${r.prep_time_minutes} minutes` : null,
            r.cook_time_minutes !== null ? `cooking ${r.cook_time_minutes} minutes` : null,
          ]
            .filter(Boolean)
            .join(', ')}
          .
        </p>
      ) : null}
      {r.source_url && (
        <p className="print-only">
          Source: <a href={r.source_url}>{r.source_url}</a>
        </p>
      )}
      <div className="button-row recipe-actions no-print">
        <Link
          id="cook-mode-link"
          className="button"
          href={props.href('recipes', {
            id: r.recipe_id,
            servings: props.params.get('servings') ?? undefined,
            cook: '1',
          })}
        >
          Cook mode
        </Link>
        <Button variant="secondary" onClick={() => window.print()}>
          Print
        </Button>
        <FavouriteToggle props={props} recipe={r} onChange={onChange} />
      </div>
      <div className="no-print">
        <ScaleForm props={props} recipe={r} />
        <AddToCookbook props={props} recipeId={r.recipe_id} recipeName={r.recipe_name} />
      </div>
      <div className="grid section recipe-body">
        <Section title={`Ingredients${r.serves ? ` for ${r.serves}` : ''}`}>
          {r.ingredients.length === 0 ? (
            <p className="muted">No ingredients listed.</p>
          ) : (
            <ul aria-label="Ingredients">
              {r.ingredients.map((i, index) => (
                // Two lines may name the same thing (salt for the water, salt to finish).
                // biome-ignore lint/suspicious/noArrayIndexKey: the list is never reordered in place.
                <li key={index}>{formatIngredient(i)}</li>
              ))}
            </ul>
          )}
        </Section>
        <Section title="Method">
          {r.instructions.length === 0 ? (
            <p className="muted">No steps written yet.</p>
          ) : (
            <ol>
              {r.instructions.map((step, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: steps are shown in their order only.
                <li key={index}>{step}</li>
              ))}
            </ol>
          )}
        </Section>
      </div>
      {nutrition.length > 0 && (
        <Section title="Nutrition per serving">
          <dl className="facts">
            {nutrition.map(([key, value]) => (
              <div key={key}>
                <dt>{NUTRITION_NAMES[key]}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        </Section>
      )}
      <div className="no-print">
        <RateRecipe props={props} recipe={r} onChange={onChange} />
        {r.is_mine && <OwnerActions props={props} recipe={r} isSharedCopy={shared !== null} />}
        {(r.is_published || r.is_mine) && (
          <RecipeComments props={props} recipeId={r.recipe_id} canPost={r.is_published && !r.moderation} />
        )}
      </div>
    </article>
  );
}

function ScaleForm({ props, recipe: r }: { props: ViewProps; recipe: Detail }) {
  const [wanted, setWanted] = useState('');
  const id = r.recipe_id;
  if (r.serves === null) {
    return (
      <p className="muted">
        This recipe does not say how many it serves, so it cannot be scaled
        {r.is_mine && !isSharedCopy(r.source) ? '; edit it to set the servings.' : '.'}
      </p>
    );
  }
  return (
    <>
      <Form
        onSubmit={() => navigate(props.href('recipes', { id, servings: wanted || r.serves || undefined }))}
        label="Scale the recipe"
      >
        <div className="button-row scale-row">
          <TextField
            label="Servings"
            type="number"
            min={1}
            max={1000}
            value={wanted || String(r.serves)}
            onChange={(e) => setWanted(e.target.value)}
          />
          <Button type="submit" variant="secondary">
            Scale
          </Button>
        </div>
      </Form>
      {r.scaled_from_serves !== null && r.scaled_from_serves !== r.serves && (
        <p className="muted">
          Scaled from {r.scaled_from_serves} servings as written.{' '}
          <Link href={props.href('recipes', { id })} onClick={() => setWanted('')}>
            Show as written
          </Link>
        </p>
      )}
    </>
  );
}

/** A mark to find the recipe again under Favourites; pressed while it is one. */
function FavouriteToggle({
  props,
  recipe: r,
  onChange,
}: {
  props: ViewProps;
  recipe: Detail;
  onChange: (recipe: Detail) => void;
}) {
  const toggle = useAction();
  const flip = () =>
    toggle.run(async () => {
      const answer = await props.api<Answer<paths, '/api/recipes/{id}/favourite', 'put'>>(
        `/api/recipes/${r.recipe_id}/favourite`,
        {
          method: r.is_favourite ? 'DELETE' : 'PUT',
        },
      );
      onChange({ ...r, is_favourite: answer.is_favourite });
    });
  return (
    <>
      <Button
        variant="secondary"
        busy={toggle.busy}
        aria-pressed={r.is_favourite}
        onClick={() => void flip()}
      >
        {r.is_favourite ? '♥ Favourite' : '♡ Add to favourites'}
      </Button>
      {toggle.error && <ErrorMessage>{toggle.error}</ErrorMessage>}
    </>
  );
}

function RateRecipe({
  props,
  recipe: r,
  onChange,
}: {
  props: ViewProps;
  recipe: Detail;
  onChange: (recipe: Detail) => void;
}) {
  const rate = useAction();
  const [rated, setRated] = useState<string>();
  const give = (stars: number) =>
    rate.run(async () => {
      const answer = await props.api<Answer<paths, '/api/recipes/{id}/rating', 'put'>>(
        `/api/recipes/${r.recipe_id}/rating`,
        { method: 'PUT', body: { rating: stars } },
      );
      onChange({ ...r, ...answer });
      setRated(
        `Thanks! Rated ${stars} of 5 · average ${answer.rating_avg.toFixed(1)} from ${answer.rating_count}.`,
      );
    });
  return (
    <Section title="Rate it">
      {rated && <Notice>{rated}</Notice>}
      {rate.error && <ErrorMessage>{rate.error}</ErrorMessage>}
      {!rated && r.my_rating !== null && <p className="muted">You rated it {r.my_rating} of 5.</p>}
      <fieldset className="button-row bare-fieldset">
        <legend className="visually-hidden">Your rating</legend>
        {[1, 2, 3, 4, 5].map((stars) => (
          <Button
            key={stars}
            small
            variant="secondary"
            busy={rate.busy}
            onClick={() => void give(stars)}
            aria-label={`Rate ${stars} of 5`}
            aria-pressed={r.my_rating === stars}
          >
            {'★'.repeat(stars)}
          </Button>
        ))}
      </fieldset>
    </Section>
  );
}

function SharedCopyPanel({
  props,
  recipe: r,
  source,
  reload,
}: {
  props: ViewProps;
  recipe: Detail;
  source: SharedSource;
  reload: () => void;
}) {
  const detach = useAction();
  const original = `${props.config.apps.hollowtown.replace(/\/$/, '')}/recipes?id=${source.recipe_id}`;
  const run = () =>
    detach.run(async () => {
      await props.api(`/api/recipes/${r.recipe_id}/detach`, { method: 'POST' });
      reload();
    });
  return (
    <section className="alert alert--info section no-print" aria-labelledby="shared-copy-heading">
      <h2 id="shared-copy-heading">
        {source.deleted
          ? 'Shared from Hollowtown: the original was deleted'
          : 'Shared from Hollowtown, kept in sync'}
      </h2>
      {source.deleted ? (
        <p>
          Its original in Hollowtown no longer exists, so this copy keeps its last version and will not change
          again. Detach it to make it your own recipe and edit it here, or delete it.
        </p>
      ) : (
        <>
          <p>
            This is a copy of your recipe in Hollowtown. When you change the original there, this copy changes
            with it{source.synced_at ? ` (last updated ${formatDate(source.synced_at, true)})` : ''}, so it
            cannot be edited here.
          </p>
          <p>
            To change it here instead, detach it: it becomes an ordinary recipe of yours, keeps what it says
            now, and no longer follows the original. The original in Hollowtown stays as it is.
          </p>
        </>
      )}
      {detach.error && <ErrorMessage>{detach.error}</ErrorMessage>}
      {r.is_mine && (
        <div className="button-row">
          <Button variant="secondary" busy={detach.busy} onClick={() => void run()}>
            Detach and make it mine
          </Button>
          {!source.deleted && <a href={original}>Open the original in Hollowtown</a>}
        </div>
      )}
    </section>
  );
}

function OwnerActions({
  props,
  recipe: r,
  isSharedCopy,
}: {
  props: ViewProps;
  recipe: Detail;
  isSharedCopy: boolean;
}) {
  const remove = useAction();
  const del = () =>
    remove.run(async () => {
      await props.api(`/api/recipes/${r.recipe_id}`, { method: 'DELETE' });
      navigate(props.href('recipes', { deleted: r.recipe_name }));
    });
  return (
    <Section title="Your recipe">
      <div className="button-row">
        {!isSharedCopy && (
          <Link className="button" href={props.href('recipes', { id: r.recipe_id, edit: '1' })}>
            Edit
          </Link>
        )}
        <ConfirmStep
          trigger="Delete"
          question={
            <>
              Delete “{r.recipe_name}” for good? Its ratings go with it, and meal plans that use it leave it
              out of their shopping lists.
            </>
          }
          confirm="Yes, delete it"
          cancel="Keep it"
          asAlert
          busy={remove.busy}
          error={remove.error}
          onConfirm={del}
        />
      </div>
    </Section>
  );
}

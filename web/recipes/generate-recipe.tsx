// "Generate with AI": the recipes API asks the AI gateway for a recipe and keeps it as the user's
// private recipe. The page shows that it is working (it can take a while: a bad answer is asked
// again), then the recipe, or why it failed and when to try again.
import { type RefObject, useEffect, useRef, useState } from 'react';
import { type AiProblem, waitInWords } from '../shared/ai-problems.ts';
import { formatIngredient } from '../shared/amounts.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import { Button, Checkbox, Form, SelectField, TextField } from '../shared/components.tsx';
import { useFields } from '../shared/form-fields.ts';
import { ModelPicker } from '../shared/model-picker.tsx';
import { Link } from '../shared/router.tsx';
import { commaList } from './comma-list.ts';
import { describeGenerationError } from './generation-errors.ts';
import { recipeFacts, TagList } from './recipe-facts.tsx';
import { DIFFICULTIES, type GeneratedRecipe } from './types.ts';

const DIETS = ['vegetarian', 'vegan', 'gluten-free', 'dairy-free'] as const;

/** The time now, re-read once a second while `active` (an elapsed time or a wait on screen). */
function useSecondsTicker(active: boolean) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [active]);
  return now;
}

export function GenerateRecipe({ props }: { props: ViewProps }) {
  const [form, , set] = useFields({
    theme: props.params.get('theme') ?? '',
    cuisine: '',
    difficulty: '',
    serves: '4',
    max_total_minutes: '',
    avoid_allergens: '',
  });
  const [diets, setDiets] = useState<string[]>([]);
  const [model, setModel] = useState('');
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [problem, setProblem] = useState<AiProblem & { until?: number }>();
  const [missingTheme, setMissingTheme] = useState(false);
  const [recipe, setRecipe] = useState<GeneratedRecipe>();
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const now = useSecondsTicker(startedAt !== null || problem?.until !== undefined);
  const waitLeft = problem?.until ? Math.ceil((problem.until - now) / 1000) : 0;
  const isWorking = startedAt !== null;

  useEffect(() => {
    if (recipe) resultHeading.current?.focus();
  }, [recipe]);

  const generate = async () => {
    if (!form.theme.trim() && !form.cuisine.trim()) {
      setMissingTheme(true);
      return;
    }
    setMissingTheme(false);
    setProblem(undefined);
    setRecipe(undefined);
    setStartedAt(Date.now());
    try {
      const answer = await props.api<GeneratedRecipe>('/api/recipes/generate', {
        body: {
          ...(form.theme.trim() ? { theme: form.theme.trim() } : {}),
          ...(form.cuisine.trim() ? { cuisine: form.cuisine.trim() } : {}),
          ...(form.difficulty ? { difficulty: form.difficulty } : {}),
          ...(form.serves ? { serves: Number(form.serves) } : {}),
          ...(form.max_total_minutes ? { max_total_minutes: Number(form.max_total_minutes) } : {}),
          ...(diets.length > 0 ? { dietary_tags: diets } : {}),
          ...(commaList(form.avoid_allergens).length > 0
            ? { avoid_allergens: commaList(form.avoid_allergens) }
            : {}),
          ...(model ? { model } : {}),
        },
      });
      setRecipe(answer);
    } catch (error) {
      const found = describeGenerationError(error);
      setProblem({
        ...found,
        until: found.retryAfterSeconds ? Date.now() + found.retryAfterSeconds * 1000 : undefined,
      });
    } finally {
      setStartedAt(null);
    }
  };

  return (
    <>
      <p>
        <Link href={props.href('recipes')}>← All recipes</Link>
      </p>
      <h1>Generate a recipe with AI</h1>
      <p className="muted">
        Say what you feel like cooking; the AI cook writes a recipe and keeps it as a private recipe of yours,
        to edit, publish or delete. Each try uses your AI requests and credits.
      </p>
      <Form onSubmit={generate} label="Generate a recipe with AI" wide>
        <fieldset className="bare-fieldset" disabled={isWorking}>
          <legend className="visually-hidden">What to cook</legend>
          {/* The one field everyone fills gets the whole row, on a phone too; the options share the next rows. */}
          <div className="generate-theme">
            <TextField
              label="What would you like to cook?"
              placeholder="a cosy autumn dinner"
              hint="A dish, an occasion or what is in your fridge; or just choose a cuisine"
              maxLength={200}
              error={missingTheme ? 'Say what to cook, or choose a cuisine.' : undefined}
              value={form.theme}
              onChange={set('theme')}
            />
          </div>
          <div className="form-grid">
            <TextField
              label="Cuisine"
              placeholder="italian"
              maxLength={50}
              value={form.cuisine}
              onChange={set('cuisine')}
            />
            <SelectField
              label="Difficulty"
              options={[['', 'Any'], ...DIFFICULTIES]}
              value={form.difficulty}
              onChange={set('difficulty')}
            />
            <TextField
              label="Serves"
              type="number"
              min={1}
              max={24}
              value={form.serves}
              onChange={set('serves')}
            />
            <TextField
              label="Ready in at most (minutes)"
              type="number"
              min={5}
              max={1440}
              value={form.max_total_minutes}
              onChange={set('max_total_minutes')}
            />
            <TextField
              label="Leave out allergens"
              hint="Separated by commas, e.g. peanuts, shellfish"
              value={form.avoid_allergens}
              onChange={set('avoid_allergens')}
            />
            <ModelPicker props={props} value={model} onChange={setModel} />
          </div>
          <fieldset className="bare-fieldset generate-diets">
            <legend>Diet</legend>
            <div className="button-row">
              {DIETS.map((diet) => (
                <Checkbox
                  key={diet}
                  label={diet}
                  checked={diets.includes(diet)}
                  onChange={(e) =>
                    setDiets((d) => (e.target.checked ? [...d, diet] : d.filter((x) => x !== diet)))
                  }
                />
              ))}
            </div>
          </fieldset>
        </fieldset>
        <div className="button-row">
          {/* The kit's Button lets an explicit disabled win over busy: say both. */}
          <Button type="submit" busy={isWorking} disabled={isWorking || waitLeft > 0}>
            {isWorking
              ? 'Writing your recipe…'
              : waitLeft > 0
                ? `Try again in ${waitLeft} s`
                : 'Generate recipe'}
          </Button>
        </div>
        <div role="status" aria-live="polite">
          {startedAt !== null && (
            <p className="working">
              <span className="spinner" aria-hidden="true" />
              The AI cook is writing your recipe ({Math.max(0, Math.round((now - startedAt) / 1000))} s). It
              checks every answer and asks again when one is unusable, so this can take a minute or two.
            </p>
          )}
        </div>
        {problem && (
          <div className="alert" role="alert">
            <p>{problem.message}</p>
            {problem.needsCredits && <a href={props.config.account}>Add credits in your CALOS account</a>}
            {waitLeft > 0 && <p className="muted">You can ask again in {waitInWords(waitLeft)}.</p>}
          </div>
        )}
      </Form>
      {recipe && <GeneratedResult props={props} recipe={recipe} headingRef={resultHeading} />}
    </>
  );
}

function GeneratedResult({
  props,
  recipe: r,
  headingRef,
}: {
  props: ViewProps;
  recipe: GeneratedRecipe;
  headingRef: RefObject<HTMLHeadingElement | null>;
}) {
  const { generation } = r;
  return (
    <article className="card section" aria-labelledby="generated-heading">
      <p className="muted">Your new recipe, saved as a private recipe of yours:</p>
      <h2 id="generated-heading" ref={headingRef} tabIndex={-1}>
        {r.recipe_name}
      </h2>
      <p className="muted">{recipeFacts(r, true)}</p>
      {r.description && <p>{r.description}</p>}
      <TagList tags={r.tags} label="Tags" />
      {r.allergens.length > 0 && <p>Contains: {r.allergens.join(', ')}</p>}
      <div className="grid">
        <section aria-labelledby="generated-ingredients">
          <h3 id="generated-ingredients">Ingredients{r.serves ? ` for ${r.serves}` : ''}</h3>
          <ul aria-label="Ingredients">
            {r.ingredients.map((i, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the list is shown in its order only.
              <li key={index}>{formatIngredient(i)}</li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="generated-method">
          <h3 id="generated-method">Method</h3>
          <ol>
            {r.instructions.map((step, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: steps are shown in their order only.
              <li key={index}>{step}</li>
            ))}
          </ol>
        </section>
      </div>
      <p className="muted">
        Written by {generation.model} ({generation.provider})
        {generation.attempts > 1 ? ` after ${generation.attempts} tries` : ''}
        {generation.credits > 0 ? `, ${Number(generation.credits.toFixed(2))} credits` : ''}.
      </p>
      <div className="button-row">
        <Link className="button" href={props.href('recipes', { id: r.recipe_id })}>
          Open the recipe
        </Link>
        <Link
          className="button button--secondary"
          href={props.href('recipes', { id: r.recipe_id, edit: '1' })}
        >
          Edit or publish it
        </Link>
      </div>
    </article>
  );
}

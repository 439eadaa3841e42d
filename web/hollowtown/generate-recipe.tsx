// "Generate a recipe with AI": ask for a theme, watch the recipe take shape as the AI writes it
// (asked again, and said so, when an answer is unusable), cancel at any moment, then open the
// stored recipe. Screen readers hear each new try at once and the progress now and then.
import './recipes.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { LiveAnnouncement, useThrottledAnnouncer } from '../shared/announcer.tsx';
import type { ViewProps } from '../shared/app-shell.tsx';
import {
  Button,
  ButtonLink,
  Checkbox,
  ErrorMessage,
  Form,
  Section,
  SelectField,
  TextField,
} from '../shared/components.tsx';
import { ModelPicker } from '../shared/model-picker.tsx';
import { navigate } from '../shared/router.tsx';
import { retryInWords } from './generation-problems.ts';
import { readRecipeDraft } from './recipe-draft.ts';
import { type GenerationState, useRecipeGeneration } from './recipe-generation.ts';
import { draftSummary, RecipeInProgress } from './recipe-in-progress.tsx';
import { DIFFICULTIES } from './recipe-types.ts';

const DIETS = [
  ['vegetarian', 'Vegetarian'],
  ['vegan', 'Vegan'],
  ['gluten-free', 'Gluten-free'],
  ['dairy-free', 'Dairy-free'],
] as const;

/** The line under the form while the AI works. */
function progressInWords(state: GenerationState): string {
  if (state.phase === 'asking') return 'Asking the AI cook…';
  if (state.phase !== 'writing') return '';
  if (state.attempt > 1) return retryInWords(state.attempt, state.of, state.reason);
  return 'The AI is writing your recipe…';
}

const focusButton = (row: HTMLElement | null, action: 'generate' | 'cancel') =>
  row?.querySelector<HTMLButtonElement>(`[data-action="${action}"]`)?.focus();

export function GenerateRecipe({ props }: { props: ViewProps }) {
  const [theme, setTheme] = useState('');
  const [difficulty, setDifficulty] = useState('medium');
  const [serves, setServes] = useState('4');
  const [diets, setDiets] = useState<string[]>([]);
  const [model, setModel] = useState('');
  const [isThemeMissing, setThemeMissing] = useState(false);
  const generation = useRecipeGeneration(props, (recipe) =>
    navigate(props.href('recipes', { id: recipe.recipe_id, generated: '1' })),
  );
  const { state } = generation;
  const isWorking = state.phase === 'asking' || state.phase === 'writing';
  const text = state.phase === 'writing' ? state.text : '';
  const draft = useMemo(() => readRecipeDraft(text), [text]);
  const { spoken, announce } = useThrottledAnnouncer();
  const buttons = useRef<HTMLDivElement>(null);

  const progress = progressInWords(state);
  const attemptKey = state.phase === 'writing' ? state.attempt : 0;
  // A new try, a stop: said at once. The recipe growing: now and then.
  // biome-ignore lint/correctness/useExhaustiveDependencies: announced when the try changes, not its text.
  useEffect(() => {
    if (state.phase === 'asking' || state.phase === 'writing') announce(progress, true);
    if (state.phase === 'cancelled') announce('Stopped. Nothing was saved.', true);
  }, [state.phase, attemptKey, announce]);
  const summary = draftSummary(draft);
  useEffect(() => {
    if (summary) announce(summary);
  }, [summary, announce]);

  // The Generate button is disabled while the AI works: keep the keyboard on the one that acts.
  useEffect(() => {
    if (isWorking) focusButton(buttons.current, 'cancel');
  }, [isWorking]);
  const isStopped = state.phase === 'cancelled' || state.phase === 'failed';
  useEffect(() => {
    if (isStopped && document.activeElement === document.body) focusButton(buttons.current, 'generate');
  }, [isStopped]);

  const submit = () => {
    setThemeMissing(theme.trim() === '');
    if (theme.trim() === '') return;
    return generation.start({
      theme: theme.trim(),
      difficulty,
      serves: Number(serves) || 4,
      ...(diets.length > 0 ? { dietary_tags: diets } : {}),
      ...(model ? { model } : {}),
    });
  };
  const toggleDiet = (diet: string, isOn: boolean) =>
    setDiets((current) => (isOn ? [...current, diet] : current.filter((d) => d !== diet)));

  return (
    <Section title="Generate a recipe with AI">
      <Form onSubmit={submit} label="Generate a recipe with AI" wide>
        <fieldset className="generate-fieldset" disabled={isWorking}>
          <legend className="visually-hidden">What the recipe is about</legend>
          {/* The field everyone fills gets the whole row; the options share the next one. */}
          <TextField
            label="Theme"
            placeholder="graveyard dirt cups"
            required
            maxLength={200}
            error={
              isThemeMissing ? 'Say what the recipe is about, such as “a haunted pumpkin patch”.' : undefined
            }
            value={theme}
            onChange={(e) => setTheme(e.target.value)}
          />
          <div className="form-grid">
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
            <ModelPicker props={props} value={model} onChange={setModel} />
          </div>
          <fieldset className="diet-choices">
            <legend className="diet-choices__label">It must be</legend>
            <div className="diet-choices__options">
              {DIETS.map(([value, label]) => (
                <Checkbox
                  key={value}
                  label={label}
                  checked={diets.includes(value)}
                  onChange={(e) => toggleDiet(value, e.target.checked)}
                />
              ))}
            </div>
          </fieldset>
        </fieldset>
        <div className="button-row" ref={buttons}>
          <Button type="submit" busy={isWorking} data-action="generate">
            {isWorking ? 'Generating…' : 'Generate'}
          </Button>
          {isWorking && (
            <Button variant="secondary" data-action="cancel" onClick={generation.cancel}>
              Cancel
            </Button>
          )}
        </div>
      </Form>
      <LiveAnnouncement message={spoken} />
      <div className="generation" aria-busy={isWorking}>
        {isWorking && <p className="generation__status">{progress}</p>}
        {state.phase === 'writing' && <RecipeInProgress draft={draft} text={text} />}
        {state.phase === 'cancelled' && <p className="generation__status">Stopped. Nothing was saved.</p>}
        {state.phase === 'failed' && (
          <ErrorMessage>
            {state.problem.message}
            {state.problem.needsCredits && (
              <>
                {' '}
                <ButtonLink href={props.config.account} variant="link">
                  Add credits in your account
                </ButtonLink>
              </>
            )}
          </ErrorMessage>
        )}
      </div>
    </Section>
  );
}

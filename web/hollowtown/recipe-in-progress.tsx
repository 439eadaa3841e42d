// The recipe as the AI writes it: its name, then the facts, ingredients and steps as each becomes
// readable in the model's unfinished JSON, and the raw text for the curious.
import { ingredientLine, type RecipeDraft } from './recipe-draft.ts';

export function RecipeInProgress({ draft, text }: { draft: RecipeDraft | undefined; text: string }) {
  // Difficulty and servings are left out: what was asked replaces what the model writes there.
  const facts = draft
    ? [
        draft.spookiness !== undefined && `Spookiness ${draft.spookiness} of 10`,
        draft.prepMinutes !== undefined && `${draft.prepMinutes} minutes`,
      ].filter(Boolean)
    : [];
  return (
    <div className="recipe-draft">
      <p className="recipe-draft__label">Taking shape</p>
      <h3 className="recipe-draft__name">{draft?.name ?? 'Naming the recipe…'}</h3>
      {facts.length > 0 && <p className="muted">{facts.join(' · ')}</p>}
      {draft?.description && <p>{draft.description}</p>}
      {!draft && text.trim() !== '' && (
        <p className="muted">What the AI has written so far does not look like a recipe yet.</p>
      )}
      {draft && (draft.ingredients.length > 0 || draft.steps.length > 0) && (
        <div className="recipe-draft__columns">
          <div>
            <h4>Ingredients so far</h4>
            {draft.ingredients.length === 0 ? (
              <p className="muted">None yet.</p>
            ) : (
              <ul aria-label="Ingredients so far">
                {draft.ingredients.map((item, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the list only grows at its end while it is written.
                  <li key={index}>{ingredientLine(item)}</li>
                ))}
              </ul>
            )}
          </div>
          <div>
            <h4>Method so far</h4>
            {draft.steps.length === 0 ? (
              <p className="muted">No steps yet.</p>
            ) : (
              <ol aria-label="Steps so far">
                {draft.steps.map((step, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the list only grows at its end while it is written.
                  <li key={index}>{step}</li>
                ))}
              </ol>
            )}
          </div>
        </div>
      )}
      {text !== '' && (
        <details className="recipe-draft__raw">
          <summary>What the AI has written so far</summary>
          <pre>{text}</pre>
        </details>
      )}
    </div>
  );
}

/** What a screen reader hears about the progress now and then. */
export function draftSummary(draft: RecipeDraft | undefined): string {
  if (!draft?.name) return '';
  const ingredients = draft.ingredients.length;
  const steps = draft.steps.length;
  return `${draft.name}: ${ingredients} ${ingredients === 1 ? 'ingredient' : 'ingredients'} and ${steps} ${steps === 1 ? 'step' : 'steps'} so far.`;
}

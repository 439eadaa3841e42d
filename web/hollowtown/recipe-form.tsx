// Writing and editing a spooky recipe: one form, ingredients as "2 cups flour" lines (sent as
// typed, read by the server and shown as it reads them before saving), the method one step per
// line.
import type { Body } from '../api/answers.ts';
import type { paths } from '../api/generated/hollowtown.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import {
  Button,
  Checkbox,
  ErrorMessage,
  Form,
  Loading,
  SelectField,
  TextArea,
  TextField,
} from '../shared/components.tsx';
import { useFields } from '../shared/form-fields.ts';
import { useAction, useLoad } from '../shared/hooks.ts';
import {
  describeIngredientError,
  IngredientPreview,
  ingredientsToText,
  textLines,
  useIngredientPreview,
} from '../shared/ingredient-lines.tsx';
import { Link, navigate } from '../shared/router.tsx';
import { DIFFICULTIES, lines, type SpookyRecipe } from './recipe-types.ts';

/** As many as the API takes in one recipe. */
const MAX_INGREDIENTS = 100;

export function RecipeEditor({ props, id }: { props: ViewProps; id?: string }) {
  const existing = useLoad(
    async (signal) => (id ? props.api<SpookyRecipe>(`/api/recipes/spooky/${id}`, { signal }) : null),
    [props.api, id],
  );
  if (id && !existing.data)
    return existing.error ? <ErrorMessage>{existing.error}</ErrorMessage> : <Loading />;
  return <RecipeForm props={props} recipe={existing.data ?? undefined} />;
}

function RecipeForm({ props, recipe }: { props: ViewProps; recipe?: SpookyRecipe }) {
  const [form, setForm, set] = useFields({
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
  const preview = useIngredientPreview(props.api, form.ingredients, MAX_INGREDIENTS);
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      const ingredients = textLines(form.ingredients);
      const body = {
        recipe_name: form.recipe_name,
        description: form.description || null,
        spookiness_level: Number(form.spookiness_level),
        difficulty: form.difficulty,
        prep_time_minutes: form.prep_time_minutes ? Number(form.prep_time_minutes) : null,
        serves: form.serves ? Number(form.serves) : null,
        ingredients,
        instructions: lines(form.instructions),
        tags: form.tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        is_published: form.is_published,
      } satisfies Body<paths, '/api/recipes/spooky', 'post'>;
      let saved: SpookyRecipe;
      try {
        saved = recipe
          ? await props.api<SpookyRecipe>(`/api/recipes/spooky/${recipe.recipe_id}`, {
              method: 'PATCH',
              body,
            })
          : await props.api<SpookyRecipe>('/api/recipes/spooky', { body });
      } catch (error) {
        const said = describeIngredientError(error, ingredients);
        if (!said) throw error;
        action.setError(said);
        return;
      }
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
          hint="One per line: amount, unit, what, then a comma and any note, e.g. “24 gummy worms”, “1 pinch of sea salt” or “200 g dark chocolate, melted”"
          rows={Math.max(4, Math.min(14, textLines(form.ingredients).length + 1))}
          value={form.ingredients}
          onChange={set('ingredients')}
          error={preview.problem}
        />
        <IngredientPreview preview={preview} />
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

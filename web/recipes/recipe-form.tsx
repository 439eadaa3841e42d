// Writing a recipe of one's own, or changing one: every field the API keeps, ingredients typed
// one per line, sent as typed and shown as the server will read them (quantity, unit, name, note)
// before saving.
import type { Body } from '../api/answers.ts';
import type { paths } from '../api/generated/recipes.ts';
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
import { commaList } from './comma-list.ts';
import { DIFFICULTIES, isSharedCopy, type Recipe, type RecipeDetail } from './types.ts';

/** The form for a new recipe, or for the one `id` names once it has loaded. */
export function RecipeEditor({ props, id }: { props: ViewProps; id?: string }) {
  const existing = useLoad(
    async (signal) => (id ? props.api<RecipeDetail>(`/api/recipes/${id}`, { signal }) : null),
    [props.api, id],
  );
  if (id && !existing.data)
    return existing.error ? <ErrorMessage>{existing.error}</ErrorMessage> : <Loading />;
  const recipe = existing.data ?? undefined;
  if (recipe && (!recipe.is_mine || isSharedCopy(recipe.source))) {
    return (
      <>
        <h1>{recipe.recipe_name}</h1>
        <ErrorMessage>
          {recipe.is_mine
            ? 'This recipe is a copy shared from Hollowtown and follows its original. Detach it on its page to edit it here.'
            : 'Only the person who wrote this recipe can change it.'}{' '}
          <Link href={props.href('recipes', { id: recipe.recipe_id })}>Back to the recipe</Link>
        </ErrorMessage>
      </>
    );
  }
  return <RecipeForm props={props} recipe={recipe} />;
}

/** As many as the API takes in one recipe. */
const MAX_INGREDIENTS = 100;

const numberOrNull = (text: string) => (text.trim() === '' ? null : Number(text));

function formFrom(recipe?: Recipe) {
  const text = (value: number | string | null | undefined) =>
    value === null || value === undefined ? '' : String(value);
  return {
    recipe_name: recipe?.recipe_name ?? '',
    description: recipe?.description ?? '',
    cuisine: recipe?.cuisine ?? '',
    difficulty: recipe?.difficulty ?? 'easy',
    serves: recipe ? text(recipe.serves) : '4',
    prep_time_minutes: text(recipe?.prep_time_minutes),
    cook_time_minutes: text(recipe?.cook_time_minutes),
    calories: text(recipe?.calories),
    ingredients: ingredientsToText(recipe?.ingredients ?? []),
    instructions: (recipe?.instructions ?? []).join('\n'),
    tags: (recipe?.tags ?? []).join(', '),
    allergens: (recipe?.allergens ?? []).join(', '),
    image_url: recipe?.image_url ?? '',
    is_published: recipe?.is_published ?? false,
  };
}

function RecipeForm({ props, recipe }: { props: ViewProps; recipe?: Recipe }) {
  const [form, setForm, set] = useFields(() => formFrom(recipe));
  const preview = useIngredientPreview(props.api, form.ingredients, MAX_INGREDIENTS);
  const ingredients = textLines(form.ingredients);
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      const body = {
        recipe_name: form.recipe_name,
        description: form.description.trim() || null,
        cuisine: form.cuisine.trim() || null,
        difficulty: form.difficulty,
        serves: numberOrNull(form.serves),
        prep_time_minutes: numberOrNull(form.prep_time_minutes),
        cook_time_minutes: numberOrNull(form.cook_time_minutes),
        calories: numberOrNull(form.calories),
        ingredients,
        instructions: textLines(form.instructions),
        tags: commaList(form.tags),
        allergens: commaList(form.allergens),
        image_url: form.image_url.trim() || null,
        is_published: form.is_published,
      } satisfies Body<paths, '/api/recipes', 'post'>;
      let saved: Recipe;
      try {
        saved = recipe
          ? await props.api<Recipe>(`/api/recipes/${recipe.recipe_id}`, { method: 'PATCH', body })
          : await props.api<Recipe>('/api/recipes', { body });
      } catch (error) {
        const said = describeIngredientError(error, ingredients);
        if (!said) throw error;
        action.setError(said);
        return;
      }
      navigate(props.href('recipes', { id: saved.recipe_id }));
    });
  const cancel = recipe ? props.href('recipes', { id: recipe.recipe_id }) : props.href('recipes');
  return (
    <>
      <p>
        <Link href={cancel}>← {recipe ? 'Back to the recipe' : 'All recipes'}</Link>
      </p>
      <h1>{recipe ? `Edit “${recipe.recipe_name}”` : 'Add a recipe'}</h1>
      <Form onSubmit={submit} error={action.error} label="Recipe" wide>
        <div className="form-grid">
          <TextField
            label="Name"
            required
            maxLength={200}
            value={form.recipe_name}
            onChange={set('recipe_name')}
          />
          <TextField
            label="Cuisine"
            placeholder="italian"
            maxLength={50}
            value={form.cuisine}
            onChange={set('cuisine')}
          />
          <SelectField
            label="Difficulty"
            options={DIFFICULTIES}
            value={form.difficulty}
            onChange={set('difficulty')}
          />
          <TextField
            label="Serves"
            type="number"
            min={1}
            max={100}
            value={form.serves}
            onChange={set('serves')}
          />
          <TextField
            label="Preparation (minutes)"
            type="number"
            min={0}
            max={10080}
            value={form.prep_time_minutes}
            onChange={set('prep_time_minutes')}
          />
          <TextField
            label="Cooking (minutes)"
            type="number"
            min={0}
            max={10080}
            value={form.cook_time_minutes}
            onChange={set('cook_time_minutes')}
          />
          <TextField
            label="Calories per serving"
            type="number"
            min={0}
            max={100000}
            value={form.calories}
            onChange={set('calories')}
          />
        </div>
        <TextArea
          label="Description"
          maxLength={5000}
          value={form.description}
          onChange={set('description')}
        />
        <TextArea
          label="Ingredients"
          hint="One per line: amount, unit, what, then a comma and any note, e.g. “200 g rice”, “1½ cups flour, sifted” or “2 cloves garlic, crushed”"
          rows={Math.max(4, Math.min(14, ingredients.length + 1))}
          value={form.ingredients}
          onChange={set('ingredients')}
          error={preview.problem}
        />
        <IngredientPreview preview={preview} />
        <TextArea
          label="Method"
          hint="One step per line"
          rows={Math.max(4, Math.min(14, textLines(form.instructions).length + 1))}
          value={form.instructions}
          onChange={set('instructions')}
        />
        <div className="form-grid">
          <TextField
            label="Tags"
            hint="Separated by commas, e.g. quick, vegetarian"
            value={form.tags}
            onChange={set('tags')}
          />
          <TextField
            label="Allergens it contains"
            hint="Separated by commas, e.g. gluten, milk, eggs"
            value={form.allergens}
            onChange={set('allergens')}
          />
          <TextField
            label="Photo address"
            type="url"
            placeholder="https://"
            hint="Optional, a link to a picture of the dish"
            value={form.image_url}
            onChange={set('image_url')}
          />
        </div>
        <Checkbox
          label="Publish it: anyone can read it on its public page (only you can change it)"
          checked={form.is_published}
          onChange={(e) => setForm((f) => ({ ...f, is_published: e.target.checked }))}
        />
        <div className="button-row">
          <Button type="submit" busy={action.busy}>
            Save recipe
          </Button>
          <Link href={cancel}>Cancel</Link>
        </div>
      </Form>
    </>
  );
}

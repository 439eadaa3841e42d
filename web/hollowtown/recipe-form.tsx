// Writing and editing a spooky recipe: one form, ingredients as "2 cups flour" lines, the
// method one step per line.
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
import { Link, navigate } from '../shared/router.tsx';
import { DIFFICULTIES, type Ingredient, lines, type SpookyRecipe } from './recipe-types.ts';

/** "2 cups sugar" per line ⇄ ingredients. */
const ingredientsToText = (items: Ingredient[]) =>
  items.map((i) => [i.quantity ?? '', i.unit ?? '', i.name].filter((x) => x !== '').join(' ')).join('\n');
function textToIngredients(text: string) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const match = /^(\d+(?:[.,]\d+)?)\s+(?:([a-zA-Z]{1,12})\s+)?(.+)$/.exec(line);
      if (!match) return { name: line };
      const [, qty, unit, name] = match;
      return {
        name: name as string,
        quantity: Number((qty as string).replace(',', '.')),
        ...(unit ? { unit } : {}),
      };
    });
}
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
  const action = useAction();
  const submit = () =>
    action.run(async () => {
      const body = {
        recipe_name: form.recipe_name,
        description: form.description || null,
        spookiness_level: Number(form.spookiness_level),
        difficulty: form.difficulty,
        prep_time_minutes: form.prep_time_minutes ? Number(form.prep_time_minutes) : null,
        serves: form.serves ? Number(form.serves) : null,
        ingredients: textToIngredients(form.ingredients),
        instructions: lines(form.instructions),
        tags: form.tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        is_published: form.is_published,
      };
      const saved = recipe
        ? await props.api<SpookyRecipe>(`/api/recipes/spooky/${recipe.recipe_id}`, { method: 'PATCH', body })
        : await props.api<SpookyRecipe>('/api/recipes/spooky', { body });
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
          hint="One per line, e.g. “2 cups flour”"
          value={form.ingredients}
          onChange={set('ingredients')}
        />
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

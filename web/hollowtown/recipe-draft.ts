// The recipe as far as the AI has written it: the fields of its JSON that are readable so far.
import { formatAmount, shownUnit } from '../shared/amounts.ts';
import { parsePartialJson } from './partial-json.ts';

export interface DraftIngredient {
  name: string;
  quantity: number | null;
  unit: string | null;
  note: string | null;
}

export interface RecipeDraft {
  name?: string;
  description?: string;
  spookiness?: number;
  difficulty?: string;
  prepMinutes?: number;
  serves?: number;
  ingredients: DraftIngredient[];
  steps: string[];
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

function ingredientOf(value: unknown): DraftIngredient | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const item = value as Record<string, unknown>;
  const name = text(item.name);
  if (!name) return undefined;
  return {
    name,
    quantity: count(item.quantity) ?? null,
    unit: text(item.unit) ?? null,
    note: text(item.note) ?? null,
  };
}

/** What can be shown of the model's text so far; undefined until its JSON starts. */
export function readRecipeDraft(written: string): RecipeDraft | undefined {
  const value = parsePartialJson(written);
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const recipe = value as Record<string, unknown>;
  return {
    name: text(recipe.recipe_name),
    description: text(recipe.description),
    spookiness: count(recipe.spookiness_level),
    difficulty: text(recipe.difficulty),
    prepMinutes: count(recipe.prep_time_minutes),
    serves: count(recipe.serves),
    ingredients: Array.isArray(recipe.ingredients)
      ? recipe.ingredients.flatMap((item) => ingredientOf(item) ?? [])
      : [],
    steps: Array.isArray(recipe.instructions) ? recipe.instructions.flatMap((step) => text(step) ?? []) : [],
  };
}

/** "200 g dark chocolate (melted)", "½ cup cream". */
export const ingredientLine = (item: DraftIngredient) =>
  [formatAmount(item.quantity), shownUnit(item.unit), item.name, item.note ? `(${item.note})` : null]
    .filter(Boolean)
    .join(' ');

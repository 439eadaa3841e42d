// The limits of every field Hollowtown stores, shared by the HTTP schemas and the AI answer check.
// Ingredient limits match HowToCookAtHome's (or are stricter), so a shared recipe always fits there.
import type { IngredientLimits } from '../../ingredients/ingredient-input.ts';

export const LIMITS = {
  name: 200,
  description: 2000,
  itemName: 200,
  unit: 30,
  note: 200,
  quantity: 1_000_000,
  ingredients: 100,
  steps: 50,
  step: 2000,
  tags: 20,
  tagLength: 40,
  prepMinutes: 10_080,
  serves: 100,
  imageUrl: 2048,
  location: 300,
  guests: 100_000,
  cents: 1_000_000_000,
  shoppingItems: 200,
  materials: 50,
  props: 100,
  propQuantity: 10_000,
  theme: 200,
  dietaryTags: 10,
  search: 200,
} as const;

/** What a recipe's ingredient may be, read from a line or given split. */
export const INGREDIENT_LIMITS: IngredientLimits = {
  name: LIMITS.itemName,
  unit: LIMITS.unit,
  note: LIMITS.note,
  quantity: LIMITS.quantity,
  allowsZero: false,
};

/** A tag: letters, digits, spaces and hyphens, starting with a letter or digit (no commas). */
export const TAG_PATTERN = '^[\\p{L}\\p{N}][\\p{L}\\p{N} -]*$';

/** Something that is not only spaces. */
export const NOT_BLANK = '\\S';

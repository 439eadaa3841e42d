// The limits of every field HowToCookAtHome stores, shared by the HTTP schemas and the rules.
import type { IngredientLimits } from '../../ingredients/ingredient-input.ts';

export const LIMITS = {
  name: 200,
  text: 5000,
  label: 50,
  labels: 30,
  unit: 32,
  note: 200,
  ingredients: 100,
  steps: 100,
  step: 2000,
  quantity: 1_000_000,
  minutes: 10_080,
  serves: 100,
  calories: 100_000,
  url: 2048,
  costCents: 1_000_000,
  shoppingItems: 500,
  /** Favourites one account keeps. */
  favourites: 5_000,
  /** Cookbooks one account keeps. */
  cookbooks: 100,
  /** Recipes one cookbook holds. */
  cookbookRecipes: 500,
  cookbookTitle: 120,
  cookbookDescription: 2000,
  commentBody: 2000,
  /** Comments one account may post within commentWindowSeconds. */
  commentsPerWindow: 10,
  commentWindowSeconds: 600,
} as const;

/** What an ingredient or a shopping item may be, read from a line or given split. */
export const INGREDIENT_LIMITS: IngredientLimits = {
  name: LIMITS.name,
  unit: LIMITS.unit,
  note: LIMITS.note,
  quantity: LIMITS.quantity,
  allowsZero: true,
};

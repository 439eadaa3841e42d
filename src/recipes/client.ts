// What other services may ask of HowToCookAtHome (the only door into it): read a recipe as a
// given user may see it, and the kitchen-quantity helpers (scale, convert, merge, subtract a
// pantry) that shopping lists elsewhere reuse. The helpers are pure functions, exported here
// too, so a service that talks to recipes over HTTP can use them without a client.
import type {
  convertQuantity,
  mergeIngredients,
  scaleIngredients,
  subtractQuantities,
} from './service/quantities.ts';

export {
  canonicalUnit,
  convertQuantity,
  mergeIngredients,
  normaliseIngredientName,
  type QuantityLine,
  type Rounding,
  roundQuantity,
  scaleIngredients,
  subtractQuantities,
} from './service/quantities.ts';

export type Difficulty = 'easy' | 'medium' | 'hard';

export interface Ingredient {
  name: string;
  /** null: "to taste". */
  quantity: number | null;
  unit: string | null;
  note: string | null;
}

/** Per serving, like calories. */
export interface Nutrition {
  protein_g?: number;
  carbs_g?: number;
  fat_g?: number;
  saturated_fat_g?: number;
  fiber_g?: number;
  sugar_g?: number;
  sodium_mg?: number;
  cholesterol_mg?: number;
}

export interface Recipe {
  recipe_id: string;
  /** The author; the nil UUID once a published recipe's author deleted their account. */
  user_id: string;
  recipe_name: string;
  description: string | null;
  cuisine: string | null;
  difficulty: Difficulty;
  prep_time_minutes: number | null;
  cook_time_minutes: number | null;
  /** prep + cook, null when neither is known. */
  total_time_minutes: number | null;
  serves: number | null;
  /** Per serving. */
  calories: number | null;
  ingredients: Ingredient[];
  instructions: string[];
  nutrition: Nutrition;
  allergens: string[];
  tags: string[];
  image_url: string | null;
  rating_avg: number;
  rating_count: number;
  is_published: boolean;
  /** Whether the user it was read for owns it. */
  is_mine: boolean;
  source: 'manual' | 'ai';
  created_at: Date;
  updated_at: Date;
}

export interface RecipesClient {
  /**
   * The recipe as this user may read it (their own, or published), or null when it does not
   * exist or is not theirs to read. With `servings`, scaled to that many servings (a recipe that
   * does not say how many it serves answers 400 RECIPE_SERVINGS_UNKNOWN).
   */
  getRecipeForUser(userId: string, recipeId: string, options?: { servings?: number }): Promise<Recipe | null>;
  scaleIngredients: typeof scaleIngredients;
  mergeIngredients: typeof mergeIngredients;
  subtractQuantities: typeof subtractQuantities;
  convertQuantity: typeof convertQuantity;
}

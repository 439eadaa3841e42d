// The shapes HowToCookAtHome's API answers with, as the pages use them (src/recipes/routes).

export type { Page } from '../shared/api.ts';

export type Difficulty = 'easy' | 'medium' | 'hard';

export interface Ingredient {
  name: string;
  quantity: number | null;
  /** The top of a range ("2–3 apples"); absent otherwise. */
  quantity_max?: number;
  unit: string | null;
  note: string | null;
}

/** A copy shared from another app: it follows its original until detached. */
export interface SharedSource {
  domain: 'hollowtown';
  recipe_id: string;
  reference_id: string;
  /** The original was deleted: the copy keeps its last state. */
  deleted: boolean;
  synced_at: string | null;
}

export type Nutrition = Partial<
  Record<
    | 'protein_g'
    | 'carbs_g'
    | 'fat_g'
    | 'saturated_fat_g'
    | 'fiber_g'
    | 'sugar_g'
    | 'sodium_mg'
    | 'cholesterol_mg',
    number
  >
>;

export interface Recipe {
  recipe_id: string;
  user_id: string;
  recipe_name: string;
  description: string | null;
  cuisine: string | null;
  difficulty: Difficulty;
  prep_time_minutes: number | null;
  cook_time_minutes: number | null;
  total_time_minutes: number | null;
  serves: number | null;
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
  is_mine: boolean;
  source: 'manual' | 'ai' | SharedSource;
  created_at: string;
  updated_at: string;
}

export interface RecipeDetail extends Recipe {
  my_rating: number | null;
  /** With ?servings: how many the recipe serves as written. */
  scaled_from_serves: number | null;
}

export interface GeneratedRecipe extends Recipe {
  generation: { model: string; provider: string; attempts: number; credits: number };
}

export const isSharedCopy = (source: Recipe['source']): source is SharedSource => typeof source === 'object';

export const DIFFICULTIES: ReadonlyArray<readonly [Difficulty, string]> = [
  ['easy', 'Easy'],
  ['medium', 'Medium'],
  ['hard', 'Hard'],
];

export interface MealPlan {
  plan_id: string;
  plan_name: string;
  start_date: string;
  end_date: string;
  duration_days: number;
  meals: Record<string, Record<string, string>>;
  total_cost_cents: number | null;
  created_at: string;
  updated_at: string;
}

export interface ShoppingItem {
  name: string;
  quantity: number | null;
  unit: string | null;
  checked: boolean;
  cost_cents: number | null;
  note: string | null;
}

export interface ShoppingList {
  list_id: string;
  list_name: string;
  store: string | null;
  items: ShoppingItem[];
  total_cost_cents: number;
  open_items: number;
  purchased_at: string | null;
  plan_id: string | null;
  created_at: string;
}

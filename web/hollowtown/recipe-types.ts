// What the recipe views read from Hollowtown's spooky-recipe API.

export interface Ingredient {
  name: string;
  quantity: number | null;
  /** The top of a range ("2–3 apples"); absent otherwise. */
  quantity_max?: number;
  unit: string | null;
  note: string | null;
}

export interface SpookyRecipe {
  recipe_id: string;
  recipe_name: string;
  description: string | null;
  spookiness_level: number;
  difficulty: string;
  ingredients: Ingredient[];
  instructions: string[];
  prep_time_minutes: number | null;
  serves: number | null;
  tags: string[];
  is_published: boolean;
  is_mine: boolean;
  source: 'manual' | 'ai';
  ai_model: string | null;
  votes: number;
  has_voted: boolean;
  moderation: { state: 'hidden' | 'removed'; reason: string | null } | null;
}

export const DIFFICULTIES = [
  ['easy', 'Easy'],
  ['medium', 'Medium'],
  ['hard', 'Hard'],
  ['nightmare', 'Nightmare'],
] as const;

/** One skull per level of spookiness, at most ten. */
export const skulls = (level: number) => '☠'.repeat(Math.max(0, Math.min(level, 10)));

/** The non-blank lines of a text field, trimmed. */
export const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

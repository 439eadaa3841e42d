// What the recipe views read from Hollowtown's spooky-recipe API (web/api/generated/hollowtown.ts).
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/hollowtown.ts';

export type SpookyRecipe = Answer<paths, '/api/recipes/spooky/{id}', 'get'>;
/** `quantity_max`: the top of a range ("2–3 apples"); absent otherwise. */
export type Ingredient = SpookyRecipe['ingredients'][number];

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

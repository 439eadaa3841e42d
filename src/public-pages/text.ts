// How amounts, times and money read on a public page, the same as in the apps (the ingredient
// formatter is the web apps' own, web/shared/amounts.ts: one way to write "1½ cups flour").
import { formatIngredient, type IngredientAmount } from '../../web/shared/amounts.ts';

export const ingredientLine = (ingredient: IngredientAmount): string => formatIngredient(ingredient);

/** 20 → "20 min", 90 → "1 h 30 min". */
export function minutesText(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** 1250 → "$12.50" (costs are US dollars, as in the apps). */
export const dollars = (cents: number): string =>
  (cents / 100).toLocaleString('en-US', { style: 'currency', currency: 'USD' });

export const capitalised = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** "south indian" → "South Indian", "tex-mex" → "Tex-Mex": a cuisine as the web pages show it. */
export const titleCased = (text: string): string =>
  text.replace(/(^|[\s-])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());

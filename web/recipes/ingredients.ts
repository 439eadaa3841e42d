// Ingredients as a cook types them, one per line ("1½ cups flour, sifted"), and back: the
// recipe form and the shopping list read lines into {quantity, unit, name, note}.
import { shownUnit } from '../shared/amounts.ts';
import type { Ingredient } from './types.ts';

const FRACTIONS: Record<string, number> = {
  '½': 1 / 2,
  '⅓': 1 / 3,
  '⅔': 2 / 3,
  '¼': 1 / 4,
  '¾': 3 / 4,
  '⅛': 1 / 8,
  '⅜': 3 / 8,
  '⅝': 5 / 8,
  '⅞': 7 / 8,
};
const GLYPHS = Object.keys(FRACTIONS).join('');

/** Words read as a unit after a number; anything else starts the ingredient's name. */
const UNITS = new Set(
  [
    'g gr gram grams gramme grammes kg kgs kilo kilos kilogram kilograms mg',
    'ml mls milliliter milliliters millilitre millilitres cl dl l ltr liter liters litre litres',
    'oz ounce ounces lb lbs pound pounds',
    'tsp tsps teaspoon teaspoons tbsp tbsps tbs tablespoon tablespoons cup cups',
    'count piece pieces pc pcs each',
    'clove cloves can cans tin tins jar jars bottle bottles pack packs packet packets bag bags box boxes',
    'pinch pinches dash dashes drop drops handful handfuls bunch bunches sprig sprigs stalk stalks',
    'slice slices stick sticks sheet sheets fillet fillets knob knobs cube cubes head heads rasher rashers',
  ]
    .join(' ')
    .split(' '),
);

const NUMBER = String.raw`\d+(?:[.,]\d+)?`;
const QUANTITY = new RegExp(
  String.raw`^(?:(\d+)\s+(\d+)/(\d+)|(\d+)/(\d+)|(\d*)([${GLYPHS}])|(${NUMBER}))(?=\s|[a-zA-Z]|$)`,
);

function readQuantity(text: string): { quantity: number; rest: string } | null {
  const match = QUANTITY.exec(text);
  if (!match) return null;
  const [whole, mixedWhole, mixedTop, mixedBottom, top, bottom, glyphWhole, glyph, plain] = match;
  let quantity: number;
  if (mixedWhole !== undefined) quantity = Number(mixedWhole) + Number(mixedTop) / Number(mixedBottom);
  else if (top !== undefined) quantity = Number(top) / Number(bottom);
  else if (glyph !== undefined) quantity = Number(glyphWhole || 0) + (FRACTIONS[glyph] ?? 0);
  else quantity = Number((plain as string).replace(',', '.'));
  if (!Number.isFinite(quantity)) return null;
  return { quantity, rest: text.slice(whole.length).trim() };
}

function readUnit(text: string, extraUnits: ReadonlySet<string>): { unit: string | null; rest: string } {
  const known = (word: string) => UNITS.has(word.toLowerCase()) || extraUnits.has(word.toLowerCase());
  if (/^fl\.?\s*oz\b/i.test(text)) return { unit: 'fl oz', rest: text.replace(/^fl\.?\s*oz\.?/i, '').trim() };
  const [first = '', ...others] = text.split(/\s+/);
  const word = first.replace(/\.$/, '');
  if (others.length === 0 || !known(word)) return { unit: null, rest: text };
  return { unit: word, rest: others.join(' ').replace(/^of\s+/i, '') };
}

/**
 * One line as an ingredient: "200 g rice", "1 1/2 cups flour, sifted", "200g butter",
 * "salt, to taste". Units of `extraUnits` (say, those a recipe already uses) count as units too.
 */
export function parseIngredientLine(line: string, extraUnits: ReadonlySet<string> = new Set()): Ingredient {
  const text = line.trim();
  const quantity = readQuantity(text);
  const { unit, rest } = quantity ? readUnit(quantity.rest, extraUnits) : { unit: null, rest: text };
  const comma = rest.indexOf(',');
  const name = (comma === -1 ? rest : rest.slice(0, comma)).trim();
  const note = comma === -1 ? '' : rest.slice(comma + 1).trim();
  // A line such as ", to taste" has no name: keep it whole rather than lose what it says.
  if (!name) return { name: text, quantity: null, unit: null, note: null };
  return { name, quantity: quantity?.quantity ?? null, unit, note: note || null };
}

export const textLines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

export function parseIngredients(text: string, extraUnits?: ReadonlySet<string>): Ingredient[] {
  return textLines(text).map((line) => parseIngredientLine(line, extraUnits));
}

/** A quantity as a cook reads it: 2, 1½, ⅓, 0.4. */
export function formatAmount(quantity: number | null): string {
  if (quantity === null) return '';
  const whole = Math.floor(quantity);
  const part = quantity - whole;
  if (part < 0.005) return String(whole);
  for (const [glyph, value] of Object.entries(FRACTIONS)) {
    if (Math.abs(part - value) < 0.01) return `${whole || ''}${glyph}`;
  }
  return String(Number(quantity.toFixed(2)));
}

/** "1½ cup flour, sifted": the line parseIngredientLine reads back. */
export function formatIngredient(ingredient: Ingredient): string {
  const head = [formatAmount(ingredient.quantity), shownUnit(ingredient.unit), ingredient.name]
    .filter(Boolean)
    .join(' ');
  return ingredient.note ? `${head}, ${ingredient.note}` : head;
}

export const ingredientsToText = (ingredients: readonly Ingredient[]) =>
  ingredients.map(formatIngredient).join('\n');

/** Units a recipe uses, so editing it reads them back as units even when they are unusual. */
export const unitsOf = (ingredients: readonly Ingredient[]) =>
  new Set(ingredients.flatMap((i) => (i.unit ? [i.unit.toLowerCase()] : [])));

/** "gluten, Milk ,," → ["gluten", "Milk"]. */
export const commaList = (text: string) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

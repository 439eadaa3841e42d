// How amounts read to a person: "3 onions", not "3 count onion"; "1½ cup", not "1.5 cup". Recipes
// and merged shopping lists carry "count" (or "piece") for things that are counted; it is not
// worth saying.
const COUNTED = new Set(['count', 'counts', 'piece', 'pieces', 'pc', 'pcs', 'whole', 'item', 'items']);

/** The unit to show, or null when the thing is simply counted. */
export const shownUnit = (unit: string | null | undefined): string | null =>
  unit && !COUNTED.has(unit.trim().toLowerCase()) ? unit : null;

const FRACTIONS: ReadonlyArray<readonly [string, number]> = [
  ['½', 1 / 2],
  ['⅓', 1 / 3],
  ['⅔', 2 / 3],
  ['¼', 1 / 4],
  ['¾', 3 / 4],
  ['⅛', 1 / 8],
  ['⅜', 3 / 8],
  ['⅝', 5 / 8],
  ['⅞', 7 / 8],
];

/** A quantity as a cook reads it: 2, 1½, ⅓, 0.4; a range as 2–3. */
export function formatAmount(quantity: number | null, quantityMax?: number | null): string {
  if (quantity === null) return '';
  const one = (value: number) => {
    const whole = Math.floor(value);
    const part = value - whole;
    if (part < 0.005) return String(whole);
    const glyph = FRACTIONS.find(([, fraction]) => Math.abs(part - fraction) < 0.01)?.[0];
    return glyph ? `${whole || ''}${glyph}` : String(Number(value.toFixed(2)));
  };
  return typeof quantityMax === 'number' && quantityMax > quantity
    ? `${one(quantity)}–${one(quantityMax)}`
    : one(quantity);
}

// Short spellings read the same for any amount ("2 tbsp", "500 g"); words take a plural.
const INVARIABLE = new Set([
  'tsp',
  'tbsp',
  'mg',
  'kg',
  'ml',
  'cl',
  'dl',
  'oz',
  'lb',
  'pt',
  'qt',
  'gal',
  'fl oz',
  'dozen',
]);

/**
 * The unit as it reads with its amount: "2 cloves", "1½ cups", "1 cup", "2 tbsp"; null when the
 * thing is simply counted. Units are stored singular ("clove"), as the server reads them.
 */
export function unitFor(
  unit: string | null | undefined,
  quantity: number | null,
  quantityMax?: number | null,
) {
  const shown = shownUnit(unit);
  const amount = typeof quantityMax === 'number' ? quantityMax : quantity;
  if (!shown || amount === null || amount <= 1) return shown;
  if (INVARIABLE.has(shown) || !/^[a-z]{3,}$/.test(shown) || shown.endsWith('s')) return shown;
  return /(ch|sh|x|z)$/.test(shown) ? `${shown}es` : `${shown}s`;
}

export interface IngredientAmount {
  name: string;
  quantity: number | null;
  quantity_max?: number | null;
  unit: string | null;
  note?: string | null;
}

/** "1½ cups flour, sifted", "24 gummy worms", "2–3 apples": the line the server reads back the same. */
export function formatIngredient(ingredient: IngredientAmount): string {
  const head = [
    formatAmount(ingredient.quantity, ingredient.quantity_max),
    unitFor(ingredient.unit, ingredient.quantity, ingredient.quantity_max),
    ingredient.name,
  ]
    .filter(Boolean)
    .join(' ');
  return ingredient.note ? `${head}, ${ingredient.note}` : head;
}

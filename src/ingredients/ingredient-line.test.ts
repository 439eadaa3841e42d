import { describe, expect, it } from 'vitest';
import { type ParsedIngredient, parseIngredientLine } from './ingredient-line.ts';

type Row = [
  line: string,
  quantity: number | null,
  quantityMax: number | null,
  unit: string | null,
  name: string,
  note: string | null,
];

// Real lines, as cooks write them in recipes and on packets (the first two from the report).
const TABLE: Row[] = [
  ['24 gummy worms', 24, null, null, 'gummy worms', null],
  ['1 pinch of sea salt', 1, null, 'pinch', 'sea salt', null],
  ['12 candy eyeballs', 12, null, null, 'candy eyeballs', null],
  ['16 Oreo cookies, crushed', 16, null, null, 'Oreo cookies', 'crushed'],
  // Fractions: glyphs, mixed numbers, a glyph after a space, decimals.
  ['1½ cups flour', 1.5, null, 'cup', 'flour', null],
  ['1 1/2 cups sugar', 1.5, null, 'cup', 'sugar', null],
  ['1 ½ cups milk', 1.5, null, 'cup', 'milk', null],
  ['½ tsp vanilla extract', 0.5, null, 'tsp', 'vanilla extract', null],
  ['1/4 cup maple syrup', 0.25, null, 'cup', 'maple syrup', null],
  ['⅓ cup black cocoa powder', 0.333, null, 'cup', 'black cocoa powder', null],
  ['⅛ tsp cayenne pepper', 0.125, null, 'tsp', 'cayenne pepper', null],
  ['0.5 tsp salt', 0.5, null, 'tsp', 'salt', null],
  ['1,5 kg pumpkin', 1.5, null, 'kg', 'pumpkin', null],
  ['1,000 g strong flour', 1000, null, 'g', 'strong flour', null],
  // Ranges.
  ['2-3 apples', 2, 3, null, 'apples', null],
  ['2 to 3 tablespoons water', 2, 3, 'tbsp', 'water', null],
  ['1–2 cloves garlic, minced', 1, 2, 'clove', 'garlic', 'minced'],
  ['10-12 cherry tomatoes', 10, 12, null, 'cherry tomatoes', null],
  ['1 to 1 1/2 cups buttermilk', 1, 1.5, 'cup', 'buttermilk', null],
  ['1½-2 cups chicken stock', 1.5, 2, 'cup', 'chicken stock', null],
  ['3 or 4 carrots', 3, 4, null, 'carrots', null],
  // Units and their aliases; "T" is a tablespoon, "t" a teaspoon.
  ['2 tablespoons olive oil', 2, null, 'tbsp', 'olive oil', null],
  ['1 Tbsp soy sauce', 1, null, 'tbsp', 'soy sauce', null],
  ['1 T honey', 1, null, 'tbsp', 'honey', null],
  ['1 t salt', 1, null, 'tsp', 'salt', null],
  ['2 tbsp. butter', 2, null, 'tbsp', 'butter', null],
  ['3 teaspoons baking powder', 3, null, 'tsp', 'baking powder', null],
  ['8 oz cream cheese, softened', 8, null, 'oz', 'cream cheese', 'softened'],
  ['2 ounces bittersweet chocolate', 2, null, 'oz', 'bittersweet chocolate', null],
  ['1 lb. ground beef', 1, null, 'lb', 'ground beef', null],
  ['2 pounds pumpkin', 2, null, 'lb', 'pumpkin', null],
  ['400 g spaghetti', 400, null, 'g', 'spaghetti', null],
  ['200g butter', 200, null, 'g', 'butter', null],
  ['1kg pumpkin', 1, null, 'kg', 'pumpkin', null],
  ['750 ml red wine', 750, null, 'ml', 'red wine', null],
  ['500ml chicken stock', 500, null, 'ml', 'chicken stock', null],
  ['1 L water', 1, null, 'l', 'water', null],
  ['2 fl oz dark rum', 2, null, 'fl oz', 'dark rum', null],
  ['1 cup of sugar', 1, null, 'cup', 'sugar', null],
  ['2 c. milk', 2, null, 'cup', 'milk', null],
  ['1 pint heavy cream', 1, null, 'pt', 'heavy cream', null],
  ['1 dash Worcestershire sauce', 1, null, 'dash', 'Worcestershire sauce', null],
  ['2 dashes Angostura bitters', 2, null, 'dash', 'Angostura bitters', null],
  ['3 cloves garlic', 3, null, 'clove', 'garlic', null],
  ['1 clove garlic, crushed', 1, null, 'clove', 'garlic', 'crushed'],
  ['1 bunch cilantro, chopped', 1, null, 'bunch', 'cilantro', 'chopped'],
  ['2 sprigs rosemary', 2, null, 'sprig', 'rosemary', null],
  ['4 slices bacon', 4, null, 'slice', 'bacon', null],
  ['1 tin chopped tomatoes', 1, null, 'tin', 'chopped tomatoes', null],
  ['3 drops green food colouring', 3, null, 'drop', 'green food colouring', null],
  ['1 handful spinach', 1, null, 'handful', 'spinach', null],
  ['2 sticks unsalted butter', 2, null, 'stick', 'unsalted butter', null],
  ['1 head of garlic', 1, null, 'head', 'garlic', null],
  ['1 packet dry yeast', 1, null, 'packet', 'dry yeast', null],
  ['a pinch of cinnamon', 1, null, 'pinch', 'cinnamon', null],
  ['two eggs', 2, null, null, 'eggs', null],
  // Parentheticals: a can's size, a second measure, a remark.
  ['1 can (14 oz) pumpkin purée', 1, null, 'can', 'pumpkin purée', '14 oz'],
  [
    '1 (15 oz) can black beans, drained and rinsed',
    1,
    null,
    'can',
    'black beans',
    '15 oz, drained and rinsed',
  ],
  ['2 cups (480 ml) whole milk', 2, null, 'cup', 'whole milk', '480 ml'],
  ['100 g dark chocolate (70%), chopped', 100, null, 'g', 'dark chocolate', '70%, chopped'],
  ['6 cups popcorn (popped)', 6, null, 'cup', 'popcorn', 'popped'],
  ['1 tsp ground cinnamon (optional)', 1, null, 'tsp', 'ground cinnamon', 'optional'],
  ['2 x 400 g cans chickpeas', 2, null, 'can', 'chickpeas', '400 g'],
  ['1 cup + 2 tbsp flour', 1.125, null, 'cup', 'flour', null],
  // No unit, sizes, no amount.
  ['1 large egg', 1, null, null, 'large egg', null],
  ['2 eggs', 2, null, null, 'eggs', null],
  ['1 egg yolk', 1, null, null, 'egg yolk', null],
  ['3 medium potatoes, peeled and diced', 3, null, null, 'medium potatoes', 'peeled and diced'],
  ['salt to taste', null, null, null, 'salt', 'to taste'],
  ['Salt and pepper, to taste', null, null, null, 'Salt and pepper', 'to taste'],
  ['Black pepper', null, null, null, 'Black pepper', null],
  ['whipped cream for serving', null, null, null, 'whipped cream', 'for serving'],
  ['Zest of 1 orange', null, null, null, 'Zest of 1 orange', null],
  ['V8 juice', null, null, null, 'V8 juice', null],
  ['about 2 cups rice', 2, null, 'cup', 'rice', null],
];

const expected = ([, quantity, quantityMax, unit, name, note]: Row): ParsedIngredient => ({
  name,
  quantity,
  unit,
  note,
  ...(quantityMax === null ? {} : { quantity_max: quantityMax }),
});

describe('reading an ingredient line', () => {
  it('has a table of at least 40 real lines', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
  });

  it.each(TABLE)('reads %j', (...row) => {
    expect(parseIngredientLine(row[0])).toEqual(expected(row));
  });

  it('names nothing when a line is only an amount', () => {
    expect(parseIngredientLine('½').name).toBe('');
  });

  it('reads its own output back the same (what the forms show when a recipe is edited)', () => {
    for (const row of TABLE) {
      const read = parseIngredientLine(row[0]);
      const amount =
        read.quantity === null
          ? ''
          : read.quantity_max === undefined
            ? String(read.quantity)
            : `${read.quantity}-${read.quantity_max}`;
      const written = [amount, read.unit, read.name].filter(Boolean).join(' ');
      const again = parseIngredientLine(read.note ? `${written}, ${read.note}` : written);
      // "2 eggs" written back with its unit "null" stays counted; a size stays in the name.
      expect(again, row[0]).toEqual(read);
    }
  });
});

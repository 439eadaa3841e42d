import { describe, expect, it } from 'vitest';
import {
  canonicalUnit,
  classifyUnit,
  convertQuantity,
  mergeIngredients,
  normaliseIngredientName,
  roundQuantity,
  scaleIngredients,
  singularise,
  subtractQuantities,
} from './quantities.ts';

const line = (quantity: number | null, unit: string | null, name: string) => ({ name, quantity, unit });

describe('units', () => {
  it('recognises the spellings recipes use', () => {
    expect(
      ['g', 'grams', 'Gram', 'kg', 'Kilograms', 'oz', 'Ounces', 'lb', 'lbs', 'Pounds'].map(canonicalUnit),
    ).toEqual(['g', 'g', 'g', 'kg', 'kg', 'oz', 'oz', 'lb', 'lb', 'lb']);
    expect(
      [
        'ml',
        'mL',
        'millilitres',
        'L',
        'liter',
        'tsp',
        'Teaspoons',
        'tbsp',
        'Tbsp.',
        'tablespoon',
        'cups',
        'fl. oz',
      ].map(canonicalUnit),
    ).toEqual(['ml', 'ml', 'ml', 'l', 'l', 'tsp', 'tsp', 'tbsp', 'tbsp', 'tbsp', 'cup', 'fl oz']);
    expect([null, '', 'count', 'pcs', 'Pieces', 'each'].map(canonicalUnit)).toEqual(Array(6).fill('count'));
    expect(canonicalUnit('Cloves')).toBe('clove');
    expect(classifyUnit('pinch')).toEqual({ kind: 'other', unit: 'pinch' });
  });

  it('converts within mass and within volume, exactly', () => {
    expect(convertQuantity(1, 'kg', 'g')).toBe(1000);
    expect(convertQuantity(1, 'lb', 'oz')).toBeCloseTo(16, 10);
    expect(convertQuantity(1, 'lb', 'g')).toBeCloseTo(453.59237, 10);
    expect(convertQuantity(1, 'cup', 'tbsp')).toBeCloseTo(16, 10);
    expect(convertQuantity(1, 'tbsp', 'tsp')).toBeCloseTo(3, 10);
    expect(convertQuantity(2, 'l', 'ml')).toBe(2000);
    expect(convertQuantity(1, 'cup', 'ml')).toBeCloseTo(236.588, 3);
    expect(convertQuantity(3, 'pieces', null)).toBe(3);
    expect(convertQuantity(2, 'cloves', 'clove')).toBe(2);
  });

  it('refuses to convert between things that do not measure the same', () => {
    expect(convertQuantity(1, 'kg', 'l')).toBeNull();
    expect(convertQuantity(1, 'cup', 'oz')).toBeNull();
    expect(convertQuantity(2, 'count', 'g')).toBeNull();
    expect(convertQuantity(1, 'clove', 'can')).toBeNull();
  });
});

describe('ingredient names', () => {
  it('treats case, punctuation, spacing and plurals alike', () => {
    expect(normaliseIngredientName('  Eggs ')).toBe('egg');
    expect(normaliseIngredientName('egg')).toBe('egg');
    expect(normaliseIngredientName('All-Purpose  Flour')).toBe('all purpose flour');
    expect(normaliseIngredientName('Tomatoes')).toBe(normaliseIngredientName('tomato'));
    expect(normaliseIngredientName('Cherries')).toBe('cherry');
    expect(normaliseIngredientName('peaches')).toBe('peach');
    expect(normaliseIngredientName('bay leaves')).toBe('bay leaf');
    expect(normaliseIngredientName('green onions')).toBe('green onion');
    expect(normaliseIngredientName('!!!')).toBe('');
  });

  it('leaves words that only look plural', () => {
    expect(
      ['hummus', 'couscous', 'molasses', 'asparagus', 'glass', 'rice', 'cheeses'].map(singularise),
    ).toEqual(['hummus', 'couscous', 'molasses', 'asparagus', 'glass', 'rice', 'cheese']);
  });
});

describe('rounding', () => {
  it('rounds amounts the way a cook reads them', () => {
    expect(roundQuantity(333.33, 'g')).toBe(335);
    expect(roundQuantity(42.4, 'g')).toBe(42);
    expect(roundQuantity(2.46, 'g')).toBe(2.5);
    expect(roundQuantity(1.2345, 'kg')).toBe(1.23);
    expect(roundQuantity(0.3333, 'cup')).toBe(0.333);
    expect(roundQuantity(0.7, 'tsp')).toBe(0.667);
    expect(roundQuantity(0.74, 'tsp')).toBe(0.75);
    expect(roundQuantity(1.1, 'tbsp')).toBe(1.125);
    expect(roundQuantity(1.3, null)).toBe(1.5);
    expect(roundQuantity(0.3, 'count')).toBe(0.25);
    expect(roundQuantity(2.6667, 'cloves')).toBe(2.67);
    expect(roundQuantity(1234.5, 'pinch')).toBe(1230);
  });

  it('rounds up when asked, and never rounds something to nothing', () => {
    expect(roundQuantity(101, 'g', 'up')).toBe(105);
    expect(roundQuantity(100.0000000001, 'g', 'up')).toBe(100);
    expect(roundQuantity(0.26, 'cup', 'up')).toBe(0.333);
    expect(roundQuantity(1.01, 'count', 'up')).toBe(1.5);
    expect(roundQuantity(0.01, 'g')).toBe(0.01);
    expect(roundQuantity(0.001, 'count')).toBe(0.001);
    expect(roundQuantity(1.23456, 'g', 'none')).toBe(1.23456);
    expect(roundQuantity(0, 'g')).toBe(0);
  });
});

describe('scaling', () => {
  const ingredients = [
    { name: 'spaghetti', quantity: 400, unit: 'g', note: null },
    { name: 'eggs', quantity: 3, unit: null, note: 'large' },
    { name: 'olive oil', quantity: 2, unit: 'tbsp', note: null },
    { name: 'salt', quantity: null, unit: null, note: 'to taste' },
  ];

  it('scales quantities and keeps units, notes and unquantified lines', () => {
    expect(scaleIngredients(ingredients, 4, 6)).toEqual([
      { name: 'spaghetti', quantity: 600, unit: 'g', note: null },
      { name: 'eggs', quantity: 4.5, unit: null, note: 'large' },
      { name: 'olive oil', quantity: 3, unit: 'tbsp', note: null },
      { name: 'salt', quantity: null, unit: null, note: 'to taste' },
    ]);
    expect(scaleIngredients(ingredients, 4, 1).map((i) => i.quantity)).toEqual([100, 0.75, 0.5, null]);
    expect(scaleIngredients(ingredients, 3, 1)[0]?.quantity).toBe(135);
    expect(scaleIngredients(ingredients, 4, 4)).toEqual(ingredients);
  });

  it('scales the top of a range with its bottom, and drops a range that rounding closes', () => {
    const apples = { name: 'apples', quantity: 2, quantity_max: 3, unit: null, note: null };
    expect(scaleIngredients([apples], 4, 8)).toEqual([{ ...apples, quantity: 4, quantity_max: 6 }]);
    const jam = { name: 'jam', quantity: 1, quantity_max: 1.05, unit: 'cup', note: null };
    expect(scaleIngredients([jam], 2, 1)).toEqual([{ name: 'jam', quantity: 0.5, unit: 'cup', note: null }]);
  });

  it('does not change the ingredients it was given', () => {
    const copy = structuredClone(ingredients);
    scaleIngredients(ingredients, 2, 5);
    expect(ingredients).toEqual(copy);
  });

  it('refuses servings that are not positive', () => {
    expect(() => scaleIngredients(ingredients, 0, 2)).toThrow(RangeError);
    expect(() => scaleIngredients(ingredients, 2, -1)).toThrow(RangeError);
  });
});

describe('merging', () => {
  it('adds counted things whether they were written with no unit or as a count', () => {
    expect(
      mergeIngredients([line(1, null, 'egg'), line(2, 'count', 'Eggs'), line(24, null, 'gummy worms')]),
    ).toEqual([line(3, 'count', 'egg'), line(24, 'count', 'gummy worms')]);
    expect(mergeIngredients([line(24, null, 'gummy worms'), line(12, null, 'Gummy Worms')])).toEqual([
      line(36, 'count', 'gummy worms'),
    ]);
  });

  it('adds like ingredients, converting compatible units', () => {
    expect(
      mergeIngredients([
        line(500, 'g', 'Flour'),
        line(1, 'kg', 'flour'),
        line(2, 'cups', 'milk'),
        line(250, 'ml', 'Milk'),
      ]),
    ).toEqual([line(1.5, 'kg', 'Flour'), line(725, 'ml', 'milk')]);
  });

  it('keeps one unit when every line used it', () => {
    expect(mergeIngredients([line(1, 'cup', 'rice'), line(2, 'cups', 'rice')])).toEqual([
      line(3, 'cup', 'rice'),
    ]);
    expect(mergeIngredients([line(600, 'g', 'beef'), line(600, 'g', 'beef')])).toEqual([
      line(1200, 'g', 'beef'),
    ]);
  });

  it('stays in US measures when every line did', () => {
    expect(mergeIngredients([line(8, 'oz', 'cheese'), line(1, 'lb', 'cheese')])).toEqual([
      line(1.5, 'lb', 'cheese'),
    ]);
    expect(mergeIngredients([line(4, 'oz', 'butter'), line(2, 'oz', 'butter')])).toEqual([
      line(6, 'oz', 'butter'),
    ]);
    expect(mergeIngredients([line(1, 'tsp', 'vanilla'), line(1, 'tbsp', 'vanilla')])).toEqual([
      line(1.333, 'tbsp', 'vanilla'),
    ]);
    expect(mergeIngredients([line(2, 'tbsp', 'sugar'), line(1, 'cup', 'sugar')])).toEqual([
      line(1.125, 'cup', 'sugar'),
    ]);
    expect(mergeIngredients([line(1, 'tsp', 'salt'), line(1, 'pinch', 'salt')])).toEqual([
      line(1, 'pinch', 'salt'),
      line(1, 'tsp', 'salt'),
    ]);
  });

  it('keeps incompatible units apart', () => {
    expect(
      mergeIngredients([line(2, 'count', 'eggs'), line(100, 'g', 'eggs'), line(1, null, 'egg')]),
    ).toEqual([line(3, 'count', 'eggs'), line(100, 'g', 'eggs')]);
    expect(mergeIngredients([line(1, 'cup', 'flour'), line(100, 'g', 'flour')])).toEqual([
      line(100, 'g', 'flour'),
      line(1, 'cup', 'flour'),
    ]);
    expect(
      mergeIngredients([line(2, 'cloves', 'garlic'), line(1, 'clove', 'Garlic'), line(1, 'head', 'garlic')]),
    ).toEqual([line(3, 'clove', 'garlic'), line(1, 'head', 'garlic')]);
  });

  it('drops "to taste" lines when an amount of the same thing is bought anyway', () => {
    expect(
      mergeIngredients([line(null, null, 'salt'), line(5, 'g', 'Salt'), line(null, null, 'pepper')]),
    ).toEqual([line(null, null, 'pepper'), line(5, 'g', 'Salt')]);
  });

  it('rounds merged amounts up so the shopping covers the recipes', () => {
    expect(mergeIngredients([line(1, 'cup', 'milk'), line(100, 'ml', 'milk')])).toEqual([
      line(340, 'ml', 'milk'),
    ]);
    expect(
      mergeIngredients([line(1, 'cup', 'milk'), line(100, 'ml', 'milk')], { rounding: 'none' })[0]?.quantity,
    ).toBeCloseTo(336.588, 3);
  });

  it('ignores lines without a name or with a negative or impossible amount', () => {
    expect(
      mergeIngredients([line(1, 'g', '  '), line(-2, 'g', 'flour'), line(Number.NaN, 'g', 'sugar')]),
    ).toEqual([]);
  });
});

describe('subtracting the pantry', () => {
  it('subtracts what is at home in any compatible unit', () => {
    expect(
      subtractQuantities(
        [line(1, 'kg', 'flour'), line(500, 'g', 'flour'), line(2, 'cups', 'milk')],
        [line(1, 'lb', 'Flour'), line(1, 'l', 'milk')],
      ),
    ).toEqual([line(1.05, 'kg', 'flour')]);
  });

  it('drops a line the pantry covers and keeps the rest of a partly covered one', () => {
    expect(
      subtractQuantities(
        [line(6, null, 'eggs'), line(200, 'g', 'butter')],
        [line(12, 'count', 'egg'), line(50, 'g', 'butter')],
      ),
    ).toEqual([line(150, 'g', 'butter')]);
  });

  it('subtracts only in compatible units', () => {
    expect(
      subtractQuantities([line(2, 'count', 'eggs'), line(100, 'g', 'eggs')], [line(6, 'count', 'eggs')]),
    ).toEqual([line(100, 'g', 'eggs')]);
    expect(subtractQuantities([line(1, 'cup', 'flour')], [line(1, 'kg', 'flour')])).toEqual([
      line(1, 'cup', 'flour'),
    ]);
  });

  it('counts "to taste" as covered when any of it is at home, and ignores empty pantry items', () => {
    expect(
      subtractQuantities([line(null, null, 'salt'), line(null, null, 'pepper')], [line(1, 'kg', 'salt')]),
    ).toEqual([line(null, null, 'pepper')]);
    expect(subtractQuantities([line(null, null, 'pepper')], [line(0, 'g', 'pepper')])).toEqual([
      line(null, null, 'pepper'),
    ]);
  });

  it('picks the unit for what is left from the units the recipes used', () => {
    expect(
      subtractQuantities([line(500, 'g', 'rice'), line(1, 'kg', 'rice')], [line(1.2, 'kg', 'rice')]),
    ).toEqual([line(300, 'g', 'rice')]);
    expect(subtractQuantities([line(1.5, 'kg', 'rice')], [line(1200, 'g', 'rice')])).toEqual([
      line(0.3, 'kg', 'rice'),
    ]);
  });
});

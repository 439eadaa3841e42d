// Kitchen quantities: scale recipes, and merge ingredient lines into a shopping list minus what
// the pantry holds, converting compatible units (units.ts). Pure functions: the shopping-list
// generator and other apps (through the recipes client) share them.

import {
  BY_UNIT,
  classifyUnit,
  EPSILON,
  normaliseIngredientName,
  type Rounding,
  roundQuantity,
} from './units.ts';

export {
  canonicalUnit,
  classifyUnit,
  convertQuantity,
  type Dimension,
  normaliseIngredientName,
  type Rounding,
  roundQuantity,
  singularise,
  type UnitKind,
} from './units.ts';

export interface QuantityLine {
  name: string;
  /** null: "to taste", "a pinch" — no amount to add up. */
  quantity: number | null;
  unit: string | null;
}

export interface ScalableIngredient {
  quantity: number | null;
  /** The top of a range, scaled with the bottom. */
  quantity_max?: number;
  unit: string | null;
}

/** Ingredients for `toServes` people from a recipe for `fromServes`; units stay as written. */
export function scaleIngredients<T extends ScalableIngredient>(
  ingredients: readonly T[],
  fromServes: number,
  toServes: number,
): T[] {
  if (!(fromServes > 0) || !(toServes > 0)) throw new RangeError('servings must be positive');
  const factor = toServes / fromServes;
  const scale = (quantity: number, unit: string | null) => roundQuantity(quantity * factor, unit, 'nearest');
  return ingredients.map((ingredient) => {
    if (ingredient.quantity === null) return { ...ingredient };
    const scaled = { ...ingredient, quantity: scale(ingredient.quantity, ingredient.unit) };
    if (typeof ingredient.quantity_max === 'number') {
      const max = scale(ingredient.quantity_max, ingredient.unit);
      // Rounding can close a narrow range ("1–1.1 cups" for two people): one amount then.
      if (max > scaled.quantity) scaled.quantity_max = max;
      else delete scaled.quantity_max;
    }
    return scaled;
  });
}

interface Group {
  key: string;
  name: string;
  normalised: string;
  /** 'mass' | 'volume' | 'count' | 'other:<unit>' | 'unquantified' */
  dimension: string;
  /** Grams, millilitres, or the count / amount in the group's one unit. */
  amount: number;
  units: Set<string>;
  rawUnit: string | null;
}

function dimensionOf(line: QuantityLine): { dimension: string; base: number; unit: string } | undefined {
  if (line.quantity === null) return undefined;
  const kind = classifyUnit(line.unit);
  if (kind.kind === 'measure') {
    return {
      dimension: kind.definition.dimension,
      base: line.quantity * kind.definition.toBase,
      unit: kind.definition.unit,
    };
  }
  if (kind.kind === 'count') return { dimension: 'count', base: line.quantity, unit: 'count' };
  return { dimension: `other:${kind.unit}`, base: line.quantity, unit: kind.unit };
}

function groupLines(lines: readonly QuantityLine[]): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const line of lines) {
    const normalised = normaliseIngredientName(line.name);
    if (!normalised) continue;
    if (line.quantity !== null && !(Number.isFinite(line.quantity) && line.quantity >= 0)) continue;
    const measured = dimensionOf(line);
    const dimension = measured?.dimension ?? 'unquantified';
    const key = `${normalised}\u0000${dimension}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        key,
        name: line.name.trim(),
        normalised,
        dimension,
        amount: 0,
        units: new Set(),
        rawUnit: line.unit?.trim() || null,
      };
      groups.set(key, group);
    }
    if (measured) {
      group.amount += measured.base;
      group.units.add(measured.unit);
    }
  }
  return groups;
}

/** The unit a merged amount reads best in, given the units it was written in. */
function displayUnit(group: Group, amount: number): string | null {
  if (group.dimension === 'count') return 'count';
  if (group.dimension.startsWith('other:')) return group.dimension.slice('other:'.length);
  if (group.dimension === 'unquantified') return group.rawUnit;
  const units = [...group.units];
  if (units.length === 1 && units[0]) return units[0];
  const imperial = units.every((u) => BY_UNIT.get(u)?.system === 'imperial');
  if (group.dimension === 'mass') {
    if (imperial) return amount >= 453.59237 - EPSILON ? 'lb' : 'oz';
    return amount >= 1000 - EPSILON ? 'kg' : 'g';
  }
  if (imperial) {
    if (amount >= 236.5882365 / 4 - EPSILON) return 'cup';
    return amount >= 14.78676478125 - EPSILON ? 'tbsp' : 'tsp';
  }
  return amount >= 1000 - EPSILON ? 'l' : 'ml';
}

function toLine(group: Group, amount: number, rounding: Rounding): QuantityLine {
  if (group.dimension === 'unquantified') return { name: group.name, quantity: null, unit: group.rawUnit };
  const unit = displayUnit(group, amount);
  const definition = unit ? BY_UNIT.get(unit) : undefined;
  const inUnit = definition && !group.dimension.startsWith('other:') ? amount / definition.toBase : amount;
  return { name: group.name, quantity: roundQuantity(inUnit, unit, rounding), unit };
}

const TOLERANCE = 1e-6;

export interface ShoppingOptions {
  /** How to round the amounts to buy (default 'up': never buy less than needed). */
  rounding?: Rounding;
}

/**
 * What to buy for `needs` when `have` is at home: like ingredients merged (same normalised name
 * and a compatible unit), what is at home in a compatible unit subtracted, lines fully covered
 * dropped. Incompatible units stay separate lines ('2 count eggs' and '100 g eggs'). A line
 * without a quantity ('salt, to taste') is dropped when the same thing is needed in an amount
 * or any of it is at home. Sorted by name.
 */
export function subtractQuantities(
  needs: readonly QuantityLine[],
  have: readonly QuantityLine[],
  options: ShoppingOptions = {},
): QuantityLine[] {
  const rounding = options.rounding ?? 'up';
  const needed = groupLines(needs);
  const stocked = groupLines(have.filter((line) => line.quantity === null || line.quantity > 0));
  const measuredNames = new Set(
    [...needed.values()].filter((g) => g.dimension !== 'unquantified').map((g) => g.normalised),
  );
  const stockedNames = new Set([...stocked.values()].map((g) => g.normalised));
  const lines: { name: string; dimension: string; line: QuantityLine }[] = [];
  for (const group of needed.values()) {
    if (group.dimension === 'unquantified') {
      if (measuredNames.has(group.normalised) || stockedNames.has(group.normalised)) continue;
      lines.push({ name: group.normalised, dimension: '', line: toLine(group, 0, rounding) });
      continue;
    }
    const atHome = stocked.get(group.key)?.amount ?? 0;
    const missing = group.amount - atHome;
    if (missing <= TOLERANCE * Math.max(1, group.amount)) continue;
    lines.push({
      name: group.normalised,
      dimension: group.dimension,
      line: toLine(group, missing, rounding),
    });
  }
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return lines.sort((a, b) => order(a.name, b.name) || order(a.dimension, b.dimension)).map((l) => l.line);
}

/** Like ingredients merged into one line each (compatible units converted), nothing subtracted. */
export function mergeIngredients(
  lines: readonly QuantityLine[],
  options: ShoppingOptions = {},
): QuantityLine[] {
  return subtractQuantities(lines, [], options);
}

// Kitchen units and amounts: recognise a unit's spellings, convert within mass (mg, g, kg, oz, lb)
// and volume (ml, cl, dl, l, tsp, tbsp, fl oz, cup, pint, quart, gallon), name the units that
// count things (clove, can, pinch), compare ingredient names, round as a cook reads. Shared by
// the services that take ingredients (the ingredient-line reader, shopping lists, scaling).

export type Rounding = 'up' | 'nearest' | 'none';

export type Dimension = 'mass' | 'volume';

export interface UnitDefinition {
  unit: string;
  dimension: Dimension;
  /** Grams or millilitres in one of this unit. */
  toBase: number;
  system: 'metric' | 'imperial';
}

const DEFINITIONS: readonly UnitDefinition[] = [
  { unit: 'mg', dimension: 'mass', toBase: 0.001, system: 'metric' },
  { unit: 'g', dimension: 'mass', toBase: 1, system: 'metric' },
  { unit: 'kg', dimension: 'mass', toBase: 1000, system: 'metric' },
  { unit: 'oz', dimension: 'mass', toBase: 28.349523125, system: 'imperial' },
  { unit: 'lb', dimension: 'mass', toBase: 453.59237, system: 'imperial' },
  { unit: 'ml', dimension: 'volume', toBase: 1, system: 'metric' },
  { unit: 'cl', dimension: 'volume', toBase: 10, system: 'metric' },
  { unit: 'dl', dimension: 'volume', toBase: 100, system: 'metric' },
  { unit: 'l', dimension: 'volume', toBase: 1000, system: 'metric' },
  // US customary measures, as recipes on the web use them.
  { unit: 'tsp', dimension: 'volume', toBase: 4.92892159375, system: 'imperial' },
  { unit: 'tbsp', dimension: 'volume', toBase: 14.78676478125, system: 'imperial' },
  { unit: 'fl oz', dimension: 'volume', toBase: 29.5735295625, system: 'imperial' },
  { unit: 'cup', dimension: 'volume', toBase: 236.5882365, system: 'imperial' },
  { unit: 'pt', dimension: 'volume', toBase: 473.176473, system: 'imperial' },
  { unit: 'qt', dimension: 'volume', toBase: 946.352946, system: 'imperial' },
  { unit: 'gal', dimension: 'volume', toBase: 3785.411784, system: 'imperial' },
];

export const BY_UNIT = new Map(DEFINITIONS.map((d) => [d.unit, d]));

const ALIASES: Record<string, string> = {
  mgs: 'mg',
  milligram: 'mg',
  milligrams: 'mg',
  milligramme: 'mg',
  milligrammes: 'mg',
  gr: 'g',
  gram: 'g',
  grams: 'g',
  gramme: 'g',
  grammes: 'g',
  kgs: 'kg',
  kilo: 'kg',
  kilos: 'kg',
  kilogram: 'kg',
  kilograms: 'kg',
  kilogramme: 'kg',
  kilogrammes: 'kg',
  ounce: 'oz',
  ounces: 'oz',
  lbs: 'lb',
  pound: 'lb',
  pounds: 'lb',
  mls: 'ml',
  milliliter: 'ml',
  milliliters: 'ml',
  millilitre: 'ml',
  millilitres: 'ml',
  centiliter: 'cl',
  centiliters: 'cl',
  centilitre: 'cl',
  centilitres: 'cl',
  deciliter: 'dl',
  deciliters: 'dl',
  decilitre: 'dl',
  decilitres: 'dl',
  ltr: 'l',
  liter: 'l',
  liters: 'l',
  litre: 'l',
  litres: 'l',
  tsps: 'tsp',
  teaspoon: 'tsp',
  teaspoons: 'tsp',
  tbs: 'tbsp',
  tbl: 'tbsp',
  tbsps: 'tbsp',
  tablespoon: 'tbsp',
  tablespoons: 'tbsp',
  cups: 'cup',
  pint: 'pt',
  pints: 'pt',
  quart: 'qt',
  quarts: 'qt',
  qts: 'qt',
  gallon: 'gal',
  gallons: 'gal',
  floz: 'fl oz',
  'fluid ounce': 'fl oz',
  'fluid ounces': 'fl oz',
};

/** Spellings that all mean "this many of the thing". */
const COUNT_WORDS = new Set([
  '',
  'count',
  'piece',
  'pieces',
  'pc',
  'pcs',
  'each',
  'ea',
  'whole',
  'unit',
  'units',
  'x',
]);

/**
 * Units that count or portion a thing rather than measure it: read as units in an ingredient
 * line ("3 cloves garlic", "1 pinch of salt") and kept apart when adding up. Singular, with the
 * plural where adding an "s" would be wrong.
 */
export const PORTION_UNITS: Readonly<Record<string, string>> = {
  bag: 'bags',
  bottle: 'bottles',
  box: 'boxes',
  bunch: 'bunches',
  can: 'cans',
  carton: 'cartons',
  clove: 'cloves',
  container: 'containers',
  cube: 'cubes',
  dash: 'dashes',
  dozen: 'dozen',
  drop: 'drops',
  ear: 'ears',
  envelope: 'envelopes',
  fillet: 'fillets',
  handful: 'handfuls',
  head: 'heads',
  jar: 'jars',
  knob: 'knobs',
  pack: 'packs',
  package: 'packages',
  packet: 'packets',
  pinch: 'pinches',
  rasher: 'rashers',
  scoop: 'scoops',
  sheet: 'sheets',
  slice: 'slices',
  splash: 'splashes',
  sprig: 'sprigs',
  stalk: 'stalks',
  stick: 'sticks',
  tin: 'tins',
};

/** What a unit string means for adding up. */
export type UnitKind =
  | { kind: 'measure'; definition: UnitDefinition }
  | { kind: 'count' }
  | { kind: 'other'; unit: string };

const cleanUnit = (unit: string | null | undefined): string =>
  (unit ?? '').toLowerCase().replaceAll('.', ' ').replace(/\s+/g, ' ').trim();

export function classifyUnit(unit: string | null | undefined): UnitKind {
  const clean = cleanUnit(unit);
  if (COUNT_WORDS.has(clean)) return { kind: 'count' };
  const definition = BY_UNIT.get(ALIASES[clean] ?? clean);
  if (definition) return { kind: 'measure', definition };
  return { kind: 'other', unit: singularise(clean) };
}

/** The canonical spelling of a unit ('Tablespoons' → 'tbsp', null → 'count', 'Cloves' → 'clove'). */
export function canonicalUnit(unit: string | null | undefined): string {
  const kind = classifyUnit(unit);
  if (kind.kind === 'measure') return kind.definition.unit;
  return kind.kind === 'count' ? 'count' : kind.unit;
}

/** `quantity` of `from` expressed in `to`, or null when the units do not measure the same thing. */
export function convertQuantity(quantity: number, from: string | null, to: string | null): number | null {
  const source = classifyUnit(from);
  const target = classifyUnit(to);
  if (source.kind === 'measure' && target.kind === 'measure') {
    if (source.definition.dimension !== target.definition.dimension) return null;
    return (quantity * source.definition.toBase) / target.definition.toBase;
  }
  if (source.kind === 'count' && target.kind === 'count') return quantity;
  if (source.kind === 'other' && target.kind === 'other' && source.unit === target.unit) return quantity;
  return null;
}

const INVARIANT = new Set([
  'asparagus',
  'bass',
  'couscous',
  'hummus',
  'molasses',
  'octopus',
  'swiss',
  'citrus',
  'grits',
  'series',
  'species',
]);
const IRREGULAR: Record<string, string> = {
  leaves: 'leaf',
  loaves: 'loaf',
  halves: 'half',
  knives: 'knife',
  geese: 'goose',
  mice: 'mouse',
  teeth: 'tooth',
};

/** A plural English noun's singular, by the common rules ('tomatoes' → 'tomato', 'berries' → 'berry'). */
export function singularise(word: string): string {
  if (word.length < 3 || INVARIANT.has(word)) return word;
  const irregular = IRREGULAR[word];
  if (irregular) return irregular;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('oes')) return word.slice(0, -2);
  if (/(ch|sh|x|z|ss)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/**
 * The key under which ingredient names count as the same thing: case, punctuation, spacing and
 * a plural head noun do not matter ('Eggs' = 'egg', 'all-purpose flour' = 'All Purpose Flour').
 */
export function normaliseIngredientName(name: string): string {
  const words = name
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}\s]+/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
  const last = words.pop();
  if (last === undefined) return '';
  return [...words, singularise(last)].join(' ');
}

// Kitchen fractions: a third of a cup is common, an eighth of a teaspoon too.
const FRACTIONS = [0, 1 / 8, 1 / 4, 1 / 3, 3 / 8, 1 / 2, 5 / 8, 2 / 3, 3 / 4, 7 / 8, 1];
export const EPSILON = 1e-9;

const tidy = (value: number): number => Number(value.toFixed(3));

function roundToStep(value: number, step: number, mode: Exclude<Rounding, 'none'>): number {
  const steps = value / step;
  const whole = mode === 'up' ? Math.ceil(steps - EPSILON) : Math.round(steps);
  return whole * step;
}

function roundToFraction(value: number, mode: Exclude<Rounding, 'none'>): number {
  const whole = Math.floor(value);
  const rest = value - whole;
  let best = 1;
  if (mode === 'up') {
    best = FRACTIONS.find((f) => f >= rest - EPSILON) ?? 1;
  } else {
    for (const f of FRACTIONS) if (Math.abs(f - rest) < Math.abs(best - rest)) best = f;
  }
  return whole + best;
}

/**
 * Rounds an amount the way a cook reads it: grams and millilitres to whole (or 5) units,
 * kilograms, litres and pounds to hundredths, spoons and cups to kitchen fractions, counts to
 * halves (quarters below one). A positive amount never rounds to zero.
 */
export function roundQuantity(value: number, unit: string | null, mode: Rounding = 'nearest'): number {
  if (mode === 'none' || !Number.isFinite(value) || value <= 0) return Math.max(value, 0);
  const canonical = canonicalUnit(unit);
  let rounded: number;
  switch (canonical) {
    case 'g':
    case 'ml':
      rounded = roundToStep(value, value >= 100 ? 5 : value >= 10 ? 1 : 0.1, mode);
      break;
    case 'kg':
    case 'l':
    case 'lb':
      rounded = roundToStep(value, value >= 10 ? 0.1 : 0.01, mode);
      break;
    case 'oz':
    case 'fl oz':
      rounded = roundToStep(value, 0.25, mode);
      break;
    case 'tsp':
    case 'tbsp':
    case 'cup':
      rounded = roundToFraction(value, mode);
      break;
    case 'count':
      rounded = roundToStep(value, value < 1 ? 0.25 : 0.5, mode);
      break;
    default: {
      // Units we do not know (cloves, cans, pinches): three significant digits.
      const magnitude = 10 ** (Math.floor(Math.log10(value)) - 2);
      rounded = roundToStep(value, Math.max(magnitude, 0.01), mode);
    }
  }
  if (rounded <= 0) return Number(value.toPrecision(2));
  return tidy(rounded);
}

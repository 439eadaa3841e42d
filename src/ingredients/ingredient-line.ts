// Reads an ingredient line as a cook writes it ("1½ cups flour, sifted", "24 gummy worms",
// "1 can (14 oz) pumpkin purée", "salt to taste") into {quantity, quantity_max, unit, name, note},
// with units in the spelling the shopping lists add up (units.ts: "tablespoons" → "tbsp").
//
// Numbers, ranges and unit words come from parse-ingredient (MIT, typed, kept up, 44 KB with its
// one dependency, numeric-quantity, by the same author). Tried on a table of 63 real lines for
// amount, range and unit, it read 60 (the rest are the rules below); recipe-ingredient-parser-v3
// read 36 (ranges, "200g", "lb." wrong; a stale fork) and @jlucaspains/sharp-recipe-parser 51
// ("T" as a teaspoon, "large" dropped from names). What it leaves to us is ours here:
// parentheticals and commas become the note, "to taste", "a pinch", "1 x 400 g tin", "1 cup +
// 2 tbsp", and a line that does not start with an amount is all name ("Zest of 1 orange" must
// not read as 1 "Zest of orange", nor "V8 juice" as 8 "V").
import { parseIngredient, type UnitOfMeasureDefinitions, unitsOfMeasure } from 'parse-ingredient';
import { BY_UNIT, classifyUnit, PORTION_UNITS } from './units.ts';

export interface ParsedIngredient {
  name: string;
  /** null: no amount ("salt to taste"). */
  quantity: number | null;
  /** The top of a range ("2–3 apples": quantity 2, quantity_max 3); absent otherwise. */
  quantity_max?: number;
  /** null: the thing is counted ("24 gummy worms") or has no amount. */
  unit: string | null;
  note: string | null;
}

/** Our units the library does not know (tin, jar, slice, handful…), as it wants them. */
const EXTRA_UNITS: UnitOfMeasureDefinitions = Object.fromEntries(
  Object.entries(PORTION_UNITS)
    .filter(([unit]) => !(unit in unitsOfMeasure))
    .map(([unit, plural]) => [unit, { short: unit, plural, alternates: [], type: 'count' as const }]),
);
EXTRA_UNITS.centiliter = {
  short: 'cl',
  plural: 'centiliters',
  alternates: ['cl.', 'centilitre', 'centilitres'],
  type: 'volume',
};

// Sizes describe the thing ("1 large egg" is an egg), they do not measure it.
const SIZES = ['large', 'lg', 'lg.', 'medium', 'med', 'med.', 'md', 'md.', 'small', 'sm', 'sm.'];

const OPTIONS = {
  additionalUOMs: EXTRA_UNITS,
  ignoreUOMs: SIZES,
  // Only a leading amount counts (checked before the library is asked): no trailing "x2".
  trailingQuantityContext: [],
};

/** The library's unit ids that are not spelled as units.ts spells them. */
const LENGTHS: Record<string, string> = { centimeter: 'cm', millimeter: 'mm', meter: 'm' };

const VULGAR = '¼½¾⅐⅑⅒⅓⅔⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞';
const STARTS_WITH_AMOUNT = new RegExp(`^(?:\\d|\\.\\d|[${VULGAR}])`);
// The library tries every prefix of a run of numbers, which grows with its square: no amount a
// cook writes takes more than a few characters, so a longer run is not read as one.
const NUMBER_RUN = new RegExp(`^[\\d\\s.,/⁄${VULGAR}+\\-–—x×]*`, 'i');
const LONGEST_AMOUNT = 24;

const NUMBER_WORDS: Record<string, string> = {
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  ten: '10',
  eleven: '11',
  twelve: '12',
};

const UNIT_WORDS = new Set(
  Object.entries(PORTION_UNITS).flat().concat(['cup', 'tablespoon', 'tbsp', 'teaspoon', 'tsp', 'dozen']),
);

const TRAILING_NOTES =
  /\s+(to taste|as needed|as required|if needed|optional|for garnish|to garnish|for serving|to serve|for dusting|for frying)$/i;
const APPROXIMATELY = new RegExp(
  `^(?:about|approximately|approx\\.?|around|roughly|ca\\.?|~)\\s*(?=\\d|[${VULGAR}])`,
  'i',
);

const tidy = (text: string) => text.replace(/\s+/g, ' ').trim();
const joinNotes = (notes: readonly string[]) => {
  const kept = notes.map(tidy).filter(Boolean);
  return kept.length > 0 ? kept.join(', ') : null;
};

/** "(14 oz)" and "(optional)" out of the line, into notes; nested ones come out inside first. */
function takeParentheticals(text: string): { rest: string; notes: string[] } {
  const notes: string[] = [];
  let rest = text;
  for (;;) {
    const next = rest.replace(/\s*[([]([^()[\]]*)[)\]]/, (_whole, inner: string) => {
      notes.push(inner);
      return ' ';
    });
    if (next === rest) break;
    rest = next;
  }
  return { rest: tidy(rest), notes };
}

/** "1,5 kg" is one and a half; "1,000 g" a thousand; any other comma starts the note. */
const readDecimalCommas = (text: string) =>
  text.replace(/(\d),(\d{3})(?!\d)/g, '$1$2').replace(/(\d),(\d{1,2})(?!\d)/g, '$1.$2');

/** "a pinch of salt", "two eggs": the word as a number. "a little oil" stays as written. */
function readNumberWords(text: string): string {
  const match = /^(\p{L}+)\s+(\S+)/u.exec(text);
  if (!match) return text;
  const [, word = '', next = ''] = match;
  const lower = word.toLowerCase();
  const digits = NUMBER_WORDS[lower];
  if (digits) return `${digits}${text.slice(word.length)}`;
  if ((lower === 'a' || lower === 'an') && UNIT_WORDS.has(next.toLowerCase().replace(/\.$/, ''))) {
    return `1${text.slice(word.length)}`;
  }
  return text;
}

interface Amount {
  quantity: number | null;
  quantity_max?: number;
  unit: string | null;
  name: string;
}

/** A unit id of the library in our spelling; null for a thing that is simply counted. */
function ourUnit(id: string | null): string | null {
  if (!id) return null;
  const kind = classifyUnit(LENGTHS[id] ?? id);
  if (kind.kind === 'count') return null;
  return kind.kind === 'measure' ? kind.definition.unit : kind.unit;
}

function readAmount(text: string): Amount {
  const [parsed] = parseIngredient(text, OPTIONS);
  if (!parsed || parsed.quantity === null) return { quantity: null, unit: null, name: text };
  const amount: Amount = {
    quantity: parsed.quantity,
    unit: ourUnit(parsed.unitOfMeasureID),
    name: tidy(parsed.description),
  };
  if (parsed.quantity2 !== null && parsed.quantity2 > parsed.quantity) amount.quantity_max = parsed.quantity2;
  return amount;
}

/** "1 cup + 2 tbsp flour": one amount in the first unit, when the two measure the same thing. */
function addSecondAmount(amount: Amount): Amount {
  const plus = /^(?:\+|plus|and)\s+(?=\d|[¼½¾⅓⅔⅛⅜⅝⅞])/i.exec(amount.name);
  if (!plus || amount.quantity === null || amount.quantity_max !== undefined || !amount.unit) return amount;
  const second = readAmount(amount.name.slice(plus[0].length));
  const first = BY_UNIT.get(amount.unit);
  const other = second.unit ? BY_UNIT.get(second.unit) : undefined;
  if (!first || !other || first.dimension !== other.dimension || second.quantity === null) return amount;
  if (second.quantity_max !== undefined) return amount;
  const added = amount.quantity + (second.quantity * other.toBase) / first.toBase;
  return { ...amount, quantity: Number(added.toFixed(3)), name: second.name };
}

/**
 * "2 x 400 g cans chickpeas": two cans, each 400 g; "1 x 400g tin tomatoes" likewise. Without a
 * container word ("2 x 200 g salmon fillets") it is two of the thing, the weight a note.
 */
function readMultiplied(text: string): { amount: Amount; note: string } | null {
  const match = /^(\d+)\s*[x×]\s*(?=\d)/i.exec(text);
  if (!match) return null;
  const each = readAmount(text.slice(match[0].length));
  if (each.quantity === null || !each.unit || each.quantity_max !== undefined) return null;
  if (classifyUnit(each.unit).kind !== 'measure') return null;
  const note = `${each.quantity} ${each.unit}`;
  const [first = '', ...others] = each.name.split(' ');
  const container = classifyUnit(first.toLowerCase());
  const count = Number(match[1]);
  if (others.length > 0 && container.kind === 'other' && PORTION_UNITS[container.unit]) {
    return { amount: { quantity: count, unit: container.unit, name: others.join(' ') }, note };
  }
  return { amount: { quantity: count, unit: null, name: each.name }, note };
}

/** One ingredient line read into its parts; the name is empty when the line names nothing. */
export function parseIngredientLine(line: string): ParsedIngredient {
  const { rest, notes } = takeParentheticals(tidy(line.replace(/\u00a0/g, ' ')));
  const text = readDecimalCommas(rest);
  const comma = text.indexOf(',');
  let head = tidy(comma === -1 ? text : text.slice(0, comma));
  const afterComma = comma === -1 ? '' : text.slice(comma + 1);
  const trailing = TRAILING_NOTES.exec(head);
  if (trailing) head = head.slice(0, trailing.index);
  const tailNotes = [...notes, trailing?.[1] ?? '', afterComma];

  head = readNumberWords(head.replace(APPROXIMATELY, ''));
  let amount: Amount = { quantity: null, unit: null, name: head };
  if (STARTS_WITH_AMOUNT.test(head) && (NUMBER_RUN.exec(head)?.[0].length ?? 0) <= LONGEST_AMOUNT) {
    const multiplied = readMultiplied(head);
    if (multiplied) {
      amount = multiplied.amount;
      tailNotes.unshift(multiplied.note);
    } else {
      amount = addSecondAmount(readAmount(head));
    }
  }
  const result: ParsedIngredient = {
    name: amount.quantity === null ? tidy(head) : amount.name,
    quantity: amount.quantity,
    unit: amount.unit,
    note: joinNotes(tailNotes),
  };
  if (amount.quantity_max !== undefined) result.quantity_max = amount.quantity_max;
  return result;
}

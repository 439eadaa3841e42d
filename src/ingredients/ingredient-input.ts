// What an API caller may send as an ingredient, and the one ingredient it becomes: a line as a
// cook writes it ("24 gummy worms"), read on the server by ingredient-line.ts, or the fields
// already split ({name, quantity, quantity_max, unit, note}). The services that take
// ingredients (Hollowtown's recipes, HowToCookAtHome's recipes and shopping lists) all read
// them here, so an API caller, the web forms and the preview get the same answer.
import { PlatformErrors } from '../platform/errors.ts';
import { type ParsedIngredient, parseIngredientLine } from './ingredient-line.ts';

/** Longest ingredient line a service reads. */
export const MAX_LINE_LENGTH = 300;

export interface IngredientFields {
  name: string;
  quantity?: number | null;
  /** The top of a range: "2–3 apples" is quantity 2, quantity_max 3. */
  quantity_max?: number | null;
  unit?: string | null;
  note?: string | null;
}

/** A line to read, or the fields already split. */
export type IngredientInput = string | IngredientFields;

/** An ingredient as stored: quantity_max only on a range. */
export type Ingredient = ParsedIngredient;

export interface IngredientLimits {
  name: number;
  unit: number;
  note: number;
  quantity: number;
  /** Whether 0 is an amount (HowToCookAtHome: yes; Hollowtown wants a positive one). */
  allowsZero: boolean;
}

export type IngredientReading =
  | { ingredient: Ingredient; problem: null }
  /** `field`: the field of a split ingredient that is wrong ("quantity_max"). */
  | { ingredient: null; problem: string; field?: string };

const blankToNull = (text: string | null | undefined) => {
  const trimmed = text?.trim();
  return trimmed ? trimmed : null;
};

/** What is wrong with an amount, said of a field ("must be …") or of a line ("reads as …"). */
function amountProblem(value: number, limits: IngredientLimits, isLine: boolean): string | null {
  const most = limits.quantity.toLocaleString('en');
  if (!Number.isFinite(value) || value < 0) return 'must be a number of at least 0';
  if (value === 0 && !limits.allowsZero)
    return isLine ? 'reads as an amount of 0 (write one above 0)' : 'must be above 0';
  if (value > limits.quantity) return isLine ? `reads as an amount above ${most}` : `must be at most ${most}`;
  return null;
}

function checked(ingredient: Ingredient, limits: IngredientLimits, isLine: boolean): IngredientReading {
  const fail = (field: string, problem: string): IngredientReading =>
    isLine ? { ingredient: null, problem } : { ingredient: null, problem, field };
  const tooLong = (field: string, most: number) =>
    fail(
      field,
      isLine ? `reads as a ${field} longer than ${most} characters` : `must have at most ${most} characters`,
    );
  if (!ingredient.name) {
    return fail(
      'name',
      isLine ? 'names no ingredient (write what it is, e.g. “2 cups flour”)' : 'must not be blank',
    );
  }
  if (ingredient.name.length > limits.name) return tooLong('name', limits.name);
  if (ingredient.unit !== null && ingredient.unit.length > limits.unit) return tooLong('unit', limits.unit);
  if (ingredient.note !== null && ingredient.note.length > limits.note) return tooLong('note', limits.note);
  for (const [field, value] of [
    ['quantity', ingredient.quantity],
    ['quantity_max', ingredient.quantity_max],
  ] as const) {
    const problem = value === null || value === undefined ? null : amountProblem(value, limits, isLine);
    if (problem) return fail(field, problem);
  }
  return { ingredient, problem: null };
}

/** The fields as stored: trimmed, blanks as null, quantity_max kept only above quantity. */
function fromFields(fields: IngredientFields, limits: IngredientLimits): IngredientReading {
  const quantity = fields.quantity ?? null;
  const max = fields.quantity_max ?? null;
  if (max !== null && quantity === null) {
    return {
      ingredient: null,
      problem: 'needs a quantity too (the bottom of the range)',
      field: 'quantity_max',
    };
  }
  if (max !== null && quantity !== null && max < quantity) {
    return { ingredient: null, problem: 'must not be below quantity', field: 'quantity_max' };
  }
  const ingredient: Ingredient = {
    name: fields.name.trim(),
    quantity,
    unit: blankToNull(fields.unit),
    note: blankToNull(fields.note),
  };
  if (max !== null && quantity !== null && max > quantity) ingredient.quantity_max = max;
  return checked(ingredient, limits, false);
}

/** One input read, or what is wrong with it (for a preview, where a bad line is not an error). */
export function readIngredient(input: IngredientInput, limits: IngredientLimits): IngredientReading {
  if (typeof input !== 'string') return fromFields(input, limits);
  if (input.length > MAX_LINE_LENGTH) {
    return { ingredient: null, problem: `must have at most ${MAX_LINE_LENGTH} characters` };
  }
  return checked(parseIngredientLine(input), limits, true);
}

/**
 * Every input read; 400 VALIDATION_FAILED naming each bad one (`body.ingredients.3`) when any
 * is wrong, so nothing half-read is stored.
 */
export function readIngredients(
  inputs: readonly IngredientInput[],
  field: string,
  limits: IngredientLimits,
): Ingredient[] {
  const readings = inputs.map((input) => readIngredient(input, limits));
  const details = readings.flatMap((reading, index) =>
    reading.problem === null
      ? []
      : [
          {
            field: [field, index, reading.field].filter((part) => part !== undefined).join('.'),
            message: reading.problem,
          },
        ],
  );
  const first = details[0];
  if (first) throw PlatformErrors.validation(`${first.field} ${first.message}`, details);
  return readings.map((reading) => reading.ingredient as Ingredient);
}

/** For adding up: a range needs its top ("2–3 apples": buy 3). */
export const amountToBuy = (ingredient: { quantity: number | null; quantity_max?: number | null }) =>
  ingredient.quantity_max ?? ingredient.quantity;

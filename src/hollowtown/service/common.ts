// Small rules every Hollowtown area shares: ids, tags, names and ranges.

import { isUuid } from '../../platform/ids.ts';
import type { Ingredient } from '../client.ts';
import { HollowtownErrors } from '../errors.ts';

/** Tags compare case-insensitively: stored lower-case, trimmed, once each, in the order given. */
export function normaliseTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim().toLowerCase()).filter((tag) => tag.length > 0))];
}

/** Tags in a query: repeated (?tags=a&tags=b) or comma-separated (?tags=a,b). */
export const queryTags = (tags: readonly string[] | undefined): string[] =>
  normaliseTags((tags ?? []).flatMap((tag) => tag.split(',')));

/** A name must say something: surrounding spaces are dropped, a blank one is a 400. */
export function cleanName(field: string, value: string): string {
  const trimmed = value.trim();
  if (!trimmed) throw HollowtownErrors.invalid(field, 'must not be blank');
  return trimmed;
}

export function cleanOptionalName(field: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : cleanName(field, value);
}

/** Fills the optional parts of an ingredient (or material) with explicit nulls. */
export const toIngredient = (input: {
  name: string;
  quantity?: number | null;
  unit?: string | null;
  note?: string | null;
}): Ingredient => ({
  name: input.name.trim(),
  quantity: input.quantity ?? null,
  unit: input.unit?.trim() || null,
  note: input.note ?? null,
});

export function checkRange(
  minField: string,
  min: number | undefined,
  maxField: string,
  max: number | undefined,
) {
  if (min !== undefined && max !== undefined && min > max) {
    throw HollowtownErrors.invalid(minField, `must not be above ${maxField}`);
  }
}

export function checkDateRange(from: string | undefined, to: string | undefined) {
  if (from !== undefined && to !== undefined && from > to) {
    throw HollowtownErrors.invalid('querystring.from', 'must not be after querystring.to');
  }
}

export { isUuid };

// Small rules every Hollowtown area shares: ids, tags, names, ranges and the marketplace's cursor.

import { decodeCursor } from '../../platform/http/pagination.ts';
import { isUuid } from '../../platform/ids.ts';
import type { Ingredient } from '../client.ts';
import { HollowtownErrors } from '../errors.ts';

/** Timestamps in cursors, as the stores write them (UTC, microseconds). */
const CURSOR_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

/** A day both JavaScript and PostgreSQL accept as it is (no 2025-02-30, no year 0). */
function isRealDay(day: string): boolean {
  const time = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(time) && day >= '1000' && new Date(time).toISOString().slice(0, 10) === day;
}

const isCursorTime = (value: unknown): value is string =>
  typeof value === 'string' && CURSOR_TIME.test(value) && isRealDay(value.slice(0, 10));

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

/**
 * Where the previous page of a newest-first marketplace list ended. Only the marketplace still
 * uses this format; every other list pages with keyset() (src/platform/http/pagination.ts).
 */
export interface TimeCursor {
  t: string;
  id: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const decodeTimeCursor = (cursor: string | undefined) =>
  decodeCursor(
    cursor,
    (value): value is TimeCursor =>
      isObject(value) && isCursorTime(value.t) && typeof value.id === 'string' && isUuid(value.id),
  );

export { isUuid };

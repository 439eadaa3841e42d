// Keyset pages for the family lists: the cursor carries the last row's sort timestamp (as
// PostgreSQL text, to the microsecond) and id.

import type { KeysetPosition } from '../../platform/db/sql.ts';
import { decodeCursor, toPage } from '../../platform/http/pagination.ts';
import { isUuid } from '../../platform/ids.ts';

const PG_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?[+-]\d{2}(:[0-5]\d){0,2}$/;

/** A timestamp as PostgreSQL prints it, and a real calendar date (so the cast cannot fail). */
function isPgTimestamp(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = PG_TIMESTAMP.exec(value);
  if (!match) return false;
  const [y, mo, d, h, mi, s] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps years below 100 as they are.
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s);
  return (
    y >= 1 &&
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s
  );
}

const isPosition = (value: unknown): value is [string, string] =>
  Array.isArray(value) && value.length === 2 && isPgTimestamp(value[0]) && isUuid(value[1]);

export function positionOf(cursor: string | undefined): KeysetPosition | undefined {
  const value = decodeCursor(cursor, isPosition);
  return value && { at: value[0], id: value[1] };
}

export interface Page<Item> {
  items: Item[];
  next_cursor: string | null;
}

export function pageOf<Row extends { cursor_at: string }, Item>(
  rows: Row[],
  limit: number,
  idOf: (row: Row) => string,
  toItem: (row: Row) => Item,
): Page<Item> {
  return toPage(rows, limit, toItem, (row) => [row.cursor_at, idOf(row)]);
}

export { isUuid };

// Cursor pagination shared by every list endpoint: `limit` (default 20, at most 100) and an
// opaque `cursor` that encodes where the previous page ended.
import { Type } from 'typebox';
import { PlatformErrors } from '../errors.ts';
import { isUuid } from '../ids.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(
  cursor: string | undefined,
  isValid: (value: unknown) => value is T,
): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isValid(value)) return value;
  } catch {
    // fall through to the error below
  }
  throw PlatformErrors.invalidCursor();
}

/** Takes limit + 1 rows and turns them into a page with the cursor of its last row. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  cursorOf: (row: Row) => unknown,
): { items: Item[]; next_cursor: string | null } {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(toItem), next_cursor: hasMore && last ? encodeCursor(cursorOf(last)) : null };
}

/** Timestamps in keyset cursors, as `cursorTime` writes them (UTC, microseconds). */
const KEYSET_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

/** A day both JavaScript and PostgreSQL take as it is (no 2025-02-30, no year 0). */
function isRealDay(day: string): boolean {
  const time = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(time) && day >= '1000' && new Date(time).toISOString().slice(0, 10) === day;
}

/** A newest-first keyset position `{at, id}` (platform/db/sql.ts KeysetPosition), checked before SQL. */
export const isKeysetPosition = (value: unknown): value is { at: string; id: string } => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c.at === 'string' &&
    KEYSET_TIME.test(c.at) &&
    isRealDay(c.at.slice(0, 10)) &&
    typeof c.id === 'string' &&
    isUuid(c.id)
  );
};

/** The keyset position a page's cursor carries; a malformed one is 400 INVALID_CURSOR. */
export const decodeKeysetCursor = (cursor: string | undefined) => decodeCursor(cursor, isKeysetPosition);

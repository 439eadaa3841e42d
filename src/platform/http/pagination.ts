// Keyset pagination shared by every list endpoint: `limit` (default 20, at most 100) and an
// opaque `cursor` that says where the previous page ended. One cursor format for every list: the
// base64url of {"l": list, "k": [key values], "f"?: filter digest}. A cursor names the list and
// sort order it came from and, where a list binds them, a digest of its filters; decoding checks
// all of it and each key value's type, so a bad, tampered or foreign cursor is 400
// INVALID_CURSOR, never a cast error in SQL (500) and never a page of some other list.
import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import { PlatformErrors } from '../errors.ts';
import { isUuid } from '../ids.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Every cursor fits in this many characters (the query schemas' maxLength). */
export const MAX_CURSOR_LENGTH = 512;

/** The cursor query parameter: opaque to clients. */
export const CursorParam = Type.String({
  maxLength: MAX_CURSOR_LENGTH,
  description: 'The next_cursor of the page before (opaque)',
});

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })),
    cursor: Type.Optional(CursorParam),
  },
  { additionalProperties: false },
);

/** One page of a list: pass next_cursor back as cursor for the next; null on the last page. */
export interface Page<Item> {
  items: Item[];
  next_cursor: string | null;
}

/**
 * The types a key value may have. time: a timestamp as cursorTime (src/platform/db/sql.ts) wrote
 * it, UTC to the microsecond; date: YYYY-MM-DD; int: fits a PostgreSQL integer; bigint: a safe
 * JavaScript integer; decimal: a finite number; text: at most 200 characters.
 */
export type KeyPart = 'time' | 'date' | 'uuid' | 'int' | 'bigint' | 'decimal' | 'text';

type PartValue<P extends KeyPart> = P extends 'int' | 'bigint' | 'decimal' ? number : string;

/** The position a cursor carries, one named value per key part. */
export type Position<Parts extends Record<string, KeyPart>> = { [K in keyof Parts]: PartValue<Parts[K]> };

const TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.\d{6}Z$/;
const DATE = /^(\d{4})-(\d\d)-(\d\d)$/;
const MAX_TEXT = 200;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** A day both JavaScript and PostgreSQL accept as it is (no 2025-02-30, no year 0). */
function isRealDay(year: number, month: number, day: number): boolean {
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps years below 100 as they are.
  date.setUTCFullYear(year, month - 1, day);
  return (
    year >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
  );
}

const numbersOf = (match: RegExpExecArray): number[] => match.slice(1).map(Number);

const partChecks: Record<KeyPart, (value: unknown) => boolean> = {
  time: (value) => {
    const match = typeof value === 'string' ? TIME.exec(value) : null;
    if (!match) return false;
    const [y, mo, d, h, mi, s] = numbersOf(match) as [number, number, number, number, number, number];
    return isRealDay(y, mo, d) && h < 24 && mi < 60 && s < 60;
  },
  date: (value) => {
    const match = typeof value === 'string' ? DATE.exec(value) : null;
    if (!match) return false;
    const [y, mo, d] = numbersOf(match) as [number, number, number];
    return isRealDay(y, mo, d);
  },
  uuid: (value) => isUuid(value),
  int: (value) => Number.isInteger(value) && (value as number) >= INT_MIN && (value as number) <= INT_MAX,
  bigint: (value) => Number.isSafeInteger(value),
  decimal: (value) => typeof value === 'number' && Number.isFinite(value),
  text: (value) => typeof value === 'string' && value.length <= MAX_TEXT,
};

/** The keys most lists page on (their positions are KeysetPosition, RankPosition, DayPosition). */
export const TIME_KEY = { at: 'time', id: 'uuid' } as const;
export const RANK_KEY = { rank: 'int', at: 'time', id: 'uuid' } as const;
export const DAY_KEY = { day: 'date', id: 'uuid' } as const;

/** What a list binds its cursors to besides its name: the filters a page was asked with. */
export type CursorFilters = Record<string, unknown>;

/** A short digest of the filters (keys in any order; undefined and [] are the same as absent). */
function digestOf(filters: CursorFilters | undefined): string | undefined {
  if (!filters) return undefined;
  const kept = Object.keys(filters)
    .sort()
    .filter((key) => {
      const value = filters[key];
      return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
    })
    .map((key) => [key, filters[key]]);
  if (kept.length === 0) return undefined;
  return createHash('sha256').update(JSON.stringify(kept)).digest('base64url').slice(0, 12);
}

/** A list query's filters, to bind its cursors to: everything in it but limit and cursor. */
export function pageFilters(query: { limit?: unknown; cursor?: unknown }): CursorFilters {
  const { limit: _limit, cursor: _cursor, ...filters } = query as CursorFilters;
  return filters;
}

const invalid = () => PlatformErrors.invalidCursor();
const foreign = () => PlatformErrors.foreignCursor();

/** One list's cursors (one sort order of it): encodes positions, checks and decodes cursors. */
export interface Keyset<Parts extends Record<string, KeyPart>> {
  /** The list's name, as its cursors carry it. */
  readonly list: string;
  encode(position: Position<Parts>, filters?: CursorFilters): string;
  /**
   * The position a cursor carries; undefined without one. A cursor that is not one of this
   * list's (another list, another sort order, other filters), or is malformed, is 400
   * INVALID_CURSOR.
   */
  decode(cursor: string | undefined, filters?: CursorFilters): Position<Parts> | undefined;
  /** Takes limit + 1 rows and turns them into a page with the cursor of its last row. */
  page<Row, Item>(
    rows: readonly Row[],
    limit: number,
    toItem: (row: Row) => Item,
    positionOf: (row: Row) => Position<Parts>,
    filters?: CursorFilters,
  ): Page<Item>;
}

interface Wire {
  l: string;
  k: unknown[];
  f?: string;
}

function readWire(cursor: string): Wire {
  // base64url only: Buffer would skip other characters silently, so a tampered cursor could
  // still decode.
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid();
  const wire = value as Record<string, unknown>;
  if (typeof wire.l !== 'string' || !Array.isArray(wire.k)) throw invalid();
  if (wire.f !== undefined && typeof wire.f !== 'string') throw invalid();
  for (const key of Object.keys(wire)) if (key !== 'l' && key !== 'k' && key !== 'f') throw invalid();
  return wire as unknown as Wire;
}

/**
 * The cursors of one list in one sort order. `list` names both and is unique across the
 * platform ('recipes.recipes:top'); `parts` names the key values in sort-key order, each with its
 * type, e.g. keyset('family.members', { at: 'time', id: 'uuid' }).
 */
export function keyset<const Parts extends Record<string, KeyPart>>(
  list: string,
  parts: Parts,
): Keyset<Parts> {
  const names = Object.keys(parts) as (keyof Parts & string)[];
  const encode = (position: Position<Parts>, filters?: CursorFilters): string => {
    const wire: Wire = { l: list, k: names.map((name) => position[name]) };
    const digest = digestOf(filters);
    if (digest) wire.f = digest;
    const cursor = Buffer.from(JSON.stringify(wire)).toString('base64url');
    // A programming error: a text key too long for the query schema.
    if (cursor.length > MAX_CURSOR_LENGTH) throw new Error(`cursor of ${list} is too long`);
    return cursor;
  };
  return {
    list,
    encode,
    decode(cursor, filters) {
      if (cursor === undefined) return undefined;
      const wire = readWire(cursor);
      if (wire.l !== list || wire.f !== digestOf(filters)) throw foreign();
      if (wire.k.length !== names.length) throw invalid();
      const position: Record<string, unknown> = {};
      names.forEach((name, index) => {
        const value = wire.k[index];
        if (!partChecks[parts[name] as KeyPart](value)) throw invalid();
        position[name] = value;
      });
      return position as Position<Parts>;
    },
    page(rows, limit, toItem, positionOf, filters) {
      const hasMore = rows.length > limit;
      const pageRows = hasMore ? rows.slice(0, limit) : rows;
      const last = pageRows[pageRows.length - 1];
      return {
        items: pageRows.map(toItem),
        next_cursor: hasMore && last !== undefined ? encode(positionOf(last), filters) : null,
      };
    },
  };
}

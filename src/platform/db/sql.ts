// The one kit stores build parameterised SQL with: placeholders, the columns a partial update or
// an insert sets, LIKE patterns, search words, and keyset pages (timestamps, orders, where a page
// continues). No value ever enters the SQL text; column names do, so they come only from the
// store's own column list.

/** Collects parameters and hands out their $n placeholders (after any the query already has). */
export class Params {
  readonly values: unknown[];

  constructor(initial: readonly unknown[] = []) {
    this.values = [...initial];
  }

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** How a column's value is sent: as it is, as JSON text cast to jsonb, or as a text array. */
export type ColumnKind = 'plain' | 'jsonb' | 'text[]';

/** The columns a store lets callers write, with their kinds. */
export type Columns = Readonly<Record<string, ColumnKind>>;

function entriesOf(values: Record<string, unknown>, columns: Columns): [string, ColumnKind, unknown][] {
  const set = Object.entries(values).filter(([, value]) => value !== undefined);
  for (const [column] of set) {
    // A programming error, not bad input: requests are checked against their schemas first.
    if (!Object.hasOwn(columns, column)) throw new Error(`not a writable column: ${column}`);
  }
  return set.map(([column, value]) => [column, columns[column] as ColumnKind, value]);
}

function placeholder(kind: ColumnKind, value: unknown, params: Params): string {
  if (kind === 'jsonb') return `${params.add(JSON.stringify(value))}::jsonb`;
  if (kind === 'text[]') return `${params.add(value)}::text[]`;
  return params.add(value);
}

/**
 * `a = $1, b = $2::jsonb` for the keys of `patch` that are set (undefined: left alone; null
 * clears). Empty when nothing is set, so the caller can skip the UPDATE.
 */
export function setClause(patch: Record<string, unknown>, columns: Columns, params: Params): string {
  return entriesOf(patch, columns)
    .map(([column, kind, value]) => `${column} = ${placeholder(kind, value, params)}`)
    .join(', ');
}

/** The column list and VALUES placeholders of an INSERT, for the keys of `values` that are set. */
export function insertClause(
  values: Record<string, unknown>,
  columns: Columns,
  params: Params,
): { columns: string[]; placeholders: string[] } {
  const set = entriesOf(values, columns);
  return {
    columns: set.map(([column]) => column),
    placeholders: set.map(([, kind, value]) => placeholder(kind, value, params)),
  };
}

/** Text for LIKE/ILIKE with its pattern characters taken literally (the default escape, \). */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, '\\$&');

/** `%word%` for ILIKE, the word taken literally. */
export const containsPattern = (word: string): string => `%${escapeLike(word)}%`;

/** Search words: at most 8, each at most 100 characters; every word must match somewhere. */
export const searchWords = (q: string | undefined): string[] =>
  (q ?? '')
    .split(/\s+/)
    .filter((word) => word.length > 0)
    .slice(0, 8)
    .map((word) => word.slice(0, 100));

/** A timestamp column as keyset cursors carry it: UTC with microseconds (a JS Date keeps only ms). */
export const cursorTime = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** created_at as `cursor_at`, for newest-first pages. */
export const CURSOR_AT = `${cursorTime('created_at')} AS cursor_at`;

/** Where a keyset page continues: the sort timestamp as cursorTime wrote it, and the row id. */
export interface KeysetPosition {
  at: string;
  id: string;
}

/** The rank of a ranked list's position (a programming error when the service passed another). */
export function rankOf(position: KeysetPosition | RankPosition): number {
  if (!('rank' in position)) throw new Error('a ranked list needs a RankPosition');
  return position.rank;
}

/** A ranked list's position: the rank (votes, score), then as KeysetPosition. */
export interface RankPosition extends KeysetPosition {
  rank: number;
}

/** A by-day list's position: the day (YYYY-MM-DD) and the row id. */
export interface DayPosition {
  day: string;
  id: string;
}

/** The SQL types keyset values are cast to (the column's type). */
export type KeyType = 'timestamptz' | 'date' | 'uuid' | 'integer' | 'bigint' | 'numeric' | 'text';

/** The ORDER BY of a keyset page and the WHERE that continues it, built from one column list. */
export interface KeysetSql {
  /** `a DESC, b DESC`, for ORDER BY. */
  readonly orderBy: string;
  /**
   * The rows after `values` (one per column, from a cursor checked by the kit in
   * src/platform/http/pagination.ts) in this order: `(a, b) < ($1::timestamptz, $2::uuid)`.
   */
  after(values: readonly unknown[], params: Params): string;
}

/**
 * A keyset order over columns that are never NULL, all one way, the last unique (the row id, so
 * rows with equal timestamps are neither skipped nor repeated). A column may be an expression
 * (the WHERE repeats it) with the output name ORDER BY uses. Column names enter the SQL text, so
 * they come only from the store.
 */
export function keysetSql(
  direction: 'asc' | 'desc',
  columns: readonly (readonly [column: string, type: KeyType, orderName?: string])[],
): KeysetSql {
  const orderBy = columns
    .map(([column, , orderName]) => `${orderName ?? column} ${direction.toUpperCase()}`)
    .join(', ');
  const left = `(${columns.map(([column]) => column).join(', ')})`;
  const comparison = direction === 'desc' ? '<' : '>';
  return {
    orderBy,
    after(values, params) {
      // A programming error: the cursor's key and the store's columns disagree.
      if (values.length !== columns.length)
        throw new Error(`keyset of ${left} needs ${columns.length} values`);
      const right = columns.map(([, type], index) => `${params.add(values[index])}::${type}`).join(', ');
      return `${left} ${comparison} (${right})`;
    },
  };
}

// Building parameterised SQL from optional filters and partial updates, without string values
// ever entering the SQL text.

/** Collects parameters and hands out their $n placeholders. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** `%word%` for ILIKE, with the pattern characters of the word taken literally. */
export const containsPattern = (word: string): string => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Search words: at most 8, each at most 100 characters; every word must match somewhere. */
export const searchWords = (q: string | undefined): string[] =>
  (q ?? '')
    .split(/\s+/)
    .filter((word) => word.length > 0)
    .slice(0, 8)
    .map((word) => word.slice(0, 100));

/** Cursor timestamps: UTC with microseconds, so keyset pages never skip rows of the same millisecond. */
export const cursorTime = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export type ColumnKind = 'plain' | 'jsonb' | 'text[]';

/**
 * `SET a = $1, b = $2::jsonb` for the keys of `patch` that name a known column; undefined keys
 * are left alone, null clears.
 */
export function setClause(
  patch: Record<string, unknown>,
  columns: Readonly<Record<string, ColumnKind>>,
  params: Params,
): string {
  const parts: string[] = [];
  for (const [column, kind] of Object.entries(columns)) {
    const value = patch[column];
    if (value === undefined) continue;
    if (kind === 'jsonb') parts.push(`${column} = ${params.add(JSON.stringify(value))}::jsonb`);
    else if (kind === 'text[]') parts.push(`${column} = ${params.add(value)}::text[]`);
    else parts.push(`${column} = ${params.add(value)}`);
  }
  return parts.join(', ');
}

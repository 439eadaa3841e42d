// Small SQL helpers the recipes stores share.

/** Microsecond-exact text of created_at, for keyset cursors (a JS Date keeps only milliseconds). */
export const CURSOR_AT = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at`;

/** A keyset position in a newest-first list: created_at as CURSOR_AT wrote it, and the row id. */
export interface CreatedCursor {
  at: string;
  id: string;
}

export const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');

/**
 * Column = value pairs for an UPDATE or INSERT. Column names end up in SQL, so only the listed
 * ones pass; JSONB values go as JSON text (pg would send a JS array as a SQL array).
 */
export function columnValues(
  values: Record<string, unknown>,
  writable: ReadonlySet<string>,
  json: ReadonlySet<string> = new Set(),
): { columns: string[]; params: unknown[] } {
  const entries = Object.entries(values).filter(([, value]) => value !== undefined);
  for (const [column] of entries)
    if (!writable.has(column)) throw new Error(`not a writable column: ${column}`);
  return {
    columns: entries.map(([column]) => column),
    params: entries.map(([column, value]) => (json.has(column) ? JSON.stringify(value) : value)),
  };
}

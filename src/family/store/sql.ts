// Small SQL helpers the family stores share: keyset positions and partial UPDATE lists.

/**
 * Where a keyset page continues: the sort timestamp as PostgreSQL text (microseconds intact,
 * unlike a JS Date) and the row id that breaks ties.
 */
export interface KeysetPosition {
  at: string;
  id: string;
}

/**
 * `col = $n` pairs for the fields that are set (undefined means "leave as is"), numbered from
 * `firstParam`. Column names come from code, never from a request.
 */
export function setClause(
  fields: Record<string, unknown>,
  firstParam: number,
): { sql: string; params: unknown[] } {
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
  return {
    sql: entries.map(([column], i) => `${column} = $${firstParam + i}`).join(', '),
    params: entries.map(([, value]) => value),
  };
}

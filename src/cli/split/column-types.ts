// Which monolith column types may move into which target column types, and the SQL that reads
// a monolith column as its target type. Only conversions that lose nothing are allowed; any
// other difference is a type mismatch, reported before a row is written.

export type Conversion =
  | { ok: true /** SQL over the quoted monolith column, typed as the target column. */; expression: string }
  | { ok: false; reason: string };

const INTEGER_RANK: Record<string, number> = { smallint: 1, integer: 2, bigint: 3 };
/** Decimal digits an integer type needs at most. */
const INTEGER_DIGITS: Record<string, number> = { smallint: 5, integer: 10, bigint: 19 };
const TEXT_LIKE = /^(text|character varying(\(\d+\))?|character(\(\d+\))?)$/;

/**
 * How `column` (already quoted) of type `from` becomes `to`; both types as format_type() spells
 * them (e.g. "numeric(3,2)", "timestamp without time zone", "text[]").
 */
export function convertColumn(column: string, from: string, to: string, timeZone: string): Conversion {
  if (from === to) return { ok: true, expression: column };
  const fromArray = from.endsWith('[]');
  const toArray = to.endsWith('[]');
  if (fromArray !== toArray) return { ok: false, reason: `${from} cannot become ${to}` };
  const fromBase = fromArray ? from.slice(0, -2) : from;
  const toBase = toArray ? to.slice(0, -2) : to;
  if (fromBase === 'timestamp without time zone' && toBase === 'timestamp with time zone') {
    // AT TIME ZONE on an array does not exist; the element cast uses the session zone (UTC).
    if (fromArray)
      return timeZone === 'UTC' ? cast(column, to) : { ok: false, reason: `${from} in ${timeZone}` };
    return { ok: true, expression: `(${column} AT TIME ZONE ${quoteLiteral(timeZone)})` };
  }
  return isWidening(fromBase, toBase)
    ? cast(column, to)
    : { ok: false, reason: `${from} cannot become ${to} without losing or reinterpreting values` };
}

function isWidening(from: string, to: string): boolean {
  if (from === to) return true;
  const fromInt = INTEGER_RANK[from];
  const toInt = INTEGER_RANK[to];
  if (fromInt && toInt) return toInt >= fromInt;
  if (from === 'real' && to === 'double precision') return true;
  if (from === 'json' && to === 'jsonb') return true;
  if (TEXT_LIKE.test(from) && to === 'text') return true;
  const fromVarchar = /^character varying\((\d+)\)$/.exec(from);
  const toVarchar = /^character varying(?:\((\d+)\))?$/.exec(to);
  if (fromVarchar && toVarchar) return !toVarchar[1] || Number(toVarchar[1]) >= Number(fromVarchar[1]);
  const toNumeric = parseNumeric(to);
  if (toNumeric) {
    if (fromInt)
      return toNumeric.unconstrained || toNumeric.precision - toNumeric.scale >= (INTEGER_DIGITS[from] ?? 99);
    const fromNumeric = parseNumeric(from);
    if (!fromNumeric) return false;
    if (toNumeric.unconstrained) return true;
    if (fromNumeric.unconstrained) return false;
    return (
      toNumeric.scale >= fromNumeric.scale &&
      toNumeric.precision - toNumeric.scale >= fromNumeric.precision - fromNumeric.scale
    );
  }
  return false;
}

function parseNumeric(
  type: string,
): { unconstrained: boolean; precision: number; scale: number } | undefined {
  if (type === 'numeric') return { unconstrained: true, precision: 0, scale: 0 };
  const match = /^numeric\((\d+),(\d+)\)$/.exec(type);
  return match ? { unconstrained: false, precision: Number(match[1]), scale: Number(match[2]) } : undefined;
}

const cast = (column: string, to: string): Conversion => ({ ok: true, expression: `${column}::${to}` });

export const quoteLiteral = (value: string): string => `'${value.replaceAll("'", "''")}'`;

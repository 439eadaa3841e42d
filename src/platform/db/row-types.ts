// `npm run types:db`: each database's row types, generated from its migrated schema, so that a
// store's row type cannot drift from its table. One file per database, `src/<service>/store/tables.ts`,
// holds one interface per table: each column with the TypeScript type the `Database` returns for
// it on both engines (see `sharedParsers`). Stores keep plain SQL and name their rows from these
// (`Pick<Tables['users'], …>`); README's "Typed SQL" says why plain SQL and not a query builder.
// src/platform/db/row-types.test.ts fails when a committed file differs from the schema.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DATABASE_NAMES, type DatabaseName } from '../databases.ts';
import { MIGRATIONS_TABLE } from '../migrations/migrator.ts';
import type { Queryable } from './database.ts';

export interface ColumnInfo {
  table: string;
  column: string;
  /** pg_type.typname: `int4`, `_text` (an array of text), … */
  type: string;
  /** The element type of an array column, else null. */
  element: string | null;
  nullable: boolean;
  /** The values a `CHECK (column IN (…))` allows, as TypeScript literals; null without one. */
  allowed: string[] | null;
}

/** The TypeScript type of a value of each PostgreSQL type, as both engines return it. */
export const TS_TYPE_OF: Readonly<Record<string, string>> = {
  bool: 'boolean',
  int2: 'number',
  int4: 'number',
  // sharedParsers: counts and balances fit in a double.
  int8: 'number',
  numeric: 'number',
  float4: 'number',
  float8: 'number',
  text: 'string',
  varchar: 'string',
  bpchar: 'string',
  citext: 'string',
  uuid: 'string',
  inet: 'string',
  // sharedParsers: a calendar day stays 'YYYY-MM-DD'.
  date: 'string',
  timestamptz: 'Date',
  timestamp: 'Date',
  // Any JSON value but null: a NOT NULL column's value is never SQL NULL (see the file's header).
  jsonb: 'Json',
  json: 'Json',
  bytea: 'Uint8Array',
};

/** Every user table's columns in the public schema, in column order, the migrator's own excluded. */
export async function readColumns(db: Queryable): Promise<ColumnInfo[]> {
  const { rows } = await db.query<ColumnInfo>(
    `SELECT c.relname AS "table", a.attname AS "column", t.typname AS "type",
            CASE WHEN t.typcategory = 'A' THEN e.typname END AS "element",
            NOT a.attnotnull AS "nullable"
     FROM pg_class c
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     JOIN pg_type t ON t.oid = a.atttypid
     LEFT JOIN pg_type e ON e.oid = t.typelem
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND c.relname <> $1
     ORDER BY c.relname, a.attnum`,
    [MIGRATIONS_TABLE],
  );
  const checks = await db.query<{ table: string; column: string; definition: string }>(
    `SELECT c.relname AS "table", a.attname AS "column", pg_get_constraintdef(k.oid) AS "definition"
     FROM pg_constraint k
     JOIN pg_class c ON c.oid = k.conrelid
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.conkey[1]
     WHERE k.contype = 'c' AND k.connamespace = 'public'::regnamespace AND cardinality(k.conkey) = 1
     ORDER BY 1, 2, 3`,
  );
  const allowed = new Map<string, string[]>();
  for (const check of checks.rows) {
    const values = allowedValues(check.column, check.definition);
    if (values === null) continue;
    const key = `${check.table}.${check.column}`;
    const before = allowed.get(key);
    allowed.set(key, before ? before.filter((v) => values.includes(v)) : values);
  }
  return rows.map((row) => ({ ...row, allowed: allowed.get(`${row.table}.${row.column}`) ?? null }));
}

const CHECK_IN_LIST = /^CHECK \(\(\(?([a-z_][a-z0-9_]*)\)?(?:::text)? = ANY \(ARRAY\[(.+)\]\)\)\)$/;
const LITERAL = /^(?:'((?:[^']|'')*)'(?:::(text|integer|bigint|smallint))?|(-?\d+))$/;

/**
 * The literals of `CHECK ((col = ANY (ARRAY['a'::text, 'b'::text])))`, PostgreSQL's form of
 * `CHECK (col IN ('a', 'b'))`; null for any other check.
 */
export function allowedValues(column: string, definition: string): string[] | null {
  const match = CHECK_IN_LIST.exec(definition);
  if (!match || match[1] !== column || match[2] === undefined) return null;
  const values: string[] = [];
  for (const item of match[2].split(', ')) {
    const literal = LITERAL.exec(item);
    if (!literal) return null;
    const [, text, cast, integer] = literal;
    if (integer !== undefined) values.push(integer);
    else if (cast !== undefined && cast !== 'text') values.push(String(Number(text)));
    else
      values.push(`'${(text ?? '').replaceAll("''", "'").replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`);
  }
  return values;
}

function tsTypeOf(column: ColumnInfo): string {
  const base = TS_TYPE_OF[column.element ?? column.type];
  if (base === undefined) {
    // A new column type must be taught here (and to sharedParsers, if the engines differ).
    throw new Error(`row types: no TypeScript type for ${column.table}.${column.column} (${column.type})`);
  }
  const scalar = column.allowed && column.element === null ? column.allowed.join(' | ') : base;
  const type = column.element === null ? scalar : `${base}[]`;
  return column.nullable ? `${type} | null` : type;
}

const propertyName = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : JSON.stringify(name));

/** One property, its union one member a line when it is longer than the formatter's 110 columns. */
function field(name: string, type: string): string {
  const line = `    ${name}: ${type};`;
  if (line.length <= 110 || !type.includes(' | ')) return line;
  return `    ${name}:\n${type
    .split(' | ')
    .map((member) => `      | ${member}`)
    .join('\n')};`;
}

/** The TypeScript of one database's tables: `export interface Tables { users: { … }; … }`. */
export function renderRowTypes(database: DatabaseName, columns: readonly ColumnInfo[]): string {
  const tables = new Map<string, ColumnInfo[]>();
  for (const column of columns) tables.set(column.table, [...(tables.get(column.table) ?? []), column]);
  const body = [...tables.entries()]
    .map(([table, cols]) => {
      const fields = cols.map((c) => field(propertyName(c.column), tsTypeOf(c))).join('\n');
      return `  ${propertyName(table)}: {\n${fields}\n  };`;
    })
    .join('\n');
  return `// Generated by \`npm run types:db\` from the migrated ${database} schema (migrations/${database}): do not edit.
// One row of each table as the Database returns it on both engines; stores name their rows from these.

/** A json/jsonb value: stores say its shape with Refine (src/platform/db/sql.ts). */
export type Json = object | string | number | boolean;

export interface Tables {
${body}
}
`;
}

export const rowTypesFile = (database: DatabaseName) =>
  path.join(import.meta.dirname, '..', '..', database, 'store', 'tables.ts');

async function main() {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { openPglite } = await import('./pglite.ts');
  const { migrate } = await import('../migrations/migrator.ts');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'calos-row-types-'));
  try {
    for (const name of DATABASE_NAMES) {
      const db = await openPglite(name, path.join(dataDir, name));
      try {
        await migrate(db);
        writeFileSync(rowTypesFile(name), renderRowTypes(name, await readColumns(db)));
        console.log(`wrote src/${name}/store/tables.ts`);
      } finally {
        await db.close();
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

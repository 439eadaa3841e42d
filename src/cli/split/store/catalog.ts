// Reads the shape of one schema (tables, columns with their exact types, keys, CHECK and
// foreign-key constraints, unique indexes) from pg_catalog, the same way on the monolith,
// on a target and on the scratch schema of a dry run.
import type { Queryable } from '../../../platform/db/database.ts';

export interface CatalogColumn {
  name: string;
  /** As format_type() spells it: "integer", "numeric(3,2)", "timestamp with time zone", "text[]". */
  type: string;
  notNull: boolean;
  defaultExpr: string | null;
  /** GENERATED … STORED or an identity column: never written by the split. */
  generated: boolean;
  /** The connected role may SELECT it (table or column privilege, and USAGE on the schema). */
  readable: boolean;
}

export interface CatalogConstraint {
  name: string;
  type: 'p' | 'u' | 'c' | 'f';
  columns: string[];
  checkExpr: string | null;
  refTable: string | null;
  refColumns: string[];
}

export interface CatalogUniqueIndex {
  name: string;
  /** Key columns or expressions as pg_get_indexdef prints them. */
  keys: string[];
  /** True when every key is a plain column (then keys are column names). */
  plain: boolean;
  predicate: string | null;
}

export interface CatalogTable {
  name: string;
  columns: CatalogColumn[];
  primaryKey: string[] | null;
  constraints: CatalogConstraint[];
  uniqueIndexes: CatalogUniqueIndex[];
}

export type Catalog = Map<string, CatalogTable>;

export async function readCatalog(db: Pick<Queryable, 'query'>, schema: string): Promise<Catalog> {
  const catalog: Catalog = new Map();
  const columns = await db.query<{
    table_name: string;
    column_name: string;
    type: string;
    not_null: boolean;
    default_expr: string | null;
    generated: boolean;
    readable: boolean;
  }>(
    `SELECT c.relname::text AS table_name, a.attname::text AS column_name,
            format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
            pg_get_expr(d.adbin, d.adrelid) AS default_expr,
            (a.attgenerated <> '' OR a.attidentity = 'a') AS generated,
            (has_schema_privilege(n.oid, 'USAGE') AND has_column_privilege(c.oid, a.attnum, 'SELECT')) AS readable
     FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
     ORDER BY c.relname, a.attnum`,
    [schema],
  );
  for (const row of columns.rows) {
    let table = catalog.get(row.table_name);
    if (!table) {
      table = { name: row.table_name, columns: [], primaryKey: null, constraints: [], uniqueIndexes: [] };
      catalog.set(row.table_name, table);
    }
    table.columns.push({
      name: row.column_name,
      type: row.type,
      notNull: row.not_null,
      defaultExpr: row.default_expr,
      generated: row.generated,
      readable: row.readable,
    });
  }

  const constraints = await db.query<{
    table_name: string;
    name: string;
    type: 'p' | 'u' | 'c' | 'f';
    columns: string[];
    check_expr: string | null;
    ref_table: string | null;
    ref_columns: string[];
  }>(
    `SELECT c.relname::text AS table_name, con.conname::text AS name, con.contype::text AS type,
            ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
            CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END AS check_expr,
            fc.relname::text AS ref_table,
            ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS ref_columns
     FROM pg_constraint con
     JOIN pg_class c ON c.oid = con.conrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_class fc ON fc.oid = con.confrelid
     WHERE n.nspname = $1 AND con.contype IN ('p', 'u', 'c', 'f')
     ORDER BY c.relname, con.conname`,
    [schema],
  );
  for (const row of constraints.rows) {
    const table = catalog.get(row.table_name);
    if (!table) continue;
    table.constraints.push({
      name: row.name,
      type: row.type,
      columns: row.columns,
      checkExpr: row.check_expr,
      refTable: row.ref_table,
      refColumns: row.ref_columns,
    });
    if (row.type === 'p') table.primaryKey = row.columns;
  }

  const indexes = await db.query<{
    table_name: string;
    name: string;
    keys: string[];
    plain: boolean;
    predicate: string | null;
  }>(
    `SELECT c.relname::text AS table_name, ic.relname::text AS name,
            ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) AS k) AS keys,
            (i.indexprs IS NULL) AS plain,
            pg_get_expr(i.indpred, i.indrelid, true) AS predicate
     FROM pg_index i
     JOIN pg_class c ON c.oid = i.indrelid
     JOIN pg_class ic ON ic.oid = i.indexrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND i.indisunique
     ORDER BY c.relname, ic.relname`,
    [schema],
  );
  for (const row of indexes.rows) {
    catalog.get(row.table_name)?.uniqueIndexes.push({
      name: row.name,
      keys: row.keys,
      plain: row.plain,
      predicate: row.predicate,
    });
  }
  return catalog;
}

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

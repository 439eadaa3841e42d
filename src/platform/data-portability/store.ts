// The SQL of data portability, the same for every service on its own database: a page of one
// collection, and rows taken in once per source id (the service's data_imports table).

import type { ExportedCollection, ExportPage, ImportCounts, ImportedTable } from '../data-portability.ts';
import type { Queryable } from '../db/database.ts';

export const EXPORT_PAGE_MAX = 500;

/** A database error about the data itself (a check, a type, a length): the row is skipped. */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

/**
 * One page of a collection, each row as Postgres's own JSON of it (to_jsonb): dates, times and
 * numbers read the same on every engine and driver.
 */
export async function exportPage(
  db: Queryable,
  collections: Readonly<Record<string, ExportedCollection>>,
  userId: string,
  collection: string,
  after: string | null,
  limit: number,
): Promise<ExportPage> {
  const spec = Object.hasOwn(collections, collection) ? collections[collection] : undefined;
  if (!spec) return { items: [], next: null };
  const most = Math.min(Math.max(Math.trunc(limit) || 1, 1), spec.pageMax ?? EXPORT_PAGE_MAX);
  const { rows } = await db.query<{ cursor_key: string; row: Record<string, unknown> }>(
    `SELECT t.${spec.key}::text AS cursor_key, to_jsonb(t) AS row
       FROM (${spec.select}) AS t
      WHERE ($2::text IS NULL OR t.${spec.key} > $2::${spec.keyType})
      ORDER BY t.${spec.key}
      LIMIT $3`,
    [userId, after, most],
  );
  const last = rows.at(-1);
  return {
    items: rows.map((r) => (typeof r.row === 'string' ? JSON.parse(r.row) : r.row)),
    next: rows.length === most && last ? last.cursor_key : null,
  };
}

/**
 * The import key table of a service (data_imports): which row a source row became, so a second
 * import of the same archive finds it instead of copying it again.
 */
export async function importedIdOf(
  db: Queryable,
  userId: string,
  collection: string,
  sourceId: string,
): Promise<string | null> {
  const { rows } = await db.query<{ item_id: string }>(
    'SELECT item_id::text AS item_id FROM data_imports WHERE user_id = $1 AND collection = $2 AND source_id = $3',
    [userId, collection, sourceId],
  );
  return rows[0]?.item_id ?? null;
}

export async function recordImported(
  db: Queryable,
  userId: string,
  collection: string,
  sourceId: string,
  itemId: string,
  now: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO data_imports (user_id, collection, source_id, item_id, imported_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [userId, collection, sourceId, itemId, now],
  );
}

const SAFE_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Takes rows of one collection into the user's data, each in its own transaction: a row already
 * imported (by its source id) is found again, a row the database refuses is skipped with the
 * reason, and `prepare` remaps references (or answers a reason to skip the row).
 */
export async function importRows(
  db: { transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> } & Queryable,
  options: {
    userId: string;
    now: Date;
    collection: string;
    spec: ImportedTable;
    rows: readonly unknown[];
    prepare?: (row: Record<string, unknown>) => Record<string, unknown> | string;
    /** More of the same row, in its transaction (a family's first member). */
    afterInsert?: (tx: Queryable, id: string) => Promise<void>;
  },
): Promise<{ counts: ImportCounts; ids: Record<string, string> }> {
  const { userId, now, collection, spec } = options;
  const owner = spec.ownerColumn ?? 'user_id';
  for (const name of [spec.table, spec.idColumn, owner, ...spec.columns]) {
    if (!SAFE_NAME.test(name)) throw new Error(`not a column name: ${name}`);
  }
  const counts: ImportCounts = { created: 0, existing: 0, skipped: [] };
  const ids: Record<string, string> = {};
  for (const raw of options.rows) {
    const source =
      raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
    const sourceId = typeof source?.[spec.idColumn] === 'string' ? (source[spec.idColumn] as string) : null;
    if (!source || !sourceId || sourceId.length > 100) {
      counts.skipped.push({ id: null, reason: `a row without its ${spec.idColumn}` });
      continue;
    }
    const known = await importedIdOf(db, userId, collection, sourceId);
    if (known) {
      ids[sourceId] = known;
      counts.existing += 1;
      continue;
    }
    const prepared = options.prepare ? options.prepare(source) : source;
    if (typeof prepared === 'string') {
      counts.skipped.push({ id: sourceId, reason: prepared });
      continue;
    }
    const columns = spec.columns.filter((column) => prepared[column] !== undefined);
    const list = columns.join(', ');
    try {
      const created = await db.transaction(async (tx) => {
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO ${spec.table} (${owner}${list ? `, ${list}` : ''})
           SELECT $1${list ? `, ${columns.map((c) => `r.${c}`).join(', ')}` : ''}
             FROM jsonb_populate_record(NULL::${spec.table}, $2::jsonb) AS r
           RETURNING ${spec.idColumn}::text AS id`,
          [userId, JSON.stringify(prepared)],
        );
        const id = (rows[0] as { id: string }).id;
        await options.afterInsert?.(tx, id);
        await recordImported(tx, userId, collection, sourceId, id, now);
        return id;
      });
      ids[sourceId] = created;
      counts.created += 1;
    } catch (error) {
      if (!isDataError(error)) throw error;
      counts.skipped.push({ id: sourceId, reason: (error as Error).message.slice(0, 200) });
    }
  }
  return { counts, ids };
}

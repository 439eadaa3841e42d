// Writing a target database: one transaction per table that loads it with COPY (through `pg`
// and pg-copy-streams on PostgreSQL, through COPY … FROM '/dev/blob' on embedded PGlite),
// rebuilds its secondary indexes and foreign keys once instead of row by row (as pg_restore
// does), and records the table as done in calos_split_progress in the same transaction, so a
// kill leaves a table all there or absent.
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Transaction } from '@electric-sql/pglite';
import pg from 'pg';
import pgCopy from 'pg-copy-streams';
import type { DatabaseTarget } from '../../../platform/config.ts';
import type { DatabaseName } from '../../../platform/databases.ts';
import type { Database, Engine, Queryable } from '../../../platform/db/database.ts';
import { pgliteOf } from '../../../platform/db/pglite.ts';
import { countNewlines, RowCounter } from '../row-counter.ts';
import { quoteIdent } from './catalog.ts';
import { RENDERING_SETTINGS } from './checksums.ts';

export const PROGRESS_TABLE = 'calos_split_progress';

export interface TargetTransaction extends Queryable {
  /** Streams COPY text rows into `table (columns)`; resolves with how many rows went in. */
  copyIn(table: string, columns: string[], rows: Readable, onRows: (rows: number) => void): Promise<number>;
}

export interface TargetWriter {
  readonly database: DatabaseName;
  readonly engine: Engine;
  /** One transaction on a session of its own, with the rendering settings of checksums. */
  transaction<T>(work: (tx: TargetTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const LOCAL_SETTINGS = RENDERING_SETTINGS.map((s) => `SET LOCAL ${s}`).join('; ');

export function openTargetWriter(db: Database, target: DatabaseTarget): TargetWriter {
  return target.engine === 'postgres' ? postgresWriter(db.name, target.url) : pgliteWriter(db);
}

function postgresWriter(database: DatabaseName, url: string): TargetWriter {
  const idle: pg.Client[] = [];
  const all = new Set<pg.Client>();
  const acquire = async () => {
    const reused = idle.pop();
    if (reused) return reused;
    const client = new pg.Client({ connectionString: url, application_name: 'calos:split' });
    client.on('error', () => undefined);
    await client.connect();
    all.add(client);
    return client;
  };
  return {
    database,
    engine: 'postgres',
    async transaction(work) {
      const client = await acquire();
      const tx: TargetTransaction = {
        query: async <Row>(sql: string, params?: readonly unknown[]) => {
          const result = await client.query(sql, params as unknown[] | undefined);
          return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
        },
        execScript: async (sql) => {
          await client.query(sql);
        },
        async copyIn(table, columns, rows, onRows) {
          const counter = new RowCounter(onRows);
          const sink = client.query(
            pgCopy.from(`COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`),
          );
          await pipeline(rows, counter, sink);
          return counter.rows;
        },
      };
      try {
        // Losing the last commit in a server crash is safe here: its progress row goes with it,
        // and the next run copies that table again.
        await client.query(
          `BEGIN; ${LOCAL_SETTINGS}; SET LOCAL synchronous_commit = off; SET LOCAL maintenance_work_mem = '128MB'`,
        );
        const result = await work(tx);
        await client.query('COMMIT');
        idle.push(client);
        return result;
      } catch (error) {
        // A connection that failed inside COPY may be in any state: close it instead of reusing it.
        all.delete(client);
        await client.query('ROLLBACK').catch(() => undefined);
        await client.end().catch(() => undefined);
        throw error;
      }
    },
    async close() {
      await Promise.allSettled([...all].map((c) => c.end()));
      all.clear();
      idle.length = 0;
    },
  };
}

/** COPY text is cut into blobs of about this size at row boundaries. */
const BLOB_BYTES = 4 * 1024 * 1024;

function pgliteWriter(db: Database): TargetWriter {
  const pglite = pgliteOf(db);
  if (!pglite) throw new Error(`${db.name} is not an embedded database`);
  const wrap = (tx: Transaction): TargetTransaction => ({
    query: async <Row>(sql: string, params?: readonly unknown[]) => {
      const result = await tx.query<Row>(sql, params ? [...params] : undefined);
      return {
        rows: result.rows,
        rowCount: result.rows.length > 0 ? result.rows.length : (result.affectedRows ?? 0),
      };
    },
    execScript: async (sql) => {
      await tx.exec(sql);
    },
    async copyIn(table, columns, rows, onRows) {
      const sql = `COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM '/dev/blob'`;
      let pending: Buffer[] = [];
      let size = 0;
      let total = 0;
      const load = async (last: boolean) => {
        const data = Buffer.concat(pending, size);
        const cut = last ? data.length : data.lastIndexOf(10) + 1;
        if (cut > 0) {
          const chunk = data.subarray(0, cut);
          await tx.query(sql, [], { blob: new Blob([chunk]) });
          const loaded = countNewlines(chunk);
          total += loaded;
          onRows(loaded);
        }
        const rest = data.subarray(cut);
        pending = rest.length > 0 ? [rest] : [];
        size = rest.length;
      };
      for await (const chunk of rows) {
        pending.push(chunk as Buffer);
        size += (chunk as Buffer).length;
        if (size >= BLOB_BYTES) await load(false);
      }
      if (size > 0) await load(true);
      return total;
    },
  });
  return {
    database: db.name,
    engine: 'pglite',
    // withSession holds the database's mutex, so nothing else runs inside this transaction.
    transaction: (work) =>
      db.withSession(() =>
        pglite.transaction(async (tx) => {
          await tx.exec(LOCAL_SETTINGS);
          return work(wrap(tx));
        }),
      ),
    close: async () => undefined,
  };
}

/** Runs a read inside a transaction with the rendering settings (checksums on a target). */
export const withRendering = <T>(db: Database, work: (tx: Queryable) => Promise<T>): Promise<T> =>
  db.transaction(async (tx) => {
    await tx.execScript(LOCAL_SETTINGS);
    return work(tx);
  });

export async function ensureProgressTable(db: Queryable): Promise<void> {
  await db
    .query(
      `CREATE TABLE IF NOT EXISTS ${PROGRESS_TABLE} (
         target_table TEXT PRIMARY KEY,
         source_table TEXT NOT NULL,
         rows         BIGINT NOT NULL,
         checksum     TEXT NOT NULL,
         duration_ms  INTEGER NOT NULL,
         copied_at    TIMESTAMPTZ NOT NULL DEFAULT now()
       )`,
    )
    .catch((error: { code?: string }) => {
      // Two runs creating it at the same instant: the other one won.
      if (error.code !== '23505' && error.code !== '42P07') throw error;
    });
}

export interface ProgressRow {
  target_table: string;
  source_table: string;
  rows: number;
  checksum: string;
  copied_at: string;
}

export async function readProgress(db: Queryable): Promise<Map<string, ProgressRow>> {
  const exists = await db.query<{ exists: boolean }>(
    `SELECT to_regclass('${PROGRESS_TABLE}') IS NOT NULL AS exists`,
  );
  if (!exists.rows[0]?.exists) return new Map();
  const { rows } = await db.query<ProgressRow>(
    `SELECT target_table, source_table, rows::text AS rows, checksum, copied_at::text AS copied_at FROM ${PROGRESS_TABLE}`,
  );
  return new Map(rows.map((r) => [r.target_table, { ...r, rows: Number(r.rows) }]));
}

/** Serialises two runs on one table (PostgreSQL; the embedded engine is single-process). */
export async function lockTableForCopy(tx: Queryable, engine: Engine, table: string): Promise<void> {
  if (engine === 'postgres')
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('${PROGRESS_TABLE}:' || $1))`, [table]);
}

export async function isCopied(tx: Queryable, table: string): Promise<boolean> {
  const { rows } = await tx.query(`SELECT 1 FROM ${PROGRESS_TABLE} WHERE target_table = $1`, [table]);
  return rows.length > 0;
}

export async function hasRows(tx: Queryable, table: string): Promise<boolean> {
  const { rows } = await tx.query(`SELECT 1 FROM ${quoteIdent(table)} LIMIT 1`);
  return rows.length > 0;
}

/**
 * Drops the table's indexes that no constraint needs, returning what recreates them: building
 * an index once after the load is several times faster than updating it for every row.
 */
export async function dropSecondaryIndexes(tx: Queryable, table: string): Promise<string[]> {
  const { rows } = await tx.query<{ name: string; definition: string }>(
    `SELECT ic.relname::text AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i
     JOIN pg_class ic ON ic.oid = i.indexrelid
     WHERE i.indrelid = $1::regclass
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
    [quoteIdent(table)],
  );
  for (const row of rows) await tx.query(`DROP INDEX ${quoteIdent(row.name)}`);
  return rows.map((r) => r.definition);
}

export async function recreateIndexes(tx: Queryable, definitions: string[]): Promise<void> {
  for (const definition of definitions) await tx.query(definition);
}

/**
 * Drops the table's foreign keys for the load and returns what adds them back: adding a key
 * checks every row in one join, where a key in place checks each row with its own query. Adding
 * it back validates all rows, so nothing unchecked can commit.
 */
export async function dropForeignKeys(tx: Queryable, table: string): Promise<string[]> {
  const { rows } = await tx.query<{ name: string; definition: string }>(
    `SELECT conname::text AS name, pg_get_constraintdef(oid) AS definition
     FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY conname`,
    [quoteIdent(table)],
  );
  for (const row of rows)
    await tx.query(`ALTER TABLE ${quoteIdent(table)} DROP CONSTRAINT ${quoteIdent(row.name)}`);
  return rows.map(
    (r) => `ALTER TABLE ${quoteIdent(table)} ADD CONSTRAINT ${quoteIdent(r.name)} ${r.definition}`,
  );
}

export async function restoreForeignKeys(tx: Queryable, statements: string[]): Promise<void> {
  for (const statement of statements) await tx.query(statement);
}

export async function recordCopied(
  tx: Queryable,
  entry: { target: string; source: string; rows: number; checksum: string; durationMs: number },
): Promise<void> {
  await tx.query(
    `INSERT INTO ${PROGRESS_TABLE} (target_table, source_table, rows, checksum, duration_ms) VALUES ($1, $2, $3, $4, $5)`,
    [entry.target, entry.source, entry.rows, entry.checksum, entry.durationMs],
  );
}

/**
 * identity keeps every balance equal to the sum of its user's credit_ledger entries: a moved
 * balance gets one opening entry, in the transaction that copies credits_balance.
 */
export async function openLedgerForMovedBalances(tx: Queryable): Promise<number> {
  const result = await tx.query(
    `INSERT INTO credit_ledger (user_id, amount, kind, reason, idempotency_key, balance_after)
     SELECT user_id, balance, 'admin_grant', 'Opening balance from the monolith', 'monolith:opening', balance
     FROM credits_balance WHERE balance > 0
     ON CONFLICT (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING`,
  );
  return result.rowCount;
}

/** Which of `ids` name no user in calos_identity.users. */
export async function missingUserIds(db: Queryable, ids: string[]): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT x::text AS id FROM unnest($1::uuid[]) AS x WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.user_id = x)`,
    [ids],
  );
  return rows.map((r) => r.id);
}

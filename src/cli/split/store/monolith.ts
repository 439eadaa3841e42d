// Reading the monolith: connections with clear errors, one exported snapshot shared by every
// session (as pg_dump -j does), so that all tables, counts, checks and checksums see the
// same instant even while several tables stream at once.
import type { Readable } from 'node:stream';
import pg from 'pg';
import pgCopy from 'pg-copy-streams';
import { redact } from '../../../platform/config.ts';
import type { Queryable } from '../../../platform/db/database.ts';
import type { AppError } from '../../../platform/errors.ts';
import { CliErrors } from '../../errors.ts';
import type { DataCheck, TablePlan } from '../plan.ts';
import { quoteIdent } from './catalog.ts';
import { RENDERING_SETTINGS } from './checksums.ts';

export type MonolithSession = Queryable & { client: pg.Client };

const asQueryable = (client: pg.Client): MonolithSession => ({
  client,
  query: async <Row>(sql: string, params?: readonly unknown[]) => {
    const result = await client.query(sql, params as unknown[] | undefined);
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
  },
  execScript: async (sql: string) => {
    await client.query(sql);
  },
});

/** A connection to the monolith, or an error that says what is wrong and where. */
export async function connectMonolith(url: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    application_name: 'calos:split',
    connectionTimeoutMillis: 15_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(
      `${RENDERING_SETTINGS.map((s) => `SET ${s}`).join('; ')}; SET statement_timeout = 0; SET idle_in_transaction_session_timeout = 0`,
    );
  } catch (error) {
    await client.end().catch(() => undefined);
    throw unreachable(url, error);
  }
  return client;
}

function unreachable(url: string, error: unknown): AppError {
  const e = error as { code?: string; message?: string };
  const hint: Record<string, string> = {
    ECONNREFUSED: 'nothing accepts connections there; is PostgreSQL running, and is the port right?',
    ENOTFOUND: 'the host name does not resolve',
    EAI_AGAIN: 'the host name does not resolve',
    ETIMEDOUT: 'the connection timed out',
    '3D000': 'that database does not exist on the server',
    '28P01': 'the server refused the password',
    '28000': 'the server refused this role or host (pg_hba.conf)',
    '42501': 'the role may not connect to that database',
  };
  const why = (e.code && hint[e.code]) ?? e.message ?? String(error);
  return CliErrors.monolithUnreachable(
    redact(url),
    `${why}${e.message && e.code && hint[e.code] ? ` (${e.message})` : ''}`,
  );
}

/**
 * Sessions on the monolith that all see one snapshot: a coordinator exports it and holds it
 * open; every other session imports it. Sessions are handed out and taken back like a pool.
 */
export class MonolithSnapshot {
  readonly #idle: pg.Client[] = [];
  readonly #all = new Set<pg.Client>();

  private constructor(
    private readonly url: string,
    readonly coordinator: MonolithSession,
    private readonly snapshotId: string,
  ) {}

  static async open(url: string): Promise<MonolithSnapshot> {
    const client = await connectMonolith(url);
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const { rows } = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
      return new MonolithSnapshot(url, asQueryable(client), (rows[0] as { id: string }).id);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  async acquire(): Promise<MonolithSession> {
    const idle = this.#idle.pop();
    if (idle) return asQueryable(idle);
    const client = await connectMonolith(this.url);
    this.#all.add(client);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    await client.query(`SET TRANSACTION SNAPSHOT '${this.snapshotId}'`);
    return asQueryable(client);
  }

  /** A session that failed mid-COPY is in an unknown state: it is closed, not reused. */
  release(session: MonolithSession, broken = false): void {
    if (broken) {
      this.#all.delete(session.client);
      session.client.end().catch(() => undefined);
    } else {
      this.#idle.push(session.client);
    }
  }

  async use<T>(work: (session: MonolithSession) => Promise<T>): Promise<T> {
    const session = await this.acquire();
    try {
      const result = await work(session);
      this.release(session);
      return result;
    } catch (error) {
      this.release(session, true);
      throw error;
    }
  }

  async close(): Promise<void> {
    const clients = [...this.#all, this.coordinator.client];
    this.#all.clear();
    this.#idle.length = 0;
    await Promise.allSettled(clients.map((c) => c.end()));
  }
}

export const sourceTableSql = (table: TablePlan): string =>
  `${quoteIdent(table.schema)}.${quoteIdent(table.source)}`;

/** The rows of a table as COPY text, each column already typed as its target column. */
export function copyOut(session: MonolithSession, table: TablePlan): Readable {
  const columns = table.columns.map((c) => c.expression).join(', ');
  return session.client.query(pgCopy.to(`COPY (SELECT ${columns} FROM ${sourceTableSql(table)}) TO STDOUT`));
}

export async function countRows(db: Pick<Queryable, 'query'>, from: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${from}`);
  return Number(rows[0]?.n ?? 0);
}

export interface Violation {
  table: string;
  rule: string;
  /** Rows (or, for a unique rule, groups of rows) that break it; -1 when it could not be checked. */
  count: number;
  /** The first few offending keys, as ROW(primary key) text. */
  examples: string[];
  error?: string;
}

/** Evaluates the target's rules on the monolith's rows (renamed and typed as the target's). */
export async function findViolations(
  db: Pick<Queryable, 'query'>,
  table: TablePlan,
  examples: number,
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const key = `ROW(${table.primaryKey.map(quoteIdent).join(', ')})::text`;
  const failing = (check: DataCheck & { kind: 'not-null' | 'check' }) =>
    check.kind === 'not-null' ? `${quoteIdent(check.column)} IS NULL` : `NOT (${check.expression})`;
  const rowChecks = table.checks.filter((c): c is DataCheck & { kind: 'not-null' | 'check' } =>
    ['not-null', 'check'].includes(c.kind),
  );
  const counts = async (checks: typeof rowChecks) => {
    const { rows } = await db.query<Record<string, string>>(
      `SELECT ${checks.map((c, i) => `count(*) FILTER (WHERE ${failing(c)})::text AS c${i}`).join(', ')}
       FROM ${table.asTargetSql} AS t`,
    );
    return checks.map((_, i) => Number(rows[0]?.[`c${i}`] ?? 0));
  };
  if (rowChecks.length > 0) {
    let found: number[];
    try {
      found = await counts(rowChecks);
    } catch {
      // One rule the monolith cannot evaluate (a function it lacks) must not hide the others.
      found = [];
      for (const check of rowChecks) {
        try {
          found.push(...(await counts([check])));
        } catch (error) {
          found.push(-1);
          violations.push({
            table: table.source,
            rule: check.name,
            count: -1,
            examples: [],
            error: (error as Error).message,
          });
        }
      }
    }
    for (const [i, check] of rowChecks.entries()) {
      const count = found[i] ?? 0;
      if (count <= 0) continue;
      const { rows } = await db.query<{ key: string }>(
        `SELECT ${key} AS key FROM ${table.asTargetSql} AS t WHERE ${failing(check)} LIMIT ${examples}`,
      );
      violations.push({ table: table.source, rule: check.name, count, examples: rows.map((r) => r.key) });
    }
  }
  for (const check of table.checks) {
    if (check.kind === 'unique') {
      const notNull = check.keys.map((k) => `(${k}) IS NOT NULL`).join(' AND ');
      const where = check.predicate ? `${notNull} AND (${check.predicate})` : notNull;
      try {
        const { rows } = await db.query<{ groups: string; examples: string[] | null }>(
          `SELECT count(*)::text AS groups, (array_agg(k))[1:${examples}] AS examples FROM (
             SELECT ROW(${check.keys.join(', ')})::text AS k FROM ${table.asTargetSql} AS t
             WHERE ${where} GROUP BY ${check.keys.join(', ')} HAVING count(*) > 1) AS d`,
        );
        const groups = Number(rows[0]?.groups ?? 0);
        if (groups > 0)
          violations.push({
            table: table.source,
            rule: `${check.name} (unique)`,
            count: groups,
            examples: rows[0]?.examples ?? [],
          });
      } catch (error) {
        violations.push({
          table: table.source,
          rule: check.name,
          count: -1,
          examples: [],
          error: (error as Error).message,
        });
      }
    } else if (check.kind === 'foreign-key') {
      const child = table.columns.filter((c) => check.columns.includes(c.target));
      const sourceOf = (target: string) => child.find((c) => c.target === target)?.source as string;
      const matches = check.columns
        .map((c, i) => `p.${quoteIdent(check.parentColumns[i] as string)} = c.${quoteIdent(sourceOf(c))}`)
        .join(' AND ');
      const { rows } = await db.query<{ n: string; examples: string[] | null }>(
        `SELECT count(*)::text AS n, (array_agg(ROW(${check.columns.map((c) => `c.${quoteIdent(sourceOf(c))}`).join(', ')})::text))[1:${examples}] AS examples
         FROM ${sourceTableSql(table)} AS c
         WHERE ${check.columns.map((c) => `c.${quoteIdent(sourceOf(c))} IS NOT NULL`).join(' AND ')}
           AND NOT EXISTS (SELECT 1 FROM ${quoteIdent(table.schema)}.${quoteIdent(check.parentSource)} AS p WHERE ${matches})`,
      );
      const count = Number(rows[0]?.n ?? 0);
      if (count > 0)
        violations.push({
          table: table.source,
          rule: `${check.name} (no ${check.parentSource} row)`,
          count,
          examples: rows[0]?.examples ?? [],
        });
    }
  }
  return violations;
}

/** Every distinct user id in the given columns (uuid or uuid[]) of the monolith's tables. */
export async function distinctUserIds(
  db: Pick<Queryable, 'query'>,
  columns: { from: string; expression: string; isArray: boolean }[],
): Promise<string[]> {
  if (columns.length === 0) return [];
  const parts = columns.map(
    (c) => `SELECT ${c.isArray ? `unnest(${c.expression})` : c.expression} AS u FROM ${c.from}`,
  );
  const { rows } = await db.query<{ u: string }>(
    `SELECT u::text AS u FROM (${parts.join(' UNION ')}) AS s WHERE u IS NOT NULL`,
  );
  return rows.map((r) => r.u);
}

/** Rows of one column that name any of `ids`, and the first few of those ids. */
export async function rowsNaming(
  db: Pick<Queryable, 'query'>,
  column: { from: string; expression: string; isArray: boolean },
  ids: string[],
  examples: number,
): Promise<{ rows: number; ids: string[] }> {
  // IN (SELECT …) hashes the ids once; = ANY(array) would compare every row with every id.
  const values = column.isArray ? `unnest(${column.expression})` : column.expression;
  const named = column.isArray
    ? `EXISTS (SELECT 1 FROM unnest(${column.expression}) AS v(id) WHERE v.id IN (SELECT unnest($1::uuid[])))`
    : `${column.expression} IN (SELECT unnest($1::uuid[]))`;
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${column.from} WHERE ${named}`,
    [ids],
  );
  if (Number(rows[0]?.n ?? 0) === 0) return { rows: 0, ids: [] };
  const found = await db.query<{ u: string }>(
    `SELECT DISTINCT u::text AS u FROM (SELECT ${values} AS u FROM ${column.from} WHERE ${named}) AS s
     WHERE u IN (SELECT unnest($1::uuid[])) ORDER BY 1 LIMIT ${examples}`,
    [ids],
  );
  return { rows: Number(rows[0]?.n ?? 0), ids: found.rows.map((r) => r.u) };
}
/**
 * Bytes each table takes on disk (with TOAST), so the copy starts with the heaviest, and the
 * planner's estimate of its rows, for the progress bar (exact counts come with the checksums).
 */
export async function tableStats(
  db: Pick<Queryable, 'query'>,
  schema: string,
): Promise<Map<string, { bytes: number; estimatedRows: number }>> {
  const { rows } = await db.query<{ name: string; bytes: string; estimate: string }>(
    `SELECT c.relname::text AS name, pg_table_size(c.oid)::text AS bytes, greatest(c.reltuples, 0)::bigint::text AS estimate
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')`,
    [schema],
  );
  return new Map(rows.map((r) => [r.name, { bytes: Number(r.bytes), estimatedRows: Number(r.estimate) }]));
}

/** The role the monolith URL signs in as, for messages about privileges. */
export async function currentRole(db: Pick<Queryable, 'query'>): Promise<string> {
  const { rows } = await db.query<{ role: string }>('SELECT current_user::text AS role');
  return rows[0]?.role ?? '?';
}

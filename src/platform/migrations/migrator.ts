// Applies and rolls back numbered migrations with Flyway's guarantees: a checksummed record
// per database, one transaction per file, refusal to run over an edited file, and a lock so
// that two runners started at once apply each file exactly once.
import { DATABASE_NAMES, type DatabaseName } from '../databases.ts';
import type { Database, Queryable, Session } from '../db/database.ts';
import { MigrationErrors } from './errors.ts';
import {
  DEFAULT_MIGRATIONS_DIR,
  hasStatements,
  lineAt,
  type MigrationFile,
  readMigrationFiles,
} from './migration-files.ts';

export const MIGRATIONS_TABLE = 'schema_migrations';
/** Session advisory-lock key ('calos' as a number); advisory locks are scoped to one database. */
const LOCK_KEY = 0x63616c6f73;

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
  applied_at: Date;
  duration_ms: number;
}

export type MigrationState = 'applied' | 'pending' | 'changed' | 'missing';

export interface MigrationStatus {
  version: number;
  name: string;
  state: MigrationState;
  appliedAt: Date | undefined;
  file: string | undefined;
}

export type MigrationEvent =
  | {
      type: 'applied' | 'rolled-back';
      database: DatabaseName;
      version: number;
      name: string;
      durationMs: number;
    }
  | { type: 'up-to-date'; database: DatabaseName };

export interface MigratorOptions {
  migrationsDir?: string;
  onEvent?: (event: MigrationEvent) => void;
}

export interface MigrateResult {
  database: DatabaseName;
  applied: number[];
}

/** `all` runs identity first: every app refers to its users. */
export const MIGRATION_ORDER: readonly DatabaseName[] = DATABASE_NAMES;

export async function migrate(db: Database, options: MigratorOptions = {}): Promise<MigrateResult> {
  const files = readMigrationFiles(db.name, options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  return withMigrationLock(db, async (session) => {
    const applied = await readApplied(session);
    assertAppliedUnchanged(db.name, files, applied);
    const done = new Set(applied.map((m) => m.version));
    const result: MigrateResult = { database: db.name, applied: [] };
    for (const file of files) {
      if (done.has(file.version)) continue;
      const started = performance.now();
      await session.transaction(async (tx) => {
        await runPart(tx, file, 'up');
        const durationMs = Math.round(performance.now() - started);
        await tx.query(
          `INSERT INTO ${MIGRATIONS_TABLE} (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)`,
          [file.version, file.name, file.checksum, durationMs],
        );
      });
      result.applied.push(file.version);
      options.onEvent?.({
        type: 'applied',
        database: db.name,
        version: file.version,
        name: file.name,
        durationMs: Math.round(performance.now() - started),
      });
    }
    if (result.applied.length === 0) options.onEvent?.({ type: 'up-to-date', database: db.name });
    return result;
  });
}

export interface RollbackOptions extends MigratorOptions {
  /** Roll back until this version is the newest applied (0: everything). Default: one step. */
  to?: number;
}

export async function rollback(db: Database, options: RollbackOptions = {}): Promise<number[]> {
  if (options.to !== undefined && (!Number.isInteger(options.to) || options.to < 0)) {
    throw MigrationErrors.rollbackTargetInvalid(options.to);
  }
  const files = readMigrationFiles(db.name, options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  return withMigrationLock(db, async (session) => {
    const applied = await readApplied(session);
    assertAppliedUnchanged(db.name, files, applied);
    const newestFirst = [...applied].sort((a, b) => b.version - a.version);
    const targets =
      options.to === undefined
        ? newestFirst.slice(0, 1)
        : newestFirst.filter((m) => m.version > (options.to ?? 0));
    const byVersion = new Map(files.map((f) => [f.version, f]));
    for (const target of targets) {
      const file = byVersion.get(target.version);
      if (file && !hasStatements(file.down)) {
        throw MigrationErrors.noDownPart(file.file);
      }
    }
    const rolledBack: number[] = [];
    for (const target of targets) {
      const file = byVersion.get(target.version) as MigrationFile;
      const started = performance.now();
      await session.transaction(async (tx) => {
        await runPart(tx, file, 'down');
        await tx.query(`DELETE FROM ${MIGRATIONS_TABLE} WHERE version = $1`, [file.version]);
      });
      rolledBack.push(file.version);
      options.onEvent?.({
        type: 'rolled-back',
        database: db.name,
        version: file.version,
        name: file.name,
        durationMs: Math.round(performance.now() - started),
      });
    }
    return rolledBack;
  });
}

export async function migrationStatus(
  db: Database,
  options: MigratorOptions = {},
): Promise<MigrationStatus[]> {
  const files = readMigrationFiles(db.name, options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const applied = await db.withSession(readApplied);
  const appliedByVersion = new Map(applied.map((m) => [m.version, m]));
  const statuses: MigrationStatus[] = files.map((file) => {
    const record = appliedByVersion.get(file.version);
    const state: MigrationState = !record
      ? 'pending'
      : record.checksum === file.checksum
        ? 'applied'
        : 'changed';
    return { version: file.version, name: file.name, state, appliedAt: record?.applied_at, file: file.file };
  });
  const known = new Set(files.map((f) => f.version));
  for (const record of applied) {
    if (!known.has(record.version)) {
      statuses.push({
        version: record.version,
        name: record.name,
        state: 'missing',
        appliedAt: record.applied_at,
        file: undefined,
      });
    }
  }
  return statuses.sort((a, b) => a.version - b.version);
}

/** True when every file is applied unchanged and nothing applied is missing. */
export const isCurrent = (statuses: MigrationStatus[]): boolean =>
  statuses.every((s) => s.state === 'applied');

async function withMigrationLock<T>(db: Database, work: (session: Session) => Promise<T>): Promise<T> {
  return db.withSession(async (session) => {
    // On PGlite the session itself is exclusive and the data-dir lock keeps other processes out.
    if (db.engine === 'postgres') await session.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      await session.query(
        `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
           version INTEGER PRIMARY KEY,
           name TEXT NOT NULL,
           checksum TEXT NOT NULL,
           applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
           duration_ms INTEGER NOT NULL
         )`,
      );
      return await work(session);
    } finally {
      if (db.engine === 'postgres') await session.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
    }
  });
}

async function readApplied(session: Queryable): Promise<AppliedMigration[]> {
  const exists = await session.query<{ exists: boolean }>(
    `SELECT to_regclass('${MIGRATIONS_TABLE}') IS NOT NULL AS exists`,
  );
  if (!exists.rows[0]?.exists) return [];
  const result = await session.query<AppliedMigration>(
    `SELECT version, name, checksum, applied_at, duration_ms FROM ${MIGRATIONS_TABLE} ORDER BY version`,
  );
  return result.rows;
}

function assertAppliedUnchanged(database: DatabaseName, files: MigrationFile[], applied: AppliedMigration[]) {
  const byVersion = new Map(files.map((f) => [f.version, f]));
  const changed = applied.filter((m) => {
    const file = byVersion.get(m.version);
    return file && file.checksum !== m.checksum;
  });
  if (changed.length > 0) {
    const names = changed.map((m) => byVersion.get(m.version)?.file).join(', ');
    throw MigrationErrors.checksumMismatch(
      database,
      names,
      changed.map((m) => m.version),
    );
  }
  const missing = applied.filter((m) => !byVersion.has(m.version));
  if (missing.length > 0) {
    throw MigrationErrors.missing(
      database,
      missing.map((m) => `${String(m.version).padStart(3, '0')}_${m.name}`).join(', '),
      missing.map((m) => m.version),
    );
  }
}

async function runPart(tx: Queryable, file: MigrationFile, part: 'up' | 'down') {
  const sql = part === 'up' ? file.up : file.down;
  try {
    await tx.execScript(sql);
  } catch (error) {
    const pgError = error as { message?: string; position?: string; code?: string };
    const position = Number(pgError.position);
    const firstLine = part === 'up' ? file.upLine : file.downLine;
    let where = '';
    if (Number.isInteger(position) && position > 0) {
      const before = sql.slice(0, position - 1);
      const line = firstLine + lineAt(sql, position - 1) - 1;
      const column = position - before.lastIndexOf('\n') - 1;
      where = ` at line ${line}, column ${column}`;
    }
    throw MigrationErrors.failed(file.file, part, where, pgError.message ?? String(error), {
      sqlState: pgError.code,
      position: Number.isInteger(position) ? position : undefined,
    });
  }
}

// calos split: moves the monolith's tables into the four databases. Targets are migrated
// first; the plan (types, dropped columns, the targets' rules on the monolith's data) is
// checked before a row is written; then tables stream with COPY, several at once, each in one
// transaction that is verified against the monolith before it commits. A run that is killed
// leaves whole tables or nothing, and the next run copies only what is missing.
import { availableParallelism } from 'node:os';
import type { Config } from '../../platform/config.ts';
import { redact } from '../../platform/config.ts';
import { DATABASE_NAMES, type DatabaseName } from '../../platform/databases.ts';
import { DBPoolManager } from '../../platform/db/pool-manager.ts';
import { MIGRATION_ORDER, type MigrationEvent, migrate } from '../../platform/migrations/migrator.ts';
import { CliErrors, SplitErrors } from '../errors.ts';
import type { Mapping } from './mapping.ts';
import { type Plan, planSplit, type TablePlan } from './plan.ts';
import { formatCount, type ProgressOutput, SplitProgress } from './progress.ts';
import { checkReferences, collectUserIds } from './references.ts';
import { describeTable, type SplitReport, type TableReport } from './report.ts';
import { type Catalog, quoteIdent, readCatalog } from './store/catalog.ts';
import { checksumOf } from './store/checksums.ts';
import {
  copyOut,
  countRows,
  currentRole,
  findViolations,
  MonolithSnapshot,
  tableStats,
  type Violation,
} from './store/monolith.ts';
import { migratedCatalogs } from './store/scratch-schema.ts';
import {
  dropForeignKeys,
  dropSecondaryIndexes,
  ensureProgressTable,
  hasRows,
  isCopied,
  lockTableForCopy,
  openLedgerForMovedBalances,
  openTargetWriter,
  readProgress,
  recordCopied,
  recreateIndexes,
  restoreForeignKeys,
  type TargetWriter,
} from './store/targets.ts';
import { compareTable, sourceRows, targetRows } from './verify.ts';

export interface SplitOptions {
  from: string;
  config: Pick<Config, 'databases' | 'dataDir'>;
  mapping: Mapping;
  dryRun?: boolean;
  allowDroppedColumns?: boolean;
  /** Tables copied at once (default: the CPU count plus one, from 2 to 4). */
  jobs?: number;
  /** How many ids or keys a list shows (default 10). */
  examples?: number;
  /** Where progress goes (stderr in the CLI); nothing when undefined. */
  progress?: ProgressOutput;
}

/** Special steps in the transaction that copies a table. */
const AFTER_COPY: Record<
  string,
  (tx: Parameters<Parameters<TargetWriter['transaction']>[0]>[0]) => Promise<number>
> = {
  'identity.credits_balance': openLedgerForMovedBalances,
};

export async function withMonolith<T>(
  from: string,
  work: (snapshot: MonolithSnapshot) => Promise<T>,
): Promise<T> {
  const snapshot = await MonolithSnapshot.open(from);
  try {
    return await work(snapshot);
  } finally {
    await snapshot.close();
  }
}

/** Reads the monolith's catalog and refuses early when the role cannot read a mapped table. */
export async function readMonolith(snapshot: MonolithSnapshot, mapping: Mapping): Promise<Catalog> {
  const catalog = await readCatalog(snapshot.coordinator, mapping.schema);
  if (catalog.size === 0) throw CliErrors.monolithEmpty(mapping.schema);
  const unreadable = [...mapping.tables.values()]
    .filter((entry) => entry.kind === 'move')
    .map((entry) => catalog.get(entry.source))
    .filter((table) => table?.columns.some((c) => !c.readable))
    .map((table) => `${mapping.schema}.${table?.name}`);
  if (unreadable.length > 0) {
    throw SplitErrors.privileges(await currentRole(snapshot.coordinator), unreadable);
  }
  return catalog;
}

export async function splitMonolith(options: SplitOptions): Promise<SplitReport> {
  const started = performance.now();
  const examples = options.examples ?? 10;
  const jobs = Math.max(1, options.jobs ?? defaultJobs());
  return withMonolith(options.from, async (snapshot) => {
    const monolith = await readMonolith(snapshot, options.mapping);
    const log = (line: string) => options.progress?.write(`${line}\n`);

    if (options.dryRun) {
      const plan = planSplit(options.mapping, monolith, await migratedCatalogs(), {
        allowDroppedColumns: options.allowDroppedColumns ?? false,
      });
      const counts = await countAll(snapshot, allTables(plan), plan.mapping.schema, jobs);
      const violations =
        plan.problems.length === 0 ? await checkData(snapshot, plan.tables, jobs, examples) : [];
      const tables = plan.tables.map((t) => tableReport(t, 'would-copy', counts.get(t.source) ?? 0));
      return finish(options, started, plan, counts, tables, violations, null);
    }

    const pools = await DBPoolManager.open({
      databases: options.config.databases,
      dataDir: options.config.dataDir,
      poolSize: jobs + 2,
    });
    const writers: TargetWriter[] = [];
    try {
      const targets = {} as Record<DatabaseName, Catalog>;
      const progressByDb = new Map<DatabaseName, Map<string, unknown>>();
      for (const name of MIGRATION_ORDER) {
        const db = pools.get(name);
        await migrate(db, { onEvent: (e) => log(describeMigration(e)) });
        await ensureProgressTable(db);
        targets[name] = await readCatalog(db, 'public');
        progressByDb.set(name, await readProgress(db));
      }
      const plan = planSplit(options.mapping, monolith, targets, {
        allowDroppedColumns: options.allowDroppedColumns ?? false,
      });
      if (plan.problems.length > 0) throw SplitErrors.plan(plan.problems);
      const pending = plan.tables.filter((t) => !progressByDb.get(t.database)?.has(t.target));
      let phase = performance.now();
      const violations = await checkData(snapshot, pending, jobs, examples);
      log(`checked ${pending.length} tables of the monolith against the targets' rules in ${seconds(phase)}`);
      const blocking = violations.filter((v) => v.count > 0);
      if (blocking.length > 0)
        throw SplitErrors.data(
          blocking,
          (v) => `  ${v.table}: ${formatCount(v.count)} × ${v.rule}, e.g. ${v.examples.join(', ')}`,
        );

      for (const name of DATABASE_NAMES)
        writers.push(openTargetWriter(pools.get(name), options.config.databases[name]));
      const writerOf = (name: DatabaseName) => writers.find((w) => w.database === name) as TargetWriter;
      const stats = await tableStats(snapshot.coordinator, options.mapping.schema);
      const estimate = (table: TablePlan) => stats.get(table.source)?.estimatedRows ?? 0;
      const totalRows = pending.reduce((sum, t) => sum + estimate(t), 0);
      const progress = new SplitProgress(
        options.progress ?? { write: () => undefined },
        totalRows,
        pending.length,
      );
      const reports = new Map<TablePlan, TableReport>();
      if (pending.length > 0)
        log(`copying ${pending.length} tables (about ${formatCount(totalRows)} rows), ${jobs} at a time`);
      phase = performance.now();
      // Reading user ids and counting what stays behind need only the monolith: they fill gaps
      // while the copy runs.
      const userIds = collectUserIds(snapshot, plan);
      userIds.catch(() => undefined);
      const counts = countAll(
        snapshot,
        plan.leftBehind.map((t) => t.table),
        plan.mapping.schema,
        1,
      );
      counts.catch(() => undefined);
      try {
        const copyOptions = {
          jobs,
          isEmbedded: (name: DatabaseName) => options.config.databases[name].engine === 'pglite',
          weight: (table: TablePlan) => stats.get(table.source)?.bytes ?? 0,
        };
        await copyTables(
          pending,
          copyOptions,
          async (table) => {
            const name = `${table.database}.${table.target}`;
            progress.start(name);
            const report = await copyTable(snapshot, writerOf(table.database), table, estimate(table), (n) =>
              progress.rows(n),
            );
            if (!report) {
              progress.finish(name, `  ${name.padEnd(30)} copied by another run meanwhile`);
              return true;
            }
            reports.set(table, report);
            progress.finish(
              name,
              describeTable(report) + (report.error ? `\n      error: ${report.error}` : ''),
            );
            return report.status !== 'failed';
          },
          (table, parent) => {
            const report = tableReport(table, 'failed', estimate(table));
            report.error = `not copied: ${parent} failed`;
            reports.set(table, report);
          },
        );
      } finally {
        progress.close();
      }
      if (pending.length > 0) log(`copied and verified in ${seconds(phase)}`);
      phase = performance.now();

      // Tables an earlier run copied are checked again against the monolith as it is now.
      for (const table of plan.tables) {
        if (reports.has(table)) continue;
        const comparison = await compareTable(snapshot, pools.get(table.database), table, examples);
        const report = tableReport(table, 'already-copied', comparison.monolith.rows);
        report.rows.target = comparison.target.rows;
        report.checksum = {
          monolith: comparison.monolith.checksum,
          target: comparison.target.checksum,
          match: comparison.match,
        };
        report.changes = comparison.changes;
        reports.set(table, report);
      }
      const references = await checkReferences(snapshot, pools.get('identity'), plan, examples, userIds);
      log(`checked references to users in ${seconds(phase)}`);
      const tables = plan.tables.map((t) => reports.get(t) as TableReport);
      return finish(options, started, plan, await counts, tables, violations, references);
    } finally {
      await Promise.allSettled(writers.map((w) => w.close()));
      await pools.closeAll();
    }
  });
}

async function copyTable(
  snapshot: MonolithSnapshot,
  writer: TargetWriter,
  table: TablePlan,
  expectedRows: number,
  onRows: (rows: number) => void,
): Promise<TableReport | undefined> {
  const started = performance.now();
  const report = tableReport(table, 'copied', expectedRows);
  // The monolith's checksum runs while the rows stream, on another session of the snapshot.
  const monolithSum = snapshot.use((s) => checksumOf(s, sourceRows(table)));
  monolithSum.catch(() => undefined);
  try {
    const outcome = await writer.transaction(async (tx) => {
      await lockTableForCopy(tx, writer.engine, table.target);
      if (await isCopied(tx, table.target)) return undefined;
      if (await hasRows(tx, table.target)) throw CliErrors.targetNotEmpty(table.database, table.target);
      const indexes = await dropSecondaryIndexes(tx, table.target);
      const foreignKeys = await dropForeignKeys(tx, table.target);
      const session = await snapshot.acquire();
      let rows: number;
      try {
        rows = await tx.copyIn(
          table.target,
          table.columns.map((c) => c.target),
          copyOut(session, table),
          onRows,
        );
        snapshot.release(session);
      } catch (error) {
        snapshot.release(session, true);
        throw error;
      }
      await recreateIndexes(tx, indexes);
      await restoreForeignKeys(tx, foreignKeys);
      const after = AFTER_COPY[`${table.database}.${table.target}`];
      const ledgerEntries = after ? await after(tx) : undefined;
      const copied = await checksumOf(tx, targetRows(table));
      const monolith = await monolithSum;
      if (copied.rows !== monolith.rows || copied.checksum !== monolith.checksum || copied.rows !== rows)
        throw CliErrors.checksumMismatch(table.database, table.target, monolith, copied);
      await recordCopied(tx, {
        target: table.target,
        source: table.source,
        rows,
        checksum: copied.checksum,
        durationMs: Math.round(performance.now() - started),
      });
      return { rows, checksum: copied.checksum, ledgerEntries };
    });
    // Another run copied it between our look at the progress table and now: verified later.
    if (!outcome) return undefined;
    const durationMs = performance.now() - started;
    report.rows.monolith = outcome.rows;
    report.rows.target = outcome.rows;
    report.checksum = { monolith: outcome.checksum, target: outcome.checksum, match: true };
    report.durationMs = Math.round(durationMs);
    report.rowsPerSecond = outcome.rows / Math.max(durationMs / 1000, 0.001);
    if (outcome.ledgerEntries !== undefined) report.ledgerEntries = outcome.ledgerEntries;
    return report;
  } catch (error) {
    report.status = 'failed';
    report.error = error instanceof Error ? error.message : String(error);
    report.rows.monolith = (await monolithSum.catch(() => undefined))?.rows ?? expectedRows;
    return report;
  }
}

/**
 * Runs `copy` over the tables, `jobs` at a time, heaviest first, each after the tables it
 * references. An embedded database takes one table at a time (it has one session). A failed
 * table fails the tables that reference it; the others go on.
 */
async function copyTables(
  tables: TablePlan[],
  options: {
    jobs: number;
    isEmbedded: (database: DatabaseName) => boolean;
    weight: (table: TablePlan) => number;
  },
  copy: (table: TablePlan) => Promise<boolean>,
  onSkipped: (table: TablePlan, failedParent: string) => void,
): Promise<void> {
  const key = (t: { database: string; target: string }) => `${t.database}.${t.target}`;
  const waiting = [...tables].sort((a, b) => options.weight(b) - options.weight(a));
  const planned = new Set(tables.map(key));
  const done = new Set<string>();
  const failed = new Set<string>();
  const perDatabase = new Map<DatabaseName, number>();
  // Dropping and adding a foreign key locks the referenced table: two tables that reference
  // the same one would only wait for each other, so they do not run at once.
  const referenced = (t: TablePlan) =>
    t.foreignKeys.map((fk) => `${t.database}.${fk.refTable}`).filter((r) => r !== key(t));
  const locked = new Set<string>();
  let running = 0;
  return new Promise<void>((resolve, reject) => {
    const pump = () => {
      for (const table of [...waiting]) {
        const parents = table.parents.map((p) => `${table.database}.${p}`).filter((p) => planned.has(p));
        const failedParent = parents.find((p) => failed.has(p));
        if (failedParent) {
          waiting.splice(waiting.indexOf(table), 1);
          failed.add(key(table));
          onSkipped(table, failedParent);
          continue;
        }
        if (running >= options.jobs) continue;
        if (!parents.every((p) => done.has(p))) continue;
        const busy = perDatabase.get(table.database) ?? 0;
        if (busy > 0 && options.isEmbedded(table.database)) continue;
        if (referenced(table).some((r) => locked.has(r))) continue;
        waiting.splice(waiting.indexOf(table), 1);
        perDatabase.set(table.database, busy + 1);
        for (const r of referenced(table)) locked.add(r);
        running++;
        copy(table)
          .then(
            (ok) => {
              (ok ? done : failed).add(key(table));
            },
            (error: unknown) => reject(error),
          )
          .finally(() => {
            running--;
            for (const r of referenced(table)) locked.delete(r);
            perDatabase.set(table.database, (perDatabase.get(table.database) ?? 1) - 1);
            pump();
          });
      }
      if (running > 0) return;
      // Nothing runs and nothing can start: the remaining tables wait on each other.
      for (const table of waiting.splice(0)) onSkipped(table, 'a reference cycle');
      resolve();
    };
    pump();
  });
}

/** A table keeps about two server processes busy (monolith and target): one more than the CPUs. */
export const defaultJobs = () => Math.min(4, Math.max(2, availableParallelism() + 1));

const allTables = (plan: Plan) => [
  ...plan.tables.map((t) => t.source),
  ...plan.leftBehind.map((t) => t.table),
];

async function countAll(
  snapshot: MonolithSnapshot,
  names: string[],
  schema: string,
  jobs: number,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  await inParallel(names, jobs, async (name) => {
    counts.set(name, await snapshot.use((s) => countRows(s, `${quoteIdent(schema)}.${quoteIdent(name)}`)));
  });
  return counts;
}

async function checkData(
  snapshot: MonolithSnapshot,
  tables: TablePlan[],
  jobs: number,
  examples: number,
): Promise<Violation[]> {
  const found: Violation[] = [];
  await inParallel(tables, jobs, async (table) => {
    found.push(...(await snapshot.use((s) => findViolations(s, table, examples))));
  });
  return found.sort((a, b) => a.table.localeCompare(b.table) || a.rule.localeCompare(b.rule));
}

export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export function tableReport(table: TablePlan, status: TableReport['status'], rows: number): TableReport {
  return {
    source: table.source,
    database: table.database,
    target: table.target,
    status,
    rows: { monolith: rows, target: null },
    checksum: { monolith: null, target: null, match: null },
    durationMs: null,
    rowsPerSecond: null,
    droppedColumns: table.dropped,
    renamedColumns: table.columns
      .filter((c) => c.source !== c.target)
      .map((c) => ({ from: c.source, to: c.target })),
    convertedColumns: table.columns
      .filter((c) => c.sourceType !== c.targetType)
      .map((c) => ({ column: c.target, from: c.sourceType, to: c.targetType })),
    defaultedColumns: table.defaulted,
  };
}

export function finish(
  options: Pick<SplitOptions, 'from' | 'dryRun'> & { command?: 'split' | 'verify' },
  started: number,
  plan: Plan,
  counts: Map<string, number>,
  tables: TableReport[],
  violations: Violation[],
  references: SplitReport['references'],
): SplitReport {
  const durationMs = Math.round(performance.now() - started);
  const failed = tables.filter((t) => t.status === 'failed').length;
  const mismatched = tables.filter((t) => t.checksum.match === false).length;
  const rows = tables.reduce((sum, t) => sum + (t.status === 'copied' ? (t.rows.target ?? 0) : 0), 0);
  const blocking = violations.filter((v) => v.count > 0).length;
  return {
    command: options.command ?? 'split',
    monolith: redact(options.from),
    dryRun: options.dryRun ?? false,
    durationMs,
    tables,
    leftBehind: plan.leftBehind.map((t) => ({ ...t, rows: counts.get(t.table) ?? 0 })),
    absent: plan.absent,
    problems: plan.problems,
    violations,
    references,
    totals: {
      tables: tables.length,
      rows,
      rowsPerSecond: rows / Math.max(durationMs / 1000, 0.001),
      failed,
      mismatched,
    },
    ok: failed === 0 && mismatched === 0 && plan.problems.length === 0 && blocking === 0,
  };
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

const describeMigration = (event: MigrationEvent) =>
  event.type === 'up-to-date'
    ? `${event.database}: migrations up to date`
    : `${event.database}: ${event.type} ${String(event.version).padStart(3, '0')}_${event.name}`;

/** calos split verify: the same comparison later, table by table, naming rows changed since. */
export async function verifySplit(options: SplitOptions): Promise<SplitReport> {
  const started = performance.now();
  const examples = options.examples ?? 10;
  const jobs = Math.max(1, options.jobs ?? defaultJobs());
  return withMonolith(options.from, async (snapshot) => {
    const monolith = await readMonolith(snapshot, options.mapping);
    const pools = await DBPoolManager.open({
      databases: options.config.databases,
      dataDir: options.config.dataDir,
      poolSize: jobs + 1,
    });
    try {
      const targets = {} as Record<DatabaseName, Catalog>;
      for (const name of DATABASE_NAMES) targets[name] = await readCatalog(pools.get(name), 'public');
      // Columns left behind were reported by the split; verification compares what moved.
      const plan = planSplit(options.mapping, monolith, targets, { allowDroppedColumns: true });
      const counts = await countAll(
        snapshot,
        plan.leftBehind.map((t) => t.table),
        plan.mapping.schema,
        jobs,
      );
      const reports = new Map<TablePlan, TableReport>();
      const progress = new SplitProgress(
        options.progress ?? { write: () => undefined },
        0,
        plan.tables.length,
      );
      await inParallel(plan.tables, jobs, async (table) => {
        const name = `${table.database}.${table.target}`;
        progress.start(name);
        const comparison = await compareTable(snapshot, pools.get(table.database), table, examples);
        const report = tableReport(
          table,
          comparison.match ? 'verified' : 'mismatch',
          comparison.monolith.rows,
        );
        report.rows.target = comparison.target.rows;
        report.checksum = {
          monolith: comparison.monolith.checksum,
          target: comparison.target.checksum,
          match: comparison.match,
        };
        report.changes = comparison.changes;
        reports.set(table, report);
        progress.finish(name, describeTable(report));
      });
      progress.close();
      const references =
        plan.problems.length === 0
          ? await checkReferences(snapshot, pools.get('identity'), plan, examples)
          : null;
      const tables = plan.tables.map((t) => reports.get(t) as TableReport);
      return finish({ ...options, command: 'verify' }, started, plan, counts, tables, [], references);
    } finally {
      await pools.closeAll();
    }
  });
}

// What a split or a verification found, per table, and how it reads: as text for a person or
// as JSON (--json) for a script.
import type { DatabaseName } from '../../platform/databases.ts';
import type { DroppedColumn } from './plan.ts';
import { formatCount } from './progress.ts';
import type { Violation } from './store/monolith.ts';

export type TableStatus =
  /** Copied by this run and verified inside its transaction. */
  | 'copied'
  /** Copied by an earlier run; verified again now. */
  | 'already-copied'
  | 'failed'
  | 'would-copy'
  /** split verify: counts and checksums agree. */
  | 'verified'
  /** Counts or checksums disagree. */
  | 'mismatch';

export interface RowChanges {
  changed: number;
  onlyInMonolith: number;
  onlyInTarget: number;
  /** False when only some of the differing buckets were inspected: the counts are lower bounds. */
  complete: boolean;
  examples: { key: string; change: 'changed' | 'only-in-monolith' | 'only-in-target' }[];
}

export interface TableReport {
  source: string;
  database: DatabaseName;
  target: string;
  status: TableStatus;
  rows: { monolith: number; target: number | null };
  checksum: { monolith: string | null; target: string | null; match: boolean | null };
  durationMs: number | null;
  rowsPerSecond: number | null;
  droppedColumns: DroppedColumn[];
  renamedColumns: { from: string; to: string }[];
  convertedColumns: { column: string; from: string; to: string }[];
  defaultedColumns: string[];
  /** identity.credits_balance: opening credit_ledger entries written with the balances. */
  ledgerEntries?: number;
  changes?: RowChanges;
  error?: string;
}

export interface ReferenceReport {
  database: DatabaseName;
  table: string;
  column: string;
  /** Rows whose user id (or one of whose ids, for uuid[]) names no user in identity. */
  orphanRows: number;
  /** The first few such user ids. */
  orphanUserIds: string[];
}

export interface SplitReport {
  command: 'split' | 'verify';
  monolith: string;
  dryRun: boolean;
  durationMs: number;
  tables: TableReport[];
  leftBehind: { table: string; rows: number; reason: string }[];
  /** Mapped tables the monolith does not have. */
  absent: { table: string; database: DatabaseName }[];
  problems: string[];
  violations: Violation[];
  /** null when not checked (dry run). */
  references: ReferenceReport[] | null;
  totals: { tables: number; rows: number; rowsPerSecond: number; failed: number; mismatched: number };
  ok: boolean;
}

const STATUS_TEXT: Record<TableStatus, string> = {
  copied: 'copied, verified',
  'already-copied': 'already copied, verified',
  failed: 'FAILED',
  'would-copy': 'would copy',
  verified: 'verified',
  mismatch: 'MISMATCH',
};

export function describeTable(table: TableReport): string {
  const name = `${table.database}.${table.target}`;
  const status =
    table.status === 'already-copied' && table.checksum.match === false
      ? 'already copied, MISMATCH'
      : STATUS_TEXT[table.status];
  const rate =
    table.status === 'copied' && table.rowsPerSecond !== null && table.durationMs !== null
      ? ` in ${(table.durationMs / 1000).toFixed(1)} s (${formatCount(Math.round(table.rowsPerSecond))} rows/s)`
      : '';
  return `  ${name.padEnd(30)} ${formatCount(table.rows.monolith).padStart(11)} rows  ${status}${rate}`;
}

export function renderReport(report: SplitReport): string {
  const lines: string[] = [];
  const title =
    report.command === 'verify'
      ? `Verification of the split from ${report.monolith}`
      : report.dryRun
        ? `Dry run: what calos split would move from ${report.monolith} (nothing was written)`
        : `Split from ${report.monolith}`;
  lines.push(title, '');
  if (report.problems.length > 0) {
    lines.push('The split cannot run:', ...report.problems.map((p) => `  - ${p}`), '');
  }
  if (report.violations.length > 0) {
    lines.push(
      'Monolith rows the target databases would refuse:',
      ...report.violations.map(describeViolation),
      '',
    );
  }
  if (report.tables.length > 0) {
    lines.push(report.command === 'verify' ? 'Tables:' : report.dryRun ? 'Tables to move:' : 'Tables moved:');
    for (const table of report.tables) {
      lines.push(describeTable(table));
      if (table.checksum.match !== null)
        lines.push(
          `      rows ${formatCount(table.rows.monolith)} → ${table.rows.target === null ? '?' : formatCount(table.rows.target)}, checksum ${table.checksum.match ? 'equal' : `monolith ${table.checksum.monolith}, target ${table.checksum.target}`}`,
        );
      if (table.error) lines.push(`      error: ${table.error}`);
      if (table.renamedColumns.length > 0)
        lines.push(`      renamed: ${table.renamedColumns.map((r) => `${r.from} → ${r.to}`).join(', ')}`);
      if (report.dryRun && table.convertedColumns.length > 0)
        lines.push(
          `      converted: ${table.convertedColumns.map((c) => `${c.column} ${c.from} → ${c.to}`).join(', ')}`,
        );
      if (table.droppedColumns.length > 0)
        lines.push(
          `      LEFT BEHIND columns: ${table.droppedColumns.map((d) => `${d.column} (${d.type}, ${d.why === 'mapping' ? 'by the mapping' : 'allowed by --allow-dropped-columns'})`).join(', ')}`,
        );
      if (report.dryRun && table.defaultedColumns.length > 0)
        lines.push(`      filled by the target's defaults: ${table.defaultedColumns.join(', ')}`);
      if (table.ledgerEntries !== undefined)
        lines.push(
          `      credit_ledger: ${formatCount(table.ledgerEntries)} opening entries (balance = sum of ledger)`,
        );
      if (table.changes) lines.push(...describeChanges(table.changes));
    }
    lines.push('');
  }
  if (report.absent.length > 0) {
    lines.push(
      'Named by the mapping but not in the monolith (nothing to move):',
      ...report.absent.map((a) => `  ${a.table} (→ ${a.database})`),
      '',
    );
  }
  if (report.leftBehind.length > 0) {
    lines.push('Left behind in the monolith:');
    for (const table of report.leftBehind)
      lines.push(`  ${table.table.padEnd(30)} ${formatCount(table.rows).padStart(11)} rows  ${table.reason}`);
    lines.push('');
  }
  if (report.references) {
    const orphans = report.references.filter((r) => r.orphanRows > 0);
    if (orphans.length === 0) {
      lines.push('References to users: every user id in the apps names a user in identity.', '');
    } else {
      lines.push('Rows whose user id names no user in identity (kept, not dropped):');
      for (const ref of orphans)
        lines.push(
          `  ${`${ref.database}.${ref.table}.${ref.column}`.padEnd(40)} ${formatCount(ref.orphanRows).padStart(9)} rows  e.g. ${ref.orphanUserIds.slice(0, 3).join(', ')}${ref.orphanUserIds.length > 3 ? ', …' : ''}`,
        );
      lines.push('');
    }
  }
  const t = report.totals;
  if (
    report.command === 'split' &&
    !report.dryRun &&
    report.problems.length === 0 &&
    report.violations.length === 0
  )
    lines.push(
      `${formatCount(t.rows)} rows in ${t.tables} tables, ${(report.durationMs / 1000).toFixed(1)} s, ${formatCount(Math.round(t.rowsPerSecond))} rows/s.`,
    );
  lines.push(
    report.ok
      ? report.dryRun
        ? 'The split can run.'
        : 'Every table verified: row counts and checksums are equal on both sides.'
      : report.dryRun
        ? 'The split cannot run as it is: see above.'
        : `${t.failed} table${t.failed === 1 ? '' : 's'} failed, ${t.mismatched} differ${t.mismatched === 1 ? 's' : ''}: see above.${report.command === 'split' ? ' Run the same command again to finish: copied tables are kept.' : ''}`,
  );
  return lines.join('\n');
}

function describeViolation(v: Violation): string {
  if (v.count < 0)
    return `  ${v.table}: could not check ${v.rule} on the monolith (${v.error}); the target will enforce it`;
  return `  ${v.table}: ${formatCount(v.count)} ${v.rule.includes('(unique)') ? 'duplicate groups' : 'rows'} break ${v.rule}, e.g. ${v.examples.join(', ')}`;
}

function describeChanges(changes: RowChanges): string[] {
  const atLeast = changes.complete ? '' : 'at least ';
  const lines = [
    `      rows changed since: ${atLeast}${formatCount(changes.changed)} changed, ${formatCount(changes.onlyInMonolith)} only in the monolith, ${formatCount(changes.onlyInTarget)} only in the target`,
  ];
  for (const example of changes.examples) lines.push(`        ${example.change.padEnd(16)} ${example.key}`);
  return lines;
}

// Compares a moved table on both sides: counts and checksums first; when they differ, bucket
// checksums narrow the difference down and per-row hashes name the rows (by primary key)
// that changed, appeared or disappeared since the copy.
import type { Database } from '../../platform/db/database.ts';
import type { TablePlan } from './plan.ts';
import type { RowChanges } from './report.ts';
import { quoteIdent } from './store/catalog.ts';
import {
  bucketChecksums,
  checksumOf,
  hashable,
  type RowSet,
  rowHashesIn,
  type TableChecksum,
} from './store/checksums.ts';
import { type MonolithSnapshot, sourceTableSql } from './store/monolith.ts';
import { withRendering } from './store/targets.ts';

/** Differing buckets inspected row by row at most (each holds about 1/1024th of the table). */
const MAX_BUCKETS = 64;

export const sourceRows = (table: TablePlan): RowSet => ({
  from: sourceTableSql(table),
  values: table.columns.map((c) => hashable(c.expression, c.targetType)),
  key: table.primaryKey.map((k) => table.columns.find((c) => c.target === k)?.expression ?? quoteIdent(k)),
});

export const targetRows = (table: TablePlan): RowSet => ({
  from: quoteIdent(table.target),
  values: table.columns.map((c) => hashable(quoteIdent(c.target), c.targetType)),
  key: table.primaryKey.map(quoteIdent),
});

export interface TableComparison {
  monolith: TableChecksum;
  target: TableChecksum;
  match: boolean;
  changes?: RowChanges;
}

export async function compareTable(
  snapshot: MonolithSnapshot,
  target: Database,
  table: TablePlan,
  examples: number,
): Promise<TableComparison> {
  const [monolith, copied] = await Promise.all([
    snapshot.use((s) => checksumOf(s, sourceRows(table))),
    withRendering(target, (tx) => checksumOf(tx, targetRows(table))),
  ]);
  const match = monolith.rows === copied.rows && monolith.checksum === copied.checksum;
  if (match) return { monolith, target: copied, match };
  return { monolith, target: copied, match, changes: await findChanges(snapshot, target, table, examples) };
}

export async function findChanges(
  snapshot: MonolithSnapshot,
  target: Database,
  table: TablePlan,
  examples: number,
): Promise<RowChanges> {
  const [left, right] = await Promise.all([
    snapshot.use((s) => bucketChecksums(s, sourceRows(table))),
    withRendering(target, (tx) => bucketChecksums(tx, targetRows(table))),
  ]);
  const differing = [...new Set([...left.keys(), ...right.keys()])]
    .filter((b) => left.get(b) !== right.get(b))
    .sort((a, b) => a - b);
  const inspected = differing.slice(0, MAX_BUCKETS);
  const [before, after] = await Promise.all([
    snapshot.use((s) => rowHashesIn(s, sourceRows(table), inspected)),
    withRendering(target, (tx) => rowHashesIn(tx, targetRows(table), inspected)),
  ]);
  const changes: RowChanges = {
    changed: 0,
    onlyInMonolith: 0,
    onlyInTarget: 0,
    complete: inspected.length === differing.length,
    examples: [],
  };
  const note = (key: string, change: RowChanges['examples'][number]['change']) => {
    if (changes.examples.length < examples) changes.examples.push({ key: readableKey(key), change });
  };
  for (const [key, hash] of [...before].sort(([a], [b]) => a.localeCompare(b))) {
    const other = after.get(key);
    if (other === undefined) {
      changes.onlyInMonolith++;
      note(key, 'only-in-monolith');
    } else if (other !== hash) {
      changes.changed++;
      note(key, 'changed');
    }
  }
  for (const key of [...after.keys()].sort()) {
    if (!before.has(key)) {
      changes.onlyInTarget++;
      note(key, 'only-in-target');
    }
  }
  return changes;
}

/** "(8f14e45f-…)" reads better as the bare id; composite keys keep their parentheses. */
const readableKey = (key: string): string => (/^\([^,()"]*\)$/.test(key) ? key.slice(1, -1) : key);

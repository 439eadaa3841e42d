// References across databases: user ids in the apps' tables cannot be foreign keys into
// identity, so after a split every such id is looked up there. Rows naming no user are counted
// and listed, never dropped (DESIGN.md: identity's outbox and doctor handle them later).
import type { Database } from '../../platform/db/database.ts';
import type { Plan } from './plan.ts';
import type { ReferenceReport } from './report.ts';
import { distinctUserIds, type MonolithSnapshot, rowsNaming, sourceTableSql } from './store/monolith.ts';
import { missingUserIds } from './store/targets.ts';

const LOOKUP_BATCH = 5000;

const userColumnsOf = (plan: Plan) =>
  plan.tables.flatMap((table) =>
    table.userColumns.map((column) => ({
      table,
      column: column.column,
      from: sourceTableSql(table),
      expression: column.expression,
      isArray: column.isArray,
    })),
  );

/** Every user id the apps' tables name, read from the monolith (it can run during the copy). */
export const collectUserIds = (snapshot: MonolithSnapshot, plan: Plan): Promise<string[]> =>
  snapshot.use((s) => distinctUserIds(s, userColumnsOf(plan)));

export async function checkReferences(
  snapshot: MonolithSnapshot,
  identity: Database,
  plan: Plan,
  examples: number,
  userIds?: Promise<string[]>,
): Promise<ReferenceReport[]> {
  const columns = userColumnsOf(plan);
  if (columns.length === 0) return [];
  const ids = await (userIds ?? collectUserIds(snapshot, plan));
  const missing: string[] = [];
  for (let i = 0; i < ids.length; i += LOOKUP_BATCH)
    missing.push(...(await missingUserIds(identity, ids.slice(i, i + LOOKUP_BATCH))));
  const reports: ReferenceReport[] = [];
  for (const column of columns) {
    const found =
      missing.length === 0
        ? { rows: 0, ids: [] }
        : await snapshot.use((s) => rowsNaming(s, column, missing, examples));
    reports.push({
      database: column.table.database,
      table: column.table.target,
      column: column.column,
      orphanRows: found.rows,
      orphanUserIds: found.ids,
    });
  }
  return reports;
}

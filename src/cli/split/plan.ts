// The plan of a split, worked out from the mapping and the catalogs of the monolith and the
// targets before anything is written: per table, which columns go where as which SQL, what is
// left behind, what the target fills in, and every reason the split cannot run.
import type { DatabaseName } from '../../platform/databases.ts';
import { convertColumn } from './column-types.ts';
import type { Mapping, MovedTable } from './mapping.ts';
import { type Catalog, type CatalogTable, quoteIdent } from './store/catalog.ts';

export interface ColumnPlan {
  source: string;
  target: string;
  sourceType: string;
  targetType: string;
  /** SQL over the monolith table that yields the value as the target column's type. */
  expression: string;
}

export interface DroppedColumn {
  column: string;
  type: string;
  why: 'mapping' | '--allow-dropped-columns';
}

/** A data rule of the target, checked against the monolith's rows before writing. */
export type DataCheck =
  | { kind: 'not-null'; name: string; column: string }
  | { kind: 'check'; name: string; expression: string }
  | { kind: 'unique'; name: string; keys: string[]; predicate: string | null }
  | {
      kind: 'foreign-key';
      name: string;
      columns: string[];
      /** The parent as it sits in the monolith, and its key columns there. */
      parentSource: string;
      parentColumns: string[];
    };

export interface TablePlan {
  source: string;
  schema: string;
  database: DatabaseName;
  target: string;
  columns: ColumnPlan[];
  dropped: DroppedColumn[];
  /** Target columns the monolith does not have: their default (or NULL) fills them. */
  defaulted: string[];
  primaryKey: string[];
  /** Tables of the same target database this one references: they are copied first. */
  parents: string[];
  /** The target table's foreign keys. */
  foreignKeys: { name: string; columns: string[]; refTable: string; refColumns: string[] }[];
  /** Columns with user ids: target name, SQL over the monolith table, uuid[] or uuid. */
  userColumns: { column: string; expression: string; isArray: boolean }[];
  /**
   * The monolith's rows, renamed and typed as the target's columns, with defaulted columns the
   * rules mention: SELECT … FROM this, as `t`, evaluates target rules on monolith data.
   */
  asTargetSql: string;
  checks: DataCheck[];
}

export interface Plan {
  mapping: Mapping;
  tables: TablePlan[];
  /** Monolith tables that stay: named with leaveBehind, or not named at all. */
  leftBehind: { table: string; reason: string }[];
  /** Mapped tables the monolith does not have. */
  absent: { table: string; database: DatabaseName }[];
  problems: string[];
}

export interface PlanOptions {
  allowDroppedColumns: boolean;
}

export function planSplit(
  mapping: Mapping,
  monolith: Catalog,
  targets: Record<DatabaseName, Catalog>,
  options: PlanOptions,
): Plan {
  const plan: Plan = { mapping, tables: [], leftBehind: [], absent: [], problems: [] };
  for (const name of [...monolith.keys()].sort()) {
    const entry = mapping.tables.get(name);
    if (!entry) plan.leftBehind.push({ table: name, reason: 'not in the mapping' });
    else if (entry.kind === 'leave') plan.leftBehind.push({ table: name, reason: entry.reason });
  }
  const moved = [...mapping.tables.values()].filter((e): e is MovedTable => e.kind === 'move');
  for (const entry of moved) {
    const source = monolith.get(entry.source);
    if (!source) {
      plan.absent.push({ table: entry.source, database: entry.database });
      continue;
    }
    const target = targets[entry.database].get(entry.target);
    if (!target) {
      plan.problems.push(
        `${entry.source}: the ${entry.database} database has no table "${entry.target}" (mapping: ${mapping.origin})`,
      );
      continue;
    }
    const table = planTable(entry, source, target, mapping, options, plan.problems);
    if (table) plan.tables.push(table);
  }
  resolveParents(plan, moved, monolith);
  return plan;
}

function planTable(
  entry: MovedTable,
  source: CatalogTable,
  target: CatalogTable,
  mapping: Mapping,
  options: PlanOptions,
  problems: string[],
): TablePlan | undefined {
  const where = `${entry.source} → ${entry.database}.${entry.target}`;
  const before = problems.length;
  const targetColumns = new Map(target.columns.map((c) => [c.name, c]));
  const sourceNames = new Set(source.columns.map((c) => c.name));
  const columns: ColumnPlan[] = [];
  const dropped: DroppedColumn[] = [];
  const provided = new Set<string>();

  for (const name of entry.drop)
    if (!sourceNames.has(name))
      problems.push(`${where}: the mapping drops "${name}", which the monolith does not have`);
  for (const name of entry.renames.keys())
    if (!sourceNames.has(name))
      problems.push(`${where}: the mapping renames "${name}", which the monolith does not have`);

  for (const column of source.columns) {
    if (entry.drop.has(column.name)) {
      dropped.push({ column: column.name, type: column.type, why: 'mapping' });
      continue;
    }
    const targetName = entry.renames.get(column.name) ?? column.name;
    const targetColumn = targetColumns.get(targetName);
    if (!targetColumn) {
      if (options.allowDroppedColumns) {
        dropped.push({ column: column.name, type: column.type, why: '--allow-dropped-columns' });
      } else {
        problems.push(
          `${where}: column "${column.name}" (${column.type}) has no column "${targetName}" in the target and would be lost. ` +
            `Rename it ("columns": {"${column.name}": "…"}), leave it behind on purpose ("drop": ["${column.name}"]) or pass --allow-dropped-columns`,
        );
      }
      continue;
    }
    if (targetColumn.generated) {
      problems.push(
        `${where}: target column "${targetName}" is generated by the database and cannot be copied into`,
      );
      continue;
    }
    if (provided.has(targetName)) {
      problems.push(`${where}: two monolith columns map to "${targetName}"`);
      continue;
    }
    const conversion = convertColumn(
      quoteIdent(column.name),
      column.type,
      targetColumn.type,
      mapping.timestampTimeZone,
    );
    if (!conversion.ok) {
      problems.push(
        `${where}: type mismatch on "${column.name}": monolith ${column.type}, target ${targetColumn.type} (${conversion.reason})`,
      );
      continue;
    }
    provided.add(targetName);
    columns.push({
      source: column.name,
      target: targetName,
      sourceType: column.type,
      targetType: targetColumn.type,
      expression: conversion.expression,
    });
  }

  const defaulted: string[] = [];
  for (const column of target.columns) {
    if (provided.has(column.name) || column.generated) continue;
    if (column.notNull && column.defaultExpr === null)
      problems.push(
        `${where}: target column "${column.name}" is NOT NULL without a default, and the monolith has no column for it`,
      );
    defaulted.push(column.name);
  }

  const primaryKey = target.primaryKey ?? [];
  if (primaryKey.length === 0)
    problems.push(`${where}: the target table has no primary key, which verification needs`);
  const missingKey = primaryKey.filter((c) => !provided.has(c));
  if (missingKey.length > 0)
    problems.push(
      `${where}: the target's primary key (${missingKey.join(', ')}) has no monolith column: rows could not be matched`,
    );

  const userColumns: TablePlan['userColumns'] = [];
  for (const name of entry.userColumns) {
    const column = columns.find((c) => c.target === name);
    if (!targetColumns.has(name))
      problems.push(`${where}: userColumns names "${name}", which the target does not have`);
    else if (column) {
      const isArray = column.targetType === 'uuid[]';
      if (column.targetType !== 'uuid' && !isArray)
        problems.push(`${where}: userColumns "${name}" is ${column.targetType}, not uuid or uuid[]`);
      else userColumns.push({ column: name, expression: column.expression, isArray });
    }
  }
  if (problems.length > before) return undefined;

  const checks = dataChecks(entry, source, target, provided);
  const mentioned = new Set(
    checks.flatMap((check) =>
      check.kind === 'check'
        ? mentionedColumns(check.expression, defaulted)
        : check.kind === 'unique'
          ? mentionedColumns(`${check.keys.join(' ')} ${check.predicate ?? ''}`, defaulted)
          : [],
    ),
  );
  const selectList = [
    ...columns.map((c) => `${c.expression} AS ${quoteIdent(c.target)}`),
    ...target.columns
      .filter((c) => mentioned.has(c.name))
      .map(
        (c) =>
          `${c.defaultExpr === null ? 'NULL' : `(${c.defaultExpr})`}::${c.type} AS ${quoteIdent(c.name)}`,
      ),
  ];
  return {
    source: entry.source,
    schema: mapping.schema,
    database: entry.database,
    target: entry.target,
    columns,
    dropped,
    defaulted,
    primaryKey,
    parents: [],
    foreignKeys: target.constraints
      .filter((c) => c.type === 'f' && c.refTable !== null)
      .map((c) => ({
        name: c.name,
        columns: c.columns,
        refTable: c.refTable as string,
        refColumns: c.refColumns,
      })),
    userColumns,
    asTargetSql: `(SELECT ${selectList.join(', ')} FROM ${quoteIdent(mapping.schema)}.${quoteIdent(entry.source)})`,
    checks,
  };
}

/** The target's rules that the monolith does not already guarantee. */
function dataChecks(
  entry: MovedTable,
  source: CatalogTable,
  target: CatalogTable,
  provided: Set<string>,
): DataCheck[] {
  const toSource = new Map<string, string>();
  for (const column of source.columns)
    toSource.set(entry.renames.get(column.name) ?? column.name, column.name);
  const sourceNotNull = new Set(source.columns.filter((c) => c.notNull).map((c) => c.name));
  const checks: DataCheck[] = [];
  for (const column of target.columns) {
    const from = toSource.get(column.name);
    if (column.notNull && provided.has(column.name) && from && !sourceNotNull.has(from))
      checks.push({ kind: 'not-null', name: `${column.name} NOT NULL`, column: column.name });
  }
  for (const constraint of target.constraints) {
    if (constraint.type === 'c' && constraint.checkExpr)
      checks.push({ kind: 'check', name: constraint.name, expression: constraint.checkExpr });
  }
  // A unique rule the monolith already enforces on the same columns needs no scan.
  const sourceUniques = source.uniqueIndexes
    .filter((i) => i.plain && i.predicate === null)
    .map((i) =>
      i.keys
        .map((k) => entry.renames.get(unquote(k)) ?? unquote(k))
        .sort()
        .join(','),
    );
  for (const index of target.uniqueIndexes) {
    const keys = index.keys.map(unquote);
    if (index.plain && index.predicate === null && sourceUniques.includes([...keys].sort().join(',')))
      continue;
    if (index.plain && keys.some((k) => !provided.has(k))) continue;
    checks.push({ kind: 'unique', name: index.name, keys: index.keys, predicate: index.predicate });
  }
  return checks;
}

/**
 * Tables a target's own migrations fill (reference data: identity's subscription_plans holds the
 * plans): moved rows may reference them without the mapping filling them. A value they lack is
 * refused by the target's foreign key inside the table's transaction, which then writes nothing.
 */
const SEEDED_BY_MIGRATIONS: Readonly<Record<string, readonly string[]>> = {
  identity: ['subscription_plans'],
};

/** Orders tables after the tables they reference, and adds foreign-key checks the monolith lacks. */
function resolveParents(plan: Plan, moved: MovedTable[], monolith: Catalog) {
  const byTarget = new Map(plan.tables.map((t) => [`${t.database}.${t.target}`, t]));
  for (const table of plan.tables) {
    const entry = moved.find((e) => e.source === table.source) as MovedTable;
    for (const fk of table.foreignKeys) {
      if (!fk.columns.every((c) => table.columns.some((p) => p.target === c))) continue;
      const parent = byTarget.get(`${table.database}.${fk.refTable}`);
      if (!parent) {
        if (fk.refTable !== table.target && !SEEDED_BY_MIGRATIONS[table.database]?.includes(fk.refTable))
          plan.problems.push(
            `${table.source} → ${table.database}.${table.target}: references ${table.database}.${fk.refTable} (${fk.name}), which the mapping does not fill`,
          );
        continue;
      }
      if (parent !== table) table.parents.push(parent.target);
      const sourceColumns = fk.columns.map(
        (c) => table.columns.find((p) => p.target === c)?.source as string,
      );
      const parentColumns = fk.refColumns.map((c) => parent.columns.find((p) => p.target === c)?.source);
      if (parentColumns.some((c) => c === undefined)) continue;
      const guaranteed = monolith
        .get(entry.source)
        ?.constraints.some(
          (c) =>
            c.type === 'f' &&
            c.refTable === parent.source &&
            c.columns.join(',') === sourceColumns.join(',') &&
            c.refColumns.join(',') === parentColumns.join(','),
        );
      if (!guaranteed)
        table.checks.push({
          kind: 'foreign-key',
          name: fk.name,
          columns: fk.columns,
          parentSource: parent.source,
          parentColumns: parentColumns as string[],
        });
    }
  }
}

function unquote(name: string): string {
  return name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name;
}

function mentionedColumns(sql: string, names: readonly string[]): string[] {
  return names.filter((name) =>
    new RegExp(`(^|[^A-Za-z0-9_$"])"?${name.replace(/[$]/g, '\\$')}"?($|[^A-Za-z0-9_$"])`).test(sql),
  );
}

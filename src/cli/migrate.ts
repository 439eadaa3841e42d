// calos migrate [all|<db>], calos migrate status, calos rollback <db> [--to N].

import type { Config } from '../platform/config.ts';
import { DATABASE_NAMES, type DatabaseName, isDatabaseName } from '../platform/databases.ts';
import type { DBPoolManager } from '../platform/db/pool-manager.ts';
import {
  MIGRATION_ORDER,
  type MigrationEvent,
  migrate,
  migrationStatus,
  rollback,
} from '../platform/migrations/migrator.ts';
import { openCliDatabases } from './databases.ts';
import { pad, print, UsageError } from './output.ts';

const describeEvent = (event: MigrationEvent) => {
  if (event.type === 'up-to-date') return `${pad(event.database, 11)} up to date`;
  const verb = event.type === 'applied' ? 'applied    ' : 'rolled back';
  const file = `${String(event.version).padStart(3, '0')}_${event.name}`;
  return `${pad(event.database, 11)} ${verb} ${pad(file, 32)} ${event.durationMs} ms`;
};

export function parseDatabaseArgument(value: string | undefined, allowAll: boolean): DatabaseName[] {
  if (value === undefined || (allowAll && value === 'all')) {
    if (!allowAll) throw new UsageError(`name a database: ${DATABASE_NAMES.join(', ')}`);
    return [...MIGRATION_ORDER];
  }
  if (!isDatabaseName(value)) {
    throw new UsageError(
      `unknown database "${value}" (use ${allowAll ? 'all, ' : ''}${DATABASE_NAMES.join(', ')})`,
    );
  }
  return [value];
}

async function withDatabases<T>(
  config: Config,
  names: DatabaseName[],
  work: (pools: DBPoolManager) => Promise<T>,
) {
  const pools = await openCliDatabases({
    databases: config.databases,
    dataDir: config.dataDir,
    names,
    poolSize: 2,
  });
  try {
    return await work(pools);
  } finally {
    await pools.closeAll();
  }
}

export async function runMigrate(config: Config, target: string | undefined): Promise<number> {
  const names = parseDatabaseArgument(target, true);
  await withDatabases(config, names, async (pools) => {
    for (const name of names) await migrate(pools.get(name), { onEvent: (e) => print(describeEvent(e)) });
  });
  return 0;
}

export async function runMigrationStatus(config: Config): Promise<number> {
  let problems = 0;
  await withDatabases(config, [...DATABASE_NAMES], async (pools) => {
    for (const name of DATABASE_NAMES) {
      const target = config.databases[name];
      print(`${name} (${target.engine === 'pglite' ? `embedded: ${target.dir}` : target.database})`);
      const statuses = await migrationStatus(pools.get(name));
      for (const status of statuses) {
        const file = `${String(status.version).padStart(3, '0')}_${status.name}`;
        const when = status.appliedAt ? status.appliedAt.toISOString() : '';
        print(`  ${pad(status.state, 8)} ${pad(file, 34)} ${when}`);
        if (status.state !== 'applied') problems += status.state === 'pending' ? 0 : 1;
      }
    }
  });
  return problems > 0 ? 1 : 0;
}

export async function runRollback(
  config: Config,
  target: string | undefined,
  to: string | undefined,
): Promise<number> {
  const [name] = parseDatabaseArgument(target, false) as [DatabaseName];
  let toVersion: number | undefined;
  if (to !== undefined) {
    if (!/^\d+$/.test(to)) throw new UsageError(`--to takes a migration number, e.g. --to 2 (got "${to}")`);
    toVersion = Number(to);
  }
  await withDatabases(config, [name], async (pools) => {
    const rolledBack = await rollback(pools.get(name), {
      to: toVersion,
      onEvent: (e) => print(describeEvent(e)),
    });
    if (rolledBack.length === 0) print(`${name}: nothing to roll back`);
  });
  return 0;
}

// The measured part shared by both engines: open the four databases with DBPoolManager, then
// migrate each in MIGRATION_ORDER (identity first), as `calos migrate all` does.
import type { Config } from '../../src/platform/config.ts';
import { DBPoolManager } from '../../src/platform/db/pool-manager.ts';
import { MIGRATION_ORDER, migrate } from '../../src/platform/migrations/migrator.ts';

export interface MigrateAllTimings {
  openMs: number;
  migrateMs: number;
  /** How many migration files were applied, over all four databases. */
  applied: number;
}

export async function openAndMigrateAll(
  config: Pick<Config, 'databases' | 'dataDir'>,
): Promise<MigrateAllTimings> {
  const opening = performance.now();
  const pools = await DBPoolManager.open({
    databases: config.databases,
    dataDir: config.dataDir,
    names: MIGRATION_ORDER,
  });
  try {
    const migrating = performance.now();
    const openMs = migrating - opening;
    let applied = 0;
    for (const name of MIGRATION_ORDER) applied += (await migrate(pools.get(name))).applied.length;
    return { openMs, migrateMs: performance.now() - migrating, applied };
  } finally {
    await pools.closeAll();
  }
}

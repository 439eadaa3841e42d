// One PGlite run: a fresh data dir, so opening includes initdb of all four instances.
import { loadConfig } from '../../src/platform/config.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { type MigrateAllTimings, openAndMigrateAll } from './migrate-all.ts';

export function runPglite(): Promise<MigrateAllTimings> {
  return withTempDir('calos-bench-migrate-', (dataDir) =>
    openAndMigrateAll(loadConfig({ CALOS_DATA_DIR: dataDir })),
  );
}

// calos seed starter [--restore]: loads the starter pack (content/starter) as `calos start` does,
// into the databases of this configuration, and says what it did. Idempotent: a second run finds
// everything unchanged. --restore brings back items an operator deleted.

import type { HollowtownClient } from '../hollowtown/client.ts';
import { createServiceClients } from '../main.ts';
import { systemClock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import type { DatabaseName } from '../platform/databases.ts';
import { createLogger } from '../platform/logger.ts';
import { migrationStatus } from '../platform/migrations/migrator.ts';
import type { RecipesClient } from '../recipes/client.ts';
import { openCliDatabases } from './databases.ts';
import { CliErrors } from './errors.ts';
import { cliEnv, print } from './output.ts';
import { describeStarterLoad, loadStarterPack, type StarterLoadResult } from './seed/starter.ts';

const DATABASES: readonly DatabaseName[] = ['identity', 'hollowtown', 'recipes'];

export async function runSeedStarter(
  config: Config,
  options: { restore: boolean; out?: (line: string) => void; migrationsDir?: string },
): Promise<StarterLoadResult> {
  const out = options.out ?? print;
  const logger = createLogger({ logLevel: cliEnv().LOG_LEVEL ? config.logLevel : 'silent' });
  const databases = await openCliDatabases({
    databases: config.databases,
    dataDir: config.dataDir,
    names: DATABASES,
  });
  try {
    const problems: string[] = [];
    for (const name of DATABASES) {
      const pending = (
        await migrationStatus(databases.get(name), { migrationsDir: options.migrationsDir })
      ).filter((s) => s.state === 'pending').length;
      if (pending > 0) problems.push(`${name} has ${pending} pending migration${pending === 1 ? '' : 's'}`);
    }
    if (problems.length > 0) throw CliErrors.notMigrated(problems);
    const clients = await createServiceClients({
      config,
      logger,
      databases,
      services: ['identity', 'hollowtown', 'recipes'],
    });
    const result = await loadStarterPack({
      identity: { db: databases.get('identity'), now: () => systemClock.now() },
      hollowtown: clients.get<HollowtownClient>('hollowtown'),
      recipes: clients.get<RecipesClient>('recipes'),
      restore: options.restore,
    });
    out(
      `Starter pack for ${result.account.username}${result.account.created ? ' (account created now)' : ''}, ` +
        `in ${Math.round(result.elapsedMs)} ms${options.restore ? ', deleted items restored' : ''}:`,
    );
    for (const line of describeStarterLoad(result)) out(`  ${line}`);
    return result;
  } finally {
    await databases.closeAll();
  }
}

// calos import --user <login> <file>: takes a "Download my data" archive (of this or another
// CALOS) into an existing account, as POST /api/account/import does for the person signed in:
// the same limits, the same idempotency (running it twice adds nothing), the same summary.

import { readFile, stat } from 'node:fs/promises';
import { importAccountArchive } from '../cross-app/account-data.ts';
import { ACCOUNT_ARCHIVE_LIMITS, type IdentityClient, IdentityErrors } from '../identity/client.ts';
import { createServiceClients } from '../main.ts';
import type { Config } from '../platform/config.ts';
import { DATABASE_NAMES } from '../platform/databases.ts';
import { createLogger } from '../platform/logger.ts';
import { migrationStatus } from '../platform/migrations/migrator.ts';
import { openCliDatabases } from './databases.ts';
import { CliErrors } from './errors.ts';
import { cliEnv, print, UsageError } from './output.ts';

const USAGE = 'use: calos import --user <username or email> <archive.zip> [--json]';

export async function runImport(
  config: Config,
  args: readonly string[],
  options: { user?: string; json?: boolean; out?: (line: string) => void; migrationsDir?: string },
): Promise<number> {
  const out = options.out ?? print;
  const [file, ...extra] = args;
  if (!options.user || !file || extra.length > 0) throw new UsageError(USAGE);
  const size = (await stat(file).catch(() => undefined))?.size;
  if (size === undefined) throw new UsageError(`no file ${file}\n${USAGE}`);
  if (size > ACCOUNT_ARCHIVE_LIMITS.bytes)
    throw IdentityErrors.accountArchiveTooLarge(
      ACCOUNT_ARCHIVE_LIMITS,
      `more than ${ACCOUNT_ARCHIVE_LIMITS.bytes} bytes`,
    );
  const archive = await readFile(file);
  const logger = createLogger({ logLevel: cliEnv().LOG_LEVEL ? config.logLevel : 'silent' });
  const databases = await openCliDatabases({
    databases: config.databases,
    dataDir: config.dataDir,
    names: DATABASE_NAMES,
  });
  try {
    const problems: string[] = [];
    for (const name of DATABASE_NAMES) {
      const pending = (
        await migrationStatus(databases.get(name), { migrationsDir: options.migrationsDir })
      ).filter((s) => s.state === 'pending').length;
      if (pending > 0) problems.push(`${name} has ${pending} pending migration${pending === 1 ? '' : 's'}`);
    }
    if (problems.length > 0) throw CliErrors.notMigrated(problems);
    const clients = await createServiceClients({ config, logger, databases });
    const user = await clients.get<IdentityClient>('identity').findUser({ login: options.user });
    if (!user) throw IdentityErrors.userNotFound(`No CALOS account "${options.user}"`);
    const summary = await importAccountArchive(clients, user.userId, archive);
    if (options.json) {
      out(JSON.stringify(summary, null, 2));
      return 0;
    }
    out(`Imported ${file} into ${user.username}:`);
    for (const [app, collections] of Object.entries(summary.apps)) {
      for (const [collection, counts] of Object.entries(collections)) {
        out(
          `  ${app}.${collection}: ${counts.created} new, ${counts.existing} already here` +
            (counts.skipped.length ? `, ${counts.skipped.length} skipped` : ''),
        );
        for (const skipped of counts.skipped.slice(0, 5))
          out(`    skipped ${skipped.id ?? '(no id)'}: ${skipped.reason}`);
      }
    }
    for (const app of summary.unavailable) out(`  ${app}: not served here; not imported`);
    return 0;
  } finally {
    await databases.closeAll();
  }
}

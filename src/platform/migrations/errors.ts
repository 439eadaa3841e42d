// Error codes of the migrator and of the migration files it reads.
import { AppError } from '../errors.ts';

export const MigrationErrors = {
  rollbackTargetInvalid: (to: unknown) =>
    new AppError(400, 'ROLLBACK_TARGET_INVALID', `--to must be a whole number ≥ 0 (got ${to})`),
  noDownPart: (file: string) =>
    new AppError(
      409,
      'MIGRATION_HAS_NO_DOWN',
      `${file} has no down part, so it cannot be rolled back; nothing was rolled back past it`,
    ),
  checksumMismatch: (database: string, names: string, versions: number[]) =>
    new AppError(
      409,
      'MIGRATION_CHECKSUM_MISMATCH',
      `Refusing to run on ${database}: applied migration${versions.length > 1 ? 's were' : ' was'} edited since: ${names}. ` +
        'Restore the applied file and add a new migration for the change.',
      { database, versions },
    ),
  missing: (database: string, names: string, versions: number[]) =>
    new AppError(
      409,
      'MIGRATION_MISSING',
      `Refusing to run on ${database}: applied migration${versions.length > 1 ? 's have' : ' has'} no file any more: ` +
        names,
      { database, versions },
    ),
  failed: (
    file: string,
    part: 'up' | 'down',
    where: string,
    reason: string,
    details: { sqlState: string | undefined; position: number | undefined },
  ) =>
    new AppError(
      500,
      'MIGRATION_FAILED',
      `Migration ${file} (${part}) failed${where}: ${reason}. Nothing of it was applied.`,
      {
        file,
        part,
        sqlState: details.sqlState,
        position: details.position,
      },
    ),
  versionDuplicate: (version: number, first: string, second: string) =>
    new AppError(
      500,
      'MIGRATION_VERSION_DUPLICATE',
      `Two migrations share version ${version}: ${first} and ${second}`,
    ),
  fileNameInvalid: (relative: string) =>
    new AppError(
      500,
      'MIGRATION_FILE_NAME_INVALID',
      `${relative}: migration files are named NNN_description.sql (digits, underscore, lower-case words)`,
    ),
  fileInvalid: (relative: string) =>
    new AppError(
      500,
      'MIGRATION_FILE_INVALID',
      `${relative}: a migration needs a "-- migrate:up" line followed later by a "-- migrate:down" line`,
    ),
};

// Error codes of the operator's commands (calos access, keys, seed, split); the CLI prints the
// code with the message, and scripts switch on it.
import { AiErrors } from '../ai/client.ts';
import { IdentityErrors } from '../identity/client.ts';
import { AppError } from '../platform/errors.ts';
import { quoteIdent } from './split/store/catalog.ts';
import type { Violation } from './split/store/monolith.ts';

export const CliErrors = {
  // calos access
  accessNeedsPostgres: (database: string) =>
    new AppError(
      409,
      'ACCESS_NEEDS_POSTGRES',
      `${database} runs on the embedded engine, which has no roles or network access to grant. ` +
        'Move it to PostgreSQL (CALOS_POSTGRES_URL or ' +
        `${database.toUpperCase()}_DATABASE_URL) to give a contractor access.`,
    ),
  revokeNeedsPostgres: (database: string) =>
    new AppError(409, 'ACCESS_NEEDS_POSTGRES', `${database} runs on the embedded engine: no roles to revoke`),
  roleNameRefused: (role: string) =>
    new AppError(
      400,
      'ROLE_NAME_INVALID',
      `Role names are lower-case letters, digits and underscores, up to 63, not starting with pg_ (got "${role}")`,
    ),
  roleNameInvalid: (role: string) => new AppError(400, 'ROLE_NAME_INVALID', `Invalid role name "${role}"`),
  roleExists: (role: string) =>
    new AppError(409, 'ROLE_EXISTS', `Role ${role} already exists; choose another name`),
  roleNotFound: (role: string) => new AppError(404, 'ROLE_NOT_FOUND', `Role ${role} does not exist`),

  // calos keys
  rotationInterrupted: (pendingFile: string, keyFile: string) =>
    new AppError(
      409,
      'MASTER_KEY_ROTATION_INTERRUPTED',
      `${pendingFile} is left from an interrupted rotation: the stored secrets are sealed under it or ` +
        `under ${keyFile}. Keep both until you know which: start CALOS with ` +
        'CALOS_MASTER_KEY set to its content; if that gives no MASTER_KEY_MISMATCH, move it over the key ' +
        'file, otherwise delete it.',
    ),
  identityNotMigrated: () =>
    new AppError(
      409,
      'IDENTITY_NOT_MIGRATED',
      'The identity database is not migrated; run: calos migrate identity',
    ),
  keyFileNotWritten: (keyFile: string, reason: string, pendingFile: string) =>
    new AppError(
      500,
      'MASTER_KEY_FILE_NOT_WRITTEN',
      `The secrets are re-encrypted, but ${keyFile} could not be replaced ` +
        `(${reason}). The new key is in ${pendingFile}: move it there before starting CALOS.`,
    ),

  // calos seed
  seedAccountTaken: (account: string) =>
    new AppError(
      409,
      'SEED_ACCOUNT_TAKEN',
      `The username ${account} belongs to a person's account, not to CALOS: seed another account with --user NAME`,
    ),
  seedUserNotFound: (login: string, seedAccount: string) =>
    IdentityErrors.userNotFound(
      `No CALOS account "${login}": give the username or email of an existing account, or leave --user out to seed the ${seedAccount} account`,
    ),
  ollamaUnreachable: (hosts: string) =>
    new AppError(
      503,
      'OLLAMA_UNREACHABLE',
      `No Ollama instance answers at OLLAMA_HOSTS (${hosts}). ` +
        'Start Ollama there, or set OLLAMA_HOSTS to your instances (comma-separated URLs), then seed again.',
    ),
  /** The gateway's MODEL_NOT_FOUND, found before the run by asking Ollama directly. */
  seedModelNotFound: (model: string, where: string, have: string) =>
    AiErrors.modelNotFound(
      model,
      'ollama',
      undefined,
      `No Ollama instance in OLLAMA_HOSTS has the model "${model}" that ${where} names (${have}). ` +
        `Pull it there (ollama pull ${model}), point OLLAMA_HOSTS at an instance that has it, or name another model.`,
    ),
  /** An error that stopped a run, with the same code, status and details, and advice for the operator. */
  withAdvice: (error: AppError, message: string) =>
    new AppError(error.status, error.code, message, error.details),
  notMigrated: (problems: string[]) =>
    new AppError(
      409,
      'NOT_MIGRATED',
      `The databases are not migrated: ${problems.join('; ')}. Run calos migrate all, then seed again.`,
    ),

  // calos split
  fixtureUsersInvalid: (users: number) =>
    new AppError(
      400,
      'FIXTURE_USERS_INVALID',
      `--users must be a whole number of at least 10 (got ${users})`,
    ),
  fixtureUrlInvalid: (redactedUrl: string) =>
    new AppError(400, 'FIXTURE_URL_INVALID', `The URL must name a database: ${redactedUrl}`),
  fixtureDatabaseNotEmpty: (database: string) =>
    new AppError(
      409,
      'FIXTURE_DATABASE_NOT_EMPTY',
      `${database} already has tables; pass --replace to drop and rebuild it, or name another database with --url`,
    ),
  mappingInvalid: (origin: string, problems: string[]) =>
    new AppError(400, 'SPLIT_MAPPING_INVALID', `The mapping ${origin}:\n  - ${problems.join('\n  - ')}`, {
      problems,
    }),
  monolithUnreachable: (redactedUrl: string, why: string) =>
    new AppError(503, 'MONOLITH_UNREACHABLE', `Cannot read the monolith at ${redactedUrl}: ${why}`),
  monolithEmpty: (schema: string) =>
    new AppError(
      404,
      'MONOLITH_EMPTY',
      `The monolith has no tables in schema "${schema}" that this role can see (set "schema" in the mapping if they live elsewhere)`,
    ),
  targetNotEmpty: (database: string, table: string) =>
    new AppError(
      409,
      'SPLIT_TARGET_NOT_EMPTY',
      `${database}.${table} already has rows that no split put there; the split moves into empty tables only`,
    ),
  checksumMismatch: (
    database: string,
    table: string,
    monolith: { rows: number; checksum: string },
    copied: { rows: number; checksum: string },
  ) =>
    new AppError(
      500,
      'SPLIT_CHECKSUM_MISMATCH',
      `${database}.${table} does not match the monolith after the copy (rows ${monolith.rows} → ${copied.rows}, checksum ${monolith.checksum} → ${copied.checksum}); nothing of it was kept`,
    ),
};

/** What stops `calos split` before it writes anything. */
export const SplitErrors = {
  privileges: (role: string, tables: string[]) =>
    new AppError(
      403,
      'MONOLITH_PRIVILEGES_MISSING',
      `The monolith role "${role}" may not read ${tables.join(', ')}. Grant it, e.g.: GRANT SELECT ON ${tables.join(', ')} TO ${quoteIdent(role)};`,
      { role, tables },
    ),
  plan: (problems: string[]) =>
    new AppError(
      400,
      'SPLIT_PLAN_INVALID',
      `Nothing was written; the split cannot run:\n  - ${problems.join('\n  - ')}`,
      { problems },
    ),
  data: (violations: Violation[], describe: (v: Violation) => string) =>
    new AppError(
      400,
      'SPLIT_DATA_INVALID',
      `Nothing was written; the target databases would refuse these monolith rows:\n${violations.map(describe).join('\n')}\nFix them in the monolith (or change the mapping) and run again.`,
      { violations },
    ),
};

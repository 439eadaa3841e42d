// What every part of the identity service is built from.
import type { Config } from '../platform/config.ts';
import type { Database } from '../platform/db/database.ts';
import type { Logger } from '../platform/logger.ts';

export interface IdentityDeps {
  db: Database;
  config: Config;
  logger: Logger;
  /** Seals secrets at rest (BYOK keys, signing keys). */
  masterKey: Buffer;
  now: () => Date;
}

/** Who did something, for the audit log. */
export interface RequestOrigin {
  ip?: string;
  userAgent?: string;
}

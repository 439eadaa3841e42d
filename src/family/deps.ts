// What the family service's parts share: its own database and the identity client.
import type { IdentityClient } from '../identity/client.ts';
import type { Database } from '../platform/db/database.ts';
import type { Logger } from '../platform/logger.ts';

export interface FamilyDeps {
  db: Database;
  /** Looked up when needed: identity registers its client before or after this service is built. */
  identity(): IdentityClient;
  logger: Logger;
  now(): Date;
  /** The account console's plan page, named where a plan does not include something. */
  upgradeUrl?: string;
}

// What the parts of the recipes service share: its own database, a logger, the AI gateway
// (looked up when needed: it may be built after this service) and the clock.
import type { AiClient } from '../ai/client.ts';
import type { Database } from '../platform/db/database.ts';
import type { Logger } from '../platform/logger.ts';
import type { SafeFetchLimits } from '../platform/safe-fetch.ts';

export interface RecipesDeps {
  db: Database;
  logger: Logger;
  /** The AI gateway's client, or undefined when none is served or configured here. */
  ai(): AiClient | undefined;
  now(): Date;
  /** Limits of fetching a page to import a recipe from. */
  importLimits: SafeFetchLimits;
  /** Distinct reports that hide a published recipe pending review (CALOS_MODERATION_REPORTS_TO_HIDE). */
  reportsToHide?: number;
}

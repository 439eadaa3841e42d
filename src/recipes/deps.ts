// What the parts of the recipes service share: its own database, a logger, the AI gateway
// (looked up when needed: it may be built after this service) and the clock.
import type { Affiliate } from '../affiliate/index.ts';
import type { AiClient } from '../ai/client.ts';
import type { IdentityClient } from '../identity/client.ts';
import type { SeasonConfig } from '../platform/config.ts';
import type { Database } from '../platform/db/database.ts';
import type { Logger } from '../platform/logger.ts';
import type { SafeFetchLimits } from '../platform/safe-fetch.ts';
import type { FamilyLink, HollowtownLink } from './links.ts';

export interface RecipesDeps {
  db: Database;
  logger: Logger;
  /** The AI gateway's client, or undefined when none is served or configured here. */
  ai(): AiClient | undefined;
  now(): Date;
  /** Limits of fetching a page to import a recipe from. */
  importLimits: SafeFetchLimits;
  /** Hollowtown (src/cross-app links it, in process or over HTTP), or undefined when it is neither. */
  hollowtown(): HollowtownLink | undefined;
  /** Family Planner (src/cross-app links it), or undefined: family cookbooks are then unavailable. */
  family?(): FamilyLink | undefined;
  /** When the Halloween collection shows its banner. */
  halloweenSeason: SeasonConfig;
  /** The public address of a recipe's page in Hollowtown (its share page). */
  hollowtownRecipeUrl(recipeId: string): string;
  /** Distinct reports that hide a published recipe pending review (CALOS_MODERATION_REPORTS_TO_HIDE). */
  reportsToHide?: number;
  /** Identity (credits for the marketplace, staff roles), or undefined when it is not reachable here. */
  identity?(): IdentityClient | undefined;
  /** How long a marketplace purchase may stay pending (CALOS_MARKET_PENDING_GRACE_SECONDS); default 2 minutes. */
  marketPendingGraceMs?: number;
  /** "Buy at …" links on shopping-list items (src/affiliate); undefined: none. */
  affiliate?: Affiliate;
}

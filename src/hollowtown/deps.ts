// What every part of the Hollowtown service is built from.
import type { Affiliate } from '../affiliate/index.ts';
import type { Database } from '../platform/db/database.ts';
import type { ClientRegistry } from '../platform/http/service.ts';
import type { Logger } from '../platform/logger.ts';
import type { HollowtownLinks } from './links.ts';

export interface HollowtownDeps {
  /** hollowtown_db: the only database this service touches. */
  db: Database;
  logger: Logger;
  /** Other services' clients (identity, ai), looked up when used: ai is built after Hollowtown. */
  clients: ClientRegistry;
  /** The other apps (Family Planner, HowToCookAtHome), as src/cross-app links them. */
  links: HollowtownLinks;
  now(): Date;
  /** The public address of a recipe's page in HowToCookAtHome; default /recipes/r/:id. */
  recipesRecipeUrl?(recipeId: string): string;
  /** Distinct reports that hide a published item pending review (CALOS_MODERATION_REPORTS_TO_HIDE). */
  reportsToHide?: number;
  /** How long a marketplace purchase may stay pending (CALOS_MARKET_PENDING_GRACE_SECONDS); default 2 minutes. */
  marketPendingGraceMs?: number;
  /** "Buy at …" links on costume materials (src/affiliate); undefined: none. */
  affiliate?: Affiliate;
}

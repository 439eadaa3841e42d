// The starter pack (content/starter), loaded under the system account `calos-starter` and
// published, so that a new install is not empty: Hollowtown's Halloween recipes, costume ideas
// and haunted-house rooms, and HowToCookAtHome's everyday recipes, each through its service's
// client. Run on every `calos start` (cheap once loaded: one read of what is there per kind) and
// by `calos seed starter`. Idempotent by each item's key; see content/starter/README.md.
import type { HollowtownClient, StarterLoadCounts } from '../../hollowtown/client.ts';
import { ensureSystemAccount } from '../../identity/index.ts';
import type { Database } from '../../platform/db/database.ts';
import type { RecipesClient } from '../../recipes/client.ts';

/** The system account that owns the starter pack (nobody can sign in to it). */
export const STARTER_ACCOUNT = 'calos-starter';

export interface StarterLoadResult {
  account: { userId: string; username: string; created: boolean };
  /** Per kind ("hollowtown recipes", …); a part whose app is not reachable here is absent. */
  parts: Record<string, StarterLoadCounts>;
  /** Apps whose part was not loaded, and why. */
  skipped: string[];
  elapsedMs: number;
}

export async function loadStarterPack(options: {
  identity: { db: Database; now(): Date };
  hollowtown: HollowtownClient | undefined;
  recipes: RecipesClient | undefined;
  restore?: boolean;
}): Promise<StarterLoadResult> {
  const started = performance.now();
  const account = await ensureSystemAccount(options.identity, {
    username: STARTER_ACCOUNT,
    displayName: 'CALOS starter pack',
    plan: 'free',
  });
  const parts: Record<string, StarterLoadCounts> = {};
  const skipped: string[] = [];
  const restore = options.restore ?? false;
  if (options.hollowtown) {
    const loaded = await options.hollowtown.starter.load(account.userId, { restore });
    parts['hollowtown recipes'] = loaded.recipes;
    parts['hollowtown costumes'] = loaded.costumes;
    parts['hollowtown rooms'] = loaded.rooms;
  } else skipped.push('hollowtown: not served or configured here');
  if (options.recipes) {
    const loaded = await options.recipes.starter.load(account.userId, { restore });
    parts['recipes everyday'] = loaded.recipes;
  } else skipped.push('recipes: not served or configured here');
  return {
    account: { userId: account.userId, username: account.username, created: account.created },
    parts,
    skipped,
    elapsedMs: performance.now() - started,
  };
}

/** One line per part: "hollowtown recipes  44 (44 created)". */
export function describeStarterLoad(result: StarterLoadResult): string[] {
  return Object.entries(result.parts).map(([name, c]) => {
    const changes = [
      c.created && `${c.created} created`,
      c.updated && `${c.updated} updated`,
      c.unchanged && `${c.unchanged} unchanged`,
      c.deleted && `${c.deleted} deleted by an operator, left deleted`,
    ].filter(Boolean);
    return `${name.padEnd(20)} ${c.items} (${changes.join(', ') || 'none'})`;
  });
}

// What HowToCookAtHome asks of the other apps, in its own words. HowToCookAtHome imports no other
// app: src/cross-app provides these links from the apps' clients when the process is composed,
// and leaves out an app that is neither served here nor configured by URL (the features that need
// it degrade, and the rest works).

/** A published recipe of Hollowtown, as the Halloween collection features it. */
export interface HalloweenRecipe {
  recipe_id: string;
  recipe_name: string;
  description: string | null;
  spookiness_level: number;
  difficulty: string;
  prep_time_minutes: number | null;
  serves: number | null;
  tags: string[];
  image_url: string | null;
}

/** A Hollowtown original to copy into a user's recipes (it keeps following the original). */
export interface HalloweenOriginal {
  /** The starter-pack key a template names. */
  key: string;
  sourceRecipeId: string;
  version: number;
  /** The recipe as Hollowtown describes it (checked here when copied). */
  recipe: unknown;
}

export interface HollowtownLink {
  /** Every user's published recipes, newest first, a page at a time (limit 1–100). */
  published(options: { limit: number; cursor?: string }): Promise<{
    items: HalloweenRecipe[];
    next_cursor: string | null;
  }>;
  /**
   * The published starter-pack recipes under these keys (missing ones left out), each marked
   * shared there, so that its later edits reach the copies.
   */
  starterOriginals(keys: readonly string[]): Promise<HalloweenOriginal[]>;
}

/** Who belongs to which family (Family Planner), for cookbooks shared with a family. */
export interface FamilyLink {
  /** Whether the user belongs to the family (false for unknown or malformed ids). */
  isMember(userId: string, familyId: string): Promise<boolean>;
  /** The families the user belongs to. */
  familiesOf(userId: string): Promise<{ familyId: string; familyName: string }[]>;
  /** The user ids of a family's members (empty for an unknown family). */
  memberIdsOf(familyId: string): Promise<string[]>;
}

export interface RecipesLinks {
  /** Hollowtown, or undefined when it is not reachable from this process. */
  hollowtown(): HollowtownLink | undefined;
  /** Family Planner, or undefined when it is not reachable from this process. */
  family?(): FamilyLink | undefined;
}

/** HowToCookAtHome on its own: no other app. */
export const NO_LINKS: RecipesLinks = { hollowtown: () => undefined, family: () => undefined };

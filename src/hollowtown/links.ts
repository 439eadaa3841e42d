// What Hollowtown asks of the other apps, in its own words. Hollowtown imports no other app:
// src/cross-app provides these links from the apps' clients when the process is composed, and
// leaves a link out when that app is neither served here nor configured by URL (the features
// that need it answer 503 and the rest of Hollowtown works).

/** A member's role in a family, as far as a Halloween event cares. */
export type FamilyMemberRole = 'admin' | 'parent' | 'child';

export interface FamilyLink {
  isMember(userId: string, familyId: string): Promise<boolean>;
  /** null when the user does not belong to the family. */
  roleOf(userId: string, familyId: string): Promise<FamilyMemberRole | null>;
  familyIdsOf(userId: string): Promise<string[]>;
  /**
   * Creates or regenerates the family's shopping list of an event (keyed by the event: doing it
   * again replaces the unchecked generated items and keeps the rest). 404 FAMILY_NOT_FOUND when
   * the actor is not a member.
   */
  saveEventList(input: {
    familyId: string;
    actorUserId: string;
    eventId: string;
    listName: string;
    items: { name: string; quantity: number | null; unit: string | null }[];
  }): Promise<{ listId: string; version: number; estimatedCostCents: number; created: boolean }>;
  /** Undoes a list saveEventList created (the event could not record it); nothing if it is gone. */
  discardEventList(input: { familyId: string; eventId: string; listId: string }): Promise<void>;
  /** Counts and cost of an event's list, or null when it no longer exists. */
  listSummary(listId: string): Promise<{
    listId: string;
    itemCount: number;
    checkedCount: number;
    estimatedCostCents: number;
  } | null>;
}

/** A recipe of HowToCookAtHome, as an event's shopping list needs it. */
export interface KitchenRecipe {
  name: string;
  serves: number | null;
  ingredients: { name: string; quantity: number | null; quantity_max?: number; unit: string | null }[];
}

/** A spooky recipe as HowToCookAtHome takes it for "Share to My Recipes". */
export interface SharedRecipeState {
  userId: string;
  recipeId: string;
  version: number;
  recipe: {
    recipe_name: string;
    description: string | null;
    difficulty: string;
    prep_time_minutes: number | null;
    serves: number | null;
    ingredients: { name: string; quantity?: number | null; unit?: string | null; note?: string | null }[];
    instructions: string[];
    tags: string[];
    image_url: string | null;
  };
}

/** A published everyday recipe of HowToCookAtHome, as "more from HowToCookAtHome" features it. */
export interface FeaturedKitchenRecipe {
  recipe_id: string;
  recipe_name: string;
  description: string | null;
  cuisine: string | null;
  difficulty: string;
  total_time_minutes: number | null;
  serves: number | null;
  tags: string[];
  image_url: string | null;
}

export interface RecipesLink {
  /** A few published recipes, newest first (at most `limit`). */
  featured(limit: number): Promise<FeaturedKitchenRecipe[]>;
  /** A HowToCookAtHome recipe the user may read (their own or published), or null. */
  recipeForUser(userId: string, recipeId: string): Promise<KitchenRecipe | null>;
  /** Creates the owner's copy, or brings an existing one up to this version. Idempotent. */
  share(state: SharedRecipeState): Promise<{ recipe_id: string; reference_id: string; created: boolean }>;
  /** The owner's live copy of a spooky recipe, or null (never shared, deleted or detached there). */
  copyOf(
    userId: string,
    recipeId: string,
  ): Promise<{ recipe_id: string; reference_id: string; version: number; synced_at: Date | null } | null>;
  /** Tells HowToCookAtHome these originals are gone (their copies keep the last state). */
  originalsDeleted(recipeIds: readonly string[]): Promise<void>;
}

export interface HollowtownLinks {
  /** Family Planner, or undefined when it is not reachable from this process. */
  family(): FamilyLink | undefined;
  /** HowToCookAtHome, or undefined when it is not reachable from this process. */
  recipes(): RecipesLink | undefined;
}

/** Hollowtown on its own: no other app. */
export const NO_LINKS: HollowtownLinks = { family: () => undefined, recipes: () => undefined };

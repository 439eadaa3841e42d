// What other services may ask of HowToCookAtHome (the only door into it): read a recipe as a
// given user may see it, share one into it, check references. The kitchen-quantity helpers
// (scale, convert, merge, subtract a pantry) are no part of this door: they live in the shared
// module src/ingredients, which every service may use.
import type { DataExportClient, DataImportClient } from '../platform/data-portability.ts';
import { createRpcClient, rpcMethods } from '../platform/rpc.ts';

export type Difficulty = 'easy' | 'medium' | 'hard';

export interface Ingredient {
  name: string;
  /** null: "to taste". */
  quantity: number | null;
  /** The top of a range ("2–3 apples": quantity 2, quantity_max 3); absent otherwise. */
  quantity_max?: number;
  unit: string | null;
  note: string | null;
}

/** Per serving, like calories. */
export interface Nutrition {
  protein_g?: number;
  carbs_g?: number;
  fat_g?: number;
  saturated_fat_g?: number;
  fiber_g?: number;
  sugar_g?: number;
  sodium_mg?: number;
  cholesterol_mg?: number;
}

/** Where a shared copy comes from ("Share to My Recipes" in another app). */
export interface SharedSource {
  domain: 'hollowtown';
  /** The original's id in its domain. */
  recipe_id: string;
  reference_id: string;
  /** The original was deleted: the copy keeps its last snapshot until detached. */
  deleted: boolean;
  /** When the copy last took the original's changes. */
  synced_at: Date | null;
}

export interface Recipe {
  recipe_id: string;
  /** The author; the nil UUID once a published recipe's author deleted their account. */
  user_id: string;
  recipe_name: string;
  description: string | null;
  cuisine: string | null;
  difficulty: Difficulty;
  prep_time_minutes: number | null;
  cook_time_minutes: number | null;
  /** prep + cook, null when neither is known. */
  total_time_minutes: number | null;
  serves: number | null;
  /** Per serving. */
  calories: number | null;
  ingredients: Ingredient[];
  instructions: string[];
  nutrition: Nutrition;
  allergens: string[];
  tags: string[];
  image_url: string | null;
  rating_avg: number;
  rating_count: number;
  is_published: boolean;
  /** Whether the user it was read for owns it. */
  is_mine: boolean;
  /** manual, ai (generated), imported (from a web page or pasted text), or where a shared copy comes from (it follows the original). */
  source: 'manual' | 'ai' | 'imported' | SharedSource;
  /** The web page an imported recipe came from; null otherwise. */
  source_url: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A recipe as another app describes it when sharing it (e.g. Hollowtown's recipe.updated payload). */
export interface SourceRecipe {
  recipe_name: string;
  description: string | null;
  /** easy, medium, hard; anything harder (Hollowtown's nightmare) becomes hard. */
  difficulty: string;
  prep_time_minutes: number | null;
  serves: number | null;
  ingredients: { name: string; quantity?: number | null; unit?: string | null; note?: string | null }[];
  instructions: string[];
  tags: string[];
  image_url: string | null;
}

export interface ShareRecipeInput {
  /** The sharer: the original's owner, who also owns the copy. */
  userId: string;
  domain: 'hollowtown';
  sourceRecipeId: string;
  /** The original's edit count: an older state never overwrites a newer one. */
  version: number;
  recipe: SourceRecipe;
}

export interface ShareRecipeAnswer {
  /** The copy's id in HowToCookAtHome. */
  recipe_id: string;
  reference_id: string;
  /** false when this user had shared it already (the copy only took a newer state, if any). */
  created: boolean;
}

/** A user's live copy of another app's recipe, and how far it has followed the original. */
export interface SharedCopy {
  /** The copy's id in HowToCookAtHome. */
  recipe_id: string;
  reference_id: string;
  /** The original's edit count the copy holds: behind the original's own while an edit travels. */
  version: number;
  /** When the copy last took the original's changes. */
  synced_at: Date | null;
}

export type ReferenceDomain = 'hollowtown' | 'recipes';

/**
 * A change of another app's original, for the copies shared from it (delivered at least once,
 * in any order: an older version than the copy holds changes nothing).
 */
export type SourceRecipeChange =
  | { kind: 'updated'; domain: 'hollowtown'; sourceRecipeId: string; version: number; recipe: unknown }
  | { kind: 'deleted'; domain: 'hollowtown'; sourceRecipeId: string };

/** What `calos doctor` asks of HowToCookAtHome to find and fix references that point at nothing. */
export interface RecipesIntegrityClient {
  /** User ids recipes_db holds rows of (what user.deleted removes), ascending, after `after`. */
  userIds(after: string | null, limit: number): Promise<string[]>;
  /** What user.deleted does for this user (idempotent); resolves with the rows changed per kind. */
  forgetUser(userId: string): Promise<Record<string, number>>;
  /** References whose original is not known to be deleted, ascending by reference_id after `after`. */
  liveReferences(
    domain: ReferenceDomain,
    after: string | null,
    limit: number,
  ): Promise<{ reference_id: string; source_recipe_id: string }[]>;
  /** Marks the references to these originals deleted (their copies keep the last snapshot); resolves with how many. */
  markSourcesDeleted(domain: ReferenceDomain, sourceRecipeIds: readonly string[]): Promise<number>;
  /** Which of these recipe ids exist in recipes_db. */
  existingRecipeIds(recipeIds: readonly string[]): Promise<Set<string>>;
}

/** A published recipe as other apps feature it (Hollowtown's "more from HowToCookAtHome"). */
export interface FeaturedRecipe {
  recipe_id: string;
  recipe_name: string;
  description: string | null;
  cuisine: string | null;
  difficulty: Difficulty;
  total_time_minutes: number | null;
  serves: number | null;
  tags: string[];
  image_url: string | null;
}

export interface StarterLoadCounts {
  items: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Loaded once, deleted since by an operator, and left deleted. */
  deleted: number;
}

export interface RecipesClient {
  /**
   * The recipe as this user may read it (their own, or published), or null when it does not
   * exist or is not theirs to read. With `servings`, scaled to that many servings (a recipe that
   * does not say how many it serves answers 400 RECIPE_SERVINGS_UNKNOWN).
   */
  getRecipeForUser(userId: string, recipeId: string, options?: { servings?: number }): Promise<Recipe | null>;
  /**
   * The user's own meal plan with the names of its recipes, or null when it is not theirs (for
   * the family calendar).
   */
  getMealPlanForUser(
    userId: string,
    planId: string,
  ): Promise<{
    plan_id: string;
    plan_name: string;
    start_date: string;
    end_date: string;
    meals: Record<string, Record<string, { recipe_id: string; recipe_name: string | null }>>;
    updated_at: Date;
  } | null>;
  /**
   * "Share to My Recipes": creates the user's copy of another app's recipe and its reference, or,
   * when it exists already, changes nothing but taking a newer version. Idempotent.
   */
  shareRecipe(input: ShareRecipeInput): Promise<ShareRecipeAnswer>;
  /**
   * The user's copy of that original, or null when there is none (never shared, or the copy
   * was deleted or detached, which ends the link).
   */
  sharedCopy(userId: string, domain: 'hollowtown', sourceRecipeId: string): Promise<SharedCopy | null>;
  /** Brings the copies of an original up to a change of it (src/cross-app/recipe-sync.ts). */
  applySourceChange(change: SourceRecipeChange): Promise<void>;
  integrity: RecipesIntegrityClient;
  /** The user's rows for "Download my data" (recipes.json), a page at a time. */
  dataExport: DataExportClient;
  /** An archive's recipes, meal plans, pantry and shopping lists, taken in once per source row. */
  dataImport: DataImportClient;
  collection: {
    /** Every user's published recipes, newest first (limit 1–50). */
    recipes(options: { limit: number }): Promise<FeaturedRecipe[]>;
  };
  starter: {
    /** Loads HowToCookAtHome's part of the starter pack under this (system) account, published; idempotent. */
    load(ownerId: string, options: { restore?: boolean }): Promise<{ recipes: StarterLoadCounts }>;
  };
}

/** Every method of the client (the compiler checks the list). */
export const RECIPES_RPC_METHODS = rpcMethods<RecipesClient>()(
  'getRecipeForUser',
  'getMealPlanForUser',
  'shareRecipe',
  'sharedCopy',
  'applySourceChange',
  'integrity.userIds',
  'integrity.forgetUser',
  'integrity.liveReferences',
  'integrity.markSourcesDeleted',
  'integrity.existingRecipeIds',
  'dataExport.collections',
  'dataExport.page',
  'dataImport.apply',
  'collection.recipes',
  'starter.load',
);

/** HowToCookAtHome's client in another process (`CALOS_RECIPES_URL`). */
export function createRecipesHttpClient(baseUrl: string, serviceToken: string): RecipesClient {
  return createRpcClient<RecipesClient>({
    baseUrl,
    prefix: '/recipes',
    methods: RECIPES_RPC_METHODS,
    serviceToken,
  });
}

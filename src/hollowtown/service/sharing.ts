// "Share to My Recipes": the owner of a spooky recipe puts a copy into HowToCookAtHome (through
// the recipes link, see links.ts: Hollowtown never touches recipes_db), which keeps the copy in
// step by consuming Hollowtown's outbox (recipe.updated / recipe.deleted, written with each edit
// of a shared recipe; the consumer is src/cross-app/recipe-sync.ts).
import type { HollowtownDeps } from '../deps.ts';
import { HollowtownErrors } from '../errors.ts';
import type { RecipesLink } from '../links.ts';
import { findOwnRecipe, markRecipeShared, type RecipeRow } from '../store/recipes.ts';
import { isUuid } from './common.ts';
import { recipeEventPayload } from './recipes.ts';

export type ShareTarget = 'recipes';

export interface ShareAnswer {
  /** The recipe's id in HowToCookAtHome. */
  recipe_id: string;
  reference_id: string;
  shared: true;
  /** false when it was shared already (nothing changed). */
  created: boolean;
}

/** Where the owner's recipe lives in HowToCookAtHome, and whether the copy has caught up. */
export type ShareStatus =
  | { shared: false }
  | {
      shared: true;
      recipe_id: string;
      reference_id: string;
      /** The original's edit count. */
      version: number;
      /** The edit count the copy holds. */
      synced_version: number;
      /** ISO 8601: when the copy last took this recipe's changes. */
      synced_at: string | null;
      /** The copy holds the original's latest edit. */
      in_sync: boolean;
    };

export function createSharingService(deps: HollowtownDeps) {
  const recipesApp = (): RecipesLink => {
    const link = deps.links.recipes();
    if (!link) throw HollowtownErrors.recipesUnavailable();
    return link;
  };
  const handOver = (recipes: RecipesLink, row: RecipeRow) => {
    const { recipe, version } = recipeEventPayload(row);
    return recipes.share({ userId: row.user_id, recipeId: row.recipe_id, version, recipe });
  };

  return {
    /** Only the owner shares; anyone else, like a missing recipe, gets 404. */
    async share(userId: string, recipeId: string, _to: ShareTarget): Promise<ShareAnswer> {
      if (!isUuid(recipeId) || !(await findOwnRecipe(deps.db, userId, recipeId)))
        throw HollowtownErrors.recipeNotFound();
      const recipes = recipesApp();
      // Marked first: from here on every edit goes to the outbox.
      const row = await markRecipeShared(deps.db, userId, recipeId, deps.now());
      if (!row) throw HollowtownErrors.recipeNotFound();
      const answer = await handOver(recipes, row);
      // An edit that committed after the mark may have reached the consumer before the copy
      // existed: hand over the current state once more (a no-op unless it is newer).
      const latest = await findOwnRecipe(deps.db, userId, recipeId);
      if (!latest) await recipes.originalsDeleted([recipeId]);
      else if (latest.version > row.version) await handOver(recipes, latest);
      return {
        recipe_id: answer.recipe_id,
        reference_id: answer.reference_id,
        shared: true,
        created: answer.created,
      };
    },

    /** The owner's view of a recipe's copy; anyone else, like a missing recipe, gets 404. */
    async status(userId: string, recipeId: string): Promise<ShareStatus> {
      const row = isUuid(recipeId) ? await findOwnRecipe(deps.db, userId, recipeId) : undefined;
      if (!row) throw HollowtownErrors.recipeNotFound();
      if (!row.shared_at) return { shared: false };
      // The link is data HowToCookAtHome owns: a copy deleted or detached there ends it.
      const copy = await recipesApp().copyOf(userId, recipeId);
      if (!copy) return { shared: false };
      return {
        shared: true,
        recipe_id: copy.recipe_id,
        reference_id: copy.reference_id,
        version: row.version,
        synced_version: copy.version,
        synced_at: copy.synced_at?.toISOString() ?? null,
        in_sync: copy.version >= row.version,
      };
    },
  };
}

export type SharingService = ReturnType<typeof createSharingService>;

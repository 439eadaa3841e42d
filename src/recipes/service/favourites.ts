// Favourites: a person marks recipes they may read (theirs, or published) and finds them again
// with ?favourites=true. Marking twice changes nothing; a recipe they may not read is a 404.
import type { RecipesDeps } from '../deps.ts';
import { RecipesErrors } from '../errors.ts';
import { countFavourites, deleteFavourite, hasFavourite, insertFavourite } from '../store/favourites.ts';
import { findReadableRecipe } from '../store/recipes.ts';
import { isUuid } from './ids.ts';
import { LIMITS } from './limits.ts';

export interface FavouriteAnswer {
  recipe_id: string;
  is_favourite: boolean;
}

export function createFavouriteService(deps: RecipesDeps) {
  const { db } = deps;
  return {
    async mark(userId: string, recipeId: string): Promise<FavouriteAnswer> {
      if (!isUuid(recipeId)) throw RecipesErrors.recipeNotFound();
      return db.transaction(async (tx) => {
        if (!(await findReadableRecipe(tx, userId, recipeId))) throw RecipesErrors.recipeNotFound();
        if ((await countFavourites(tx, userId)) >= LIMITS.favourites) {
          // Marking one already marked is still fine at the limit.
          if (!(await hasFavourite(tx, userId, recipeId)))
            throw RecipesErrors.favouritesLimit(LIMITS.favourites);
        }
        await insertFavourite(tx, userId, recipeId, deps.now());
        return { recipe_id: recipeId, is_favourite: true };
      });
    },
    /** Taking off a mark that was never there answers the same. */
    async unmark(userId: string, recipeId: string): Promise<FavouriteAnswer> {
      if (!isUuid(recipeId)) throw RecipesErrors.recipeNotFound();
      if (!(await findReadableRecipe(db, userId, recipeId))) throw RecipesErrors.recipeNotFound();
      await deleteFavourite(db, userId, recipeId);
      return { recipe_id: recipeId, is_favourite: false };
    },
  };
}

export type FavouriteService = ReturnType<typeof createFavouriteService>;

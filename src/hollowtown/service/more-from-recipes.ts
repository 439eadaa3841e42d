// "More from HowToCookAtHome": a few published everyday recipes, read through the recipes link
// (HowToCookAtHome's client, never its database), each linking to its page there. When
// HowToCookAtHome does not answer, the list is empty and says it is degraded: never a 5xx.
import type { HollowtownDeps } from '../deps.ts';
import type { FeaturedKitchenRecipe } from '../links.ts';

const RECIPES_WAIT_MS = 3_000;

export interface MoreFromRecipes {
  title: string;
  degraded: boolean;
  degraded_reason: string | null;
  items: (FeaturedKitchenRecipe & { url: string; source: 'recipes' })[];
}

export function createMoreFromRecipesService(deps: HollowtownDeps) {
  const urlOf = deps.recipesRecipeUrl ?? ((id: string) => `/recipes/r/${id}`);
  const empty = (reason: string): MoreFromRecipes => ({
    title: 'More from HowToCookAtHome',
    degraded: true,
    degraded_reason: reason,
    items: [],
  });
  return {
    async list(limit: number): Promise<MoreFromRecipes> {
      const recipes = deps.links.recipes();
      if (!recipes) return empty('HowToCookAtHome is not served or configured here');
      let timer: NodeJS.Timeout | undefined;
      try {
        const items = await Promise.race([
          recipes.featured(limit),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`no answer within ${RECIPES_WAIT_MS} ms`)),
              RECIPES_WAIT_MS,
            );
          }),
        ]);
        return {
          title: 'More from HowToCookAtHome',
          degraded: false,
          degraded_reason: null,
          items: items.map((r) => ({ ...r, url: urlOf(r.recipe_id), source: 'recipes' as const })),
        };
      } catch (error) {
        deps.logger.warn({ err: error }, '"more from HowToCookAtHome" could not read HowToCookAtHome');
        return empty('HowToCookAtHome is not reachable right now');
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export type MoreFromRecipesService = ReturnType<typeof createMoreFromRecipesService>;

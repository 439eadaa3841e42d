// HowToCookAtHome's links to the other apps (src/recipes/links.ts), made from their clients: the
// Halloween collection (Hollowtown's published recipes) and meal plans from templates (starter
// recipes copied into the user's recipes, which then follow their originals; see recipe-sync.ts).
import type { HollowtownClient } from '../hollowtown/client.ts';
import type { ClientRegistry } from '../platform/http/service.ts';
import type { HollowtownLink, RecipesLinks } from '../recipes/links.ts';

export function hollowtownLinkOf(hollowtown: HollowtownClient): HollowtownLink {
  return {
    published: (options) => hollowtown.collection.recipes(options),
    starterOriginals: async (keys) =>
      (await hollowtown.collection.starterRecipes(keys)).map(({ key, payload }) => ({
        key,
        sourceRecipeId: payload.recipe_id,
        version: payload.version,
        recipe: payload.recipe,
      })),
  };
}

/** Looked up per use: Hollowtown is built before HowToCookAtHome, or elsewhere. */
export function recipesLinks(clients: ClientRegistry): RecipesLinks {
  return {
    hollowtown: () =>
      clients.has('hollowtown') ? hollowtownLinkOf(clients.get<HollowtownClient>('hollowtown')) : undefined,
  };
}

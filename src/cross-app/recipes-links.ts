// HowToCookAtHome's links to the other apps (src/recipes/links.ts), made from their clients: the
// Halloween collection (Hollowtown's published recipes) and meal plans from templates (starter
// recipes copied into the user's recipes, which then follow their originals; see recipe-sync.ts),
// and family membership for cookbooks shared with a family (Family Planner's client).
import type { FamilyClient } from '../family/client.ts';
import type { HollowtownClient } from '../hollowtown/client.ts';
import type { ClientRegistry } from '../platform/http/service.ts';
import type { FamilyLink, HollowtownLink, RecipesLinks } from '../recipes/links.ts';

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

/** Family membership for cookbooks shared with a family. */
export function familyLinkOf(family: FamilyClient): FamilyLink {
  return {
    isMember: (userId, familyId) => family.isMember(userId, familyId),
    familiesOf: async (userId) =>
      (await family.familiesOf(userId)).map(({ familyId, familyName }) => ({ familyId, familyName })),
    memberIdsOf: async (familyId) => (await family.membersOf(familyId)).map((m) => m.userId),
  };
}

/** Looked up per use: Hollowtown is built before HowToCookAtHome, or elsewhere. */
export function recipesLinks(clients: ClientRegistry): RecipesLinks {
  return {
    hollowtown: () =>
      clients.has('hollowtown') ? hollowtownLinkOf(clients.get<HollowtownClient>('hollowtown')) : undefined,
    family: () => (clients.has('family') ? familyLinkOf(clients.get<FamilyClient>('family')) : undefined),
  };
}

// Hollowtown's links to the other apps (src/hollowtown/links.ts), made from their clients: the
// event → family shopping list flow (family roles, the list saved and, if the event cannot record
// it, taken back) and recipe sharing (the copy made in HowToCookAtHome).
import type { FamilyClient } from '../family/client.ts';
import type { FamilyLink, HollowtownLinks, RecipesLink } from '../hollowtown/links.ts';
import type { ClientRegistry } from '../platform/http/service.ts';
import type { RecipesClient } from '../recipes/client.ts';

export function familyLinkOf(family: FamilyClient): FamilyLink {
  return {
    isMember: (userId, familyId) => family.isMember(userId, familyId),
    roleOf: (userId, familyId) => family.roleOf(userId, familyId),
    familyIdsOf: async (userId) => (await family.familiesOf(userId)).map((f) => f.familyId),
    saveEventList: (input) =>
      family.saveGeneratedList({
        familyId: input.familyId,
        actorUserId: input.actorUserId,
        sourceDomain: 'hollowtown',
        sourceId: input.eventId,
        listName: input.listName,
        items: input.items,
      }),
    discardEventList: (input) =>
      family.discardGeneratedList({
        familyId: input.familyId,
        sourceDomain: 'hollowtown',
        sourceId: input.eventId,
        listId: input.listId,
      }),
    listSummary: (listId) => family.shoppingListSummary(listId),
  };
}

export function recipesLinkOf(recipes: RecipesClient): RecipesLink {
  return {
    featured: (limit) => recipes.collection.recipes({ limit }),
    async recipeForUser(userId, recipeId) {
      const recipe = await recipes.getRecipeForUser(userId, recipeId);
      return recipe && { name: recipe.recipe_name, serves: recipe.serves, ingredients: recipe.ingredients };
    },
    share: (state) =>
      recipes.shareRecipe({
        userId: state.userId,
        domain: 'hollowtown',
        sourceRecipeId: state.recipeId,
        version: state.version,
        recipe: state.recipe,
      }),
    copyOf: (userId, recipeId) => recipes.sharedCopy(userId, 'hollowtown', recipeId),
    async originalsDeleted(recipeIds) {
      await recipes.integrity.markSourcesDeleted('hollowtown', recipeIds);
    },
  };
}

/** Looked up per use: Family Planner and HowToCookAtHome are built after Hollowtown, or elsewhere. */
export function hollowtownLinks(clients: ClientRegistry): HollowtownLinks {
  return {
    family: () => (clients.has('family') ? familyLinkOf(clients.get<FamilyClient>('family')) : undefined),
    recipes: () =>
      clients.has('recipes') ? recipesLinkOf(clients.get<RecipesClient>('recipes')) : undefined,
  };
}

// A Halloween event planned with a family (the design document's family shopping list): the
// owner links the event to a family they belong to; then the family's members see the event,
// and its planner, parents and admins add recipes from either app and turn them into the
// family's shopping list, scaled to the guest count and merged with unit conversion
// (src/ingredients, shared). The link holds only while its owner is a member: once they leave
// or are removed, the family no longer sees the event and the link is dropped.
//
// | action on a family's event                       | child | parent | admin | its planner |
// |--------------------------------------------------|:-----:|:------:|:-----:|:-----------:|
// | see it, its recipes and its family list          |   ✓   |   ✓    |   ✓   |      ✓      |
// | add a recipe to it, take one off                 |   ✗   |   ✓    |   ✓   |      ✓      |
// | make or regenerate its family shopping list      |   ✗   |   ✓    |   ✓   |      ✓      |
// | change, link to another family, unlink, delete   |   ✗   |   ✗    |   ✗   |      ✓      |
//
// Anyone else gets 404; a child asking for a parent's action gets 403 EVENT_ROLE_FORBIDDEN.
import { amountToBuy } from '../../ingredients/ingredient-input.ts';
import { mergeIngredients, type QuantityLine, scaleIngredients } from '../../ingredients/quantities.ts';
import type { HollowtownDeps } from '../deps.ts';
import { EventFamilyErrors, HollowtownErrors } from '../errors.ts';
import type { FamilyLink, FamilyMemberRole as FamilyRole, KitchenRecipe } from '../links.ts';
import {
  addEventRecipe,
  clearEventFamily,
  countEventRecipes,
  findAnyEvent,
  type LinkedEventRow,
  listEventRecipes,
  removeEventRecipe,
  setEventFamily,
  setEventFamilyList,
} from '../store/event-links.ts';
import { isUuid } from './common.ts';
import type { RecipeService } from './recipes.ts';

export const MAX_RECIPES_PER_EVENT = 50;

export type EventAccess = { event: LinkedEventRow; isOwner: boolean; role: FamilyRole | null };

/** The family roles that may change what an event brings to the family (besides its planner). */
const CAN_PLAN = new Set<FamilyRole>(['parent', 'admin']);

export function createEventFamilyService(deps: HollowtownDeps, recipes: RecipeService) {
  const family = (): FamilyLink => {
    const link = deps.links.family();
    if (!link) throw EventFamilyErrors.familyUnavailable();
    return link;
  };

  /**
   * Whether the event's family link still holds (its owner is a member); a link that no longer
   * holds is dropped. Without Family Planner reachable, the link is left as it is.
   */
  async function linkHolds(event: LinkedEventRow): Promise<boolean> {
    if (!event.family_id) return false;
    if (!deps.links.family()) return false;
    if (await family().isMember(event.user_id, event.family_id)) return true;
    await clearEventFamily(deps.db, event.event_id);
    event.family_id = null;
    event.family_list_id = null;
    return false;
  }

  /** The owner, or a member of the event's family while the owner is one too; anyone else: 404. */
  async function access(userId: string, eventId: string): Promise<EventAccess> {
    if (!isUuid(eventId)) throw HollowtownErrors.eventNotFound();
    const event = await findAnyEvent(deps.db, eventId);
    if (!event) throw HollowtownErrors.eventNotFound();
    if (event.user_id === userId) {
      await linkHolds(event);
      return { event, isOwner: true, role: null };
    }
    if (event.family_id && deps.links.family()) {
      const role = await family().roleOf(userId, event.family_id);
      if (role && (await linkHolds(event))) return { event, isOwner: false, role };
    }
    throw HollowtownErrors.eventNotFound();
  }

  /** Access for a change to what the event brings to the family: its planner, parents, admins. */
  async function planningAccess(userId: string, eventId: string, action: string): Promise<EventAccess> {
    const found = await access(userId, eventId);
    if (!found.isOwner && !(found.role && CAN_PLAN.has(found.role)))
      throw EventFamilyErrors.roleForbidden(found.role ?? 'none', action);
    return found;
  }

  async function readRecipe(
    domain: 'hollowtown' | 'recipes',
    recipeId: string,
    asUser: string,
  ): Promise<KitchenRecipe | null> {
    if (domain === 'hollowtown') {
      const recipe = await recipes.findForUser(asUser, recipeId);
      return recipe && { name: recipe.recipe_name, serves: recipe.serves, ingredients: recipe.ingredients };
    }
    return (await deps.links.recipes()?.recipeForUser(asUser, recipeId)) ?? null;
  }

  return {
    access,

    linkHolds,

    /** The families the user belongs to (none when Family Planner is not reachable from here). */
    async familyIdsOf(userId: string): Promise<string[]> {
      return (await deps.links.family()?.familyIdsOf(userId)) ?? [];
    },

    /** 404 FAMILY_NOT_FOUND unless the user belongs to the family. */
    async assertFamilyMember(userId: string, familyId: string): Promise<void> {
      if (!isUuid(familyId) || !(await family().isMember(userId, familyId)))
        throw EventFamilyErrors.familyNotFound();
    },

    /** Links (or, with null, unlinks) the owner's event to one of their families. */
    async linkFamily(userId: string, eventId: string, familyId: string | null): Promise<void> {
      const { event, isOwner } = await access(userId, eventId);
      if (!isOwner) throw HollowtownErrors.eventNotFound();
      if (familyId !== null && (!isUuid(familyId) || !(await family().isMember(userId, familyId)))) {
        throw EventFamilyErrors.familyNotFound();
      }
      await setEventFamily(deps.db, event.event_id, familyId);
    },

    async addRecipe(
      userId: string,
      eventId: string,
      input: { domain: 'hollowtown' | 'recipes'; recipe_id: string },
    ) {
      const { event } = await planningAccess(userId, eventId, 'add recipes to the event');
      if (!isUuid(input.recipe_id) || !(await readRecipe(input.domain, input.recipe_id, userId))) {
        throw HollowtownErrors.recipeNotFound();
      }
      if ((await countEventRecipes(deps.db, event.event_id)) >= MAX_RECIPES_PER_EVENT)
        throw EventFamilyErrors.tooManyRecipes(MAX_RECIPES_PER_EVENT);
      const added = await addEventRecipe(deps.db, event.event_id, {
        domain: input.domain,
        recipeId: input.recipe_id,
        addedBy: userId,
      });
      return { event_id: event.event_id, domain: input.domain, recipe_id: input.recipe_id, added };
    },

    async listRecipes(userId: string, eventId: string) {
      const { event } = await access(userId, eventId);
      const rows = await listEventRecipes(deps.db, event.event_id);
      return Promise.all(
        rows.map(async (row) => {
          const recipe = await readRecipe(row.domain, row.recipe_id, row.added_by).catch(() => null);
          return {
            domain: row.domain,
            recipe_id: row.recipe_id,
            added_by: row.added_by,
            added_at: row.created_at,
            recipe_name: recipe?.name ?? null,
            serves: recipe?.serves ?? null,
            available: recipe !== null,
          };
        }),
      );
    },

    async removeRecipe(userId: string, eventId: string, domain: string, recipeId: string): Promise<void> {
      const { event } = await planningAccess(userId, eventId, 'take recipes off the event');
      if (!isUuid(recipeId) || !(await removeEventRecipe(deps.db, event.event_id, domain, recipeId))) {
        throw HollowtownErrors.recipeNotFound();
      }
    },

    /**
     * Scales every recipe of the event to its guest count, merges like ingredients (compatible
     * units converted) and stores the result as the family's shopping list; regenerating keeps
     * what members already checked.
     */
    async generateShoppingList(userId: string, eventId: string) {
      const { event } = await planningAccess(userId, eventId, 'make the event’s shopping list');
      if (!event.family_id) throw EventFamilyErrors.noFamily();
      const linked = await listEventRecipes(deps.db, event.event_id);
      if (linked.length === 0) throw EventFamilyErrors.noRecipes();
      const lines: QuantityLine[] = [];
      const skipped: { domain: string; recipe_id: string }[] = [];
      for (const link of linked) {
        // Read as the member who added it: they shared it with the event.
        const recipe = await readRecipe(link.domain, link.recipe_id, link.added_by);
        if (!recipe) {
          skipped.push({ domain: link.domain, recipe_id: link.recipe_id });
          continue;
        }
        const guests = event.guest_count > 0 ? event.guest_count : recipe.serves;
        const scaled =
          guests && recipe.serves && recipe.serves > 0
            ? scaleIngredients(recipe.ingredients, recipe.serves, guests)
            : recipe.ingredients;
        // A range ("2–3 apples") buys its top.
        lines.push(...scaled.map((i) => ({ name: i.name, quantity: amountToBuy(i), unit: i.unit })));
      }
      const merged = mergeIngredients(lines);
      // Two apps change here: the list is saved in Family Planner, then recorded on the event.
      // A list made just now that the event cannot record is taken back (a remade one stays:
      // the event holds it already, and it is keyed by the event).
      const familyId = event.family_id;
      const saved = await family().saveEventList({
        familyId,
        actorUserId: userId,
        eventId: event.event_id,
        listName: `${event.event_name}: shopping`.slice(0, 200),
        items: merged.map((line) => ({ name: line.name, quantity: line.quantity, unit: line.unit })),
      });
      // Deleted meanwhile, the event can no longer hold its list: that is a failure here too.
      const recorded = await setEventFamilyList(deps.db, event.event_id, saved.listId).catch(
        (error: unknown) => error,
      );
      if (recorded !== true) {
        if (saved.created) {
          await family()
            .discardEventList({ familyId, eventId: event.event_id, listId: saved.listId })
            .catch((undo: unknown) =>
              deps.logger.error(
                { err: undo, eventId: event.event_id, listId: saved.listId },
                'a family list the event could not record was not taken back',
              ),
            );
        }
        throw recorded === false ? HollowtownErrors.eventNotFound() : recorded;
      }
      return {
        list_id: saved.listId,
        family_id: event.family_id,
        version: saved.version,
        items: merged.length,
        skipped_recipes: skipped,
        estimated_cost_cents: saved.estimatedCostCents,
        budget_cents: event.budget_cents,
        budget_remaining_cents:
          event.budget_cents === null ? null : event.budget_cents - saved.estimatedCostCents,
      };
    },

    /** The family list's cost against the event's budget, for the event's view. */
    async familyListOf(event: LinkedEventRow) {
      const link = deps.links.family();
      if (!event.family_list_id || !link) return null;
      const summary = await link.listSummary(event.family_list_id);
      if (!summary) return null;
      return {
        list_id: summary.listId,
        items: summary.itemCount,
        checked: summary.checkedCount,
        estimated_cost_cents: summary.estimatedCostCents,
        budget_remaining_cents:
          event.budget_cents === null ? null : event.budget_cents - summary.estimatedCostCents,
      };
    },
  };
}

export type EventFamilyService = ReturnType<typeof createEventFamilyService>;

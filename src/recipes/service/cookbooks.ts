// Cookbooks: a person's ordered collections of recipes they may read. A cookbook is private,
// shared with one family its owner belongs to (Family Planner says who belongs, at each read:
// someone who left sees nothing more, and neither does the family once the owner left), or
// public. Anyone else asking for it gets the 404 of a cookbook that does not exist.
//
// Which recipes a viewer sees in it is decided at each read (store/cookbooks.ts): their own, the
// published ones moderation does not hold back, and, in a family cookbook, the owner's own ones.
// A public cookbook never shows its owner's private recipes.
import { keyset, pageFilters, TIME_KEY } from '../../platform/http/pagination.ts';
import type { Recipe } from '../client.ts';
import type { RecipesDeps } from '../deps.ts';
import { MarketErrors, RecipesErrors } from '../errors.ts';
import type { FamilyLink } from '../links.ts';
import {
  appendEntry,
  type CookbookFields,
  type CookbookListRow,
  type CookbookListScope,
  type CookbookRow,
  type CookbookVisibility,
  countCookbooks,
  countEntries,
  countVisibleEntries,
  deleteCookbook,
  deleteEntry,
  type EntryRow,
  entryRecipeIds,
  findCookbook,
  findEntryPosition,
  findVisibleEntry,
  insertCookbook,
  listCookbooks,
  listVisibleEntries,
  lockCookbooksOf,
  lockOwnCookbook,
  setEntryOrder,
  touchCookbook,
  updateCookbook,
} from '../store/cookbooks.ts';
import { hasListing, isCookbookListed, isOwnRecipeToSell, lockBuyersOfCookbook } from '../store/market.ts';
import { findReadableRecipe } from '../store/recipes.ts';
import { isUuid } from './ids.ts';
import { LIMITS } from './limits.ts';
import { toRecipe } from './recipes.ts';

export interface Cookbook {
  cookbook_id: string;
  user_id: string;
  title: string;
  description: string | null;
  visibility: CookbookVisibility;
  family_id: string | null;
  is_mine: boolean;
  /** The recipes of it you see. */
  recipe_count: number;
  /** With ?recipe_id: whether that recipe is in it. */
  has_recipe: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface CookbookInput {
  title: string;
  description?: string | null;
  visibility?: CookbookVisibility;
  family_id?: string | null;
}

export type CookbookPatch = Partial<CookbookInput>;

export interface CookbookListQuery {
  limit: number;
  cursor?: string;
  scope?: 'mine' | 'family' | 'public';
  recipe_id?: string;
}

export type CookbookRecipe = Recipe & { position: number };

/** How a viewer may see a cookbook. */
interface Access {
  cookbook: CookbookRow;
  /** The owner's own recipes are shown to this viewer (the owner, or the family). */
  shares: boolean;
}

/**
 * More ways to be let into a cookbook than owning it or being in its family (a purchase in the
 * marketplace): whether this viewer may read all of it.
 */
export type CookbookGrant = (viewerId: string, cookbookId: string) => Promise<boolean>;

/** Cookbooks newest first; a cookbook's recipes in its order (a cursor is bound to its cookbook). */
const COOKBOOKS = keyset('recipes.cookbooks', TIME_KEY);
const ENTRIES = keyset('recipes.cookbook-recipes', { position: 'int', id: 'uuid' });

const blankToNull = (text: string | null | undefined): string | null => {
  const trimmed = text?.trim();
  return trimmed ? trimmed : null;
};

function requiredTitle(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) throw RecipesErrors.invalidInput('body.title must not be blank', [{ field: 'body.title' }]);
  return trimmed;
}

export function createCookbookService(deps: RecipesDeps, grants: CookbookGrant[] = []) {
  const { db } = deps;

  const familyLink = (): FamilyLink => {
    const link = deps.family?.();
    if (!link) throw RecipesErrors.familyUnavailable();
    return link;
  };
  /** Asks Family Planner; an answer it cannot give is a 503, never a guess. */
  const askFamily = async <T>(ask: (link: FamilyLink) => Promise<T>): Promise<T> => {
    const link = familyLink();
    try {
      return await ask(link);
    } catch (error) {
      deps.logger.warn({ err: error }, 'cookbooks could not ask Family Planner');
      throw RecipesErrors.familyUnavailable();
    }
  };

  const toCookbook = (row: CookbookRow & { recipe_count: number; has_recipe?: boolean }, viewerId: string) =>
    ({
      cookbook_id: row.cookbook_id,
      user_id: row.user_id,
      title: row.title,
      description: row.description,
      visibility: row.visibility,
      family_id: row.family_id,
      is_mine: row.user_id === viewerId,
      recipe_count: row.recipe_count,
      has_recipe: row.has_recipe ?? false,
      created_at: row.created_at,
      updated_at: row.updated_at,
    }) satisfies Cookbook;

  /** The cookbook if this viewer may see it, else the 404 of one that does not exist. */
  async function access(viewerId: string, cookbookId: string): Promise<Access> {
    if (!isUuid(cookbookId)) throw RecipesErrors.cookbookNotFound();
    const cookbook = await findCookbook(db, cookbookId);
    if (!cookbook) throw RecipesErrors.cookbookNotFound();
    if (cookbook.user_id === viewerId) return { cookbook, shares: true };
    for (const grant of grants) if (await grant(viewerId, cookbookId)) return { cookbook, shares: true };
    if (cookbook.visibility === 'public') return { cookbook, shares: false };
    if (cookbook.visibility === 'family' && cookbook.family_id) {
      const familyId = cookbook.family_id;
      const [viewerIn, ownerIn] = await askFamily((link) =>
        Promise.all([link.isMember(viewerId, familyId), link.isMember(cookbook.user_id, familyId)]),
      );
      if (viewerIn && ownerIn) return { cookbook, shares: true };
    }
    throw RecipesErrors.cookbookNotFound();
  }

  /** A family id the owner may share with: one of their families. */
  async function checkFamily(userId: string, familyId: string | null | undefined): Promise<string> {
    if (!familyId)
      throw RecipesErrors.invalidInput('A family cookbook needs body.family_id', [
        { field: 'body.family_id' },
      ]);
    if (!isUuid(familyId)) throw RecipesErrors.familyNotFound();
    if (!(await askFamily((link) => link.isMember(userId, familyId)))) throw RecipesErrors.familyNotFound();
    return familyId.toLowerCase();
  }

  async function fieldsOf(userId: string, input: CookbookInput): Promise<CookbookFields> {
    const visibility = input.visibility ?? 'private';
    if (visibility !== 'family' && input.family_id)
      throw RecipesErrors.invalidInput('body.family_id goes only with visibility family', [
        { field: 'body.family_id' },
      ]);
    return {
      title: requiredTitle(input.title),
      description: blankToNull(input.description),
      visibility,
      family_id: visibility === 'family' ? await checkFamily(userId, input.family_id) : null,
    };
  }

  const answer = async (tx: typeof db, row: CookbookRow, userId: string) =>
    toCookbook(
      { ...row, recipe_count: await countVisibleEntries(tx, row.cookbook_id, userId, true) },
      userId,
    );

  /** Runs `change` on the caller's own cookbook, locked; anyone else's is a 404. */
  const onOwn = <T>(
    userId: string,
    cookbookId: string,
    change: (tx: typeof db, row: CookbookRow) => Promise<T>,
  ) => {
    if (!isUuid(cookbookId)) throw RecipesErrors.cookbookNotFound();
    return db.transaction(async (tx) => {
      const row = await lockOwnCookbook(tx, userId, cookbookId);
      if (!row) throw RecipesErrors.cookbookNotFound();
      return change(tx as typeof db, row);
    });
  };

  return {
    access,

    /** The families the user may share a cookbook with. */
    async families(userId: string) {
      // Family Planner not served here: no families to share with (a link that fails is a 503).
      if (!deps.family?.()) return { items: [] };
      const families = await askFamily((link) => link.familiesOf(userId));
      return {
        items: families.map((f) => ({ family_id: f.familyId, family_name: f.familyName })),
      };
    },

    async create(userId: string, input: CookbookInput): Promise<Cookbook> {
      const fields = await fieldsOf(userId, input);
      return db.transaction(async (tx) => {
        await lockCookbooksOf(tx, userId);
        if ((await countCookbooks(tx, userId)) >= LIMITS.cookbooks)
          throw RecipesErrors.cookbooksLimit(LIMITS.cookbooks);
        const row = await insertCookbook(tx, userId, fields, deps.now());
        return toCookbook({ ...row, recipe_count: 0 }, userId);
      });
    },

    async get(viewerId: string, cookbookId: string): Promise<Cookbook> {
      const { cookbook, shares } = await access(viewerId, cookbookId);
      return toCookbook(
        { ...cookbook, recipe_count: await countVisibleEntries(db, cookbookId, viewerId, shares) },
        viewerId,
      );
    },

    async update(userId: string, cookbookId: string, patch: CookbookPatch): Promise<Cookbook> {
      if (!isUuid(cookbookId)) throw RecipesErrors.cookbookNotFound();
      const current = await findCookbook(db, cookbookId);
      if (!current || current.user_id !== userId) throw RecipesErrors.cookbookNotFound();
      const visibility = patch.visibility ?? current.visibility;
      if (visibility !== 'family' && patch.family_id)
        throw RecipesErrors.invalidInput('body.family_id goes only with visibility family', [
          { field: 'body.family_id' },
        ]);
      const changes: Partial<CookbookFields> = {};
      if (patch.title !== undefined) changes.title = requiredTitle(patch.title);
      if (patch.description !== undefined) changes.description = blankToNull(patch.description);
      if (patch.visibility !== undefined || patch.family_id !== undefined) {
        changes.visibility = visibility;
        const familyId = patch.family_id ?? current.family_id;
        changes.family_id =
          visibility !== 'family'
            ? null
            : familyId === current.family_id && current.visibility === 'family'
              ? familyId
              : await checkFamily(userId, familyId);
      }
      return onOwn(userId, cookbookId, async (tx, row) => {
        // Free or for sale, not both: what buyers pay for must not be readable by everyone.
        if (changes.visibility === 'public' && (await isCookbookListed(tx, row.cookbook_id)))
          throw MarketErrors.cookbookListed();
        return answer(tx, await updateCookbook(tx, row.cookbook_id, changes, deps.now()), userId);
      });
    },

    /** Deletes the owner's cookbook, unless buyers hold it (409 ITEM_HAS_BUYERS: unlist it instead). */
    async remove(userId: string, cookbookId: string): Promise<void> {
      await onOwn(userId, cookbookId, async (tx, row) => {
        const buyers = await lockBuyersOfCookbook(tx, row.cookbook_id);
        if (buyers > 0) throw MarketErrors.itemHasBuyers('cookbook', buyers);
        if (!(await deleteCookbook(tx, userId, row.cookbook_id))) throw RecipesErrors.cookbookNotFound();
      });
    },

    async list(viewerId: string, query: CookbookListQuery) {
      const filters = pageFilters(query);
      const cursor = COOKBOOKS.decode(query.cursor, filters);
      const scopeName = query.scope ?? 'mine';
      let scope: CookbookListScope;
      if (scopeName === 'mine') scope = { kind: 'mine', userId: viewerId };
      else if (scopeName === 'public') scope = { kind: 'public' };
      else {
        const pairs = await askFamily(async (link) => {
          const families = await link.familiesOf(viewerId);
          const familyIds: string[] = [];
          const memberIds: string[] = [];
          for (const { familyId } of families) {
            for (const memberId of await link.memberIdsOf(familyId)) {
              familyIds.push(familyId);
              memberIds.push(memberId);
            }
          }
          return { familyIds, memberIds };
        });
        scope = { kind: 'family', ...pairs };
      }
      const recipeId = query.recipe_id && isUuid(query.recipe_id) ? query.recipe_id : null;
      const rows = await listCookbooks(db, viewerId, scope, query.limit + 1, cursor, recipeId);
      return COOKBOOKS.page(
        rows,
        query.limit,
        (row: CookbookListRow) => toCookbook(row, viewerId),
        (row) => ({ at: row.cursor_at, id: row.cookbook_id }),
        filters,
      );
    },

    /** The cookbook's recipes this viewer sees, in its order. */
    async recipes(viewerId: string, cookbookId: string, query: { limit: number; cursor?: string }) {
      const after = ENTRIES.decode(query.cursor, { cookbookId });
      const { shares } = await access(viewerId, cookbookId);
      const rows = await listVisibleEntries(db, cookbookId, viewerId, shares, query.limit + 1, after);
      return ENTRIES.page(
        rows,
        query.limit,
        (row: EntryRow): CookbookRecipe => ({ ...toRecipe(row, viewerId), position: row.position }),
        (row) => ({ position: row.position, id: row.recipe_id }),
        { cookbookId },
      );
    },

    /** One recipe, read through the cookbook (a family member reading the owner's private one). */
    async recipe(viewerId: string, cookbookId: string, recipeId: string): Promise<CookbookRecipe> {
      const { shares } = await access(viewerId, cookbookId);
      const row = isUuid(recipeId)
        ? await findVisibleEntry(db, cookbookId, recipeId, viewerId, shares)
        : undefined;
      if (!row) throw RecipesErrors.recipeNotFound();
      return { ...toRecipe(row, viewerId), position: row.position };
    },

    /** Adds a recipe the owner may read at the end; adding it again changes nothing. */
    async add(userId: string, cookbookId: string, recipeId: string) {
      if (!isUuid(cookbookId)) throw RecipesErrors.cookbookNotFound();
      return db.transaction(async (tx) => {
        await lockCookbooksOf(tx, userId);
        const row = await lockOwnCookbook(tx, userId, cookbookId);
        if (!row) throw RecipesErrors.cookbookNotFound();
        if (!isUuid(recipeId) || !(await findReadableRecipe(tx, userId, recipeId)))
          throw RecipesErrors.recipeNotFound();
        let position = await findEntryPosition(tx, cookbookId, recipeId);
        // A book on sale (or sold, and unlisted) holds its seller's own recipes only.
        if (
          position === undefined &&
          (await hasListing(tx, cookbookId)) &&
          !(await isOwnRecipeToSell(tx, recipeId, userId))
        )
          throw MarketErrors.othersRecipes([recipeId.toLowerCase()]);
        if (position === undefined) {
          if ((await countEntries(tx, cookbookId)) >= LIMITS.cookbookRecipes)
            throw RecipesErrors.cookbookFull(LIMITS.cookbookRecipes);
          position = await appendEntry(tx, cookbookId, recipeId, deps.now());
          await touchCookbook(tx, cookbookId, deps.now());
        }
        return {
          cookbook_id: cookbookId,
          recipe_id: recipeId,
          position,
          recipe_count: await countVisibleEntries(tx, cookbookId, userId, true),
        };
      });
    },

    /**
     * Takes a recipe out; one that was not in it answers the same. Not from a book people bought
     * (409 ITEM_HAS_BUYERS): they keep what they paid for.
     */
    async removeRecipe(userId: string, cookbookId: string, recipeId: string): Promise<void> {
      await onOwn(userId, cookbookId, async (tx) => {
        if (!isUuid(recipeId) || (await findEntryPosition(tx, cookbookId, recipeId)) === undefined) return;
        const buyers = await lockBuyersOfCookbook(tx, cookbookId);
        if (buyers > 0) throw MarketErrors.itemHasBuyers('cookbook', buyers);
        if (await deleteEntry(tx, cookbookId, recipeId)) await touchCookbook(tx, cookbookId, deps.now());
      });
    },

    /**
     * Puts the recipes in this order: every recipe the owner sees in it, each once. Ones the owner
     * no longer sees (unpublished by their author) keep their order after them.
     */
    async reorder(userId: string, cookbookId: string, order: readonly string[]) {
      return onOwn(userId, cookbookId, async (tx) => {
        const visible = new Set<string>();
        for (const row of await listVisibleEntries(tx, cookbookId, userId, true, LIMITS.cookbookRecipes + 1))
          visible.add(row.recipe_id);
        const wanted = order.map((id) => id.toLowerCase());
        if (
          wanted.length !== visible.size ||
          new Set(wanted).size !== wanted.length ||
          !wanted.every((id) => visible.has(id))
        )
          throw RecipesErrors.cookbookOrderMismatch();
        const hidden = (await entryRecipeIds(tx, cookbookId)).filter((id) => !visible.has(id));
        await setEntryOrder(tx, cookbookId, [...wanted, ...hidden]);
        await touchCookbook(tx, cookbookId, deps.now());
        return { cookbook_id: cookbookId, recipe_ids: wanted };
      });
    },
  };
}

export type CookbookService = ReturnType<typeof createCookbookService>;

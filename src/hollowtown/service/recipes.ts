// Spooky recipes: private to their owner until published; a published recipe is readable by
// every signed-in user, and only ever changed or deleted by its owner.

import { type ItemSummary, type Period, periodStart } from '../../community/service.ts';
import {
  type IngredientInput as IngredientLineOrFields,
  readIngredients,
} from '../../ingredients/ingredient-input.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { keyset, pageFilters, RANK_KEY, TIME_KEY } from '../../platform/http/pagination.ts';
import {
  type Difficulty,
  RECIPE_DELETED,
  RECIPE_UPDATED,
  type RecipeEventPayload,
  type SpookyRecipe,
} from '../client.ts';
import type { HollowtownDeps } from '../deps.ts';
import { HollowtownErrors } from '../errors.ts';
import { enqueueEvent } from '../store/outbox.ts';
import {
  deleteRecipe,
  findVisibleRecipe,
  insertRecipe,
  listRecipes,
  type RecipeFields,
  type RecipeRow,
  updateRecipe,
} from '../store/recipes.ts';
import { checkRange, cleanName, cleanOptionalName, isUuid, normaliseTags, queryTags } from './common.ts';
import type { HollowtownCommunity } from './community.ts';
import { INGREDIENT_LIMITS } from './limits.ts';

/** A costume's material: the fields split, as the ingredients of a recipe may be too. */
export interface IngredientInput {
  name: string;
  quantity?: number | null;
  unit?: string | null;
  note?: string | null;
}

export interface RecipeInput {
  recipe_name: string;
  description?: string | null;
  spookiness_level?: number;
  difficulty?: Difficulty;
  /** Lines read on the server ("24 gummy worms") or the fields split. */
  ingredients?: IngredientLineOrFields[];
  instructions?: string[];
  prep_time_minutes?: number | null;
  serves?: number | null;
  tags?: string[];
  image_url?: string | null;
  is_published?: boolean;
}

export type RecipePatch = Partial<RecipeInput>;

export interface RecipeQuery {
  scope?: 'mine' | 'published' | 'all';
  tags?: string[];
  difficulty?: Difficulty[];
  spookiness_min?: number;
  spookiness_max?: number;
  max_prep_minutes?: number;
  q?: string;
  sort?: 'new' | 'top';
  period?: Period;
  limit?: number;
  cursor?: string;
}

/**
 * A recipe as the HTTP API shows it: the owner's id stays inside, is_mine tells the viewer; its
 * votes and, for its author, whether moderation holds it back.
 */
export type RecipeView = Omit<SpookyRecipe, 'user_id'> & { is_mine: boolean } & ItemSummary;

export const DEFAULT_SPOOKINESS = 5;
export const DEFAULT_DIFFICULTY: Difficulty = 'medium';

export const toRecipe = (row: RecipeRow): SpookyRecipe => ({
  recipe_id: row.recipe_id,
  user_id: row.user_id,
  recipe_name: row.recipe_name,
  description: row.description,
  spookiness_level: row.spookiness_level,
  difficulty: row.difficulty,
  ingredients: row.ingredients,
  instructions: row.instructions,
  prep_time_minutes: row.prep_time_minutes,
  serves: row.serves,
  tags: row.tags,
  image_url: row.image_url,
  is_published: row.is_published,
  source: row.source,
  ai_model: row.ai_model,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

const NO_VOTES: ItemSummary = { votes: 0, has_voted: false, moderation: null };

// One object per row, built once: a list page shapes every row this way (no copies by spreads).
export const toRecipeView = (row: RecipeRow, viewerId: string, summary = NO_VOTES): RecipeView => ({
  recipe_id: row.recipe_id,
  recipe_name: row.recipe_name,
  description: row.description,
  spookiness_level: row.spookiness_level,
  difficulty: row.difficulty,
  ingredients: row.ingredients,
  instructions: row.instructions,
  prep_time_minutes: row.prep_time_minutes,
  serves: row.serves,
  tags: row.tags,
  image_url: row.image_url,
  is_published: row.is_published,
  source: row.source,
  ai_model: row.ai_model,
  created_at: row.created_at,
  updated_at: row.updated_at,
  is_mine: row.user_id === viewerId,
  votes: summary.votes,
  has_voted: summary.has_voted,
  moderation: summary.moderation,
});

/** The stored fields of a new recipe, with defaults and normalised tags and ingredients. */
export function recipeFields(input: RecipeInput): RecipeFields {
  return {
    recipe_name: cleanName('body.recipe_name', input.recipe_name),
    description: input.description ?? null,
    spookiness_level: input.spookiness_level ?? DEFAULT_SPOOKINESS,
    difficulty: input.difficulty ?? DEFAULT_DIFFICULTY,
    ingredients: readIngredients(input.ingredients ?? [], 'body.ingredients', INGREDIENT_LIMITS),
    instructions: (input.instructions ?? []).map((step) => step.trim()),
    prep_time_minutes: input.prep_time_minutes ?? null,
    serves: input.serves ?? null,
    tags: normaliseTags(input.tags ?? []),
    image_url: input.image_url ?? null,
    is_published: input.is_published ?? false,
  };
}

function patchFields(patch: RecipePatch): Partial<RecipeFields> {
  return {
    recipe_name: cleanOptionalName('body.recipe_name', patch.recipe_name),
    description: patch.description,
    spookiness_level: patch.spookiness_level,
    difficulty: patch.difficulty,
    ingredients:
      patch.ingredients && readIngredients(patch.ingredients, 'body.ingredients', INGREDIENT_LIMITS),
    instructions: patch.instructions?.map((step) => step.trim()),
    prep_time_minutes: patch.prep_time_minutes,
    serves: patch.serves,
    tags: patch.tags && normaliseTags(patch.tags),
    image_url: patch.image_url,
    is_published: patch.is_published,
  };
}

/** The recipe as recipe.updated carries it: JSON, timestamps as ISO strings. */
export function recipeEventPayload(
  row: RecipeRow,
): RecipeEventPayload & { recipe: NonNullable<RecipeEventPayload['recipe']> } {
  const recipe = toRecipe(row);
  return {
    recipe_id: row.recipe_id,
    user_id: row.user_id,
    version: row.version,
    recipe: {
      ...recipe,
      created_at: recipe.created_at.toISOString(),
      updated_at: recipe.updated_at.toISOString(),
    },
  };
}

/** recipe.updated for a shared recipe; call in the transaction of the edit. */
export async function announceUpdate(tx: Queryable, row: RecipeRow, at: Date): Promise<void> {
  await enqueueEvent(tx, RECIPE_UPDATED, { ...recipeEventPayload(row) }, at);
}

/** Newest first, or most upvoted first. */
const BY_NEW = keyset('hollowtown.recipes:new', TIME_KEY);
const BY_TOP = keyset('hollowtown.recipes:top', RANK_KEY);

export function createRecipeService(deps: HollowtownDeps, community: HollowtownCommunity) {
  const { db } = deps;
  const toViews = async (rows: RecipeRow[], viewerId: string) => {
    const summaries = await community.summaries(
      'recipe',
      rows.map((r) => r.recipe_id),
      viewerId,
    );
    return rows.map((row) => toRecipeView(row, viewerId, summaries.get(row.recipe_id)));
  };
  const toView = async (row: RecipeRow, viewerId: string) =>
    (await toViews([row], viewerId))[0] as RecipeView;
  return {
    async create(userId: string, input: RecipeInput): Promise<RecipeView> {
      return toRecipeView(await insertRecipe(db, userId, recipeFields(input)), userId);
    },

    async get(userId: string, recipeId: string): Promise<RecipeView> {
      const row = isUuid(recipeId) ? await findVisibleRecipe(db, userId, recipeId) : undefined;
      if (!row) throw HollowtownErrors.recipeNotFound();
      return toView(row, userId);
    },

    /** For other services: the recipe as this user may see it, or null. */
    async findForUser(userId: string, recipeId: string): Promise<SpookyRecipe | null> {
      if (!isUuid(userId) || !isUuid(recipeId)) return null;
      const row = await findVisibleRecipe(db, userId, recipeId);
      return row ? toRecipe(row) : null;
    },

    async update(userId: string, recipeId: string, patch: RecipePatch): Promise<RecipeView> {
      if (!isUuid(recipeId)) throw HollowtownErrors.recipeNotFound();
      const fields = patchFields(patch);
      const row = await db.transaction(async (tx) => {
        const updated = await updateRecipe(tx, userId, recipeId, fields);
        // Copies in other apps follow through the outbox, written with the edit or not at all.
        if (updated?.shared_at) await announceUpdate(tx, updated, deps.now());
        return updated;
      });
      if (!row) throw HollowtownErrors.recipeNotFound();
      return toView(row, userId);
    },

    async remove(userId: string, recipeId: string): Promise<void> {
      if (!isUuid(recipeId)) throw HollowtownErrors.recipeNotFound();
      const deleted = await db.transaction(async (tx) => {
        const gone = await deleteRecipe(tx, userId, recipeId);
        if (gone?.shared_at) {
          const payload: RecipeEventPayload = {
            recipe_id: gone.recipe_id,
            user_id: gone.user_id,
            version: gone.version,
          };
          await enqueueEvent(tx, RECIPE_DELETED, { ...payload }, deps.now());
        }
        return gone;
      });
      if (!deleted) throw HollowtownErrors.recipeNotFound();
    },

    async list(userId: string, query: RecipeQuery) {
      checkRange('querystring.spookiness_min', query.spookiness_min, 'spookiness_max', query.spookiness_max);
      const limit = query.limit ?? 20;
      const filters = pageFilters(query);
      const rows = await listRecipes(db, {
        userId,
        scope: query.scope ?? 'mine',
        tags: queryTags(query.tags),
        difficulties: [...new Set(query.difficulty ?? [])],
        spookinessMin: query.spookiness_min,
        spookinessMax: query.spookiness_max,
        maxPrepMinutes: query.max_prep_minutes,
        q: query.q,
        sort: query.sort ?? 'new',
        after:
          query.sort === 'top' ? BY_TOP.decode(query.cursor, filters) : BY_NEW.decode(query.cursor, filters),
        createdSince: periodStart(query.period, deps.now()),
        limit: limit + 1,
      });
      const page =
        query.sort === 'top'
          ? BY_TOP.page(
              rows,
              limit,
              (row) => row,
              (row) => ({ rank: row.tally, at: row.cursor_at, id: row.recipe_id }),
              filters,
            )
          : BY_NEW.page(
              rows,
              limit,
              (row) => row,
              (row) => ({ at: row.cursor_at, id: row.recipe_id }),
              filters,
            );
      return { ...page, items: await toViews(page.items, userId) };
    },
  };
}

export type RecipeService = ReturnType<typeof createRecipeService>;

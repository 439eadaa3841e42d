// Recipe rules: who reads what (owner, or everyone signed in once published), tidy input
// (trimmed text, lower-case cuisine, tags and allergens), filters, cursor pages, scaling.
import { type ItemSummary, type Period, periodStart } from '../../community/service.ts';
import { type IngredientInput, readIngredients } from '../../ingredients/ingredient-input.ts';
import { scaleIngredients } from '../../ingredients/quantities.ts';
import { keyset, pageFilters, RANK_KEY, TIME_KEY } from '../../platform/http/pagination.ts';
import type { Ingredient, Nutrition, Recipe } from '../client.ts';
import type { RecipesDeps } from '../deps.ts';
import { MarketErrors, RecipesErrors } from '../errors.ts';
import { lockBuyersOfRecipe } from '../store/market.ts';
import {
  type Difficulty,
  deleteRecipe,
  findReadableRecipe,
  insertRecipe,
  listRecipes,
  type RecipeFields,
  type RecipeListRow,
  type RecipeRow,
  type RecipeScope,
  type RecipeSort,
  type RecipeSource,
  updateRecipe,
} from '../store/recipes.ts';
import type { RecipesCommunity } from './community.ts';
import { isUuid } from './ids.ts';
import { INGREDIENT_LIMITS } from './limits.ts';

export interface RecipeInput {
  recipe_name: string;
  description?: string | null;
  cuisine?: string | null;
  difficulty?: Difficulty;
  prep_time_minutes?: number | null;
  cook_time_minutes?: number | null;
  serves?: number | null;
  calories?: number | null;
  /** Lines read on the server ("24 gummy worms") or the fields split. */
  ingredients?: IngredientInput[];
  instructions?: string[];
  nutrition?: Nutrition;
  allergens?: string[];
  tags?: string[];
  image_url?: string | null;
  is_published?: boolean;
}

export type RecipePatch = Partial<RecipeInput>;

export interface RecipeQuery {
  limit: number;
  cursor?: string;
  scope?: RecipeScope;
  sort?: RecipeSort | 'new';
  period?: Period;
  cuisine?: string;
  difficulty?: Difficulty;
  max_total_minutes?: number;
  max_calories?: number;
  exclude_allergens?: string[];
  tags?: string[];
  q?: string;
  favourites?: boolean;
}

export type RecipeDetail = Recipe & {
  my_rating: number | null;
  is_favourite: boolean;
  scaled_from_serves: number | null;
};

const blankToNull = (text: string | null | undefined): string | null => {
  const trimmed = text?.trim();
  return trimmed ? trimmed : null;
};

function requiredText(field: string, text: string): string {
  const trimmed = text.trim();
  if (!trimmed)
    throw RecipesErrors.invalidInput(`body.${field} must not be blank`, [{ field: `body.${field}` }]);
  return trimmed;
}

/** Lower-case, trimmed, without blanks or repeats: tags and allergens compare exactly. */
export function normaliseLabels(labels: readonly string[] | undefined): string[] {
  const seen = new Set<string>();
  for (const label of labels ?? []) {
    for (const part of label.split(',')) {
      const clean = part.trim().toLowerCase().replace(/\s+/g, ' ');
      if (clean) seen.add(clean);
    }
  }
  return [...seen];
}

export const normaliseIngredients = (ingredients: readonly IngredientInput[]): Ingredient[] =>
  readIngredients(ingredients, 'body.ingredients', INGREDIENT_LIMITS);

const normaliseInstructions = (steps: readonly string[]) => steps.map((s) => s.trim()).filter(Boolean);

/** The stored form of a whole recipe, defaults filled in. */
export function recipeFields(input: RecipeInput): RecipeFields {
  return {
    recipe_name: requiredText('recipe_name', input.recipe_name),
    description: blankToNull(input.description),
    cuisine: blankToNull(input.cuisine)?.toLowerCase() ?? null,
    difficulty: input.difficulty ?? 'medium',
    prep_time_minutes: input.prep_time_minutes ?? null,
    cook_time_minutes: input.cook_time_minutes ?? null,
    serves: input.serves ?? null,
    calories: input.calories ?? null,
    ingredients: normaliseIngredients(input.ingredients ?? []),
    instructions: normaliseInstructions(input.instructions ?? []),
    nutrition: { ...(input.nutrition ?? {}) },
    allergens: normaliseLabels(input.allergens),
    tags: normaliseLabels(input.tags),
    image_url: blankToNull(input.image_url),
    is_published: input.is_published ?? false,
  };
}

/** The stored form of the fields a PATCH sends (absent stays absent, null clears). */
function patchFields(patch: RecipePatch): Partial<RecipeFields> {
  const has = (key: keyof RecipePatch) => Object.hasOwn(patch, key) && patch[key] !== undefined;
  const fields: Partial<RecipeFields> = {};
  if (has('recipe_name')) fields.recipe_name = requiredText('recipe_name', patch.recipe_name ?? '');
  if (has('description')) fields.description = blankToNull(patch.description);
  if (has('cuisine')) fields.cuisine = blankToNull(patch.cuisine)?.toLowerCase() ?? null;
  if (has('difficulty') && patch.difficulty) fields.difficulty = patch.difficulty;
  if (has('prep_time_minutes')) fields.prep_time_minutes = patch.prep_time_minutes ?? null;
  if (has('cook_time_minutes')) fields.cook_time_minutes = patch.cook_time_minutes ?? null;
  if (has('serves')) fields.serves = patch.serves ?? null;
  if (has('calories')) fields.calories = patch.calories ?? null;
  if (has('ingredients')) fields.ingredients = normaliseIngredients(patch.ingredients ?? []);
  if (has('instructions')) fields.instructions = normaliseInstructions(patch.instructions ?? []);
  if (has('nutrition')) fields.nutrition = { ...(patch.nutrition ?? {}) };
  if (has('allergens')) fields.allergens = normaliseLabels(patch.allergens);
  if (has('tags')) fields.tags = normaliseLabels(patch.tags);
  if (has('image_url')) fields.image_url = blankToNull(patch.image_url);
  if (has('is_published')) fields.is_published = patch.is_published ?? false;
  return fields;
}

function sourceOf(row: RecipeRow): Recipe['source'] {
  if (row.source !== 'shared') return row.source;
  const link = row.shared_source;
  // A copy without its link is its owner's own recipe (detaching removes both at once).
  if (!link) return 'manual';
  return { ...link, synced_at: link.synced_at ? new Date(link.synced_at) : null };
}

/** A stored ingredient as the API shows it (one object per ingredient: lists show hundreds). */
const toIngredient = (i: RecipeRow['ingredients'][number]): Recipe['ingredients'][number] =>
  typeof i.quantity_max === 'number'
    ? {
        name: i.name,
        quantity: i.quantity ?? null,
        quantity_max: i.quantity_max,
        unit: i.unit ?? null,
        note: i.note ?? null,
      }
    : { name: i.name, quantity: i.quantity ?? null, unit: i.unit ?? null, note: i.note ?? null };

export function toRecipe(row: RecipeRow, userId: string): Recipe {
  const known = row.prep_time_minutes !== null || row.cook_time_minutes !== null;
  return {
    recipe_id: row.recipe_id,
    user_id: row.user_id,
    recipe_name: row.recipe_name,
    description: row.description,
    cuisine: row.cuisine,
    difficulty: row.difficulty,
    prep_time_minutes: row.prep_time_minutes,
    cook_time_minutes: row.cook_time_minutes,
    total_time_minutes: known ? (row.prep_time_minutes ?? 0) + (row.cook_time_minutes ?? 0) : null,
    serves: row.serves,
    calories: row.calories,
    ingredients: row.ingredients.map(toIngredient),
    instructions: row.instructions,
    nutrition: row.nutrition,
    allergens: row.allergens,
    tags: row.tags,
    image_url: row.image_url,
    rating_avg: row.rating_avg,
    rating_count: row.rating_count,
    is_published: row.is_published,
    is_mine: row.user_id === userId,
    source: sourceOf(row),
    source_url: row.source_url,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** The recipe for `servings` people: ingredients scaled; times, calories and nutrition are per recipe or per serving. */
export function scaleRecipe<T extends Recipe>(
  recipe: T,
  servings: number,
): T & { scaled_from_serves: number } {
  if (recipe.serves === null) throw RecipesErrors.servingsUnknown();
  return {
    ...recipe,
    serves: servings,
    ingredients: scaleIngredients(recipe.ingredients, recipe.serves, servings),
    scaled_from_serves: recipe.serves,
  };
}

/** The recipe list's cursors, one kind per sort order. */
const BY_SORT = {
  newest: keyset('recipes.recipes:newest', TIME_KEY),
  top: keyset('recipes.recipes:top', RANK_KEY),
  top_rated: keyset('recipes.recipes:top_rated', { avg: 'decimal', n: 'int', id: 'uuid' }),
} as const;

const MAX_SEARCH_WORDS = 8;

export function createRecipeService(deps: RecipesDeps, community: RecipesCommunity) {
  const { db } = deps;
  /** Recipes as shown: with their votes and, for their author, what moderation holds back. */
  const withVotes = async <T extends Recipe>(recipes: T[], userId: string) => {
    const summaries = await community.summaries(
      'recipe',
      recipes.map((r) => r.recipe_id),
      userId,
    );
    // The recipes are this request's own (toRecipe made them): completed in place rather than
    // copied, which on a page of 20 spared a second object of 25 fields each.
    return recipes.map((r) =>
      Object.assign(r, summaries.get(r.recipe_id) ?? { votes: 0, has_voted: false, moderation: null }),
    );
  };
  const oneWithVotes = async <T extends Recipe>(recipe: T, userId: string) =>
    (await withVotes([recipe], userId))[0] as T & ItemSummary;

  async function readRecipe(userId: string, recipeId: string): Promise<RecipeDetail | null> {
    if (!isUuid(recipeId)) return null;
    const row = await findReadableRecipe(db, userId, recipeId);
    if (!row) return null;
    return {
      ...toRecipe(row, userId),
      my_rating: row.my_rating,
      is_favourite: row.is_favourite,
      scaled_from_serves: null,
    };
  }

  return {
    readRecipe,

    async create(
      userId: string,
      input: RecipeInput,
      source: RecipeSource = 'manual',
      sourceUrl: string | null = null,
    ): Promise<Recipe> {
      return oneWithVotes(
        toRecipe(await insertRecipe(db, userId, recipeFields(input), source, sourceUrl), userId),
        userId,
      );
    },

    async get(userId: string, recipeId: string, servings?: number): Promise<RecipeDetail> {
      const recipe = await readRecipe(userId, recipeId);
      if (!recipe) throw RecipesErrors.recipeNotFound();
      return oneWithVotes(servings === undefined ? recipe : scaleRecipe(recipe, servings), userId);
    },

    async update(userId: string, recipeId: string, patch: RecipePatch): Promise<Recipe> {
      if (!isUuid(recipeId)) throw RecipesErrors.recipeNotFound();
      const row = await updateRecipe(db, userId, recipeId, patchFields(patch));
      if (!row) {
        const copy = await findReadableRecipe(db, userId, recipeId);
        if (copy?.user_id === userId && copy.source === 'shared') throw RecipesErrors.sharedCopyReadOnly();
        throw RecipesErrors.recipeNotFound();
      }
      return oneWithVotes(toRecipe(row, userId), userId);
    },

    /**
     * Deletes the owner's recipe, unless it is in a recipe book people bought (409
     * ITEM_HAS_BUYERS: they keep what they paid for).
     */
    async remove(userId: string, recipeId: string): Promise<void> {
      if (!isUuid(recipeId)) throw RecipesErrors.recipeNotFound();
      await db.transaction(async (tx) => {
        const buyers = await lockBuyersOfRecipe(tx, recipeId);
        if (!(await deleteRecipe(tx, userId, recipeId))) throw RecipesErrors.recipeNotFound();
        // Only its owner learns of the buyers (rolled back: the recipe stays).
        if (buyers > 0) throw MarketErrors.itemHasBuyers('recipe', buyers);
      });
    },

    async list(userId: string, query: RecipeQuery) {
      const sort: RecipeSort =
        query.sort === 'top' ? 'top' : query.sort === 'top_rated' ? 'top_rated' : 'newest';
      const filters = pageFilters(query);
      const after = BY_SORT[sort].decode(query.cursor, filters);
      const words = (query.q ?? '').trim().split(/\s+/).filter(Boolean);
      if (words.length > MAX_SEARCH_WORDS) {
        throw RecipesErrors.invalidInput(`querystring.q may have at most ${MAX_SEARCH_WORDS} words`);
      }
      const rows = await listRecipes(
        db,
        userId,
        {
          scope: query.scope ?? 'all',
          sort,
          cuisine: blankToNull(query.cuisine) ?? undefined,
          difficulty: query.difficulty,
          maxTotalMinutes: query.max_total_minutes,
          maxCalories: query.max_calories,
          excludeAllergens: normaliseLabels(query.exclude_allergens),
          tags: normaliseLabels(query.tags),
          words,
          createdSince: periodStart(query.period, deps.now()),
          favourites: query.favourites ?? false,
        },
        query.limit + 1,
        after,
      );
      const toItem = (row: RecipeListRow) => toRecipe(row, userId);
      const page =
        sort === 'top_rated'
          ? BY_SORT.top_rated.page(
              rows,
              query.limit,
              toItem,
              (row) => ({ avg: row.rating_avg, n: row.rating_count, id: row.recipe_id }),
              filters,
            )
          : sort === 'top'
            ? BY_SORT.top.page(
                rows,
                query.limit,
                toItem,
                (row) => ({ rank: row.tally, at: row.cursor_at, id: row.recipe_id }),
                filters,
              )
            : BY_SORT.newest.page(
                rows,
                query.limit,
                toItem,
                (row) => ({ at: row.cursor_at, id: row.recipe_id }),
                filters,
              );
      return { ...page, items: await withVotes(page.items, userId) };
    },
  };
}

export type RecipeService = ReturnType<typeof createRecipeService>;

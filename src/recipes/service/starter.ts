// The starter pack's HowToCookAtHome part (content/starter/everyday-recipes.json), loaded under a
// system account and published. Idempotent by key, like Hollowtown's part: a recipe is updated
// only when its text in the pack changed, and one an operator deleted stays deleted unless
// `restore` is asked for.
import path from 'node:path';
import { Type } from 'typebox';
import { contentHash, readContentList, STARTER_DIR } from '../../platform/content-files.ts';
import type { RecipesDeps } from '../deps.ts';
import { type Difficulty, insertRecipe, updateRecipe } from '../store/recipes.ts';
import { recordStarterRecipe, starterRecipes } from '../store/starter.ts';
import { recipeFields } from './recipes.ts';

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Lines = (max: number, length: number) => Type.Array(Text(length), { minItems: 1, maxItems: max });

export const StarterEverydayRecipe = Type.Object(
  {
    key: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,99}$' }),
    recipe_name: Text(200),
    description: Text(2000),
    cuisine: Type.Union([Text(50), Type.Null()]),
    difficulty: Type.Enum(['easy', 'medium', 'hard'] as const),
    prep_time_minutes: Type.Integer({ minimum: 0, maximum: 10_080 }),
    cook_time_minutes: Type.Integer({ minimum: 0, maximum: 10_080 }),
    serves: Type.Integer({ minimum: 1, maximum: 100 }),
    calories: Type.Integer({ minimum: 0, maximum: 10_000 }),
    tags: Type.Array(Text(40), { maxItems: 20 }),
    allergens: Type.Array(Text(40), { maxItems: 20 }),
    ingredients: Lines(100, 300),
    instructions: Lines(50, 2000),
  },
  { additionalProperties: false },
);

export interface StarterEverydayItem {
  key: string;
  recipe_name: string;
  description: string;
  cuisine: string | null;
  difficulty: Difficulty;
  prep_time_minutes: number;
  cook_time_minutes: number;
  serves: number;
  calories: number;
  tags: string[];
  allergens: string[];
  ingredients: string[];
  instructions: string[];
}

export interface StarterCounts {
  items: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

export function readRecipesStarterPack(dir = STARTER_DIR): Promise<StarterEverydayItem[]> {
  return readContentList<StarterEverydayItem>(path.join(dir, 'everyday-recipes.json'), StarterEverydayRecipe);
}

export function createStarterService(deps: RecipesDeps) {
  const { db } = deps;
  return {
    async load(
      ownerId: string,
      items: readonly StarterEverydayItem[],
      options: { restore?: boolean } = {},
    ): Promise<{ recipes: StarterCounts }> {
      const counts: StarterCounts = { items: items.length, created: 0, updated: 0, unchanged: 0, deleted: 0 };
      const loaded = new Map((await starterRecipes(db)).map((row) => [row.starter_key, row]));
      for (const item of items) {
        const hash = contentHash(item);
        const before = loaded.get(item.key);
        if (before?.exists && before.content_hash === hash) {
          counts.unchanged++;
          continue;
        }
        if (before && !before.exists && !options.restore) {
          counts.deleted++;
          continue;
        }
        const { key: _key, ...input } = item;
        const fields = recipeFields({ ...input, is_published: true });
        await db.transaction(async (tx) => {
          const updated = before?.exists
            ? await updateRecipe(tx, ownerId, before.item_id, fields)
            : undefined;
          const id = updated?.recipe_id ?? (await insertRecipe(tx, ownerId, fields)).recipe_id;
          await recordStarterRecipe(tx, item.key, id, hash, deps.now());
        });
        if (before?.exists) counts.updated++;
        else counts.created++;
      }
      return { recipes: counts };
    },
  };
}

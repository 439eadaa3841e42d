// What Hollowtown makes public (pages worth sharing): published spooky recipes and the costume
// gallery, read from hollowtown_db only; the authors' names come from identity's client.
import {
  capitalised,
  dollars,
  ingredientLine,
  minutesText,
  type PublicItem,
  type PublicKind,
} from '../../public-pages/index.ts';
import type { HollowtownDeps } from '../deps.ts';
import { type CostumeRow, costumeVersions, findPublicCostume, listCostumesBy } from '../store/costumes.ts';
import {
  findPublishedRecipe,
  listPublishedRecipesBy,
  publishedRecipeVersions,
  type RecipeRow,
} from '../store/recipes.ts';
import { isPreviewOnly } from './costumes.ts';

const joined = (parts: (string | null | false)[]) => parts.filter(Boolean).join(' · ') || null;

export function recipeItem(row: RecipeRow & { tally?: number }): PublicItem {
  const facts = [
    { label: 'Spookiness', value: `${row.spookiness_level}/10` },
    { label: 'Difficulty', value: capitalised(row.difficulty) },
    ...(row.prep_time_minutes !== null ? [{ label: 'Time', value: minutesText(row.prep_time_minutes) }] : []),
    ...(row.serves !== null ? [{ label: 'Serves', value: String(row.serves) }] : []),
    ...(row.tally !== undefined ? [{ label: 'Upvotes', value: String(row.tally) }] : []),
  ];
  const ingredients = row.ingredients.map(ingredientLine);
  return {
    id: row.recipe_id,
    name: row.recipe_name,
    description: row.description,
    photoUrl: row.image_url,
    authorId: row.user_id,
    facts,
    sections: [
      { title: 'Ingredients', ordered: false, items: ingredients },
      { title: 'Steps', ordered: true, items: row.instructions },
    ],
    tags: row.tags,
    spookiness: row.spookiness_level,
    cardDetail: joined([
      capitalised(row.difficulty),
      row.prep_time_minutes !== null && minutesText(row.prep_time_minutes),
      row.serves !== null && `serves ${row.serves}`,
    ]),
    recipe: {
      ingredients,
      instructions: row.instructions,
      prepMinutes: row.prep_time_minutes,
      // Hollowtown records one time, the whole of it.
      cookMinutes: undefined,
      serves: row.serves,
      keywords: ['Halloween', ...row.tags],
      category: null,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function costumeItem(row: CostumeRow): PublicItem {
  // A pattern sold in the marketplace: its public page is the preview (no one is signed in here).
  const isPreview = isPreviewOnly(row, null);
  return {
    id: row.costume_id,
    name: row.costume_name,
    description: isPreview ? 'Its pattern is for sale in the Hollowtown marketplace.' : row.description,
    photoUrl: row.image_url,
    authorId: row.user_id,
    facts: [
      { label: 'Difficulty', value: capitalised(row.difficulty) },
      ...(row.cost_estimate_cents !== null
        ? [{ label: 'Estimated cost', value: dollars(row.cost_estimate_cents) }]
        : []),
      { label: 'Upvotes', value: String(row.upvotes) },
    ],
    sections: isPreview
      ? []
      : [{ title: 'Materials', ordered: false, items: row.materials.map(ingredientLine) }],
    tags: row.tags,
    spookiness: null,
    cardDetail: joined([
      capitalised(row.difficulty),
      row.cost_estimate_cents !== null && `about ${dollars(row.cost_estimate_cents)}`,
    ]),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function hollowtownPublicKinds(deps: HollowtownDeps): PublicKind[] {
  return [
    {
      path: 'r',
      label: 'Spooky recipe',
      plural: 'Spooky recipes',
      find: async (id) => {
        const row = await findPublishedRecipe(deps.db, id);
        return row ? recipeItem(row) : null;
      },
      listBy: async (userId, limit) => (await listPublishedRecipesBy(deps.db, userId, limit)).map(recipeItem),
      sitemap: (limit) => publishedRecipeVersions(deps.db, limit),
    },
    {
      path: 'c',
      label: 'Costume idea',
      plural: 'Costume ideas',
      find: async (id) => {
        const row = await findPublicCostume(deps.db, id);
        return row ? costumeItem(row) : null;
      },
      listBy: async (userId, limit) => (await listCostumesBy(deps.db, userId, limit)).map(costumeItem),
      sitemap: (limit) => costumeVersions(deps.db, limit),
    },
  ];
}

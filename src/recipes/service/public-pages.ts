// What HowToCookAtHome makes public (pages worth sharing): published recipes, read from
// recipes_db only; the authors' names come from identity's client.
import {
  capitalised,
  ingredientLine,
  minutesText,
  type PublicItem,
  type PublicKind,
  titleCased,
} from '../../public-pages/index.ts';
import type { RecipesDeps } from '../deps.ts';
import {
  findPublishedRecipe,
  listPublishedRecipesBy,
  publishedRecipeVersions,
  type RecipeRow,
} from '../store/recipes.ts';

const joined = (parts: (string | null | false)[]) => parts.filter(Boolean).join(' · ') || null;

export function recipeItem(row: RecipeRow & { tally?: number }): PublicItem {
  const known = row.prep_time_minutes !== null || row.cook_time_minutes !== null;
  const total = known ? (row.prep_time_minutes ?? 0) + (row.cook_time_minutes ?? 0) : null;
  const ratingCount = Number(row.rating_count);
  const ratingValue = Number(row.rating_avg);
  const ingredients = row.ingredients.map((i) => ingredientLine({ ...i, quantity: i.quantity ?? null }));
  const facts = [
    { label: 'Difficulty', value: capitalised(row.difficulty) },
    ...(row.prep_time_minutes !== null ? [{ label: 'Prep', value: minutesText(row.prep_time_minutes) }] : []),
    ...(row.cook_time_minutes !== null ? [{ label: 'Cook', value: minutesText(row.cook_time_minutes) }] : []),
    ...(row.serves !== null ? [{ label: 'Serves', value: String(row.serves) }] : []),
    ...(row.cuisine ? [{ label: 'Cuisine', value: titleCased(row.cuisine) }] : []),
    ...(row.calories !== null ? [{ label: 'Calories', value: `${row.calories} per serving` }] : []),
    ...(ratingCount > 0
      ? [
          {
            label: 'Rating',
            value: `${ratingValue.toFixed(1)}/5 (${ratingCount} ${ratingCount === 1 ? 'rating' : 'ratings'})`,
          },
        ]
      : []),
    ...(row.tally !== undefined ? [{ label: 'Upvotes', value: String(row.tally) }] : []),
    // An imported recipe names the page it came from.
    ...(row.source_url ? [{ label: 'Adapted from', value: row.source_url }] : []),
  ];
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
    spookiness: null,
    cardDetail: joined([
      capitalised(row.difficulty),
      total !== null && minutesText(total),
      row.serves !== null && `serves ${row.serves}`,
    ]),
    recipe: {
      ingredients,
      instructions: row.instructions,
      prepMinutes: row.prep_time_minutes,
      cookMinutes: row.cook_time_minutes,
      serves: row.serves,
      keywords: row.tags,
      category: null,
      cuisine: row.cuisine ? titleCased(row.cuisine) : null,
      calories: row.calories,
      rating: ratingCount > 0 ? { value: ratingValue, count: ratingCount } : null,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function recipesPublicKinds(deps: Pick<RecipesDeps, 'db'>): PublicKind[] {
  return [
    {
      path: 'r',
      label: 'Recipe',
      plural: 'Recipes',
      find: async (id) => {
        const row = await findPublishedRecipe(deps.db, id);
        return row ? recipeItem(row) : null;
      },
      listBy: async (userId, limit) => (await listPublishedRecipesBy(deps.db, userId, limit)).map(recipeItem),
      sitemap: (limit) => publishedRecipeVersions(deps.db, limit),
    },
  ];
}

// schema.org Recipe as JSON-LD, with the properties Google's recipe rich results and Pinterest's
// rich pins read: name and image (required), author, description, dates, times as ISO 8601
// durations, yield, ingredients, steps as HowToStep, keywords, category, cuisine, calories, rating.
import type { Recipe, WithContext } from 'schema-dts';

/** What a public recipe page shows, whichever app it comes from. */
export interface PublicRecipe {
  name: string;
  description: string | null;
  /** Absolute URLs, best first (the photo, then the generated card): Google wants at least one. */
  images: string[];
  author: { name: string; url: string } | null;
  /** Ingredient lines as a cook reads them ("2 cups flour, sifted"). */
  ingredients: string[];
  instructions: string[];
  prepMinutes: number | null;
  /** undefined: the app records no cooking time (the prep time is the whole time). */
  cookMinutes?: number | null;
  serves: number | null;
  keywords: string[];
  category: string | null;
  cuisine?: string | null;
  calories?: number | null;
  rating?: { value: number; count: number } | null;
  published: Date;
  modified: Date;
  /** The page's canonical URL. */
  url: string;
}

/** Minutes as an ISO 8601 duration: 90 → PT1H30M, 0 → PT0M. */
export function isoDuration(minutes: number): string {
  const whole = Math.max(0, Math.round(minutes));
  const hours = Math.floor(whole / 60);
  const rest = whole % 60;
  if (hours === 0) return `PT${rest}M`;
  return rest === 0 ? `PT${hours}H` : `PT${hours}H${rest}M`;
}

/** The total time, when it is known: prep plus cook, or prep alone where there is no cook time. */
function totalMinutes(recipe: PublicRecipe): number | null {
  if (recipe.prepMinutes === null) return recipe.cookMinutes ?? null;
  if (recipe.cookMinutes === undefined) return recipe.prepMinutes;
  if (recipe.cookMinutes === null) return null;
  return recipe.prepMinutes + recipe.cookMinutes;
}

export function recipeJsonLd(recipe: PublicRecipe): WithContext<Recipe> {
  const total = totalMinutes(recipe);
  const data: WithContext<Recipe> = {
    '@context': 'https://schema.org',
    '@type': 'Recipe',
    '@id': `${recipe.url}#recipe`,
    name: recipe.name,
    url: recipe.url,
    mainEntityOfPage: recipe.url,
    image: recipe.images,
    datePublished: recipe.published.toISOString(),
    dateModified: recipe.modified.toISOString(),
    recipeIngredient: recipe.ingredients,
    recipeInstructions: recipe.instructions.map((text, i) => ({
      '@type': 'HowToStep',
      position: i + 1,
      text,
      url: `${recipe.url}#step-${i + 1}`,
    })),
  };
  if (recipe.description) data.description = recipe.description;
  if (recipe.author) data.author = { '@type': 'Person', name: recipe.author.name, url: recipe.author.url };
  if (recipe.prepMinutes !== null) data.prepTime = isoDuration(recipe.prepMinutes);
  if (typeof recipe.cookMinutes === 'number') data.cookTime = isoDuration(recipe.cookMinutes);
  if (total !== null) data.totalTime = isoDuration(total);
  if (recipe.serves !== null) data.recipeYield = [String(recipe.serves), `${recipe.serves} servings`];
  if (recipe.keywords.length > 0) data.keywords = recipe.keywords.join(', ');
  if (recipe.category) data.recipeCategory = recipe.category;
  if (recipe.cuisine) data.recipeCuisine = recipe.cuisine;
  if (typeof recipe.calories === 'number')
    data.nutrition = { '@type': 'NutritionInformation', calories: `${recipe.calories} calories` };
  if (recipe.rating && recipe.rating.count > 0)
    data.aggregateRating = {
      '@type': 'AggregateRating',
      ratingValue: Number(recipe.rating.value.toFixed(2)),
      ratingCount: recipe.rating.count,
      bestRating: 5,
      worstRating: 1,
    };
  return data;
}

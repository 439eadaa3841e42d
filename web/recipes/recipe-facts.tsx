// Small pieces every recipe page shows the same way: the facts line, where a recipe comes
// from, and its tags.
import type { Recipe } from './types.ts';
import { isSharedCopy } from './types.ts';

/**
 * A cuisine as the pages show it: the service keeps it in lower case to compare ("middle
 * eastern"), a person reads it capitalised ("Middle Eastern"), wherever a recipe is shown.
 */
export const cuisineLabel = (cuisine: string | null): string | null =>
  cuisine
    ? cuisine.replace(
        /(^|[\s-])(\p{L})/gu,
        (_, before: string, letter: string) => before + letter.toUpperCase(),
      )
    : null;

export function recipeFacts(recipe: Recipe, long = false): string {
  const minutes = recipe.total_time_minutes;
  return [
    cuisineLabel(recipe.cuisine),
    recipe.difficulty,
    minutes ? `${minutes} ${long ? 'minutes' : 'min'}` : null,
    long && recipe.serves ? `serves ${recipe.serves}` : null,
    recipe.calories ? `${recipe.calories} kcal${long ? ' per serving' : ''}` : null,
    recipe.rating_count > 0 ? `★ ${recipe.rating_avg.toFixed(1)} (${recipe.rating_count})` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** "AI", "From Hollowtown", "Private": what a list of recipes needs to tell them apart. */
export function RecipeBadges({ recipe }: { recipe: Recipe }) {
  const badges = [
    recipe.source === 'ai' ? 'Made with AI' : null,
    isSharedCopy(recipe.source) ? 'From Hollowtown' : null,
    recipe.is_mine ? (recipe.is_published ? 'Published' : 'Private') : null,
  ].filter((badge): badge is string => badge !== null);
  if (badges.length === 0) return null;
  return (
    <p>
      {badges.map((badge) => (
        <span className="tag" key={badge}>
          {badge}
        </span>
      ))}
    </p>
  );
}

export function TagList({ tags, label }: { tags: readonly string[]; label: string }) {
  if (tags.length === 0) return null;
  return (
    <ul className="tag-list" aria-label={label}>
      {tags.map((tag) => (
        <li className="tag" key={tag}>
          {tag}
        </li>
      ))}
    </ul>
  );
}

// Seasonal collections of other apps' content: the Halloween collection is every published
// Hollowtown recipe, read through the Hollowtown link (its client, never its database), each linking back to
// its page on Hollowtown, with a banner in season (CALOS_HALLOWEEN_SEASON, by the injected clock).
// When Hollowtown does not answer, the collection is empty and says it is degraded: never a 5xx.
import { AppError } from '../../platform/errors.ts';
import { isInSeason } from '../../platform/seasons.ts';
import type { RecipesDeps } from '../deps.ts';
import type { HalloweenRecipe } from '../links.ts';

/** How long the collection waits for Hollowtown before answering without it. */
const HOLLOWTOWN_WAIT_MS = 3_000;

export interface HalloweenCollection {
  collection: 'halloween';
  title: string;
  season: { from: string; to: string; in_season: boolean };
  /** The banner to show now; null out of season. */
  banner: { title: string; text: string } | null;
  /** true when Hollowtown did not answer: the list is empty for now, not for good. */
  degraded: boolean;
  degraded_reason: string | null;
  items: (HalloweenRecipe & { url: string; source: 'hollowtown' })[];
  next_cursor: string | null;
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
};

export function createCollectionService(deps: RecipesDeps) {
  return {
    async halloween(query: { limit?: number; cursor?: string }): Promise<HalloweenCollection> {
      const season = deps.halloweenSeason;
      const inSeason = isInSeason(season, deps.now());
      const base = {
        collection: 'halloween' as const,
        title: 'Halloween collection',
        season: { from: season.from, to: season.to, in_season: inSeason },
        banner: inSeason
          ? {
              title: 'Halloween is coming',
              text: 'Spooky recipes from Hollowtown, ready for your table: cook them, or plan a Halloween week.',
            }
          : null,
      };
      const hollowtown = deps.hollowtown();
      if (!hollowtown) {
        return {
          ...base,
          degraded: true,
          degraded_reason: 'Hollowtown is not served or configured here',
          items: [],
          next_cursor: null,
        };
      }
      try {
        const page = await withTimeout(
          hollowtown.published({ limit: query.limit ?? 24, cursor: query.cursor }),
          HOLLOWTOWN_WAIT_MS,
        );
        return {
          ...base,
          degraded: false,
          degraded_reason: null,
          items: page.items.map((recipe) => ({
            ...recipe,
            url: deps.hollowtownRecipeUrl(recipe.recipe_id),
            source: 'hollowtown' as const,
          })),
          next_cursor: page.next_cursor,
        };
      } catch (error) {
        // A cursor Hollowtown refused is the caller's mistake, not Hollowtown being away.
        if (error instanceof AppError && error.code === 'INVALID_CURSOR') throw error;
        deps.logger.warn({ err: error }, 'the Halloween collection could not read Hollowtown');
        return {
          ...base,
          degraded: true,
          degraded_reason: 'Hollowtown is not reachable right now',
          items: [],
          next_cursor: null,
        };
      }
    },
  };
}

export type CollectionService = ReturnType<typeof createCollectionService>;

// What Family Planner asks of the other apps, in its own words. Family Planner imports no other
// app: src/cross-app provides these links from the apps' clients when the process is composed,
// and leaves out an app that is neither served here nor configured by URL (its entries are then
// missing from the calendar, and the rest works).

/** A member's meal plan, with the names of its recipes, as its owner may read it. */
export interface LinkedMealPlan {
  plan_id: string;
  plan_name: string;
  start_date: string;
  end_date: string;
  /** By day (YYYY-MM-DD), then by slot (breakfast, lunch, snack, dinner). */
  meals: Record<string, Record<string, { recipe_id: string; recipe_name: string | null }>>;
  updated_at: Date;
}

export interface MealPlansLink {
  /** The user's own meal plan, or null when it is not theirs (or gone). */
  planForUser(userId: string, planId: string): Promise<LinkedMealPlan | null>;
}

/** A whole-day entry another app keeps on a family's calendar (e.g. a Halloween party). */
export interface LinkedDayEntry {
  /** The app it comes from (the entry's UID is `<id>@<domain>.calos`). */
  domain: string;
  id: string;
  /** YYYY-MM-DD. */
  day: string;
  summary: string;
  location: string | null;
  categories: string[];
  updatedAt: Date;
}

/** Another app's whole-day entries for a family between two days (YYYY-MM-DD, inclusive). */
export type DayEntrySource = (familyId: string, fromDay: string, toDay: string) => Promise<LinkedDayEntry[]>;

export interface FamilyLinks {
  /** HowToCookAtHome's meal plans, or undefined when it is not reachable from this process. */
  mealPlans(): MealPlansLink | undefined;
  /** The other apps' whole-day entries (each answers [] when its app is not reachable). */
  dayEntries: DayEntrySource[];
  /**
   * Those of these entries of one app (`domain`) that are the family's, for cards in its chat;
   * [] when that app is not reachable.
   */
  dayEntriesById(domain: string, familyId: string, ids: readonly string[]): Promise<LinkedDayEntry[]>;
}

/** Family Planner on its own: no other app. */
export const NO_LINKS: FamilyLinks = {
  mealPlans: () => undefined,
  dayEntries: [],
  dayEntriesById: async () => [],
};

// What other services may ask of Hollowtown (the only door into it). In one process this is
// the service itself; the types are the contract either way.

/** One ingredient, in the shape HowToCookAtHome uses too, so recipes can be scaled and merged. */
export interface Ingredient {
  name: string;
  /** null: "to taste", "a pinch". */
  quantity: number | null;
  unit: string | null;
  note: string | null;
}

export type Difficulty = 'easy' | 'medium' | 'hard' | 'nightmare';

export interface SpookyRecipe {
  recipe_id: string;
  /** The owner (a CALOS user id). */
  user_id: string;
  recipe_name: string;
  description: string | null;
  spookiness_level: number;
  difficulty: Difficulty;
  ingredients: Ingredient[];
  instructions: string[];
  prep_time_minutes: number | null;
  serves: number | null;
  tags: string[];
  image_url: string | null;
  is_published: boolean;
  /** manual: written by a person; ai: generated through the AI gateway. */
  source: 'manual' | 'ai';
  ai_model: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface HollowtownClient {
  /**
   * A recipe as this user may see it: their own, or anyone's published one. null when it does
   * not exist or is another user's private recipe (the two are indistinguishable on purpose).
   */
  getRecipeForUser(userId: string, recipeId: string): Promise<SpookyRecipe | null>;
  /** Applies identity's pending events (user.deleted) now; resolves with how many were applied. */
  syncIdentityEvents(): Promise<number>;
  /** Events planned with a family between two days (inclusive), for the family calendar. */
  familyEvents(
    familyId: string,
    fromDay: string,
    toDay: string,
  ): Promise<
    {
      event_id: string;
      event_name: string;
      event_type: string;
      event_date: string;
      location: string | null;
      updated_at: Date;
    }[]
  >;
}

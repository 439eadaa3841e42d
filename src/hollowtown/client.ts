// What other services may ask of Hollowtown (the only door into it). In one process this is
// the service itself; the types are the contract either way.
import type { DataExportClient, DataImportClient } from '../platform/data-portability.ts';
import { createRpcClient, rpcMethods } from '../platform/rpc.ts';

/** One ingredient, in the shape HowToCookAtHome uses too, so recipes can be scaled and merged. */
export interface Ingredient {
  name: string;
  /** null: "to taste", "a pinch". */
  quantity: number | null;
  /** The top of a range ("2–3 apples": quantity 2, quantity_max 3); absent otherwise. */
  quantity_max?: number;
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

/** One event of Hollowtown's outbox, oldest first by eventId. */
export interface HollowtownOutboxEvent {
  eventId: number;
  /** recipe.updated or recipe.deleted (see RecipeEventPayload). */
  topic: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

export const RECIPE_UPDATED = 'recipe.updated';
export const RECIPE_DELETED = 'recipe.deleted';

/**
 * The payload of recipe.updated and recipe.deleted, emitted for recipes shared to another app.
 * `version` counts the recipe's edits: apply an event only over an older version. recipe.updated
 * carries the whole recipe as JSON (timestamps as ISO strings); recipe.deleted carries none.
 */
export interface RecipeEventPayload {
  recipe_id: string;
  user_id: string;
  version: number;
  recipe?: Omit<SpookyRecipe, 'created_at' | 'updated_at'> & { created_at: string; updated_at: string };
}

/** Hollowtown's outbox, consumed at least once with a cursor per consumer. */
export interface HollowtownOutboxClient {
  /** Events after this consumer's cursor, oldest first. */
  pull(consumer: string, limit: number): Promise<HollowtownOutboxEvent[]>;
  /** Moves the consumer's cursor past an event it has applied (and every event before it). */
  ack(consumer: string, eventId: number): Promise<void>;
  /** Calls `listener` when new events are committed (NOTIFY); resolves once listening, with an unsubscribe. */
  onEvents(listener: () => void): Promise<() => Promise<void>>;
}

/** What `calos doctor` asks of Hollowtown to find and fix references that point at nothing. */
export interface HollowtownIntegrityClient {
  /** User ids hollowtown_db holds rows of (what user.deleted removes), ascending, after `after`. */
  userIds(after: string | null, limit: number): Promise<string[]>;
  /** What user.deleted does for this user (idempotent); resolves with the rows removed per kind. */
  forgetUser(userId: string): Promise<Record<string, number>>;
  /** Which of these spooky recipe ids exist. */
  existingRecipeIds(recipeIds: readonly string[]): Promise<Set<string>>;
  /** Every event linked to a family. */
  familyLinks(): Promise<{ event_id: string; family_id: string }[]>;
  /** Unlinks an event from its family (and forgets that family's list). */
  unlinkFamily(eventId: string): Promise<void>;
}

/** A published recipe as other apps feature it (HowToCookAtHome's Halloween collection). */
export interface CollectionRecipe {
  recipe_id: string;
  recipe_name: string;
  description: string | null;
  spookiness_level: number;
  difficulty: Difficulty;
  prep_time_minutes: number | null;
  serves: number | null;
  tags: string[];
  image_url: string | null;
}

/** What loading the starter pack did, per kind of item (see content/starter/README.md). */
export interface StarterLoadCounts {
  items: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Loaded once, deleted since by an operator, and left deleted. */
  deleted: number;
}

/** Published recipes for other apps to feature, and the starter recipes templates name. */
export interface HollowtownCollectionClient {
  /** Every user's published recipes, newest first, a page at a time (limit 1–100). */
  recipes(options: { limit: number; cursor?: string }): Promise<{
    items: CollectionRecipe[];
    next_cursor: string | null;
  }>;
  /**
   * The published starter-pack recipes under these keys (missing or withdrawn ones left out), in
   * the shape recipe.updated carries, to be copied into another app. Each is marked shared: its
   * later edits reach the copies through the outbox.
   */
  starterRecipes(
    keys: readonly string[],
  ): Promise<
    { key: string; payload: RecipeEventPayload & { recipe: NonNullable<RecipeEventPayload['recipe']> } }[]
  >;
}

export interface HollowtownStarterClient {
  /** Loads Hollowtown's part of the starter pack under this (system) account, published; idempotent. */
  load(
    ownerId: string,
    options: { restore?: boolean },
  ): Promise<Record<'recipes' | 'costumes' | 'rooms', StarterLoadCounts>>;
}

export interface HollowtownClient {
  /**
   * A recipe as this user may see it: their own, or anyone's published one. null when it does
   * not exist or is another user's private recipe (the two are indistinguishable on purpose).
   */
  getRecipeForUser(userId: string, recipeId: string): Promise<SpookyRecipe | null>;
  /** Applies identity's pending events (user.deleted) now; resolves with how many were applied. */
  syncIdentityEvents(): Promise<number>;
  /**
   * Hands pending votes and moderation decisions to identity now (karma, rewards, notices);
   * resolves with how many were handed over. They go by themselves within a second otherwise.
   */
  syncCommunityEvents(): Promise<number>;
  /** Every recipe name this user owns (private and published), oldest first, for `calos seed`. */
  recipeNames(userId: string): Promise<{ recipe_name: string; source: SpookyRecipe['source'] }[]>;
  /** recipe.updated / recipe.deleted of shared recipes. */
  outbox: HollowtownOutboxClient;
  integrity: HollowtownIntegrityClient;
  /** The user's rows for "Download my data" (hollowtown.json), a page at a time. */
  dataExport: DataExportClient;
  /** An archive's recipes, events, costumes and plans, taken in once per source row. */
  dataImport: DataImportClient;
  collection: HollowtownCollectionClient;
  starter: HollowtownStarterClient;
  /** Events planned with a family between two days (inclusive), for the family calendar. */
  familyEvents(familyId: string, fromDay: string, toDay: string): Promise<FamilyEvent[]>;
  /** Those of these events that are planned with the family (for cards in its chat). */
  familyEventsById(familyId: string, eventIds: readonly string[]): Promise<FamilyEvent[]>;
}

/** A Halloween event as a family it is planned with sees it. */
export interface FamilyEvent {
  event_id: string;
  event_name: string;
  event_type: string;
  event_date: string;
  location: string | null;
  updated_at: Date;
}

/** Every method of the client that travels over HTTP (the compiler checks the list). */
export const HOLLOWTOWN_RPC_METHODS = rpcMethods<HollowtownClient, 'outbox.onEvents'>()(
  'getRecipeForUser',
  'syncIdentityEvents',
  'syncCommunityEvents',
  'recipeNames',
  'outbox.pull',
  'outbox.ack',
  'integrity.userIds',
  'integrity.forgetUser',
  'integrity.existingRecipeIds',
  'integrity.familyLinks',
  'integrity.unlinkFamily',
  'dataExport.collections',
  'dataExport.page',
  'dataImport.apply',
  'collection.recipes',
  'collection.starterRecipes',
  'starter.load',
  'familyEvents',
  'familyEventsById',
);

/** Hollowtown's client in another process (`CALOS_HOLLOWTOWN_URL`). Its outbox wakes no one there: consumers poll. */
export function createHollowtownHttpClient(baseUrl: string, serviceToken: string): HollowtownClient {
  return createRpcClient<HollowtownClient>({
    baseUrl,
    prefix: '/hollowtown',
    methods: HOLLOWTOWN_RPC_METHODS,
    serviceToken,
    local: { 'outbox.onEvents': async () => async () => undefined },
  });
}

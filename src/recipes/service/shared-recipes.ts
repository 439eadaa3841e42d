// Shared recipes on the receiving side. Model: a shared recipe is materialised as a real recipes
// row of the sharer (source 'shared'), so lists, filters, cursor pages, scaling and meal plans
// need nothing new; its recipe_references row links it to the original by domain and id and
// keeps the last snapshot with the original's version. The copy follows the original through
// Hollowtown's outbox (recipe.updated / recipe.deleted), consumed at least once: applying is
// idempotent and versioned (an older or repeated event changes nothing), and a deleted original
// leaves the copy as it was, marked deleted, until its owner detaches or deletes it. While linked
// the copy is read-only here (409 RECIPE_IS_SHARED_COPY); detaching makes it an ordinary recipe.
import { AppError } from '../../platform/errors.ts';
import type {
  SharedCopy,
  ShareRecipeAnswer,
  ShareRecipeInput,
  SourceRecipe,
  SourceRecipeChange,
} from '../client.ts';
import type { RecipesDeps } from '../deps.ts';
import { RecipesErrors } from '../errors.ts';
import { type Difficulty, insertRecipe } from '../store/recipes.ts';
import {
  attachCopy,
  detachCopy,
  findReference,
  insertReference,
  lockOwnCopy,
  markSourcesDeleted,
  rewriteCopies,
  type SyncedFields,
  takeSnapshot,
} from '../store/shared-recipes.ts';
import { isUuid } from './ids.ts';
import { recipeFields } from './recipes.ts';

const DIFFICULTIES: readonly string[] = ['easy', 'medium', 'hard'];

/** The copy's fields from the original's: what HowToCookAtHome has no field for stays empty. */
export function copyFields(recipe: SourceRecipe): SyncedFields {
  const { is_published: _private, ...fields } = recipeFields({
    recipe_name: recipe.recipe_name,
    description: recipe.description,
    // Hollowtown's nightmare is as hard as it gets here.
    difficulty: (DIFFICULTIES.includes(recipe.difficulty) ? recipe.difficulty : 'hard') as Difficulty,
    prep_time_minutes: recipe.prep_time_minutes,
    serves: recipe.serves,
    ingredients: recipe.ingredients,
    instructions: recipe.instructions,
    tags: recipe.tags,
    image_url: recipe.image_url,
  });
  return fields;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown, min: number) =>
  value === null || (Number.isInteger(value) && (value as number) >= min);
const isStringList = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === 'string');
const isNullableString = (value: unknown) =>
  value === null || value === undefined || typeof value === 'string';

/** What an event or a share request must carry to become a copy (anything else is skipped). */
export function isSourceRecipe(value: unknown): value is SourceRecipe {
  return (
    isObject(value) &&
    typeof value.recipe_name === 'string' &&
    value.recipe_name.trim().length > 0 &&
    value.recipe_name.length <= 200 &&
    isNullableString(value.description) &&
    typeof value.difficulty === 'string' &&
    isCount(value.prep_time_minutes ?? null, 0) &&
    isCount(value.serves ?? null, 1) &&
    Array.isArray(value.ingredients) &&
    value.ingredients.every(
      (i) =>
        isObject(i) &&
        typeof i.name === 'string' &&
        i.name.trim().length > 0 &&
        (i.quantity === null || i.quantity === undefined || typeof i.quantity === 'number') &&
        isNullableString(i.unit) &&
        isNullableString(i.note),
    ) &&
    isStringList(value.instructions) &&
    isStringList(value.tags) &&
    isNullableString(value.image_url)
  );
}

/** A concurrent share of the same original by the same user committed first. */
class ShareRaced extends Error {}

export function createSharedRecipeService(deps: RecipesDeps) {
  const { db, logger } = deps;

  const shareOnce = (input: ShareRecipeInput, fields: SyncedFields): Promise<ShareRecipeAnswer> =>
    db.transaction(async (tx) => {
      const source = { domain: input.domain, sourceRecipeId: input.sourceRecipeId, userId: input.userId };
      const existing = await findReference(tx, input.userId, input.domain, input.sourceRecipeId);
      if (existing?.recipe_id) {
        await rewriteCopies(
          tx,
          await takeSnapshot(tx, source, input.recipe, input.version, deps.now()),
          fields,
        );
        return { recipe_id: existing.recipe_id, reference_id: existing.reference_id, created: false };
      }
      const copy = await insertRecipe(tx, input.userId, { ...fields, is_published: false }, 'shared');
      if (existing) {
        await attachCopy(tx, existing.reference_id, copy.recipe_id, input.recipe, input.version, deps.now());
        return { recipe_id: copy.recipe_id, reference_id: existing.reference_id, created: true };
      }
      const referenceId = await insertReference(
        tx,
        {
          ...source,
          recipeId: copy.recipe_id,
          snapshot: input.recipe,
          version: input.version,
        },
        deps.now(),
      );
      if (!referenceId) throw new ShareRaced();
      return { recipe_id: copy.recipe_id, reference_id: referenceId, created: true };
    });

  async function applyUpdate(change: Extract<SourceRecipeChange, { kind: 'updated' }>): Promise<void> {
    const { sourceRecipeId, version, recipe } = change;
    if (!isUuid(sourceRecipeId) || !Number.isSafeInteger(version)) return;
    if (!isSourceRecipe(recipe)) {
      logger.warn({ sourceRecipeId }, 'recipe.updated with an unusable recipe; skipped');
      return;
    }
    const fields = copyFields(recipe);
    await db.transaction(async (tx) => {
      const copies = await takeSnapshot(
        tx,
        { domain: change.domain, sourceRecipeId },
        recipe,
        version,
        deps.now(),
      );
      await rewriteCopies(tx, copies, fields);
    });
  }

  return {
    async share(input: ShareRecipeInput): Promise<ShareRecipeAnswer> {
      if (!isUuid(input.userId) || !isUuid(input.sourceRecipeId) || !isSourceRecipe(input.recipe)) {
        throw RecipesErrors.invalidInput('The shared recipe is not usable here');
      }
      const fields = copyFields(input.recipe);
      try {
        return await shareOnce(input, fields);
      } catch (error) {
        if (!(error instanceof ShareRaced)) throw error;
        return shareOnce(input, fields);
      }
    },

    /** A change of an original, for its copies; idempotent, and skips what it cannot use. */
    async applySourceChange(change: SourceRecipeChange): Promise<void> {
      try {
        if (change.kind === 'updated') await applyUpdate(change);
        else if (isUuid(change.sourceRecipeId))
          await markSourcesDeleted(db, change.domain, [change.sourceRecipeId], deps.now());
      } catch (error) {
        // A recipe this service refuses (a 400) would stop the queue forever; anything else is retried.
        if (!(error instanceof AppError) || error.status !== 400) throw error;
        logger.warn(
          { sourceRecipeId: change.sourceRecipeId, err: error },
          'a change of a shared original could not be applied; skipped',
        );
      }
    },

    /** The user's live copy of an original, or null. */
    async copyOf(userId: string, domain: string, sourceRecipeId: string): Promise<SharedCopy | null> {
      if (!isUuid(userId) || !isUuid(sourceRecipeId)) return null;
      const reference = await findReference(db, userId, domain, sourceRecipeId);
      if (!reference?.recipe_id) return null;
      return {
        recipe_id: reference.recipe_id,
        reference_id: reference.reference_id,
        version: reference.snapshot_version,
        synced_at: reference.synced_at,
      };
    },

    markSourcesDeleted: (domain: string, sourceRecipeIds: readonly string[]) =>
      markSourcesDeleted(db, domain, sourceRecipeIds.filter(isUuid), deps.now()),

    /** Turns the user's shared copy into an ordinary recipe of theirs; 404 for anyone else. */
    async detach(userId: string, recipeId: string): Promise<void> {
      if (!isUuid(recipeId)) throw RecipesErrors.recipeNotFound();
      await db.transaction(async (tx) => {
        const own = await lockOwnCopy(tx, userId, recipeId);
        if (!own) throw RecipesErrors.recipeNotFound();
        if (own.source !== 'shared') throw RecipesErrors.notSharedCopy();
        await detachCopy(tx, recipeId);
      });
    },
  };
}

export type SharedRecipeService = ReturnType<typeof createSharedRecipeService>;

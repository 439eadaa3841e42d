// Applies identity's user.deleted events to recipes_db (policy in ../index.ts). Idempotent: a
// second delivery of the same event finds nothing left to change.

import { anonymiseClicksOf } from '../../affiliate/store.ts';
import { deleteVoterData } from '../../community/store.ts';
import type { OutboxEvent } from '../../identity/client.ts';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';
import { refreshRatingStats } from '../store/ratings.ts';
import {
  anonymisePublishedRecipesOf,
  deleteOwnedRows,
  deletePrivateRecipesOf,
  deleteRatingsBy,
  keepSoldCookbooksOf,
  lockRecipesRatedBy,
  type RemovedCounts,
} from '../store/users.ts';
import { isUuid } from './ids.ts';

/** Removes or anonymises everything of one user, in one transaction. */
export function removeUserData(db: Database, userId: string): Promise<RemovedCounts> {
  return db.transaction(async (tx) => {
    // Recipe rows first (in id order), like every rating change, so this cannot deadlock with raters.
    const rated = await lockRecipesRatedBy(tx, userId);
    const ratingsDeleted = await deleteRatingsBy(tx, userId);
    // Books people paid for pass to nobody, for their buyers, before the seller's rows go.
    const cookbooksKeptForBuyers = await keepSoldCookbooksOf(tx, userId);
    const recipesDeleted = await deletePrivateRecipesOf(tx, userId);
    const recipesAnonymised = await anonymisePublishedRecipesOf(tx, userId);
    await refreshRatingStats(tx, rated);
    // Shopping lists before meal plans: their plan_id link would otherwise be rewritten first.
    const shoppingListsDeleted = await deleteOwnedRows(tx, 'shopping_lists', userId);
    const mealPlansDeleted = await deleteOwnedRows(tx, 'meal_plans', userId);
    const pantryItemsDeleted = await deleteOwnedRows(tx, 'pantry_items', userId);
    const referencesDeleted = await deleteOwnedRows(tx, 'recipe_references', userId);
    await deleteOwnedRows(tx, 'recipe_favourites', userId);
    // Their cookbooks (with their entries) and their comments; others' cookbooks keep the user's
    // published recipes, which stay anonymised.
    const cookbooksDeleted = await deleteOwnedRows(tx, 'cookbooks', userId);
    const commentsDeleted = await deleteOwnedRows(tx, 'recipe_comments', userId);
    // Their purchases of recipe books go (the sellers' sales lists lose them; identity's ledger
    // keeps the credits that moved); their listings went with their cookbooks, except those of
    // books people bought, kept above.
    await deleteOwnedRows(tx, 'market_purchases', userId);
    // What their archive imports became is theirs too (the import keys of data_imports).
    await deleteOwnedRows(tx, 'data_imports', userId);
    // Their upvotes (each count goes down by theirs) and their reports.
    await deleteVoterData(tx, userId);
    await anonymiseClicksOf(tx, userId);
    return {
      recipesDeleted,
      recipesAnonymised,
      ratingsDeleted,
      mealPlansDeleted,
      pantryItemsDeleted,
      shoppingListsDeleted,
      referencesDeleted,
      cookbooksDeleted,
      cookbooksKeptForBuyers,
      commentsDeleted,
    };
  });
}

/** The outbox handler: user.deleted removes that user's data; other topics are not ours. */
export function createUserEventHandler(db: Database, logger: Logger) {
  return async (event: OutboxEvent): Promise<void> => {
    if (event.topic !== 'user.deleted') return;
    const userId = event.payload.user_id;
    if (typeof userId !== 'string' || !isUuid(userId)) {
      logger.warn({ eventId: event.eventId }, 'user.deleted without a valid user_id; skipped');
      return;
    }
    const removed = await removeUserData(db, userId.toLowerCase());
    logger.info({ eventId: event.eventId, userId, ...removed }, 'removed a deleted user’s recipes data');
  };
}

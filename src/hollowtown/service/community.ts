// Votes, reports and moderation (src/community) on Hollowtown's published items: spooky recipes,
// costume ideas (a shared gallery: always public) and haunted-house plans.
import { createCommunity } from '../../community/service.ts';
import type { HollowtownDeps } from '../deps.ts';
import { HollowtownErrors } from '../errors.ts';
import { lockCostumeForVote, setCostumeUpvotes } from '../store/costumes.ts';
import { enqueueEvent } from '../store/outbox.ts';
import { findPlanForCommunity } from '../store/plans.ts';
import { findRecipeForCommunity } from '../store/recipes.ts';

export function createHollowtownCommunity(deps: HollowtownDeps) {
  return createCommunity({
    app: 'hollowtown',
    db: deps.db,
    now: () => deps.now(),
    enqueue: enqueueEvent,
    reportsToHide: deps.reportsToHide ?? 3,
    kinds: {
      recipe: {
        async find(db, id) {
          const row = await findRecipeForCommunity(db, id);
          return row && { authorId: row.user_id, title: row.recipe_name, isPublic: row.is_published };
        },
        notFound: HollowtownErrors.recipeNotFound,
      },
      costume: {
        // Locked first, as deleting a costume does, so a vote and a deletion cannot deadlock.
        async find(db, id) {
          const row = await lockCostumeForVote(db, id);
          return row && { authorId: row.user_id, title: row.costume_name, isPublic: true };
        },
        notFound: HollowtownErrors.costumeNotFound,
        onCount: setCostumeUpvotes,
      },
      plan: {
        async find(db, id) {
          const row = await findPlanForCommunity(db, id);
          return row && { authorId: row.user_id, title: row.room_name, isPublic: row.is_published };
        },
        notFound: HollowtownErrors.planNotFound,
      },
    },
  });
}

export type HollowtownCommunity = ReturnType<typeof createHollowtownCommunity>;

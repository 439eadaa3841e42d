// HowToCookAtHome's periodic clean-up: outbox events (votes, moderation decisions) that every
// consumer has read go after a week, and so do the Idempotency-Keys shopping lists remember;
// recipe book purchases left pending when identity could not be reached are finished or removed.
import { createHousekeeping, type Housekeeping } from '../../platform/housekeeping.ts';
import type { RecipesDeps } from '../deps.ts';
import { pruneConsumedEvents } from '../store/outbox.ts';
import { pruneListRequests } from '../store/shopping-lists.ts';
import type { MarketService } from './market.ts';
import { LIST_REQUEST_RETENTION_MS } from './shopping-lists.ts';

export const OUTBOX_RETENTION_MS = 7 * 24 * 60 * 60_000;
const INTERVAL_MS = 10 * 60_000;

export function createRecipesHousekeeping(
  deps: Pick<RecipesDeps, 'db' | 'logger' | 'now'>,
  market?: Pick<MarketService, 'settlePendingPurchases'>,
): Housekeeping {
  return createHousekeeping(
    [
      {
        name: 'consumed outbox events pruned',
        run: () => pruneConsumedEvents(deps.db, new Date(deps.now().getTime() - OUTBOX_RETENTION_MS)),
      },
      {
        name: 'shopping list idempotency keys pruned',
        run: () => pruneListRequests(deps.db, new Date(deps.now().getTime() - LIST_REQUEST_RETENTION_MS)),
      },
      ...(market
        ? [
            {
              name: 'pending recipe book purchases settled',
              run: async () => {
                const { completed, failed } = await market.settlePendingPurchases();
                return completed + failed;
              },
            },
          ]
        : []),
    ],
    { intervalMs: INTERVAL_MS, logger: deps.logger },
  );
}

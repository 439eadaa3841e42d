// Hollowtown's periodic clean-up: outbox events every consumer has read go after a week, and
// marketplace purchases left pending when identity could not be reached are finished or removed.
import { createHousekeeping, type Housekeeping } from '../../platform/housekeeping.ts';
import type { HollowtownDeps } from '../deps.ts';
import { pruneConsumedEvents } from '../store/outbox.ts';
import type { MarketService } from './market.ts';

export const OUTBOX_RETENTION_MS = 7 * 24 * 60 * 60_000;
const INTERVAL_MS = 10 * 60_000;

export function createHollowtownHousekeeping(
  deps: Pick<HollowtownDeps, 'db' | 'logger' | 'now'>,
  market?: Pick<MarketService, 'settlePendingPurchases'>,
): Housekeeping {
  return createHousekeeping(
    [
      {
        name: 'consumed outbox events pruned',
        run: () => pruneConsumedEvents(deps.db, new Date(deps.now().getTime() - OUTBOX_RETENTION_MS)),
      },
      ...(market
        ? [
            {
              name: 'pending marketplace purchases settled',
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

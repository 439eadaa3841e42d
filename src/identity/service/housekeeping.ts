// Identity's periodic clean-up: credit holds whose caller never settled or refunded them (a
// gateway process that died mid-call) are refunded once their end (set from the clock when the
// hold was taken, longer than any call can last) has passed,
// outbox events every consumer has read are deleted after a week, and revocations once no
// token they cover can still be alive. Mailed links, sign-in challenges and remembered browsers
// go once they have expired; finished mail deliveries and the keys of mailed notices after a month;
// responses the AI gateway stored (previous_response_id) once they expire, 30 days after they were made.
import { createHousekeeping, type Housekeeping } from '../../platform/housekeeping.ts';
import type { CreditsClient } from '../client.ts';
import type { IdentityDeps } from '../deps.ts';
import { deleteStaleAccountTokens } from '../store/account-tokens.ts';
import { pruneStoredResponses } from '../store/ai-responses.ts';
import { expiredHoldIds } from '../store/credits.ts';
import { pruneDeliveries } from '../store/mail.ts';
import { pruneNoticeKeys } from '../store/notice-keys.ts';
import { pruneConsumedEvents } from '../store/outbox.ts';
import { deleteStaleWebauthnChallenges } from '../store/passkeys.ts';
import { pruneRevocations } from '../store/revocations.ts';
import { deleteExpiredTrustedDevices, deleteStaleChallenges } from '../store/two-factor.ts';

export const OUTBOX_RETENTION_MS = 7 * 24 * 60 * 60_000;
/** An hour: far beyond the longest a token issued before a revocation lives (ttl + skew). */
export const REVOCATION_RETENTION_MS = 60 * 60_000;
export const MAIL_RETENTION_MS = 30 * 24 * 60 * 60_000;
/** Expired links and challenges stay a day, so "expired" can still be told from "unknown" in logs. */
const EXPIRED_GRACE_MS = 24 * 60 * 60_000;
const INTERVAL_MS = 10 * 60_000;
const BATCH = 500;

export function createIdentityHousekeeping(
  deps: Pick<IdentityDeps, 'db' | 'logger' | 'now'>,
  credits: Pick<CreditsClient, 'refund'>,
): Housekeeping {
  return createHousekeeping(
    [
      {
        name: 'stale credit holds refunded',
        async run() {
          const ids = await expiredHoldIds(deps.db, deps.now(), BATCH);
          for (const reservationId of ids) {
            // The same key every time: a second run, or a race with another process, refunds once.
            await credits.refund({ reservationId, idempotencyKey: `expired:${reservationId}` }).catch(() => {
              // Settled or refunded by its caller meanwhile: nothing left to release.
            });
          }
          return ids.length;
        },
      },
      {
        name: 'consumed outbox events pruned',
        run: () => pruneConsumedEvents(deps.db, new Date(deps.now().getTime() - OUTBOX_RETENTION_MS)),
      },
      {
        name: 'expired revocations pruned',
        run: () => pruneRevocations(deps.db, new Date(deps.now().getTime() - REVOCATION_RETENTION_MS)),
      },
      {
        name: 'expired account links, challenges and remembered browsers deleted',
        async run() {
          const before = new Date(deps.now().getTime() - EXPIRED_GRACE_MS);
          return (
            (await deleteStaleAccountTokens(deps.db, before)) +
            (await deleteStaleChallenges(deps.db, before)) +
            (await deleteStaleWebauthnChallenges(deps.db, before)) +
            (await deleteExpiredTrustedDevices(deps.db, deps.now()))
          );
        },
      },
      {
        name: 'finished mail deliveries pruned',
        run: () => pruneDeliveries(deps.db, new Date(deps.now().getTime() - MAIL_RETENTION_MS)),
      },
      {
        name: 'expired stored AI responses deleted',
        run: () => pruneStoredResponses(deps.db, deps.now(), BATCH),
      },
      {
        name: 'keys of mailed notices pruned',
        run: () => pruneNoticeKeys(deps.db, new Date(deps.now().getTime() - MAIL_RETENTION_MS)),
      },
    ],
    { intervalMs: INTERVAL_MS, logger: deps.logger },
  );
}

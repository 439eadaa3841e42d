// The credits of a metered call: its worst case held before anything reaches a model (402 when
// the balance cannot cover it), returned in full when the call fails before an answer, and
// settled from the real token counts afterwards (never more than the hold; the rest returns).
import { AppError } from '../../platform/errors.ts';
import { holdFor, promptTokenCeiling } from '../metering/holds.ts';
import { creditsFor } from '../metering/prices.ts';
import type { Usage } from '../providers/types.ts';
import type { GatewayDeps } from './deps.ts';
import type { Route } from './route.ts';

const SETTLE_ATTEMPTS = 3;
const SETTLE_RETRY_MS = 250;

export interface HoldRequest {
  userId: string;
  endpoint: string;
  route: Route;
  requestId: string;
  promptText: string;
  promptTokenCeiling?: number;
  maxCompletionTokens: number | undefined;
}

export interface CreditHold {
  /** The output limit the hold covers, for a metered call that generates: the call is sent with it. */
  maxOutputTokens?: number;
  /** Gives the whole hold back (the call failed before an answer). */
  refund(): Promise<void>;
  /** Charges what the usage cost, at most the hold; the credits charged (0 unmetered). */
  settle(usage: Usage): Promise<number>;
}

const unmetered: CreditHold = { refund: async () => undefined, settle: async () => 0 };

/** Holds the call's worst case; throws (402 from identity) when the balance cannot cover it. */
export async function holdCredits(deps: GatewayDeps, request: HoldRequest): Promise<CreditHold> {
  const { route } = request;
  const price = route.price;
  if (!price) return unmetered;
  // The worst case, taken from the balance in one conditional statement in identity: no
  // balance is read first, so concurrent calls (in any process) cannot share the same credits.
  const hold = holdFor(
    price,
    request.promptTokenCeiling ?? promptTokenCeiling({ texts: [request.promptText] }),
    request.maxCompletionTokens,
  );
  const maxOutputTokens = request.maxCompletionTokens !== 0 ? hold.maxOutputTokens : undefined;
  if (hold.credits <= 0)
    return { ...unmetered, ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}) };
  const { reservationId } = await deps.identity.credits.reserve({
    userId: request.userId,
    amount: hold.credits,
    idempotencyKey: `ai:${request.requestId}`,
    reason: `AI ${request.endpoint} ${route.model}`,
  });
  const held = hold.credits;
  return {
    ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}),
    async refund() {
      await deps.identity.credits
        .refund({ reservationId, idempotencyKey: `ai:${request.requestId}:refund` })
        .catch((error: unknown) => deps.logger.error({ err: error, reservationId }, 'refund failed'));
    },
    async settle(usage) {
      const cost = creditsFor(price, usage);
      if (cost > held) {
        // The hold was the worst case: an upstream that reports more broke its limit.
        deps.metrics.holdOverruns.inc({ provider: route.provider });
        deps.logger.warn(
          { reservationId, model: route.model, cost, held, usage },
          'a metered call cost more than its hold; only the hold is charged',
        );
      }
      let credits = Math.min(cost, held);
      const settle = { reservationId, amount: credits, idempotencyKey: `ai:${request.requestId}:settle` };
      // Retried under the same key (it settles once): a hold never settled would expire and
      // return in full, and the call would have cost nothing.
      for (let attempt = 1; ; attempt++) {
        try {
          const settled = await deps.identity.credits.settle(settle);
          credits = settled.spent ?? credits;
          break;
        } catch (error) {
          const isFinal = error instanceof AppError && error.status < 500;
          if (isFinal || attempt === SETTLE_ATTEMPTS) {
            deps.logger.error({ err: error, reservationId, attempt }, 'settling credits failed');
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, SETTLE_RETRY_MS * attempt));
        }
      }
      return credits;
    },
  };
}

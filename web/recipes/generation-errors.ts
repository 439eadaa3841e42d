// Why an AI recipe could not be made, in words, and when to try again: the gateway's own
// errors (rate limit, credits, no model answering) pass through the recipes API unchanged.
import { ApiError, describeError } from '../shared/errors.ts';

export interface GenerationProblem {
  message: string;
  /** Asking again before then is refused the same way. */
  retryAfterSeconds?: number;
  /** The fix is in the account: buy credits or change plan. */
  needsCredits?: boolean;
}

export function waitInWords(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  if (seconds < 90 * 60) return `${Math.ceil(seconds / 60)} minutes`;
  return `${Math.ceil(seconds / 3600)} hours`;
}

function retryAfterOf(error: ApiError): number | undefined {
  const fromBody = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  const seconds = error.retryAfterSeconds ?? (typeof fromBody === 'number' ? fromBody : undefined);
  return seconds === undefined ? undefined : Math.max(1, Math.ceil(seconds));
}

function rateLimitReason(error: ApiError): string {
  const details = (error.details ?? {}) as { limit?: unknown; window?: unknown };
  if (
    error.code === 'AI_RATE_LIMITED' &&
    typeof details.limit === 'number' &&
    typeof details.window === 'string'
  )
    return `You have used the ${details.limit} AI requests your plan allows per ${details.window}.`;
  if (error.code === 'PROVIDER_RATE_LIMITED') return 'The AI service is taking too many requests right now.';
  return 'You have asked the AI cook for a lot in a short time.';
}

export function describeGenerationError(error: unknown): GenerationProblem {
  if (!(error instanceof ApiError)) return { message: describeError(error) };
  const retryAfterSeconds = retryAfterOf(error);
  const tryAgain = retryAfterSeconds ? ` Try again in ${waitInWords(retryAfterSeconds)}.` : '';
  if (error.status === 429) {
    return {
      message: `${rateLimitReason(error)}${tryAgain || ' Try again in a minute.'}`,
      retryAfterSeconds: retryAfterSeconds ?? 60,
    };
  }
  if (error.status === 402) {
    return {
      message:
        'You have run out of AI credits, so the AI cook cannot write a recipe now. Add credits in your CALOS account, then try again.',
      needsCredits: true,
    };
  }
  if (error.status === 503) {
    const busy = error.code === 'POOL_SATURATED' || error.code === 'NO_INSTANCE_AVAILABLE';
    return {
      message: `${busy ? 'Every AI cook is busy right now.' : 'No AI cook is available right now.'}${tryAgain || ' Try again in a few minutes.'}`,
      retryAfterSeconds,
    };
  }
  if (error.code === 'AI_ANSWER_INVALID') {
    const attempts = (error.details as { attempts?: unknown } | undefined)?.attempts;
    return {
      message: `The AI did not come up with a usable recipe${typeof attempts === 'number' ? ` after ${attempts} tries` : ''}. Try again, or describe the dish a little differently.`,
    };
  }
  if (error.code === 'MODEL_NOT_FOUND')
    return { message: 'The AI model that writes recipes is not installed here yet. Try again later.' };
  if (error.status === 502 || error.status === 504)
    return { message: 'The AI service did not answer properly. Try again in a moment.' };
  return { message: describeError(error) };
}

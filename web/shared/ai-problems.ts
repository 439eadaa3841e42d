// Why the AI could not answer, in words, and when to try again. The AI gateway's refusals (rate
// limit, credits, no model answering) pass through each app's API unchanged, so every app that
// asks the AI explains them the same way, in its own words for who is asked and what it makes.
import { ApiError, describeError } from './errors.ts';

export interface AiProblem {
  message: string;
  /** Asking again before then is refused the same way. */
  retryAfterSeconds?: number;
  /** The fix is in the CALOS account: buy credits or change plan. */
  needsCredits?: boolean;
  /** No AI server answers at all: asking again will not help until one is connected. */
  isNotConnected?: boolean;
}

/** What an app calls the AI and its work. */
export interface AiWords {
  /** Who is asked, inside a sentence: "the AI cook". */
  ai: string;
  /** What it cannot do without credits: "write a recipe". */
  task: string;
  /** No model is answering (503, and not because all are busy). */
  unavailable: string;
  /** AI_ANSWER_INVALID: every answer the server asked for was unusable. */
  answerInvalid: (attempts: number | undefined) => string;
  /** 502 or 504: the AI stopped answering. */
  noAnswer: string;
  /** The connection broke on the way; without it, the usual sentence for an unreachable server. */
  network?: string;
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

function rateLimitReason(error: ApiError, words: AiWords): string {
  const details = (error.details ?? {}) as { limit?: unknown; window?: unknown };
  if (
    error.code === 'AI_RATE_LIMITED' &&
    typeof details.limit === 'number' &&
    typeof details.window === 'string'
  )
    return `You have used the ${details.limit} AI requests your plan allows per ${details.window}.`;
  if (error.code === 'PROVIDER_RATE_LIMITED') return 'The AI service is taking too many requests right now.';
  return `You have asked ${words.ai} for a lot in a short time.`;
}

export function describeAiError(error: unknown, words: AiWords): AiProblem {
  if (!(error instanceof ApiError)) return { message: describeError(error) };
  const retryAfterSeconds = retryAfterOf(error);
  const tryAgain = retryAfterSeconds ? ` Try again in ${waitInWords(retryAfterSeconds)}.` : '';
  if (error.status === 429) {
    return {
      message: `${rateLimitReason(error, words)}${tryAgain || ' Try again in a minute.'}`,
      retryAfterSeconds: retryAfterSeconds ?? 60,
    };
  }
  if (error.status === 402) {
    return {
      message: `You have run out of AI credits, so ${words.ai} cannot ${words.task} now. Add credits in your CALOS account, then try again.`,
      needsCredits: true,
    };
  }
  if (error.code === 'OLLAMA_UNREACHABLE') {
    // Not a wait: nothing will answer until someone connects an AI server (no countdown).
    return {
      message:
        `No AI server is connected, so ${words.ai} cannot ${words.task} yet. ` +
        'Whoever runs this CALOS can start Ollama at the address in OLLAMA_HOSTS, or run ' +
        '`npm run ollama:dev` to try it with sample recipes.',
      isNotConnected: true,
    };
  }
  if (error.status === 503) {
    const busy = error.code === 'POOL_SATURATED' || error.code === 'NO_INSTANCE_AVAILABLE';
    return {
      message: `${busy ? 'Every AI cook is busy right now.' : words.unavailable}${tryAgain || ' Try again in a few minutes.'}`,
      retryAfterSeconds,
    };
  }
  if (error.code === 'AI_ANSWER_INVALID') {
    const attempts = (error.details as { attempts?: unknown } | undefined)?.attempts;
    return { message: words.answerInvalid(typeof attempts === 'number' ? attempts : undefined) };
  }
  if (error.code === 'MODEL_NOT_FOUND')
    return { message: 'The AI model that writes recipes is not installed here yet. Try again later.' };
  if (error.status === 502 || error.status === 504) return { message: words.noAnswer };
  if (error.code === 'NETWORK' && words.network) return { message: words.network };
  return { message: describeError(error) };
}

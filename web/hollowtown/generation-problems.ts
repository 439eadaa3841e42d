// Why an AI recipe could not be made, or why the AI is asked again, in words a cook understands.
// The gateway's own refusals (rate limit, credits, no model answering) pass through Hollowtown
// unchanged; the reasons for asking again are the server's checks of the model's JSON.
import { ApiError, describeError } from '../shared/errors.ts';

export interface GenerationProblem {
  message: string;
  /** The fix is in the CALOS account (credits or plan). */
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
  return 'You have asked the AI for a lot in a short time.';
}

export function describeGenerationError(error: unknown): GenerationProblem {
  if (!(error instanceof ApiError)) return { message: describeError(error) };
  const wait = retryAfterOf(error);
  const tryAgain = wait ? ` Try again in ${waitInWords(wait)}.` : '';
  if (error.status === 429)
    return { message: `${rateLimitReason(error)}${tryAgain || ' Try again in a minute.'}` };
  if (error.status === 402) {
    return {
      message:
        'You have run out of AI credits, so the AI cannot conjure a recipe now. Add credits in your CALOS account, then try again.',
      needsCredits: true,
    };
  }
  if (error.code === 'AI_ANSWER_INVALID') {
    const attempts = (error.details as { attempts?: unknown } | undefined)?.attempts;
    return {
      message: `The AI did not come up with a usable recipe${typeof attempts === 'number' ? ` in ${attempts} tries` : ''}. Nothing was saved. Try again, or describe the theme a little differently.`,
    };
  }
  if (error.code === 'MODEL_NOT_FOUND')
    return { message: 'The AI model that writes recipes is not installed here yet. Try again later.' };
  if (error.status === 503) {
    const busy = error.code === 'POOL_SATURATED' || error.code === 'NO_INSTANCE_AVAILABLE';
    return {
      message: `${busy ? 'Every AI cook is busy right now.' : 'The AI is not available right now.'}${tryAgain || ' Try again in a few minutes.'}`,
    };
  }
  if (error.status === 502 || error.status === 504)
    return {
      message: 'The AI stopped answering before the recipe was finished. Nothing was saved. Try again.',
    };
  if (error.code === 'NETWORK')
    return {
      message:
        'The connection was lost before the recipe was finished. Check your connection, then look in your recipes or try again.',
    };
  return { message: describeError(error) };
}

/** The `error` event of a generation stream as an ApiError. */
export function streamError(data: string): ApiError {
  try {
    const parsed = JSON.parse(data) as {
      error?: { code?: string; message?: string; details?: unknown };
      status?: number;
    };
    return new ApiError(
      parsed.status ?? 500,
      parsed.error?.code ?? 'INTERNAL',
      parsed.error?.message ?? 'The generation failed',
      parsed.error?.details,
    );
  } catch {
    return new ApiError(500, 'INTERNAL', 'The generation failed');
  }
}

const FIELD_WORDS: Record<string, string> = {
  recipe_name: 'the name',
  description: 'the description',
  spookiness_level: 'how spooky it is',
  difficulty: 'the difficulty',
  prep_time_minutes: 'the preparation time',
  serves: 'how many it serves',
  ingredients: 'the ingredients',
  instructions: 'the steps',
  tags: 'the tags',
};

const BLANKS: Record<string, string> = {
  ingredients: 'an ingredient had no name',
  instructions: 'a step was empty',
};

/** "ingredients.2.quantity" → "the ingredients". */
const fieldInWords = (path: string) => FIELD_WORDS[path.split('.')[0] ?? ''] ?? 'part of the recipe';

/**
 * The server's reason for asking again ("the answer is not JSON", "instructions.0 is blank",
 * "ingredients.1.quantity must be number") as the end of a sentence.
 */
export function retryReasonInWords(reason: string | undefined): string {
  if (!reason) return 'it was not a usable recipe';
  if (/not JSON/i.test(reason)) return 'it was not a complete recipe';
  if (/exists already/i.test(reason)) return 'a recipe with that name exists already';
  const missing = /required propert(?:y|ies) (.+)$/i.exec(reason)?.[1];
  if (missing) return `it left out ${listInWords(missing.split(/,\s*/).map(fieldInWords))}`;
  const empty = /^([a-z_]+) must NOT have fewer than 1 items/i.exec(reason)?.[1];
  if (empty) return `it left out ${fieldInWords(empty)}`;
  const blank = /^([a-z_]+)[.\w]* is blank$/i.exec(reason)?.[1];
  if (blank) return BLANKS[blank] ?? `${fieldInWords(blank)} was blank`;
  const field = /^([a-z_]+)[.\w]*\s/i.exec(reason)?.[1];
  if (field && field !== 'the') return `${fieldInWords(field)} did not fit`;
  return 'it did not follow the recipe form';
}

/** "a, b and c"; more than three become "a, b, c and more". */
function listInWords(items: string[]): string {
  const unique = [...new Set(items)];
  if (unique.length > 3) return `${unique.slice(0, 3).join(', ')} and more`;
  if (unique.length === 1) return unique[0] as string;
  return `${unique.slice(0, -1).join(', ')} and ${unique.at(-1)}`;
}

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth'];

/** "The first answer could not be used (it left out the steps). Asking again: try 2 of 3." */
export function retryInWords(attempt: number, of: number, reason: string | undefined): string {
  const previous = ORDINALS[attempt - 2] ?? 'last';
  return `The ${previous} answer could not be used: ${retryReasonInWords(reason)}. Asking the AI again, try ${attempt} of ${of}.`;
}

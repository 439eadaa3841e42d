// Why an AI recipe could not be made, or why the AI is asked again, in words a cook understands.
// The gateway's refusals are explained by shared/ai-problems.ts in Hollowtown's words; the reasons
// for asking again are the server's checks of the model's JSON.
import { type AiProblem, type AiWords, describeAiError } from '../shared/ai-problems.ts';
import { ApiError } from '../shared/errors.ts';

const HOLLOWTOWN_WORDS: AiWords = {
  ai: 'the AI',
  task: 'conjure a recipe',
  unavailable: 'The AI is not available right now.',
  answerInvalid: (attempts) =>
    `The AI did not come up with a usable recipe${attempts === undefined ? '' : ` in ${attempts} tries`}. Nothing was saved. Try again, or describe the theme a little differently.`,
  noAnswer: 'The AI stopped answering before the recipe was finished. Nothing was saved. Try again.',
  network:
    'The connection was lost before the recipe was finished. Check your connection, then look in your recipes or try again.',
};

export const describeGenerationError = (error: unknown): AiProblem =>
  describeAiError(error, HOLLOWTOWN_WORDS);

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

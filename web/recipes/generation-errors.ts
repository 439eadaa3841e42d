// Why the AI cook could not write a recipe, in this app's words (the shared part is in
// shared/ai-problems.ts).
import { type AiProblem, type AiWords, describeAiError } from '../shared/ai-problems.ts';

const RECIPE_WORDS: AiWords = {
  ai: 'the AI cook',
  task: 'write a recipe',
  unavailable: 'No AI cook is available right now.',
  answerInvalid: (attempts) =>
    `The AI did not come up with a usable recipe${attempts === undefined ? '' : ` after ${attempts} tries`}. Try again, or describe the dish a little differently.`,
  noAnswer: 'The AI service did not answer properly. Try again in a moment.',
};

export const describeGenerationError = (error: unknown): AiProblem => describeAiError(error, RECIPE_WORDS);

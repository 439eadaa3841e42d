// AI recipes: ask the gateway for one recipe in a JSON schema, check the answer (shape, limits,
// nothing the user must avoid), retry a bad answer a bounded number of times with what was
// wrong, then store it for the user. Every attempt is an ordinary gateway call: it spends the
// user's rate limit and credits, and the gateway's errors (429, 402, 503…) reach the user as-is.
import { type Static, Type } from 'typebox';
import { Compile } from 'typebox/compile';
import type { AiChatResult, AiMessage } from '../../ai/client.ts';
import { normaliseIngredientName, scaleIngredients, singularise } from '../../ingredients/quantities.ts';
import type { Recipe } from '../client.ts';
import type { RecipesDeps } from '../deps.ts';
import { RecipesErrors } from '../errors.ts';
import type { Difficulty } from '../store/recipes.ts';
import { normaliseLabels, type RecipeInput, type RecipeService } from './recipes.ts';

/** One first try and two retries. */
export const MAX_GENERATION_ATTEMPTS = 3;
/** How much of a bad answer goes back to the model with the request to fix it. */
const ECHO_LIMIT = 4000;

export interface GenerateRequest {
  theme?: string;
  cuisine?: string;
  difficulty?: Difficulty;
  serves?: number;
  /** e.g. vegetarian, vegan, gluten-free: the recipe must be all of them. */
  dietary_tags?: string[];
  /** The recipe must contain none of these. */
  avoid_allergens?: string[];
  max_total_minutes?: number;
  /** The model to ask; omitted, the user's preference (or the platform default) answers. */
  model?: string;
}

export interface GenerationInfo {
  model: string;
  provider: string;
  attempts: number;
  /** Credits spent over every attempt. */
  credits: number;
}

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Number>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** What a usable answer looks like: sent to the model as its output schema, and checked. */
export const GeneratedRecipe = Type.Object({
  recipe_name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 1000 }),
  cuisine: Type.String({ minLength: 1, maxLength: 50 }),
  difficulty: Type.Enum(['easy', 'medium', 'hard']),
  prep_time_minutes: Type.Integer({ minimum: 0, maximum: 1440 }),
  cook_time_minutes: Type.Integer({ minimum: 0, maximum: 1440 }),
  serves: Type.Integer({ minimum: 1, maximum: 100 }),
  calories: Type.Integer({ minimum: 0, maximum: 10000, description: 'Per serving' }),
  ingredients: Type.Array(
    Type.Object({
      name: Type.String({ minLength: 1, maxLength: 200 }),
      quantity: Nullable(Type.Number({ minimum: 0, maximum: 100000 })),
      unit: Nullable(Type.String({ maxLength: 32 })),
      note: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    }),
    { minItems: 1, maxItems: 60 },
  ),
  instructions: Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { minItems: 1, maxItems: 50 }),
  nutrition: Type.Optional(
    Type.Object({
      protein_g: Type.Optional(Type.Number({ minimum: 0, maximum: 10000 })),
      carbs_g: Type.Optional(Type.Number({ minimum: 0, maximum: 10000 })),
      fat_g: Type.Optional(Type.Number({ minimum: 0, maximum: 10000 })),
      fiber_g: Type.Optional(Type.Number({ minimum: 0, maximum: 10000 })),
      sugar_g: Type.Optional(Type.Number({ minimum: 0, maximum: 10000 })),
      sodium_mg: Type.Optional(Type.Number({ minimum: 0, maximum: 100000 })),
    }),
  ),
  allergens: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 20 }),
  tags: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 20 }),
});

const checker = Compile(GeneratedRecipe);
type Answer = Static<typeof GeneratedRecipe>;

const SYSTEM_PROMPT = [
  'You are the recipe developer of HowToCookAtHome, a home-cooking app.',
  'Answer with exactly one recipe as a JSON object that follows the given schema, and nothing else.',
  'Quantities are numbers (0.5, not "1/2"); use null for "to taste".',
  'Units: g, kg, ml, l, tsp, tbsp, cup, oz, lb, count, or a word such as clove, can or pinch.',
  'calories and nutrition are per serving. Instructions are short steps in order.',
  'allergens lists what the recipe contains, in lower case (gluten, milk, eggs, peanuts, tree nuts, soy, fish, shellfish, sesame, mustard, celery).',
].join(' ');

function promptOf(request: GenerateRequest): string {
  const parts = [
    request.theme?.trim() ? `Create a recipe for: ${request.theme.trim()}.` : 'Create a recipe.',
  ];
  if (request.cuisine?.trim()) parts.push(`Cuisine: ${request.cuisine.trim()}.`);
  if (request.difficulty) parts.push(`Difficulty: ${request.difficulty}.`);
  if (request.serves) parts.push(`It serves ${request.serves}.`);
  const dietary = normaliseLabels(request.dietary_tags);
  if (dietary.length > 0) parts.push(`It must be ${dietary.join(', ')}.`);
  const avoid = normaliseLabels(request.avoid_allergens);
  if (avoid.length > 0) parts.push(`It must not contain any of: ${avoid.join(', ')}.`);
  if (request.max_total_minutes) parts.push(`It is ready in at most ${request.max_total_minutes} minutes.`);
  return parts.join(' ');
}

/** Why this answer cannot be used, or the answer. */
export function checkAnswer(
  text: string,
  request: GenerateRequest,
): { answer: Answer } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text.trim().replace(/^```(?:json)?\s*|\s*```$/g, ''));
  } catch {
    return { problem: 'the answer is not valid JSON' };
  }
  if (!checker.Check(value)) {
    const first = [...checker.Errors(value)][0];
    return {
      problem: `the JSON does not follow the schema (${first?.instancePath || '/'} ${first?.message ?? ''})`,
    };
  }
  const answer = value as Answer;
  const blank = [answer.recipe_name, ...answer.ingredients.map((i) => i.name), ...answer.instructions].some(
    (text) => !text.trim(),
  );
  if (blank) return { problem: 'the recipe name, an ingredient name or a step is blank' };
  const avoid = normaliseLabels(request.avoid_allergens);
  if (avoid.length > 0) {
    const listed = new Set(normaliseLabels(answer.allergens));
    const names = answer.ingredients.map((i) => ` ${normaliseIngredientName(i.name)} `);
    const found = avoid.filter((allergen) => {
      const word = ` ${singularise(allergen)} `;
      return listed.has(allergen) || names.some((name) => name.includes(word));
    });
    if (found.length > 0)
      return { problem: `the recipe contains ${found.join(', ')}, which must be avoided` };
  }
  if (
    request.max_total_minutes &&
    answer.prep_time_minutes + answer.cook_time_minutes > request.max_total_minutes
  ) {
    return { problem: `the recipe takes longer than ${request.max_total_minutes} minutes` };
  }
  return { answer };
}

/** The recipe to store: what was asked for wins over what the model said (difficulty, cuisine, serves). */
export function recipeFromAnswer(answer: Answer, request: GenerateRequest): RecipeInput {
  let ingredients = answer.ingredients.map((i) => ({
    name: i.name,
    quantity: i.quantity,
    unit: i.unit,
    note: i.note ?? null,
  }));
  let serves = answer.serves;
  if (request.serves && request.serves !== serves) {
    ingredients = scaleIngredients(ingredients, serves, request.serves);
    serves = request.serves;
  }
  return {
    recipe_name: answer.recipe_name,
    description: answer.description,
    cuisine: request.cuisine ?? answer.cuisine,
    difficulty: request.difficulty ?? answer.difficulty,
    prep_time_minutes: answer.prep_time_minutes,
    cook_time_minutes: answer.cook_time_minutes,
    serves,
    calories: answer.calories,
    ingredients,
    instructions: answer.instructions,
    nutrition: answer.nutrition ?? {},
    allergens: answer.allergens,
    tags: [...normaliseLabels(request.dietary_tags), ...answer.tags].slice(0, 30),
    is_published: false,
  };
}

export function createGenerationService(deps: RecipesDeps, recipes: RecipeService) {
  return {
    async generate(
      /** accessToken: the caller's own, for a gateway served by another process. */
      user: { userId: string; plan: string; accessToken?: string; assertSignedIn?: () => void },
      request: GenerateRequest,
    ): Promise<Recipe & { generation: GenerationInfo }> {
      if (!request.theme?.trim() && !request.cuisine?.trim()) {
        throw RecipesErrors.invalidInput('Send a theme or a cuisine (or both)', [{ field: 'body.theme' }]);
      }
      const ai = deps.ai();
      if (!ai) throw RecipesErrors.aiUnavailable();
      const messages: AiMessage[] = [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: promptOf(request) },
      ];
      let credits = 0;
      let problem = '';
      for (let attempt = 1; attempt <= MAX_GENERATION_ATTEMPTS; attempt++) {
        // Gateway errors (rate limit, credits, no model) end the attempt loop unchanged.
        const result: AiChatResult = await ai.chat({
          userId: user.userId,
          plan: user.plan,
          app: 'recipes',
          accessToken: user.accessToken,
          ...(request.model ? { model: request.model } : {}),
          messages,
          schema: GeneratedRecipe as unknown as Record<string, unknown>,
        });
        credits += result.usage.credits;
        const checked = checkAnswer(result.text, request);
        if ('answer' in checked) {
          user.assertSignedIn?.();
          const recipe = await recipes.create(user.userId, recipeFromAnswer(checked.answer, request), 'ai');
          return {
            ...recipe,
            generation: { model: result.model, provider: result.provider, attempts: attempt, credits },
          };
        }
        problem = checked.problem;
        deps.logger.info({ attempt, problem, userId: user.userId }, 'unusable recipe answer from the AI');
        messages.push(
          { role: 'assistant', content: result.text.slice(0, ECHO_LIMIT) },
          {
            role: 'user',
            content: `That answer cannot be used: ${problem}. Answer again with only the corrected JSON object.`,
          },
        );
      }
      throw RecipesErrors.aiAnswerInvalid(MAX_GENERATION_ATTEMPTS, problem);
    },
  };
}

export type GenerationService = ReturnType<typeof createGenerationService>;

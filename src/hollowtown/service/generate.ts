// AI recipe generation: ask the gateway for a recipe in a JSON schema, check the answer against
// our own limits, ask again (a bounded number of times) when it is malformed, and store it for
// the user. Every attempt is a gateway call, so each one counts against the user's AI rate
// limit and spends credits like any other call; the gateway's own errors (429, 402, 503, …)
// reach the caller unchanged.
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import type { AiClient, AiMessage } from '../../ai/client.ts';
import type { Difficulty } from '../client.ts';
import type { HollowtownDeps } from '../deps.ts';
import { HollowtownErrors } from '../errors.ts';
import { insertRecipe } from '../store/recipes.ts';
import { normaliseTags, toIngredient } from './common.ts';
import { LIMITS, TAG_PATTERN } from './limits.ts';
import { type RecipeView, toRecipeView } from './recipes.ts';

/** One first try and two retries of a malformed answer. */
export const MAX_ATTEMPTS = 3;
/** How much of a bad answer is shown back to the model when asking again. */
const ECHO_LIMIT = 4000;

const DIFFICULTIES = ['easy', 'medium', 'hard', 'nightmare'] as const;

const ANSWER_PROPERTIES = {
  recipe_name: Type.String({ minLength: 1, maxLength: LIMITS.name }),
  description: Type.String({ minLength: 1, maxLength: LIMITS.description }),
  spookiness_level: Type.Integer({ minimum: 1, maximum: 10 }),
  difficulty: Type.Enum(DIFFICULTIES),
  prep_time_minutes: Type.Integer({ minimum: 0, maximum: LIMITS.prepMinutes }),
  serves: Type.Integer({ minimum: 1, maximum: LIMITS.serves }),
  ingredients: Type.Array(
    Type.Object({
      name: Type.String({ minLength: 1, maxLength: LIMITS.itemName }),
      quantity: Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: LIMITS.quantity }), Type.Null()]),
      unit: Type.Union([Type.String({ maxLength: LIMITS.unit }), Type.Null()]),
      note: Type.Union([Type.String({ maxLength: LIMITS.note }), Type.Null()]),
    }),
    { minItems: 1, maxItems: LIMITS.ingredients },
  ),
  instructions: Type.Array(Type.String({ minLength: 1, maxLength: LIMITS.step }), {
    minItems: 1,
    maxItems: LIMITS.steps,
  }),
  tags: Type.Array(Type.String({ maxLength: 60 }), { maxItems: LIMITS.tags }),
};

/** What a model's answer is checked against: every field within our limits; extra keys are ignored. */
export const GeneratedRecipe = Type.Object(ANSWER_PROPERTIES);

/** The JSON schema handed to the gateway (plain JSON, without TypeBox's markers). */
export const GENERATED_RECIPE_SCHEMA: Record<string, unknown> = JSON.parse(
  JSON.stringify(Type.Object(ANSWER_PROPERTIES, { additionalProperties: false })),
);

export interface GenerateInput {
  theme: string;
  difficulty?: Difficulty;
  serves?: number;
  dietary_tags?: string[];
  /** The model to ask; omitted, the user's preference (or the platform default) answers. */
  model?: string;
}

export interface Caller {
  userId: string;
  plan: string;
  /** The caller's own access token, for a gateway served by another process. */
  accessToken?: string;
  /** Throws when the caller's session has ended meanwhile (checked before storing). */
  assertSignedIn?: () => void;
}

/** What `calos seed` adds to a generation; the HTTP endpoint uses none of it. */
export interface GenerateOptions {
  /** Store the recipe published (recipes seeded for every user) instead of private. */
  publish?: boolean;
  /**
   * Asked with the name of each well-formed answer before it is stored: false discards the
   * answer as a duplicate and asks the model again for another recipe (within MAX_ATTEMPTS).
   */
  acceptName?: (name: string) => boolean;
  /** Names the model is asked not to use again. */
  avoidNames?: readonly string[];
  signal?: AbortSignal;
  /**
   * Told as the recipe is written: each attempt as it starts, then each piece of the model's
   * text as it arrives (the call is then streamed from the model).
   */
  onProgress?: (progress: GenerationProgress) => void;
}

export type GenerationProgress =
  | { type: 'attempt'; attempt: number; of: number; reason?: string }
  | { type: 'text'; delta: string };

/** How many names of `avoidNames` go into a prompt. */
const AVOID_LIMIT = 30;

const SYSTEM_PROMPT = [
  "You are Hollowtown's Halloween chef. You invent original, safe-to-cook, spooky-looking recipes",
  'that real home cooks can make. Answer with exactly one JSON object that follows the given schema',
  'and nothing else. Ingredient quantities are numbers (0.5, not "1/2") or null when not measured',
  '(for example "to taste"); units are short (g, kg, ml, l, cup, tbsp, tsp, piece) or null.',
  'Each instruction is one step. Tags are short lower-case words such as "vegan" or "kids-friendly".',
].join(' ');

export function recipePrompt(input: GenerateInput, avoidNames: readonly string[] = []): string {
  const lines = [`Create a Halloween recipe on this theme: ${input.theme.trim()}`];
  if (input.difficulty) lines.push(`Difficulty: ${input.difficulty}.`);
  if (input.serves) lines.push(`It serves ${input.serves}; size the quantities for that.`);
  const dietary = normaliseTags(input.dietary_tags ?? []);
  if (dietary.length > 0) lines.push(`It must be: ${dietary.join(', ')}. Include these as tags.`);
  const avoid = avoidNames.slice(-AVOID_LIMIT).map((name) => name.slice(0, LIMITS.name));
  if (avoid.length > 0) lines.push(`Give it a new name, none of these: ${avoid.join('; ')}.`);
  return lines.join('\n');
}

type Checked = { ok: true; recipe: Type.Static<typeof GeneratedRecipe> } | { ok: false; problem: string };

/** Reads the model's text as a recipe, or says what is wrong with it. */
export function checkAnswer(text: string): Checked {
  let value: unknown;
  try {
    value = JSON.parse(stripFences(text));
  } catch {
    return { ok: false, problem: 'the answer is not JSON' };
  }
  if (Value.Check(GeneratedRecipe, value)) {
    const blank = findBlank(value);
    if (blank) return { ok: false, problem: `${blank} is blank` };
    return { ok: true, recipe: value };
  }
  const first = Value.Errors(GeneratedRecipe, value).find((error) => error.keyword !== 'boolean');
  const where = first?.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : 'the answer';
  return { ok: false, problem: `${where} ${first?.message ?? 'does not follow the schema'}` };
}

/** Models without structured output sometimes wrap JSON in a Markdown fence. */
function stripFences(text: string): string {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/i.exec(text);
  return fenced?.[1] ?? text;
}

function findBlank(recipe: Type.Static<typeof GeneratedRecipe>): string | undefined {
  if (!recipe.recipe_name.trim()) return 'recipe_name';
  const ingredient = recipe.ingredients.findIndex((i) => !i.name.trim());
  if (ingredient >= 0) return `ingredients.${ingredient}.name`;
  const step = recipe.instructions.findIndex((s) => !s.trim());
  if (step >= 0) return `instructions.${step}`;
  return undefined;
}

export function createGenerationService(deps: HollowtownDeps, ai: () => AiClient) {
  return {
    async generate(caller: Caller, input: GenerateInput, options: GenerateOptions = {}): Promise<RecipeView> {
      const client = ai();
      const messages: AiMessage[] = [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: recipePrompt(input, options.avoidNames) },
      ];
      let problem = '';
      const { onProgress } = options;
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        onProgress?.({ type: 'attempt', attempt, of: MAX_ATTEMPTS, ...(problem ? { reason: problem } : {}) });
        const answer = await client.chat({
          userId: caller.userId,
          plan: caller.plan,
          app: 'hollowtown',
          accessToken: caller.accessToken,
          ...(input.model ? { model: input.model } : {}),
          messages,
          schema: GENERATED_RECIPE_SCHEMA,
          signal: options.signal,
          ...(onProgress ? { onText: (delta: string) => onProgress({ type: 'text', delta }) } : {}),
        });
        const checked = checkAnswer(answer.text);
        const name = checked.ok ? checked.recipe.recipe_name.trim() : '';
        if (checked.ok && options.acceptName && !options.acceptName(name)) {
          problem = `a recipe named "${name}" exists already`;
          messages.push(
            { role: 'assistant', content: answer.text.slice(0, ECHO_LIMIT) },
            {
              role: 'user',
              content: `There is already a recipe named "${name}". Invent a different recipe with a new name, as the same kind of JSON object.`,
            },
          );
          continue;
        }
        if (checked.ok) {
          const fields = { ...storedFields(checked.recipe, input), is_published: options.publish === true };
          caller.assertSignedIn?.();
          const row = await insertRecipe(deps.db, caller.userId, fields, {
            source: 'ai',
            aiModel: answer.model.slice(0, 200),
          });
          return toRecipeView(row, caller.userId);
        }
        problem = checked.problem;
        deps.logger.info({ attempt, problem, model: answer.model }, 'the AI answered a malformed recipe');
        messages.push(
          { role: 'assistant', content: answer.text.slice(0, ECHO_LIMIT) },
          {
            role: 'user',
            content: `That answer cannot be used: ${problem}. Answer again with only the JSON object, following the schema.`,
          },
        );
      }
      throw HollowtownErrors.aiAnswerInvalid(MAX_ATTEMPTS, problem);
    },
  };
}

/**
 * What was asked wins over what the model wrote about it (difficulty, serves, dietary tags);
 * tags are cleaned to the same rules as a person's.
 */
function storedFields(recipe: Type.Static<typeof GeneratedRecipe>, input: GenerateInput) {
  const pattern = new RegExp(TAG_PATTERN, 'u');
  const tags = normaliseTags([...(input.dietary_tags ?? []), ...recipe.tags])
    .filter((tag) => tag.length <= LIMITS.tagLength && pattern.test(tag))
    .slice(0, LIMITS.tags);
  return {
    recipe_name: recipe.recipe_name.trim(),
    description: recipe.description,
    spookiness_level: recipe.spookiness_level,
    difficulty: input.difficulty ?? recipe.difficulty,
    ingredients: recipe.ingredients.map(toIngredient),
    instructions: recipe.instructions.map((step) => step.trim()),
    prep_time_minutes: recipe.prep_time_minutes,
    serves: input.serves ?? recipe.serves,
    tags,
    image_url: null,
    is_published: false,
  };
}

export type GenerationService = ReturnType<typeof createGenerationService>;

// Importing a recipe, as Mealie and Tandoor do: from a web page's address (its schema.org Recipe
// in JSON-LD or microdata), or from pasted text (a page's HTML, or a recipe written with
// "Ingredients" and "Method" headings). When there is no structure to read, the AI gateway is
// asked to structure the text; its answer is checked and asked again a bounded number of times,
// like recipe generation. The imported recipe is the user's, private, with its source link.
import { type Static, Type } from 'typebox';
import { Compile } from 'typebox/compile';
import type { AiMessage } from '../../ai/client.ts';
import { readIngredient } from '../../ingredients/ingredient-input.ts';
import { type SafeFetchLimits, safeFetch } from '../../platform/safe-fetch.ts';
import type { Recipe } from '../client.ts';
import type { RecipesDeps } from '../deps.ts';
import { RecipesErrors } from '../errors.ts';
import { MAX_GENERATION_ATTEMPTS } from './generate.ts';
import { INGREDIENT_LIMITS, LIMITS } from './limits.ts';
import { MAX_PAGE_TEXT, readRecipePage } from './recipe-page.ts';
import type { RecipeInput, RecipeService } from './recipes.ts';

export type ImportMethod = 'json-ld' | 'microdata' | 'text' | 'ai';

export interface ImportInfo {
  method: ImportMethod;
  source_url: string | null;
  /** Only when the AI structured the text. */
  ai: { model: string; provider: string; attempts: number; credits: number } | null;
}

export interface ImportUser {
  userId: string;
  plan: string;
  accessToken?: string;
}

const HTML_TYPES = ['text/html', 'application/xhtml+xml'] as const;

/** What the AI answers when asked to structure a page's text. */
const StructuredRecipe = Type.Object({
  is_recipe: Type.Boolean({ description: 'false when the text holds no recipe' }),
  recipe_name: Type.String({ maxLength: LIMITS.name }),
  description: Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]),
  serves: Type.Union([Type.Integer({ minimum: 1, maximum: LIMITS.serves }), Type.Null()]),
  prep_time_minutes: Type.Union([Type.Integer({ minimum: 0, maximum: LIMITS.minutes }), Type.Null()]),
  cook_time_minutes: Type.Union([Type.Integer({ minimum: 0, maximum: LIMITS.minutes }), Type.Null()]),
  ingredients: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), {
    maxItems: LIMITS.ingredients,
    description: 'Each ingredient line as written, e.g. "2 cups flour, sifted"',
  }),
  instructions: Type.Array(Type.String({ minLength: 1, maxLength: LIMITS.step }), { maxItems: LIMITS.steps }),
});
const structuredChecker = Compile(StructuredRecipe);

const SYSTEM_PROMPT = [
  'You read recipes out of web pages and notes for HowToCookAtHome, a home-cooking app.',
  'Answer with exactly one JSON object following the given schema, and nothing else.',
  'Copy the recipe as written: do not invent ingredients, amounts or steps.',
  'If the text holds no recipe, answer is_recipe false with empty lists.',
].join(' ');

/** Ingredient lines as stored: a line the parser cannot read is kept whole as the name. */
export function tolerantIngredients(lines: readonly string[]) {
  return lines.map((line) => {
    const reading = readIngredient(line, INGREDIENT_LIMITS);
    return (
      reading.ingredient ?? {
        name: line.slice(0, LIMITS.name),
        quantity: null,
        unit: null,
        note: null,
      }
    );
  });
}

const SECTION = {
  ingredients: /^(?:ingredients?|zutaten|ingrédients|ingredientes)\s*:?$/i,
  steps:
    /^(?:instructions?|method|directions?|steps|preparation|how to make( it)?|zubereitung|préparation)\s*:?$/i,
};

/**
 * A recipe written as text: its first line the name, then "Ingredients" and "Method" (or
 * Instructions, Directions, Steps…) headings; "Serves 4" anywhere. Null without both headings.
 */
export function recipeFromText(text: string): RecipeInput | null {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const ingredientsAt = lines.findIndex((line) => SECTION.ingredients.test(line));
  const stepsAt = lines.findIndex((line) => SECTION.steps.test(line));
  if (ingredientsAt < 1 || stepsAt < 0 || stepsAt === ingredientsAt) return null;
  const name = (lines[0] as string).replace(/^#+\s*/, '').slice(0, LIMITS.name);
  const between = (from: number, to: number) =>
    lines
      .slice(from + 1, to > from ? to : lines.length)
      .map((line) => line.replace(/^(?:[-*•·]|\d+[.)])\s*/, ''));
  const ingredients = between(ingredientsAt, stepsAt).filter(Boolean);
  const steps = between(stepsAt, ingredientsAt).filter(Boolean);
  const intro = lines.slice(1, Math.min(ingredientsAt, stepsAt));
  const servesLine = intro.find((line) => /\b(?:serves|servings|portions?|yield)\b/i.test(line));
  const serves = servesLine ? Number(/(\d+)/.exec(servesLine)?.[1] ?? Number.NaN) : Number.NaN;
  const description = intro.filter((line) => line !== servesLine).join(' ');
  if (ingredients.length === 0 || steps.length === 0) return null;
  return {
    recipe_name: name,
    description: description ? description.slice(0, LIMITS.text) : null,
    serves: Number.isInteger(serves) && serves >= 1 ? Math.min(serves, LIMITS.serves) : null,
    ingredients: ingredients.slice(0, LIMITS.ingredients).map((line) => line.slice(0, 300)),
    instructions: steps.slice(0, LIMITS.steps).map((step) => step.slice(0, LIMITS.step)),
    is_published: false,
  };
}

export function createImportService(deps: RecipesDeps, recipes: RecipeService, limits: SafeFetchLimits) {
  async function structureWithAi(user: ImportUser, text: string, sourceUrl: string | null) {
    const ai = deps.ai();
    if (!ai) throw RecipesErrors.importFoundNoRecipe(false);
    const messages: AiMessage[] = [
      { role: 'system', content: SYSTEM_PROMPT },
      {
        role: 'user',
        content: `${sourceUrl ? `The page ${sourceUrl} reads:\n` : 'The text reads:\n'}${text.slice(0, MAX_PAGE_TEXT)}`,
      },
    ];
    let credits = 0;
    let problem = '';
    for (let attempt = 1; attempt <= MAX_GENERATION_ATTEMPTS; attempt++) {
      const result = await ai.chat({
        userId: user.userId,
        plan: user.plan,
        app: 'recipes',
        accessToken: user.accessToken,
        messages,
        schema: StructuredRecipe as unknown as Record<string, unknown>,
      });
      credits += result.usage.credits;
      let value: unknown;
      try {
        value = JSON.parse(result.text.trim().replace(/^```(?:json)?\s*|\s*```$/g, ''));
      } catch {
        value = undefined;
      }
      if (value !== undefined && structuredChecker.Check(value)) {
        const answer = value as Static<typeof StructuredRecipe>;
        if (!answer.is_recipe) throw RecipesErrors.importFoundNoRecipe(true);
        if (answer.recipe_name.trim() && answer.ingredients.length > 0 && answer.instructions.length > 0) {
          const input: RecipeInput = {
            recipe_name: answer.recipe_name,
            description: answer.description,
            serves: answer.serves,
            prep_time_minutes: answer.prep_time_minutes,
            cook_time_minutes: answer.cook_time_minutes,
            ingredients: answer.ingredients,
            instructions: answer.instructions,
            is_published: false,
          };
          return {
            input,
            ai: { model: result.model, provider: result.provider, attempts: attempt, credits },
          };
        }
        problem = 'a recipe needs a name, ingredients and steps';
      } else {
        problem =
          value === undefined
            ? 'the answer is not valid JSON'
            : `the JSON does not follow the schema (${[...structuredChecker.Errors(value)][0]?.instancePath || '/'})`;
      }
      deps.logger.info(
        { attempt, problem, userId: user.userId },
        'unusable recipe import answer from the AI',
      );
      messages.push(
        { role: 'assistant', content: result.text.slice(0, 4000) },
        {
          role: 'user',
          content: `That answer cannot be used: ${problem}. Answer again with only the JSON object.`,
        },
      );
    }
    throw RecipesErrors.aiAnswerInvalid(MAX_GENERATION_ATTEMPTS, problem);
  }

  async function store(
    user: ImportUser,
    input: RecipeInput,
    info: ImportInfo,
  ): Promise<Recipe & { import: ImportInfo }> {
    const lines = (input.ingredients ?? []).filter((line): line is string => typeof line === 'string');
    const recipe = await recipes.create(
      user.userId,
      { ...input, ingredients: tolerantIngredients(lines) },
      'imported',
      info.source_url,
    );
    return { ...recipe, import: info };
  }

  return {
    async fromUrl(user: ImportUser, address: string): Promise<Recipe & { import: ImportInfo }> {
      const page = await safeFetch(address, limits, HTML_TYPES);
      const sourceUrl = page.url.href.length <= LIMITS.url ? page.url.href : address;
      const reading = readRecipePage(page.body, page.url);
      if (reading.recipe && reading.method) {
        return store(user, reading.recipe, { method: reading.method, source_url: sourceUrl, ai: null });
      }
      if (!reading.text.trim()) throw RecipesErrors.importFoundNoRecipe(false);
      const structured = await structureWithAi(user, reading.text, sourceUrl);
      return store(user, structured.input, { method: 'ai', source_url: sourceUrl, ai: structured.ai });
    },

    async fromText(user: ImportUser, text: string): Promise<Recipe & { import: ImportInfo }> {
      if (!text.trim())
        throw RecipesErrors.invalidInput('body.text must not be blank', [{ field: 'body.text' }]);
      let plainText = text;
      if (/^\s*</.test(text)) {
        const reading = readRecipePage(text, null);
        if (reading.recipe && reading.method) {
          return store(user, reading.recipe, { method: reading.method, source_url: null, ai: null });
        }
        plainText = reading.text;
      }
      const written = recipeFromText(plainText);
      if (written) return store(user, written, { method: 'text', source_url: null, ai: null });
      const structured = await structureWithAi(user, plainText, null);
      return store(user, structured.input, { method: 'ai', source_url: null, ai: structured.ai });
    },
  };
}

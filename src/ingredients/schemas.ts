// The HTTP side of ingredient lines, the same in every service that takes ingredients: the line
// schema, and POST /api/ingredients/parse, which shows how the server reads lines before they
// are saved (the recipe forms' preview).
import { Type } from 'typebox';
import { requireUser } from '../platform/auth/guard.ts';
import { bearer, ErrorResponse } from '../platform/http/schemas.ts';
import type { App } from '../platform/http/service.ts';
import { type IngredientLimits, MAX_LINE_LENGTH, readIngredient } from './ingredient-input.ts';

export const IngredientLine = Type.String({
  minLength: 1,
  maxLength: MAX_LINE_LENGTH,
  pattern: '\\S',
  description: 'One ingredient as a cook writes it',
  examples: ['24 gummy worms', '1 pinch of sea salt', '1½ cups flour, sifted', '2-3 apples'],
});

const ParsedIngredient = Type.Object({
  name: Type.String(),
  quantity: Type.Union([Type.Number(), Type.Null()], { description: 'null: no amount ("salt to taste")' }),
  quantity_max: Type.Optional(Type.Number({ description: 'Only on a range ("2–3 apples")' })),
  unit: Type.Union([Type.String(), Type.Null()], {
    description:
      'g, kg, oz, lb, ml, l, tsp, tbsp, cup, fl oz…, or a word such as clove, can, pinch; null when counted',
  }),
  note: Type.Union([Type.String(), Type.Null()]),
});

const ParseAnswer = Type.Object(
  {
    lines: Type.Array(
      Type.Object({
        line: Type.String(),
        ingredient: Type.Union([ParsedIngredient, Type.Null()], {
          description: 'What saving the line stores; null when it cannot be saved',
        }),
        problem: Type.Union([Type.String(), Type.Null()], {
          description: 'Why the line cannot be saved as it is, e.g. "names no ingredient"',
        }),
      }),
    ),
  },
  {
    examples: [
      {
        lines: [
          {
            line: '24 gummy worms',
            ingredient: { name: 'gummy worms', quantity: 24, unit: null, note: null },
            problem: null,
          },
          {
            line: '1 pinch of sea salt',
            ingredient: { name: 'sea salt', quantity: 1, unit: 'pinch', note: null },
            problem: null,
          },
          {
            line: '½',
            ingredient: null,
            problem: 'names no ingredient (write what it is, e.g. “2 cups flour”)',
          },
        ],
      },
    ],
  },
);

/** POST /api/ingredients/parse for a service, with that service's limits. */
export function registerIngredientParseRoute(
  app: App,
  options: { limits: IngredientLimits; maxLines: number; tags: string[] },
): void {
  app.post(
    '/api/ingredients/parse',
    {
      schema: {
        tags: options.tags,
        summary: 'Read ingredient lines the way saving a recipe reads them',
        description:
          'Nothing is stored. Each line answers with the ingredient a recipe would store for it ' +
          '(quantity with fractions and ranges, the unit in its short spelling, the name, and the note ' +
          'from parentheses, a comma or "to taste"), or with the problem that would make saving it fail.',
        security: bearer,
        body: Type.Object(
          { lines: Type.Array(IngredientLine, { minItems: 1, maxItems: options.maxLines }) },
          { additionalProperties: false, examples: [{ lines: ['24 gummy worms', '1 pinch of sea salt'] }] },
        ),
        response: { 200: ParseAnswer, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => {
      requireUser(request);
      return {
        lines: request.body.lines.map((line) => ({ line, ...readIngredient(line, options.limits) })),
      };
    },
  );
}

// POST /api/recipes/generate: a new recipe from the AI gateway, stored for the user.
import { Type } from 'typebox';
import { requireUser } from '../../platform/auth/guard.ts';
import type { App } from '../../platform/http/service.ts';
import { type GenerationService, MAX_ATTEMPTS } from '../service/generate.ts';
import { LIMITS } from '../service/limits.ts';
import { Recipe } from './recipes.ts';
import { bearer, Difficulty, ErrorResponse, Tag } from './schemas.ts';

const GenerateBody = Type.Object(
  {
    theme: Type.String({
      minLength: 1,
      maxLength: LIMITS.theme,
      pattern: '\\S',
      description: 'What the recipe is about',
    }),
    difficulty: Type.Optional(Difficulty),
    serves: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    dietary_tags: Type.Optional(
      Type.Array(Tag, {
        maxItems: LIMITS.dietaryTags,
        description: 'e.g. vegan, gluten-free; added to the tags',
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ theme: 'a haunted pumpkin patch', difficulty: 'easy', serves: 6, dietary_tags: ['vegan'] }],
  },
);

export function registerGenerateRoutes(app: App, generation: GenerationService): void {
  app.post(
    '/api/recipes/generate',
    {
      schema: {
        tags: ['Spooky recipes'],
        summary: 'Generate a spooky recipe with AI and keep it',
        description:
          'Asks the AI gateway for a recipe in a JSON schema and stores it as your private recipe (source ai). ' +
          `A malformed answer is asked for again, at most ${MAX_ATTEMPTS} attempts in all, then 502 AI_ANSWER_INVALID. ` +
          'Every attempt counts against your AI rate limit and spends credits like any AI call; the ' +
          "gateway's errors (429 AI_RATE_LIMITED with Retry-After, 402 INSUFFICIENT_CREDITS, 503, …) come through unchanged.",
        security: bearer,
        body: GenerateBody,
        response: {
          201: Recipe,
          400: ErrorResponse,
          401: ErrorResponse,
          402: ErrorResponse,
          429: ErrorResponse,
          502: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { userId, plan } = requireUser(request);
      return reply.status(201).send(await generation.generate({ userId, plan }, request.body));
    },
  );
}

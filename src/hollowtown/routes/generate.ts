// POST /api/recipes/generate: a new recipe from the AI gateway, stored for the user. Asked with
// `Accept: text/event-stream`, the answer streams as the model writes it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { requireUser, signedInCheck } from '../../platform/auth/guard.ts';
import { clientGone } from '../../platform/http/client-gone.ts';
import { errorBody, toAppError } from '../../platform/http/error-handler.ts';
import { AiModelName } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import { openSse, type SseStream } from '../../platform/http/sse.ts';
import { type GenerationProgress, type GenerationService, MAX_ATTEMPTS } from '../service/generate.ts';
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
    model: Type.Optional(AiModelName),
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
          "gateway's errors (429 AI_RATE_LIMITED with Retry-After, 402 INSUFFICIENT_CREDITS, 503, …) come through unchanged.\n\n" +
          'With `Accept: text/event-stream` the recipe is watched as it is written: server-sent events `attempt` ' +
          '({attempt, of, reason?}: a try starts; reason says why the last answer was asked for again), `text` ' +
          "({delta}: the next piece of the model's JSON), then `recipe` (the stored recipe, as the 201 body) or `error` " +
          '({error: {code, message}, status}). An error before the model wrote anything is an ordinary HTTP error ' +
          'response instead. Leaving the stream cancels the generation.',
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
      const { userId, plan, token } = requireUser(request);
      const caller = { userId, plan, accessToken: token, assertSignedIn: signedInCheck(request) };
      if (!wantsEventStream(request)) {
        return reply.status(201).send(await generation.generate(caller, request.body));
      }
      await streamGeneration(request, reply, (onProgress, signal) =>
        generation.generate(caller, request.body, { onProgress, signal }),
      );
    },
  );
}

const wantsEventStream = (request: FastifyRequest) =>
  (request.headers.accept ?? '').toLowerCase().includes('text/event-stream');

/**
 * Runs a generation with its progress as server-sent events. The stream opens with the model's
 * first words, so that what fails before them (limits, credits, no model) answers with its
 * ordinary status and Retry-After; the first attempt's announcement waits until then.
 */
async function streamGeneration(
  request: FastifyRequest,
  reply: FastifyReply,
  run: (onProgress: (progress: GenerationProgress) => void, signal: AbortSignal) => Promise<unknown>,
): Promise<void> {
  const gone = clientGone(request, reply);
  let stream: SseStream | undefined;
  const held: GenerationProgress[] = [];
  const send = (progress: GenerationProgress) => {
    if (!stream) {
      if (progress.type !== 'text') {
        held.push(progress);
        return;
      }
      stream = openSse(request, reply);
      for (const early of held.splice(0)) stream.send({ event: early.type, data: withoutType(early) });
    }
    stream.send({ event: progress.type, data: withoutType(progress) });
  };
  try {
    const recipe = await run(send, gone);
    if (!stream) stream = openSse(request, reply);
    stream.send({ event: 'recipe', data: recipe });
  } catch (error) {
    if (!stream) throw error;
    // The watcher left, which stopped the model: nobody to tell.
    if (gone.aborted) return;
    const appError = toAppError(error as Error, request);
    if (appError.status >= 500) request.log.error({ err: error }, 'recipe generation failed mid-stream');
    stream.send({ event: 'error', data: { ...errorBody(appError), status: appError.status } });
  } finally {
    stream?.close();
  }
}

const withoutType = ({ type: _type, ...data }: GenerationProgress) => data;

// Embeddings through the gateway, metered per input token and limited as chat is: Ollama's
// /api/embed and its older /api/embeddings (`prompt` → `embedding`) on the pool, and OpenAI's
// /v1/embeddings, answered by the pool's /api/embed or, for an OpenAI model, by OpenAI with the
// user's (or the platform's) key.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { clientGone } from '../../platform/http/client-gone.ts';
import { bearer } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import { AiErrors } from '../errors.ts';
import { parseOpenAIEmbeddings } from '../formats/embeddings.ts';
import type { GatewayDeps } from '../gateway/deps.ts';
import { startRun } from '../gateway/execute.ts';
import { type Route, routeCall } from '../gateway/route.ts';
import { endpoint, postJson } from '../providers/http.ts';
import { providerOfModel } from '../providers/registry.ts';
import type { Usage } from '../providers/types.ts';
import { allowsFallback, callerOf, limitHeaders } from './caller.ts';
import { OllamaErrorResponse, OpenAIErrorResponse } from './dialects.ts';

const BODY_LIMIT = 16 * 1024 * 1024;
type JsonObject = Record<string, unknown>;

const promptUsage = (promptTokens: unknown): Usage | undefined =>
  typeof promptTokens === 'number' && Number.isFinite(promptTokens)
    ? { promptTokens, completionTokens: 0, cachedPromptTokens: 0 }
    : undefined;

/** Where an embeddings call goes; each endpoint refuses a fallback (a chat model's vectors would be worthless). */
async function embeddingRoute(deps: GatewayDeps, request: FastifyRequest, model: string): Promise<Route> {
  return routeCall(
    deps.identity,
    deps.config,
    callerOf(request),
    model,
    (m) => deps.pool.hasModel(m),
    allowsFallback(request),
  );
}

/**
 * One embeddings call under the user's limits and credits: POSTs `body` to `path` of the
 * leased Ollama instance (or of the provider), and answers the upstream's JSON body.
 */
async function runEmbedding(
  deps: GatewayDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  spec: {
    route: Route;
    endpoint: string;
    path: string;
    body: JsonObject;
    texts: string[];
    usageOf: (body: JsonObject) => Usage | undefined;
  },
): Promise<JsonObject> {
  const { route } = spec;
  const run = await startRun<JsonObject>(deps, {
    caller: callerOf(request),
    endpoint: spec.endpoint,
    route,
    requestId: request.id,
    signal: clientGone(request, reply),
    promptText: spec.texts.join('\n'),
    maxCompletionTokens: 0,
    async *start(target, signal) {
      const response = await postJson(endpoint(target.baseUrl, spec.path), spec.body, {
        signal,
        provider: route.provider,
        headers: target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {},
      });
      yield (await response.json()) as JsonObject;
    },
    usageOf: spec.usageOf,
    textOf: () => '',
  });
  limitHeaders(reply, run.limit);
  reply.header('x-calos-upstream', route.provider);
  for await (const body of run.items) return body;
  throw AiErrors.upstreamFailed(route.provider, 'gave no embeddings');
}

/** A vector as OpenAI's `encoding_format: "base64"` carries it: little-endian float32 bytes. */
const base64Vector = (vector: number[]): string =>
  Buffer.from(new Float32Array(vector).buffer).toString('base64');

export function registerOllamaEmbeddingRoutes(app: App, deps: GatewayDeps) {
  const ollamaRoute = async (request: FastifyRequest, model: string) => {
    const route = await embeddingRoute(deps, request, model);
    if (route.provider !== 'ollama' || route.fallbackReason) throw AiErrors.embedNeedsOllamaModel();
    return route;
  };

  app.post(
    '/api/embed',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        tags: ['ollama'],
        summary: 'Embeddings from an Ollama model (Ollama /api/embed)',
        security: bearer,
        body: Type.Object(
          {
            model: Type.String({ minLength: 1, maxLength: 200 }),
            input: Type.Union([
              Type.String({ maxLength: 1_000_000 }),
              Type.Array(Type.String({ maxLength: 1_000_000 }), { maxItems: 2048 }),
            ]),
            truncate: Type.Optional(Type.Boolean()),
            options: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
            keep_alive: Type.Optional(Type.Union([Type.String(), Type.Number()])),
            dimensions: Type.Optional(Type.Integer({ minimum: 1 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Unsafe<unknown>({ description: 'Ollama embeddings' }),
          400: OllamaErrorResponse,
          401: OllamaErrorResponse,
          402: OllamaErrorResponse,
          404: OllamaErrorResponse,
          429: OllamaErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const route = await ollamaRoute(request, request.body.model);
      const input = request.body.input;
      return runEmbedding(deps, request, reply, {
        route,
        endpoint: 'api/embed',
        path: '/api/embed',
        body: { ...request.body, model: route.model },
        texts: Array.isArray(input) ? input : [input],
        usageOf: (body) => promptUsage(body.prompt_eval_count ?? 0),
      });
    },
  );

  app.post(
    '/api/embeddings',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        tags: ['ollama'],
        summary: 'One embedding from an Ollama model (Ollama /api/embeddings, superseded by /api/embed)',
        description:
          'Ollama reports no token count here: the call is metered on an estimate of its prompt (4 characters a token).',
        security: bearer,
        body: Type.Object(
          {
            model: Type.String({ minLength: 1, maxLength: 200 }),
            prompt: Type.Optional(Type.String({ maxLength: 1_000_000 })),
            options: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
            keep_alive: Type.Optional(Type.Union([Type.String(), Type.Number()])),
            truncate: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ embedding: Type.Array(Type.Number()) }),
          400: OllamaErrorResponse,
          401: OllamaErrorResponse,
          402: OllamaErrorResponse,
          404: OllamaErrorResponse,
          429: OllamaErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const route = await ollamaRoute(request, request.body.model);
      const body = await runEmbedding(deps, request, reply, {
        route,
        endpoint: 'api/embeddings',
        path: '/api/embeddings',
        body: { ...request.body, model: route.model },
        texts: [request.body.prompt ?? ''],
        // The legacy endpoint has no counts: the run estimates them from the prompt.
        usageOf: () => undefined,
      });
      return { embedding: Array.isArray(body.embedding) ? (body.embedding as number[]) : [] };
    },
  );
}

export function registerOpenAIEmbeddingRoutes(app: App, deps: GatewayDeps) {
  app.post(
    '/v1/embeddings',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        tags: ['openai'],
        summary: 'Embeddings, OpenAI-compatible (Ollama models of the pool, or OpenAI models with a key)',
        description:
          '`input` is a string or a list of up to 2048 strings (token arrays only for OpenAI models); ' +
          '`encoding_format` float or base64; `dimensions` shortens the vectors. Metered per input token ' +
          "at the model's prompt price.",
        security: bearer,
        body: Type.Object({}, { additionalProperties: true }),
        response: {
          200: Type.Unsafe<unknown>({ description: 'A list of embedding objects with usage' }),
          400: OpenAIErrorResponse,
          401: OpenAIErrorResponse,
          402: OpenAIErrorResponse,
          403: OpenAIErrorResponse,
          404: OpenAIErrorResponse,
          429: OpenAIErrorResponse,
          503: OpenAIErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const call = parseOpenAIEmbeddings(request.body);
      const route = await embeddingRoute(deps, request, call.model);
      if (route.fallbackReason) {
        const provider = providerOfModel(route.requestedModel);
        throw route.fallbackReason === 'plan_excludes_premium'
          ? AiErrors.premiumModelNotInPlan(route.requestedModel, provider)
          : AiErrors.providerKeyRequired(route.requestedModel, provider);
      }
      if (route.provider === 'openai') {
        // OpenAI answers in its own shape already.
        return runEmbedding(deps, request, reply, {
          route,
          endpoint: 'v1/embeddings',
          path: '/v1/embeddings',
          body: { ...(request.body as JsonObject), model: route.model },
          texts: call.texts,
          usageOf: (body) => promptUsage((body.usage as JsonObject | undefined)?.prompt_tokens),
        });
      }
      if (route.provider !== 'ollama') throw AiErrors.notSupportedByProvider('Embeddings', route.provider);
      if (call.tokens) throw AiErrors.tokenInputNeedsOpenAI();
      const body = await runEmbedding(deps, request, reply, {
        route,
        endpoint: 'v1/embeddings',
        path: '/api/embed',
        body: {
          model: route.model,
          input: call.texts,
          ...(call.dimensions !== undefined ? { dimensions: call.dimensions } : {}),
        },
        texts: call.texts,
        usageOf: (body) => promptUsage(body.prompt_eval_count ?? 0),
      });
      const vectors = Array.isArray(body.embeddings) ? (body.embeddings as number[][]) : [];
      const promptTokens = typeof body.prompt_eval_count === 'number' ? body.prompt_eval_count : 0;
      return {
        object: 'list',
        data: vectors.map((vector, index) => ({
          object: 'embedding',
          index,
          embedding: call.encodingFormat === 'base64' ? base64Vector(vector) : vector,
        })),
        model: route.model,
        usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
      };
    },
  );
}

// The OpenAI-compatible API under /ai/v1/*: chat completions (whole, or streamed as SSE ending
// with `data: [DONE]`, with usage when stream_options.include_usage asks) and the model list,
// so the official `openai` client works with baseURL …/ai/v1 and a CALOS access token as key.

import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { endReasonMessage, type GuardedAnswer, guardAnswer } from '../../platform/http/caller-access.ts';
import { clientGone } from '../../platform/http/client-gone.ts';
import { bearer } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import { AiErrors } from '../errors.ts';
import {
  type ChunkOptions,
  openaiChunk,
  openaiCompletion,
  openaiCompletionId,
  openaiToolCallDelta,
  openaiUsageChunk,
  parseOpenAIChat,
  SSE_DONE,
  sseData,
} from '../formats/openai.ts';
import { collectChat, startChat } from '../gateway/chat.ts';
import type { GatewayDeps } from '../gateway/deps.ts';
import { toClientError } from '../gateway/errors.ts';
import type { Run } from '../gateway/execute.ts';
import type { CallLimit } from '../limits/call-limit.ts';
import { normalizeOllamaModel } from '../providers/registry.ts';
import type { ChatEvent, Usage } from '../providers/types.ts';
import { allowsFallback, callerOf, limitHeaders } from './caller.ts';
import { OpenAIErrorResponse, openaiErrorBody } from './dialects.ts';

/** The chunks of one answer (choice `index`) of a stream. */
async function* choiceChunks(run: Run<ChatEvent>, id: string, options: ChunkOptions, index: number) {
  const model = run.route.model;
  yield sseData(openaiChunk(id, model, { role: 'assistant', content: '' }, undefined, options, index));
  let hasToolCalls = false;
  for await (const event of run.items) {
    if (event.type === 'delta') {
      if (event.content) yield sseData(openaiChunk(id, model, event.content, undefined, options, index));
    } else if (event.type === 'tool_call') {
      hasToolCalls = true;
      yield sseData(openaiChunk(id, model, openaiToolCallDelta(event), undefined, options, index));
    } else {
      const reason = hasToolCalls ? 'tool_calls' : event.doneReason;
      yield sseData(openaiChunk(id, model, {}, reason, options, index));
    }
  }
}

/** The answers one after another (each chunk names its choice), the summed usage, [DONE]. */
async function* renderSse(
  runs: Run<ChatEvent>[],
  id: string,
  includeUsage: boolean,
  created: number,
  guard: GuardedAnswer | undefined,
) {
  const options = { created, includeUsage };
  let current = runs[0] as Run<ChatEvent>;
  try {
    for (const [index, run] of runs.entries()) {
      current = run;
      yield* choiceChunks(run, id, options, index);
    }
    if (includeUsage) yield sseData(openaiUsageChunk(id, current.route.model, sumUsage(runs), created));
  } catch (error) {
    // A stream cut because the caller's access ended says why, in OpenAI's error shape.
    const reason = guard?.endReason;
    const clientError = toClientError(error, current.route.provider, current.route.byok);
    yield sseData(
      reason
        ? { error: { message: endReasonMessage[reason], type: 'access_ended', code: reason, param: null } }
        : openaiErrorBody(clientError),
    );
  } finally {
    // Answers not reached (the client left, or an earlier one broke) end too: credits settle.
    await Promise.all(runs.map((run) => closeRun(run)));
  }
  yield SSE_DONE;
}

export const sumUsage = (runs: Run<ChatEvent>[]): Usage =>
  runs.reduce<Usage>(
    (sum, run) => ({
      promptTokens: sum.promptTokens + (run.summary?.usage.promptTokens ?? 0),
      completionTokens: sum.completionTokens + (run.summary?.usage.completionTokens ?? 0),
      cachedPromptTokens: sum.cachedPromptTokens + (run.summary?.usage.cachedPromptTokens ?? 0),
    }),
    { promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0 },
  );

/**
 * Ends a run whose items may never have been read: a generator that never started skips its
 * `finally`, so the first item is read (starting it) before returning, which settles the run.
 */
export async function closeRun(run: Run<ChatEvent>) {
  if (run.summary) return;
  try {
    for await (const _ of run.items) break;
  } catch {
    // The run recorded its own failure.
  }
}

/**
 * `n` answers: each is a call of its own, admitted, metered and logged as chat is. All start
 * before anything is sent, so a refusal is still a plain error response.
 */
export async function startChoices(
  count: number,
  start: (index: number) => Promise<Run<ChatEvent>>,
): Promise<Run<ChatEvent>[]> {
  // One answer (nearly every call): nothing else to close if it fails.
  if (count === 1) return [await start(0)];
  const settled = await Promise.allSettled(Array.from({ length: count }, (_, i) => start(i)));
  const runs = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(runs.map((run) => closeRun(run)));
    throw failed.reason;
  }
  return runs;
}

const METADATA_LIMIT_NOTE =
  'Limited per user with the other model listings and details (CALOS_AI_METADATA_PER_MINUTE, 429 beyond).';

export function registerOpenAIRoutes(app: App, deps: GatewayDeps, limit: CallLimit) {
  app.post(
    '/v1/chat/completions',
    {
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags: ['openai'],
        summary: 'Chat completions, OpenAI-compatible (whole or streamed as server-sent events)',
        description:
          'Use your CALOS access token as the API key. gpt-*, o*, claude-* and deepseek-* models use your own key for that ' +
          'provider; other names are Ollama models of the pool. Without a model, your preferred model answers ' +
          '(GET/PUT /ai/api/preferences), else the platform default.',
        security: bearer,
        body: Type.Object({}, { additionalProperties: true }),
        response: {
          200: Type.Unsafe<unknown>({ description: 'The answer, whole or streamed' }),
          400: OpenAIErrorResponse,
          401: OpenAIErrorResponse,
          402: OpenAIErrorResponse,
          403: OpenAIErrorResponse,
          429: OpenAIErrorResponse,
          503: OpenAIErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { choices, includeUsage, ...call } = parseOpenAIChat(request.body);
      // A stream lasts as long as the caller's access (session, account, token expiry).
      const guard = call.stream ? guardAnswer(request, reply) : undefined;
      const signal = guard?.signal ?? clientGone(request, reply);
      const runs = await startChoices(choices, (index) =>
        startChat(deps, {
          caller,
          endpoint: 'v1/chat/completions',
          requestId: index === 0 ? request.id : `${request.id}:${index}`,
          signal,
          model: call.model || undefined,
          call,
          allowFallback: allowsFallback(request),
        }),
      );
      const run = runs[0] as Run<ChatEvent>;
      limitHeaders(reply, run.limit);
      if (run.route.fallbackReason) {
        reply.header(
          'x-calos-fallback',
          `${run.route.fallbackReason}; requested=${run.route.requestedModel}`,
        );
      }
      reply.header('x-calos-upstream', run.route.provider);
      const id = openaiCompletionId();
      if (!call.stream) {
        const answers = await Promise.all(runs.map((r) => collectChat(r)));
        return openaiCompletion(
          id,
          run.route.model,
          answers.map(({ text, done, toolCalls }) => ({
            content: text,
            toolCalls,
            finishReason: done?.doneReason ?? 'stop',
          })),
          sumUsage(runs),
          'stop',
          Math.floor(deps.clock.nowMs() / 1000),
        );
      }
      reply.header('content-type', 'text/event-stream; charset=utf-8');
      reply.header('cache-control', 'no-cache');
      return reply.send(
        Readable.from(renderSse(runs, id, includeUsage, Math.floor(deps.clock.nowMs() / 1000), guard)),
      );
    },
  );

  app.get(
    '/v1/models',
    {
      schema: {
        tags: ['openai'],
        summary: 'Models of the pool, OpenAI-compatible',
        description: METADATA_LIMIT_NOTE,
        security: bearer,
        response: {
          200: Type.Unsafe<unknown>({ description: 'A list of models' }),
          401: OpenAIErrorResponse,
          429: OpenAIErrorResponse,
        },
      },
    },
    async (request) => {
      await limit.admit(callerOf(request).userId);
      const created = Math.floor(deps.clock.nowMs() / 1000);
      return {
        object: 'list',
        data: [...deps.pool.models()]
          .sort()
          .map((id) => ({ id, object: 'model', created, owned_by: 'ollama' })),
      };
    },
  );

  app.get(
    '/v1/models/:model',
    {
      schema: {
        tags: ['openai'],
        summary: 'One model of the pool, OpenAI-compatible (404 when no instance has it)',
        description: METADATA_LIMIT_NOTE,
        security: bearer,
        params: Type.Object({ model: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: {
          200: Type.Object({
            id: Type.String(),
            object: Type.Literal('model'),
            created: Type.Integer(),
            owned_by: Type.String(),
          }),
          401: OpenAIErrorResponse,
          404: OpenAIErrorResponse,
          429: OpenAIErrorResponse,
        },
      },
    },
    async (request) => {
      await limit.admit(callerOf(request).userId);
      const models = deps.pool.models();
      const asked = request.params.model;
      const id = models.has(asked) ? asked : normalizeOllamaModel(asked);
      if (!models.has(id)) {
        throw AiErrors.modelNotFound(asked);
      }
      return {
        id,
        object: 'model' as const,
        created: Math.floor(deps.clock.nowMs() / 1000),
        owned_by: 'ollama',
      };
    },
  );
}

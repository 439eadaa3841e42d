// The Ollama-native API under /ai/api/*: chat and generate (streamed as NDJSON, object by object
// as the upstream produces them), embed, and the pool's merged tags, ps and version, so the
// official `ollama` client works against the gateway unchanged.

import { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { Clock } from '../../platform/clock.ts';
import { endReasonMessage, type GuardedAnswer, guardAnswer } from '../../platform/http/caller-access.ts';
import { clientGone } from '../../platform/http/client-gone.ts';
import { bearer } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import { AiErrors } from '../errors.ts';
import { checkOllamaGenerate } from '../formats/ollama-generate.ts';
import {
  measureDurations,
  ndjsonLine,
  type OllamaDurations,
  ollamaChatChunk,
  ollamaChatFinal,
  ollamaError,
  ollamaGenerateChunk,
  ollamaGenerateFinal,
  parseOllamaChat,
  parseOllamaGenerate,
} from '../formats/ollama-native.ts';
import { ToolCallCollector } from '../formats/tool-calls.ts';
import { chatPromptTokenCeiling, collectChat, promptTextOf, startChat } from '../gateway/chat.ts';
import type { GatewayDeps } from '../gateway/deps.ts';
import { toClientError } from '../gateway/errors.ts';
import type { Run } from '../gateway/execute.ts';
import { type Route, routeCall } from '../gateway/route.ts';
import type { CallLimit } from '../limits/call-limit.ts';
import { promptTokenCeiling } from '../metering/holds.ts';
import { endpoint, request as upstreamRequest } from '../providers/http.ts';
import type { ChatEvent, Timings } from '../providers/types.ts';
import { allowsFallback, callerOf, limitHeaders } from './caller.ts';
import { OllamaErrorResponse } from './dialects.ts';
import { passOllamaThrough } from './ollama-passthrough.ts';

const AnyBody = Type.Object({}, { additionalProperties: true });
/** Images travel base64 in the body. */
const CHAT_BODY_LIMIT = 16 * 1024 * 1024;

type Kind = 'chat' | 'generate';

const durationsOf = (timings: Timings | undefined, measured: OllamaDurations): OllamaDurations =>
  timings?.totalNs
    ? {
        total: timings.totalNs,
        load: timings.loadNs ?? 0,
        promptEval: timings.promptEvalNs ?? 0,
        eval: timings.evalNs ?? 0,
      }
    : measured;

async function* renderNdjson(
  run: Run<ChatEvent>,
  kind: Kind,
  startedAt: bigint,
  provider: string,
  byok: boolean,
  clock: Clock,
  guard: GuardedAnswer,
) {
  const model = run.route.model;
  let firstTokenAt: bigint | undefined;
  const tools = new ToolCallCollector();
  // The final object goes out once the run has ended (credits settled), so a client that has it
  // and reads its balance sees the call paid for.
  let final: string | undefined;
  try {
    for await (const event of run.items) {
      if (event.type === 'tool_call') {
        // Ollama sends whole calls: pieces are put together and sent before the last object.
        firstTokenAt ??= process.hrtime.bigint();
        tools.add(event);
      } else if (event.type === 'delta') {
        firstTokenAt ??= process.hrtime.bigint();
        yield ndjsonLine(
          kind === 'chat'
            ? ollamaChatChunk(model, event.content, clock.now())
            : ollamaGenerateChunk(model, event.content, clock.now()),
        );
      } else {
        if (tools.size > 0 && kind === 'chat')
          yield ndjsonLine(ollamaChatChunk(model, '', clock.now(), tools.calls()));
        const durations = durationsOf(event.timings, measureDurations(startedAt, firstTokenAt));
        final = ndjsonLine(
          kind === 'chat'
            ? ollamaChatFinal(model, event.usage, event.doneReason, durations, '', clock.now())
            : ollamaGenerateFinal(model, event.usage, event.doneReason, durations, '', clock.now()),
        );
      }
    }
    if (final) yield final;
  } catch (error) {
    // Headers are gone: Ollama reports a failure inside the stream as an {"error": …} object,
    // and so does a stream cut because the caller's access ended.
    const reason = guard.endReason;
    yield ndjsonLine(
      reason
        ? { ...ollamaError(endReasonMessage[reason]), reason }
        : ollamaError(toClientError(error, provider, byok).message),
    );
  }
}

const METADATA_LIMIT_NOTE =
  'Limited per user with the other model listings and details (CALOS_AI_METADATA_PER_MINUTE, 429 beyond).';

export function registerOllamaRoutes(app: App, deps: GatewayDeps, limit: CallLimit) {
  for (const kind of ['chat', 'generate'] as const) {
    app.post(
      `/api/${kind}`,
      {
        bodyLimit: CHAT_BODY_LIMIT,
        schema: {
          tags: ['ollama'],
          summary:
            kind === 'chat'
              ? 'Chat with a model (Ollama /api/chat); streams NDJSON unless stream is false'
              : 'Complete a prompt (Ollama /api/generate); streams NDJSON unless stream is false',
          description:
            'Models of OpenAI (gpt-*, o*), Anthropic (claude-*) and DeepSeek (deepseek-*) go to that provider with your own key; ' +
            'without one, your fallback model answers and X-CALOS-Fallback says why.' +
            (kind === 'generate'
              ? ' A model of the pool gets the request as sent (raw, suffix, context, images, system, template, format, ' +
                'think, keep_alive, options) and its answer comes back as Ollama wrote it.'
              : ''),
          security: bearer,
          body: AnyBody,
          response: {
            200: Type.Unsafe<unknown>({ description: 'The answer, whole or streamed' }),
            400: OllamaErrorResponse,
            401: OllamaErrorResponse,
            402: OllamaErrorResponse,
            403: OllamaErrorResponse,
            429: OllamaErrorResponse,
            503: OllamaErrorResponse,
          },
        },
      },
      async (request, reply) => {
        const startedAt = process.hrtime.bigint();
        const caller = callerOf(request);
        let route: Route | undefined;
        if (kind === 'generate') {
          // An Ollama model gets the request as sent; a provider's model gets it translated.
          const checked = checkOllamaGenerate(request.body);
          route = await routeCall(
            deps.identity,
            deps.config,
            caller,
            checked.model,
            (m) => deps.pool.hasModel(m),
            allowsFallback(request),
          );
          if (route.provider === 'ollama')
            return passOllamaThrough(deps, request, reply, route, {
              kind,
              body: checked.body,
              stream: checked.stream,
              maxTokens: checked.maxTokens,
              promptText: checked.texts.join('\n'),
              promptTokenCeiling:
                promptTokenCeiling({ texts: checked.texts, messages: 2, images: checked.images }) +
                checked.contextTokens,
            });
        }
        const call = kind === 'chat' ? parseOllamaChat(request.body) : parseOllamaGenerate(request.body);
        if (call.messages.length === 0) {
          throw AiErrors.emptyPrompt(
            kind === 'chat' ? 'messages must not be empty' : 'prompt must not be empty',
          );
        }
        if (kind === 'chat') {
          // An Ollama model gets the chat as sent, nothing to translate; a provider's model gets it translated.
          route = await routeCall(
            deps.identity,
            deps.config,
            caller,
            call.model,
            (m) => deps.pool.hasModel(m),
            allowsFallback(request),
          );
          if (route.provider === 'ollama')
            return passOllamaThrough(deps, request, reply, route, {
              kind,
              body: request.body as Record<string, unknown>,
              stream: call.stream,
              maxTokens: call.maxTokens,
              promptText: promptTextOf(call),
              promptTokenCeiling: chatPromptTokenCeiling(call),
            });
        }
        // A stream lasts as long as the caller's access (session, account, token expiry).
        const guard = call.stream ? guardAnswer(request, reply) : undefined;
        const run = await startChat(deps, {
          caller,
          endpoint: `api/${kind}`,
          requestId: request.id,
          signal: guard?.signal ?? clientGone(request, reply),
          model: call.model,
          call,
          allowFallback: allowsFallback(request),
          route,
        });
        limitHeaders(reply, run.limit);
        if (run.route.fallbackReason) {
          reply.header(
            'x-calos-fallback',
            `${run.route.fallbackReason}; requested=${run.route.requestedModel}`,
          );
        }
        if (run.instance) reply.header('x-calos-upstream', 'ollama');
        else reply.header('x-calos-upstream', run.route.provider);
        if (!call.stream) {
          const { text, done, toolCalls } = await collectChat(run);
          const usage = done?.usage ?? { promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0 };
          const durations = durationsOf(done?.timings, measureDurations(startedAt));
          return kind === 'chat'
            ? ollamaChatFinal(
                run.route.model,
                usage,
                done?.doneReason ?? 'stop',
                durations,
                text,
                deps.clock.now(),
                toolCalls,
              )
            : ollamaGenerateFinal(
                run.route.model,
                usage,
                done?.doneReason ?? 'stop',
                durations,
                text,
                deps.clock.now(),
              );
        }
        reply.header('content-type', 'application/x-ndjson');
        return reply.send(
          Readable.from(
            renderNdjson(
              run,
              kind,
              startedAt,
              run.route.provider,
              run.route.byok,
              deps.clock,
              guard as GuardedAnswer,
            ),
          ),
        );
      },
    );
  }

  app.get(
    '/api/tags',
    {
      schema: {
        tags: ['ollama'],
        summary: 'Models of every healthy instance, merged (Ollama /api/tags)',
        description: METADATA_LIMIT_NOTE,
        security: bearer,
        response: {
          200: Type.Unsafe<unknown>({ description: "Ollama's answer" }),
          401: OllamaErrorResponse,
          429: OllamaErrorResponse,
        },
      },
    },
    async (request) => {
      await limit.admit(callerOf(request).userId);
      return { models: await mergedModels(deps, '/api/tags') };
    },
  );

  app.get(
    '/api/ps',
    {
      schema: {
        tags: ['ollama'],
        summary: 'Models loaded on every healthy instance, merged (Ollama /api/ps)',
        description: METADATA_LIMIT_NOTE,
        security: bearer,
        response: {
          200: Type.Unsafe<unknown>({ description: "Ollama's answer" }),
          401: OllamaErrorResponse,
          429: OllamaErrorResponse,
        },
      },
    },
    async (request) => {
      await limit.admit(callerOf(request).userId);
      return { models: await mergedModels(deps, '/api/ps') };
    },
  );

  app.get(
    '/api/version',
    {
      schema: {
        tags: ['ollama'],
        summary: 'The oldest Ollama version in the pool (Ollama /api/version)',
        description: METADATA_LIMIT_NOTE,
        security: bearer,
        response: {
          200: Type.Unsafe<unknown>({ description: "Ollama's answer" }),
          401: OllamaErrorResponse,
          429: OllamaErrorResponse,
        },
      },
    },
    async (request) => {
      await limit.admit(callerOf(request).userId);
      const versions = deps.pool
        .available()
        .map((i) => i.version)
        .filter((v): v is string => v !== null)
        .sort(compareVersions);
      return { version: versions[0] ?? '0.0.0' };
    },
  );
}

/** Each healthy instance's list, fetched now, merged by model name (first instance wins). */
async function mergedModels(deps: GatewayDeps, path: '/api/tags' | '/api/ps') {
  const lists = await Promise.all(
    deps.pool.available().map(async (instance) => {
      try {
        const response = await upstreamRequest(endpoint(instance.url, path), {
          provider: 'ollama',
          headersTimeoutMs: 2000,
          bodyTimeoutMs: 2000,
        });
        if (response.status !== 200) {
          response.cancel();
          return [];
        }
        const body = (await response.json()) as { models?: { name?: string; model?: string }[] };
        return Array.isArray(body.models) ? body.models : [];
      } catch {
        return [];
      }
    }),
  );
  const merged = new Map<string, unknown>();
  for (const model of lists.flat()) {
    const name = model.name ?? model.model;
    if (typeof name === 'string' && !merged.has(name)) merged.set(name, model);
  }
  return [...merged.values()];
}

function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const diff = (x[i] ?? 0) - (y[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

// The OpenAI-compatible API under /ai/v1/*: chat completions (whole, or streamed as SSE ending
// with `data: [DONE]`, with usage when stream_options.include_usage asks) and the model list,
// so the official `openai` client works with baseURL …/ai/v1 and a CALOS access token as key.
import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { clientGone } from '../../platform/http/client-gone.ts';
import type { App } from '../../platform/http/service.ts';
import {
  openaiChunk,
  openaiCompletion,
  openaiCompletionId,
  openaiUsageChunk,
  parseOpenAIChat,
  SSE_DONE,
  sseData,
} from '../formats/openai.ts';
import { collectChat, startChat } from '../gateway/chat.ts';
import { toClientError } from '../gateway/errors.ts';
import type { GatewayDeps, Run } from '../gateway/execute.ts';
import type { ChatEvent } from '../providers/types.ts';
import { callerOf, limitHeaders } from './caller.ts';
import { OpenAIErrorResponse } from './dialects.ts';

const bearer = [{ bearerAuth: [] }];

async function* renderSse(run: Run<ChatEvent>, id: string, includeUsage: boolean, created: number) {
  const model = run.route.model;
  const options = { created, includeUsage };
  yield sseData(openaiChunk(id, model, { role: 'assistant', content: '' }, undefined, options));
  try {
    for await (const event of run.items) {
      if (event.type === 'delta') {
        if (event.content) yield sseData(openaiChunk(id, model, event.content, undefined, options));
      } else {
        yield sseData(openaiChunk(id, model, {}, event.doneReason, options));
        if (includeUsage) yield sseData(openaiUsageChunk(id, model, event.usage, created));
      }
    }
  } catch (error) {
    const clientError = toClientError(error, run.route.provider, run.route.byok);
    yield sseData({
      error: { message: clientError.message, type: 'server_error', code: clientError.code, param: null },
    });
  }
  yield SSE_DONE;
}

export function registerOpenAIRoutes(app: App, deps: GatewayDeps) {
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
          429: OpenAIErrorResponse,
          503: OpenAIErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const call = parseOpenAIChat(request.body);
      const run = await startChat(deps, {
        caller,
        endpoint: 'v1/chat/completions',
        requestId: request.id,
        signal: clientGone(request, reply),
        model: call.model || undefined,
        call,
      });
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
        const { text, done } = await collectChat(run);
        return openaiCompletion(
          id,
          run.route.model,
          text,
          done?.usage ?? { promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0 },
          done?.doneReason ?? 'stop',
          Math.floor(deps.clock.nowMs() / 1000),
        );
      }
      reply.header('content-type', 'text/event-stream; charset=utf-8');
      reply.header('cache-control', 'no-cache');
      return reply.send(
        Readable.from(renderSse(run, id, call.includeUsage, Math.floor(deps.clock.nowMs() / 1000))),
      );
    },
  );

  app.get(
    '/v1/models',
    { schema: { tags: ['openai'], summary: 'Models of the pool, OpenAI-compatible', security: bearer } },
    async (request) => {
      callerOf(request);
      const created = Math.floor(deps.clock.nowMs() / 1000);
      return {
        object: 'list',
        data: [...deps.pool.models()]
          .sort()
          .map((id) => ({ id, object: 'model', created, owned_by: 'ollama' })),
      };
    },
  );
}

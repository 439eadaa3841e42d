// OpenAI's legacy completions (POST /v1/completions) on the Ollama pool: each prompt (times `n`)
// is an Ollama /api/generate call of its own, admitted, metered and logged as chat is, answered
// as text_completion objects, whole or streamed as SSE ending with [DONE]. An OpenAI model goes
// to OpenAI's own /v1/completions (completions-openai.ts).

import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { endReasonMessage, type GuardedAnswer, guardAnswer } from '../../platform/http/caller-access.ts';
import { clientGone } from '../../platform/http/client-gone.ts';
import { bearer } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import { AiErrors } from '../errors.ts';
import {
  type CompletionsCall,
  completionId,
  parseCompletions,
  textCompletion,
  textCompletionChunk,
  textCompletionUsageChunk,
} from '../formats/completions.ts';
import { SSE_DONE, sseData } from '../formats/openai.ts';
import { collectChat } from '../gateway/chat.ts';
import type { GatewayDeps } from '../gateway/deps.ts';
import { toClientError } from '../gateway/errors.ts';
import { type Run, startRun } from '../gateway/execute.ts';
import { type Route, routeCall } from '../gateway/route.ts';
import { promptTokenCeiling } from '../metering/holds.ts';
import { generateEvents } from '../providers/ollama-generate.ts';
import type { ChatEvent } from '../providers/types.ts';
import { allowsFallback, callerOf, limitHeaders } from './caller.ts';
import { serveOpenAICompletions } from './completions-openai.ts';
import { OpenAIErrorResponse, openaiErrorBody } from './dialects.ts';
import { closeRun, startChoices, sumUsage } from './openai.ts';

function startCompletion(
  deps: GatewayDeps,
  request: FastifyRequest,
  route: Route,
  call: CompletionsCall,
  prompt: string,
  index: number,
  signal: AbortSignal,
): Promise<Run<ChatEvent>> {
  const texts = [prompt, ...(call.suffix ? [call.suffix] : [])];
  return startRun<ChatEvent>(deps, {
    caller: callerOf(request),
    endpoint: 'v1/completions',
    route,
    requestId: index === 0 ? request.id : `${request.id}:${index}`,
    signal,
    promptText: texts.join('\n'),
    promptTokenCeiling: promptTokenCeiling({ texts, messages: 1 }),
    maxCompletionTokens: call.maxTokens,
    start: (target, upstreamSignal, bounds) =>
      generateEvents(
        target,
        {
          model: route.model,
          prompt,
          ...(call.suffix ? { suffix: call.suffix } : {}),
          stream: call.stream,
          options: { ...call.options, num_predict: bounds.maxOutputTokens ?? call.maxTokens },
        },
        upstreamSignal,
      ),
    usageOf: (event) => (event.type === 'done' ? event.usage : undefined),
    textOf: (event) => (event.type === 'delta' ? event.content : ''),
  });
}

async function* renderSse(
  runs: Run<ChatEvent>[],
  call: CompletionsCall,
  id: string,
  model: string,
  created: number,
  guard: GuardedAnswer,
) {
  let current = runs[0] as Run<ChatEvent>;
  try {
    for (const [index, run] of runs.entries()) {
      current = run;
      if (call.echo) yield sseData(textCompletionChunk(id, model, created, index, promptOf(call, index)));
      for await (const event of run.items) {
        if (event.type === 'delta')
          yield sseData(textCompletionChunk(id, model, created, index, event.content));
        else if (event.type === 'done')
          yield sseData(textCompletionChunk(id, model, created, index, '', event.doneReason));
      }
    }
    if (call.includeUsage) yield sseData(textCompletionUsageChunk(id, model, created, sumUsage(runs)));
  } catch (error) {
    const reason = guard.endReason;
    yield sseData(
      reason
        ? { error: { message: endReasonMessage[reason], type: 'access_ended', code: reason, param: null } }
        : openaiErrorBody(toClientError(error, current.route.provider, current.route.byok)),
    );
  } finally {
    await Promise.all(runs.map((run) => closeRun(run)));
  }
  yield SSE_DONE;
}

/** Choice `index` answers prompt index / n. */
const promptOf = (call: CompletionsCall, index: number) => call.prompts[Math.floor(index / call.n)] as string;

export function registerCompletionRoutes(app: App, deps: GatewayDeps) {
  app.post(
    '/v1/completions',
    {
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags: ['openai'],
        summary:
          'Legacy text completions, OpenAI-compatible, on the Ollama pool or OpenAI (whole or streamed as SSE)',
        description:
          '`prompt` a string or list of strings (token arrays, one or a list, for OpenAI models only), `suffix` (fill in the middle), `max_tokens` (16 unless set, as OpenAI), ' +
          '`n`, `echo`, `stop`, `temperature`, `top_p`, `seed`, `stream` with `stream_options.include_usage`. ' +
          'Each answer is an Ollama /api/generate call, metered as chat is; an OpenAI model (your key, or the ' +
          "platform's on plans with premium models) is answered by OpenAI's /v1/completions, `best_of` included.",
        security: bearer,
        body: Type.Object({}, { additionalProperties: true }),
        response: {
          200: Type.Unsafe<unknown>({ description: 'A text_completion, whole or streamed' }),
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
    async (request: FastifyRequest, reply: FastifyReply) => {
      const call = parseCompletions(request.body);
      const route = await routeCall(
        deps.identity,
        deps.config,
        callerOf(request),
        call.model,
        (m) => deps.pool.hasModel(m),
        allowsFallback(request),
      );
      if (route.provider === 'openai') return serveOpenAICompletions(deps, request, reply, route, call);
      // Token ids are OpenAI's tokenizer's: an Ollama model (a fallback too) cannot honour them.
      if (call.promptTokens !== undefined) throw AiErrors.tokenInputNeedsOpenAI('prompt', route.model);
      if (route.provider !== 'ollama')
        throw AiErrors.notSupportedByProvider('The legacy completions API', route.provider);
      const guard = call.stream ? guardAnswer(request, reply) : undefined;
      const signal = guard?.signal ?? clientGone(request, reply);
      const runs = await startChoices(call.prompts.length * call.n, (index) =>
        startCompletion(deps, request, route, call, promptOf(call, index), index, signal),
      );
      limitHeaders(reply, (runs[0] as Run<ChatEvent>).limit);
      if (route.fallbackReason)
        reply.header('x-calos-fallback', `${route.fallbackReason}; requested=${route.requestedModel}`);
      reply.header('x-calos-upstream', 'ollama');
      const id = completionId();
      const created = Math.floor(deps.clock.nowMs() / 1000);
      if (!call.stream) {
        const answers = await Promise.all(runs.map((run) => collectChat(run)));
        return textCompletion(
          id,
          route.model,
          created,
          answers.map(({ text, done }, index) => ({
            text: call.echo ? promptOf(call, index) + text : text,
            finishReason: done?.doneReason ?? 'stop',
          })),
          sumUsage(runs),
        );
      }
      reply.header('content-type', 'text/event-stream; charset=utf-8');
      reply.header('cache-control', 'no-cache');
      return reply.send(
        Readable.from(renderSse(runs, call, id, route.model, created, guard as GuardedAnswer)),
      );
    },
  );
}

// OpenAI's legacy completions for an OpenAI model (the user's key, or the platform's for a plan
// with premium models): one call to OpenAI's /v1/completions, admitted, metered and logged as
// chat is, its answer passed back whole or chunk by chunk. Usage is always asked of OpenAI (for
// metering); a caller that did not ask for it does not see it.

import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { endReasonMessage, type GuardedAnswer, guardAnswer } from '../../platform/http/caller-access.ts';
import { clientGone } from '../../platform/http/client-gone.ts';
import { AiErrors } from '../errors.ts';
import type { CompletionsCall } from '../formats/completions.ts';
import { SSE_DONE, sseData } from '../formats/openai.ts';
import type { GatewayDeps } from '../gateway/deps.ts';
import { toClientError } from '../gateway/errors.ts';
import { type Run, startRun } from '../gateway/execute.ts';
import type { Route } from '../gateway/route.ts';
import { promptTokenCeiling } from '../metering/holds.ts';
import { usageOf } from '../providers/openai.ts';
import { completionTextOf, openaiCompletions } from '../providers/openai-completions.ts';
import { callerOf, limitHeaders } from './caller.ts';
import { openaiErrorBody } from './dialects.ts';

type JsonObject = Record<string, unknown>;

async function* renderSse(run: Run<JsonObject>, call: CompletionsCall, guard: GuardedAnswer) {
  try {
    for await (const chunk of run.items) {
      if (call.includeUsage) {
        yield sseData(chunk);
        continue;
      }
      const { usage: _usage, ...rest } = chunk;
      // The usage chunk (no choices) was asked for the gateway's metering only.
      if (Array.isArray(rest.choices) && rest.choices.length === 0) continue;
      yield sseData(rest);
    }
  } catch (error) {
    const reason = guard.endReason;
    yield sseData(
      reason
        ? { error: { message: endReasonMessage[reason], type: 'access_ended', code: reason, param: null } }
        : openaiErrorBody(toClientError(error, run.route.provider, run.route.byok)),
    );
  }
  yield SSE_DONE;
}

export async function serveOpenAICompletions(
  deps: GatewayDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  route: Route,
  call: CompletionsCall,
) {
  const guard = call.stream ? guardAnswer(request, reply) : undefined;
  const texts = [...call.prompts, ...(call.suffix ? [call.suffix] : [])];
  // Every prompt is answered best_of times, each up to max_tokens: the hold covers them all.
  const answers = call.prompts.length * call.bestOf;
  const { stream_options: _streamOptions, ...asked } = request.body as JsonObject;
  const run = await startRun<JsonObject>(deps, {
    caller: callerOf(request),
    endpoint: 'v1/completions',
    route,
    requestId: request.id,
    signal: guard?.signal ?? clientGone(request, reply),
    promptText: texts.join('\n'),
    // Token prompts are sized exactly: their ids are the tokens.
    promptTokenCeiling:
      call.promptTokens === undefined
        ? promptTokenCeiling({ texts, messages: call.prompts.length })
        : promptTokenCeiling({ texts: call.suffix ? [call.suffix] : [], messages: call.prompts.length }) +
          call.promptTokens,
    maxCompletionTokens: call.maxTokens * answers,
    start: (target, signal, bounds) =>
      openaiCompletions(
        target,
        {
          ...asked,
          model: route.model,
          max_tokens:
            bounds.maxOutputTokens === undefined
              ? call.maxTokens
              : Math.min(call.maxTokens, Math.floor(bounds.maxOutputTokens / answers)),
          stream: call.stream,
          ...(call.stream ? { stream_options: { include_usage: true } } : {}),
        },
        signal,
      ),
    usageOf: (chunk) => (chunk.usage && typeof chunk.usage === 'object' ? usageOf(chunk.usage) : undefined),
    textOf: completionTextOf,
  });
  limitHeaders(reply, run.limit);
  reply.header('x-calos-upstream', route.provider);
  if (!call.stream) {
    let answer: JsonObject | undefined;
    for await (const whole of run.items) answer = whole;
    if (!answer) throw AiErrors.upstreamFailed(route.provider, 'gave no completion');
    return answer;
  }
  reply.header('content-type', 'text/event-stream; charset=utf-8');
  reply.header('cache-control', 'no-cache');
  return reply.send(Readable.from(renderSse(run, call, guard as GuardedAnswer)));
}

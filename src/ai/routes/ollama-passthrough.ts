// Ollama's /api/chat and /api/generate, for a model of the pool, passed through to an Ollama
// instance with every field as sent (messages, tools, images, raw, suffix, context, system,
// template, options, think, keep_alive, format): only the model name and, for a metered call,
// options.num_predict change. Nothing needs translating, so streamed NDJSON lines go out as they
// came, unparsed; only the final line (`"done":true`) is read, for the counts.
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { endReasonMessage, type GuardedAnswer, guardAnswer } from '../../platform/http/caller-access.ts';
import { clientGone } from '../../platform/http/client-gone.ts';
import { ndjsonLine, ollamaError } from '../formats/ollama-native.ts';
import type { GatewayDeps } from '../gateway/deps.ts';
import { toClientError } from '../gateway/errors.ts';
import { type Run, startRun } from '../gateway/execute.ts';
import type { Route } from '../gateway/route.ts';
import { endpoint, postJson } from '../providers/http.ts';
import { ndjsonLines } from '../providers/ollama.ts';
import { UpstreamError, type Usage } from '../providers/types.ts';
import { callerOf, limitHeaders } from './caller.ts';

/** One line of Ollama's stream (the final one with its counts), or a whole answer. */
interface GenerateLine {
  line: string;
  usage?: Usage;
  /** A non-streamed answer, as Ollama sent it. */
  object?: JsonObject;
}

type JsonObject = Record<string, unknown>;

const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

const usageOf = (object: JsonObject): Usage => ({
  promptTokens: count(object.prompt_eval_count),
  completionTokens: count(object.eval_count),
  cachedPromptTokens: 0,
});

/**
 * A key can only appear unescaped outside string values, so this finds Ollama's final object
 * (Go writes it without spaces) without parsing the lines before it.
 */
const isFinalLine = (line: string) => line.includes('"done":true');

/** Ollama reports a failure inside a stream as an object with `error`. */
const isErrorLine = (line: string) => line.startsWith('{"error"');

/** A call passed through: the caller's body (checked) and what the gateway needs of it. */
export interface PassThroughCall {
  kind: 'chat' | 'generate';
  body: JsonObject;
  stream: boolean;
  /** options.num_predict when it bounds the output. */
  maxTokens: number | undefined;
  /** What the prompt says, to estimate the usage of a call that broke off before its counts came. */
  promptText: string;
  promptTokenCeiling: number;
}

/** The body Ollama gets: the caller's, with the pool's model name and the hold's output limit. */
function upstreamBody(call: PassThroughCall, route: Route, maxOutputTokens: number | undefined) {
  const body: JsonObject = { ...call.body, model: route.model };
  if (maxOutputTokens !== undefined) {
    const options = (call.body.options as JsonObject | undefined) ?? {};
    body.options = { ...options, num_predict: maxOutputTokens };
  }
  return body;
}

async function* streamedLines(
  deps: GatewayDeps,
  path: string,
  target: { baseUrl: string },
  body: JsonObject,
  signal: AbortSignal,
): AsyncGenerator<GenerateLine> {
  const response = await postJson(endpoint(target.baseUrl, path), body, {
    signal,
    provider: 'ollama',
  });
  let isFinished = false;
  let lines = 0;
  try {
    for await (const line of ndjsonLines(response.body)) {
      if (isErrorLine(line)) {
        // Before any line nothing reached the client: another instance may try.
        const said = (JSON.parse(line) as { error?: unknown }).error;
        throw new UpstreamError(
          `Ollama failed during the answer: ${typeof said === 'string' ? said : JSON.stringify(said)}`,
          lines === 0 ? 'server_error' : 'broken_stream',
          200,
          'ollama',
        );
      }
      lines++;
      if (isFinalLine(line)) {
        isFinished = true;
        yield { line, usage: usageOf(JSON.parse(line) as JsonObject) };
      } else yield { line };
    }
  } catch (error) {
    // The final line arrived; only the end of the body was lost.
    if (!(isFinished && error instanceof UpstreamError && error.kind === 'broken_stream')) throw error;
  }
  if (!isFinished) {
    deps.logger.debug({ lines, path }, 'ollama stream ended early');
    throw new UpstreamError(
      'Ollama ended the stream before its final object',
      'broken_stream',
      200,
      'ollama',
    );
  }
}

async function* renderLines(run: Run<GenerateLine>, guard: GuardedAnswer) {
  // The final line goes out once the run has ended, so a client that has it sees the call settled.
  let final: string | undefined;
  try {
    for await (const item of run.items) {
      if (item.usage) final = `${item.line}\n`;
      else yield `${item.line}\n`;
    }
    if (final) yield final;
  } catch (error) {
    const reason = guard.endReason;
    yield ndjsonLine(
      reason
        ? { ...ollamaError(endReasonMessage[reason]), reason }
        : ollamaError(toClientError(error, 'ollama', false).message),
    );
  }
}

/** Answers an /api/chat or /api/generate call that an Ollama instance serves, as that instance answers it. */
export async function passOllamaThrough(
  deps: GatewayDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  route: Route,
  call: PassThroughCall,
) {
  const path = `/api/${call.kind}`;
  const guard = call.stream ? guardAnswer(request, reply) : undefined;
  const run = await startRun<GenerateLine>(deps, {
    caller: callerOf(request),
    endpoint: `api/${call.kind}`,
    route,
    requestId: request.id,
    signal: guard?.signal ?? clientGone(request, reply),
    promptText: call.promptText,
    promptTokenCeiling: call.promptTokenCeiling,
    maxCompletionTokens: call.maxTokens,
    start: (target, signal, bounds) => {
      const body = upstreamBody(call, route, bounds.maxOutputTokens);
      if (call.stream) return streamedLines(deps, path, target, body, signal);
      return (async function* () {
        const response = await postJson(endpoint(target.baseUrl, path), body, {
          signal,
          provider: 'ollama',
        });
        const object = (await response.json()) as JsonObject;
        if (object.error !== undefined)
          throw new UpstreamError(`Ollama failed: ${String(object.error)}`, 'server_error', 200, 'ollama');
        yield { line: '', object, usage: usageOf(object) };
      })();
    },
    usageOf: (item) => item.usage,
    textOf: () => '',
    // Ollama streams one token per line.
    tokensOf: (item) => (item.usage ? 0 : 1),
  });
  limitHeaders(reply, run.limit);
  if (route.fallbackReason)
    reply.header('x-calos-fallback', `${route.fallbackReason}; requested=${route.requestedModel}`);
  reply.header('x-calos-upstream', 'ollama');
  if (!call.stream) {
    let answer: JsonObject | undefined;
    for await (const item of run.items) answer = item.object;
    return answer;
  }
  reply.header('content-type', 'application/x-ndjson');
  return reply.send(Readable.from(renderLines(run, guard as GuardedAnswer)));
}

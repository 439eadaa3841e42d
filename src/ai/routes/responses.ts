// OpenAI's Responses API (POST /v1/responses) over any model the gateway serves: the input
// items become a chat call (metered and limited as chat is), and the answer comes back as a
// response object, or streamed as its events (response.created, response.output_item.added,
// response.output_text.delta, response.function_call_arguments.delta, …, response.completed).

import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { endReasonMessage, type GuardedAnswer, guardAnswer } from '../../platform/http/caller-access.ts';
import { clientGone } from '../../platform/http/client-gone.ts';
import { bearer } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import { type ResponseEvent, ResponseEventWriter, type StreamDelta } from '../formats/response-events.ts';
import {
  type OutputItem,
  outputText,
  type ResponseFacts,
  responseObject,
  responsesId,
} from '../formats/response-object.ts';
import {
  itemReferencesOf,
  parseResponses,
  previousResponseIdOf,
  withReferencedItems,
} from '../formats/responses.ts';
import { refuseIfSpent } from '../gateway/admission.ts';
import { collectChat, startChat } from '../gateway/chat.ts';
import type { GatewayDeps } from '../gateway/deps.ts';
import { toClientError } from '../gateway/errors.ts';
import type { Run } from '../gateway/execute.ts';
import { referencedItems } from '../gateway/item-references.ts';
import { checkStorable, keepResponse, previousChain } from '../gateway/stored-responses.ts';
import type { ChatEvent } from '../providers/types.ts';
import { allowsFallback, callerOf, limitHeaders } from './caller.ts';
import { OpenAIErrorResponse } from './dialects.ts';

/**
 * The events of one answer, from response.created to response.completed (or incomplete);
 * `keep` stores the finished response (with how its stream was cut) before the last event says
 * it is done.
 */
async function* renderEvents(
  run: Run<ChatEvent>,
  facts: ResponseFacts,
  guard: GuardedAnswer,
  keep: (response: ReturnType<typeof responseObject>, deltas: StreamDelta[]) => Promise<boolean>,
) {
  const writer = new ResponseEventWriter(facts.output, () =>
    responseObject({ ...facts, output: structuredClone(facts.output) }),
  );
  const texts = (events: ResponseEvent[]) => events.map((event) => event.text);
  yield* texts(writer.start());
  try {
    for await (const piece of run.items) {
      if (piece.type === 'delta') yield* texts(writer.text(piece.content));
      else if (piece.type === 'tool_call')
        yield* texts(
          writer.call(piece.index, {
            ...(piece.name ? { name: piece.name } : {}),
            ...(piece.id ? { callId: piece.id } : {}),
            arguments: piece.arguments,
          }),
        );
      else {
        const status = piece.doneReason === 'length' ? 'incomplete' : 'completed';
        const { events, close } = writer.finish(status);
        yield* texts(events);
        facts.status = status;
        facts.usage = piece.usage;
        facts.store = await keep(responseObject(facts), writer.deltas);
        yield close(responseObject(facts)).text;
      }
    }
  } catch (error) {
    // The stream says why it ends, as OpenAI's does: an error event, then the failed response.
    const reason = guard.endReason;
    const clientError = toClientError(error, run.route.provider, run.route.byok);
    yield* texts(
      writer.fail(reason ?? clientError.code, reason ? endReasonMessage[reason] : clientError.message),
    );
  }
}

const ENDPOINT = 'v1/responses';

/** The model a request names, for the usage log of a call refused before it is parsed. */
const modelOf = (body: unknown) => {
  const model = (body as { model?: unknown }).model;
  return typeof model === 'string' ? model : undefined;
};

export function registerResponsesRoutes(app: App, deps: GatewayDeps) {
  app.post(
    '/v1/responses',
    {
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags: ['openai'],
        summary: 'Responses API, OpenAI-compatible: text, function tools, and streaming events',
        description:
          '`input` a string or items (messages, function_call, function_call_output, and item_reference to an item ' +
          'of your own stored responses, at most 256), `instructions`, function `tools` ' +
          'with `tool_choice`, `text.format` (json_object, json_schema), `max_output_tokens`. Any model the gateway ' +
          'serves answers, metered as chat is. Responses are stored for 30 days unless `store` is false, and ' +
          '`previous_response_id` continues one (its earlier input and output items come first).',
        security: bearer,
        body: Type.Object({}, { additionalProperties: true }),
        response: {
          200: Type.Unsafe<unknown>({
            description: 'A response object, or its events as server-sent events',
          }),
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
      const caller = callerOf(request);
      const previousId = previousResponseIdOf(request.body);
      const references = itemReferencesOf(request.body);
      // A chain may be 16 MiB to read, referenced items as much: a caller whose AI limit is spent
      // is refused (and logged so) before they are read.
      if (previousId || references.length > 0)
        await refuseIfSpent(deps, caller, ENDPOINT, modelOf(request.body));
      const previous = previousId ? await previousChain(deps, caller.userId, previousId) : undefined;
      const body = withReferencedItems(
        request.body as Record<string, unknown>,
        references,
        await referencedItems(deps, caller.userId, references),
      );
      const call = parseResponses(body, previous?.items);
      checkStorable(call, previous);
      const keep = (response: ReturnType<typeof responseObject>, deltas?: StreamDelta[]) =>
        keepResponse(deps, caller.userId, call, previous, response, deltas);
      const guard = call.stream ? guardAnswer(request, reply) : undefined;
      const run = await startChat(deps, {
        caller,
        endpoint: ENDPOINT,
        requestId: request.id,
        signal: guard?.signal ?? clientGone(request, reply),
        model: call.model || undefined,
        call,
        allowFallback: allowsFallback(request),
      });
      limitHeaders(reply, run.limit);
      if (run.route.fallbackReason)
        reply.header(
          'x-calos-fallback',
          `${run.route.fallbackReason}; requested=${run.route.requestedModel}`,
        );
      reply.header('x-calos-upstream', run.route.provider);
      const facts: ResponseFacts = {
        id: responsesId('resp'),
        createdAt: Math.floor(deps.clock.nowMs() / 1000),
        model: run.route.model,
        call,
        status: 'in_progress',
        output: [],
        usage: null,
        store: call.store,
      };
      if (!call.stream) {
        const { text, done, toolCalls } = await collectChat(run);
        const status = done?.doneReason === 'length' ? 'incomplete' : 'completed';
        const output: OutputItem[] = [];
        if (text !== '')
          output.push({
            type: 'message',
            id: responsesId('msg'),
            status,
            role: 'assistant',
            content: [outputText(text)],
          });
        for (const toolCall of toolCalls) {
          output.push({
            type: 'function_call',
            id: responsesId('fc'),
            call_id: toolCall.id,
            name: toolCall.name,
            arguments: toolCall.arguments,
            status: 'completed',
          });
        }
        const response = responseObject({
          ...facts,
          status,
          output,
          usage: done?.usage ?? { promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0 },
        });
        return { ...response, store: await keep(response) };
      }
      reply.header('content-type', 'text/event-stream; charset=utf-8');
      reply.header('cache-control', 'no-cache');
      return reply.send(Readable.from(renderEvents(run, facts, guard as GuardedAnswer, keep)));
    },
  );
}

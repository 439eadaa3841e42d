// The stored responses of the Responses API, as OpenAI serves them: GET /v1/responses/{id} (whole,
// or its events replayed with ?stream=true),
// DELETE /v1/responses/{id} and GET /v1/responses/{id}/input_items. Only the caller's own;
// another user's id is 404, as one that never was.

import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { bearer } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import { AiErrors } from '../errors.ts';
import { replayEvents } from '../formats/response-events.ts';
import type { GatewayDeps } from '../gateway/deps.ts';
import type { CallLimit } from '../limits/call-limit.ts';
import { callerOf } from './caller.ts';
import { OpenAIErrorResponse } from './dialects.ts';

const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const errors = {
  400: OpenAIErrorResponse,
  401: OpenAIErrorResponse,
  404: OpenAIErrorResponse,
  429: OpenAIErrorResponse,
};

const LIMIT_NOTE = 'Limited per user (CALOS_AI_STORED_RESPONSES_PER_MINUTE, 429 with Retry-After beyond).';

export function registerStoredResponseRoutes(app: App, deps: GatewayDeps, limit: CallLimit) {
  // Every route here reads or deletes: each call counts against the user's stored-responses limit.
  const ownResponse = async (userId: string, id: string) => {
    await limit.admit(userId);
    const stored = await deps.identity.ai.storedResponse(userId, id);
    if (!stored) throw AiErrors.responseNotFound(id);
    return stored;
  };

  app.get(
    '/v1/responses/:id',
    {
      schema: {
        tags: ['openai'],
        summary: 'A stored response, as it was answered, or its events replayed (Responses API)',
        description:
          "`stream=true` sends the response's events as server-sent events, as its stream sent them (the same " +
          'sequence numbers); `starting_after` a sequence number to start after. ' +
          LIMIT_NOTE,
        security: bearer,
        params: Id,
        querystring: Type.Object(
          {
            include: Type.Optional(Type.Unknown()),
            stream: Type.Optional(Type.Boolean()),
            starting_after: Type.Optional(Type.Integer({ minimum: 0 })),
            include_obfuscation: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: true },
        ),
        response: {
          200: Type.Unsafe<unknown>({ description: 'The response object, or its events' }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const stored = await ownResponse(callerOf(request).userId, request.params.id);
      if (request.query.stream !== true) return stored.response;
      const after = request.query.starting_after ?? -1;
      const events = replayEvents(stored.response, stored.streamDeltas);
      reply.header('content-type', 'text/event-stream; charset=utf-8');
      reply.header('cache-control', 'no-cache');
      return reply.send(
        Readable.from(
          (function* () {
            for (const event of events) if (event.sequence > after) yield event.text;
          })(),
        ),
      );
    },
  );

  app.delete(
    '/v1/responses/:id',
    {
      schema: {
        tags: ['openai'],
        summary: 'Deletes a stored response (Responses API)',
        description: LIMIT_NOTE,
        security: bearer,
        params: Id,
        response: {
          200: Type.Object({ id: Type.String(), object: Type.Literal('response'), deleted: Type.Boolean() }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { userId } = callerOf(request);
      await limit.admit(userId);
      if (!(await deps.identity.ai.deleteStoredResponse(userId, id))) throw AiErrors.responseNotFound(id);
      return { id, object: 'response' as const, deleted: true };
    },
  );

  app.get(
    '/v1/responses/:id/input_items',
    {
      schema: {
        tags: ['openai'],
        summary: "A stored response's own input items, a page at a time (Responses API)",
        description:
          '`order` desc (default) or asc, `limit` 1–100 (20), `after` an item id to continue after. ' +
          LIMIT_NOTE,
        security: bearer,
        params: Id,
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
            order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
            after: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: true },
        ),
        response: { 200: Type.Unsafe<unknown>({ description: 'A list of input items' }), ...errors },
      },
    },
    async (request) => {
      const stored = await ownResponse(callerOf(request).userId, request.params.id);
      const { limit = 20, order = 'desc', after } = request.query;
      const items = (order === 'asc' ? stored.inputItems : [...stored.inputItems].reverse()) as {
        id?: string;
      }[];
      const start = after === undefined ? 0 : items.findIndex((item) => item.id === after) + 1;
      const data = items.slice(start, start + limit);
      return {
        object: 'list' as const,
        data,
        first_id: data[0]?.id ?? null,
        last_id: data.at(-1)?.id ?? null,
        has_more: start + limit < items.length,
      };
    },
  );
}

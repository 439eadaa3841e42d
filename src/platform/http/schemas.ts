// Schema pieces every service's routes share.
import { type TSchema, Type } from 'typebox';

/** A point in time: handlers return Date, the JSON has an ISO 8601 string. */
export const Timestamp = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });
export const NullableTimestamp = Type.Unsafe<Date | string | null>({
  anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }],
});

/**
 * A model as the AI gateway names it, for an app that lets the person pick one per request: an
 * Ollama tag (llama3.2, qwen2.5:7b) or a provider's model (gpt-4o, claude-…, deepseek-…).
 */
export const AiModelName = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]*$',
  description:
    'The model to ask; omitted, your preference (GET /ai/api/preferences) answers. A provider’s model ' +
    '(gpt-…, claude-…, deepseek-…) uses your own key for it, else your fallback model answers',
  examples: ['llama3.2', 'gpt-4o'],
});

/** A 204 answer: no body. */
export const NoContent = Type.Unsafe<undefined>({ type: 'null', description: 'No content' });

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { description: 'The error shape of every CALOS service' },
);

/** The OpenAPI security requirement of a route that needs a signed-in caller. */
export const bearer = [{ bearerAuth: [] }];

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** One page of a list: pass next_cursor back as cursor for the next; null on the last page. */
export const Page = <T extends TSchema>(item: T, description: string) =>
  Type.Object(
    {
      items: Type.Array(item),
      next_cursor: Nullable(
        Type.String({ description: 'Pass as cursor for the next page; null on the last page' }),
      ),
    },
    { description },
  );

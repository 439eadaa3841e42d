// /ai/api/preferences and /ai/api/usage: the user's model choice and what their calls did.
import { Type } from 'typebox';
import type { IdentityClient } from '../../identity/client.ts';
import { requireUser } from '../../platform/auth/guard.ts';
import { keyset, PageQuery } from '../../platform/http/pagination.ts';
import { bearer, ErrorResponse, Timestamp } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';

const ModelName = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]*$' });
const Preferences = Type.Object(
  { model_preference: Type.Union([ModelName, Type.Null()]), fallback_model: ModelName },
  { additionalProperties: false, examples: [{ model_preference: 'gpt-4o', fallback_model: 'llama3.2' }] },
);
/** The user's calls, newest first, by usage id. */
const USAGE = keyset('ai.usage', { id: 'bigint' });

export function registerAccountRoutes(
  app: App,
  identity: IdentityClient,
  usageLog: { flush(): Promise<void> },
) {
  app.get(
    '/api/preferences',
    {
      schema: {
        tags: ['account'],
        summary: 'Which model to use by default, and which free model answers when a premium one cannot',
        security: bearer,
        response: { 200: Preferences, 401: ErrorResponse },
      },
    },
    async (request) => identity.ai.preferences(requireUser(request).userId),
  );

  app.put(
    '/api/preferences',
    {
      schema: {
        tags: ['account'],
        summary: 'Set the model preference and the fallback model',
        security: bearer,
        body: Preferences,
        response: { 200: Preferences, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => identity.ai.setPreferences(requireUser(request).userId, request.body),
  );

  app.get(
    '/api/usage',
    {
      schema: {
        tags: ['account'],
        summary:
          'Every AI call of this account, newest first: app, model, upstream, tokens, credits, latency, outcome',
        security: bearer,
        querystring: PageQuery,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                app: Type.String(),
                endpoint: Type.String(),
                model: Type.String(),
                provider: Type.String(),
                instance: Type.Union([Type.String(), Type.Null()]),
                byok: Type.Boolean(),
                prompt_tokens: Type.Integer(),
                completion_tokens: Type.Integer(),
                cached_tokens: Type.Integer(),
                credits: Type.Integer(),
                latency_ms: Type.Integer(),
                outcome: Type.String(),
                error_code: Type.Union([Type.String(), Type.Null()]),
                created_at: Timestamp,
              }),
            ),
            next_cursor: Type.Union([Type.String(), Type.Null()]),
          }),
          400: ErrorResponse,
          401: ErrorResponse,
        },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const limit = request.query.limit ?? 20;
      const after = USAGE.decode(request.query.cursor);
      // Calls of this process not written yet are written first: users see their own calls.
      await usageLog.flush();
      const rows = await identity.ai.usage(user.userId, limit + 1, after?.id);
      return USAGE.page(
        rows,
        limit,
        ({ usage_id: _id, ...row }) => row,
        (row) => ({ id: row.usage_id }),
      );
    },
  );
}

// Ollama's POST /api/show through the gateway: a model's details from an instance of the pool
// that has it. Metadata, like /api/tags, so unmetered and outside the plan's AI limits; but each
// call reaches an instance, so it is authenticated (the scope's guard) and limited per user.

import { Type } from 'typebox';
import { PlatformErrors } from '../../platform/errors.ts';
import { bearer } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/service.ts';
import { AiErrors } from '../errors.ts';
import type { GatewayDeps } from '../gateway/deps.ts';
import { toClientError } from '../gateway/errors.ts';
import type { CallLimit } from '../limits/call-limit.ts';
import { endpoint, postJson } from '../providers/http.ts';
import { normalizeOllamaModel } from '../providers/registry.ts';
import { callerOf } from './caller.ts';
import { OllamaErrorResponse } from './dialects.ts';

export function registerShowRoute(app: App, deps: GatewayDeps, limit: CallLimit) {
  app.post(
    '/api/show',
    {
      schema: {
        tags: ['ollama'],
        summary: "A model's details, template, parameters and capabilities (Ollama /api/show)",
        description:
          'Answered by an instance of the pool that has the model, as it answers. Unmetered, but limited per ' +
          'user (CALOS_AI_METADATA_PER_MINUTE, 429 beyond).',
        security: bearer,
        body: Type.Object(
          {
            model: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            verbose: Type.Optional(Type.Boolean()),
            system: Type.Optional(Type.String({ maxLength: 100_000 })),
            template: Type.Optional(Type.String({ maxLength: 100_000 })),
            options: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Unsafe<unknown>({ description: "Ollama's answer" }),
          400: OllamaErrorResponse,
          401: OllamaErrorResponse,
          404: OllamaErrorResponse,
          429: OllamaErrorResponse,
          503: OllamaErrorResponse,
        },
      },
    },
    async (request) => {
      await limit.admit(callerOf(request).userId);
      // Newer clients send `model`, older ones `name`.
      const asked = request.body.model ?? request.body.name;
      if (asked === undefined) throw PlatformErrors.validation('model is required', { field: 'model' });
      const model = normalizeOllamaModel(asked);
      const instances = deps.pool.available();
      if (instances.length === 0) throw AiErrors.ollamaUnreachable(deps.config.ollamaHosts, 1);
      const instance = instances.find((i) => i.models.has(model));
      if (!instance) throw AiErrors.modelNotFound(model);
      try {
        const response = await postJson(
          endpoint(instance.url, '/api/show'),
          { ...request.body, model, name: undefined },
          { provider: 'ollama', headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000 },
        );
        return await response.json();
      } catch (error) {
        throw toClientError(error, 'ollama', false);
      }
    },
  );
}

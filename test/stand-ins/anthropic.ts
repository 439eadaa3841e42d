// A stand-in for the Anthropic Messages API (POST /v1/messages, GET /v1/models), checking the
// `x-api-key` and `anthropic-version` headers as the real API does. Token counts are words, as
// in text.ts.
import { randomBytes } from 'node:crypto';
import { type AnthropicOptions, createMessage, missingField, PromptCache } from './anthropic-messages.ts';
import { stringField } from './body.ts';
import { type Protocol, type StandIn, startStandIn } from './server.ts';
import { sendJson } from './wire.ts';

export type { AnthropicOptions } from './anthropic-messages.ts';
export type AnthropicStandIn = StandIn<AnthropicOptions>;

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

const anthropicError = (status: number, message: string) => ({
  type: 'error',
  error: { type: ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'), message },
});

export function startAnthropicStandIn(
  options: Partial<AnthropicOptions> & Pick<AnthropicOptions, 'apiKeys'>,
): Promise<AnthropicStandIn> {
  const cache = new PromptCache();
  const protocol: Protocol<AnthropicOptions> = {
    isInference: (method, path) => method === 'POST' && path === '/v1/messages',
    errorBody: anthropicError,
    handle: async (exchange) => {
      const { req, res, method, path, body, options: o } = exchange;
      const fail = (status: number, message: string) =>
        sendJson(res, status, anthropicError(status, message), {
          'request-id': `req_${randomBytes(12).toString('base64url')}`,
        });
      const isMessages = method === 'POST' && path === '/v1/messages';
      const isModels = method === 'GET' && path === '/v1/models';
      if (!isMessages && !isModels) return fail(404, 'Not Found');

      const key = req.headers['x-api-key'];
      if (typeof key !== 'string' || key === '') return fail(401, 'x-api-key header is required');
      if (!o.apiKeys.includes(key)) return fail(401, 'invalid x-api-key');
      if (!req.headers['anthropic-version']) return fail(400, 'anthropic-version: header is required');

      if (isModels) {
        const data = o.models.map((id) => ({
          type: 'model',
          id,
          display_name: id,
          created_at: '2025-01-01T00:00:00Z',
        }));
        return sendJson(res, 200, {
          data,
          has_more: false,
          first_id: o.models[0] ?? null,
          last_id: o.models.at(-1) ?? null,
        });
      }
      const missing = missingField(body);
      if (missing) return fail(400, `${missing}: Field required`);
      const model = stringField(body, 'model') ?? '';
      if (!o.models.includes(model)) return fail(404, `model: ${model}`);
      return createMessage(exchange, cache);
    },
  };
  return startStandIn(protocol, { models: ['claude-sonnet-4-5', 'claude-3-5-haiku-latest'], ...options });
}

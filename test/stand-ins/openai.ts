// A stand-in for the OpenAI API (chat completions, legacy completions, embeddings and models), close enough that the official
// `openai` client works against it: `new OpenAI({ apiKey, baseURL: url + '/v1' })`.
// DeepSeek speaks the same protocol, so with `dialect: 'deepseek'` and models such as
// 'deepseek-chat' the same stand-in plays DeepSeek (baseURL `url` or `url + '/v1'`).
// Token counts are words, as in text.ts.
import { randomBytes } from 'node:crypto';
import { stringField } from './body.ts';
import { chatCompletion, PromptCache, validateChat } from './openai-chat.ts';
import { textCompletions } from './openai-completions.ts';
import { embeddings } from './openai-embeddings.ts';
import type { OpenAIOptions } from './openai-options.ts';
import { type Exchange, type Protocol, type StandIn, startStandIn } from './server.ts';
import { sendJson } from './wire.ts';

export type { OpenAIOptions } from './openai-options.ts';
export type OpenAIStandIn = StandIn<OpenAIOptions>;

type OpenAIExchange = Exchange<OpenAIOptions>;

const MODEL_CREATED = 1_700_000_000;

const openAIError = (
  message: string,
  type: string,
  code: string | null = null,
  param: string | null = null,
) => ({
  error: { message, type, param, code },
});

function errorForStatus(status: number, message: string) {
  if (status === 429) return openAIError(message, 'rate_limit_exceeded', 'rate_limit_exceeded');
  if (status >= 500) return openAIError(message, 'server_error');
  return openAIError(message, 'invalid_request_error');
}

/** `sk-abc***wxyz`, as OpenAI shows a rejected key. */
const maskKey = (key: string) =>
  key.length > 8 ? `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}` : '***';

/** True when the bearer key is accepted; otherwise answers 401 in the provider's words. */
function isAuthorized({ req, res, options }: OpenAIExchange): boolean {
  const key = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
  if (key && options.apiKeys.includes(key)) return true;
  const requestId = { 'x-request-id': `req_${randomBytes(12).toString('hex')}` };
  if (options.dialect === 'deepseek') {
    const message = `Authentication Fails, Your api key: ****${(key ?? '').slice(-4)} is invalid`;
    sendJson(res, 401, openAIError(message, 'authentication_error', 'invalid_request_error'), requestId);
  } else if (!key) {
    const message =
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
    sendJson(res, 401, openAIError(message, 'invalid_request_error'), requestId);
  } else {
    const message = `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`;
    sendJson(res, 401, openAIError(message, 'invalid_request_error', 'invalid_api_key'), requestId);
  }
  return false;
}

const describeModel = (id: string, options: OpenAIOptions) => ({
  id,
  object: 'model',
  created: MODEL_CREATED,
  owned_by: options.ownedBy ?? (options.dialect === 'deepseek' ? 'deepseek' : 'system'),
});

export function startOpenAIStandIn(
  options: Partial<OpenAIOptions> & Pick<OpenAIOptions, 'apiKeys'>,
): Promise<OpenAIStandIn> {
  const cache = new PromptCache();
  // DeepSeek serves the same API at / and at /v1.
  const canonicalPath = (path: string, o: OpenAIOptions) =>
    o.dialect === 'deepseek' && !path.startsWith('/v1/') ? `/v1${path}` : path;

  const protocol: Protocol<OpenAIOptions> = {
    isInference: (method, path) =>
      method === 'POST' && (path.endsWith('/completions') || path.endsWith('/embeddings')),
    errorBody: errorForStatus,
    handle: async (exchange) => {
      const { res, method, options: o } = exchange;
      const path = canonicalPath(exchange.path, o);
      const notFound = () =>
        sendJson(res, 404, openAIError(`Invalid URL (${method} ${exchange.path})`, 'invalid_request_error'));
      if (!path.startsWith('/v1/')) return notFound();
      if (!isAuthorized(exchange)) return;

      if (method === 'GET' && path === '/v1/models') {
        return sendJson(res, 200, { object: 'list', data: o.models.map((id) => describeModel(id, o)) });
      }
      if (method === 'GET' && path.startsWith('/v1/models/')) {
        const id = decodeURIComponent(path.slice('/v1/models/'.length));
        if (o.models.includes(id)) return sendJson(res, 200, describeModel(id, o));
        const message = `The model '${id}' does not exist`;
        return sendJson(res, 404, openAIError(message, 'invalid_request_error', 'model_not_found', 'model'));
      }
      if (method === 'POST' && path === '/v1/chat/completions') {
        const checked = validateChat(exchange.body);
        if ('error' in checked) return sendJson(res, checked.status, { error: checked.error });
        const model = stringField(exchange.body, 'model') ?? '';
        if (!o.models.includes(model)) {
          const message = `The model \`${model}\` does not exist or you do not have access to it.`;
          return sendJson(res, 404, openAIError(message, 'invalid_request_error', 'model_not_found'));
        }
        return chatCompletion(exchange, checked.messages, cache);
      }
      if (method === 'POST' && path === '/v1/completions' && o.dialect !== 'deepseek') {
        return textCompletions(exchange);
      }
      if (method === 'POST' && path === '/v1/embeddings' && o.dialect !== 'deepseek') {
        const model = stringField(exchange.body, 'model') ?? '';
        if (!o.models.includes(model)) {
          const message = `The model \`${model}\` does not exist or you do not have access to it.`;
          return sendJson(res, 404, openAIError(message, 'invalid_request_error', 'model_not_found'));
        }
        return embeddings(exchange);
      }
      return notFound();
    },
  };
  return startStandIn(protocol, { models: ['gpt-4o-mini', 'gpt-4o'], ...options });
}

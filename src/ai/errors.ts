// Error codes of the AI gateway, in one place so clients can switch on `code`. Each front door
// renders them in its own dialect (routes/dialects.ts); the code is also in X-CALOS-Error-Code.
import { AppError } from '../platform/errors.ts';

const PROVIDER_NAMES: Record<string, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  deepseek: 'DeepSeek',
  ollama: 'Ollama',
};

/** How messages name a provider: 'OpenAI', 'Anthropic', or the name as given. */
export const providerName = (provider: string) => PROVIDER_NAMES[provider] ?? provider;

export const AiErrors = {
  // The caller and its limits.
  rateLimited: (window: string, limit: number, resetSeconds: number) =>
    new AppError(
      429,
      'AI_RATE_LIMITED',
      `AI request limit reached: ${limit} per ${window} on your plan. Try again in ${resetSeconds} s.`,
      { window, limit, retryAfterSeconds: resetSeconds },
    ),
  /** Model listings and details, stored responses: limits of their own, beside the plan's AI limits. */
  callsRateLimited: (scope: 'metadata' | 'stored_responses', limit: number, resetSeconds: number) =>
    new AppError(
      429,
      'AI_RATE_LIMITED',
      `${scope === 'metadata' ? 'Model details' : 'Stored responses'} limit reached: ${limit} per minute. ` +
        `Try again in ${resetSeconds} s.`,
      { window: 'minute', limit, retryAfterSeconds: resetSeconds, scope },
    ),
  clientClosed: () => new AppError(499, 'CLIENT_CLOSED', 'The client closed the request'),
  premiumModelNotInPlan: (model: string, provider: string) =>
    new AppError(
      403,
      'PREMIUM_MODEL_NOT_IN_PLAN',
      `Your plan does not include ${model}: add your own ${providerName(provider)} key or upgrade (fallback is off)`,
      { model, provider, reason: 'plan_excludes_premium' },
    ),
  providerKeyRequired: (model: string, provider: string) =>
    new AppError(
      402,
      'PROVIDER_KEY_REQUIRED',
      `${model} needs your own ${providerName(provider)} key: add it in your CALOS account (fallback is off)`,
      { model, provider, reason: 'no_key_for_provider' },
    ),

  // What the request asks for.
  /**
   * No such model: not in the pool (`provider` 'ollama', no upstream message), or unknown to the
   * upstream that was asked (its own words in `said`).
   */
  modelNotFound: (model: string | undefined, provider = 'ollama', said?: string, message?: string) =>
    new AppError(
      404,
      'MODEL_NOT_FOUND',
      message ??
        (said !== undefined
          ? `${providerName(provider)} does not know this model: ${said}`
          : `No Ollama instance has the model "${model}"`),
      { ...(model !== undefined ? { model } : {}), provider },
    ),
  emptyPrompt: (message: string) => new AppError(400, 'EMPTY_PROMPT', message),
  embedNeedsOllamaModel: () =>
    new AppError(
      400,
      'EMBED_NEEDS_OLLAMA_MODEL',
      'Embeddings are served by the Ollama pool; name an Ollama model',
    ),
  /** Token ids (embeddings' input, completions' prompt) mean something only to OpenAI's own tokenizer. */
  tokenInputNeedsOpenAI: (field: 'input' | 'prompt' = 'input', model?: string) =>
    new AppError(
      400,
      'TOKEN_INPUT_NOT_SUPPORTED',
      `${field} as token arrays works only with OpenAI models; send text to ${model ?? 'an Ollama model'}`,
      { field, ...(model ? { model } : {}) },
    ),
  notSupportedByProvider: (what: string, provider: string) =>
    new AppError(
      400,
      'NOT_SUPPORTED_BY_PROVIDER',
      `${what} is not available for ${providerName(provider)} models; name an Ollama model or an OpenAI one`,
      { provider },
    ),

  // Stored responses of the Responses API (previous_response_id).
  /** Not this user's, expired, deleted or never made: the same answer. */
  responseNotFound: (responseId: string, field?: 'previous_response_id') =>
    new AppError(
      404,
      'RESPONSE_NOT_FOUND',
      field
        ? `Previous response with id '${responseId}' not found.`
        : `Response with id '${responseId}' not found.`,
      field ? { field, responseId } : { responseId },
    ),
  /** An item_reference to an item the caller has in no kept response (another user's: the same). */
  itemNotFound: (itemId: string, field: string) =>
    new AppError(404, 'ITEM_NOT_FOUND', `Item with id '${itemId}' not found.`, { field, itemId }),
  referencedItemsTooLarge: (bytes: number, max: number) =>
    new AppError(
      400,
      'REFERENCED_ITEMS_TOO_LARGE',
      `The items referenced take ${bytes} bytes, more than the ${max} one request may bring in`,
      { field: 'input', bytes, max },
    ),
  responseChainTooLong: (max: number) =>
    new AppError(
      400,
      'RESPONSE_CHAIN_TOO_LONG',
      `This conversation already has ${max} stored responses, the most one chain may have: continue it with ` +
        'store: false, or send the conversation as input without previous_response_id',
      { field: 'previous_response_id', max },
    ),
  responseTooLargeToStore: (bytes: number, max: number) =>
    new AppError(
      400,
      'RESPONSE_TOO_LARGE_TO_STORE',
      `The conversation would take ${bytes} bytes stored, more than the ${max} kept: send store: false ` +
        '(and the whole conversation as input)',
      { field: 'store', bytes, max },
    ),

  // The Ollama pool.
  gatewayStopping: () => new AppError(503, 'GATEWAY_STOPPING', 'The gateway is shutting down'),
  ollamaUnreachable: (hosts: string[], retryAfterSeconds: number) =>
    new AppError(
      503,
      'OLLAMA_UNREACHABLE',
      `No Ollama instance is answering (OLLAMA_HOSTS: ${hosts.join(', ')})`,
      { retryAfterSeconds },
    ),
  noInstanceAvailable: (model: string, retryAfterSeconds: number) =>
    new AppError(
      503,
      'NO_INSTANCE_AVAILABLE',
      `Every Ollama instance with "${model}" is unavailable right now`,
      {
        model,
        retryAfterSeconds,
      },
    ),
  poolSaturated: (model: string) =>
    new AppError(503, 'POOL_SATURATED', 'Every Ollama instance is busy; try again shortly', {
      model,
      retryAfterSeconds: 1,
    }),

  // Upstreams.
  upstreamFailed: (provider: string, what = 'failed') =>
    new AppError(502, 'UPSTREAM_FAILED', `${providerName(provider)} ${what}`),
  providerKeyRejected: (provider: string) =>
    new AppError(
      400,
      'PROVIDER_KEY_REJECTED',
      `${providerName(provider)} rejected your API key. Replace it in your CALOS account (keys) and try again.`,
      { provider },
    ),
  platformKeyRejected: (provider: string) =>
    new AppError(
      502,
      'PLATFORM_KEY_REJECTED',
      `${providerName(provider)} rejected the platform's key; the operator has been told`,
      { provider },
    ),
  upstreamBadRequest: (provider: string, said: string) =>
    new AppError(400, 'UPSTREAM_BAD_REQUEST', `${providerName(provider)} refused the request: ${said}`, {
      provider,
    }),
  providerRateLimited: (provider: string) =>
    new AppError(
      429,
      'PROVIDER_RATE_LIMITED',
      `${providerName(provider)} is rate limiting; try again shortly`,
      {
        provider,
        retryAfterSeconds: 5,
      },
    ),
  upstreamStreamBroken: (provider: string) =>
    new AppError(502, 'UPSTREAM_STREAM_BROKEN', `${providerName(provider)} broke off the answer`, {
      provider,
    }),
  upstreamUnavailable: (provider: string, kind: string) =>
    new AppError(502, 'UPSTREAM_UNAVAILABLE', `${providerName(provider)} is not answering (${kind})`, {
      provider,
      retryAfterSeconds: 2,
    }),

  // The typed client of an app in another process (http-client.ts).
  clientNeedsToken: () =>
    new AppError(500, 'AI_CLIENT_NEEDS_TOKEN', 'The gateway runs elsewhere: pass the user’s access token'),
  /** An error the remote gateway answered with, its code kept (else `fallbackCode`). */
  fromGateway: (
    status: number,
    code: string | undefined,
    fallbackCode: 'AI_STREAM_FAILED' | 'AI_GATEWAY_FAILED',
    message: string,
    details?: unknown,
  ) => new AppError(status, code ?? fallbackCode, message, details),
};

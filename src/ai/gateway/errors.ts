// Error codes of the AI gateway, and how upstream failures reach the caller.
import { AppError } from '../../platform/errors.ts';
import { UpstreamError } from '../providers/types.ts';

const PROVIDER_NAMES: Record<string, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  deepseek: 'DeepSeek',
  ollama: 'Ollama',
};

export const providerName = (provider: string) => PROVIDER_NAMES[provider] ?? provider;

export function toClientError(error: unknown, provider: string, byok: boolean): AppError {
  if (error instanceof AppError) return error;
  if (!(error instanceof UpstreamError))
    return new AppError(502, 'UPSTREAM_FAILED', `${providerName(provider)} failed`);
  const name = providerName(provider);
  switch (error.kind) {
    case 'rejected_key':
      return byok
        ? new AppError(
            400,
            'PROVIDER_KEY_REJECTED',
            `${name} rejected your API key. Replace it in your CALOS account (keys) and try again.`,
            { provider },
          )
        : new AppError(
            502,
            'PLATFORM_KEY_REJECTED',
            `${name} rejected the platform's key; the operator has been told`,
            {
              provider,
            },
          );
    case 'not_found':
      return new AppError(404, 'MODEL_NOT_FOUND', `${name} does not know this model: ${error.message}`, {
        provider,
      });
    case 'bad_request':
      return new AppError(400, 'UPSTREAM_BAD_REQUEST', `${name} refused the request: ${error.message}`, {
        provider,
      });
    case 'rate_limited':
      return new AppError(429, 'PROVIDER_RATE_LIMITED', `${name} is rate limiting; try again shortly`, {
        provider,
        retryAfterSeconds: 5,
      });
    case 'broken_stream':
      return new AppError(502, 'UPSTREAM_STREAM_BROKEN', `${name} broke off the answer`, { provider });
    default:
      return new AppError(502, 'UPSTREAM_UNAVAILABLE', `${name} is not answering (${error.kind})`, {
        provider,
        retryAfterSeconds: 2,
      });
  }
}

// How upstream failures reach the caller: each UpstreamError kind as the gateway's own code.
import { AppError } from '../../platform/errors.ts';
import { AiErrors } from '../errors.ts';
import { UpstreamError } from '../providers/types.ts';

export { providerName } from '../errors.ts';

export function toClientError(error: unknown, provider: string, byok: boolean): AppError {
  if (error instanceof AppError) return error;
  if (!(error instanceof UpstreamError)) return AiErrors.upstreamFailed(provider);
  switch (error.kind) {
    case 'rejected_key':
      return byok ? AiErrors.providerKeyRejected(provider) : AiErrors.platformKeyRejected(provider);
    case 'not_found':
      return AiErrors.modelNotFound(undefined, provider, error.message);
    case 'bad_request':
      return AiErrors.upstreamBadRequest(provider, error.message);
    case 'rate_limited':
      return AiErrors.providerRateLimited(provider);
    case 'broken_stream':
      return AiErrors.upstreamStreamBroken(provider);
    default:
      return AiErrors.upstreamUnavailable(provider, error.kind);
  }
}

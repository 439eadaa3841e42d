// A per-user limit on the gateway's metadata calls that reach an Ollama instance (/api/show):
// they run no model and cost no credits, so they do not count against the plan's AI limits,
// but a caller must not be able to use them to hammer the pool. Shared in Redis when REDIS_URL
// is set, per process otherwise (as every counter of rate-limit.ts).
import type { Config } from '../../platform/config.ts';
import { consume, createLimiter } from '../../platform/rate-limit.ts';
import { AiErrors } from '../errors.ts';

export interface MetadataLimit {
  /** Counts one call; throws 429 AI_RATE_LIMITED once the minute's calls are spent. */
  admit(userId: string): Promise<void>;
}

export function createMetadataLimit(
  config: Pick<Config, 'redisUrl'> & Partial<Pick<Config, 'redisPrefix'>>,
  perMinute: number,
): MetadataLimit {
  const limiter = createLimiter(config, { keyPrefix: 'ai:metadata', points: perMinute, duration: 60 });
  return {
    async admit(userId) {
      const counted = await consume(limiter, userId);
      if (!counted.allowed)
        throw AiErrors.metadataRateLimited(perMinute, Math.max(1, Math.ceil(counted.resetMs / 1000)));
    },
  };
}

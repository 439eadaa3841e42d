// Per-user limits on the gateway's calls that run no model and cost no credits, so they do not
// count against the plan's AI limits, but must not let a caller hammer the pool or the database:
// model listings and details (/api/show, /api/tags, /api/ps, /api/version, /v1/models…; each
// may ask every Ollama instance) and stored responses (read, replayed, listed or deleted).
// Shared in Redis when REDIS_URL is set, per process otherwise (as every counter of rate-limit.ts).
import type { Config } from '../../platform/config.ts';
import { consume, createLimiter } from '../../platform/rate-limit.ts';
import { AiErrors } from '../errors.ts';

export interface CallLimit {
  /** Counts one call; throws 429 AI_RATE_LIMITED (with Retry-After) once the minute's calls are spent. */
  admit(userId: string): Promise<void>;
}

/** What a limit counts: its own counter, and what its refusal says. */
export type CallScope = 'metadata' | 'stored_responses';

export function createCallLimit(
  config: Pick<Config, 'redisUrl'> & Partial<Pick<Config, 'redisPrefix'>>,
  scope: CallScope,
  perMinute: number,
): CallLimit {
  const limiter = createLimiter(config, { keyPrefix: `ai:${scope}`, points: perMinute, duration: 60 });
  return {
    async admit(userId) {
      const counted = await consume(limiter, userId);
      if (!counted.allowed)
        throw AiErrors.callsRateLimited(scope, perMinute, Math.max(1, Math.ceil(counted.resetMs / 1000)));
    },
  };
}

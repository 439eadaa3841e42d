// Counters for rate limits and lock-outs: in Redis when REDIS_URL is set (shared by every
// process of a deployment, under its CALOS_REDIS_PREFIX), in process memory otherwise. A thin
// layer over rate-limiter-flexible.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from './config.ts';
import { redisClient } from './redis.ts';

export interface LimiterOptions {
  /** Names the counter, e.g. 'login:account'; the deployment's prefix goes before it. */
  keyPrefix: string;
  points: number;
  /** Window in seconds. */
  duration: number;
  /** Seconds a key stays blocked once its points are spent (0: until the window ends). */
  blockDuration?: number;
}

export type Limiter = RateLimiterMemory | RateLimiterRedis;

export interface LimiterHooks {
  /**
   * Called each time a count that should have gone to Redis was made in process memory
   * instead, because Redis did not answer.
   */
  onStoreDown?(): void;
}

/**
 * A counter. Keys are `<redisPrefix>:<keyPrefix>:<key>`, so that two deployments sharing one Redis
 * never count together (a leading `calos:` in keyPrefix, from before prefixes, is dropped).
 */
export function createLimiter(
  config: Pick<Config, 'redisUrl'> & Partial<Pick<Config, 'redisPrefix'>>,
  options: LimiterOptions,
  hooks: LimiterHooks = {},
): Limiter {
  const name = options.keyPrefix.replace(/^calos:/, '');
  const scoped = { ...options, keyPrefix: `${config.redisPrefix ?? 'calos'}:${name}` };
  const redis = redisClient(config);
  if (!redis) return new RateLimiterMemory(scoped);
  // While Redis is unreachable, limits hold per process rather than not at all. The insurance
  // limiter is asked only then, so asking it is the sign that Redis is down.
  const insurance = new RateLimiterMemory(scoped);
  const { onStoreDown } = hooks;
  if (onStoreDown) {
    for (const method of ['consume', 'penalty', 'reward', 'block', 'get', 'set', 'delete'] as const) {
      // biome-ignore lint/suspicious/noExplicitAny: forwards whatever the method takes
      const original = (insurance[method] as (...args: any[]) => unknown).bind(insurance);
      // biome-ignore lint/suspicious/noExplicitAny: same signature as the original
      (insurance as any)[method] = (...args: unknown[]) => {
        onStoreDown();
        return original(...args);
      };
    }
  }
  return new RateLimiterRedis({ ...scoped, storeClient: redis, insuranceLimiter: insurance });
}

export interface ConsumeResult {
  allowed: boolean;
  remaining: number;
  /** Milliseconds until the window (or the block) ends. */
  resetMs: number;
  consumed: number;
}

/** Spends points; a refusal is a result, not an exception. */
export async function consume(limiter: Limiter, key: string, points = 1): Promise<ConsumeResult> {
  try {
    const result = await limiter.consume(key, points);
    return {
      allowed: true,
      remaining: result.remainingPoints,
      resetMs: result.msBeforeNext,
      consumed: result.consumedPoints,
    };
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      return { allowed: false, remaining: 0, resetMs: error.msBeforeNext, consumed: error.consumedPoints };
    }
    throw error;
  }
}

/** Current state of a key without spending anything. */
export async function peek(limiter: Limiter, key: string): Promise<ConsumeResult> {
  const result = await limiter.get(key);
  if (!result) return { allowed: true, remaining: limiter.points, resetMs: 0, consumed: 0 };
  return {
    allowed: result.consumedPoints <= limiter.points && result.remainingPoints > 0,
    remaining: result.remainingPoints,
    resetMs: result.msBeforeNext,
    consumed: result.consumedPoints,
  };
}

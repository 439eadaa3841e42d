// Per-user AI limits across every app (requests per minute, hour and day, by plan). Counted
// atomically in Redis when REDIS_URL is set, so every gateway process enforces one limit;
// in process memory otherwise. When REDIS_URL is set but Redis does not answer, each process
// counts on its own (a user may get the limit once per process): that is said once in the log
// per outage, counted, and reported by health() for /readyz until Redis answers again.
import type { Config } from '../../platform/config.ts';
import type { DependencyStatus } from '../../platform/http/server.ts';
import type { Logger } from '../../platform/logger.ts';
import { consume, createLimiter, type Limiter, peek } from '../../platform/rate-limit.ts';
import { redisClient } from '../../platform/redis.ts';
import { AiErrors } from '../errors.ts';

const PING_TIMEOUT_MS = 1_000;

export type Window = 'minute' | 'hour' | 'day';

export interface WindowLimits {
  perMinute: number;
  perHour: number;
  perDay: number;
}

export interface LimitState {
  window: Window;
  limit: number;
  remaining: number;
  resetSeconds: number;
}

const WINDOWS: { window: Window; seconds: number; key: keyof WindowLimits }[] = [
  { window: 'minute', seconds: 60, key: 'perMinute' },
  { window: 'hour', seconds: 3600, key: 'perHour' },
  { window: 'day', seconds: 86_400, key: 'perDay' },
];

/** Counters count every request; whether it is admitted depends on the user's plan at that moment. */
const COUNTER_CEILING = 1_000_000_000;

export interface UserLimits {
  /** Counts one request; throws 429 AI_RATE_LIMITED naming the window that ran out. */
  admit(userId: string, limits: WindowLimits): Promise<LimitState>;
  /**
   * Throws 429 AI_RATE_LIMITED, as admit would, when a window is already spent, without counting
   * anything: for work a request does before it is admitted (reading a stored response chain).
   */
  refuseIfSpent(userId: string, limits: WindowLimits): Promise<void>;
  /** Whether the counters are shared, for /readyz: undefined without REDIS_URL (per process by design). */
  health(): Promise<DependencyStatus | undefined>;
}

export interface LimitsObserver {
  logger: Logger;
  /** Called for each request counted in this process only because Redis did not answer. */
  onFallback?(): void;
}

export function createUserLimits(
  config: Pick<Config, 'redisUrl'> & Partial<Pick<Config, 'redisPrefix'>>,
  observer?: LimitsObserver,
): UserLimits {
  /** Counts made in memory because Redis did not answer; a request counted in Redis ends the outage. */
  let fallbacks = 0;
  let isDown = false;
  let requestsCountedAlone = 0;
  const onStoreDown = () => {
    fallbacks += 1;
    if (isDown) return;
    isDown = true;
    observer?.logger.warn(
      { redisUrl: redactedUrl(config.redisUrl) },
      'Redis (REDIS_URL) does not answer: AI rate limits are counted per gateway process until it does',
    );
  };
  const limiters = new Map<Window, Limiter>(
    WINDOWS.map(({ window, seconds }) => [
      window,
      createLimiter(
        config,
        { keyPrefix: `calos:ai:${window}`, points: COUNTER_CEILING, duration: seconds },
        { onStoreDown },
      ),
    ]),
  );
  return {
    async health() {
      const redis = redisClient(config);
      if (!redis) return undefined;
      // Asked now, so that an outage shows before the first request falls back.
      const answers = await Promise.race([
        redis.ping().then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((resolve) => setTimeout(resolve, PING_TIMEOUT_MS, false).unref()),
      ]);
      return answers
        ? { name: 'redis', ok: true, detail: 'AI rate limits are shared in Redis' }
        : {
            name: 'redis',
            ok: false,
            detail:
              'Redis does not answer: AI rate limits are counted per gateway process ' +
              `(${requestsCountedAlone} requests so far), so a user may get each limit once per process`,
          };
    },
    async refuseIfSpent(userId, limits) {
      for (const { window, key } of WINDOWS) {
        const limit = limits[key];
        const now = await peek(limiters.get(window) as Limiter, userId).catch(() => undefined);
        // Redis away: admit decides (and counts in this process), as it always does then.
        if (now && now.consumed >= limit)
          throw AiErrors.rateLimited(window, limit, Math.max(1, Math.ceil(now.resetMs / 1000)));
      }
    },
    async admit(userId, limits) {
      const fallbacksBefore = fallbacks;
      try {
        return await admitWindows(userId, limits);
      } finally {
        if (fallbacks !== fallbacksBefore) {
          requestsCountedAlone += 1;
          observer?.onFallback?.();
        } else if (isDown) {
          // Every window of this request was counted in Redis: it answers again.
          isDown = false;
          observer?.logger.info('Redis answers again: AI rate limits are shared between processes again');
        }
      }
    },
  };

  async function admitWindows(userId: string, limits: WindowLimits): Promise<LimitState> {
    let tightest: LimitState | undefined;
    // Window by window, so that a request refused by the minute does not eat into the day.
    for (const { window, key } of WINDOWS) {
      const limit = limits[key];
      const counted = await consume(limiters.get(window) as Limiter, userId);
      const state: LimitState = {
        window,
        limit,
        remaining: Math.max(0, limit - counted.consumed),
        resetSeconds: Math.max(1, Math.ceil(counted.resetMs / 1000)),
      };
      if (counted.consumed > limit) {
        throw AiErrors.rateLimited(window, limit, state.resetSeconds);
      }
      if (!tightest || state.remaining < tightest.remaining) tightest = state;
    }
    return tightest as LimitState;
  }
}

/** The URL without its password, for the log. */
function redactedUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable)';
  }
}

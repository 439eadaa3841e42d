// Per-user AI limits across every app (requests per minute, hour and day, by plan). Counted
// atomically in Redis when REDIS_URL is set, so every gateway process enforces one limit;
// in process memory otherwise.
import type { Config } from '../../platform/config.ts';
import { AppError } from '../../platform/errors.ts';
import { consume, createLimiter, type Limiter } from '../../platform/rate-limit.ts';

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
}

export function createUserLimits(config: Pick<Config, 'redisUrl'>): UserLimits {
  const limiters = new Map<Window, Limiter>(
    WINDOWS.map(({ window, seconds }) => [
      window,
      createLimiter(config, { keyPrefix: `calos:ai:${window}`, points: COUNTER_CEILING, duration: seconds }),
    ]),
  );
  return {
    async admit(userId, limits) {
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
          throw new AppError(
            429,
            'AI_RATE_LIMITED',
            `AI request limit reached: ${limit} per ${window} on your plan. Try again in ${state.resetSeconds} s.`,
            { window, limit, retryAfterSeconds: state.resetSeconds },
          );
        }
        if (!tightest || state.remaining < tightest.remaining) tightest = state;
      }
      return tightest as LimitState;
    },
  };
}

// Limits on account recovery and second factors, by account and by address, on the same
// counters as the sign-in throttle (platform/rate-limit.ts: Redis when set, memory otherwise).
// A limit that would tell whether an account exists (reset links per account) never answers
// differently: the mailer quietly sends no more links.
import type { Config } from '../../platform/config.ts';
import { consume, createLimiter, type LimiterOptions, peek } from '../../platform/rate-limit.ts';
import { IdentityErrors } from '../errors.ts';
import { LOGIN_LIMITS } from './login-throttle.ts';

const HOUR = 60 * 60;

export const ACCOUNT_LIMITS = {
  /** Reset links mailed for one account per hour (beyond: no mail, the same 202). */
  resetLinksPerAccount: { points: 5, duration: HOUR },
  /** "Forgot password" requests from one address per hour. */
  forgotPerAddress: { points: 20, duration: HOUR, blockDuration: HOUR },
  /** Reset and verification links tried from one address per hour. */
  linksTriedPerAddress: { points: 30, duration: HOUR, blockDuration: HOUR },
  /** Verification mails one account asks for per hour (resend, email change). */
  verifyMailsPerAccount: { points: 5, duration: HOUR },
  /** Wrong passwords typed to confirm a change (two-step, passkeys, email) by a signed-in session. */
  passwordChecksPerAccount: LOGIN_LIMITS.perAccount,
  /** Wrong second-factor codes: as wrong passwords (LOGIN_LIMITS). */
  codeFailuresPerAccount: LOGIN_LIMITS.perAccount,
  codeFailuresPerAddress: LOGIN_LIMITS.perAddress,
} satisfies Record<string, Omit<LimiterOptions, 'keyPrefix'>>;

type LimitName = keyof typeof ACCOUNT_LIMITS;

export function createAccountThrottles(config: Pick<Config, 'redisUrl'>) {
  const limiters = Object.fromEntries(
    Object.entries(ACCOUNT_LIMITS).map(([name, options]) => [
      name,
      createLimiter(config, { keyPrefix: `calos:account:${name}`, ...options }),
    ]),
  ) as Record<LimitName, ReturnType<typeof createLimiter>>;

  const retryAfter = (resetMs: number) => Math.max(1, Math.ceil(resetMs / 1000));

  return {
    /** Spends one; false once the limit is reached (the caller decides what that means). */
    async take(name: LimitName, key: string): Promise<boolean> {
      return (await consume(limiters[name], key)).allowed;
    },
    /** Spends one, or refuses the request with 429 and Retry-After. */
    async enforce(name: LimitName, key: string): Promise<void> {
      const result = await consume(limiters[name], key);
      if (!result.allowed) throw IdentityErrors.tooManyRequests(retryAfter(result.resetMs));
    },
    /** Refuses with 429 while failures have locked the key (second factors, like passwords). */
    async assertNotLocked(name: LimitName, key: string): Promise<void> {
      const state = await peek(limiters[name], key);
      if (state.consumed >= limiters[name].points)
        throw IdentityErrors.tooManyAttempts(retryAfter(state.resetMs));
    },
    async recordFailure(name: LimitName, key: string): Promise<void> {
      await consume(limiters[name], key);
    },
    async reset(name: LimitName, key: string): Promise<void> {
      await limiters[name].delete(key);
    },
  };
}

export type AccountThrottles = ReturnType<typeof createAccountThrottles>;

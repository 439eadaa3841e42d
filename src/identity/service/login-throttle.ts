// Brute-force protection for sign-in: failures per account and per address slow answers down
// and then lock sign-in for a while (429 with Retry-After). Shared through Redis when set.
import type { Config } from '../../platform/config.ts';
import { consume, createLimiter, peek } from '../../platform/rate-limit.ts';
import { IdentityErrors } from '../errors.ts';

export const LOGIN_LIMITS = {
  /** Failures on one account within 15 minutes before it locks for 15 minutes. */
  perAccount: { points: 10, duration: 15 * 60, blockDuration: 15 * 60 },
  /** Failures from one address within an hour before it locks for an hour. */
  perAddress: { points: 100, duration: 60 * 60, blockDuration: 60 * 60 },
  /** From this many failures on, each further failure answers this much later per failure. */
  slowDownAfter: 3,
  slowDownStepMs: 250,
  slowDownMaxMs: 2000,
};

export interface LoginThrottle {
  /** Throws 429 TOO_MANY_ATTEMPTS while the account or the address is locked. */
  check(login: string, ip: string): Promise<void>;
  /** Counts a failure and waits a little longer the more failures there were. */
  recordFailure(login: string, ip: string): Promise<{ locked: boolean }>;
  recordSuccess(login: string): Promise<void>;
}

export function createLoginThrottle(config: Pick<Config, 'redisUrl'>): LoginThrottle {
  const byAccount = createLimiter(config, { keyPrefix: 'calos:login:account', ...LOGIN_LIMITS.perAccount });
  const byAddress = createLimiter(config, { keyPrefix: 'calos:login:ip', ...LOGIN_LIMITS.perAddress });
  const accountKey = (login: string) => login.trim().toLowerCase();

  return {
    async check(login, ip) {
      const [account, address] = await Promise.all([peek(byAccount, accountKey(login)), peek(byAddress, ip)]);
      const blocked = [account, address].filter(
        (state) => state.consumed >= (state === account ? byAccount.points : byAddress.points),
      );
      if (blocked.length > 0) {
        const waitMs = Math.max(...blocked.map((state) => state.resetMs));
        throw IdentityErrors.tooManyAttempts(Math.max(1, Math.ceil(waitMs / 1000)));
      }
    },
    async recordFailure(login, ip) {
      const [account, address] = await Promise.all([
        consume(byAccount, accountKey(login)),
        consume(byAddress, ip),
      ]);
      const failures = account.consumed;
      if (failures >= LOGIN_LIMITS.slowDownAfter) {
        const delay = Math.min(
          (failures - LOGIN_LIMITS.slowDownAfter + 1) * LOGIN_LIMITS.slowDownStepMs,
          LOGIN_LIMITS.slowDownMaxMs,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
      return { locked: !account.allowed || !address.allowed || failures >= byAccount.points };
    },
    async recordSuccess(login) {
      await byAccount.delete(accountKey(login));
    },
  };
}

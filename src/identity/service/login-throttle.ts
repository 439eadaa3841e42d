// Brute-force protection for sign-in, shared through Redis when set. Failures count per account
// (the user, whichever login string named it), per address and account, and per address:
// - an account with too many failures is locked everywhere for a while (429 with Retry-After);
// - an address with too many failures on one account is locked for that account;
// - an address with too many failures overall (an attacker trying many names, or a reverse proxy
//   that every user shares) only slows down: every failure from it answers late, and accounts that
//   already failed from it are locked there sooner, but an account without failures from that
//   address signs in from it as usual. Nobody can lock everyone out by failing from a shared address.
import type { Config } from '../../platform/config.ts';
import { consume, createLimiter, peek } from '../../platform/rate-limit.ts';
import { IdentityErrors } from '../errors.ts';

export const LOGIN_LIMITS = {
  /** Failures on one account within 15 minutes before it locks for 15 minutes. */
  perAccount: { points: 10, duration: 15 * 60, blockDuration: 15 * 60 },
  /** Failures from one address on one account within an hour before that pair locks for an hour. */
  perAddressAccount: { points: 5, duration: 60 * 60, blockDuration: 60 * 60 },
  /** Failures from one address within an hour beyond which the address is suspect (never locked). */
  perAddress: { points: 100, duration: 60 * 60 },
  /** From a suspect address, an account locks there after this many failures from it. */
  suspectPerAccount: 2,
  /** From a suspect address, every failure answers this much later. */
  suspectDelayMs: 2000,
  /** From this many failures on an account on, each further failure answers later per failure. */
  slowDownAfter: 3,
  slowDownStepMs: 250,
  slowDownMaxMs: 2000,
};

/**
 * Who a sign-in attempt is about: the account's id when the login names one (so that its username
 * and its email share one count), else the login as typed (an unknown name fails the same way).
 */
export const throttleAccount = (userId: string | undefined, login: string) =>
  userId ? `user:${userId}` : `login:${login.trim().toLowerCase()}`;

export interface LoginThrottle {
  /** Throws 429 TOO_MANY_ATTEMPTS while the account is locked, everywhere or from this address. */
  check(account: string, ip: string): Promise<void>;
  /** Counts a failure and waits a little longer the more failures there were. */
  recordFailure(account: string, ip: string): Promise<{ locked: boolean }>;
  recordSuccess(account: string, ip: string): Promise<void>;
}

export function createLoginThrottle(config: Pick<Config, 'redisUrl' | 'redisPrefix'>): LoginThrottle {
  const byAccount = createLimiter(config, { keyPrefix: 'login:account', ...LOGIN_LIMITS.perAccount });
  const byAddressAccount = createLimiter(config, {
    keyPrefix: 'login:ip-account',
    ...LOGIN_LIMITS.perAddressAccount,
  });
  const byAddress = createLimiter(config, { keyPrefix: 'login:ip', ...LOGIN_LIMITS.perAddress });
  const pair = (account: string, ip: string) => `${ip}|${account}`;
  const retryAfter = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

  return {
    async check(account, ip) {
      const [onAccount, fromAddress, address] = await Promise.all([
        peek(byAccount, account),
        peek(byAddressAccount, pair(account, ip)),
        peek(byAddress, ip),
      ]);
      const isSuspect = address.consumed >= LOGIN_LIMITS.perAddress.points;
      const pairLimit = isSuspect ? LOGIN_LIMITS.suspectPerAccount : LOGIN_LIMITS.perAddressAccount.points;
      const waits: number[] = [];
      if (onAccount.consumed >= LOGIN_LIMITS.perAccount.points) waits.push(onAccount.resetMs);
      if (fromAddress.consumed >= pairLimit) waits.push(fromAddress.resetMs);
      if (waits.length > 0) throw IdentityErrors.tooManyAttempts(retryAfter(Math.max(...waits)));
    },
    async recordFailure(account, ip) {
      const [onAccount, fromAddress, address] = await Promise.all([
        consume(byAccount, account),
        consume(byAddressAccount, pair(account, ip)),
        consume(byAddress, ip),
      ]);
      const isSuspect = address.consumed > LOGIN_LIMITS.perAddress.points;
      const failures = onAccount.consumed;
      let delay = 0;
      if (failures >= LOGIN_LIMITS.slowDownAfter) {
        delay = Math.min(
          (failures - LOGIN_LIMITS.slowDownAfter + 1) * LOGIN_LIMITS.slowDownStepMs,
          LOGIN_LIMITS.slowDownMaxMs,
        );
      }
      if (isSuspect) delay = Math.max(delay, LOGIN_LIMITS.suspectDelayMs);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      const pairLimit = isSuspect ? LOGIN_LIMITS.suspectPerAccount : LOGIN_LIMITS.perAddressAccount.points;
      // Locked by this failure: check() refuses the attempts after it, so a count passes its limit once.
      return {
        locked: failures >= LOGIN_LIMITS.perAccount.points || fromAddress.consumed === pairLimit,
      };
    },
    async recordSuccess(account, ip) {
      await Promise.all([byAccount.delete(account), byAddressAccount.delete(pair(account, ip))]);
    },
  };
}

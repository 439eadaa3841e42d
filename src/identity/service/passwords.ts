// Password hashing with Argon2id at OWASP's minimum (19 MiB, 2 iterations, 1 lane), and a
// decoy verification so an unknown account costs the same time as a wrong password. Under
// NODE_ENV=test only, hashes are made at 1 MiB and one pass (as Devise lowers its stretches in
// tests): the same algorithm and code path at 1/40 of the CPU, for suites that sign up thousands
// of accounts.
// Accounts moved from the monolith may still carry bcrypt or older argon2 hashes: they verify
// here, and login replaces them with today's Argon2id (needsRehash).

import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import bcrypt from 'bcryptjs';
import type { Config } from '../../platform/config.ts';
import { IdentityErrors } from '../errors.ts';

export interface Argon2Parameters {
  type: typeof argon2.argon2id;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const ARGON2_PARAMETERS: Argon2Parameters = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

/** NODE_ENV=test only: never where a real password is kept. */
export const TEST_ARGON2_PARAMETERS: Argon2Parameters = {
  type: argon2.argon2id,
  memoryCost: 1024,
  timeCost: 1,
  parallelism: 1,
};

/** The parameters new hashes are made with, and stored ones are measured against. */
export const argon2ParametersFor = (config: Pick<Config, 'nodeEnv'>): Argon2Parameters =>
  config.nodeEnv === 'test' ? TEST_ARGON2_PARAMETERS : ARGON2_PARAMETERS;
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

export const hashPassword = (password: string, parameters = ARGON2_PARAMETERS): Promise<string> =>
  argon2.hash(password, parameters);

let decoy: Promise<string> | undefined;
const decoyHash = () => {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
};

/** bcrypt as written by OpenBSD/Node ($2a$, $2b$) and PHP ($2y$): the same algorithm. */
const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

/** Verifies against the stored hash, or against a decoy when there is no account. */
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  const target = hash ?? (await decoyHash());
  try {
    const ok = BCRYPT_HASH.test(target)
      ? await bcrypt.compare(password, target)
      : await argon2.verify(target, password);
    return ok && hash !== undefined;
  } catch {
    return false;
  }
}

/** True when a stored hash uses weaker parameters than today's and should be replaced. */
export const needsRehash = (hash: string, parameters = ARGON2_PARAMETERS): boolean =>
  !hash.startsWith('$argon2id$') || argon2.needsRehash(hash, parameters);

export function checkPasswordPolicy(password: string, context: { username: string; email: string }): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw IdentityErrors.weakPassword(`Passwords need at least ${PASSWORD_MIN_LENGTH} characters`);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw IdentityErrors.weakPassword(`Passwords may have at most ${PASSWORD_MAX_LENGTH} characters`);
  }
  const lowered = password.toLowerCase();
  if (lowered === context.username.toLowerCase() || lowered === context.email.toLowerCase()) {
    throw IdentityErrors.weakPassword('The password must not be your username or email');
  }
  if (new Set(password).size < 4)
    throw IdentityErrors.weakPassword('The password repeats too few characters');
}

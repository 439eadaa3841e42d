import argon2 from 'argon2';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import {
  ARGON2_PARAMETERS,
  argon2ParametersFor,
  hashPassword,
  needsRehash,
  TEST_ARGON2_PARAMETERS,
  verifyPassword,
} from './passwords.ts';

// Hashes as a monolith may have stored them (cost 4 keeps the test fast; the cost is in the hash).
const bcryptHash = (password: string, prefix: '$2a$' | '$2b$' | '$2y$') =>
  bcrypt.hashSync(password, 4).replace(/^\$2[aby]\$/, prefix);

describe('passwords', () => {
  it.each(['$2a$', '$2b$', '$2y$'] as const)(
    'accepts a bcrypt %s hash with its password only',
    async (prefix) => {
      const hash = bcryptHash('monolith password', prefix);
      expect(hash.startsWith(prefix)).toBe(true);
      expect(await verifyPassword(hash, 'monolith password')).toBe(true);
      expect(await verifyPassword(hash, 'monolith passwort')).toBe(false);
      expect(needsRehash(hash)).toBe(true);
    },
  );

  it('accepts older argon2 hashes (argon2i, argon2id with other parameters) and asks to rehash them', async () => {
    const argon2i = await argon2.hash('old secret 1', {
      type: argon2.argon2i,
      memoryCost: 4096,
      timeCost: 3,
    });
    const heavier = await argon2.hash('old secret 2', {
      type: argon2.argon2id,
      memoryCost: 65536,
      timeCost: 3,
      parallelism: 4,
    });
    expect(await verifyPassword(argon2i, 'old secret 1')).toBe(true);
    expect(await verifyPassword(heavier, 'old secret 2')).toBe(true);
    expect(await verifyPassword(heavier, 'old secret 1')).toBe(false);
    expect(needsRehash(argon2i)).toBe(true);
    expect(needsRehash(heavier)).toBe(true);
  });

  it('hashes at OWASP’s minimum everywhere but under NODE_ENV=test, and measures stored hashes against the same', async () => {
    expect(argon2ParametersFor({ nodeEnv: 'production' })).toBe(ARGON2_PARAMETERS);
    expect(argon2ParametersFor({ nodeEnv: 'development' })).toBe(ARGON2_PARAMETERS);
    expect(ARGON2_PARAMETERS).toMatchObject({ type: argon2.argon2id, memoryCost: 19_456, timeCost: 2 });
    const light = await hashPassword('a test password', argon2ParametersFor({ nodeEnv: 'test' }));
    expect(light).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=1\$/);
    expect(await verifyPassword(light, 'a test password')).toBe(true);
    expect(needsRehash(light, TEST_ARGON2_PARAMETERS)).toBe(false);
    // A light hash met where real passwords are kept is replaced at the next sign-in.
    expect(needsRehash(light)).toBe(true);
  });

  it('keeps a current Argon2id hash as it is', async () => {
    const hash = await hashPassword('a current password');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await verifyPassword(hash, 'a current password')).toBe(true);
    expect(needsRehash(hash)).toBe(false);
  });

  it('refuses a missing account, a malformed hash and a truncated bcrypt hash', async () => {
    expect(await verifyPassword(undefined, 'anything at all')).toBe(false);
    expect(await verifyPassword('not a hash', 'not a hash')).toBe(false);
    const truncated = bcryptHash('monolith password', '$2b$').slice(0, 40);
    expect(await verifyPassword(truncated, 'monolith password')).toBe(false);
  });
});

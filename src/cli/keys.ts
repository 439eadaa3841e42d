// calos keys rotate-master [--new-key <64 hex>]: re-encrypts every secret sealed under the master
// key (users' API keys, token signing keys) under a new one, all or nothing.

import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { ACCESS_TOKEN_TTL_SECONDS, createTokenIssuer, rotateMasterKey } from '../identity/index.ts';
import type { Config } from '../platform/config.ts';
import { masterKeyId } from '../platform/crypto/envelope.ts';
import { loadMasterKey, masterKeyPath, writeMasterKeyFile } from '../platform/crypto/master-key.ts';
import { openCliDatabases } from './databases.ts';
import { CliErrors } from './errors.ts';
import { print, UsageError } from './output.ts';

export async function runKeys(
  config: Config,
  action: string | undefined,
  values: { 'new-key'?: string },
): Promise<number> {
  if (action === 'rotate-signing') return rotateSigningKey(config);
  if (action !== 'rotate-master') {
    throw new UsageError('use: calos keys rotate-master [--new-key <64 hex>] | calos keys rotate-signing');
  }
  const given = values['new-key'];
  if (given !== undefined && !/^[0-9a-fA-F]{64}$/.test(given)) {
    throw new UsageError('--new-key takes 64 hex characters (32 bytes), e.g. from: openssl rand -hex 32');
  }
  const newKey = given === undefined ? randomBytes(32) : Buffer.from(given, 'hex');
  const usesKeyFile = config.masterKey === undefined;
  const currentKey = loadMasterKey(config);
  if (currentKey.equals(newKey)) {
    throw new UsageError('--new-key is the current master key; give a different one');
  }

  // On the key file, the new key is on disk before anything is re-encrypted under it, so that
  // a crash between the commit and the file swap cannot lose it.
  const pendingFile = `${masterKeyPath(config.dataDir)}.next`;
  if (usesKeyFile) {
    if (existsSync(pendingFile)) {
      // Left by a rotation that stopped after its commit: it may be the only copy of the key.
      throw CliErrors.rotationInterrupted(pendingFile, masterKeyPath(config.dataDir));
    }
    writeFileSync(pendingFile, `${newKey.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  }
  const pools = await openCliDatabases({
    databases: config.databases,
    dataDir: config.dataDir,
    names: ['identity'],
    poolSize: 2,
  }).catch((error: unknown) => {
    if (usesKeyFile) rmSync(pendingFile, { force: true });
    throw error;
  });
  let result: Awaited<ReturnType<typeof rotateMasterKey>>;
  try {
    result = await rotateMasterKey(pools.get('identity'), currentKey, newKey).catch((error: unknown) => {
      // 42P01: a table is missing, so the identity schema is not there yet.
      if ((error as { code?: unknown }).code !== '42P01') throw error;
      throw CliErrors.identityNotMigrated();
    });
  } catch (error) {
    if (usesKeyFile) rmSync(pendingFile, { force: true });
    throw error;
  } finally {
    await pools.closeAll();
  }

  const secrets = `${plural(result.apiKeys, 'API key')} and ${plural(result.signingKeys, 'signing key')}`;
  print(
    `Re-encrypted ${secrets} under the new master key ${masterKeyId(newKey)} (was ${masterKeyId(currentKey)}).`,
  );
  if (usesKeyFile) {
    try {
      writeMasterKeyFile(config.dataDir, newKey);
    } catch (error) {
      throw CliErrors.keyFileNotWritten(masterKeyPath(config.dataDir), (error as Error).message, pendingFile);
    }
    rmSync(pendingFile, { force: true });
    print(`The key file ${masterKeyPath(config.dataDir)} now holds the new key.`);
  } else if (given === undefined) {
    print('The new master key (shown once; CALOS does not store it):');
    print(`  ${newKey.toString('hex')}`);
    print('Set CALOS_MASTER_KEY to it before restarting CALOS: the old key no longer opens anything.');
  } else {
    print('Set CALOS_MASTER_KEY to the key given with --new-key before restarting CALOS:');
    print('the old key no longer opens anything.');
  }
  print('A CALOS process that kept running holds the old key: restart it now.');
  return 0;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/**
 * Starts signing access tokens with a fresh Ed25519 key. Nobody is signed out: tokens signed
 * with the old key keep verifying (it stays in the JWKS until they have expired), and refresh
 * tokens are not signed at all. Running servers pick the new key up within 30 s.
 */
async function rotateSigningKey(config: Config): Promise<number> {
  const pools = await openCliDatabases({
    databases: config.databases,
    dataDir: config.dataDir,
    names: ['identity'],
    poolSize: 2,
  });
  try {
    const kid = await createTokenIssuer(pools.get('identity'), loadMasterKey(config)).rotate();
    print(`New access tokens are signed with key ${kid}.`);
    print(
      `The previous key stays published for ${ACCESS_TOKEN_TTL_SECONDS} s after running servers switch, so nobody is signed out.`,
    );
    return 0;
  } finally {
    await pools.closeAll();
  }
}

// The master key that seals secrets at rest: CALOS_MASTER_KEY, or on the embedded default a
// key file created once with mode 0600 in the data dir (never a built-in default).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { CryptoErrors } from './errors.ts';

export const MASTER_KEY_FILE = 'master.key';

export function masterKeyPath(dataDir: string): string {
  return path.join(dataDir, MASTER_KEY_FILE);
}

export function loadMasterKey(config: Pick<Config, 'masterKey' | 'dataDir'>): Buffer {
  if (config.masterKey) return config.masterKey;
  const file = masterKeyPath(config.dataDir);
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  }
  const hex = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) {
    throw CryptoErrors.masterKeyFileInvalid(file);
  }
  return Buffer.from(hex, 'hex');
}

/** Replaces the key file atomically (used by `calos keys rotate-master` on the embedded default). */
export function writeMasterKeyFile(dataDir: string, key: Buffer): void {
  const file = masterKeyPath(dataDir);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${key.toString('hex')}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

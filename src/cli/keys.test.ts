// `calos keys rotate-master` as an operator runs it, on the key file and with CALOS_MASTER_KEY.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calosInProcess, cliEnvFor } from '../../test/support/cli.ts';
import { type IsolatedDatabases, isolatedDatabases } from '../../test/support/databases.ts';
import { testEngines } from '../../test/support/engines.ts';
import { addApiKey, createApiKeysClient, signingKeyAad } from '../identity/service/api-keys.ts';
import { loadConfig } from '../platform/config.ts';
import { open, seal } from '../platform/crypto/envelope.ts';
import { masterKeyPath, writeMasterKeyFile } from '../platform/crypto/master-key.ts';
import type { Database } from '../platform/db/database.ts';
import { DBPoolManager } from '../platform/db/pool-manager.ts';
import { createLogger } from '../platform/logger.ts';

const OPENAI_KEY = 'sk-proj-Abc123Def456Ghi789Jkl012Mno345Pqr678Stu9xyz';
const ANTHROPIC_KEY = 'sk-ant-api03-ZYXWVUTSRQPONMLKJIHGFEDCBA0987654321-wxyz';
const PRIVATE_JWK = JSON.stringify({ kty: 'OKP', crv: 'Ed25519', d: 'private-half', x: 'public-half' });

describe.each(testEngines())('calos keys rotate-master on %s', (engine) => {
  let isolated: IsolatedDatabases;
  let userId: string;
  const config = loadConfig({ NODE_ENV: 'test' });

  /** Opens identity only for `work`: the embedded engine allows one process at a time. */
  async function withIdentity<T>(work: (db: Database) => Promise<T>): Promise<T> {
    const pools = await DBPoolManager.open({
      databases: isolated.targets,
      dataDir: isolated.dataDir,
      names: ['identity'],
    });
    try {
      return await work(pools.get('identity'));
    } finally {
      await pools.closeAll();
    }
  }

  async function calos(args: string[], masterKey?: string) {
    return calosInProcess(args, cliEnvFor(isolated, { CALOS_MASTER_KEY: masterKey ?? '' }));
  }

  /** What each stored secret opens to under `key`, or the error code it gives. */
  const openAll = (key: Buffer) =>
    withIdentity(async (db) => {
      const client = createApiKeysClient({
        db,
        config,
        logger: createLogger(config),
        masterKey: key,
        now: () => new Date(),
      });
      const attempt = async (work: () => Promise<unknown>) =>
        work().catch((error: { code?: string }) => error.code ?? 'error');
      const { rows } = await db.query<{ private_jwk_encrypted: string }>(
        "SELECT private_jwk_encrypted FROM signing_keys WHERE kid = 'kid-1'",
      );
      return {
        openai: await attempt(async () => (await client.activeKey(userId, 'openai'))?.apiKey),
        anthropic: await attempt(async () => (await client.activeKey(userId, 'anthropic'))?.apiKey),
        signing: await attempt(async () =>
          open(key, rows[0]?.private_jwk_encrypted as string, signingKeyAad('kid-1')),
        ),
      };
    });

  const allOpen = { openai: OPENAI_KEY, anthropic: ANTHROPIC_KEY, signing: PRIVATE_JWK };
  const noneOpen = {
    openai: 'MASTER_KEY_MISMATCH',
    anthropic: 'MASTER_KEY_MISMATCH',
    signing: 'MASTER_KEY_MISMATCH',
  };
  const snapshot = () =>
    withIdentity(
      async (db) =>
        (
          await db.query(
            `SELECT key_id::text AS id, api_key_encrypted AS sealed FROM user_api_keys
             UNION ALL SELECT kid, private_jwk_encrypted FROM signing_keys ORDER BY 1`,
          )
        ).rows,
    );
  const keyFile = () => readFileSync(masterKeyPath(isolated.dataDir), 'utf8').trim();

  let currentKey = randomBytes(32);

  beforeAll(async () => {
    isolated = await isolatedDatabases(engine);
    writeMasterKeyFile(isolated.dataDir, currentKey);
    await withIdentity(async (db) => {
      const { rows } = await db.query<{ user_id: string }>(
        "INSERT INTO users (username, email, password_hash) VALUES ('rotator', 'rotator@example.test', 'x') RETURNING user_id",
      );
      userId = (rows[0] as { user_id: string }).user_id;
      const deps = { db, config, logger: createLogger(config), masterKey: currentKey, now: () => new Date() };
      await addApiKey(deps, userId, { provider: 'openai', apiKey: OPENAI_KEY });
      await addApiKey(deps, userId, { provider: 'anthropic', apiKey: ANTHROPIC_KEY });
      await db.query(
        "INSERT INTO signing_keys (kid, public_jwk, private_jwk_encrypted) VALUES ('kid-1', '{}', $1)",
        [seal(currentKey, PRIVATE_JWK, signingKeyAad('kid-1'))],
      );
    });
    expect(await openAll(currentKey)).toEqual(allOpen);
  });
  afterAll(async () => {
    await isolated.cleanup();
  });

  it('on the key file: re-encrypts everything, then replaces the file with the new key', async () => {
    const result = await calos(['keys', 'rotate-master']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Re-encrypted 2 API keys and 1 signing key');
    expect(result.stdout).toContain('now holds the new key');

    const newKey = Buffer.from(keyFile(), 'hex');
    expect(newKey.equals(currentKey)).toBe(false);
    expect(result.stdout).not.toContain(newKey.toString('hex'));
    expect(statSync(masterKeyPath(isolated.dataDir)).mode & 0o777).toBe(0o600);
    expect(existsSync(`${masterKeyPath(isolated.dataDir)}.next`)).toBe(false);
    expect(await openAll(newKey)).toEqual(allOpen);
    expect(await openAll(currentKey)).toEqual(noneOpen);
    currentKey = newKey;
  });

  it('with CALOS_MASTER_KEY: prints a fresh key once and leaves the key file alone', async () => {
    const fileBefore = keyFile();
    const result = await calos(['keys', 'rotate-master'], currentKey.toString('hex'));
    expect(result.code).toBe(0);
    const printed = result.stdout.match(/\b[0-9a-f]{64}\b/g) ?? [];
    expect(printed).toHaveLength(1);
    expect(result.stdout).toContain('Set CALOS_MASTER_KEY');
    expect(keyFile()).toBe(fileBefore);
    const newKey = Buffer.from(printed[0] as string, 'hex');
    expect(await openAll(newKey)).toEqual(allOpen);
    expect(await openAll(currentKey)).toEqual(noneOpen);
    currentKey = newKey;
  });

  it('with --new-key: uses that key and does not echo it', async () => {
    const chosen = randomBytes(32).toString('hex');
    const result = await calos(['keys', 'rotate-master', '--new-key', chosen], currentKey.toString('hex'));
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(chosen);
    expect(await openAll(Buffer.from(chosen, 'hex'))).toEqual(allOpen);
    currentKey = Buffer.from(chosen, 'hex');
  });

  it('refuses with a wrong current key, and changes nothing', async () => {
    const before = await snapshot();
    const fileBefore = keyFile();
    const result = await calos(['keys', 'rotate-master'], randomBytes(32).toString('hex'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Nothing was changed');
    expect(result.stderr).toContain('MASTER_KEY_ROTATION_REFUSED');
    expect(result.stdout).toBe('');
    expect(await snapshot()).toEqual(before);
    expect(keyFile()).toBe(fileBefore);

    const onFile = await calos(['keys', 'rotate-master']);
    expect(onFile.code).toBe(1);
    expect(keyFile()).toBe(fileBefore);
    expect(existsSync(`${masterKeyPath(isolated.dataDir)}.next`)).toBe(false);
    expect(await snapshot()).toEqual(before);
    expect(await openAll(currentKey)).toEqual(allOpen);
  });

  it('leaves the pending key of an interrupted rotation alone and refuses to start another', async () => {
    const pending = `${masterKeyPath(isolated.dataDir)}.next`;
    const leftOver = `${randomBytes(32).toString('hex')}\n`;
    writeFileSync(pending, leftOver, { mode: 0o600 });
    const before = await snapshot();
    const result = await calos(['keys', 'rotate-master']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('MASTER_KEY_ROTATION_INTERRUPTED');
    expect(readFileSync(pending, 'utf8')).toBe(leftOver);
    expect(await snapshot()).toEqual(before);
    rmSync(pending);
  });

  it('answers a wrong command line with usage and exit code 2', async () => {
    const badKey = await calos(['keys', 'rotate-master', '--new-key', 'abc']);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain('--new-key takes 64 hex characters');
    const unknown = await calos(['keys', 'spin']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('calos keys rotate-master');
  });
});

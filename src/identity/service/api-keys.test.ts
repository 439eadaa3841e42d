import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedDatabases, isolatedDatabases } from '../../../test/support/databases.ts';
import { testEngines } from '../../../test/support/engines.ts';
import { loadConfig } from '../../platform/config.ts';
import { open, seal } from '../../platform/crypto/envelope.ts';
import type { Database } from '../../platform/db/database.ts';
import { createLogger } from '../../platform/logger.ts';
import type { IdentityDeps } from '../deps.ts';
import {
  addApiKey,
  apiKeyAad,
  createApiKeysClient,
  listApiKeys,
  MAX_API_KEYS_PER_USER,
  removeApiKey,
  rotateMasterKey,
  signingKeyAad,
} from './api-keys.ts';

const OPENAI_KEY = 'sk-proj-Abc123Def456Ghi789Jkl012Mno345Pqr678Stu9xyz';
const ANTHROPIC_KEY = 'sk-ant-api03-ZYXWVUTSRQPONMLKJIHGFEDCBA0987654321-wxyz';

let counter = 0;
async function givenUser(db: Database): Promise<string> {
  counter += 1;
  const name = `keys_${counter}_${Math.random().toString(36).slice(2, 8)}`;
  const { rows } = await db.query<{ user_id: string }>(
    "INSERT INTO users (username, email, password_hash) VALUES ($1, $2, 'not-a-real-hash') RETURNING user_id",
    [name, `${name}@example.test`],
  );
  return (rows[0] as { user_id: string }).user_id;
}

const storedRow = async (db: Database, keyId: string) =>
  (
    await db.query<{ api_key_encrypted: string; last_used_at: Date | null; is_active: boolean }>(
      'SELECT * FROM user_api_keys WHERE key_id = $1',
      [keyId],
    )
  ).rows[0];

describe.each(testEngines())('bring-your-own keys on %s', (engine) => {
  let isolated: IsolatedDatabases;
  let deps: IdentityDeps;
  let db: Database;

  beforeAll(async () => {
    isolated = await isolatedDatabases(engine);
    db = (await isolated.open(['identity'])).get('identity');
    const config = loadConfig({ NODE_ENV: 'test' });
    deps = { db, config, logger: createLogger(config), masterKey: randomBytes(32), now: () => new Date() };
  });
  afterAll(async () => {
    await isolated.cleanup();
  });

  it('stores only a ciphertext that contains neither the key nor its encodings, and shows it masked', async () => {
    const userId = await givenUser(db);
    const added = await addApiKey(deps, userId, {
      provider: 'openai',
      apiKey: `  ${OPENAI_KEY}\n`,
      label: 'work',
    });
    expect(added).toEqual({
      key_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      provider: 'openai',
      label: 'work',
      masked: '…9xyz',
      is_active: true,
      created_at: expect.any(String),
    });

    const { rows } = await db.query('SELECT * FROM user_api_keys WHERE user_id = $1', [userId]);
    expect(rows).toHaveLength(1);
    const whole = JSON.stringify(rows);
    for (const form of [
      OPENAI_KEY,
      Buffer.from(OPENAI_KEY).toString('base64'),
      Buffer.from(OPENAI_KEY).toString('base64url'),
      Buffer.from(OPENAI_KEY).toString('hex'),
      OPENAI_KEY.slice(0, 16),
    ]) {
      expect(whole).not.toContain(form);
    }
    expect(rows[0]).toMatchObject({ key_last_four: '9xyz', is_active: true });

    const listed = await listApiKeys(deps, userId);
    expect(listed).toEqual([added]);
    expect(JSON.stringify(listed)).not.toContain(OPENAI_KEY.slice(0, -4));
  });

  it('keeps exactly one active key per provider: a new key deactivates the old one', async () => {
    const userId = await givenUser(db);
    const first = await addApiKey(deps, userId, { provider: 'openai', apiKey: OPENAI_KEY });
    const other = await addApiKey(deps, userId, { provider: 'anthropic', apiKey: ANTHROPIC_KEY });
    const replacement = `${OPENAI_KEY.slice(0, -4)}NEW1`;
    const second = await addApiKey(deps, userId, { provider: 'openai', apiKey: replacement });

    const listed = await listApiKeys(deps, userId);
    expect(listed.map((k) => [k.key_id, k.provider, k.is_active])).toEqual([
      [second.key_id, 'openai', true],
      [other.key_id, 'anthropic', true],
      [first.key_id, 'openai', false],
    ]);
    const client = createApiKeysClient(deps);
    expect(await client.activeKey(userId, 'openai')).toEqual({ keyId: second.key_id, apiKey: replacement });
    expect(await client.activeKey(userId, 'anthropic')).toEqual({
      keyId: other.key_id,
      apiKey: ANTHROPIC_KEY,
    });
    expect(await client.activeKey(userId, 'deepseek')).toBeNull();

    // Deleting the active key leaves the provider without one; the old key is not revived.
    await removeApiKey(deps, userId, second.key_id);
    expect(await client.activeKey(userId, 'openai')).toBeNull();
    expect((await listApiKeys(deps, userId)).map((k) => k.key_id)).toEqual([other.key_id, first.key_id]);
  });

  it('decrypts the active key for the gateway and records when it was last used', async () => {
    const userId = await givenUser(db);
    const added = await addApiKey(deps, userId, { provider: 'deepseek', apiKey: OPENAI_KEY });
    expect((await storedRow(db, added.key_id))?.last_used_at).toBeNull();
    const client = createApiKeysClient(deps);
    expect(await client.activeKey(userId, 'deepseek')).toEqual({ keyId: added.key_id, apiKey: OPENAI_KEY });
    expect((await storedRow(db, added.key_id))?.last_used_at).toBeInstanceOf(Date);
    expect(await client.activeKey('not-a-uuid', 'deepseek')).toBeNull();
  });

  it('hides one user’s keys from another: not listed, and deleting one is 404 API_KEY_NOT_FOUND', async () => {
    const alice = await givenUser(db);
    const bob = await givenUser(db);
    const aliceKey = await addApiKey(deps, alice, { provider: 'openai', apiKey: OPENAI_KEY });
    expect(await listApiKeys(deps, bob)).toEqual([]);
    await expect(removeApiKey(deps, bob, aliceKey.key_id)).rejects.toMatchObject({
      status: 404,
      code: 'API_KEY_NOT_FOUND',
    });
    await expect(removeApiKey(deps, bob, 'not-a-uuid')).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    await expect(removeApiKey(deps, alice, crypto.randomUUID())).rejects.toMatchObject({
      code: 'API_KEY_NOT_FOUND',
    });
    expect(await listApiKeys(deps, alice)).toHaveLength(1);
    await removeApiKey(deps, alice, aliceKey.key_id);
    expect(await listApiKeys(deps, alice)).toEqual([]);
  });

  it('audits additions and removals with the masked key only', async () => {
    const userId = await givenUser(db);
    const added = await addApiKey(
      deps,
      userId,
      { provider: 'anthropic', apiKey: ANTHROPIC_KEY },
      { ip: '203.0.113.7', userAgent: 'test' },
    );
    await removeApiKey(deps, userId, added.key_id, { ip: '203.0.113.7' });
    const { rows } = await db.query<{ event: string; details: unknown; ip_address: string }>(
      'SELECT event, details, ip_address FROM audit_log WHERE user_id = $1 ORDER BY audit_id',
      [userId],
    );
    const details = { key_id: added.key_id, provider: 'anthropic', masked: '…wxyz' };
    expect(rows).toEqual([
      { event: 'api_key.added', details, ip_address: '203.0.113.7' },
      { event: 'api_key.removed', details, ip_address: '203.0.113.7' },
    ]);
    expect(JSON.stringify(rows)).not.toContain(ANTHROPIC_KEY.slice(0, -4));
  });

  it(`allows at most ${MAX_API_KEYS_PER_USER} keys per user, even when added at once`, async () => {
    const userId = await givenUser(db);
    const attempts = await Promise.allSettled(
      Array.from({ length: MAX_API_KEYS_PER_USER + 5 }, (_, i) =>
        addApiKey(deps, userId, {
          provider: (['openai', 'anthropic', 'deepseek'] as const)[i % 3] as 'openai',
          apiKey: `${OPENAI_KEY}${String(i).padStart(3, '0')}`,
        }),
      ),
    );
    const rejected = attempts.filter((a) => a.status === 'rejected');
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(MAX_API_KEYS_PER_USER);
    expect(rejected).toHaveLength(5);
    for (const attempt of rejected) {
      expect(attempt.reason).toMatchObject({ status: 409, code: 'API_KEY_LIMIT_REACHED' });
    }
    const { rows } = await db.query<{ provider: string; active: number }>(
      `SELECT provider, count(*) FILTER (WHERE is_active) AS active FROM user_api_keys
       WHERE user_id = $1 GROUP BY provider ORDER BY provider`,
      [userId],
    );
    expect(rows).toEqual([
      { provider: 'anthropic', active: 1 },
      { provider: 'deepseek', active: 1 },
      { provider: 'openai', active: 1 },
    ]);
  });

  it('rejects a malformed key or label with VALIDATION_FAILED and stores nothing', async () => {
    const userId = await givenUser(db);
    const bad = [
      { provider: 'openai', apiKey: 'short' },
      { provider: 'openai', apiKey: 'sk-has a space in the middle of it' },
      { provider: 'openai', apiKey: `sk-${'x'.repeat(510)}` },
      { provider: 'openai', apiKey: 'sk-ünïcödé-is-not-ascii-at-all' },
      { provider: 'openai', apiKey: OPENAI_KEY, label: '   ' },
      { provider: 'mistral', apiKey: OPENAI_KEY },
    ];
    for (const input of bad) {
      const error = await addApiKey(deps, userId, input).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
      expect(JSON.stringify(error)).not.toContain(input.apiKey);
      expect((error as Error).message).not.toContain(input.apiKey);
    }
    expect(await listApiKeys(deps, userId)).toEqual([]);
  });

  it('reports a wrong master key as MASTER_KEY_MISMATCH, not garbage', async () => {
    const userId = await givenUser(db);
    await addApiKey(deps, userId, { provider: 'openai', apiKey: OPENAI_KEY });
    const wrong = createApiKeysClient({ ...deps, masterKey: randomBytes(32) });
    await expect(wrong.activeKey(userId, 'openai')).rejects.toMatchObject({
      code: 'MASTER_KEY_MISMATCH',
      message: expect.stringContaining('master key'),
    });
  });

  it('binds a ciphertext to its row: moved to another user, it fails its integrity check', async () => {
    const alice = await givenUser(db);
    const bob = await givenUser(db);
    const aliceKey = await addApiKey(deps, alice, { provider: 'openai', apiKey: OPENAI_KEY });
    await addApiKey(deps, bob, { provider: 'openai', apiKey: ANTHROPIC_KEY });
    await db.query(
      `UPDATE user_api_keys SET api_key_encrypted = (SELECT api_key_encrypted FROM user_api_keys WHERE key_id = $1)
       WHERE user_id = $2`,
      [aliceKey.key_id, bob],
    );
    const client = createApiKeysClient(deps);
    await expect(client.activeKey(bob, 'openai')).rejects.toMatchObject({ code: 'SECRET_TAMPERED' });
    expect(await client.activeKey(alice, 'openai')).toMatchObject({ apiKey: OPENAI_KEY });
  });

  describe('rotating the master key', () => {
    let rotation: IsolatedDatabases;
    let rdb: Database;
    let oldDeps: IdentityDeps;

    beforeAll(async () => {
      rotation = await isolatedDatabases(engine);
      rdb = (await rotation.open(['identity'])).get('identity');
      oldDeps = { ...deps, db: rdb, masterKey: randomBytes(32) };
    });
    afterAll(async () => {
      await rotation.cleanup();
    });

    it('re-encrypts every API key and signing key in one go; then only the new key opens them', async () => {
      const users = [await givenUser(rdb), await givenUser(rdb)];
      const keys = [
        await addApiKey(oldDeps, users[0] as string, { provider: 'openai', apiKey: OPENAI_KEY }),
        await addApiKey(oldDeps, users[0] as string, { provider: 'anthropic', apiKey: ANTHROPIC_KEY }),
        await addApiKey(oldDeps, users[1] as string, { provider: 'openai', apiKey: `${OPENAI_KEY}B` }),
      ];
      const privateJwk = JSON.stringify({ kty: 'OKP', crv: 'Ed25519', d: 'private-half', x: 'public-half' });
      await rdb.query(
        "INSERT INTO signing_keys (kid, public_jwk, private_jwk_encrypted) VALUES ('kid-1', '{}', $1)",
        [seal(oldDeps.masterKey, privateJwk, signingKeyAad('kid-1'))],
      );
      const before = await rdb.query<{ api_key_encrypted: string }>(
        'SELECT api_key_encrypted FROM user_api_keys',
      );

      const newKey = randomBytes(32);
      expect(await rotateMasterKey(rdb, oldDeps.masterKey, newKey)).toEqual({ apiKeys: 3, signingKeys: 1 });

      const after = await rdb.query<{ api_key_encrypted: string }>(
        'SELECT api_key_encrypted FROM user_api_keys',
      );
      for (const row of after.rows) expect(before.rows).not.toContainEqual(row);
      const fresh = createApiKeysClient({ ...oldDeps, masterKey: newKey });
      expect(await fresh.activeKey(users[0] as string, 'openai')).toEqual({
        keyId: keys[0]?.key_id,
        apiKey: OPENAI_KEY,
      });
      expect(await fresh.activeKey(users[0] as string, 'anthropic')).toMatchObject({ apiKey: ANTHROPIC_KEY });
      expect(await fresh.activeKey(users[1] as string, 'openai')).toMatchObject({ apiKey: `${OPENAI_KEY}B` });
      const stale = createApiKeysClient(oldDeps);
      await expect(stale.activeKey(users[0] as string, 'openai')).rejects.toMatchObject({
        code: 'MASTER_KEY_MISMATCH',
      });

      const signing = await rdb.query<{ private_jwk_encrypted: string }>(
        "SELECT private_jwk_encrypted FROM signing_keys WHERE kid = 'kid-1'",
      );
      const envelope = signing.rows[0]?.private_jwk_encrypted as string;
      expect(open(newKey, envelope, signingKeyAad('kid-1'))).toBe(privateJwk);
      expect(() => open(oldDeps.masterKey, envelope, signingKeyAad('kid-1'))).toThrow(
        expect.objectContaining({ code: 'MASTER_KEY_MISMATCH' }),
      );
      oldDeps = { ...oldDeps, masterKey: newKey };
    });

    it('refuses, changing nothing, when the current key cannot open every secret', async () => {
      const userId = await givenUser(rdb);
      const strangerKey = randomBytes(32);
      const keyId = crypto.randomUUID();
      await rdb.query(
        `INSERT INTO user_api_keys (key_id, user_id, provider, api_key_encrypted, key_last_four)
         VALUES ($1, $2, 'deepseek', $3, 'abcd')`,
        [keyId, userId, seal(strangerKey, OPENAI_KEY, apiKeyAad(userId, keyId, 'deepseek'))],
      );
      const snapshot = async () =>
        (
          await rdb.query(
            `SELECT key_id::text AS id, api_key_encrypted AS sealed FROM user_api_keys
             UNION ALL SELECT kid, private_jwk_encrypted FROM signing_keys ORDER BY 1`,
          )
        ).rows;
      const before = await snapshot();
      await expect(rotateMasterKey(rdb, oldDeps.masterKey, randomBytes(32))).rejects.toMatchObject({
        code: 'MASTER_KEY_ROTATION_REFUSED',
        message: expect.stringContaining(`API key ${keyId}`),
      });
      expect(await snapshot()).toEqual(before);
      await expect(rotateMasterKey(rdb, oldDeps.masterKey, oldDeps.masterKey)).rejects.toMatchObject({
        code: 'MASTER_KEY_UNCHANGED',
      });
    });
  });
});

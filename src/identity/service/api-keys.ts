// Bring-your-own keys: users' OpenAI / Anthropic / DeepSeek keys, sealed with AES-256-GCM under
// the master key and bound to user, key id and provider; shown only masked, opened only for the
// AI gateway through the client, and re-sealed under a new master key by rotateMasterKey.

import { randomUUID } from 'node:crypto';
import { open, seal } from '../../platform/crypto/envelope.ts';
import type { Database } from '../../platform/db/database.ts';
import { AppError, PlatformErrors } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import type { ApiKeyProvider, ApiKeysClient } from '../client.ts';
import type { IdentityDeps, RequestOrigin } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import {
  type ApiKeyRecord,
  countApiKeys,
  deactivateApiKeys,
  deleteApiKey,
  insertApiKey,
  lockSealedSecrets,
  lockUserKeys,
  selectActiveApiKey,
  selectApiKeys,
  selectSealedApiKeys,
  selectSealedSigningKeys,
  touchApiKey,
  updateApiKeySeal,
  updateSigningKeySeal,
} from '../store/api-keys.ts';
import { recordAudit } from '../store/audit.ts';

export const API_KEY_PROVIDERS = [
  'openai',
  'anthropic',
  'deepseek',
] as const satisfies readonly ApiKeyProvider[];
export const MAX_API_KEYS_PER_USER = 10;
export const API_KEY_MIN_LENGTH = 20;
export const API_KEY_MAX_LENGTH = 512;
export const API_KEY_LABEL_MAX_LENGTH = 100;

/** Printable ASCII without spaces: what every provider's keys are made of. */
const API_KEY_SHAPE = new RegExp(`^[\\x21-\\x7E]{${API_KEY_MIN_LENGTH},${API_KEY_MAX_LENGTH}}$`);

/** How a key is shown once stored. */
export interface ApiKeyView {
  key_id: string;
  provider: ApiKeyProvider;
  label: string | null;
  /** '…' and the last four characters. */
  masked: string;
  is_active: boolean;
  created_at: string;
}

/** Associated data of a sealed API key: a ciphertext opens only in its own row. */
export const apiKeyAad = (userId: string, keyId: string, provider: ApiKeyProvider): string =>
  `api-key:${userId}:${keyId}:${provider}`;

/** Associated data of a sealed signing key (the token code seals with the same). */
export const signingKeyAad = (kid: string): string => `signing-key:${kid}`;

export const maskApiKey = (lastFour: string): string => `…${lastFour}`;

const toView = (record: ApiKeyRecord): ApiKeyView => ({
  key_id: record.key_id,
  provider: record.provider,
  label: record.label,
  masked: maskApiKey(record.key_last_four),
  is_active: record.is_active,
  created_at: record.created_at.toISOString(),
});

const invalid = (field: string, message: string) =>
  PlatformErrors.validation(`${field} ${message}`, [{ field, message }]);

// Messages describe the rule, never the value: a rejected key must not reach a log either.
function normaliseApiKey(raw: string): string {
  const apiKey = raw.trim();
  if (!API_KEY_SHAPE.test(apiKey)) {
    throw invalid(
      'body.api_key',
      `must be ${API_KEY_MIN_LENGTH} to ${API_KEY_MAX_LENGTH} printable ASCII characters without spaces`,
    );
  }
  return apiKey;
}

function normaliseLabel(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const label = raw.trim();
  if (label.length === 0 || label.length > API_KEY_LABEL_MAX_LENGTH || /\p{Cc}/u.test(label)) {
    throw invalid(
      'body.label',
      `must be 1 to ${API_KEY_LABEL_MAX_LENGTH} characters, not only spaces, without control characters`,
    );
  }
  return label;
}

const isProvider = (value: string): value is ApiKeyProvider =>
  (API_KEY_PROVIDERS as readonly string[]).includes(value);

/**
 * Stores a key as the user's active key for its provider; an older active key for that
 * provider is kept but deactivated, so exactly one key per provider is active.
 */
export async function addApiKey(
  deps: IdentityDeps,
  userId: string,
  input: { provider: string; apiKey: string; label?: string },
  origin: RequestOrigin = {},
): Promise<ApiKeyView> {
  const { provider } = input;
  if (!isProvider(provider)) throw invalid('body.provider', `must be one of ${API_KEY_PROVIDERS.join(', ')}`);
  const apiKey = normaliseApiKey(input.apiKey);
  const label = normaliseLabel(input.label);
  const lastFour = apiKey.slice(-4);
  return deps.db.transaction(async (tx) => {
    if (!(await lockUserKeys(tx, userId))) throw IdentityErrors.userNotFound();
    if ((await countApiKeys(tx, userId)) >= MAX_API_KEYS_PER_USER) {
      throw IdentityErrors.keyLimitReached(MAX_API_KEYS_PER_USER);
    }
    await deactivateApiKeys(tx, userId, provider);
    // The id is made here so that the ciphertext can be bound to it before the row exists.
    const keyId = randomUUID();
    const record = await insertApiKey(tx, {
      keyId,
      userId,
      provider,
      sealed: seal(deps.masterKey, apiKey, apiKeyAad(userId, keyId, provider)),
      lastFour,
      label,
      createdAt: deps.now(),
    });
    await recordAudit(tx, userId, 'api_key.added', origin, {
      key_id: keyId,
      provider,
      masked: maskApiKey(lastFour),
    });
    return toView(record);
  });
}

export async function listApiKeys(deps: IdentityDeps, userId: string): Promise<ApiKeyView[]> {
  return (await selectApiKeys(deps.db, userId)).map(toView);
}

/** Deletes one of the user's keys; another user's key and a malformed id are both "not found". */
export async function removeApiKey(
  deps: IdentityDeps,
  userId: string,
  keyId: string,
  origin: RequestOrigin = {},
): Promise<void> {
  if (!isUuid(keyId)) throw IdentityErrors.keyNotFound();
  await deps.db.transaction(async (tx) => {
    const removed = await deleteApiKey(tx, userId, keyId);
    if (!removed) throw IdentityErrors.keyNotFound();
    await recordAudit(tx, userId, 'api_key.removed', origin, {
      key_id: removed.key_id,
      provider: removed.provider,
      masked: maskApiKey(removed.key_last_four),
    });
  });
}

/** The AI gateway's door to a user's decrypted key. */
export function createApiKeysClient(deps: IdentityDeps): ApiKeysClient {
  return {
    async activeKey(userId, provider) {
      if (!isUuid(userId) || !isProvider(provider)) return null;
      const row = await selectActiveApiKey(deps.db, userId, provider);
      if (!row) return null;
      // A wrong master key throws MASTER_KEY_MISMATCH here rather than returning garbage.
      const apiKey = open(deps.masterKey, row.api_key_encrypted, apiKeyAad(userId, row.key_id, provider));
      await touchApiKey(deps.db, row.key_id, deps.now());
      return { keyId: row.key_id, apiKey };
    },
  };
}

export interface RotationResult {
  apiKeys: number;
  signingKeys: number;
}

/**
 * Re-seals every secret held under the master key (users' API keys and token signing keys)
 * under a new one, in one transaction: if the current key cannot open any of them, nothing
 * changes. Writers to those tables wait until it commits.
 */
export async function rotateMasterKey(
  db: Database,
  currentKey: Buffer,
  newKey: Buffer,
): Promise<RotationResult> {
  if (newKey.length !== 32) throw IdentityErrors.masterKeyInvalid();
  if (currentKey.equals(newKey)) throw IdentityErrors.masterKeyUnchanged();
  return db.transaction(async (tx) => {
    await lockSealedSecrets(tx);
    const apiKeys = await selectSealedApiKeys(tx);
    const signingKeys = await selectSealedSigningKeys(tx);
    // Open everything before writing anything, so a refusal names the first bad secret.
    const resealedApiKeys = apiKeys.map((row) => {
      const aad = apiKeyAad(row.user_id, row.key_id, row.provider);
      const plaintext = openForRotation(currentKey, row.api_key_encrypted, aad, `API key ${row.key_id}`);
      return { keyId: row.key_id, sealed: seal(newKey, plaintext, aad) };
    });
    const resealedSigningKeys = signingKeys.map((row) => {
      const aad = signingKeyAad(row.kid);
      const plaintext = openForRotation(currentKey, row.private_jwk_encrypted, aad, `signing key ${row.kid}`);
      return { kid: row.kid, sealed: seal(newKey, plaintext, aad) };
    });
    for (const { keyId, sealed } of resealedApiKeys) await updateApiKeySeal(tx, keyId, sealed);
    for (const { kid, sealed } of resealedSigningKeys) await updateSigningKeySeal(tx, kid, sealed);
    return { apiKeys: resealedApiKeys.length, signingKeys: resealedSigningKeys.length };
  });
}

function openForRotation(key: Buffer, envelope: string, aad: string, what: string): string {
  try {
    return open(key, envelope, aad);
  } catch (error) {
    const cause = error instanceof AppError ? error : IdentityErrors.secretUnreadable();
    throw IdentityErrors.masterKeyRotationRefused(what, cause);
  }
}

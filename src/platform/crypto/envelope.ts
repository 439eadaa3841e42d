// AES-256-GCM envelopes for secrets at rest (BYOK keys, signing keys): a random 96-bit nonce
// per value, associated data that binds the ciphertext to its owner and purpose, and the id of
// the master key so that a wrong key is reported as such instead of producing garbage.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { CryptoErrors } from './errors.ts';

const VERSION = 'v1';

/** A short, non-secret fingerprint of a master key. */
export const masterKeyId = (key: Buffer): string =>
  createHash('sha256').update(key).digest('hex').slice(0, 12);

export function seal(key: Buffer, plaintext: string, associatedData: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(associatedData));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return [VERSION, masterKeyId(key), nonce.toString('base64url'), body.toString('base64url')].join('.');
}

export function open(key: Buffer, envelope: string, associatedData: string): string {
  const [version, keyId, nonce, body] = envelope.split('.');
  if (version !== VERSION || !keyId || !nonce || !body) {
    throw CryptoErrors.envelopeUnreadable();
  }
  if (keyId !== masterKeyId(key)) {
    throw CryptoErrors.masterKeyMismatch(keyId, masterKeyId(key));
  }
  const bytes = Buffer.from(body, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
  decipher.setAAD(Buffer.from(associatedData));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw CryptoErrors.secretTampered();
  }
}

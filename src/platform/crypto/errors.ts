// Error codes of secrets at rest: envelopes and the master key that seals them.
import { AppError } from '../errors.ts';

export const CryptoErrors = {
  envelopeUnreadable: () =>
    new AppError(500, 'SECRET_ENVELOPE_INVALID', 'A stored secret is not in a format this version can read'),
  masterKeyMismatch: (sealedWith: string, configured: string) =>
    new AppError(
      500,
      'MASTER_KEY_MISMATCH',
      `A stored secret was encrypted under master key ${sealedWith}, but the configured master key is ${configured}. ` +
        'Set CALOS_MASTER_KEY (or the key file in the data dir) back to the key it was encrypted with.',
    ),
  secretTampered: () =>
    new AppError(
      500,
      'SECRET_TAMPERED',
      'A stored secret failed its integrity check (moved, altered or bound to another owner)',
    ),
  masterKeyFileInvalid: (file: string) =>
    new AppError(500, 'MASTER_KEY_FILE_INVALID', `${file} must hold 64 hex characters (a 32-byte key)`),
};
